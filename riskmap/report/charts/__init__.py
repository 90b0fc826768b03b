"""Charts of a report, written as SVG text (:mod:`~riskmap.report.charts.canvas`).

Every chart is a function ``Report -> Optional[Chart]`` in a module of its
own that reads the typed :class:`~riskmap.report.content.Report` and returns
``None`` when the report holds no data for it (a renderer then writes one
sentence instead of a picture):

* :mod:`~riskmap.report.charts.risk_map`: the network by tier;
* :mod:`~riskmap.report.charts.survival`: time to survive against time to recover;
* :mod:`~riskmap.report.charts.matrix`: the supplier risk matrix (likelihood against impact);
* :mod:`~riskmap.report.charts.fans`: stock and backlog over time, per product;
* :mod:`~riskmap.report.charts.waits`: how long customers waited;
* :mod:`~riskmap.report.charts.alternates`: what each alternate source avoids.

:mod:`~riskmap.report.charts.svg` holds the palette and the :class:`Chart`
record, :mod:`~riskmap.report.charts.canvas` the SVG elements, scales and axes.
Legible with many items: bar charts grow in
height with the number of rows; fan charts are drawn for the
:data:`~riskmap.report.charts.fans.PRODUCT_CHART_LIMIT` riskiest products only
(the renderers say which were left out). docs/reports.md, "Adding a chart",
says how a new chart joins :func:`draw_all`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from riskmap.report.charts.alternates import alternates_chart
from riskmap.report.charts.fans import charted_products, fan_chart
from riskmap.report.charts.matrix import matrix_chart
from riskmap.report.charts.risk_map import risk_map_chart
from riskmap.report.charts.survival import survival_chart
from riskmap.report.charts.svg import Chart, file_safe
from riskmap.report.charts.waits import waits_chart
from riskmap.report.content import Report


@dataclass(frozen=True)
class Charts:
    """Every chart of a report; ``None`` where the report holds no data for it."""

    risk_map: Optional[Chart]
    survival: Optional[Chart]
    fans: dict[str, Chart]
    waits: Optional[Chart]
    alternates: Optional[Chart]
    matrix: Optional[Chart] = None

    def all(self) -> list[Chart]:
        """The charts that exist, in report order."""
        found = [self.risk_map, self.survival, self.matrix, *self.fans.values(), self.waits,
                 self.alternates]
        return [c for c in found if c is not None]


def draw_all(report: Report) -> Charts:
    """Draw every chart of ``report``, fan charts for :func:`.fans.charted_products` only.

    ``riskmap run`` and ``riskmap report`` render the Markdown and the HTML
    report of one :class:`Report` one after the other; the charts of the last
    two reports drawn are kept, so each is drawn once. A report is immutable
    once built, so the object itself is the key; the result depends on the
    report's content only.
    """
    return _draw_cached(_Key(report))


class _Key:
    """A report as a cache key: the object itself (a Report's dicts make it unhashable).

    The cache holds the key, hence the report: its id cannot be reused by
    another report while its charts are kept.
    """

    __slots__ = ("report",)

    def __init__(self, report: Report):
        self.report = report

    def __hash__(self) -> int:
        return id(self.report)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Key) and other.report is self.report


@functools.lru_cache(maxsize=2)
def _draw_cached(key: _Key) -> Charts:
    return _draw(key.report)


def _draw(report: Report) -> Charts:
    fans = {}
    for k, pid in enumerate(charted_products(report), start=1):
        # the rank keeps names unique when two ids map to the same file-safe text
        chart = fan_chart(report, pid, name=f"fan-{k:02d}-{file_safe(pid)}")
        if chart is not None:
            fans[pid] = chart
    return Charts(risk_map=risk_map_chart(report), survival=survival_chart(report), fans=fans,
                  waits=waits_chart(report), alternates=alternates_chart(report),
                  matrix=matrix_chart(report))
