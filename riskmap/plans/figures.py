"""The figure an expectation is about, read from the typed report of a run.

The report is a :class:`riskmap.report.content.Report`: sampled figures are
the :class:`~riskmap.stats.Estimate` records of its products and suppliers,
static ones the supplier's :class:`~riskmap.analysis.risk_map.Exposure`. When
the report cannot give a figure, :class:`Unavailable` says why, as one of the
reasons below; :mod:`riskmap.plans.wording` puts it into words.

Figures
-------
* ``stat: mean`` (the default) reads ``mean`` and ``ci95`` of the metric.
* ``stat: p50 | p90 | p95`` reads the percentile across replications and,
  when present, its distribution-free interval ``p90_ci95``
  (:func:`riskmap.stats.quantiles.quantile_interval`, from the order
  statistics of the per-replication values); a bound that needs more
  replications to exist is +-infinity. A percentile without an interval in
  the report is treated as exact, and the outcome says so.
* Static figures (``tts``, ``ttr``, ``tts_minus_ttr``, ``pi``, ``rei`` of a
  supplier; ``single_points_of_failure``) come from the risk map, not from
  sampling: they are exact, whatever ``stat`` says, so they are met or not
  met, never inconclusive. An unbounded ``tts`` (``null`` with
  ``tts_unbounded: true``) is +infinity, and so is ``tts_minus_ttr`` then.
* ``single_points_of_failure`` (network) is the number of suppliers whose
  loss alone leaves at least one product without a source, across tiers
  (``suppliers.<id>.single_point_of_failure_for`` not empty). Regions are
  not counted: a region is a group of suppliers.
* An alert rule's figures (``alert: ID``) are sampled figures of its entry
  in the report's ``alerts`` (docs/alerts.md), read like a product's.
* ``worst_fill_rate`` (network) is the lowest fill rate among the products
  that had orders; the figure shown is the lowest product's, with its
  interval, and names it. How it is judged across the products is in
  :mod:`riskmap.plans.verdicts`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Mapping, Optional

from riskmap.analysis.risk_map import Exposure
from riskmap.model import Expectation
from riskmap.plans.verdicts import Figure
from riskmap.report.content import Report
from riskmap.stats import Estimate

#: supplier figures computed by the static risk map (exact, no interval).
STATIC_SUPPLIER_METRICS = ("tts", "ttr", "tts_minus_ttr", "pi", "rei")

# Why a figure is unavailable (``Unavailable.reason``).
#: the product or supplier has no entry in the report.
NO_RESULTS = "no results"
#: the report does not carry the metric (written by an older riskmap).
NOT_PRODUCED = "not produced"
#: a percentile of a metric that has none (a yes/no value per replication).
NO_PERCENTILE = "no percentile"
#: no replication defines the value.
UNDEFINED = "undefined"
#: a static supplier figure that needs a time to survive the report lacks.
NO_TTS = "no tts"
#: a static supplier figure that needs a time to recover the network lacks.
NO_TTR = "no ttr"
#: no product had orders, so there is no worst fill rate.
NO_ORDERS = "no orders"

#: every reason, for readers that word them.
REASONS = (NO_RESULTS, NOT_PRODUCED, NO_PERCENTILE, UNDEFINED, NO_TTS, NO_TTR, NO_ORDERS)


class Unavailable(Exception):
    """The report cannot give the figure; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def is_static(e: Expectation) -> bool:
    """Whether the figure comes from the static risk map (exact, ``stat`` ignored).

    >>> is_static(Expectation("supplier", "cellco", "tts", stat="p90"))
    True
    """
    if e.subject == "supplier":
        return e.metric in STATIC_SUPPLIER_METRICS
    return e.subject == "network" and e.metric == "single_points_of_failure"


def read_figure(report: Report, e: Expectation) -> Figure:
    """The figure ``e`` is about.

    Parameters
    ----------
    report : Report
        The report of the run.
    e : Expectation
        One line of the plan.

    Returns
    -------
    Figure

    Raises
    ------
    Unavailable
        When the report cannot give the figure.
    """
    if e.subject == "product":
        if e.id not in report.products:
            raise Unavailable(NO_RESULTS)
        return estimate_figure(report.products[e.id].get(e.metric), e)
    if e.subject == "supplier":
        if e.id not in report.suppliers:
            raise Unavailable(NO_RESULTS)
        figures = report.suppliers[e.id]
        if e.metric in STATIC_SUPPLIER_METRICS:
            return static_supplier_figure(figures.exposure, e.metric, report.time_unit)
        return estimate_figure(figures.estimates.get(e.metric), e)
    if e.subject == "alert":
        return alert_figure(report, e)
    if e.metric == "single_points_of_failure":
        return single_points_of_failure(report)
    if e.metric == "worst_fill_rate":
        return worst_fill_rate(fill_rates(report, e.stat))
    raise Unavailable(NOT_PRODUCED)


def figures_across(report: Report, e: Expectation) -> tuple[Figure, ...]:
    """What ``e`` is judged across: every product's fill rate for ``worst_fill_rate``.

    Returns
    -------
    tuple of Figure
        Empty for every other metric (judged on its one figure).
    """
    if e.subject == "network" and e.metric == "worst_fill_rate":
        return tuple(fill_rates(report, e.stat).values())
    return ()


