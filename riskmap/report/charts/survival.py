"""The TTS/TTR chart: time to survive against time to recover, per supplier and per region."""

from __future__ import annotations

import math
from typing import Iterable, Optional

from riskmap.analysis.risk_map import Exposure
from riskmap.report.charts.svg import (BAR_LIMIT, BLUE, VERMILLION, Chart, new_figure, render,
                                       short, styled)
from riskmap.report.content import Report
from riskmap.report.views.exposures import supplier_exposures


def survival_rows(exposures: Iterable[Optional[Exposure]]) -> list[Exposure]:
    """The exposures with a known TTR, tightest TTS − TTR first (unbounded TTS last), then id."""
    rows = [e for e in exposures if e is not None and e.ttr is not None]
    return sorted(rows, key=lambda e: (math.inf if e.tts_minus_ttr is None else e.tts_minus_ttr,
                                       e.id))


@styled
def survival_chart(report: Report) -> Optional[Chart]:
    """Paired bars per supplier (and region): TTS in blue, TTR in vermillion.

    Where TTS < TTR the supplier's label is marked ``at risk``; an unbounded
    TTS is drawn to the right edge with an arrow and ``∞``.
    """
    panels = [("suppliers", survival_rows(supplier_exposures(report).values())),
              ("regions", survival_rows(report.regions.values()))]
    panels = [(title, rows[:BAR_LIMIT]) for title, rows in panels if rows]
    if not panels:
        return None
    heights = [0.32 * len(rows) + 0.9 for _, rows in panels]
    fig = new_figure(8.0, sum(heights) + 0.4)
    axes = fig.subplots(len(panels), 1, squeeze=False,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    finite = [v for _, rows in panels for e in rows for v in (e.tts, e.ttr) if v is not None]
    limit = 1.15 * max(finite + [1.0])
    for ax, (title, rows) in zip(axes, panels):
        _panel(ax, title, rows, limit)
    axes[-1].set_xlabel(f"time ({report.time_unit}s)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper right", ncol=2,
               frameon=False)
    at_risk = [e.id for _, rows in panels for e in rows if e.at_risk]
    alt = ("Time to survive against time to recover; at risk (TTS < TTR): "
           + (", ".join(at_risk) if at_risk else "none"))
    return render(fig, "tts-ttr", alt)


def _panel(ax, title: str, rows: list[Exposure], limit: float) -> None:
    ys = list(range(len(rows)))[::-1]
    height = 0.38
    for y, exposure in zip(ys, rows):
        tts = exposure.tts
        ax.barh(y + height / 2, limit if tts is None else tts, height=height, color=BLUE,
                hatch="//" if tts is None else None, edgecolor="white" if tts is None else None,
                label="time to survive (TTS)" if y == ys[0] else None)
        ax.barh(y - height / 2, exposure.ttr, height=height, color=VERMILLION,
                label="time to recover (TTR)" if y == ys[0] else None)
        if tts is None:  # an exposure without TTS is unbounded: demand is met for ever
            ax.text(limit * 0.99, y + height / 2, "∞ →", ha="right",
                    va="center", color="white", fontsize=8, fontweight="bold")
    labels = [f"{short(e.id, 24)}  AT RISK" if e.at_risk else short(e.id, 24) for e in rows]
    ax.set_yticks(ys, labels)
    for tick, exposure in zip(ax.get_yticklabels(), rows):
        if exposure.at_risk:
            tick.set_color(VERMILLION)
            tick.set_fontweight("bold")
    ax.set_xlim(0, limit)
    ax.set_title(title, loc="left")
    ax.grid(axis="y", visible=False)
