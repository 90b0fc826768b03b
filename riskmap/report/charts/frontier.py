"""The cost against service frontier of ``riskmap optimize`` (report.md and report.html of optimize).

Every plan the search evaluated is a grey dot at its expected cost (x) and
service (y: the worst mean fill rate of the products the targets name, or of
every product); the plans no other beats on both are joined by the frontier
line; today's plan and the plan found are marked, and a fill-rate target is
drawn as a dashed line. Figures are the search's (common random numbers).
"""

from __future__ import annotations

from typing import Optional

from riskmap.report.charts.canvas import Canvas, Scale, legend, nice_ticks, x_axis, y_axis
from riskmap.report.charts.svg import BLUE, GREY, VERMILLION, Chart, BLACK

WIDTH, HEIGHT = 480.0, 300.0
LEFT, RIGHT, TOP, BOTTOM = 62.0, 16.0, 30.0, 250.0


def frontier_chart(prescription) -> Optional[Chart]:
    """The chart, or None when fewer than two plans have a cost and a service figure."""
    points = [p for p in prescription.frontier if p.service is not None]
    if len(points) < 2:
        return None
    marks = [p for p in (prescription.today_point, prescription.plan_point)
             if p is not None and p.service is not None]
    costs = [p.cost for p in points + marks]
    services = [p.service for p in points + marks]
    fills = [t.target.value for t in prescription.targets if t.target.metric == "fill_rate"]
    if fills:
        services.append(max(fills))
    x_ticks = nice_ticks(min(costs), max(costs), 5)
    y_ticks = nice_ticks(min(services), max(services), 5)
    x = Scale(x_ticks[0], x_ticks[-1], LEFT, WIDTH - RIGHT)
    y = Scale(y_ticks[0], y_ticks[-1], BOTTOM, TOP)
    canvas = Canvas(WIDTH, HEIGHT)
    y_axis(canvas, y, y_ticks, LEFT, WIDTH - RIGHT, "service (worst fill rate)")
    x_axis(canvas, x, x_ticks, TOP, BOTTOM, "expected cost (money)")
    for p in points:
        canvas.circle(x(p.cost), y(p.service), 2.2, fill=GREY, stroke=GREY, width=0.4)
    line = sorted((p for p in points if p.on_frontier), key=lambda p: p.cost)
    if len(line) > 1:
        canvas.polyline([(x(p.cost), y(p.service)) for p in line], stroke=BLUE)
    if fills:
        level = y(max(fills))
        canvas.line(LEFT, level, WIDTH - RIGHT, level, stroke=BLACK, dash="4 2", width=0.8)
    if prescription.today_point is not None and prescription.today_point.service is not None:
        t = prescription.today_point
        canvas.circle(x(t.cost), y(t.service), 4.5, fill="#ffffff", stroke=BLACK, width=1.4)
    if prescription.plan_point is not None and prescription.plan_point.service is not None:
        p = prescription.plan_point
        canvas.circle(x(p.cost), y(p.service), 4.5, fill=VERMILLION, stroke=BLACK, width=0.8)
    legend(canvas, LEFT, 14, [("line", BLUE, 1.0, "frontier"), ("box", GREY, 1.0, "plans tried"),
                              ("box", VERMILLION, 1.0, "plan found"),
                              ("box", "#ffffff", 1.0, "today (open circle)")]
           + ([("dash", BLACK, 1.0, "fill-rate target")] if fills else []))
    alt = (f"Expected cost against service of the {len(points)} plans tried; the plan found "
           f"costs {prescription.plan_point.cost:,.2f}" if prescription.plan_point else
           f"Expected cost against service of the {len(points)} plans tried")
    return Chart("frontier", alt, canvas.svg("Cost against service frontier"))
