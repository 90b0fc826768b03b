"""The style of every chart and its deterministic SVG rendering.

* One style (:data:`STYLE`): the Okabe–Ito colour-blind-safe palette (Okabe &
  Ito 2008, "Color Universal Design"), the perceptually uniform,
  colour-blind-safe ``cividis`` map for continuous scales, 9–10 pt fonts.
* Figures are :class:`matplotlib.figure.Figure` objects (:func:`new_figure`)
  rendered by the SVG backend's canvas directly (:func:`render`): pyplot and
  its global figure registry are never used, and the style is applied through
  :func:`matplotlib.rc_context`, which restores the caller's settings on exit.
* Byte-identical output for the same report: a fixed ``svg.hashsalt`` per
  chart (so element ids differ between charts embedded in one page), no
  ``Date`` in the metadata, hashed ids numbered in order (:func:`stable_ids`),
  text kept as ``<text>`` elements.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from riskmap.escape import terminal

#: Okabe–Ito palette.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"
LIGHT_GREY = "#EEEEEE"

#: continuous colour map for REI and backorder probability.
COLORMAP = "cividis"

#: rows in one bar chart before the rest are left out (the tables list all).
BAR_LIMIT = 60

#: matplotlib settings of every chart, applied inside :func:`matplotlib.rc_context`.
STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(
        color=[BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY_BLUE, YELLOW, BLACK]),
    # labels are user strings: "$" is a dollar sign, never the start of mathtext
    "text.parse_math": False,
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "figure.dpi": 100,
}


@dataclass(frozen=True)
class Chart:
    """A rendered chart: a file-name stem, a text alternative and the SVG document."""

    name: str
    alt: str
    svg: str

    @property
    def inline_svg(self) -> str:
        """The ``<svg>`` element alone, for HTML, its element ids prefixed with the chart name.

        matplotlib numbers its groups ``figure_1``, ``axes_1``... in every
        document; in one HTML page those ids would repeat, so each is
        prefixed (and every ``#id`` reference with it).
        """
        start = self.svg.find("<svg")
        text = self.svg[start:] if start >= 0 else self.svg
        prefix = f"{self.name}-"
        text = _ID.sub(lambda m: f'{m.group(1)}="{prefix}{m.group(2)}"', text)
        return _REF.sub(lambda m: f"{m.group(1)}#{prefix}{m.group(2)}", text)


#: an element id, and a reference to one (``url(#x)``, ``href="#x"``).
_ID = re.compile(r'\b(id)="([^"]+)"')
_REF = re.compile(r'(url\(|href=")#([^)"]+)')


def render(fig: Figure, name: str, alt: str) -> Chart:
    """Serialise ``fig`` to deterministic SVG text; ``name`` also salts its hashed ids."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": f"riskmap-{name}"}):
        canvas = FigureCanvasSVG(fig)
        dpi = fig.dpi
        _fix_layout(fig)
        # laying out prints to a throw-away renderer, which leaves the figure
        # at the SVG backend's 72 dpi; raster parts (colour bars) use the
        # figure's dpi, as savefig() would
        fig.dpi = dpi
        # savefig() would draw the figure once more without output before the
        # real draw; with the layout fixed that pass is not needed. (A "tight"
        # bounding box would add another: constrained layout already fits
        # labels inside the figure.)
        canvas.print_svg(buffer, metadata={"Date": None})
    return Chart(name=name, alt=alt, svg=stable_ids(buffer.getvalue()))


def _fix_layout(fig: Figure) -> None:
    """Run the figure's layout engine once, then freeze the positions it chose.

    A figure with a layout engine is laid out at every draw, and ``savefig``
    draws it twice (once without output, once for real). Laying it out here
    once and freezing the result lets :func:`render` draw it once. The SVG is
    byte-identical to ``savefig``'s (docs/performance.md, "Report charts").
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        # "none" keeps the positions just computed and stops re-layout
        fig.set_layout_engine("none")


#: ids matplotlib derives from a hash of their content: clip paths (``p``),
#: markers (``m``) and hatches (``h``), ten hexadecimal digits.
_HASHED_ID = re.compile(r"\b([pmh])([0-9a-f]{10})\b")


def stable_ids(svg: str) -> str:
    """Number matplotlib's hashed ids in order of first appearance.

    Those ids hash the full-precision geometry, whose last bits can vary
    with ``PYTHONHASHSEED`` (layout iterates over sets), although the
    coordinates written with six decimals do not; numbering them makes the
    file depend only on what it draws.
    """
    defined = {m.group(1) for m in re.finditer(r'\bid="([^"]+)"', svg)}
    numbers: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        token = match.group(0)
        if token not in defined:
            return token
        if token not in numbers:
            numbers[token] = f"{match.group(1)}{len(numbers) + 1:04d}"
        return numbers[token]

    return _HASHED_ID.sub(renumber, svg)


def new_figure(width: float, height: float) -> Figure:
    """A figure in the report style (the style is applied at creation and at rendering)."""
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), layout="constrained")


def styled(draw):
    """Run a chart function with :data:`STYLE` active, so the axes it makes pick it up."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)
    return wrapper


def short(text: str, width: int = 28) -> str:
    """A label of a chart: ``text`` cut to ``width`` characters, an ellipsis marking the cut.

    Control and bidi characters are shown as escapes first
    (:func:`riskmap.escape.terminal`): the font has no glyph for them, and
    the SVG file, an XML document, could not hold most of them.

    >>> short("a-rather-long-supplier-name", 10), short("a\\x1bb")
    ('a-rather-…', 'a\\\\x1bb')
    """
    text = terminal(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def file_safe(text: str) -> str:
    """``text`` as a file-name stem: letters, digits, ``-``, ``_`` and ``.`` only.

    >>> file_safe("e-bike/city 2"), file_safe("..")
    ('e-bike-city-2', 'item')
    """
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in text)
    return safe.strip(".-") or "item"
