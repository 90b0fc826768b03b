"""A planner's tables as rows of positioned cells, read from a CSV folder or a workbook.

:func:`read_source` is the one entry: a folder is read as one CSV file per table
(:mod:`riskmap.tables.csvfiles`), a ``.xlsx`` file as one sheet per table
(:mod:`riskmap.tables.workbook`). Both give the same :class:`Table` records, so
nothing after this module knows where a table came from.

Positions are counted as a spreadsheet shows them: the header is row 1, the first
column is column 1. A CSV cell is at ``FILE:ROW:COL``, a workbook cell at
``BOOK.xlsx[SHEET]:ROW:COL`` (the :class:`~riskmap.errors.Pos` file being
``BOOK.xlsx[SHEET]``).

A cell's value is what the source holds: text for CSV; for a workbook, what
openpyxl reads (text, a number, a boolean, a date). Surrounding spaces are removed
and an empty cell is left out of its row ("not given").
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import Optional, Union

from riskmap.errors import Collector, Pos, display_path

#: What a cell holds once read.
Value = Union[str, int, float, bool, datetime.date]

#: The suffix of a workbook source.
WORKBOOK_SUFFIX = ".xlsx"


@dataclass(frozen=True)
class Cell:
    """One non-empty cell: its value and where it stands."""

    value: Value
    pos: Pos


@dataclass(frozen=True)
class Row:
    """One row under the header: its spreadsheet row number and its non-empty cells by column."""

    number: int
    cells: dict[str, Cell]
    pos: Pos  # the row's first column, where a message about the whole row points

    def get(self, column: str) -> Optional[Cell]:
        """The cell of ``column``, or ``None`` when it is empty or the table has no such column."""
        return self.cells.get(column)


@dataclass(frozen=True)
class Table:
    """One table: its name, where it stands (``file``), its header and its rows.

    ``header`` maps each column name to the position of its header cell, in the
    order of the columns; ``decimal_comma`` says the source writes decimals as
    ``1,5`` (a CSV file separated by ``;``).
    """

    name: str
    file: str
    header: dict[str, Pos]
    rows: tuple[Row, ...]
    decimal_comma: bool = False

    @property
    def pos(self) -> Pos:
        """The table's first cell (a message about the table as a whole)."""
        return Pos(self.file, 1, 1)


@dataclass(frozen=True)
class Source:
    """Every table of one source by name, and where the source stands.

    ``unread`` names the tables the source holds but that could not be read (the
    problem is reported): they are neither used nor reported missing.
    """

    path: str
    tables: dict[str, Table] = field(default_factory=dict)
    unread: frozenset[str] = frozenset()

    @property
    def stem(self) -> str:
        """The source's name without folder and suffix (``ebike`` for ``x/ebike.xlsx``)."""
        base = os.path.basename(os.path.normpath(self.path))
        return base[:-len(WORKBOOK_SUFFIX)] if base.lower().endswith(WORKBOOK_SUFFIX) else base


def read_source(path: str, known: tuple[str, ...], out: Collector, *,
                force: bool = False) -> Source:
    """Read the tables of ``path``: a folder of CSV files or a ``.xlsx`` workbook.

    Parameters
    ----------
    path : str
        The source as the user named it (messages use this spelling).
    known : tuple of str
        The table names; a file or sheet by another name is a warning and is not read.
    out : Collector
        Receives the problems of the tables' layout (a header that cannot be read...).
    force : bool
        Read files larger than :data:`riskmap.load.document.MAX_BYTES`.

    Raises
    ------
    InputError
        When the source cannot be read at all (missing, not a folder or workbook, not
        UTF-8, not a workbook inside).
    """
    from riskmap.errors import InputError

    if os.path.isdir(path):
        from riskmap.tables.csvfiles import read_folder

        return Source(path, *read_folder(path, known, out, force=force))
    if path.lower().endswith(WORKBOOK_SUFFIX):
        from riskmap.tables.workbook import read_workbook

        return Source(path, *read_workbook(path, known, out, force=force))
    if not os.path.exists(path):
        raise InputError([_diagnostic(path, "not found; name a folder of CSV files or a .xlsx "
                                            "workbook")])
    if path.lower().endswith(".csv"):
        hint = "name the folder that holds it and the other tables (suppliers.csv, items.csv, ...)"
    else:
        hint = ("put the tables in a folder of CSV files (suppliers.csv, items.csv, ...), or save "
                "the workbook as an Excel workbook (.xlsx)")
    raise InputError([_diagnostic(path, f"is neither a folder of CSV files nor a .xlsx workbook; "
                                        f"{hint}")])


def _diagnostic(path: str, message: str):
    from riskmap.errors import Diagnostic

    return Diagnostic(Pos(path), message)


def rows_of(name: str, file: str, grid: list[tuple[int, list[tuple[int, Value]]]],
            out: Collector, decimal_comma: bool = False) -> Optional[Table]:
    """A :class:`Table` from the rows of a sheet or CSV file, its header the first row.

    Parameters
    ----------
    name : str
        The table name.
    file : str
        The position's file: the CSV path, or ``BOOK.xlsx[SHEET]``.
    grid : list
        ``(row number, [(column number, value), ...])`` for every row, values as read
        (text not yet stripped; ``None`` or ``""`` for an empty cell).
    out : Collector
        Receives header problems: an empty header, a repeated or empty column name.
    decimal_comma : bool
        Kept on the table for the reading of numbers.

    Returns
    -------
    Table or None
        ``None`` when the header cannot be read (reported).
    """
    if not grid or grid[0][0] != 1 or not any(_clean(v) is not None for _, v in grid[0][1]):
        out.error(Pos(file, 1, 1), f"table {name!r} has no header row: row 1 names the columns "
                                   "(such as id, name, ...)", "table")
        return None
    header: dict[str, Pos] = {}
    names: dict[int, str] = {}
    ok = True
    for col, value in grid[0][1]:
        text = _clean(value)
        if text is None:
            continue
        text = str(text)
        where = Pos(file, 1, col)
        if text in header:
            first = header[text]
            out.error(where, f"column {text!r} appears twice in the header (first in column "
                             f"{first.col}); keep one", "table")
            ok = False
            continue
        header[text] = where
        names[col] = text
    rows = []
    for number, cells in grid[1:]:
        found = {}
        for col, value in cells:
            text = _clean(value)
            if text is None:
                continue
            if col not in names:
                out.warning(Pos(file, number, col), f"a value in a column without a header; give "
                                                    "the column a name or clear the cell", "table")
                continue
            found[names[col]] = Cell(text, Pos(file, number, col))
        if found:
            rows.append(Row(number, found, Pos(file, number, 1)))
    if not ok:
        return None
    return Table(name, file, header, tuple(rows), decimal_comma)


def _clean(value: object) -> Optional[Value]:
    """A cell's value without surrounding spaces; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value.isoformat()
    return value  # type: ignore[return-value]


def unknown_table(out: Collector, pos: Pos, name: str, known: tuple[str, ...]) -> None:
    """Warn about a file or sheet that is no table riskmap reads."""
    from riskmap.errors import did_you_mean

    out.warning(pos, f"{display_path(name)!r} is not a table riskmap reads (the tables are "
                     f"{', '.join(known)}){did_you_mean(name, known)}; it is left out", "table")
