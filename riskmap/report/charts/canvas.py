"""SVG drawn directly: a small canvas for the charts that need no plotting library.

Simple charts (bands over time, bars, boxes and lines) are written here as
SVG elements, without matplotlib: laying out and serialising a matplotlib
figure costs about a second per chart, writing the same picture as text a
few milliseconds (docs/performance.md, "Report charts").

Coordinates are points (1/72 inch), the origin top left; every number is
written with at most two decimals, so the text depends only on what is
drawn. Text goes through :func:`riskmap.report.charts.svg.short` (or
:func:`label`) and is XML-escaped here, so a user string cannot become
markup. No element has an id: several charts sit in one HTML page.
"""

from __future__ import annotations

import math
from typing import Iterable, Optional, Sequence
from xml.sax.saxutils import escape, quoteattr

from riskmap.escape import terminal

#: the font of every chart (as :data:`riskmap.report.charts.svg.STYLE` names it).
FONT = "DejaVu Sans, Arial, sans-serif"
#: the ``cividis`` colour map sampled at nine even steps (matplotlib's values).
CIVIDIS = ("#00224e", "#1a386f", "#434e6c", "#61656f", "#7d7c78", "#9b9476", "#bcae6c",
           "#dec958", "#fee838")
INK = "#1a1a1a"
GRID = "#DDDDDD"


def fmt(value: float) -> str:
    """A coordinate as text: two decimals at most, no ``-0``.

    >>> fmt(1.0), fmt(2.345), fmt(-0.001)
    ('1', '2.35', '0')
    """
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cividis(share: float) -> str:
    """The colour of ``share`` (0 to 1) on the cividis map, as ``#rrggbb``, interpolated."""
    share = min(1.0, max(0.0, float(share)))
    position = share * (len(CIVIDIS) - 1)
    low = int(math.floor(position))
    high = min(low + 1, len(CIVIDIS) - 1)
    t = position - low
    a, b = _rgb(CIVIDIS[low]), _rgb(CIVIDIS[high])
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def label(text: str, width: int = 28) -> str:
    """A label cut to ``width`` characters (an ellipsis marks the cut), control characters shown
    as escapes."""
    text = terminal(str(text))
    return text if len(text) <= width else text[:width - 1] + "…"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]``: steps of 1, 2, 2.5 or 5 times a power of ten.

    >>> nice_ticks(0, 97)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    """
    if not high > low:
        high = low + 1.0
    raw = (high - low) / max(1, count)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step + 1e-9) * step
    ticks, value = [], start
    while value < high - 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    ticks.append(round(value, 10))
    return [float(t) + 0.0 for t in ticks]


def tick_text(value: float) -> str:
    """A tick label: whole numbers without decimals, thousands as ``k``, millions as ``M``.

    >>> tick_text(2500.0), tick_text(2.5), tick_text(3_000_000)
    ('2.5k', '2.5', '3M')
    """
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


class Scale:
    """A linear map from data values to canvas coordinates."""

    def __init__(self, low: float, high: float, start: float, end: float):
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


class Canvas:
    """An SVG document built element by element, written by :meth:`svg`."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.parts: list[str] = []

    def _add(self, tag: str, attrs: dict, body: Optional[str] = None) -> None:
        text = " ".join(f"{k.replace('_', '-')}={quoteattr(str(v))}" for k, v in attrs.items()
                        if v is not None)
        self.parts.append(f"<{tag} {text}/>" if body is None else f"<{tag} {text}>{body}</{tag}>")

    def rect(self, x: float, y: float, w: float, h: float, fill: str, opacity: float = None,
             stroke: str = None, stroke_width: float = None, rx: float = None) -> None:
        """A rectangle from its top-left corner."""
        self._add("rect", dict(x=fmt(x), y=fmt(y), width=fmt(max(0.0, w)),
                               height=fmt(max(0.0, h)), fill=fill, rx=rx and fmt(rx),
                               fill_opacity=opacity and fmt(opacity), stroke=stroke,
                               stroke_width=stroke_width and fmt(stroke_width)))

    def line(self, x0: float, y0: float, x1: float, y1: float, stroke: str = INK,
             width: float = 0.8, dash: Optional[str] = None, opacity: float = None) -> None:
        """A straight line."""
        self._add("line", dict(x1=fmt(x0), y1=fmt(y0), x2=fmt(x1), y2=fmt(y1), stroke=stroke,
                               stroke_width=fmt(width), stroke_dasharray=dash,
                               stroke_opacity=opacity and fmt(opacity)))

    def polyline(self, points: Iterable[tuple[float, float]], stroke: str,
                 width: float = 1.4) -> None:
        """An open line through ``points``."""
        self._add("polyline", dict(points=_points(points), fill="none", stroke=stroke,
                                   stroke_width=fmt(width), stroke_linejoin="round"))

    def polygon(self, points: Iterable[tuple[float, float]], fill: str,
                opacity: float = None) -> None:
        """A filled closed shape."""
        self._add("polygon", dict(points=_points(points), fill=fill,
                                  fill_opacity=opacity and fmt(opacity)))

    def circle(self, x: float, y: float, r: float, fill: str, stroke: str = INK,
               width: float = 0.6) -> None:
        """A circle by its centre."""
        self._add("circle", dict(cx=fmt(x), cy=fmt(y), r=fmt(r), fill=fill, stroke=stroke,
                                 stroke_width=fmt(width)))

    def text(self, x: float, y: float, text: str, size: float = 8, anchor: str = "start",
             fill: str = INK, bold: bool = False, rotate: bool = False,
             title: Optional[str] = None) -> None:
        """Text centred vertically on ``y``; ``rotate`` turns it to read bottom to top.

        ``title`` (full text, for a cut label) becomes a tooltip.
        """
        attrs = dict(x=fmt(x), y=fmt(y), font_size=fmt(size), text_anchor=anchor,
                     dominant_baseline="central", fill=fill,
                     font_weight="bold" if bold else None,
                     transform=f"rotate(-90 {fmt(x)} {fmt(y)})" if rotate else None)
        body = escape(text)
        if title is not None and title != text:
            body = f"<title>{escape(terminal(title))}</title>{body}"
        self._add("text", attrs, body)

    def svg(self, title: str) -> str:
        """The SVG document, ``title`` as its accessible name."""
        head = (f'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{fmt(self.width)}pt" '
                f'height="{fmt(self.height)}pt" viewBox="0 0 {fmt(self.width)} '
                f'{fmt(self.height)}" version="1.1" font-family="{FONT}">\n'
                f"<title>{escape(terminal(title))}</title>\n"
                f'<rect x="0" y="0" width="{fmt(self.width)}" height="{fmt(self.height)}" '
                f'fill="#ffffff"/>\n')
        return head + "\n".join(self.parts) + "\n</svg>\n"


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)


