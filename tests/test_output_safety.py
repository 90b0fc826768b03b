"""What riskmap writes for other programs is safe for them: shell, Markdown, HTML, XML, terminal.

User strings (file names, scenario names, product and supplier ids,
expectation labels) carry shell metacharacters, Markdown and HTML, characters
XML cannot hold and terminal escape sequences. Each output must show them as
text: the reproduce command gives back the file name as one word and runs
nothing else, Markdown renders no link, image, emphasis or HTML of theirs, the
JUnit file parses, and stdout and stderr hold no byte a terminal acts on.
"""

from __future__ import annotations

import dataclasses
import html as html_module
import json
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap import escape
from riskmap.cli.main import main
from riskmap.errors import Diagnostic, Pos
from riskmap.report import html, junit, markdown
from riskmap.report.content import FileRecord
from tests.test_report_support import synthetic_report

#: a file name a shell would act on in several ways.
SHELL_NAME = "my plan $(touch PWNED) `touch PWNED2`; touch PWNED3 'q' \"d\" & x.yaml"
#: Markdown and HTML that must stay text.
MARKDOWN_TEXT = ("[x](http://e.example) ![i](http://e.example/i.png) <b>bold</b> **x** _y_ "
                 "<http://auto.example> https://bare.example www.w.example a@m.example "
                 "&amp; | ~~s~~ `c`")
#: terminal escapes, C0 and C1 controls, DEL and a bidi override.
TERMINAL_TEXT = "t\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\x08\u202eexe.yaml"
#: what a terminal acts on (newline and tab are layout, written by riskmap itself).
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                    "\u202a-\u202e\u2066-\u2069]")

#: one shop, one supplier: a few hundredths of a second per replication.
SHOP = """\
riskmap: 1
name: {name}
horizon: 60
replications: 4
seed: 3
network:
  name: {name}
  suppliers:
    - {{id: {supplier}, ttr: 5}}
  products:
    - id: {product}
      name: {name}
      stock: 10
      policy: {{type: base_stock, level: 10}}
      sources: [{{supplier: {supplier}, lead_time: 3}}]
      demand: {{rate: 2}}
expect:
  - {{product: {product}, metric: fill_rate, min: 0.5}}
  - {{product: {product}, metric: fill_rate, max: 0.1}}
  - {{supplier: {supplier}, metric: ttr, max: 2}}
"""


def scenario(directory: Path, filename: str, name: str, product: str = "widget",
             supplier: str = "maker") -> Path:
    """A small scenario file with the given file name, names and ids (written as JSON strings)."""
    path = directory / filename
    path.write_text(SHOP.format(name=json.dumps(name), product=json.dumps(product),
                                supplier=json.dumps(supplier)), encoding="utf-8")
    return path


def no_active_characters(text: str) -> None:
    found = sorted(set(ACTIVE.findall(text)))
    assert not found, [hex(ord(c)) for c in found]


# --------------------------------------------------------------------------
# Markdown, through GitHub's own renderer when it is installed


def gfm(text: str) -> str:
    """``text`` rendered as GitHub-flavoured Markdown (raw HTML left in, as a naive host would)."""
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)


