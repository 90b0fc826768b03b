"""User strings made safe for what reads them: a shell, Markdown, XML, a terminal.

Names, ids, labels and file names come from the user's files, and riskmap
writes them into text that other programs read. Each reader gets one function
here, and every place that writes a user string for that reader calls it:

* :func:`shell`: a command to copy into a shell (each word quoted, so
  ``$(touch x)``, backticks, ``;`` and spaces stay part of a file name);
* :func:`markdown` and :func:`markdown_code`: literal text in GitHub-flavoured
  Markdown (no link, image, HTML, emphasis, heading, list or table cell break);
* :func:`xml`: text for an XML 1.0 document (no character XML cannot hold);
* :func:`terminal`: text for a terminal (no escape sequence, no control
  character, no bidirectional override: each is shown as ``\\x1b``, ``\\u202e``).

Ordinary text comes out as it went in: only what a reader would act on is
changed. A character that would act is shown the same way in every output,
as :func:`visible` writes it (``\\x1b``, ``\\u202e``), so a user who sees
``\\x1b`` in a report finds the same in the terminal and the JUnit file.
HTML needs no function here: Jinja2 autoescaping writes the report page.
"""

from __future__ import annotations

import re
import shlex
from typing import Any, Iterable

#: characters a terminal acts on or that hide or reorder text: C0 and C1
#: controls, DEL, line and paragraph separators, the bidirectional marks,
#: embeddings, overrides and isolates (the "Trojan Source" characters), and
#: lone surrogates (undecodable bytes of a file name, which no output encodes).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                        "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

#: characters of :data:`_INVISIBLE` that XML 1.0 holds and readers treat as whitespace.
_XML_WHITESPACE = "\t\n\r"
#: noncharacters that XML 1.0 cannot hold either.
_NOT_XML = re.compile("[\ufffe\uffff]")

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def visible(char: str) -> str:
    """One character as the escape riskmap shows instead of it.

    >>> visible("\\x1b"), visible("\\n"), visible("\\u202e")
    ('\\\\x1b', '\\\\n', '\\\\u202e')
    """
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


# --------------------------------------------------------------------------
# Terminal


def terminal(text: Any, keep: str = "") -> str:
    """``text`` for a terminal: every control or bidi character shown as its escape.

    Parameters
    ----------
    text : object
        What to show (``str()`` of it).
    keep : str
        Characters to write as they are, such as ``"\\n"`` for a block of lines.

    Returns
    -------
    str
        Printable text: no escape sequence can reach the terminal, and no
        character can hide, reorder or overwrite what is printed.

    Examples
    --------
    >>> terminal("a\\x1b]0;title\\x07b \\u202eexe.txt")
    'a\\\\x1b]0;title\\\\x07b \\\\u202eexe.txt'
    >>> terminal("line 1\\nline 2", keep="\\n")
    'line 1\\nline 2'
    """
    return _INVISIBLE.sub(lambda m: m.group() if m.group() in keep else visible(m.group()),
                          str(text))


# --------------------------------------------------------------------------
# Shell


def shell(words: Iterable[Any]) -> str:
    """A command line that a POSIX shell reads back as exactly ``words``.

    Each word is quoted with :func:`shlex.quote` (a plain word stays bare).
    A word with a control or bidi character is written in ``$'...'`` quoting
    with that character's bytes as ``\\xHH`` escapes (bash, zsh, ksh and
    POSIX.1-2024 ``sh`` read it), so the command shown holds no character a
    terminal would act on and still names the file exactly.

    >>> shell(["riskmap", "run", "my plan $(touch PWNED).yaml", "--seed", 1])
    "riskmap run 'my plan $(touch PWNED).yaml' --seed 1"
    >>> shell(["a\\x1bb'c"])
    "$'a\\\\x1bb\\\\'c'"
    """
    return " ".join(_shell_word(str(word)) for word in words)


def _shell_word(word: str) -> str:
    if not _INVISIBLE.search(word):
        return shlex.quote(word)
    return "$'" + "".join(_ansi_c(char) for char in word) + "'"


def _ansi_c(char: str) -> str:
    """One character inside ``$'...'`` quoting."""
    if char in "\\'":
        return "\\" + char
    if not _INVISIBLE.match(char):
        return char
    try:  # a lone surrogate stands for an undecodable byte of the file name
        data = char.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = char.encode("utf-8", "surrogatepass")
    return "".join(f"\\x{byte:02x}" for byte in data)


