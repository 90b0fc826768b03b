"""A product's demand made from its sales lines: the one place ``riskmap import`` does it.

:func:`demand_from_sales` is called once per product that has rows in the ``sales``
table. It gives the plain demand a sales history implies without any fitting:

* ``rate``: the product's order lines divided by the days of the table's window
  (its first to its last date, both counted; days without a line count as days
  without orders), in orders per day;
* ``size``: the empirical distribution of the lines' quantities (each quantity seen,
  weighted by how often), or the one quantity when every line has the same.

That is the maximum-likelihood Poisson rate and the observed size distribution: right
when demand is stationary, with no seasonality or trend. The demand fit of the
history (seasonality by month and weekday, a fitted size distribution for a thin
history, a backtest) takes the place of this function's body; its result keeps the
interface of :class:`SalesDemand`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence


@dataclass(frozen=True)
class SalesDemand:
    """The demand made from one product's sales lines.

    Attributes
    ----------
    product : str
        The product id.
    lines : int
        Order lines in the history.
    days : int
        Days of the history's window.
    rate : float
        Orders per day.
    size : Any
        The order size in file form: a whole number, or an empirical distribution mapping.
    """

    product: str
    lines: int
    days: int
    rate: float
    size: Any

    def demand_mapping(self) -> dict:
        """The ``demand:`` mapping of the network file (``rate`` and ``size``)."""
        return {"rate": self.rate, "size": self.size}

    def describe(self) -> list[str]:
        """Lines saying what was made of the history, for the terminal."""
        if isinstance(self.size, dict):
            values = self.size["values"]
            size = f"order sizes {min(values):g} to {max(values):g} as observed ({len(values)} values)"
        else:
            size = f"every order of {self.size} unit{'s' if self.size != 1 else ''}"
        return [f"{self.product}: {self.lines} order lines over {self.days} days: "
                f"{self.rate:.4g} orders a day, {size} (constant rate: no seasonality fitted)"]


def demand_from_sales(orders: Sequence[tuple[datetime.date, int]], *, first: datetime.date,
                      last: datetime.date, product: str = "") -> SalesDemand:
    """The demand of a product from its order lines ``(date, quantity)``.

    Parameters
    ----------
    orders : sequence of (date, int)
        The product's lines, each a day and a whole quantity >= 1 (at least one line).
    first, last : date
        The window of the whole sales table, both days counted.
    product : str
        The product id, for :meth:`SalesDemand.describe`.

    >>> d = datetime.date
    >>> fit = demand_from_sales([(d(2024, 1, 1), 1), (d(2024, 1, 3), 2)],
    ...                         first=d(2024, 1, 1), last=d(2024, 1, 4), product="p")
    >>> fit.demand_mapping()
    {'rate': 0.5, 'size': {'dist': 'empirical', 'values': [1, 2], 'weights': [1, 1]}}
    """
    days = (last - first).days + 1
    counts = Counter(quantity for _, quantity in orders)
    if len(counts) == 1:
        size: Any = next(iter(counts))
    else:
        values = sorted(counts)
        size = {"dist": "empirical", "values": values, "weights": [counts[v] for v in values]}
    return SalesDemand(product, len(orders), days, len(orders) / days, size)
