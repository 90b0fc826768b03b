"""The supplier risk matrix: likelihood against impact, one bubble per supplier sized by spend."""

from __future__ import annotations

import math
from typing import Optional

from riskmap.report.charts.canvas import (INK, Canvas, Scale, cividis, legend, nice_ticks,
                                          x_axis, y_axis)
from riskmap.report.charts.svg import BAR_LIMIT, Chart, short
from riskmap.analysis.matrix import RiskMatrix, SupplierRisk
from riskmap.report.content import Report
from riskmap.report.text import number
from riskmap.report.views.matrix import impact_words, ranked_suppliers

#: suppliers labelled by name on the chart (the riskiest); the table names the rest.
LABELLED = 8
#: the smallest and largest bubble radius, in points.
R_MIN, R_MAX = 3.0, 16.0


def plotted_impact(matrix: RiskMatrix, risk: SupplierRisk) -> Optional[float]:
    """The impact the chart plots: the simulated lost revenue when it stops in a simulated
    matrix (at least 0), else the PI; ``None`` when unknown."""
    if not matrix.simulated:
        return risk.impact
    impact = risk.simulated.impact if risk.simulated is not None else None
    return None if impact is None or impact.mean is None else max(0.0, impact.mean)


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def label_place(cx: float, cy: float, radius: float, width: float, taken: list[Box],
                area: Box) -> Optional[tuple[float, float, str, Box]]:
    """Where a label of ``width`` points goes beside a bubble: ``(x, y, anchor, box)``.

    Tried in a fixed order -- right of the bubble, left of it, above, below --
    the first place whose box stays within ``area`` and overlaps no label in
    ``taken`` wins, so the same report always gets the same picture; ``None``
    when there is none.

    >>> label_place(100, 100, 5, 40, [], (0, 0, 300, 300))[:3]
    (108, 100, 'start')
    >>> label_place(100, 100, 5, 40, [(108, 95, 148, 105)], (0, 0, 300, 300))[:3]
    (92, 100, 'end')
    """
    gap = radius + 3
    for tx, ty, anchor in ((cx + gap, cy, "start"), (cx - gap, cy, "end"),
                           (cx, cy - gap - 4, "middle"), (cx, cy + gap + 4, "middle")):
        x0 = {"start": tx, "end": tx - width, "middle": tx - width / 2}[anchor]
        box = (x0, ty - 5, x0 + width, ty + 5)
        inside = (area[0] <= box[0] and box[2] <= area[2]
                  and area[1] <= box[1] and box[3] <= area[3])
        if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3]
                              and b[1] < box[3] for b in taken):
            return tx, ty, anchor, box
    return None


def matrix_chart(report: Report) -> Optional[Chart]:
    """Bubbles at (likelihood, impact), area by spend, coloured by score on ``cividis``.

    The impact is the simulated lost revenue when the supplier stops when the
    matrix is simulated (:func:`plotted_impact`), else the PI. Suppliers
    without a known impact are left out of the picture; the
    :data:`~riskmap.report.charts.svg.BAR_LIMIT` riskiest are drawn. ``None``
    when the report has no matrix or no supplier with an impact.
    """
    matrix = report.risk_matrix
    if matrix is None:
        return None
    impacts = {r.id: plotted_impact(matrix, r) for r in matrix.suppliers.values()}
    rows = [r for r in ranked_suppliers(matrix) if impacts[r.id] is not None][:BAR_LIMIT]
    if not rows:
        return None
    most_spend = max([r.spend for r in rows] + [0.0])
    most_score = max([r.score or 0.0 for r in rows] + [0.0])
    canvas = Canvas(576.0, 360.0)
    left, right, top, bottom = 70.0, 556.0, 30.0, 310.0
    x = Scale(0.0, 1.0, left, right)
    y_ticks = nice_ticks(0.0, max([impacts[r.id] for r in rows] + [1.0]) * 1.1, 5)
    y = Scale(y_ticks[0], y_ticks[-1], bottom, top)
    y_axis(canvas, y, y_ticks, left, right,
           "impact: simulated lost revenue when it stops" if matrix.simulated
           else f"impact: PI ({impact_words(matrix)})")
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
        canvas.circle(x(risk.likelihood), y(impacts[risk.id]), R_MIN + (R_MAX - R_MIN) * share,
                      fill=colour, stroke=INK, width=0.6)
    # suppliers drawn at (nearly) the same place share one label: the riskiest and a count
    spots: dict[tuple[int, int], list] = {}
    for risk in rows:
        spots.setdefault((round(x(risk.likelihood) / 6), round(y(impacts[risk.id]) / 6)),
                         []).append(risk)
    labelled = 0
    boxes: list[Box] = []
    for risk in rows:
        if labelled == LABELLED:
            break
        cy = y(impacts[risk.id])
        group = spots[(round(x(risk.likelihood) / 6), round(cy / 6))]
        if group[0] is not risk:
            continue
        share = math.sqrt(risk.spend / most_spend) if most_spend > 0 else 0.0
        text = short(risk.id, 20) + (f" +{len(group) - 1} more" if len(group) > 1 else "")
        place = label_place(x(risk.likelihood), cy, R_MIN + (R_MAX - R_MIN) * share,
                            4.6 * len(text), boxes,
                            (left, top - 6, canvas.width - 4, bottom + 6))
        if place is None:
            continue  # every place would cover a riskier supplier's label; the table names it
        tx, ty, anchor, box = place
        boxes.append(box)
        labelled += 1
        canvas.text(tx, ty, text, size=8, anchor=anchor, title=", ".join(r.id for r in group))
    named = ", ".join(r.id for r in rows[:3])
    alt = (f"Supplier risk matrix of {len(rows)} suppliers, likelihood against impact; "
           f"riskiest: {named}")
    return Chart("risk-matrix", alt, canvas.svg(alt))
