"""The fit page: per product, weekly sales against the fitted demand, and the backtest.

One self-contained HTML file (inline SVG and CSS, no script, nothing loaded from
anywhere), the same bytes for the same fits. Each product gets a chart drawn on
:class:`riskmap.report.charts.canvas.Canvas` (which escapes its text): the weekly
units sold (grey bars), the weekly units the fitted demand expects (a blue line:
the rate written times each day's seasonal factor times the mean drawn order
size), and the backtest window shaded with its forecast (an orange line), then
the lines of :meth:`~riskmap.history.demand.DemandFit.describe`. User strings
(the title, product ids) are escaped with :func:`riskmap.escape.xml` and
:func:`html.escape`.
"""

from __future__ import annotations

import html
from typing import Mapping

from riskmap.escape import xml
from riskmap.history.demand import DemandFit
from riskmap.report.charts.canvas import (Canvas, Scale, legend, nice_ticks, x_axis, y_axis)
from riskmap.report.charts.svg import BLUE, GREY, LIGHT_GREY, ORANGE

WIDTH, HEIGHT = 640.0, 260.0
LEFT, RIGHT, TOP, BOTTOM = 60.0, 20.0, 30.0, 50.0

_STYLE = ("body{font-family:DejaVu Sans,Arial,sans-serif;max-width:700px;margin:2em auto;"
          "color:#1a1a1a}h2{font-size:1.1em;margin-top:2em}svg{max-width:100%;height:auto}"
          "pre{white-space:pre-wrap;font-size:0.85em;background:#f6f6f6;padding:0.6em}")


def fit_page(fits: Mapping[str, DemandFit], title: str) -> str:
    """The HTML page of the fits, products in id order.

    Parameters
    ----------
    fits : mapping of product id to DemandFit
        The fitted products.
    title : str
        The page's title and heading.
    """
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{_text(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
             f"<h1>{_text(title)}</h1>",
             "<p>Weekly units sold (bars) against the units the fitted demand expects "
             "(blue line); the shaded weeks are the backtest, forecast (orange line) by a fit on the "
             "weeks before them.</p>"]
    for product in sorted(fits):
        fit = fits[product]
        parts.append(f"<h2>{_text(product)}</h2>")
        parts.append(_chart(fit, product))
        parts.append("<pre>" + "\n".join(_text(line) for line in fit.describe()) + "</pre>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _text(value: str) -> str:
    """A user string as HTML text or attribute value."""
    return html.escape(xml(value), quote=True)


def _chart(fit: DemandFit, product: str) -> str:
    """The inline ``<svg>`` of one product's weeks."""
    sold = list(fit.weekly_units)
    fitted = list(fit.fitted_weekly_units)
    weeks = len(sold)
    canvas = Canvas(WIDTH, HEIGHT)
    if not weeks:
        canvas.text(WIDTH / 2, HEIGHT / 2, "less than a week of history", anchor="middle")
        return _inline(canvas, product)
    backtest = fit.backtest
    forecast = list(backtest.forecast) if backtest else []
    top = max(sold + fitted + forecast + [1.0])
    ticks = nice_ticks(0.0, top)
    y = Scale(0.0, ticks[-1], HEIGHT - BOTTOM, TOP)
    x = Scale(0.0, float(weeks), LEFT, WIDTH - RIGHT)
    if forecast:
        start = weeks - len(forecast)
        canvas.rect(x(start), TOP, x(weeks) - x(start), HEIGHT - BOTTOM - TOP, fill=LIGHT_GREY)
    y_axis(canvas, y, ticks, LEFT, WIDTH - RIGHT, "units a week")
    x_axis(canvas, x, [t for t in nice_ticks(0.0, float(weeks)) if t <= weeks], TOP,
           HEIGHT - BOTTOM,
           f"weeks from the first whole week (last week ends {fit.last.isoformat()})",
           grid=False)
    bar = (x(1) - x(0)) * 0.8
    for k, units in enumerate(sold):
        canvas.rect(x(k + 0.1), y(units), bar, y(0) - y(units), fill=GREY)
    canvas.polyline([(x(k + 0.5), y(u)) for k, u in enumerate(fitted)], stroke=BLUE)
    if forecast:
        start = weeks - len(forecast)
        points = [(x(start + k + 0.5), y(u)) for k, u in enumerate(forecast)]
        canvas.polyline(points, stroke=ORANGE, width=1.6)
    legend(canvas, LEFT, 14, [("box", GREY, 1.0, "units sold"),
                              ("line", BLUE, 1.0, "fitted demand"),
                              ("line", ORANGE, 1.0, "backtest forecast")])
    return _inline(canvas, product)


def _inline(canvas: Canvas, product: str) -> str:
    """The canvas's ``<svg>`` element, without the XML prolog of a file."""
    text = canvas.svg(f"weekly units of {product}")
    return text[text.find("<svg"):].rstrip("\n")
