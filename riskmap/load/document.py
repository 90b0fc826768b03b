"""Stage 1 of loading: YAML text to plain values, keeping every node's position.

PyYAML's safe composer parses the text into nodes; this module walks them into
plain Python values (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``,
``None``) and a side table of positions keyed by the *key path* of each value,
so the later stages can point at ``FILE:LINE:COL`` for anything they reject.

What it refuses, each with a positioned message:

* text that is not UTF-8 (a leading byte-order mark is accepted);
* YAML syntax errors (tabs, bad indentation, unclosed quotes...);
* tags beyond the standard scalar and collection tags (``!!python/object``...);
* merge keys (``<<``), which silently override keys;
* duplicate keys in one mapping (PyYAML would keep the last one);
* keys that are not scalars;
* alias expansion larger than :data:`MAX_ALIAS_NODES` nodes (billion laughs),
  nesting deeper than :data:`MAX_DEPTH`, files larger than :data:`MAX_BYTES`.

Every input file riskmap reads (network, scenario, ``report.json``) goes through
:func:`read_bytes`: what is not a regular file (a FIFO, a device, a folder) is refused
before it is opened, and no more than :data:`MAX_BYTES` are read unless the caller
lifts the bound (``--force``).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any, Optional, Union

import yaml

from riskmap.errors import Collector, InputError, Pos
from riskmap.load.hints import Hints

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000

Path = tuple[Union[str, int], ...]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null")}
_MAP_TAG = _STD + "map"


class _TooDeep(Exception):
    def __init__(self, mark: Any):
        super().__init__("too deep")
        self.mark = mark


class _SafeLoader(yaml.SafeLoader):
    """The safe loader, also reading ``1e6`` as a number (YAML 1.2 does; 1.1 needs ``1.0e6``).

    It refuses nesting deeper than :data:`MAX_DEPTH` while composing, since PyYAML's composer
    recurses once per level and would otherwise fail with a bare ``RecursionError``.
    """

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_SafeLoader.add_implicit_resolver(
    _STD + "float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)
_SEQ_TAG = _STD + "seq"


@dataclass
class Document:
    """A parsed YAML file: its value and where each part of it stands.

    ``positions[path]`` is the position of the value at ``path``;
    ``key_positions[path]`` the position of the key that names it (mappings only);
    ``raw[path]`` the source text of a scalar, so ``id: 007`` stays ``"007"``;
    ``hints`` gives the file's "did you mean" hints (:mod:`riskmap.load.hints`).
    """

    file: str
    value: Any
    positions: dict[Path, Pos] = field(default_factory=dict)
    key_positions: dict[Path, Pos] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)
    hints: Hints = field(default_factory=Hints)  # the file's budget of "did you mean" hints
    #: what a position's line is called in messages ("row" for a table)
    line_word = "line"

    def pos(self, path: Path) -> Pos:
        """Position of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), Pos(self.file, 1, 1))

    def key_pos(self, path: Path) -> Pos:
        """Position of the key naming ``path`` (falls back to the value's)."""
        return self.key_positions.get(tuple(path)) or self.pos(path)


def _mark_pos(file: str, mark: Any) -> Pos:
    if mark is None:
        return Pos(file, 1, 1)
    return Pos(file, mark.line + 1, mark.column + 1)


#: what a file that is not a regular file is, by its ``stat`` mode, for messages.
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))

_CHUNK = 1 << 20


