"""Statistics across replications: estimates with confidence intervals.

Every statistic riskmap reports is a :class:`Statistic`: a name, the subject it
describes (a product, a part or a supplier), its unit, and how one replication
yields one value. All of them are estimated the same way,
``statistic.estimate(values) -> Estimate``, so reports, the terminal summary
and ``riskmap check`` read them through one shape.

Conventions
-----------
* ``mean`` is the mean of the per-replication values.
* ``ci95`` is a 95 % confidence interval for that mean: Student t on the
  replication values for quantities, the Wilson score interval for
  proportions (``backorder_probability``). With fewer than two values a
  Student t interval is undefined and ``ci95`` is ``[null, null]``. The
  Student t interval is not cut to the range of the statistic: with few
  replications it can reach below 0 units or above a fill rate of 1, which
  says that the run is too short to pin the mean down.
* ``p50``, ``p90``, ``p95`` are percentiles of the per-replication values
  (linear interpolation between order statistics, numpy's default method).
  They are omitted for proportions, whose per-replication value is 0 or 1.
  ``p50_ci95``, ``p90_ci95``, ``p95_ci95`` are their distribution-free 95 %
  intervals (:mod:`riskmap.stats.quantiles`).
* A statistic whose per-replication value is undefined in some replications
  (``fill_rate`` when nothing was ordered, ``time_to_first_backorder`` when no
  unit waited) is estimated on the replications where it is defined; ``n``
  says how many.
* Customers who wait (``wait``, ``eta_kept``, ``substituted_units``, the
  money figures...) are defined in docs/customers.md; ``money`` is the
  currency of the products' ``price`` and ``margin``.
* Floats are rounded to :data:`DIGITS` decimals with Python's ``round``
  (correctly rounded, the same on every platform).

References
----------
E. B. Wilson (1927), "Probable inference, the law of succession, and
statistical inference", JASA 22(158), 209-212.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np
# scipy.special alone: scipy.stats costs about a second of import time
from scipy.special import stdtrit

from riskmap.stats.quantiles import QUANTILES, quantile_interval

#: decimals kept in reported figures.
DIGITS = 6

#: two-sided 95 % normal quantile, used by the Wilson interval.
Z95 = 1.959963984540054

#: kinds of estimator.
MEAN = "mean"
PROPORTION = "proportion"


@dataclass(frozen=True)
class Estimate:
    """One statistic estimated over replications.

    Attributes
    ----------
    mean : float or None
        Mean of the per-replication values (``None`` when no replication
        defines the value).
    ci95 : tuple of (float or None, float or None)
        95 % confidence interval for the mean.
    n : int
        Number of replications the estimate is based on.
    unit : str
        Unit of ``mean`` and of the percentiles.
    p50, p90, p95 : float or None
        Percentiles across replications (``None`` for proportions).
    has_percentiles : bool
        Whether the percentiles apply (not for proportions and ratios of totals).
    p50_ci95, p90_ci95, p95_ci95 : tuple or None
        Distribution-free 95 % intervals of the percentiles
        (:func:`riskmap.stats.quantiles.quantile_interval`); a bound that needs
        more replications to exist is ``None``.
    """

    mean: Optional[float]
    ci95: tuple[Optional[float], Optional[float]]
    n: int
    unit: str
    p50: Optional[float] = None
    p90: Optional[float] = None
    p95: Optional[float] = None
    has_percentiles: bool = True
    p50_ci95: Optional[tuple[Optional[float], Optional[float]]] = None
    p90_ci95: Optional[tuple[Optional[float], Optional[float]]] = None
    p95_ci95: Optional[tuple[Optional[float], Optional[float]]] = None

    def rounded(self) -> "Estimate":
        """The estimate as reported: floats rounded to :data:`DIGITS` decimals, non-finite ones ``None``."""
        def pair(bounds):
            return None if bounds is None else (reported(bounds[0]), reported(bounds[1]))

        return Estimate(reported(self.mean), pair(self.ci95), self.n, self.unit,
                        reported(self.p50), reported(self.p90), reported(self.p95),
                        self.has_percentiles, pair(self.p50_ci95), pair(self.p90_ci95),
                        pair(self.p95_ci95))

    def to_dict(self) -> dict:
        """The report form (:meth:`rounded`); read back by :meth:`from_dict`."""
        r = self.rounded()
        out = {"mean": r.mean, "ci95": list(r.ci95), "n": r.n, "unit": r.unit}
        if r.has_percentiles:
            out.update(p50=r.p50, p90=r.p90, p95=r.p95)
            for key in QUANTILE_INTERVALS:
                bounds = getattr(r, key)
                if bounds is not None:
                    out[key] = list(bounds)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Estimate":
        """The estimate of a report (:meth:`to_dict`); raises ``ValueError`` for a malformed one."""
        if not isinstance(data, dict) or "mean" not in data:
            raise ValueError("expected an estimate {mean, ci95, n, unit, ...}")

        def pair(key):
            bounds = data.get(key)
            if bounds is None:
                return None
            if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
                raise ValueError(f"{key}: expected [low, high]")
            return (_number(bounds[0], key), _number(bounds[1], key))

        n = data.get("n", 0)
        if isinstance(n, bool) or not isinstance(n, int):
            raise ValueError("n: expected a whole number")
        has = "p50" in data
        return cls(_number(data["mean"], "mean"), pair("ci95") or (None, None), n,
                   str(data.get("unit") or ""), _number(data.get("p50"), "p50"),
                   _number(data.get("p90"), "p90"), _number(data.get("p95"), "p95"), has,
                   pair("p50_ci95"), pair("p90_ci95"), pair("p95_ci95"))


#: the percentile intervals an estimate with percentiles carries, in report order.
QUANTILE_INTERVALS = ("p50_ci95", "p90_ci95", "p95_ci95")


def _number(value, key: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key}: expected a number or null, got {value!r}")
    return float(value) if isinstance(value, float) else value


def rounded(value: Optional[float]) -> Optional[float]:
    """``value`` rounded to :data:`DIGITS` decimals; ``None`` stays ``None``; ``-0.0`` becomes ``0.0``."""
    if value is None:
        return None
    value = round(float(value), DIGITS)
    return value + 0.0  # turns -0.0 into 0.0 so the output never shows "-0.0"


def reported(value: Optional[float]) -> Optional[float]:
    """``value`` as report.json holds it: :func:`rounded`, and ``None`` when not finite (JSON has no infinity)."""
    value = rounded(value)
    return value if value is None or math.isfinite(value) else None


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom.

    >>> round(t_quantile(0.975, 2), 6)
    4.302653
    """
    return float(stdtrit(df, p))


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[Optional[float], Optional[float]]:
    """Student t confidence interval for the mean of ``values``.

    ``mean +- t(1 - (1 - level) / 2, n - 1) * s / sqrt(n)`` with ``s`` the
    sample standard deviation (``ddof=1``). ``(None, None)`` when ``n < 2``.

    >>> t_interval(np.array([1.0, 2.0, 3.0]))  # doctest: +ELLIPSIS
    (-0.484..., 4.484...)
    """
    n = len(values)
    if n < 2:
        return (None, None)
    mean = float(np.mean(values))
    sd = float(np.std(values, ddof=1))
    half = t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[Optional[float], Optional[float]]:
    """Wilson score interval for a proportion ``successes / n``.

    Unlike the normal approximation it stays inside [0, 1] and is not empty
    when ``successes`` is 0 or ``n``. ``(None, None)`` when ``n == 0``.

    >>> lo, hi = wilson_interval(0, 10)
    >>> (lo, round(hi, 4))
    (0.0, 0.2775)
    """
    if n == 0:
        return (None, None)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def percentiles(values: np.ndarray, qs: Sequence[float] = (50, 90, 95)) -> list[Optional[float]]:
    """Percentiles of ``values`` (numpy's linear method); ``None`` each when empty."""
    if len(values) == 0:
        return [None] * len(qs)
    return [float(v) for v in np.percentile(values, qs)]


