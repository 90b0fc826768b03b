"""Poisson regression of daily order counts, and the likelihood-ratio test of one term.

The model of :mod:`riskmap.history.demand`: the count of orders on day ``i`` is
Poisson with ``log mean = X[i] @ beta``, fitted by iteratively reweighted least
squares (McCullagh & Nelder, *Generalized Linear Models*, 2nd ed., 1989, ch. 2
and 6). A term (the month of the year, the weekday, a linear trend) is tested
by the drop in deviance when it is added, which is chi-square with as many
degrees of freedom as it has columns when the term has no effect. Real sales
are often more variable than Poisson; the drop is divided by the Pearson
dispersion of the larger model when that is above 1 (quasi-likelihood,
McCullagh & Nelder ch. 9), so an over-dispersed history does not make every
term look significant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Bounds of the linear predictor: a period without any order drives its coefficient
#: towards minus infinity; the fit stops it where its mean is negligible.
_ETA_BOUNDS = (-30.0, 30.0)


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson regression: coefficients, fitted means, deviance, dispersion."""

    beta: np.ndarray
    mean: np.ndarray
    deviance: float
    dispersion: float  # Pearson chi-square / (n - p), at least 1


@dataclass(frozen=True)
class TermTest:
    """The likelihood-ratio test of one term: statistic (dispersion-scaled), df, p-value.

    ``log_p`` is the natural log of the p-value, which still orders two tests whose
    p-values both round to 0.
    """

    statistic: float
    df: int
    p_value: float
    log_p: float

    def significant(self, level: float) -> bool:
        """Whether the term's effect is significant at ``level``."""
        return self.p_value < level


def fit(x: np.ndarray, y: np.ndarray, iterations: int = 100) -> PoissonFit:
    """The Poisson regression of counts ``y`` on the columns of ``x`` (log link).

    >>> x = np.ones((4, 1)); f = fit(x, np.array([0.0, 1.0, 2.0, 1.0]))
    >>> round(float(np.exp(f.beta[0])), 12)
    1.0
    """
    mu = y + 0.1
    eta = np.log(mu)
    deviance = math.inf
    beta = np.zeros(x.shape[1])
    for _ in range(iterations):
        z = eta + (y - mu) / mu
        beta = _weighted_least_squares(x, z, mu)
        eta = np.clip(x @ beta, *_ETA_BOUNDS)
        mu = np.exp(eta)
        new = _deviance(y, mu)
        if abs(deviance - new) <= 1e-10 * (abs(new) + 1.0):
            deviance = new
            break
        deviance = new
    n, p = x.shape
    pearson = float(np.sum((y - mu) ** 2 / mu))
    dispersion = max(1.0, pearson / (n - p)) if n > p else 1.0
    return PoissonFit(beta, mu, deviance, dispersion)


def _weighted_least_squares(x: np.ndarray, z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``argmin sum w (z - x b)^2``: the normal equations (a few columns), least squares if singular."""
    xw = x * w[:, None]
    try:
        return np.linalg.solve(x.T @ xw, xw.T @ z)
    except np.linalg.LinAlgError:
        root = np.sqrt(w)
        return np.linalg.lstsq(x * root[:, None], z * root, rcond=None)[0]


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """``2 sum(y log(y / mu) - (y - mu))``, with ``0 log 0 = 0``."""
    ratio = np.where(y > 0, y / mu, 1.0)
    return float(2.0 * np.sum(y * np.log(ratio) - (y - mu)))


def term_test(without: PoissonFit, with_term: PoissonFit, df: int) -> TermTest:
    """The test of the columns ``with_term`` has beyond ``without`` (``df`` of them)."""
    statistic = max(0.0, without.deviance - with_term.deviance) / with_term.dispersion
    return TermTest(statistic, df, float(stats.chi2.sf(statistic, df)),
                    float(stats.chi2.logsf(statistic, df)))
