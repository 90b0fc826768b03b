"""The threshold a rule could have: the highest that stays quiet and still warns in time.

:func:`suggest_thresholds` reads what every replication recorded once
(:class:`~riskmap.sim.results.AlertOutcome`: per candidate threshold, the
false alarms and the episodes warned at least the replenishment lead time
ahead), so no threshold is simulated again. For each rule it pools the
replications:

* false alarms per year at a threshold = its false alarms over every
  replication / their judged time, in years;
* its in-time share = episodes warned of at least the item's replenishment
  lead time ahead / episodes, over every replication;

and suggests the highest candidate threshold whose false alarms per year are
at most ``max_false_alarms_per_year`` (default 1) and whose in-time share is
at least ``min_in_time_share`` (default 0.8). A threshold warns of an
episode only within the rule's window, so one lead time ahead needs a window
of at least the lead time (the default window is twice it). No suggestion
(``below`` ``None``) when no candidate meets both, when no replication had
an episode to warn of, or when no time could be judged for false alarms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from riskmap.alerts.measures import RulePlan
from riskmap.sim.results import AlertOutcome
from riskmap.stats import rounded

#: the default bound on false alarms per year of a suggested threshold.
MAX_FALSE_ALARMS_PER_YEAR = 1.0
#: the default share of episodes a suggested threshold warns of a lead time ahead.
MIN_IN_TIME_SHARE = 0.8


@dataclass(frozen=True)
class Suggestion:
    """The threshold suggested for one rule, and how it does.

    Attributes
    ----------
    alert : str
        The rule's id.
    below : float or None
        The suggested threshold, in the rule's measure; ``None`` when none qualifies.
    false_alarms_per_year : float or None
        At ``below``, pooled over replications (``None`` without a suggestion).
    in_time_share : float or None
        At ``below``: the share of episodes warned at least ``lead_time`` ahead.
    lead_time : float
        The item's replenishment lead time, the warning ahead asked for.
    max_false_alarms_per_year, min_in_time_share : float
        The bounds it was chosen with.
    """

    alert: str
    below: Optional[float]
    false_alarms_per_year: Optional[float]
    in_time_share: Optional[float]
    lead_time: float
    max_false_alarms_per_year: float = MAX_FALSE_ALARMS_PER_YEAR
    min_in_time_share: float = MIN_IN_TIME_SHARE

    def to_dict(self) -> dict:
        """The ``suggestion`` object of a report.json ``alerts`` entry."""
        return {"below": self.below, "false_alarms_per_year": self.false_alarms_per_year,
                "in_time_share": self.in_time_share, "lead_time": self.lead_time,
                "max_false_alarms_per_year": self.max_false_alarms_per_year,
                "min_in_time_share": self.min_in_time_share}

    @classmethod
    def from_dict(cls, alert: str, data: dict) -> "Suggestion":
        """The suggestion of rule ``alert`` from its report form; ``ValueError`` when malformed."""
        def number(key):
            value = data.get(key)
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, (int, float))):
                raise ValueError(f"{key}: expected a number or null")
            return value
        def bound(key, default):
            value = number(key)
            return float(default if value is None else value)

        return cls(alert, number("below"), number("false_alarms_per_year"),
                   number("in_time_share"), bound("lead_time", 0.0),
                   bound("max_false_alarms_per_year", MAX_FALSE_ALARMS_PER_YEAR),
                   bound("min_in_time_share", MIN_IN_TIME_SHARE))


def suggest_thresholds(plans: Sequence[RulePlan],
                       outcomes: Mapping[str, Sequence[AlertOutcome]], *,
                       max_false_alarms_per_year: float = MAX_FALSE_ALARMS_PER_YEAR,
                       min_in_time_share: float = MIN_IN_TIME_SHARE) -> dict[str, Suggestion]:
    """The suggested threshold of each rule, by rule id (see the module docstring).

    Parameters
    ----------
    plans : sequence of RulePlan
        The rules (:func:`riskmap.alerts.measures.rule_plans`).
    outcomes : mapping of str to sequence of AlertOutcome
        Each rule's outcome in every replication, by rule id.
    max_false_alarms_per_year : float
        The most false alarms per year a suggested threshold may give.
    min_in_time_share : float
        The least share of episodes it must warn of a lead time ahead.

    Returns
    -------
    dict of str to Suggestion

    Examples
    --------
    From a Monte Carlo run of a scenario with ``alerts:``:

    >>> summary = run_scenario(scenario, replications=50)  # doctest: +SKIP
    >>> suggest_thresholds(summary.samples.layout.alerts, summary.samples.alerts,
    ...                    max_false_alarms_per_year=2.0)  # doctest: +SKIP
    {'display-units': Suggestion(alert='display-units', below=1083.0, ...)}
    """
    out = {}
    for plan in plans:
        rows = outcomes.get(plan.id, ())
        episodes = sum(o.episodes for o in rows)
        judged_years = sum(o.judged_time for o in rows) / plan.year
        pick = None
        if episodes and judged_years > 0:
            for k, level in enumerate(plan.levels):
                false = sum(o.false_alarms_by_level[k] for o in rows) / judged_years
                in_time = sum(o.in_time_by_level[k] for o in rows) / episodes
                if false <= max_false_alarms_per_year and in_time >= min_in_time_share:
                    pick = (level, false, in_time)  # levels rise: the last one kept is highest
        below, false, in_time = pick if pick is not None else (None, None, None)
        out[plan.id] = Suggestion(plan.id, below, rounded(false), rounded(in_time),
                                  rounded(plan.lead_time), max_false_alarms_per_year,
                                  min_in_time_share)
    return out
