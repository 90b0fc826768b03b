"""The palette of every chart, the :class:`Chart` record, and labels made safe for SVG.

* One palette: the Okabe–Ito colour-blind-safe colours (Okabe & Ito 2008,
  "Color Universal Design") and the perceptually uniform, colour-blind-safe
  ``cividis`` map for continuous scales (:data:`riskmap.report.charts.canvas.CIVIDIS`),
  8–10 pt DejaVu Sans.
* Every chart is written as SVG text by :mod:`riskmap.report.charts.canvas`:
  byte-identical for the same report (no dates, no hashed ids, numbers with
  two decimals at most), drawn in milliseconds. riskmap's charts were drawn
  with matplotlib until that cost seconds per report (docs/performance.md,
  "Report charts").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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

#: rows in one bar chart before the rest are left out (the tables list all).
BAR_LIMIT = 60

@dataclass(frozen=True)
class Chart:
    """A rendered chart: a file-name stem, a text alternative and the SVG document."""

    name: str
    alt: str
    svg: str

    @property
    def inline_svg(self) -> str:
        """The ``<svg>`` element alone, for HTML, its element ids prefixed with the chart name.

        The charts riskmap writes have no ids; should one ever have some
        (a gradient, a clip path), ids repeated between the charts of one
        HTML page are kept apart: each is prefixed, and every ``#id``
        reference with it.
        """
        start = self.svg.find("<svg")
        text = self.svg[start:] if start >= 0 else self.svg
        prefix = f"{self.name}-"
        text = _ID.sub(lambda m: f'{m.group(1)}="{prefix}{m.group(2)}"', text)
        return _REF.sub(lambda m: f"{m.group(1)}#{prefix}{m.group(2)}", text)


#: an element id, and a reference to one (``url(#x)``, ``href="#x"``).
_ID = re.compile(r'\b(id)="([^"]+)"')
_REF = re.compile(r'(url\(|href=")#([^)"]+)')


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
