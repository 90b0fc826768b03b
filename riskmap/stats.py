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
    """

    mean: Optional[float]
    ci95: tuple[Optional[float], Optional[float]]
    n: int
    unit: str
    p50: Optional[float] = None
    p90: Optional[float] = None
    p95: Optional[float] = None
    has_percentiles: bool = True

    def to_dict(self) -> dict:
        """The report form, every float rounded to :data:`DIGITS` decimals."""
        out = {
            "mean": rounded(self.mean),
            "ci95": [rounded(self.ci95[0]), rounded(self.ci95[1])],
            "n": self.n,
            "unit": self.unit,
        }
        if self.has_percentiles:
            out.update(p50=rounded(self.p50), p90=rounded(self.p90), p95=rounded(self.p95))
        return out


def rounded(value: Optional[float]) -> Optional[float]:
    """``value`` rounded to :data:`DIGITS` decimals; ``None`` stays ``None``; ``-0.0`` becomes ``0.0``."""
    if value is None:
        return None
    value = round(float(value), DIGITS)
    return value + 0.0  # turns -0.0 into 0.0 so the output never shows "-0.0"


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
    """Mean, Student t interval and percentiles of per-replication ``values``."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return Estimate(None, (None, None), 0, unit)
    p50, p90, p95 = percentiles(values)
    return Estimate(float(np.mean(values)), t_interval(values), n, unit, p50, p90, p95)


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


# --------------------------------------------------------------------------
# The statistics riskmap reports


@dataclass(frozen=True)
class Statistic:
    """A per-replication quantity and how it is estimated across replications.

    Attributes
    ----------
    name : str
        The report key (``fill_rate``, ``backorder_units``...).
    subject : str
        ``product``, ``part`` or ``supplier``: the outcome record it reads.
    unit : str
        The unit; ``{time}`` stands for the scenario's time unit.
    description : str
        One line for the reference docs.
    value : callable
        ``value(outcome) -> float | bool | None``: the value in one
        replication, ``None`` where undefined.
    kind : str
        :data:`MEAN` (Student t) or :data:`PROPORTION` (Wilson).
    """

    name: str
    subject: str
    unit: str
    description: str
    value: Callable[[object], object]
    kind: str = MEAN

    def unit_for(self, time_unit: str) -> str:
        """The unit with the scenario's time unit filled in."""
        return self.unit.replace("{time}", time_unit)

    def estimate(self, values: Sequence[object], time_unit: str = "day") -> Estimate:
        """Estimate over the per-replication ``values`` (``None`` entries are left out)."""
        defined = [v for v in values if v is not None]
        unit = self.unit_for(time_unit)
        if self.kind == PROPORTION:
            return estimate_proportion(np.array(defined, dtype=bool), unit)
        return estimate_mean(np.array(defined, dtype=float), unit)


def _fill_rate(o) -> Optional[float]:
    # undefined (left out) in a replication where nothing was ordered after warm-up
    return o.filled_from_stock_units / o.ordered_units if o.ordered_units else None


