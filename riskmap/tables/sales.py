"""The ``sales`` table: one row per customer order line, checked and grouped by product.

Each row gives the ``date`` of the line (ISO 8601; a workbook may hold a date cell),
the ``product`` and the ``quantity`` (a whole number >= 1). :func:`read_sales` checks
every row, reporting each bad date, unknown product and bad quantity at its cell, and
gives a :class:`SalesHistory`: the order lines of each product in table order, and the
first and last dates of the whole table, the window the history was observed in (a
product with no line on some days had no orders then, not no record).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Optional

from riskmap.errors import Collector
from riskmap.load.checker import Checker
from riskmap.tables.cells import cell_value
from riskmap.tables.columns import columns
from riskmap.tables.document import TableDocument
from riskmap.tables.source import Table

#: One order line: its day and its units.
OrderLine = tuple[datetime.date, int]


@dataclass(frozen=True)
class SalesHistory:
    """The order lines of each product, and the window of the whole table.

    ``orders`` maps a product id to its lines in table order; ``first`` and ``last`` are
    the earliest and latest dates of any valid line (``None`` for an empty table).
    """

    orders: dict[str, tuple[OrderLine, ...]]
    first: Optional[datetime.date]
    last: Optional[datetime.date]

    @property
    def days(self) -> int:
        """Days in the window, both ends counted (0 for an empty table)."""
        if self.first is None or self.last is None:
            return 0
        return (self.last - self.first).days + 1


def read_sales(table: Table, kinds: dict[str, str], doc: TableDocument, checker: Checker,
               out: Collector) -> SalesHistory:
    """Check the rows of ``sales`` and group them by product.

    Parameters
    ----------
    table : Table
        The sales table.
    kinds : dict
        The kind of each item by id (``"part"`` or ``"product"``), from the items table.
    doc : TableDocument
        Positions of the cells, for the value checks (dates, quantities), which are the
        network file's own (:data:`riskmap.load.checker.KINDS`).
    checker : Checker
        Applies those checks, reporting to ``out``.
    out : Collector
        Receives every problem.
    """
    cols = columns("sales")
    products = sorted(i for i, k in kinds.items() if k == "product")
    orders: dict[str, list[OrderLine]] = {}
    for index, row in enumerate(table.rows):
        values = {}
        errors = len(out.errors)
        for name in ("date", "product", "quantity"):
            cell = row.get(name)
            if cell is None:
                continue
            path = ("sales", index, name)
            doc.place(path, cell.pos, name)
            values[name] = checker.value(cols[name].kind if name != "product" else "text",
                                         cell_value(cell, cols[name].kind, out,
                                                    table.decimal_comma), path)
        if len(values) < 3 or len(out.errors) > errors:
            continue  # a missing cell is reported with the required columns
        product = values["product"]
        if kinds.get(product) != "product":
            where = row.get("product").pos
            if kinds.get(product) == "part":
                out.error(where, f"product: {product!r} is a part; sales name products "
                                 "(items of kind product)", "unknown-reference")
            else:
                out.error(where, f"product: unknown product {product!r}"
                                 f"{doc.hints.did_you_mean(product, products)}",
                          "unknown-reference")
            continue
        orders.setdefault(product, []).append((values["date"], values["quantity"]))
    dates = [d for lines in orders.values() for d, _ in lines]
    return SalesHistory({p: tuple(lines) for p, lines in sorted(orders.items())},
                        min(dates) if dates else None, max(dates) if dates else None)

