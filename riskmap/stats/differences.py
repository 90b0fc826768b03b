"""The difference of two estimates: Welch's interval from two summaries, two proportions.

``riskmap compare`` of two saved reports has no per-replication values, only
each estimate's mean, 95 % interval and ``n``. The standard error of each
mean is recovered from its interval the way the interval was built
(:mod:`riskmap.stats.estimates`): a Student t interval is
``mean +- t(0.975, n - 1) * se``, so ``se = half-width / t(0.975, n - 1)``.
The difference ``head - base`` then gets Welch's interval, with the degrees
of freedom of Welch and Satterthwaite. A Wilson interval (proportions) is not
of that form: the difference of two proportions takes the normal
approximation ``p2 - p1 +- z sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2)``.

The paired interval of two runs sharing their seeds is a Student t interval
on the per-replication differences
(:func:`riskmap.options.effects.paired_estimate`); for a pooled ratio
(``fill_rate_pooled``: units filled over units ordered, summed over
replications) on the differences of each replication's linearised
contribution to the two ratios (:func:`paired_ratio_difference`).

References
----------
B. L. Welch (1947), "The generalization of 'Student's' problem when several
different population variances are involved", Biometrika 34, 28-35.
F. E. Satterthwaite (1946), "An approximate distribution of estimates of
variance components", Biometrics Bulletin 2(6), 110-114.
A. M. Law (2015), Simulation Modeling and Analysis, 5th ed., section 10.2
(comparing two systems: paired t and Welch intervals).
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from riskmap.stats.estimates import Z95, Estimate, t_quantile

Interval = tuple[Optional[float], Optional[float]]
UNKNOWN: Interval = (None, None)


def welch_interval(difference: float, var_a: float, n_a: int, var_b: float, n_b: int,
                   level: float = 0.95) -> Interval:
    """Welch interval for a difference of two means from their squared standard errors.

    Parameters
    ----------
    difference : float
        ``mean_a - mean_b``.
    var_a, var_b : float
        The squared standard error of each mean (``s^2 / n``).
    n_a, n_b : int
        The number of values behind each mean (at least 2).

    Returns
    -------
    tuple
        ``difference +- t(df) * sqrt(var_a + var_b)``, ``df`` by Welch and
        Satterthwaite, cut down to a whole number (the conservative side);
        ``(difference, difference)`` when both standard errors are 0.

    Examples
    --------
    >>> low, high = welch_interval(1.0, 0.25, 10, 0.25, 10)
    >>> round(low, 4), round(high, 4)
    (-0.4856, 2.4856)
    """
    se = math.sqrt(var_a + var_b)
    if se == 0:
        return (difference, difference)
    df = (var_a + var_b) ** 2 / (var_a ** 2 / (n_a - 1) + var_b ** 2 / (n_b - 1))
    half = t_quantile(0.5 + level / 2, max(1, int(df))) * se
    return (difference - half, difference + half)


def t_standard_error(estimate: Estimate) -> Optional[float]:
    """The standard error of a Student t estimate's mean, from its 95 % interval and ``n``.

    ``None`` when the interval is unknown (fewer than two values).

    >>> round(t_standard_error(Estimate(2.0, (2.0 - 4.302653, 2.0 + 4.302653), 3, "units")), 6)
    1.0
    """
    low, high = estimate.ci95
    if low is None or high is None or estimate.n < 2:
        return None
    return (high - low) / 2 / t_quantile(0.975, estimate.n - 1)


def mean_difference(base: Estimate, head: Estimate) -> Interval:
    """Welch's 95 % interval for ``head.mean - base.mean`` from two Student t estimates."""
    se_base, se_head = t_standard_error(base), t_standard_error(head)
    if base.mean is None or head.mean is None or se_base is None or se_head is None:
        return UNKNOWN
    return welch_interval(head.mean - base.mean, se_head ** 2, head.n, se_base ** 2, base.n)


def proportion_difference(base: Estimate, head: Estimate, z: float = Z95) -> Interval:
    """Normal-approximation 95 % interval for the difference of two proportions ``head - base``.

    >>> low, high = proportion_difference(Estimate(0.5, (0, 1), 100, "p"),
    ...                                   Estimate(0.7, (0, 1), 100, "p"))
    >>> round(low, 4), round(high, 4)
    (0.0671, 0.3329)
    """
    if base.mean is None or head.mean is None or base.n == 0 or head.n == 0:
        return UNKNOWN
    p1, p2 = base.mean, head.mean
    se = math.sqrt(p1 * (1 - p1) / base.n + p2 * (1 - p2) / head.n)
    difference = p2 - p1
    return (difference - z * se, difference + z * se)


def paired_ratio_difference(base_y, base_x, head_y, head_x,
                            level: float = 0.95) -> tuple[Optional[float], Interval]:
    """``R_head - R_base`` for pooled ratios ``R = sum(y) / sum(x)`` of two paired runs.

    The first-order (delta-method) expansion of a ratio estimator, as
    :func:`riskmap.stats.estimates.ratio_estimate` uses for one run: replication
    ``i`` contributes ``u_i = (yh_i - Rh xh_i) / mean(xh) - (yb_i - Rb xb_i) / mean(xb)``
    to the difference, and the interval is ``D +- t(n - 1) sd(u) / sqrt(n)``
    (Law 2015, section 10.2, paired t). ``(None, unknown)`` when a run has
    no denominator, ``(D, unknown)`` with fewer than two replications.

    >>> d, (low, high) = paired_ratio_difference([8, 9], [10, 10], [9, 10], [10, 10])
    >>> round(d, 9), round(low, 9), round(high, 9)
    (0.1, 0.1, 0.1)
    """
    yb, xb = np.asarray(base_y, dtype=float), np.asarray(base_x, dtype=float)
    yh, xh = np.asarray(head_y, dtype=float), np.asarray(head_x, dtype=float)
    n = len(xb)
    if n != len(xh):
        raise ValueError(f"paired runs need the same replications, got {n} and {len(xh)}")
    if n == 0 or xb.sum() == 0 or xh.sum() == 0:
        return None, UNKNOWN
    rb, rh = float(yb.sum() / xb.sum()), float(yh.sum() / xh.sum())
    difference = rh - rb
    if n < 2:
        return difference, UNKNOWN
    u = (yh - rh * xh) / xh.mean() - (yb - rb * xb) / xb.mean()
    half = t_quantile(0.5 + level / 2, n - 1) * float(np.std(u, ddof=1)) / math.sqrt(n)
    return difference, (difference - half, difference + half)


def excludes_zero(interval: Interval) -> bool:
    """Whether ``interval`` lies wholly above or wholly below 0 (an unknown one does not)."""
    low, high = interval
    if low is None or high is None:
        return False
    return low > 0 or high < 0
