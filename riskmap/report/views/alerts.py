"""The alert rules in words: how each warned, how early, how often for nothing, what it could be.

The figures are the report's :class:`~riskmap.alerts.figures.AlertFigures`
(estimated once from the runs, :func:`riskmap.alerts.alert_figures`); this
module only formats them, in the scenario's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from riskmap.alerts.figures import AlertFigures
from riskmap.report.content import Report
from riskmap.report.text import MISSING, number, percent
from riskmap.report.views.products import estimate_text

#: how each measure reads in the tables.
MEASURE_WORDS = {"on_hand": "on hand", "position": "inventory position",
                 "days_of_cover": "days of cover"}


@dataclass(frozen=True)
class AlertRow:
    """One rule of the alerts table, as text."""

    id: str
    item: str
    rule: str
    window: str
    episodes: str
    warned_share: str
    warning_lead_time: str
    false_alarms_per_year: str
    suggested: str


def _level(value: Optional[float], measure: str, time_unit: str) -> str:
    if value is None:
        return MISSING
    text = number(value, 2) if measure == "days_of_cover" else number(value, 0)
    return f"{text} {time_unit}s" if measure == "days_of_cover" else text


def suggestion_text(alert: AlertFigures, time_unit: str) -> str:
    """``below 120 (0.4 false alarms / year, 90% warned 14 days ahead)`` or why there is none."""
    s = alert.suggestion
    if s is None:
        return MISSING
    if s.below is None:
        return (f"none: no threshold gives at most {number(s.max_false_alarms_per_year)} false "
                f"alarm(s) / year and warns {percent(s.min_in_time_share)} of episodes "
                f"{number(s.lead_time)} {time_unit}s ahead")
    return (f"below {_level(s.below, alert.measure, time_unit)} "
            f"({number(s.false_alarms_per_year)} false alarms / year, "
            f"{percent(s.in_time_share)} warned {number(s.lead_time)} {time_unit}s ahead)")


def alert_rows(report: Report) -> list[AlertRow]:
    """Every rule of the report, in the scenario's order; empty without alerts."""
    unit = report.time_unit
    rows = []
    for alert in report.alerts:
        figures = alert.figures
        rows.append(AlertRow(
            id=alert.id, item=alert.item,
            rule=f"{MEASURE_WORDS.get(alert.measure, alert.measure)} below "
                 f"{_level(alert.below, alert.measure, unit)}",
            window=MISSING if alert.window is None else f"{number(alert.window)} {unit}s",
            episodes=estimate_text(figures.get("episodes"), digits=1),
            warned_share=estimate_text(figures.get("warned_share"), as_percent=True),
            warning_lead_time=estimate_text(figures.get("warning_lead_time")),
            false_alarms_per_year=estimate_text(figures.get("false_alarms_per_year")),
            suggested=suggestion_text(alert, unit)))
    return rows
