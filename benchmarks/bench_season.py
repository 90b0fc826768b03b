"""Seasonal demand: the cost of the calendar in arrival generation, and of fitting a history.

Run from the repository root::

    python benchmarks/bench_season.py            # the default figures
    python benchmarks/bench_season.py --quick    # smaller, for a smoke test

It prints:

1. arrivals per second of one product's order stream (riskmap.sim.demand.Arrivals)
   without seasonality, with a monthly and with a weekday seasonality over the
   horizon (one knot per month or per day), and with a weekday seasonality and a
   surge (the knots rebuilt per replication), each the best of ``--repeat`` runs;
2. the time to fit a product's demand (riskmap.history.fit_demand) to two years of
   daily order lines, backtest included, and to draw the page of six fits.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from riskmap.history import fit_demand, fit_page  # noqa: E402
from riskmap.model import Demand, Seasonality  # noqa: E402
from riskmap.season import factor_step  # noqa: E402
from riskmap.sim.demand import Arrivals  # noqa: E402
from riskmap.sim.streams import Streams  # noqa: E402
from riskmap.testing.sales import SalesPattern, sales_history  # noqa: E402

MONTHS = Seasonality("month", (0.5, 0.7, 1.2, 1.6, 1.6, 1.3, 1.1, 1.0, 1.0, 0.9, 0.6, 0.5))
WEEKDAYS = Seasonality("weekday", (1.6, 1.1, 1.0, 1.1, 1.7, 0.5, 0.0))
START = datetime.date(2025, 1, 1)


def _arrivals_per_second(rate: float, horizon: float, season, surges, replications: int,
                         repeat: int) -> float:
    best = math.inf
    count = 0
    for _ in range(repeat):
        count = 0
        began = time.perf_counter()
        for r in range(replications):
            step = factor_step(season, START, "day", horizon) if season is not None else None
            stream = Arrivals(Demand(rate=rate), surges, Streams(np.random.SeedSequence(r)),
                              "demand:p", horizon, step)
            while stream.next() < math.inf:
                count += 1
        best = min(best, time.perf_counter() - began)
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rate, horizon, reps = (20.0, 365.0, 5) if args.quick else (50.0, 3650.0, 10)
    print(f"load average {os.getloadavg()[0]:.1f}; {reps} replications of {horizon:g} days "
          f"at {rate:g} orders a day")
    print("1. arrivals per second")
    surge = [(100.0, 160.0, 2.0)]
    for label, season, surges in (("no seasonality", None, ()), ("by month", MONTHS, ()),
                                  ("by weekday", WEEKDAYS, ()),
                                  ("by weekday, with a surge", WEEKDAYS, surge)):
        speed = _arrivals_per_second(rate, horizon, season, surges, reps, args.repeat)
        print(f"   {label:26s} {speed:12,.0f}")
    print("2. fitting two years of daily order lines")
    first, last = datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)
    patterns = {f"p{k}": SalesPattern(rate=2.0 + 2 * k, month=MONTHS.factors,
                                      weekday=WEEKDAYS.factors) for k in range(6)}
    lines = sales_history(patterns, first=first, last=last, seed=1)
    by_product: dict[str, list] = {}
    for date, product, quantity in lines:
        by_product.setdefault(product, []).append((date, quantity))
    began = time.perf_counter()
    fits = {p: fit_demand(o, first=first, last=last, product=p)
            for p, o in sorted(by_product.items())}
    fitted = time.perf_counter() - began
    began = time.perf_counter()
    page = fit_page(fits, "bench")
    drawn = time.perf_counter() - began
    print(f"   {len(lines):,} lines, 6 products: fit {fitted:.2f} s "
          f"({fitted / 6 * 1000:.0f} ms a product), page {drawn * 1000:.0f} ms "
          f"({len(page) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
