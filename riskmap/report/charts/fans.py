"""Fan charts: on-hand stock and backlog of one product over time, with the disruption windows."""

from __future__ import annotations

from typing import Optional

from riskmap.dists import (Constant, Dist, Exponential, Gamma, LogNormal, Normal, Poisson,
                           Triangular, Uniform)
from riskmap.report.charts.canvas import (INK, Canvas, Scale, label, legend, nice_ticks,
                                          x_axis, y_axis)
from riskmap.report.charts.svg import BLUE, GREY, VERMILLION, Chart, file_safe
from riskmap.report.content import Report
from riskmap.report.text import percent
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
    out, and so are outages that recur with ``every`` (their ``at`` starts the
    up time before the first, no window). A disruption set off by another
    (``triggers``) is drawn where a drawn one with a fixed ``after`` would set
    it off, labelled with its chance. Sorted by start, then label.
    """
    disruptions = report.scenario.disruptions
    starts = {}
    for disruption in disruptions:
        at = disruption.at
        if isinstance(at, Constant) and disruption.every is None and disruption.rate is None:
            starts[disruption.id] = float(at.value)
    windows = []
    for disruption in disruptions:
        bounds = _bounds(disruption.duration)
        if bounds is None or disruption.every is not None:
            continue
        label = disruption.id or disruption.kind or "disruption"
        set_off = [(by, t) for by in disruptions for t in by.triggers if t.id == disruption.id]
        if set_off:
            for by, t in set_off:
                if by.id in starts and isinstance(t.after, Constant):
                    start = starts[by.id] + float(t.after.value)
                    windows.append((f"{label} ({percent(t.probability)} after {by.id})", start,
                                    start + bounds[0], start + bounds[1]))
        elif disruption.id in starts or isinstance(disruption.at, Constant):
            start = float(disruption.at.value)
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


def fan_chart(report: Report, product_id: str, name: Optional[str] = None) -> Optional[Chart]:
    """On-hand stock and backlog of one product over time: median, 25–75 % and 5–95 % bands.

    ``name`` is the chart's file-name stem (default ``fan-<product id made file-safe>``).
    Drawn as SVG directly (:mod:`~riskmap.report.charts.canvas`): a fan chart
    is a few polygons and lines, which matplotlib took about a second to lay out.
    """
    bands = report.series.products.get(product_id)
    times = list(report.series.times)
    if not bands or not times:
        return None
    names = [n for n in ("on_hand", "backlog") if n in bands]
    windows = disruption_windows(report)[:WINDOW_LIMIT]
    timeline = ROW * len(windows) + 8 if windows else 0.0
    height = TOP + timeline + len(names) * (PANEL + GAP) + BOTTOM
    canvas = Canvas(WIDTH, height)
    xscale = Scale(times[0], times[-1], LEFT, WIDTH - RIGHT)
    legend(canvas, WIDTH - RIGHT - 250, TOP / 2,
           [("box", GREY, 0.5, "5–95 %"), ("box", GREY, 0.9, "25–75 %"),
            ("line", INK, 1.0, "median")])
    top = TOP
    if windows:
        _timeline(canvas, xscale, windows, top)
        top += timeline
    for series_name in names:
        _fan_panel(canvas, xscale, times, bands[series_name], series_name, top, windows)
        top += PANEL + GAP
    ticks = [t for t in nice_ticks(times[0], times[-1], 8) if times[0] <= t <= times[-1]]
    x_axis(canvas, xscale, ticks or [times[0], times[-1]], TOP, top - GAP,
           f"time ({report.time_unit}s)", grid=False)
    alt = (f"Fan chart of {product_id}: on-hand stock and backlog over time, median and "
           f"percentile bands over {report.series.replications} replications")
    return Chart(name or f"fan-{file_safe(product_id)}", alt, canvas.svg(alt))


#: the fan chart's size and margins, in points.
WIDTH, LEFT, RIGHT, TOP, BOTTOM = 576.0, 56.0, 14.0, 22.0, 34.0
PANEL, GAP, ROW = 118.0, 10.0, 15.0


def _fan_panel(canvas: Canvas, xscale: Scale, times, band: dict, name: str, top: float,
               windows) -> None:
    def get(key):
        values = band.get(key)
        return values if values and len(values) == len(times) else None

    colour = BLUE if name == "on_hand" else VERMILLION
    present = [v for key in ("p95", "p75", "p50") if get(key) for v in get(key)]
    ticks = nice_ticks(0.0, max(present + [1.0]), 4)
    yscale = Scale(0.0, ticks[-1], top + PANEL, top)
    _shade_windows(canvas, xscale, windows, top)
    y_axis(canvas, yscale, ticks, LEFT, WIDTH - RIGHT,
           "on hand (units)" if name == "on_hand" else "backlog (units)")
    xs = [xscale(t) for t in times]
    for low, high, opacity in (("p5", "p95", 0.18), ("p25", "p75", 0.38)):
        if get(low) and get(high):
            upper = [(x, yscale(v)) for x, v in zip(xs, get(high))]
            lower = [(x, yscale(v)) for x, v in zip(xs, get(low))]
            canvas.polygon(upper + lower[::-1], fill=colour, opacity=opacity)
    if get("p50"):
        canvas.polyline([(x, yscale(v)) for x, v in zip(xs, get("p50"))], stroke=colour)
    canvas.line(LEFT, top, LEFT, top + PANEL, width=0.8)


def _shade_windows(canvas: Canvas, xscale: Scale, windows, top: float) -> None:
    for _, start, short_end, long_end in windows:
        left, right = _clip(xscale, start), _clip(xscale, short_end)
        canvas.rect(left, top, right - left, PANEL, fill=GREY, opacity=0.25)
        if long_end > short_end:
            far = _clip(xscale, long_end)
            canvas.rect(right, top, far - right, PANEL, fill=GREY, opacity=0.12)


def _clip(xscale: Scale, value: float) -> float:
    return min(max(xscale(value), xscale.start), xscale.end)


def _timeline(canvas: Canvas, xscale: Scale, windows, top: float) -> None:
    """A row per disruption: dark to its shortest end, light to its longest end."""
    for k, (name, start, short_end, long_end) in enumerate(windows):
        y = top + k * ROW
        left, right = _clip(xscale, start), _clip(xscale, short_end)
        canvas.rect(left, y + 2, right - left, ROW - 4, fill=GREY, opacity=0.8)
        if long_end > short_end:
            far = _clip(xscale, long_end)
            canvas.rect(right, y + 2, far - right, ROW - 4, fill=GREY, opacity=0.35)
        canvas.text(LEFT - 4, y + ROW / 2, label(name, 12), size=7, anchor="end", title=name)
