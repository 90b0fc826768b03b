"""The customer-waits chart: per product, how long the customers who waited waited."""

from __future__ import annotations

from typing import Optional

from riskmap.report.charts.canvas import Canvas, RowFrame
from riskmap.report.charts.svg import (BAR_LIMIT, BLACK, BLUE, GREY, ORANGE, VERMILLION, Chart,
                                       short)
from riskmap.report.content import Report
from riskmap.report.views.products import mean_of, rank_products

#: What the waits chart shows per product: the mean over replications of the median, 90th
#: and 95th percentile wait of the customers who waited (statistic, marker, colour, legend).
WAIT_MARKERS = (
    ("wait_p50", "o", BLUE, "median wait"),
    ("wait_p90", "s", ORANGE, "90th percentile wait"),
    ("wait_p95", "^", VERMILLION, "95th percentile wait"),
)
#: Shown instead by a report without those percentiles. Never beside them: it is averaged
#: over every replication, the percentiles only over those where someone waited.
LONGEST_WAIT_MARKER = ("longest_wait", "x", BLACK, "longest wait")


def wait_statistics(report: Report) -> list[str]:
    """Product statistics measured in time units whose name mentions waiting, sorted."""
    unit = f"{report.time_unit}s"
    names = set()
    for key, info in report.statistics.items():
        subject, _, name = key.partition(".")
        if subject == "product" and "wait" in name and info.unit == unit:
            names.add(name)
    if not names:  # older reports without the statistics block
        for stats in report.products.values():
            names.update(n for n, estimate in stats.items()
                         if "wait" in n and estimate.unit == unit)
    return sorted(names)


def waits_chart(report: Report) -> Optional[Chart]:
    """Per product, how long customers who waited waited: one row per product, riskiest first.

    Each marker is a mean over the replications where someone waited of the within-run
    median, 90th and 95th percentile wait, on one axis so the products compare at a
    glance; a grey segment joins the median to the 95th percentile. Drawn as SVG directly.
    """
    products = report.products
    names = set(wait_statistics(report))
    markers = [m for m in WAIT_MARKERS if m[0] in names]
    if not markers and LONGEST_WAIT_MARKER[0] in names:
        markers = [LONGEST_WAIT_MARKER]
    ranked = [pid for pid in rank_products(report)
              if any(mean_of(products[pid].get(m[0])) for m in markers)][:BAR_LIMIT]
    if not markers or not ranked:
        return None
    values = [mean_of(products[pid].get(m[0])) for pid in ranked for m in markers]
    high = max([v for v in values if v is not None] + [1.0])
    canvas = Canvas(576.0, RowFrame.height(len(ranked), 24.0, 18.0))
    x = 160.0
    for name, marker, colour, text in markers:
        _marker(canvas, marker, x, 11, colour)
        canvas.text(x + 8, 11, text, size=8)
        x += 16 + 5.2 * len(text)
    frame = RowFrame(canvas, [(short(pid, 24), BLACK, False) for pid in ranked], 0.0, high,
                     24.0, f"wait of the customers who waited ({report.time_unit}s), "
                     "mean over replications", 18.0)
    for k, pid in enumerate(ranked):
        y = frame.y(k)
        low, top = (mean_of(products[pid].get("wait_p50")), mean_of(products[pid].get("wait_p95")))
        if low is not None and top is not None:
            canvas.line(frame.x(low), y, frame.x(top), y, stroke=GREY, width=1.0)
        for name, marker, colour, _ in markers:
            value = mean_of(products[pid].get(name))
            if value is not None:
                _marker(canvas, marker, frame.x(value), y, colour)
    return Chart("waits", "Customer waits per product: "
                 + ", ".join(label for _, _, _, label in markers), canvas.svg("Customer waits"))


def _marker(canvas: Canvas, marker: str, x: float, y: float, colour: str) -> None:
    """A dot (``o``), square (``s``), triangle (``^``) or cross (``x``) centred on ``(x, y)``."""
    if marker == "o":
        canvas.circle(x, y, 3.2, fill=colour, stroke=colour)
    elif marker == "s":
        canvas.rect(x - 3, y - 3, 6, 6, fill=colour)
    elif marker == "^":
        canvas.polygon([(x, y - 3.6), (x + 3.6, y + 3), (x - 3.6, y + 3)], fill=colour)
    else:
        canvas.line(x - 3, y - 3, x + 3, y + 3, stroke=colour, width=1.4)
        canvas.line(x - 3, y + 3, x + 3, y - 3, stroke=colour, width=1.4)
