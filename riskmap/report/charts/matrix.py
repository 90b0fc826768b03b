"""The supplier risk matrix: likelihood against impact, one bubble per supplier sized by spend."""

from __future__ import annotations

import math
from typing import Optional

from riskmap.report.charts.canvas import (INK, Canvas, Scale, cividis, legend, nice_ticks,
                                          x_axis, y_axis)
from riskmap.report.charts.svg import BAR_LIMIT, Chart, short
from riskmap.report.content import Report
from riskmap.report.text import number
from riskmap.report.views.matrix import impact_words, ranked_suppliers

#: suppliers labelled by name on the chart (the riskiest); the table names the rest.
LABELLED = 8
#: the smallest and largest bubble radius, in points.
R_MIN, R_MAX = 3.0, 16.0


def matrix_chart(report: Report) -> Optional[Chart]:
    """Bubbles at (likelihood, impact), area by spend, coloured by score on ``cividis``.

    Suppliers without a known impact (no TTR) are left out of the picture;
    the :data:`~riskmap.report.charts.svg.BAR_LIMIT` riskiest are drawn.
    ``None`` when the report has no matrix or no supplier with an impact.
    """
    matrix = report.risk_matrix
    if matrix is None:
        return None
    rows = [r for r in ranked_suppliers(matrix) if r.impact is not None][:BAR_LIMIT]
    if not rows:
        return None
    most_spend = max([r.spend for r in rows] + [0.0])
    most_score = max([r.score or 0.0 for r in rows] + [0.0])
    canvas = Canvas(576.0, 360.0)
    left, right, top, bottom = 70.0, 556.0, 30.0, 310.0
    x = Scale(0.0, 1.0, left, right)
    y_ticks = nice_ticks(0.0, max([r.impact for r in rows] + [1.0]) * 1.1, 5)
    y = Scale(y_ticks[0], y_ticks[-1], bottom, top)
    unit = impact_words(matrix)
    y_axis(canvas, y, y_ticks, left, right, f"impact: PI ({unit})")
    x_ticks = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    x_axis(canvas, x, x_ticks, top, bottom, "likelihood: chance of a stop within the horizon (1 = certain)")
    legend(canvas, left, 12, [("box", cividis(0.0), 1.0, "low score"),
                              ("box", cividis(1.0), 1.0, "high score")])
    canvas.circle(left + 190, 12, R_MIN, fill="#ffffff")
    canvas.circle(left + 204, 12, 7.0, fill="#ffffff")
    canvas.text(left + 216, 12, f"bubble area: spend ({matrix.spend_unit}), largest "
                f"{number(most_spend)}", size=8)
    # the largest bubbles first, so small ones stay visible on top of them
    for risk in sorted(rows, key=lambda r: (-r.spend, r.id)):
        share = math.sqrt(risk.spend / most_spend) if most_spend > 0 else 0.0
        colour = cividis((risk.score or 0.0) / most_score if most_score > 0 else 0.0)
        canvas.circle(x(risk.likelihood), y(risk.impact), R_MIN + (R_MAX - R_MIN) * share,
                      fill=colour, stroke=INK, width=0.6)
    # suppliers drawn at (nearly) the same place share one label: the riskiest and a count
    spots: dict[tuple[int, int], list] = {}
    for risk in rows:
        spots.setdefault((round(x(risk.likelihood) / 6), round(y(risk.impact) / 6)),
                         []).append(risk)
    labelled = 0
    boxes: list[tuple[float, float, float, float]] = []
    for risk in rows:
        if labelled == LABELLED:
            break
        group = spots[(round(x(risk.likelihood) / 6), round(y(risk.impact) / 6))]
        if group[0] is not risk:
            continue
        share = math.sqrt(risk.spend / most_spend) if most_spend > 0 else 0.0
        radius = R_MIN + (R_MAX - R_MIN) * share
        cx = x(risk.likelihood)
        anchor = "end" if cx > right - 80 else "start"
        dx = -(radius + 3) if anchor == "end" else radius + 3
        text = short(risk.id, 20) + (f" +{len(group) - 1} more" if len(group) > 1 else "")
        width = 4.6 * len(text)  # about the width of 8 pt text
        x0 = cx + dx - (width if anchor == "end" else 0.0)
        box = (x0, y(risk.impact) - 5, x0 + width, y(risk.impact) + 5)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for b in boxes):
            continue  # it would cover a riskier supplier's label; the table names it
        boxes.append(box)
        labelled += 1
        canvas.text(cx + dx, y(risk.impact), text, size=8, anchor=anchor,
                    title=", ".join(r.id for r in group))
    named = ", ".join(r.id for r in rows[:3])
    alt = (f"Supplier risk matrix of {len(rows)} suppliers, likelihood against impact; "
           f"riskiest: {named}")
    return Chart("risk-matrix", alt, canvas.svg(alt))
