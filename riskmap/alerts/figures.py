"""An alert rule's figures across replications: what report.json's ``alerts`` holds.

:func:`alert_figures` estimates each statistic of
:data:`riskmap.stats.ALERT_STATISTICS` on the rule's per-replication outcomes
(mean and Student t interval over the replications where it is defined, like
the products' figures) and adds the suggested threshold
(:func:`riskmap.alerts.suggest.suggest_thresholds`). :class:`AlertFigures` is
the record the report keeps, written by :meth:`AlertFigures.to_dict` and read
back by :meth:`AlertFigures.from_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

from riskmap.alerts.measures import RulePlan
from riskmap.alerts.suggest import Suggestion, suggest_thresholds
from riskmap.sim.results import AlertOutcome
from riskmap.stats import ALERT_STATISTICS, Estimate, rounded

#: the figures of an entry, in report order.
FIGURES = tuple(stat.name for stat in ALERT_STATISTICS)


@dataclass(frozen=True)
class AlertFigures:
    """One rule in a report: as written, its window, and its estimates across replications.

    ``figures`` maps each name of :data:`FIGURES` to its (rounded)
    :class:`~riskmap.stats.Estimate`; ``suggestion`` is ``None`` in a report
    that does not carry one.
    """

    id: str
    item: str
    measure: str
    below: float
    window: Optional[float]
    lead_time: Optional[float]
    figures: dict[str, Estimate] = field(default_factory=dict)
    suggestion: Optional[Suggestion] = None

    @property
    def suggested_below(self) -> Optional[float]:
        """The suggested threshold (``None``: none qualifies, or the report has no suggestion)."""
        return None if self.suggestion is None else self.suggestion.below

    def to_dict(self) -> dict:
        """The entry of report.json's ``alerts`` (read back by :meth:`from_dict`)."""
        out = {"id": self.id, "item": self.item, "measure": self.measure, "below": self.below,
               "window": self.window, "lead_time": self.lead_time,
               "suggested_below": self.suggested_below}
        out.update({name: estimate.to_dict() for name, estimate in self.figures.items()})
        if self.suggestion is not None:
            out["suggestion"] = self.suggestion.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "AlertFigures":
        """The entry of report.json's ``alerts``; raises ``ValueError``/``KeyError`` when malformed."""
        if not isinstance(data, dict):
            raise ValueError("expected an object")
        figures = {name: Estimate.from_dict(data[name]) for name in FIGURES if name in data}
        suggestion = data.get("suggestion")
        return cls(id=str(data["id"]), item=str(data["item"]),
                   measure=str(data.get("measure") or "on_hand"), below=data.get("below"),
                   window=data.get("window"), lead_time=data.get("lead_time"), figures=figures,
                   suggestion=(Suggestion.from_dict(str(data["id"]), suggestion)
                               if isinstance(suggestion, dict) else None))


def alert_figures(plans: Sequence[RulePlan], outcomes: Mapping[str, Sequence[AlertOutcome]],
                  time_unit: str) -> tuple[AlertFigures, ...]:
    """Every rule's figures, in the order of ``plans`` (the scenario's order).

    Parameters
    ----------
    plans : sequence of RulePlan
        The scenario's rules.
    outcomes : mapping of str to sequence of AlertOutcome
        Each rule's outcome per replication, in replication order.
    time_unit : str
        The network's time unit, for the units of the estimates.
    """
    suggestions = suggest_thresholds(plans, outcomes)
    out = []
    for plan in plans:
        rows = outcomes.get(plan.id, ())
        figures = {stat.name: stat.estimate([stat.value(o) for o in rows], time_unit).rounded()
                   for stat in ALERT_STATISTICS}
        alert = plan.alert
        out.append(AlertFigures(id=alert.id, item=alert.item, measure=alert.measure,
                                below=alert.below, window=rounded(plan.window),
                                lead_time=rounded(plan.lead_time), figures=figures,
                                suggestion=suggestions[plan.id]))
    return tuple(out)
