"""The alternates chart: backorder units avoided per alternate source, with 95 % intervals."""

from __future__ import annotations

from typing import Optional

from riskmap.options.tables import AlternateRow
from riskmap.report.charts.svg import (BAR_LIMIT, BLACK, GREEN, Chart, new_figure, render, short,
                                       styled)
from riskmap.report.content import Report


def alternate_label(row: AlternateRow) -> str:
    """``supplier → part`` of one alternate lane."""
    return f"{row.supplier} → {row.part}"


@styled
def alternates_chart(report: Report) -> Optional[Chart]:
    """Backorder units avoided per alternate source, with 95 % confidence intervals, best first."""
    rows = list(report.options.alternates)[:BAR_LIMIT] if report.options is not None else []
    rows = [r for r in rows if r.effect.backorder_units_avoided.mean is not None]
    if not rows:
        return None
    fig = new_figure(8.0, 0.32 * len(rows) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(rows)))[::-1]
    means = [r.effect.backorder_units_avoided.mean for r in rows]
    ax.barh(ys, means, color=GREEN, height=0.6, xerr=_error_bars(rows, means), ecolor=BLACK,
            capsize=3)
    ax.axvline(0, color=BLACK, linewidth=0.8)
    ax.set_yticks(ys, [short(alternate_label(r), 36) for r in rows])
    ax.set_xlabel("backorder units avoided (units), mean and 95 % CI")
    ax.grid(axis="y", visible=False)
    return render(fig, "alternates", "Backorder units avoided by each alternate source")


def _error_bars(rows: list[AlternateRow], means: list[float]):
    lows, highs = [], []
    for row, mean in zip(rows, means):
        low, high = row.effect.backorder_units_avoided.ci95
        lows.append(max(0.0, mean - low) if low is not None else 0.0)
        highs.append(max(0.0, high - mean) if high is not None else 0.0)
    if not any(lows) and not any(highs):
        return None
    return [lows, highs]
