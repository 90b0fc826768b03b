"""Evaluating a scenario's ``expect:`` plan against the typed report of its run.

Pure functions: a :class:`~riskmap.report.content.Report` and an
:class:`~riskmap.model.Expectation` go in, an
:class:`~riskmap.plans.verdicts.Outcome` comes out. The figure is read by
:mod:`riskmap.plans.figures`, judged by :mod:`riskmap.plans.verdicts` and put
into words by :mod:`riskmap.plans.wording`. No files, no printing;
:mod:`riskmap.cli.check` does that.
"""

from __future__ import annotations

from typing import Iterable

from riskmap.model import Expectation
from riskmap.plans.figures import Unavailable, figures_across, read_figure
from riskmap.plans.verdicts import UNAVAILABLE, Outcome, judge
from riskmap.plans.wording import describe, unavailable_text
from riskmap.report.content import Report


def evaluate(report: Report, expectation: Expectation) -> Outcome:
    """Check one expectation against a report.

    Parameters
    ----------
    report : Report
        The report of the run (percentile intervals included).
    expectation : Expectation
        One line of the scenario's ``expect:``.

    Returns
    -------
    Outcome

    Examples
    --------
    >>> report = Report.from_dict({
    ...     "format": 1, "scenario": {"replications": 100},
    ...     "products": {"bike": {"fill_rate": {"mean": 0.95, "ci95": [0.93, 0.97]}}}})
    >>> evaluate(report, Expectation("product", "bike", "fill_rate", min=0.9)).status
    'met'
    >>> evaluate(report, Expectation("product", "bike", "fill_rate", min=0.96)).status
    'inconclusive'
    """
    try:
        figure = read_figure(report, expectation)
    except Unavailable as exc:
        return Outcome(expectation, UNAVAILABLE, None,
                       unavailable_text(expectation, exc.reason), reason=exc.reason)
    status, needed = judge(figure, expectation, report.scenario.replications,
                           figures_across(report, expectation))
    return Outcome(expectation, status, figure,
                   describe(expectation, figure, status, needed), needed)


def evaluate_all(report: Report, expectations: Iterable[Expectation]) -> tuple[Outcome, ...]:
    """:func:`evaluate` each expectation, in plan order.

    Parameters
    ----------
    report : Report
        The report of the run.
    expectations : iterable of Expectation
        The scenario's plan.

    Returns
    -------
    tuple of Outcome
    """
    return tuple(evaluate(report, e) for e in expectations)


__all__ = ["evaluate", "evaluate_all"]
