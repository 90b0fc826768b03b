"""Tables from the sheets of an ``.xlsx`` workbook, read with openpyxl.

openpyxl is an optional dependency (``pip install 'riskmap[import]'``), imported only
when a workbook is read or written. A sheet bears the name of its table; a cell
is at ``BOOK.xlsx[SHEET]:ROW:COL``. Cells are read as values (a formula gives the value
the spreadsheet program last computed for it, none when it never did).

:func:`write_workbook` writes tables as the sheets of a new workbook with fixed
document properties and fixed times inside the archive, so the same tables give the
same bytes.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any, Sequence

from riskmap.errors import Collector, Diagnostic, InputError, Pos
from riskmap.load.document import read_bytes
from riskmap.tables.source import Table, rows_of, unknown_table

#: The message when openpyxl is not installed.
MISSING = "reading and writing .xlsx workbooks needs openpyxl: pip install 'riskmap[import]'"

#: The creation and modification time written into every workbook (stable bytes).
FIXED_TIME = datetime.datetime(2000, 1, 1)
#: The time of every member of the archive (the earliest a zip file can hold).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def openpyxl_module(path: str) -> Any:
    """The openpyxl module, or an :class:`InputError` (exit 2) saying how to install it."""
    try:
        import openpyxl
    except ImportError:
        raise InputError([Diagnostic(Pos(path), MISSING)]) from None
    return openpyxl


def sheet_file(book: str, sheet: str) -> str:
    """The file part of a workbook cell's position: ``BOOK.xlsx[SHEET]``."""
    return f"{book}[{sheet}]"


def read_workbook(path: str, known: tuple[str, ...], out: Collector, *,
                  force: bool = False) -> tuple[dict[str, Table], frozenset[str]]:
    """The tables of the workbook ``path``, one per sheet whose name is in ``known``, and the
    names of those that could not be read (each problem reported to ``out``)."""
    openpyxl = openpyxl_module(path)
    data = read_bytes(path, force=force)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl's own errors alike
        raise InputError([Diagnostic(Pos(path), f"cannot read the workbook ({type(exc).__name__}: "
                                                f"{exc}); save it from the spreadsheet program as "
                                                "an Excel workbook (.xlsx)")]) from None
    tables: dict[str, Table] = {}
    unread: set[str] = set()
    try:
        for sheet in book.worksheets:
            file = sheet_file(path, sheet.title)
            if sheet.title not in known:
                unknown_table(out, Pos(file), sheet.title, known)
                continue
            try:  # a read-only workbook parses each sheet's XML as its rows are read
                grid = [(number, list(enumerate(values, 1)))
                        for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
            except Exception as exc:  # noqa: BLE001 - XML and openpyxl's own errors alike
                out.error(Pos(file), f"cannot read the sheet ({type(exc).__name__}: {exc}); "
                                     "save the workbook again from the spreadsheet program",
                          "table")
                unread.add(sheet.title)
                continue
            table = rows_of(sheet.title, file, grid, out)
            if table is None:
                unread.add(sheet.title)
            else:
                tables[sheet.title] = table
    finally:
        book.close()
    return tables, frozenset(unread)


def write_workbook(path: str, sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> bytes:
    """The bytes of a workbook holding ``sheets``: ``(name, rows)``, the header the first row.

    Values are written as they are (text, numbers, booleans, dates); ``None`` leaves a
    cell empty. The header row is bold and frozen, so it stays in view. ``path`` only
    names the workbook in the message when openpyxl is missing.
    """
    openpyxl = openpyxl_module(path)
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cell in sheet[1] if rows else ():
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
    book.properties.creator = "riskmap"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter rather than Workbook.save, which stamps the time of saving
        ExcelWriter(book, archive).save()
    return _with_fixed_times(buffer.getvalue())


def _with_fixed_times(data: bytes) -> bytes:
    """The zip archive ``data`` again, every member dated :data:`ZIP_TIME`, in the same order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, source.read(info.filename))
    return buffer.getvalue()


def workbook_of_folder(folder: str, order: Sequence[str]) -> bytes:
    """The bytes of a workbook holding the CSV tables of ``folder``, one sheet each.

    Sheets follow ``order`` (table names; a table without its file is left out). Cells
    that spell numbers become numbers and ISO dates of a date column become dates, as a
    planner's spreadsheet would hold them; everything else stays text.
    """
    import os

    from riskmap.tables.cells import number
    from riskmap.tables.columns import NUMERIC_KINDS, columns
    from riskmap.tables.csvfiles import read_csv

    out = Collector()
    sheets = []
    for name in order:
        path = os.path.join(folder, f"{name}.csv")
        if not os.path.exists(path):
            continue
        table = read_csv(path, name, out)
        if table is None:
            continue
        kinds = {c.name: c.kind.partition(":")[0] for c in columns(name).values()}
        header = list(table.header)
        rows = [header]
        for row in table.rows:
            values = []
            for column in header:
                cell = row.get(column)
                value = None if cell is None else cell.value
                kind = kinds.get(column, "text")
                if value is not None and kind in NUMERIC_KINDS:
                    value = number(value, table.decimal_comma)
                elif value is not None and kind == "date":
                    try:
                        value = datetime.date.fromisoformat(str(value))
                    except ValueError:
                        pass
                values.append(value)
            rows.append(values)
        sheets.append((name, rows))
    out.raise_if_errors()
    return write_workbook(folder, sheets)
