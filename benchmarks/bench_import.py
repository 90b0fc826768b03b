"""Benchmark of ``riskmap import`` on generated tables of growing size.

For each size, a synthetic network (riskmap.testing.synthetic) of N parts, N/10
suppliers and N/50 products is written as tables by ``riskmap export``, with a
``sales`` table of two years of daily order lines (Poisson counts, seeded) for its
products, once as a CSV folder and once as a workbook. Each is then imported through
the command line (``main(["import", SOURCE, "--out", FILE, "-q"])``).

It prints, per size and source, the table rows read, the CPU seconds and the rows per
second: the import is linear in the size of the tables when rows/s stays flat as the
size doubles.

Usage::

    python benchmarks/bench_import.py                    # 250, 500, 1000 parts
    python benchmarks/bench_import.py --parts 500 --no-workbook

Results are in docs/performance.md ("Import").
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time

import numpy as np

from riskmap.cli.main import main
from riskmap.tables.export import csv_text, network_tables
from riskmap.testing.synthetic import synthetic_network

DAYS = 730
FIRST = datetime.date(2024, 1, 1)


def sales_rows(products: list[str], rng: np.random.Generator) -> list[list]:
    """Two years of daily order lines: each product about 2 lines a day, sizes 1 to 3."""
    rows = []
    for day in range(DAYS):
        date = (FIRST + datetime.timedelta(days=day)).isoformat()
        for product in products:
            for _ in range(int(rng.poisson(2.0))):
                rows.append([date, product, int(rng.integers(1, 4))])
    return rows


def write_source(folder: str, parts: int, seed: int) -> int:
    """The tables of one network and its sales in ``folder``; returns the rows written."""
    net = synthetic_network(max(2, parts // 10), parts, max(1, parts // 50), seed=seed)
    os.makedirs(folder, exist_ok=True)
    count = 0
    for name, header, rows in network_tables(net):
        with open(os.path.join(folder, f"{name}.csv"), "w", encoding="utf-8") as handle:
            handle.write(csv_text(header, rows))
        count += len(rows)
    sales = sales_rows([p.id for p in net.products], np.random.default_rng(seed))
    with open(os.path.join(folder, "sales.csv"), "w", encoding="utf-8") as handle:
        handle.write(csv_text(("date", "product", "quantity"), sales))
    return count + len(sales)


def timed_import(source: str, out: str) -> float:
    start = time.process_time()  # CPU time: the machine may be shared
    code = main(["import", source, "--out", out, "-q"])
    elapsed = time.process_time() - start
    if code != 0:
        raise SystemExit(f"import of {source} failed with exit code {code}")
    return elapsed


def main_bench(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--no-workbook", action="store_true", help="CSV folders only")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"# riskmap import, Python {platform.python_version()} on {platform.machine()}")
    print(f"{'parts':>6} {'source':>8} {'rows':>8} {'cpu s':>8} {'rows/s':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for parts in args.parts:
            folder = os.path.join(tmp, f"t{parts}")
            rows = write_source(folder, parts, args.seed)
            seconds = timed_import(folder, os.path.join(tmp, f"n{parts}.yaml"))
            print(f"{parts:>6} {'csv':>8} {rows:>8} {seconds:>8.2f} {rows / seconds:>9.0f}")
            if not args.no_workbook:
                from riskmap.tables.workbook import workbook_of_folder

                book = os.path.join(tmp, f"t{parts}.xlsx")
                with open(book, "wb") as handle:
                    handle.write(workbook_of_folder(folder, ("network", "regions", "suppliers",
                                                             "items", "bom", "lanes", "sales")))
                seconds = timed_import(book, os.path.join(tmp, f"w{parts}.yaml"))
                print(f"{parts:>6} {'xlsx':>8} {rows:>8} {seconds:>8.2f} {rows / seconds:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main_bench(sys.argv[1:]))
