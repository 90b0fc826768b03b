"""Tables from a folder of CSV files: ``suppliers.csv``, ``items.csv``, ...

Each file is UTF-8 text, with or without a byte-order mark (what spreadsheet
programs write as "CSV UTF-8"), its first row the header. The separator is ``,`` or
``;``, whichever the header row holds more of (``,`` on a tie); a file separated by
``;`` may write decimals with a comma (``2,5``), as spreadsheets do in the locales
that use ``;``. Quoted cells follow RFC 4180 (``"Acme, Inc."``, ``""`` for a quote);
a row is counted as a spreadsheet counts it, a quoted line break staying in its row.
"""

from __future__ import annotations

import csv
import io
import os

from riskmap.errors import Collector, InputError, Pos
from riskmap.load.document import decode, read_bytes
from riskmap.tables.source import Table, rows_of, unknown_table

SUFFIX = ".csv"


def read_folder(folder: str, known: tuple[str, ...], out: Collector, *,
                force: bool = False) -> tuple[dict[str, Table], frozenset[str]]:
    """The tables of ``folder``, one per ``NAME.csv`` file whose NAME is in ``known``, and
    the names of those that could not be read (each problem reported to ``out``).

    Other ``.csv`` files are warnings (a misspelt table name would otherwise be
    silently ignored); files with other suffixes are not looked at.
    """
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise InputError([_problem(folder, f"cannot read folder: {exc.strerror or exc}")]) from None
    tables: dict[str, Table] = {}
    unread: set[str] = set()
    for entry in names:
        stem, suffix = os.path.splitext(entry)
        if suffix.lower() != SUFFIX:
            continue
        path = os.path.join(folder, entry)
        if stem not in known:
            unknown_table(out, Pos(path), stem, known)
            continue
        try:
            table = read_csv(path, stem, out, force=force)
        except InputError as exc:  # this file only: the others are still read and checked
            out.extend(exc.diagnostics)
            table = None
        if table is None:
            unread.add(stem)
        else:
            tables[stem] = table
    return tables, frozenset(unread)


def read_csv(path: str, name: str, out: Collector, *, force: bool = False):
    """One CSV file as the table ``name`` (``None`` when its header cannot be read)."""
    text = decode(path, read_bytes(path, force=force))
    separator = detect_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    grid = []
    try:
        for number, record in enumerate(reader, 1):
            grid.append((number, [(col, value) for col, value in enumerate(record, 1)]))
    except csv.Error as exc:
        raise InputError([_problem(path, f"cannot read the CSV file: {exc}; check the quotes of "
                                         "that row", reader.line_num)]) from None
    return rows_of(name, path, grid, out, decimal_comma=separator == ";")


def detect_separator(text: str) -> str:
    """``;`` when the first line holds more ``;`` than ``,`` (outside quotes), else ``,``.

    >>> detect_separator("id;name\\n"), detect_separator("id,name\\n"), detect_separator("id")
    (';', ',', ',')
    """
    first = text.split("\n", 1)[0]
    unquoted = "".join(part for i, part in enumerate(first.split('"')) if i % 2 == 0)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _problem(path: str, message: str, line: int = 0):
    from riskmap.errors import Diagnostic

    return Diagnostic(Pos(path, line, 1 if line else 0), message)