def estimate_mean(values: np.ndarray, unit: str) -> Estimate:
    """Mean, Student t interval, percentiles and their intervals of per-replication ``values``."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        unknown = (None, None)
        return Estimate(None, unknown, 0, unit, None, None, None, True, unknown, unknown, unknown)
    p50, p90, p95 = percentiles(values)
    return Estimate(float(np.mean(values)), t_interval(values), n, unit, p50, p90, p95, True,
                    *(quantile_interval(values, QUANTILES[key]) for key in ("p50", "p90", "p95")))


def estimate_proportion(values: np.ndarray, unit: str = "probability") -> Estimate:
    """Share of replications where ``values`` is true, with its Wilson interval."""
    values = np.asarray(values, dtype=bool)
    n = len(values)
    successes = int(np.count_nonzero(values))
    mean = successes / n if n else None
    return Estimate(mean, wilson_interval(successes, n), n, unit, has_percentiles=False)


def ratio_estimate(numerators: np.ndarray, denominators: np.ndarray, unit: str = "ratio") -> Estimate:
    """Pooled ratio ``sum(numerators) / sum(denominators)`` with a delta-method interval.

    The variance of the ratio estimator R = ybar / xbar is approximated by
    ``var(y - R x) / (n xbar^2)`` (the standard first-order expansion), and the
    interval uses Student t with ``n - 1`` degrees of freedom.
    """
    y = np.asarray(numerators, dtype=float)
    x = np.asarray(denominators, dtype=float)
    n = len(x)
    total = float(x.sum())
    if n == 0 or total == 0:
        return Estimate(None, (None, None), n, unit, has_percentiles=False)
    ratio = float(y.sum()) / total
    if n < 2:
        return Estimate(ratio, (None, None), n, unit, has_percentiles=False)
    xbar = total / n
    residual_sd = float(np.std(y - ratio * x, ddof=1))
    half = t_quantile(0.975, n - 1) * residual_sd / (xbar * math.sqrt(n))
    return Estimate(ratio, (ratio - half, ratio + half), n, unit, has_percentiles=False)