def y_axis(canvas: Canvas, scale: Scale, ticks: Sequence[float], left: float, right: float,
           title: str) -> None:
    """Horizontal grid lines and labels of a y axis, and its title turned on the left."""
    for tick in ticks:
        y = scale(tick)
        canvas.line(left, y, right, y, stroke=GRID, width=0.6)
        canvas.text(left - 4, y, tick_text(tick), size=8, anchor="end")
    middle = (scale(ticks[0]) + scale(ticks[-1])) / 2
    canvas.text(left - 40, middle, title, size=9, anchor="middle", rotate=True)


def x_axis(canvas: Canvas, scale: Scale, ticks: Sequence[float], top: float, bottom: float,
           title: Optional[str], grid: bool = True) -> None:
    """Vertical grid lines, the axis line and tick labels under ``bottom``, and the title."""
    for tick in ticks:
        x = scale(tick)
        if grid:
            canvas.line(x, top, x, bottom, stroke=GRID, width=0.6)
        canvas.line(x, bottom, x, bottom + 3, stroke=INK, width=0.8)
        canvas.text(x, bottom + 10, tick_text(tick), size=8, anchor="middle")
    canvas.line(scale(ticks[0]), bottom, scale(ticks[-1]), bottom, stroke=INK, width=0.8)
    if title:
        canvas.text((scale(ticks[0]) + scale(ticks[-1])) / 2, bottom + 24, title, size=9,
                    anchor="middle")


def legend(canvas: Canvas, x: float, y: float, entries: Sequence[tuple[str, str, float, str]]
           ) -> None:
    """A one-line legend from ``x`` to the right: ``(kind, colour, opacity, text)`` entries.

    ``kind`` is ``"box"`` (a filled swatch), ``"line"`` or ``"dash"``.
    """
    for kind, colour, opacity, text in entries:
        if kind == "box":
            canvas.rect(x, y - 4, 14, 8, fill=colour, opacity=opacity)
        else:
            canvas.line(x, y, x + 14, y, stroke=colour, width=1.4,
                        dash="4 2" if kind == "dash" else None)
        canvas.text(x + 18, y, text, size=8)
        x += 18 + 5.2 * len(text) + 14


#: height of one row of a row chart, and the width of its labels, in points.
ROW_HEIGHT, LABEL_WIDTH = 20.0, 150.0


class RowFrame:
    """The frame of a chart with one row per item: labels on the left, a value axis below.

    ``labels`` are ``(text, colour, bold)``; row ``k`` (from the top) is
    centred on :meth:`y`; :attr:`x` maps values to the canvas.
    """

    def __init__(self, canvas: Canvas, labels: Sequence[tuple[str, str, bool]], low: float,
                 high: float, top: float, title: str, row: float = ROW_HEIGHT):
        self.canvas, self.top, self.row = canvas, top, row
        self.bottom = top + row * len(labels)
        ticks = nice_ticks(low, high, 6)
        self.x = Scale(ticks[0], ticks[-1], LABEL_WIDTH, canvas.width - 16)
        for k, (text, colour, bold) in enumerate(labels):
            canvas.text(LABEL_WIDTH - 6, self.y(k), text, size=8, anchor="end", fill=colour,
                        bold=bold)
        x_axis(canvas, self.x, ticks, top, self.bottom, title)

    def y(self, k: int) -> float:
        """The centre of row ``k`` (0 is the top row)."""
        return self.top + (k + 0.5) * self.row

    @staticmethod
    def height(rows: int, top: float, row: float = ROW_HEIGHT) -> float:
        """The height of a canvas holding a frame of ``rows`` rows under ``top``."""
        return top + rows * row + 34
