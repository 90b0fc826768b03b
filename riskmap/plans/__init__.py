"""Checking a scenario's ``expect:`` plan against the typed report of its run.

* :mod:`riskmap.plans.figures`: the figure an expectation is about, read from
  a :class:`~riskmap.report.content.Report`;
* :mod:`riskmap.plans.verdicts`: statuses, and how a figure and bounds make one;
* :mod:`riskmap.plans.wording`: the words of a verdict;
* :mod:`riskmap.plans.evaluation`: :func:`evaluate`, the three together;
* :mod:`riskmap.plans.results`: the results of ``riskmap check`` as the
  terminal, JUnit XML and the Markdown summary show them.

The module docstrings of :mod:`~riskmap.plans.verdicts` and
:mod:`~riskmap.plans.figures` state the rules of a verdict (docs/ci.md
explains them to users).
"""

from riskmap.plans.evaluation import evaluate, evaluate_all
from riskmap.plans.figures import Unavailable, is_static, read_figure
from riskmap.plans.verdicts import (INCONCLUSIVE, MET, NOT_MET, STATUSES, UNAVAILABLE, Figure,
                                    Outcome, compare, judge, replications_to_settle)
from riskmap.plans.wording import (advice, bounds_text, describe, expectation_label,
                                   figure_text, metric_text, subject_text, unavailable_text)

__all__ = [
    "MET", "NOT_MET", "INCONCLUSIVE", "UNAVAILABLE", "STATUSES", "Figure", "Outcome",
    "Unavailable", "evaluate", "evaluate_all", "read_figure", "is_static", "compare", "judge",
    "replications_to_settle", "expectation_label", "subject_text", "metric_text",
    "bounds_text", "figure_text", "describe", "advice", "unavailable_text",
]
