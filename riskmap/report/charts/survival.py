"""The TTS/TTR chart: time to survive against time to recover, per supplier and per region."""

from __future__ import annotations

import math
from typing import Iterable, Optional

from riskmap.analysis.risk_map import Exposure
from riskmap.report.charts.canvas import INK, Canvas, RowFrame, legend
from riskmap.report.charts.svg import BAR_LIMIT, BLUE, VERMILLION, Chart, short
from riskmap.report.content import Report
from riskmap.report.views.exposures import supplier_exposures


def survival_rows(exposures: Iterable[Optional[Exposure]]) -> list[Exposure]:
    """The exposures with a known TTR, tightest TTS − TTR first (unbounded TTS last), then id."""
    rows = [e for e in exposures if e is not None and e.ttr is not None]
    return sorted(rows, key=lambda e: (math.inf if e.tts_minus_ttr is None else e.tts_minus_ttr,
                                       e.id))


def survival_chart(report: Report) -> Optional[Chart]:
    """Paired bars per supplier (and region): TTS in blue, TTR in vermillion.

    Where TTS < TTR the supplier's label is marked ``at risk``; an unbounded
    TTS is drawn to the right edge with an arrow and ``∞``. Drawn as SVG directly.
    """
    panels = [("suppliers", survival_rows(supplier_exposures(report).values())),
              ("regions", survival_rows(report.regions.values()))]
    panels = [(title, rows[:BAR_LIMIT]) for title, rows in panels if rows]
    if not panels:
        return None
    finite = [v for _, rows in panels for e in rows for v in (e.tts, e.ttr) if v is not None]
    limit = 1.15 * max(finite + [1.0])
    heights = [RowFrame.height(len(rows), 20.0, ROW) for _, rows in panels]
    canvas = Canvas(576.0, 22.0 + sum(heights))
    legend(canvas, 300, 11, [("box", BLUE, 1.0, "time to survive (TTS)"),
                             ("box", VERMILLION, 1.0, "time to recover (TTR)")])
    top = 22.0
    for (title, rows), height in zip(panels, heights):
        canvas.text(8, top + 8, title, size=10)
        _panel(canvas, rows, limit, top + 20.0,
               f"time ({report.time_unit}s)" if title == panels[-1][0] else None)
        top += height
    at_risk = [e.id for _, rows in panels for e in rows if e.at_risk]
    alt = ("Time to survive against time to recover; at risk (TTS < TTR): "
           + (", ".join(at_risk) if at_risk else "none"))
    return Chart("tts-ttr", alt, canvas.svg(alt))


#: the height of one supplier's pair of bars, in points.
ROW = 23.0


def _panel(canvas: Canvas, rows: list[Exposure], limit: float, top: float,
           title: Optional[str]) -> None:
    labels = [(f"{short(e.id, 24)}  AT RISK" if e.at_risk else short(e.id, 24),
               VERMILLION if e.at_risk else INK, e.at_risk) for e in rows]
    frame = RowFrame(canvas, labels, 0.0, limit, top, title or "", ROW)
    bar = 0.38 * ROW
    left = frame.x(0.0)
    end = min(frame.x(limit), frame.x.end)
    for k, exposure in enumerate(rows):
        y = frame.y(k)
        tts = exposure.tts
        right = end if tts is None else frame.x(tts)
        canvas.rect(left, y - bar, right - left, bar, fill=BLUE,
                    opacity=0.6 if tts is None else None)
        canvas.rect(left, y, frame.x(exposure.ttr or 0.0) - left, bar, fill=VERMILLION)
        if tts is None:  # an exposure without TTS is unbounded: demand is met for ever
            canvas.text(end - 4, y - bar / 2, "∞ →", size=8, anchor="end", fill="#ffffff",
                        bold=True)
