"""``riskmap optimize``: least-cost stock levels that keep the service targets under disruption.

* :mod:`riskmap.optimize.space`: the searched parameters of each policy type, plans, the analytic start;
* :mod:`riskmap.optimize.targets`: the service targets and when they hold;
* :mod:`riskmap.optimize.evaluation`: a candidate plan simulated on common random numbers, the journal;
* :mod:`riskmap.optimize.search`: greedy marginal allocation, then compass search;
* :mod:`riskmap.optimize.verify`: the plan simulated again on fresh seeds;
* :mod:`riskmap.optimize.record`: the :class:`Prescription`, optimize.json and optimized.yaml;
* :mod:`riskmap.optimize.optimizer`: :func:`optimize`, all of it in order.
"""

from riskmap.optimize.optimizer import DEFAULT_BUDGET, Settings, optimize
from riskmap.optimize.record import Prescription
from riskmap.optimize.targets import Target, expect_targets, parse_targets

__all__ = ["DEFAULT_BUDGET", "Prescription", "Settings", "Target", "expect_targets", "optimize",
           "parse_targets"]
