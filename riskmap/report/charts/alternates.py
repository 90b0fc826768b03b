"""The alternates chart: backorder units avoided per alternate source, with 95 % intervals."""

from __future__ import annotations

from typing import Optional

from riskmap.options.tables import AlternateRow
from riskmap.report.charts.canvas import Canvas, RowFrame
from riskmap.report.charts.svg import BAR_LIMIT, BLACK, GREEN, Chart, short
from riskmap.report.content import Report


def alternate_label(row: AlternateRow) -> str:
    """``supplier → part`` of one alternate lane."""
    return f"{row.supplier} → {row.part}"


def alternates_chart(report: Report) -> Optional[Chart]:
    """Backorder units avoided per alternate source, with 95 % confidence intervals, best first.

    Drawn as SVG directly.
    """
    rows = list(report.options.alternates)[:BAR_LIMIT] if report.options is not None else []
    rows = [r for r in rows if r.effect.backorder_units_avoided.mean is not None]
    if not rows:
        return None
    spans = [_span(r) for r in rows]
    low = min([0.0] + [v for span in spans for v in span])
    high = max([1.0] + [v for span in spans for v in span])
    canvas = Canvas(576.0, RowFrame.height(len(rows), 10.0))
    frame = RowFrame(canvas, [(short(alternate_label(r), 36), BLACK, False) for r in rows],
                     low, high, 10.0, "backorder units avoided (units), mean and 95 % CI")
    zero = frame.x(0.0)
    for k, (row, (mean, lo, hi)) in enumerate(zip(rows, spans)):
        y = frame.y(k)
        left, right = sorted((zero, frame.x(mean)))
        canvas.rect(left, y - 6, right - left, 12, fill=GREEN)
        if lo != mean or hi != mean:
            canvas.line(frame.x(lo), y, frame.x(hi), y, stroke=BLACK, width=1.0)
            for end in (lo, hi):
                canvas.line(frame.x(end), y - 3, frame.x(end), y + 3, stroke=BLACK, width=1.0)
    canvas.line(zero, frame.top, zero, frame.bottom, stroke=BLACK, width=0.8)
    return Chart("alternates", "Backorder units avoided by each alternate source",
                 canvas.svg("Backorder units avoided by each alternate source"))


def _span(row: AlternateRow) -> tuple[float, float, float]:
    """Mean and 95 % interval of the units avoided (the mean where an end is missing)."""
    mean = row.effect.backorder_units_avoided.mean
    low, high = row.effect.backorder_units_avoided.ci95
    return mean, mean if low is None else low, mean if high is None else high
