"""Verdicts: how a figure and the bounds of an expectation make a status.

Pure functions on :class:`Figure` records; reading figures from a report is
:mod:`riskmap.plans.figures`, putting verdicts into words
:mod:`riskmap.plans.wording`.

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

With both ``min`` and ``max``, the worse status of the two bounds wins.
Static figures are exact (their interval is the value itself), so they are
met or not met, never inconclusive.

``worst_fill_rate`` is judged across the products that had orders:
``min: x`` asks that *every* product reach ``x`` (met when every product is
met, not met when any is not met, inconclusive otherwise); ``max: x`` asks
that *some* product stays at or below ``x``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

from riskmap.model import Expectation
from riskmap.stats.quantiles import QUANTILES, quantile_min_replications

MET = "met"
NOT_MET = "not met"
INCONCLUSIVE = "inconclusive"
UNAVAILABLE = "unavailable"

#: every status, in the order counts are shown.
STATUSES = (MET, NOT_MET, INCONCLUSIVE, UNAVAILABLE)


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
        Extra words for the reader (``"worst"``, ``"TTS unbounded"``).
    names : tuple of str
        Ids of the network the note is about, written after it
        (``worst: city-ebike``). Kept apart from ``note`` so that a report
        format can escape them.
    """

    value: float
    low: float
    high: float
    exact: bool = False
    unit: str = ""
    note: str = ""
    names: tuple[str, ...] = ()

    @classmethod
    def exactly(cls, value: float, unit: str = "", note: str = "",
                names: tuple[str, ...] = ()) -> "Figure":
        """An exact figure: its interval is the value itself.

        Parameters
        ----------
        value : float
            The figure.
        unit, note, names
            As the attributes of the same name.

        Returns
        -------
        Figure
        """
        return cls(value, value, value, True, unit, note, names)


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
    reason : str or None
        For an unavailable outcome, why (one of the reasons of
        :mod:`riskmap.plans.figures`), so that the sentence can be written
        again for another format (:func:`riskmap.plans.wording.unavailable_text`).
    """

    expectation: Expectation
    status: str
    figure: Optional[Figure]
    message: str
    replications_needed: Optional[int] = None
    reason: Optional[str] = None

    def passed(self, strict_confidence: bool = False) -> bool:
        """Whether it lets the build pass.

        Parameters
        ----------
        strict_confidence : bool
            Whether an inconclusive outcome fails.

        Returns
        -------
        bool
            True when met, or inconclusive without ``strict_confidence``.
        """
        if self.status == MET:
            return True
        return self.status == INCONCLUSIVE and not strict_confidence


def bounds(e: Expectation) -> tuple[tuple[str, float], ...]:
    """The bounds ``e`` sets, as ``("min", x)`` and ``("max", y)`` pairs, ``min`` first.

    >>> bounds(Expectation("product", "bike", "fill_rate", min=0.9))
    (('min', 0.9),)
    """
    return tuple((kind, threshold) for kind, threshold in (("min", e.min), ("max", e.max))
                 if threshold is not None)


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


def combine(statuses: Sequence[str]) -> str:
    """The status of several bounds that must all hold: the worst status wins.

    >>> combine([MET, INCONCLUSIVE]), combine([INCONCLUSIVE, NOT_MET]), combine([])
    ('inconclusive', 'not met', 'met')
    """
    for status in (NOT_MET, INCONCLUSIVE):
        if status in statuses:
            return status
    return MET


def _every(statuses: Sequence[str]) -> str:
    """Every figure must meet the bound."""
    if NOT_MET in statuses:
        return NOT_MET
    return INCONCLUSIVE if INCONCLUSIVE in statuses else MET


def _some(statuses: Sequence[str]) -> str:
    """Some figure must meet the bound."""
    if MET in statuses:
        return MET
    return INCONCLUSIVE if INCONCLUSIVE in statuses else NOT_MET


def judge(figure: Figure, e: Expectation, replications: Optional[int],
          across: Sequence[Figure] = ()) -> tuple[str, Optional[int]]:
    """The status of ``figure`` against the bounds of ``e``, and what would settle it.

    Parameters
    ----------
    figure : Figure
        What was measured (for ``worst_fill_rate``, the worst product's).
    e : Expectation
        Its bounds.
    replications : int or None
        Replications of the run (``None`` when unknown).
    across : sequence of Figure
        For ``worst_fill_rate``, the figure of every product: ``min`` must
        hold for every one, ``max`` for some one (see the module docstring).
        Empty for every other metric.

    Returns
    -------
    status : str
        :data:`MET`, :data:`NOT_MET` or :data:`INCONCLUSIVE`.
    needed : int or None
        When inconclusive, about how many replications would settle it, from
        ``figure`` (``None`` when it cannot be told, or when not inconclusive).
    """
    if across:
        status = combine([(_every if kind == "min" else _some)(
            [compare(f, kind, threshold) for f in across]) for kind, threshold in bounds(e)])
    else:
        status = combine([compare(figure, kind, threshold) for kind, threshold in bounds(e)])
    needed = replications_needed(figure, e, replications) if status == INCONCLUSIVE else None
    return status, needed


def replications_needed(figure: Figure, e: Expectation,
                        replications: Optional[int]) -> Optional[int]:
    """The most replications any bound ``figure`` straddles needs.

    Parameters
    ----------
    figure : Figure
        The figure judged.
    e : Expectation
        Its bounds and ``stat`` (a percentile needs a minimum sample first).
    replications : int or None
        Replications of the run.

    Returns
    -------
    int or None
        ``None`` when the run's replications are unknown, when no bound is
        straddled, or when any straddled bound cannot be told
        (:func:`replications_to_settle`).
    """
    if not replications:
        return None
    needs = []
    for kind, threshold in bounds(e):
        if compare(figure, kind, threshold) != INCONCLUSIVE:
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

    Parameters
    ----------
    figure : Figure
        The figure, its interval straddling ``threshold``.
    threshold : float
        The bound.
    replications : int
        Replications of the run.
    quantile : float, optional
        The quantile when the figure is a percentile (0.9 for ``p90``).

    Returns
    -------
    int or None
        At least ``replications + 1``; ``None`` when the estimate sits on the
        threshold (no number of replications settles it reliably) or when it
        cannot be told.

    Examples
    --------
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


__all__ = ["MET", "NOT_MET", "INCONCLUSIVE", "UNAVAILABLE", "STATUSES", "Figure", "Outcome",
           "bounds", "compare", "combine", "judge", "replications_needed",
           "replications_to_settle"]
