"""Synthetic sales history with known parameters, for the tests and the bundled example.

Each product's orders are a Poisson process by day: on day ``d`` the number of
order lines is Poisson with mean ``rate x month factor x weekday factor x
(1 + trend) ** years``, ``years`` counted from ``first``; each line's quantity is a
draw of ``size`` rounded to a whole number, at least 1 (as the engine draws
order sizes). Every product draws from its own stream (``sales:<product>`` under
the seed, :func:`riskmap.sim.streams.stream_seed`), so adding a product leaves
the others' lines unchanged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Mapping, Optional

import numpy as np

from riskmap.dists import Constant, Dist
from riskmap.sim.streams import stream_seed

DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True)
class SalesPattern:
    """The known parameters of one product's synthetic orders.

    ``rate`` is order lines per day; ``month`` (12 factors, January first) and
    ``weekday`` (7, Monday first) multiply it, each as given (average them to 1 for
    ``rate`` to be the mean); ``trend`` is the relative change of the rate a year.
    """

    rate: float
    size: Dist = Constant(1)
    month: Optional[tuple[float, ...]] = None
    weekday: Optional[tuple[float, ...]] = None
    trend: float = 0.0

    def rate_on(self, day: datetime.date, first: datetime.date) -> float:
        """The mean order lines of ``day``."""
        rate = self.rate
        if self.month is not None:
            rate *= self.month[day.month - 1]
        if self.weekday is not None:
            rate *= self.weekday[day.weekday()]
        if self.trend:
            rate *= (1.0 + self.trend) ** ((day - first).days / DAYS_PER_YEAR)
        return rate


def sales_history(products: Mapping[str, SalesPattern], *, first: datetime.date,
                  last: datetime.date, seed: int = 0) -> list[tuple[datetime.date, str, int]]:
    """Order lines ``(date, product, quantity)`` from ``first`` to ``last``, both included.

    Sorted by date, then product (lines of one product and day keep their draw order).

    >>> lines = sales_history({"a": SalesPattern(2.0)}, first=datetime.date(2024, 1, 1),
    ...                       last=datetime.date(2024, 1, 31), seed=1)
    >>> lines == sales_history({"a": SalesPattern(2.0)}, first=datetime.date(2024, 1, 1),
    ...                        last=datetime.date(2024, 1, 31), seed=1)
    True
    """
    days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    root = np.random.SeedSequence(seed)
    lines: list[tuple[datetime.date, str, int]] = []
    for product in sorted(products):
        pattern = products[product]
        rng = np.random.default_rng(stream_seed(root, f"sales:{product}"))
        means = np.array([pattern.rate_on(day, first) for day in days])
        counts = rng.poisson(means)
        sizes = pattern.size.sample_many(rng, int(counts.sum()))
        quantities = np.maximum(1, np.rint(sizes)).astype(int)
        k = 0
        for day, count in zip(days, counts):
            for _ in range(int(count)):
                lines.append((day, product, int(quantities[k])))
                k += 1
    lines.sort(key=lambda line: (line[0], line[1]))
    return lines
