"""Tolerances of the checks against theory, from the false-alarm rate they promise.

A theory test compares the mean of ``n`` independent replications with an exact
value. With the standard error estimated from the same replications,
``(mean - exact) / se`` follows Student's t with ``n - 1`` degrees of freedom
when the engine is right, so the tolerance is ``t(1 - alpha / 2, n - 1) * se``:
a correct engine fails a check with probability ``alpha`` (:data:`FALSE_ALARM`),
whatever ``n`` is. (Four standard errors would be that only for large ``n``:
with 12 replications it is a false alarm once in about 480 runs, not once in
15,000.) The seeds are fixed, so a given outcome is reproducible.
"""

from __future__ import annotations

import math

import numpy as np

from riskmap.stats import t_quantile

#: the chance that a check fails although the engine is right.
FALSE_ALARM = 1e-4


def t_tolerance(n: int, se: float, alpha: float = FALSE_ALARM) -> float:
    """Half-width of the two-sided test of a mean of ``n`` values with standard error ``se``."""
    return t_quantile(1 - alpha / 2, n - 1) * se


def mean_and_se(values) -> tuple[float, float, int]:
    """Mean, standard error of the mean (``ddof=1``) and count of ``values``."""
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values))), len(values)


def assert_mean_is(values, expected: float, slack: float = 0.0,
                   alpha: float = FALSE_ALARM) -> None:
    """The mean of ``values`` is ``expected`` within the t tolerance (and ``slack``, where bias is known)."""
    mean, se, n = mean_and_se(values)
    allowed = t_tolerance(n, se, alpha) + slack
    assert abs(mean - expected) <= allowed, (mean, expected, se, n, allowed)


def normal_tolerance(sd: float, alpha: float = FALSE_ALARM) -> float:
    """Half-width for a statistic whose standard deviation ``sd`` is known (a Poisson count's)."""
    from scipy.special import ndtri

    return float(ndtri(1 - alpha / 2)) * sd
