"""The customer-waits chart: per product, how long the customers who waited waited."""

from __future__ import annotations

from typing import Optional

from riskmap.report.charts.svg import (BAR_LIMIT, BLACK, BLUE, GREY, ORANGE, VERMILLION, Chart,
                                       new_figure, render, short, styled)
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


@styled
def waits_chart(report: Report) -> Optional[Chart]:
    """Per product, how long customers who waited waited: one row per product, riskiest first.

    Each marker is a mean over the replications where someone waited of the within-run
    median, 90th and 95th percentile wait, on one axis so the products compare at a
    glance; a grey segment joins the median to the 95th percentile.
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
    fig = new_figure(8.0, 0.26 * len(ranked) + 1.4)
    ax = fig.subplots()
    ys = list(range(len(ranked)))[::-1]
    for name, marker, colour, label in markers:
        points = [(y, mean_of(products[pid].get(name))) for y, pid in zip(ys, ranked)]
        points = [(y, v) for y, v in points if v is not None]
        if points:
            ax.scatter([v for _, v in points], [y for y, _ in points], marker=marker,
                       color=colour, s=28, label=label, zorder=3)
    _median_to_p95(ax, ys, [(mean_of(products[pid].get("wait_p50")),
                             mean_of(products[pid].get("wait_p95"))) for pid in ranked])
    ax.set_yticks(ys, [short(pid, 24) for pid in ranked])
    ax.set_xlabel(f"wait of the customers who waited ({report.time_unit}s), mean over replications")
    ax.set_xlim(left=0)
    ax.grid(axis="y", visible=False)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside upper right", ncol=2,
               frameon=False)
    return render(fig, "waits", "Customer waits per product: "
                  + ", ".join(label for _, _, _, label in markers))


def _median_to_p95(ax, ys: list[int], spans: list[tuple[Optional[float], Optional[float]]]) -> None:
    """A grey segment per row from the median to the 95th percentile.

    One line collection rather than a line per row: the picture is the same,
    and matplotlib lays out and draws one artist instead of up to
    :data:`BAR_LIMIT` per panel.
    """
    rows = [(y, low, high) for y, (low, high) in zip(ys, spans)
            if low is not None and high is not None]
    if rows:
        ax.hlines([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                  color=GREY, linewidth=1, zorder=2,
                  capstyle="projecting")  # the ends a plotted line has
