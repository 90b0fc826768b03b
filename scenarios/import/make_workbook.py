"""Write scenarios/import/ebike.xlsx from the CSV tables in scenarios/import/ebike/.

    python scenarios/import/make_workbook.py

The workbook holds the same tables as the folder, one sheet each (sales too, when
ebike/sales.csv is there), numbers as numbers and dates as dates. Its bytes depend on
the tables alone (fixed document times), so running it again changes nothing unless a
table changed; tests/test_import_bundle.py checks that the workbook is up to date.

The CSV tables themselves are written from the e-bike network by riskmap export:

    riskmap export scenarios/networks/ebike.yaml --out scenarios/import/ebike
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "ebike"
WORKBOOK = HERE / "ebike.xlsx"
#: The sheets, in this order.
SHEETS = ("network", "regions", "suppliers", "items", "bom", "lanes", "sales")


def workbook_bytes() -> bytes:
    """The bytes the workbook should hold, from the CSV tables of :data:`FOLDER`."""
    from riskmap.tables.workbook import workbook_of_folder

    return workbook_of_folder(str(FOLDER), SHEETS)


def main() -> int:
    from riskmap.output.atomic import write_atomic

    write_atomic(WORKBOOK, workbook_bytes())
    print(f"wrote {WORKBOOK.relative_to(HERE.parent.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