def argument_path(path: str) -> str:
    """A path as a command-line argument: ``./`` before one that looks like an option.

    >>> argument_path("-rf.yaml"), argument_path("plans/a.yaml")
    ('./-rf.yaml', 'plans/a.yaml')
    """
    return f"./{path}" if path.startswith("-") else path


# --------------------------------------------------------------------------
# Markdown

#: ASCII punctuation with a meaning in Markdown inline text or tables
#: (``!`` starts an image, ``$`` GitHub's math, ``~`` strikethrough).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|~!$])")
#: at the start of a line: a list item, a setext underline or a thematic break.
_LINE_START_MARK = re.compile(r"^([-+=])(?=\s|$|\1)")
#: at the start of a line: an ordered list item (``1.``, ``2)``).
_LINE_START_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
#: what GitHub links without brackets: ``scheme://``, ``www.`` and ``@`` (an
#: e-mail address, ``mailto:``/``xmpp:`` and a mention of a user). Matched
#: wherever they stand: GitHub links ``_www.x`` too, after the emphasis mark.
_AUTOLINK = re.compile(r"(?i):(?=//)|www(?=\.)|@")
#: the word joiner, an invisible character that ends a link or an address.
#: GitHub finds e-mail addresses and mentions in the text after Markdown has
#: been read, where a backslash escape is gone; the joiner is still there.
WORD_JOINER = "&#8288;"


def markdown(value: Any) -> str:
    """``value`` as literal Markdown text, on one line.

    What GitHub-flavoured Markdown would read as markup is escaped: HTML tags
    and entities (as ``&lt;``, ``&amp;``), links, images, emphasis, code,
    strikethrough, math, headings and table pipes (a backslash before the
    character), a list marker or setext underline at the start, bare URLs,
    ``www.`` addresses, e-mail addresses and ``@`` mentions (a word joiner
    after ``://``, ``www`` or ``@``, so nothing links). Line breaks become
    spaces (a newline would end a table row); control and bidi characters
    are shown as escapes (:func:`terminal`).

    >>> markdown("<script>alert(1)</script> a|b *c*")
    '&lt;script&gt;alert(1)&lt;/script&gt; a\\\\|b \\\\*c\\\\*'
    >>> markdown("1. see https://example.com")
    '1\\\\. see https:&#8288;//example.com'
    """
    text = terminal(" ".join(str(value).split()))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START_MARK.sub(r"\\\1", text)
    text = _LINE_START_NUMBER.sub(r"\1\\\2", text)
    return _AUTOLINK.sub(lambda m: m.group() + WORD_JOINER, text)


def markdown_code(value: Any) -> str:
    """``value`` as a Markdown code span: on one line, fenced by more backticks than it holds.

    Backslashes do not escape inside a code span, so :func:`markdown` cannot
    be used there; a fence longer than any run of backticks in the text is
    what keeps it from closing early. Nothing inside a code span links or
    renders as HTML; control and bidi characters are shown as escapes. (A
    ``|`` would still end a table cell: code spans are written outside tables.)

    >>> markdown_code("scenarios/a_b.yaml"), markdown_code("x`y")
    ('`scenarios/a_b.yaml`', '``x`y``')
    """
    text = terminal(" ".join(str(value).splitlines()))  # a line break could start a new block
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "  # CommonMark strips one space each side
    return f"{fence}{text}{fence}"


# --------------------------------------------------------------------------
# XML


def xml(text: Any) -> str:
    """``text`` for an XML 1.0 document, before the XML writer escapes ``<``, ``&`` and quotes.

    Characters XML 1.0 cannot hold (C0 controls other than tab and line
    breaks, lone surrogates, U+FFFE and U+FFFF), the C1 controls and DEL it
    discourages, and the bidi characters are shown as escapes
    (:func:`visible`), so the document parses and keeps a visible trace of
    each.

    >>> xml("fill rate of a\\x1b[2Jb\\x00 <= 0.9\\n")
    'fill rate of a\\\\x1b[2Jb\\\\x00 <= 0.9\\n'
    """
    text = _INVISIBLE.sub(
        lambda m: m.group() if m.group() in _XML_WHITESPACE else visible(m.group()), str(text))
    return _NOT_XML.sub(lambda m: visible(m.group()), text)


__all__ = ["visible", "terminal", "shell", "argument_path", "markdown", "markdown_code",
           "WORD_JOINER", "xml"]