class Elements(HTMLParser):
    """The start tags with their attributes, and the text, of an HTML fragment."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}


def assert_inert(rendered: str) -> None:
    """No link, image, emphasis or HTML element made from a user string."""
    page = Elements(rendered)
    for tag, attrs in page.tags:
        assert tag not in ("b", "em", "del", "script"), tag
        if tag == "a":
            assert attrs.get("href", "").startswith("#"), attrs  # the report's own contents
        if tag == "img":
            assert attrs.get("src", "").startswith("report-figures/"), attrs
    links = [a.get("href", "") for _, a in page.tags if "href" in a]
    assert not any("example" in link for link in links), links


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
       | st.lists(st.sampled_from(list("[]()!<>&*_`~#|-+=.:/@\\ 1 \n\tahw") +
                                  ["http://", "www.", "&amp;", "1.", "<b>", "![", "]("]),
                  max_size=12).map("".join))
@pytest.mark.property
def test_markdown_escaping_renders_the_text_itself(value):
    """Rendered as a paragraph or a table cell, the escaped text is the text, and nothing else."""
    escaped = escape.markdown(value)
    expected = escape.terminal(" ".join(value.split()))
    for document, tag in ((escaped, "p"), (f"| h |\n|---|\n| {escaped} |", "td")):
        if not expected and tag == "p":
            continue
        rendered = gfm(document)
        page = Elements(rendered)
        assert page.names() <= {"p", "table", "thead", "tbody", "tr", "th", "td"}, rendered
        cells = [t for t, _ in page.tags if t == tag]
        assert len(cells) == 1, rendered
        shown = re.search(f"<{tag}>(.*)</{tag}>", rendered, re.S)
        text = html_module.unescape(shown.group(1) if shown else "").replace("\u2060", "")
        assert text == expected


@pytest.mark.property
@given(st.text(max_size=40))
def test_markdown_escaping_leaves_no_markup_character_bare(value):
    """Without a renderer: every character Markdown acts on is escaped in the text."""
    escaped = escape.markdown(value)
    assert "\n" not in escaped and "<" not in escaped and ">" not in escaped
    assert not re.search(r"(?<!\\)(?:\\\\)*[\[\]*_`~|!#]", escaped.replace("&#8288;", ""))
    assert not re.search(r"&(?!amp;|lt;|gt;|#8288;)", escaped)
    assert "://" not in escaped and "www." not in escaped.lower()
    assert not re.match(r"\s*([-+=]\s|\d+[.)]\s)", escaped)
    no_active_characters(escaped)


@pytest.mark.hand
def test_report_markdown_renders_no_user_markup():
    report = synthetic_report([MARKDOWN_TEXT, "# h", "1. item", "> quote", "plain"],
                              title=MARKDOWN_TEXT, disruption="<b>fire</b>")
    report = dataclasses.replace(report, scenario=dataclasses.replace(
        report.scenario, scenario_file=FileRecord("[f](http://e.example) <b>.yaml", "0" * 64)))
    text = markdown.render(report)
    rendered = gfm(text)
    assert_inert(rendered)
    page = Elements(rendered)
    # headings are the template's alone: a name's "# h" stays inside its product heading
    assert [t for t, _ in page.tags if t == "h1"] == ["h1"]
    assert "blockquote" not in page.names() and "ol" not in page.names()
    assert MARKDOWN_TEXT.replace("&amp;", "&amp;") in "".join(page.text).replace("\u2060", "")


@pytest.mark.cli
def test_check_summary_renders_no_user_markup(tmp_path):
    path = scenario(tmp_path, "[f](http:x) <b>b<b> **s**.yaml", MARKDOWN_TEXT,
                    product="www.e.example", supplier="s_x_")
    summary = tmp_path / "summary.md"
    assert main(["check", "--workers", "1", "-q", str(path), "--summary", str(summary)]) == 1
    text = summary.read_text(encoding="utf-8")
    rendered = gfm(text)
    assert_inert(rendered)
    page = Elements(rendered)
    assert "strong" not in page.names()
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, re.S)
    assert len(rows) == 1 + 3 and all(row.count("<td") in (0, 4) for row in rows)
    shown = "".join(page.text).replace("\u2060", "")
    assert MARKDOWN_TEXT in shown and "product www.e.example" in shown and "s_x_" in shown


# --------------------------------------------------------------------------
# Shell


def fake_riskmap(command: str, cwd: Path, shell: str = "sh") -> list[str]:
    """The words a shell passes to ``riskmap`` when it runs ``command`` (a function stands in)."""
    script = "riskmap() { for word in \"$@\"; do printf '%s\\0' \"$word\"; done; }\n" + command
    done = subprocess.run([shell, "-c", script], cwd=cwd, capture_output=True, check=True)
    return ["riskmap"] + done.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]


def command_of(report_text: str) -> str:
    return report_text.split("```sh\n", 1)[1].split("\n```", 1)[0]


@pytest.mark.cli
def test_reproduce_command_gives_back_the_file_name_and_runs_nothing(tmp_path):
    path = scenario(tmp_path, SHELL_NAME, "shell test")
    out = tmp_path / "out"
    assert main(["run", str(path), "-q", "--workers", "1", "--out", str(out)]) == 0
    command = command_of((out / "report.md").read_text(encoding="utf-8"))
    words = shlex.split(command.split("  #")[0])
    assert words[:3] == ["riskmap", "run", SHELL_NAME]
    assert fake_riskmap(command, tmp_path) == words
    assert not list(tmp_path.glob("PWNED*"))
    page = Elements((out / "report.html").read_text(encoding="utf-8"))
    assert command in "".join(page.text)


@pytest.mark.cli
def test_check_failure_reproduce_command_is_quoted(tmp_path):
    path = scenario(tmp_path, SHELL_NAME, "shell test")
    report = tmp_path / "junit.xml"
    assert main(["check", "--workers", "1", "-q", str(path), "--junit", str(report)]) == 1
    details = [f.text for f in ET.parse(report).getroot().iter("failure")]
    commands = [line.split("Reproduce with: ", 1)[1] for text in details
                for line in text.splitlines() if line.startswith("Reproduce with: ")]
    assert commands
    for command in commands:
        assert shlex.split(command)[:3] == ["riskmap", "run", str(path)]
        assert fake_riskmap(command, tmp_path)[2] == str(path)
    assert not list(tmp_path.glob("PWNED*"))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for $'...' quoting")
@pytest.mark.hand
def test_shell_quoting_of_control_characters_names_the_file_exactly(tmp_path):
    words = ["riskmap", "run", TERMINAL_TEXT + "'$(touch PWNED)", "-x.yaml", "a\nb"]
    command = escape.shell(words)
    no_active_characters(command.replace("\n", ""))
    assert "\n" not in command
    assert fake_riskmap(command, tmp_path, shell="bash") == words
    assert not list(tmp_path.glob("PWNED*"))
    assert escape.argument_path("-rf.yaml") == "./-rf.yaml"


# --------------------------------------------------------------------------
# HTML


@pytest.mark.hand
def test_html_escapes_every_user_string():
    hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    report = synthetic_report([hostile, "a\"b'c", "plain"], title=hostile, disruption=hostile)
    report = dataclasses.replace(report, scenario=dataclasses.replace(
        report.scenario, scenario_file=FileRecord(hostile + ".yaml", "0" * 64)))
    page_text = html.render(report)
    own = f"<script>{html.script()}</script>"  # riskmap's one table script, allowed by its hash
    assert page_text.count("<script") == 1 and own in page_text
    page = Elements(page_text.replace(own, ""))
    assert "script" not in page.names() and "img" not in page.names()
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert hostile in "".join(page.text)


@pytest.mark.hand
def test_html_shows_control_and_bidi_characters_as_escapes():
    report = synthetic_report([TERMINAL_TEXT, "plain"], title=TERMINAL_TEXT)
    page_text = html.render(report)
    no_active_characters(page_text)
    assert "\\x1b]0;pwned\\x07" in page_text and "\\u202e" in page_text


# --------------------------------------------------------------------------
# JUnit XML


@pytest.mark.hand
def test_junit_holds_any_character_and_shows_where_it_was():
    bad = "".join(chr(c) for c in range(0x20)) + "\x7f\x85\u202e\ufffe\uffff\ud800 <&\"'>"
    suite = junit.Suite(bad, (junit.Case(bad, bad, junit.FAILURE, bad, bad, bad, bad),
                              junit.Case(bad, bad, junit.SKIPPED, bad)),
                        timestamp=bad, properties=((bad, bad),))
    text = junit.dumps([suite], name=bad)
    root = ET.fromstring(text.encode("utf-8"))
    values = [v for e in root.iter() for v in e.attrib.values()
              if not re.fullmatch(r"[\d.]+", v)]
    values += [e.text for e in root.iter() if e.text and e.text.strip()]
    assert values
    for value in values:
        assert "\\x00" in value and "\\x1b" in value and "\\x7f" in value
        assert "\\ufffe" in value and "\\ud800" in value and "<&\"'>" in value


@pytest.mark.cli
def test_check_junit_parses_with_control_characters_in_names(tmp_path):
    path = scenario(tmp_path, "ctl\x1b[2J\x01.yaml", "name\x1b]0;t\x07\x00\x0b\u202e")
    report = tmp_path / "junit.xml"
    assert main(["check", "--workers", "1", "-q", str(path), "--junit", str(report)]) == 1
    root = ET.parse(report).getroot()
    suite = root.find("testsuite")
    assert suite.get("name") == "name\\x1b]0;t\\x07\\x00\\x0b\\u202e"
    assert "ctl\\x1b[2J\\x01.yaml" in suite.find("properties/property").get("value")
    failure = root.find("testsuite/testcase/failure")
    assert "ctl\\x1b[2J\\x01.yaml" in failure.text


# --------------------------------------------------------------------------
# Terminal


@pytest.mark.cli
def test_run_summary_and_messages_show_escapes(tmp_path, capsys):
    path = scenario(tmp_path, TERMINAL_TEXT, TERMINAL_TEXT)
    assert main(["run", str(path), "--workers", "1", "--out", str(tmp_path / "o\x1b[2J")]) == 0
    out, err = capsys.readouterr()
    no_active_characters(out)
    no_active_characters(err)
    assert "\\x1b]0;pwned\\x07" in out and "\\x1b[2J" in err


@pytest.mark.cli
def test_check_lines_and_progress_show_escapes(tmp_path, capsys):
    path = scenario(tmp_path, TERMINAL_TEXT, TERMINAL_TEXT)
    assert main(["check", "--workers", "1", str(path)]) == 1
    out, err = capsys.readouterr()
    no_active_characters(out)
    no_active_characters(err)
    assert "\\x1b]0;pwned\\x07" in out and "\\u202e" in out
    assert "replications of t\\x1b]0;pwned" in err


@pytest.mark.cli
def test_map_text_shows_escapes(tmp_path, capsys):
    # ids hold only letters, digits, "-", "_" and "."; the network's name is shown too
    path = scenario(tmp_path, TERMINAL_TEXT, TERMINAL_TEXT)
    assert main(["map", str(path), "--graph", str(tmp_path / "g\x1b[2J.graphml")]) == 0
    out, err = capsys.readouterr()
    no_active_characters(out + err)
    assert "Risk map: t\\x1b]0;pwned\\x07" in out and "g\\x1b[2J.graphml" in err
    graph = ET.parse(tmp_path / "g\x1b[2J.graphml").getroot()  # names are XML-safe there too
    assert any("t\\x1b]0;pwned" in (e.text or "") for e in graph.iter())


@pytest.mark.cli
def test_diagnostics_show_escapes(tmp_path, capsys):
    path = tmp_path / TERMINAL_TEXT
    path.write_text("riskmap: 1\nname: x\nnetwork: {name: n}\nhorizon: 5\n"
                    "\"k\\e[2J\\x9b\": 1\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 0  # a warning: shown, with the file name
    out, err = capsys.readouterr()
    no_active_characters(out + err)
    assert "t\\x1b]0;pwned\\x07" in err and "k\\x1b[2J\\x9b" in err


@pytest.mark.hand
def test_diagnostic_format_is_one_inert_line():
    line = Diagnostic(Pos("a\u202eb.yaml", 3, 1), "unknown key 'x\x1b[2J\ny'").format()
    assert line == "a\\u202eb.yaml:3:1: error: unknown key 'x\\x1b[2J\\ny'"


@pytest.mark.property
@given(st.text())
def test_terminal_text_has_no_active_character(value):
    shown = escape.terminal(value)
    no_active_characters(shown)
    shown.encode("utf-8")  # no lone surrogate either
    assert escape.terminal(shown) == shown  # what was shown is shown again as it is


@pytest.mark.hand
def test_ordinary_text_is_unchanged():
    plain = "Tiny e-bike (Zürich, 2 %) 中文 — plan.yaml"
    assert escape.terminal(plain) == plain and escape.xml(plain) == plain
    assert escape.shell(["riskmap", "run", "tutorial.yaml", "--seed", 1]) == \
        "riskmap run tutorial.yaml --seed 1"