def estimate_figure(estimate: Optional[Estimate], e: Expectation) -> Figure:
    """A sampled metric: ``mean`` with ``ci95``, or a percentile with its ``<stat>_ci95``.

    Parameters
    ----------
    estimate : Estimate or None
        The metric's estimate (``None`` when the report does not carry it).
    e : Expectation
        The metric and ``stat`` asked.

    Returns
    -------
    Figure

    Raises
    ------
    Unavailable
        When the metric is not in the report, has no such percentile, or is
        undefined in every replication.
    """
    if estimate is None:
        raise Unavailable(NOT_PRODUCED)
    if e.stat != "mean" and not estimate.has_percentiles:
        raise Unavailable(NO_PERCENTILE)
    value = getattr(estimate, e.stat)
    if value is None:
        raise Unavailable(UNDEFINED)
    unit = estimate.unit
    interval = estimate.ci95 if e.stat == "mean" else getattr(estimate, f"{e.stat}_ci95")
    if interval is None:
        note = f"no interval for {e.stat}: treated as exact"
        return Figure.exactly(float(value), unit, note)
    low, high = interval
    if e.stat == "mean" and (low is None or high is None):
        # fewer than two replications: no interval, so no claim either way
        return Figure(float(value), -math.inf, math.inf, False, unit,
                      "no confidence interval with fewer than 2 replications")
    low = -math.inf if low is None else float(low)
    high = math.inf if high is None else float(high)
    return Figure(float(value), low, high, False, unit)


def alert_figure(report: Report, e: Expectation) -> Figure:
    """A figure of an alert rule (``warned_share``, ``warning_lead_time``, ``false_alarms_per_year``).

    Read from the rule's entry of the report (``alerts``), like a product's
    sampled figure: the mean with ``ci95``, or a percentile with its interval.

    Raises
    ------
    Unavailable
        When the report has no entry for the rule, or the figure is undefined
        (no replication had an episode, say).
    """
    for alert in report.alerts:
        if alert.id == e.id:
            return estimate_figure(alert.figures.get(e.metric), e)
    raise Unavailable(NO_RESULTS)


def static_supplier_figure(exposure: Optional[Exposure], metric: str, time_unit: str) -> Figure:
    """TTS, TTR, TTS - TTR, PI or REI of the static risk map (exact).

    Parameters
    ----------
    exposure : Exposure or None
        The supplier's exposure (``None`` when the report has no risk map).
    metric : str
        One of :data:`STATIC_SUPPLIER_METRICS`.
    time_unit : str
        The network's time unit (``tts``, ``ttr`` and their difference are in it).

    Returns
    -------
    Figure

    Raises
    ------
    Unavailable
        When the exposure lacks the figure (a supplier without ``ttr``).
    """
    unbounded = exposure is not None and exposure.tts_unbounded
    if exposure is None:
        value = None
    elif metric == "tts":
        value = math.inf if unbounded else exposure.tts
    elif metric == "tts_minus_ttr":
        # the exposure leaves the margin undefined when TTS is unbounded: with a
        # known TTR it is +infinity
        value = math.inf if unbounded and exposure.ttr is not None else exposure.tts_minus_ttr
    else:
        value = getattr(exposure, metric)
    if value is None:
        raise Unavailable(NO_TTS if metric == "tts" else NO_TTR)
    unit = "" if metric in ("pi", "rei") else f"{time_unit}s"
    note = "TTS unbounded" if unbounded and metric in ("tts", "tts_minus_ttr") else ""
    return Figure.exactly(float(value), unit, note)


def single_points_of_failure(report: Report) -> Figure:
    """How many suppliers are the single point of failure of some product (exact), naming them.

    Parameters
    ----------
    report : Report
        The report; suppliers without an exposure (no risk map) are not counted.

    Returns
    -------
    Figure
        The count, its note ``suppliers`` and their ids in sorted order, or
        the note ``none``.
    """
    hit = tuple(sorted(sid for sid, figures in report.suppliers.items()
                       if figures.exposure is not None
                       and figures.exposure.single_point_of_failure_for))
    if not hit:
        return Figure.exactly(0.0, "", "none")
    return Figure.exactly(float(len(hit)), "", "suppliers", hit)


def fill_rates(report: Report, stat: str) -> dict[str, Figure]:
    """The fill rate of every product that had orders.

    Parameters
    ----------
    report : Report
        The report.
    stat : str
        ``mean`` or a percentile (``p90``).

    Returns
    -------
    dict of str to Figure
        By product id, in sorted order; products whose fill rate is
        unavailable (no orders) are left out.
    """
    figures = {}
    for pid in sorted(report.products):
        try:
            figures[pid] = estimate_figure(report.products[pid].get("fill_rate"),
                                           Expectation("product", pid, "fill_rate", stat=stat))
        except Unavailable:
            continue  # a product without orders has no fill rate to be worst
    return figures


def worst_fill_rate(figures: Mapping[str, Figure]) -> Figure:
    """The lowest of ``figures`` (ties go to the first id), its note naming the product.

    Parameters
    ----------
    figures : mapping of str to Figure
        Fill rates by product id (:func:`fill_rates`).

    Returns
    -------
    Figure
        The lowest figure, its note ``worst`` and its product id.

    Raises
    ------
    Unavailable
        When ``figures`` is empty (no product had orders).
    """
    if not figures:
        raise Unavailable(NO_ORDERS)
    worst = min(figures, key=lambda pid: (figures[pid].value, pid))
    return dataclasses.replace(figures[worst], note="worst", names=(worst,))


__all__ = ["STATIC_SUPPLIER_METRICS", "REASONS", "NO_RESULTS", "NOT_PRODUCED", "NO_PERCENTILE",
           "UNDEFINED", "NO_TTS", "NO_TTR", "NO_ORDERS", "Unavailable", "is_static",
           "read_figure", "figures_across", "estimate_figure", "alert_figure",
           "static_supplier_figure",
           "single_points_of_failure", "fill_rates", "worst_fill_rate"]
