"""Evaluating a scenario's ``expect:`` plan against a run's report.

Pure functions: a report dictionary (the content of ``report.json``, see
:func:`riskmap.report.json.build_report`) and an
:class:`~riskmap.model.Expectation` go in, an :class:`Outcome` comes out. No
files, no printing; :mod:`riskmap.cli.check` does that.

Verdicts
--------
Every expectation ends in one of four statuses:

``met``
    The whole 95 % confidence interval of the figure lies on the acceptable
    side of every bound (bounds are inclusive: ``min: 0.9`` accepts 0.9).
``not met``
    The whole interval lies on the wrong side of a bound.
``inconclusive``
    The interval contains a bound: the run cannot tell. It *passes with a
    warning* by default and *fails* under ``strict_confidence``. The warning
    estimates how many replications would settle it (see
    :func:`replications_to_settle`).
``unavailable``
    The figure is not in the report: a metric the report does not carry (a
    report written by an older riskmap), a percentile of a yes/no metric, a
    value no replication defines (``eta_kept`` when no promise was ever
    judged, ``wait`` when no order waited), a supplier without ``ttr``. It
    never passes silently: it counts as not met.

Figures
-------
* ``stat: mean`` (the default) reads ``mean`` and ``ci95`` of the metric.
* ``stat: p50 | p90 | p95`` reads the percentile across replications and,
  when present, its distribution-free interval ``p90_ci95``
  (:func:`riskmap.stats.quantiles.quantile_interval`, from the order
  statistics of the per-replication values). A percentile without an
  interval in the report is treated as exact, and the outcome says so.
* Static figures (``tts``, ``ttr``, ``tts_minus_ttr``, ``pi``, ``rei`` of a
  supplier; ``single_points_of_failure``) come from the risk map, not from
  sampling: they are exact, whatever ``stat`` says, so they are met or not
  met, never inconclusive. An unbounded ``tts`` (``null`` with
  ``tts_unbounded: true``) is +infinity, and so is ``tts_minus_ttr`` then.
* ``single_points_of_failure`` (network) is the number of suppliers whose
  loss alone leaves at least one product without a source, across tiers
  (``suppliers.<id>.single_point_of_failure_for`` not empty). Regions are
  not counted: a region is a group of suppliers.
* ``worst_fill_rate`` (network) is the lowest fill rate among the products
  that had orders. ``min: x`` asks that *every* product reach ``x``: it is
  met when every product is met, not met when any is not met, and
  inconclusive otherwise. ``max: x`` asks that *some* product stays at or
  below ``x``. The figure shown is the lowest product's, with its interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

from riskmap.model import Expectation
from riskmap.report.text import measured
from riskmap.stats.quantiles import QUANTILES, quantile_min_replications

MET = "met"
NOT_MET = "not met"
INCONCLUSIVE = "inconclusive"
UNAVAILABLE = "unavailable"

#: supplier figures computed by the static risk map (exact, no interval).
STATIC_SUPPLIER_METRICS = ("tts", "ttr", "tts_minus_ttr", "pi", "rei")


@dataclass(frozen=True)
class Figure:
    """The number an expectation is checked against.

    Attributes
    ----------
    value : float
        The estimate (``mean`` or a percentile), or the exact static value.
    low, high : float
        Its 95 % confidence interval; both equal ``value`` when ``exact``.
        Either may be infinite (an order-statistic bound that needs more
        replications to exist).
    exact : bool
        True for static figures and percentiles reported without interval.
    unit : str
        Unit of ``value`` (``""`` when unknown).
    note : str
        Extra words for the reader (``"worst: city-ebike"``).
    """

    value: float
    low: float
    high: float
    exact: bool = False
    unit: str = ""
    note: str = ""

    @classmethod
    def exactly(cls, value: float, unit: str = "", note: str = "") -> "Figure":
        return cls(value, value, value, True, unit, note)


@dataclass(frozen=True)
class Outcome:
    """The verdict on one expectation.

    Attributes
    ----------
    expectation : Expectation
        What was asked.
    status : str
        :data:`MET`, :data:`NOT_MET`, :data:`INCONCLUSIVE` or :data:`UNAVAILABLE`.
    figure : Figure or None
        What was measured (``None`` when unavailable).
    message : str
        One sentence a planner understands: the figure, its interval, the
        bound and the verdict (or why there is no figure).
    replications_needed : int or None
        For an inconclusive outcome, about how many replications would make
        the interval clear the bound (``None`` when it cannot be told).
    """

    expectation: Expectation
    status: str
    figure: Optional[Figure]
    message: str
    replications_needed: Optional[int] = None

    def passed(self, strict_confidence: bool = False) -> bool:
        """Whether it lets the build pass: met, or inconclusive unless ``strict_confidence``."""
        if self.status == MET:
            return True
        return self.status == INCONCLUSIVE and not strict_confidence

    @property
    def label(self) -> str:
        """``product ebike fill_rate (mean) >= 0.9``: what was asked, in one line."""
        return expectation_label(self.expectation)


class Unavailable(Exception):
    """Raised inside this module when a figure cannot be read; becomes an outcome."""


# --------------------------------------------------------------------------
# Public entry points


def evaluate(report: Mapping, expectation: Expectation) -> Outcome:
    """Check one expectation against a report.

    Parameters
    ----------
    report : mapping
        A ``report.json`` dictionary (percentile intervals included).
    expectation : Expectation
        One line of the scenario's ``expect:``.

    Returns
    -------
    Outcome

    Examples
    --------
    >>> report = {"scenario": {"replications": 100},
    ...           "products": {"bike": {"fill_rate": {"mean": 0.95, "ci95": [0.93, 0.97]}}}}
    >>> evaluate(report, Expectation("product", "bike", "fill_rate", min=0.9)).status
    'met'
    >>> evaluate(report, Expectation("product", "bike", "fill_rate", min=0.96)).status
    'inconclusive'
    """
    try:
        if expectation.subject == "network" and expectation.metric == "worst_fill_rate":
            return _evaluate_worst_fill_rate(report, expectation)
        figure = read_figure(report, expectation)
    except Unavailable as exc:
        return Outcome(expectation, UNAVAILABLE, None, f"{exc}; counted as not met")
    status, needed = judge(figure, expectation, _replications(report))
    return Outcome(expectation, status, figure,
                   describe(expectation, figure, status, needed), needed)


def evaluate_all(report: Mapping, expectations: Iterable[Expectation]) -> tuple[Outcome, ...]:
    """:func:`evaluate` each expectation, in plan order."""
    return tuple(evaluate(report, e) for e in expectations)


def expectation_label(e: Expectation) -> str:
    """What an expectation asks, in one line: ``product ebike fill_rate (mean) >= 0.9``.

    >>> expectation_label(Expectation("supplier", "cellco", "tts_minus_ttr", min=0))
    'supplier cellco tts_minus_ttr >= 0'
    """
    who = "network" if e.subject == "network" else f"{e.subject} {e.id}"
    return f"{who} {metric_text(e)} {bounds_text(e)}"


def is_static(e: Expectation) -> bool:
    """Whether the figure comes from the static risk map (exact, ``stat`` ignored)."""
    if e.subject == "supplier":
        return e.metric in STATIC_SUPPLIER_METRICS
    return e.subject == "network" and e.metric == "single_points_of_failure"


def metric_text(e: Expectation) -> str:
    """``fill_rate (mean)``; a static metric alone (``tts_minus_ttr``)."""
    return e.metric if is_static(e) else f"{e.metric} ({e.stat})"


def bounds_text(e: Expectation) -> str:
    """``>= 0.9``, ``<= 0.1`` or ``in [0.2, 0.5]``."""
    if e.min is not None and e.max is not None:
        return f"in [{e.min:g}, {e.max:g}]"
    if e.min is not None:
        return f">= {e.min:g}"
    return f"<= {e.max:g}"


# --------------------------------------------------------------------------
# Reading figures from the report


def read_figure(report: Mapping, e: Expectation) -> Figure:
    """The figure ``e`` is about; raises :class:`Unavailable` when the report lacks it."""
    if e.subject == "product":
        return _estimate_figure(_entry(report, "products", e.id, "product"), e)
    if e.subject == "supplier":
        entry = _entry(report, "suppliers", e.id, "supplier")
        if e.metric in STATIC_SUPPLIER_METRICS:
            return _static_supplier_figure(entry, e, _time_unit(report))
        return _estimate_figure(entry, e)
    if e.metric == "single_points_of_failure":
        return _single_points_of_failure(report)
    raise Unavailable(f"network metric {e.metric!r} is not produced by this riskmap version")


def _entry(report: Mapping, section: str, id: Optional[str], what: str) -> Mapping:
    entry = (report.get(section) or {}).get(id)
    if entry is None:
        raise Unavailable(f"{what} {id!r} has no results in this run")
    return entry


def _time_unit(report: Mapping) -> str:
    return (report.get("scenario") or {}).get("time_unit") or "day"


def _replications(report: Mapping) -> Optional[int]:
    return (report.get("scenario") or {}).get("replications")


def _estimate_figure(entry: Mapping, e: Expectation) -> Figure:
    """A sampled metric: ``mean`` with ``ci95``, or a percentile with ``<stat>_ci95``."""
    estimate = entry.get(e.metric)
    if not isinstance(estimate, Mapping):
        raise Unavailable(f"metric {e.metric!r} is not produced by this riskmap version "
                          f"(it is not in the report of {e.subject} {e.id!r})")
    if e.stat not in estimate:
        raise Unavailable(f"{e.metric} has no {e.stat}: a yes/no value per replication has no "
                          f"useful percentile; use stat: mean")
    value = estimate[e.stat]
    if value is None:
        raise Unavailable(f"{e.metric} of {e.subject} {e.id!r} is undefined in every "
                          f"replication (for fill_rate: nothing was ordered after warm-up)")
    unit = estimate.get("unit", "")
    interval = estimate.get("ci95" if e.stat == "mean" else f"{e.stat}_ci95")
    if interval is None:
        note = "" if e.stat == "mean" else f"no interval for {e.stat}: treated as exact"
        return Figure.exactly(float(value), unit, note)
    low, high = interval
    if e.stat == "mean" and (low is None or high is None):
        # fewer than two replications: no interval, so no claim either way
        return Figure(float(value), -math.inf, math.inf, False, unit,
                      "no confidence interval with fewer than 2 replications")
    low = -math.inf if low is None else float(low)
    high = math.inf if high is None else float(high)
    return Figure(float(value), low, high, False, unit)


def _static_supplier_figure(entry: Mapping, e: Expectation, time_unit: str) -> Figure:
    """TTS, TTR, TTS - TTR, PI or REI of the static risk map (exact)."""
    unbounded = bool(entry.get("tts_unbounded"))
    tts = math.inf if unbounded else entry.get("tts")
    ttr = entry.get("ttr")
    if e.metric == "tts":
        value = tts
    elif e.metric == "ttr":
        value = ttr
    elif e.metric == "tts_minus_ttr":
        value = None if tts is None or ttr is None else tts - ttr
    else:
        value = entry.get(e.metric)
    if value is None:
        needs = "a ttr" if e.metric != "tts" else "a time to survive"
        raise Unavailable(f"supplier {e.id!r} has no {e.metric}: it needs {needs} in the network "
                          "file")
    unit = {"pi": "", "rei": ""}.get(e.metric, f"{time_unit}s")
    note = "TTS unbounded" if unbounded and e.metric in ("tts", "tts_minus_ttr") else ""
    return Figure.exactly(float(value), unit, note)


def _single_points_of_failure(report: Mapping) -> Figure:
    suppliers = report.get("suppliers") or {}
    hit = sorted(sid for sid, entry in suppliers.items()
                 if entry.get("single_point_of_failure_for"))
    note = f"suppliers: {', '.join(hit)}" if hit else "none"
    return Figure.exactly(float(len(hit)), "", note)


def _evaluate_worst_fill_rate(report: Mapping, e: Expectation) -> Outcome:
    """Worst fill rate: every product for ``min``, some product for ``max`` (see module doc)."""
    figures = {}
    for pid in sorted(report.get("products") or {}):
        try:
            figures[pid] = read_figure(report, Expectation("product", pid, "fill_rate",
                                                           stat=e.stat))
        except Unavailable:
            continue  # a product without orders has no fill rate to be worst
    if not figures:
        return Outcome(e, UNAVAILABLE, None,
                       "no product had orders, so there is no worst fill rate; counted as not met")
    worst = min(figures, key=lambda pid: (figures[pid].value, pid))
    n = _replications(report)
    statuses = []
    for kind, threshold in (("min", e.min), ("max", e.max)):
        if threshold is None:
            continue
        per_product = [compare(f, kind, threshold) for f in figures.values()]
        statuses.append(_all_of(per_product) if kind == "min" else _any_of(per_product))
    status = _combine(statuses)
    shown = figures[worst]
    shown = Figure(shown.value, shown.low, shown.high, shown.exact, shown.unit, f"worst: {worst}")
    needed = None
    if status == INCONCLUSIVE:
        needed = _needed_for(shown, e, n)
    return Outcome(e, status, shown, describe(e, shown, status, needed), needed)


def _all_of(statuses: Sequence[str]) -> str:
    if NOT_MET in statuses:
        return NOT_MET
    return INCONCLUSIVE if INCONCLUSIVE in statuses else MET


def _any_of(statuses: Sequence[str]) -> str:
    if MET in statuses:
        return MET
    return INCONCLUSIVE if INCONCLUSIVE in statuses else NOT_MET


# --------------------------------------------------------------------------
# Judging a figure against the bounds


def compare(figure: Figure, kind: str, threshold: float) -> str:
    """The status of one bound (``kind`` ``"min"`` or ``"max"``), bounds inclusive.

    >>> compare(Figure(0.95, 0.93, 0.97), "min", 0.9)
    'met'
    >>> compare(Figure(0.95, 0.93, 0.97), "max", 0.94)
    'inconclusive'
    >>> compare(Figure.exactly(3.0), "max", 2)
    'not met'
    """
    if kind == "min":
        if figure.low >= threshold:
            return MET
        return NOT_MET if figure.high < threshold else INCONCLUSIVE
    if figure.high <= threshold:
        return MET
    return NOT_MET if figure.low > threshold else INCONCLUSIVE


def _combine(statuses: Sequence[str]) -> str:
    """Both bounds must hold: the worst status wins."""
    for status in (NOT_MET, INCONCLUSIVE):
        if status in statuses:
            return status
    return MET


def judge(figure: Figure, e: Expectation, replications: Optional[int]) -> tuple[str, Optional[int]]:
    """Status of ``figure`` against the bounds of ``e``; when inconclusive, replications needed."""
    statuses = [compare(figure, kind, t) for kind, t in (("min", e.min), ("max", e.max))
                if t is not None]
    status = _combine(statuses)
    needed = _needed_for(figure, e, replications) if status == INCONCLUSIVE else None
    return status, needed


def _needed_for(figure: Figure, e: Expectation, replications: Optional[int]) -> Optional[int]:
    """The most replications any straddled bound needs (``None`` if any cannot be told)."""
    if not replications:
        return None
    needs = []
    for kind, threshold in (("min", e.min), ("max", e.max)):
        if threshold is None or compare(figure, kind, threshold) != INCONCLUSIVE:
            continue
        n = replications_to_settle(figure, threshold, replications, QUANTILES.get(e.stat))
        if n is None:
            return None
        needs.append(n)
    return max(needs) if needs else None


def replications_to_settle(figure: Figure, threshold: float, replications: int,
                           quantile: Optional[float] = None) -> Optional[int]:
    """About how many replications would put the interval clear of ``threshold``.

    The half-width of a confidence interval shrinks as ``1 / sqrt(n)``. With
    ``h`` the half-width on the threshold's side of the estimate (intervals
    of proportions and percentiles are not symmetric) and ``d`` the distance
    from the estimate to the threshold, the interval stops containing the
    threshold once ``h * sqrt(n / n_now) < d``, that is at
    ``n = n_now * (h / d) ** 2``, assuming the estimate stays where it is.
    That assumption is why the answer is "about": rerun and check.

    A percentile interval that has no bound yet on the threshold's side
    needs at least :func:`quantile_min_replications` replications first.

    Returns ``None`` when the estimate sits on the threshold (no number of
    replications settles it reliably) or cannot be told.

    >>> replications_to_settle(Figure(0.92, 0.89, 0.95), 0.9, 30)
    68
    """
    distance = abs(figure.value - threshold)
    if distance == 0:
        return None
    half = (figure.high - figure.value) if threshold > figure.value else (figure.value - figure.low)
    if math.isinf(half):
        if quantile is None:
            return None
        upper = threshold > figure.value
        return quantile_min_replications(quantile, upper=upper)
    return max(replications + 1, math.ceil(replications * (half / distance) ** 2))


# --------------------------------------------------------------------------
# Words


def figure_text(figure: Figure) -> str:
    """``0.963 [95% CI 0.952, 0.974]``, or ``19.5 days (exact)``.

    >>> figure_text(Figure.exactly(2.0, "", "suppliers: a, b"))
    '2 (exact; suppliers: a, b)'
    """
    unit = f" {figure.unit}" if figure.unit and figure.unit not in ("ratio", "probability") else ""
    if math.isinf(figure.value):
        unit = ""  # "unbounded days" reads wrong
    exact_count = figure.exact and math.isfinite(figure.value) and figure.value.is_integer()
    text = f"{int(figure.value) if exact_count else measured(figure.value)}{unit}"
    notes = [figure.note] if figure.note else []
    if figure.exact:
        notes.insert(0, "exact")
    else:
        text += f" [95% CI {measured(figure.low)}, {measured(figure.high)}]"
    if notes:
        text += f" ({'; '.join(notes)})"
    return text


def describe(e: Expectation, figure: Figure, status: str,
             needed: Optional[int] = None) -> str:
    """One sentence: the figure, its interval, the bound and, when inconclusive, advice.

    >>> e = Expectation("product", "bike", "fill_rate", min=0.9)
    >>> describe(e, Figure(0.92, 0.89, 0.95), INCONCLUSIVE, 68)  # doctest: +NORMALIZE_WHITESPACE
    'fill_rate (mean) is 0.920 [95% CI 0.890, 0.950]; required >= 0.9; the 95% confidence
    interval contains the threshold: about 68 replications would settle it'
    """
    text = f"{metric_text(e)} is {figure_text(figure)}; required {bounds_text(e)}"
    if status != INCONCLUSIVE:
        return text
    return f"{text}; the 95% confidence interval contains the threshold: {advice(figure, needed)}"


def advice(figure: Figure, needed: Optional[int]) -> str:
    """What would settle an inconclusive outcome, in words."""
    if needed is None:
        return ("more replications may not settle it (the estimate sits on the threshold or "
                "no interval can be computed)")
    if math.isinf(figure.low) or math.isinf(figure.high):
        # an order-statistic bound needs a minimum sample before it exists at all
        return (f"at least {needed} replications are needed before the interval has a bound "
                "on that side")
    return f"about {needed} replications would settle it"


__all__ = [
    "MET", "NOT_MET", "INCONCLUSIVE", "UNAVAILABLE", "Figure", "Outcome",
    "evaluate", "evaluate_all", "expectation_label", "is_static", "metric_text", "bounds_text",
    "read_figure", "compare",
    "judge", "replications_to_settle", "figure_text", "describe", "advice",
]
