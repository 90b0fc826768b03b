"""Write ebike/sales.csv: two years of daily order lines for the e-bike network's products.

    python scenarios/import/make_sales.py

Each product of scenarios/networks/ebike.yaml sells at its demand rate and order
size there, with a spring peak (the month factors below, averaging 1) and a
weekday pattern (dealers order on working days, most on Mondays); the charger,
sold over the counter, has the weekday pattern only. The seed is fixed, so the
file is the same bytes on every machine (riskmap.testing.sales draws it).
"""

from __future__ import annotations

import csv
import datetime
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # run from a checkout without installing

from riskmap.load import load_network  # noqa: E402
from riskmap.output.atomic import write_atomic  # noqa: E402
from riskmap.testing.sales import SalesPattern, sales_history  # noqa: E402

SEED = 2024
FIRST, LAST = datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)
#: Jan .. Dec: the riding season peaks in April to June, winter sells half the mean.
SPRING = (0.5, 0.6, 1.1, 1.5, 1.6, 1.4, 1.2, 1.0, 0.9, 0.9, 0.7, 0.6)
#: Mon .. Sun: dealers order on working days, most after the weekend.
WORKWEEK = (1.6, 1.2, 1.1, 1.1, 1.3, 0.5, 0.2)
#: Products without the spring peak.
ALL_YEAR = ("charger",)


def patterns() -> dict[str, SalesPattern]:
    """Each product's pattern from its demand in the e-bike network."""
    network = load_network(str(HERE.parent / "networks" / "ebike.yaml"))
    out = {}
    for product in network.products:
        demand = product.demand
        out[product.id] = SalesPattern(
            rate=demand.base_rate, size=demand.size,
            month=None if product.id in ALL_YEAR else SPRING, weekday=WORKWEEK)
    return out


def sales_csv() -> str:
    """The text of sales.csv: a header, then one line per order line, by date and product."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["date", "product", "quantity"])
    for date, product, quantity in sales_history(patterns(), first=FIRST, last=LAST, seed=SEED):
        writer.writerow([date.isoformat(), product, quantity])
    return text.getvalue()


def main() -> None:
    target = write_atomic(HERE / "ebike" / "sales.csv", sales_csv())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
