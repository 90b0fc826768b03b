"""Low-stock alerts: rules scored on the simulated runs, and the thresholds they could have.

* :mod:`~riskmap.alerts.measures`: what a rule watches and over which window
  (the measure, the item's replenishment lead time and demand rate, the
  candidate thresholds), fixed once per run as a :class:`RulePlan`;
* :mod:`~riskmap.alerts.scoring`: one replication's warnings and backorder
  episodes, and the rule's :class:`~riskmap.sim.results.AlertOutcome`;
* :mod:`~riskmap.alerts.suggest`: the highest threshold with few false alarms
  that warns in time, from the outcomes of every replication;
* :mod:`~riskmap.alerts.figures`: the estimates across replications that
  report.json and the reports show (:class:`AlertFigures`).

docs/alerts.md states every definition.
"""

from riskmap.alerts.figures import AlertFigures, alert_figures
from riskmap.alerts.measures import RulePlan, rule_plans
from riskmap.alerts.scoring import score_replication
from riskmap.alerts.suggest import Suggestion, suggest_thresholds

__all__ = ["AlertFigures", "RulePlan", "Suggestion", "alert_figures", "rule_plans",
           "score_replication", "suggest_thresholds"]
