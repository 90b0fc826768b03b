"""Fan charts: on-hand stock and backlog of one product over time, with the disruption windows."""

from __future__ import annotations

from typing import Optional

from riskmap.dists import (Constant, Dist, Exponential, Gamma, LogNormal, Normal, Poisson,
                           Triangular, Uniform)
from riskmap.report.charts.svg import (BLUE, GREY, VERMILLION, Chart, file_safe, new_figure,
                                       render, short, styled)
from riskmap.report.content import Report
from riskmap.report.views.products import rank_products

#: fan charts are drawn for this many riskiest products.
PRODUCT_CHART_LIMIT = 12
#: disruption windows drawn over a fan chart (the assumptions table lists all).
WINDOW_LIMIT = 12


def disruption_windows(report: Report) -> list[tuple[str, float, float, float]]:
    """``(label, start, shortest end, longest end)`` of disruptions with a known start.

    A fixed ``at`` is needed (a random start has no window to draw); the
    duration is a number or a distribution whose ``min``/``max`` (or
    ``mean``) bound the end. Disruptions without a known duration are left
    out. Sorted by start, then label.
    """
    windows = []
    for disruption in report.scenario.disruptions:
        at = disruption.at
        bounds = _bounds(disruption.duration)
        if not isinstance(at, Constant) or bounds is None:
            continue
        start = float(at.value)
        label = disruption.id or disruption.kind or "disruption"
        windows.append((label, start, start + bounds[0], start + bounds[1]))
    return sorted(windows, key=lambda w: (w[1], w[0]))


def _bounds(duration: Optional[Dist]) -> Optional[tuple[float, float]]:
    """Shortest and longest duration: a constant, a range's ends, else the mean parameter."""
    if isinstance(duration, Constant):
        return float(duration.value), float(duration.value)
    if isinstance(duration, (Uniform, Triangular)):
        return float(duration.min), float(duration.max)
    if isinstance(duration, (Normal, LogNormal, Exponential, Poisson, Gamma)):
        # the mean as written (a normal's before truncation), as the file states it
        return float(duration.mean_), float(duration.mean_)
    return None  # no duration (the supplier's TTR), or an empirical one: no window


def charted_products(report: Report) -> list[str]:
    """Products that get fan charts: the riskiest :data:`PRODUCT_CHART_LIMIT` with series."""
    series = report.series.products
    return [pid for pid in rank_products(report) if pid in series][:PRODUCT_CHART_LIMIT]


@styled
def fan_chart(report: Report, product_id: str, name: Optional[str] = None) -> Optional[Chart]:
    """On-hand stock and backlog of one product over time: median, 25–75 % and 5–95 % bands.

    ``name`` is the chart's file-name stem (default ``fan-<product id made file-safe>``).
    """
    bands = report.series.products.get(product_id)
    times = list(report.series.times)
    if not bands or not times:
        return None
    names = [n for n in ("on_hand", "backlog") if n in bands]
    windows = disruption_windows(report)[:WINDOW_LIMIT]
    # one timeline row per disruption above the panels: labels never overlap
    timeline = 0.22 * len(windows) + 0.15 if windows else 0.0
    heights = ([timeline] if windows else []) + [1.7] * len(names)
    fig = new_figure(8.0, sum(heights) + 0.6)
    axes = fig.subplots(len(heights), 1, sharex=True, squeeze=False,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    if windows:
        _timeline(axes[0], windows)
        axes = axes[1:]
    for ax, series_name in zip(axes, names):
        _fan_panel(ax, times, bands[series_name], series_name)
        _shade_windows(ax, windows)
    axes[-1].set_xlabel(f"time ({report.time_unit}s)")
    axes[-1].set_xlim(times[0], times[-1])
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper right", ncol=3,
               frameon=False)
    alt = (f"Fan chart of {product_id}: on-hand stock and backlog over time, median and "
           f"percentile bands over {report.series.replications} replications")
    return render(fig, name or f"fan-{file_safe(product_id)}", alt)


def _fan_panel(ax, times, band: dict, name: str) -> None:
    def get(key):
        values = band.get(key)
        return values if values and len(values) == len(times) else None

    colour = BLUE if name == "on_hand" else VERMILLION
    if get("p5") and get("p95"):
        ax.fill_between(times, get("p5"), get("p95"), color=colour, alpha=0.18, linewidth=0,
                        label="5–95 %")
    if get("p25") and get("p75"):
        ax.fill_between(times, get("p25"), get("p75"), color=colour, alpha=0.38, linewidth=0,
                        label="25–75 %")
    if get("p50"):
        ax.plot(times, get("p50"), color=colour, linewidth=1.4, label="median")
    ax.set_ylabel("on hand (units)" if name == "on_hand" else "backlog (units)")
    ax.set_ylim(bottom=0)


def _shade_windows(ax, windows) -> None:
    for _, start, short_end, long_end in windows:
        ax.axvspan(start, short_end, color=GREY, alpha=0.25, linewidth=0, zorder=0)
        if long_end > short_end:
            ax.axvspan(short_end, long_end, color=GREY, alpha=0.12, linewidth=0, zorder=0)


def _timeline(ax, windows) -> None:
    """A row per disruption: dark to its shortest end, light to its longest end."""
    ys = list(range(len(windows)))[::-1]
    for y, (_, start, short_end, long_end) in zip(ys, windows):
        ax.barh(y, short_end - start, left=start, height=0.6, color=GREY, alpha=0.8)
        if long_end > short_end:
            ax.barh(y, long_end - short_end, left=short_end, height=0.6, color=GREY, alpha=0.35)
    ax.set_yticks(ys, [short(w[0], 22) for w in windows], fontsize=7)
    ax.set_ylim(-0.6, len(windows) - 0.4)
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", bottom=False)