PRODUCT_STATISTICS: tuple[Statistic, ...] = (
    Statistic("fill_rate", "product", "ratio",
              "units shipped from stock at the moment they were ordered / units ordered, "
              "per replication, then averaged over replications",
              _fill_rate),
    Statistic("backorder_probability", "product", "probability",
              "share of replications in which at least one unit waited",
              lambda o: o.backorder_units > 0, PROPORTION),
    Statistic("backorder_units", "product", "units",
              "units that could not ship at once and waited in the backlog",
              lambda o: o.backorder_units),
    Statistic("backlog_days", "product", "unit-{time}s",
              "integral of the backlog over time (units waiting x time waited)",
              lambda o: o.backlog_unit_time),
    Statistic("lost_units", "product", "units",
              "units lost to lost sales or cancelled when the customer's patience ran out",
              lambda o: o.lost_units),
    Statistic("longest_wait", "product", "{time}s",
              "longest time an order waited for its last unit (to the horizon if still waiting)",
              lambda o: o.longest_wait),
    Statistic("time_to_first_backorder", "product", "{time}s",
              "time (from 0) of the first order that had to wait, over replications that had one",
              lambda o: o.first_backorder_time),
    Statistic("ordered_units", "product", "units", "units ordered by customers",
              lambda o: o.ordered_units),
    Statistic("shipped_units", "product", "units", "units shipped to customers",
              lambda o: o.shipped_units),
    Statistic("waiting_units_at_end", "product", "units",
              "units still waiting at the end of the horizon",
              lambda o: o.waiting_units_at_end),
    # Customers who wait (docs/customers.md): waits and promised dates are defined
    # only in replications where some order waited or some promise was judged.
    Statistic("wait", "product", "{time}s",
              "mean wait of the orders that waited (to their last unit, their cancellation or "
              "the horizon), over replications where some order waited",
              lambda o: o.wait_mean),
    Statistic("wait_p50", "product", "{time}s",
              "median wait of the orders that waited, within a replication",
              lambda o: o.wait_p50),
    Statistic("wait_p90", "product", "{time}s",
              "90th percentile of the waits of the orders that waited, within a replication",
              lambda o: o.wait_p90),
    Statistic("wait_p95", "product", "{time}s",
              "95th percentile of the waits of the orders that waited, within a replication",
              lambda o: o.wait_p95),
    Statistic("eta_kept", "product", "ratio",
              "share of promised dates kept: filled by the first date promised, among orders "
              "filled or still unfilled after that date",
              lambda o: o.eta_kept),
    Statistic("eta_slip", "product", "{time}s",
              "mean time by which broken promises were missed (to the fill, the cancellation or "
              "the horizon)",
              lambda o: o.eta_slip),
    Statistic("eta_revisions", "product", "revisions",
              "times a promised date passed with the order still waiting and a new one was given",
              lambda o: o.eta_revisions),
    Statistic("substituted_units", "product", "units",
              "units of the product's orders shipped at once by a substitute product",
              lambda o: o.substituted_units),
    Statistic("substitute_units_supplied", "product", "units",
              "units the product shipped at once in place of another product",
              lambda o: o.substitute_units_supplied),
    Statistic("lost_revenue", "product", "money", "lost_units x price",
              lambda o: o.lost_revenue),
    Statistic("lost_margin", "product", "money", "lost_units x margin",
              lambda o: o.lost_margin),
    Statistic("backorder_cost", "product", "money",
              "backlog_days x backorder_cost: the cost of customers waiting",
              lambda o: o.backorder_cost),
    Statistic("lost_sale_cost", "product", "money",
              "lost_units x lost_sale_cost: the penalty for units lost, beyond the margin",
              lambda o: o.lost_sale_cost),
    Statistic("total_cost", "product", "money",
              "lost_margin + backorder_cost + lost_sale_cost: what backorders cost",
              lambda o: o.total_cost),
)

#: product statistics also reported summed over all products (``totals`` in report.json).
TOTAL_STATISTICS = ("lost_units", "substituted_units", "lost_revenue", "lost_margin",
                    "backorder_cost", "lost_sale_cost", "total_cost")

PART_STATISTICS: tuple[Statistic, ...] = (
    Statistic("stock_out_time", "part", "{time}s",
              "time after warm-up during which something waits for the part",
              lambda o: o.stock_out_time),
)

SUPPLIER_STATISTICS: tuple[Statistic, ...] = (
    Statistic("down_time", "supplier", "{time}s",
              "time after warm-up the supplier is down (overlaps counted once)",
              lambda o: o.down_time),
    Statistic("units_not_delivered", "supplier", "units",
              "units of orders placed with the supplier that were held by it being down",
              lambda o: o.units_not_delivered),
)

STATISTICS: dict[str, tuple[Statistic, ...]] = {
    "product": PRODUCT_STATISTICS,
    "part": PART_STATISTICS,
    "supplier": SUPPLIER_STATISTICS,
}


def statistic(subject: str, name: str) -> Statistic:
    """The statistic ``name`` of ``subject`` (``product``, ``part``, ``supplier``)."""
    for stat in STATISTICS[subject]:
        if stat.name == name:
            return stat
    raise KeyError(f"no {subject} statistic named {name!r}")
