"""Errors and positioned diagnostics.

Every problem found in a user's file is a :class:`Diagnostic` carrying the file,
line and column (1-based, from the YAML node marks), the key path, a message and,
where it helps, a hint such as the nearest valid name. A failed load raises
:class:`InputError` holding *all* the diagnostics of the run, so a planner sees
every problem at once, not one per attempt.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from riskmap.escape import terminal

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Pos:
    """A position in a file: 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return display_path(self.file)
        return f"{display_path(self.file)}:{self.line}:{self.col}"


def display_path(path: "str | os.PathLike[str]") -> str:
    """A file name as messages print it: bytes that are not UTF-8 written as ``\\xff``.

    A name read from the file system may hold such bytes (Python keeps them as surrogate
    escapes); printed as they are, they would fail on a UTF-8 terminal.

    >>> display_path(os.fsdecode(b"\\xff.yaml"))
    '\\\\xff.yaml'
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        return text.decode("utf-8", "backslashreplace")
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file system name decodes to
        raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Diagnostic:
    """One problem in an input file.

    Attributes
    ----------
    pos : Pos
        Where the problem is.
    message : str
        What is wrong, naming the key path and the bad value.
    severity : str
        ``"error"`` or ``"warning"``.
    check : str
        The name of the check that found it (``"unknown-key"``, ``"single-source"``...).
    """

    pos: Pos
    message: str
    severity: str = ERROR
    check: str = ""

    def format(self) -> str:
        """Render as ``FILE:LINE:COL: severity: MESSAGE``, the format editors parse.

        Always one line that a terminal shows as it is: control characters,
        line separators and bidi controls that came from the file name or the
        file (a key named ``"\\r"``, a name holding ``ESC[2J``, say) are written
        as escapes (:func:`riskmap.escape.terminal`).

        >>> Diagnostic(Pos("f.yaml", 4, 3), "unknown key '\\r'").format()
        "f.yaml:4:3: error: unknown key '\\\\r'"
        >>> Diagnostic(Pos("a\\u202eb.yaml"), "name 'x\\x1b[2J'").format()
        "a\\\\u202eb.yaml: error: name 'x\\\\x1b[2J'"
        """
        tag = f" [{self.check}]" if self.check else ""
        return terminal(f"{self.pos}: {self.severity}: {self.message}{tag}")

    def as_error(self) -> "Diagnostic":
        """The same diagnostic promoted to an error (``--strict``)."""
        return Diagnostic(self.pos, self.message, ERROR, self.check)


class RiskmapError(Exception):
    """Base class of every error riskmap raises on purpose."""


class InputError(RiskmapError):
    """A file is missing, unreadable, malformed or inconsistent (exit code 2)."""

    def __init__(self, diagnostics: Sequence[Diagnostic] | str):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(Pos("riskmap"), diagnostics)]
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class ConsistencyError(InputError):
    """A valid file describes a network that cannot work (under ``--strict``)."""


class SimulationError(RiskmapError):
    """The simulation failed for a reason other than bad input (exit code 3)."""


@dataclass
class Collector:
    """Accumulates diagnostics while a file is checked, so all are reported at once."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, pos: Pos, message: str, check: str = "") -> None:
        self.diagnostics.append(Diagnostic(pos, message, ERROR, check))

    def warning(self, pos: Pos, message: str, check: str = "") -> None:
        self.diagnostics.append(Diagnostic(pos, message, WARNING, check))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == WARNING]

    def raise_if_errors(self, cls: type[InputError] = InputError) -> None:
        if self.errors:
            raise cls(sorted_diagnostics(self.diagnostics))


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file order, errors before warnings at the same place."""
    return sorted(
        diagnostics,
        key=lambda d: (d.pos.file, d.pos.line, d.pos.col, d.severity != ERROR, d.message),
    )


def did_you_mean(name: object, candidates: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` suffix naming the closest candidate, or ``''``."""
    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