def not_a_file(mode: int) -> Optional[str]:
    """What a ``stat`` mode is when it is not a regular file (``"a FIFO (named pipe)"``), else None."""
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: str, *, force: bool = False) -> bytes:
    """The bytes of the file ``path``, every failure an :class:`InputError` naming it.

    A path that is not a regular file is refused by kind before it is opened (opening a
    FIFO waits for a writer; a device such as ``/dev/zero`` never ends). At most
    :data:`MAX_BYTES` bytes are read, counted on what is read, not on the size the file
    system reports (``/proc`` files report 0); ``force`` lifts that bound.
    """
    try:
        kind = not_a_file(os.stat(path).st_mode)
        if kind is not None:
            raise InputError([_diag(path, f"is {kind}, not a file; name a riskmap file")])
        # O_NONBLOCK: should the path have become a FIFO since the stat, opening it
        # does not wait for a writer; the fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb", buffering=0) as handle:
            kind = not_a_file(os.fstat(handle.fileno()).st_mode)
            if kind is not None:
                raise InputError([_diag(path, f"is {kind}, not a file; name a riskmap file")])
            return _read_bounded(path, handle, None if force else MAX_BYTES)
    except FileNotFoundError:
        raise InputError([_diag(path, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([_diag(path, "is a directory, not a file; name a riskmap file")]) from None
    except OSError as exc:
        raise InputError([_diag(path, f"cannot read file: {exc.strerror or exc}")]) from None


def _read_bounded(path: str, handle: Any, limit: Optional[int]) -> bytes:
    """Read ``handle`` to its end, refusing more than ``limit`` bytes (``None``: no bound)."""
    parts: list[bytes] = []
    total = 0
    while True:
        block = handle.read(_CHUNK)
        if not block:
            return b"".join(parts)
        total += len(block)
        if limit is not None and total > limit:
            mib = f" ({limit >> 20} MiB)" if limit >= 1 << 20 else ""
            raise InputError([_diag(path, f"file is larger than {limit} bytes{mib}, the most "
                                          "riskmap reads per file; pass --force to read it "
                                          "anyway")])
        parts.append(block)


def read_text(path: str, *, force: bool = False) -> str:
    """Read a file as UTF-8 text through :func:`read_bytes` (``force`` lifts the size bound)."""
    return decode(path, read_bytes(path, force=force))


def file_digest(path: Optional[str]) -> Optional[str]:
    """The sha256 of an input file's bytes (hex), ``None`` for no file (an in-memory model).

    The one fingerprint of an input: report.json names its inputs by it and a
    checkpoint is used only for the inputs it was made from.
    """
    if not path or not os.path.isfile(path):
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decode(file: str, data: bytes) -> str:
    """UTF-8 (with or without byte-order mark) to text; anything else is an input error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([_diag(file, f"file is not valid UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                      "save it as UTF-8", line, col)]) from None


def _diag(file: str, message: str, line: int = 0, col: int = 0):
    from riskmap.errors import Diagnostic

    return Diagnostic(Pos(file, line, col), message)


def parse(text: str, file: str) -> Document:
    """Parse YAML ``text`` (named ``file`` in messages) into a :class:`Document`.

    Raises :class:`InputError` for anything listed in the module docstring.
    """
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        hint = ""
        if "\\t" in problem or "\t" in problem:
            hint = "; indent with spaces, not tabs"
        elif "expected a single document" in str(exc):
            hint = "; a riskmap file holds one YAML document (remove the extra '---')"
        raise InputError([_diag(file, f"YAML syntax error: {problem}{hint}",
                                *_line_col(mark))]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise InputError([_diag(file, f"the file holds a control character (#x{exc.character:04x}) "
                                      "that YAML does not allow; remove it", line, col)]) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError([_diag(file, f"YAML error: {first}")]) from None
    except _TooDeep as exc:
        raise InputError([_diag(file, f"values are nested too deeply (at most {MAX_DEPTH} levels)",
                                *_line_col(exc.mark))]) from None
    doc = Document(file, None)
    if node is None:
        return doc
    walker = _Walker(doc)
    doc.value = walker.walk(node, (), 0, False)
    walker.collector.raise_if_errors()
    return doc


def _compose(text: str) -> Optional[yaml.Node]:
    """The node tree of ``text``: libyaml's parser when it is there, PyYAML's own otherwise.

    libyaml scans several times faster than PyYAML's Python scanner, which is most of the
    time of checking a large file. Any problem it meets sends the text to PyYAML's parser
    again, so a broken file gets the messages (and positions) that PyYAML words.
    """
    if _CParser is None or _SCANNERS_DIFFER.search(text):
        return yaml.compose(text, Loader=_SafeLoader)
    try:
        return _compose_events(_CParser(text))
    except (yaml.YAMLError, _TooDeep, ValueError, UnicodeError):
        return yaml.compose(text, Loader=_SafeLoader)


try:  # libyaml's parser, when PyYAML was built with it
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - a PyYAML without libyaml
    _CParser = None
#: resolves the tags of untagged nodes for :func:`_compose_events`, as :class:`_SafeLoader` does.
_RESOLVER = _SafeLoader("")


#: characters libyaml and PyYAML's scanner read differently (tabs, line separators, a
#: carriage return alone): a text holding one is left to PyYAML.
_SCANNERS_DIFFER = re.compile("[\t\u2028\u2029\x85]|\r(?!\n)")
#: in a flow collection, a plain scalar that is empty or holds one of these is read
#: differently by the two (the position of an empty value, ``a?b``, ``a:b``).
_FLOW_DIFFER = re.compile("[?:]|^$")


class _Unsupported(yaml.YAMLError):
    """A construct :func:`_compose_events` leaves to PyYAML's composer (and its message)."""


def _compose_events(parser: Any) -> Optional[yaml.Node]:
    """Compose the nodes of one document from ``parser``'s events, without recursion.

    What PyYAML's composer does (anchors, aliases, tag resolution), iteratively, so depth
    costs no stack; nesting deeper than :data:`MAX_DEPTH` and anything unusual
    (a second document, an unknown or repeated anchor) raise, for PyYAML to report.
    """
    parser.get_event()  # stream start
    if parser.check_event(yaml.StreamEndEvent):
        return None
    parser.get_event()  # document start
    anchors: dict[str, yaml.Node] = {}
    stack: list[list[Any]] = []  # [collection node, pending mapping key or _NO_KEY]
    root: Optional[yaml.Node] = None
    while True:
        event = parser.get_event()
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            stack.pop()[0].end_mark = event.end_mark
            if not stack:
                break
            continue
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _Unsupported("unknown anchor")
            node = anchors[event.anchor]
        else:
            node = _node(event)
            if isinstance(node, yaml.ScalarNode) and (
                    node.style in ("|", ">")  # block scalar headers are read differently
                    or (stack and stack[-1][0].flow_style and node.style is None
                        and _FLOW_DIFFER.search(node.value))):
                raise _Unsupported("a scalar the two parsers read differently")
            if event.anchor is not None:
                if event.anchor in anchors:
                    raise _Unsupported("repeated anchor")
                anchors[event.anchor] = node
        if stack:
            top = stack[-1]
            if isinstance(top[0], yaml.SequenceNode):
                top[0].value.append(node)
            elif top[1] is _NO_KEY:
                top[1] = node
            else:
                top[0].value.append((top[1], node))
                top[1] = _NO_KEY
        else:
            root = node
        if isinstance(node, yaml.CollectionNode) and not isinstance(event, yaml.AliasEvent):
            stack.append([node, _NO_KEY])
            if len(stack) > MAX_DEPTH:
                raise _TooDeep(event.start_mark)
        elif not stack:
            break
    parser.get_event()  # document end
    if not parser.check_event(yaml.StreamEndEvent):
        raise _Unsupported("more than one document")
    return root


_NO_KEY = object()


def _node(event: Any) -> yaml.Node:
    """The node an event starts: a scalar, or an empty sequence or mapping."""
    tag = event.tag
    if isinstance(event, yaml.ScalarEvent):
        if tag is None or tag == "!":
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                               event.style or None)
    if isinstance(event, yaml.SequenceStartEvent):
        kind: type = yaml.SequenceNode
    elif isinstance(event, yaml.MappingStartEvent):
        kind = yaml.MappingNode
    else:
        raise _Unsupported(f"unexpected {type(event).__name__}")
    if tag is None or tag == "!":
        tag = _RESOLVER.resolve(kind, None, event.implicit)
    return kind(tag, [], event.start_mark, None, flow_style=event.flow_style)


def _line_col(mark: Any) -> tuple[int, int]:
    if mark is None:
        return (0, 0)
    return (mark.line + 1, mark.column + 1)


class _Walker:
    """Turns composed nodes into plain values, recording positions on the way."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.collector = Collector()
        self.constructor = _SafeLoader("")
        self.seen: set[int] = set()
        self.alias_nodes = 0

    def walk(self, node: yaml.Node, path: Path, depth: int, in_alias: bool) -> Any:
        pos = _mark_pos(self.doc.file, node.start_mark)
        self.doc.positions[path] = pos
        if depth > MAX_DEPTH:
            raise InputError([_diag(self.doc.file, f"values are nested too deeply "
                                                   f"(at most {MAX_DEPTH} levels)", pos.line, pos.col)])
        if id(node) in self.seen:
            in_alias = True  # the node is reached again through an alias
        self.seen.add(id(node))
        if in_alias:
            self.alias_nodes += 1
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise InputError([_diag(self.doc.file, f"aliases expand to more than {MAX_ALIAS_NODES} "
                                                       "values; write the values out instead of "
                                                       "nesting aliases", pos.line, pos.col)])
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth, in_alias)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                return self._bad_tag(node, pos)
            return [self.walk(child, path + (i,), depth + 1, in_alias)
                    for i, child in enumerate(node.value)]
        return self._scalar(node, path, pos)

    def _bad_tag(self, node: yaml.Node, pos: Pos) -> None:
        self.collector.error(pos, f"YAML tag {node.tag!r} is not allowed; riskmap files hold "
                                  "plain values only (remove the tag)", "yaml-tag")
        return None

    def _scalar(self, node: yaml.ScalarNode, path: Path, pos: Pos) -> Any:
        if node.tag not in _SCALAR_TAGS:
            if node.tag == _STD + "timestamp":
                return node.value  # a date-like string; the schema rejects it where a number is due
            return self._bad_tag(node, pos)
        self.doc.raw[path] = node.value
        try:
            value = self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            self.collector.error(pos, f"cannot read the value {node.value!r}")
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**18:
            return float("inf") if value > 0 else float("-inf")
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int, in_alias: bool) -> dict:
        pos = self.doc.positions[path]
        if node.tag != _MAP_TAG:
            return self._bad_tag(node, pos)
        out: dict[str, Any] = {}
        first_seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            key_pos = _mark_pos(self.doc.file, key_node.start_mark)
            if key_node.tag == _STD + "merge":
                self.collector.error(key_pos, "merge keys ('<<') are not supported; write the keys "
                                              "out so none is overridden silently", "yaml-merge")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.collector.error(key_pos, "a key must be a plain name, not a list or mapping")
                continue
            key = key_node.value
            if key in first_seen:
                earlier = first_seen[key]
                self.collector.error(key_pos, f"duplicate key {key!r} (first at line {earlier.line}, "
                                              f"column {earlier.col}); keep one", "duplicate-key")
                continue
            first_seen[key] = key_pos
            child = path + (key,)
            self.doc.key_positions[child] = key_pos
            out[key] = self.walk(value_node, child, depth + 1, in_alias)
        return out


def is_number(value: Any) -> bool:
    """True for int and float values, not bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite_number(value: Any) -> bool:
    return is_number(value) and math.isfinite(value)
