"""Counterfactual options: what each alternate, candidate, stock or what-if is worth.

The modules follow the evaluation (docs/counterfactuals.md):

* :mod:`~riskmap.options.variants`: changed copies of a scenario;
* :mod:`~riskmap.options.exposure`: what can stop, what fails together, why;
* :mod:`~riskmap.options.plan`: the arms to run (:func:`plan_arms`, :class:`Plan`);
* :mod:`~riskmap.options.effects`: paired effects of two runs;
* :mod:`~riskmap.options.evaluation`: running the arms, building the rows (:func:`evaluate`);
* :mod:`~riskmap.options.tables`: the typed rows and :class:`OptionTables`.
"""

from riskmap.options.evaluation import evaluate
from riskmap.options.plan import Plan, plan_arms
from riskmap.options.tables import OptionTables

__all__ = ["OptionTables", "Plan", "evaluate", "plan_arms"]
