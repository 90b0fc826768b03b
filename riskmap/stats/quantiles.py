"""Distribution-free confidence intervals for percentiles across replications.

Every estimate with percentiles (``p50``, ``p90``, ``p95``,
:mod:`riskmap.stats.estimates`) carries an interval for each of them,
``p50_ci95``..., from the order statistics of the per-replication values; an
``expect:`` line with ``stat: p90`` is judged against it (docs/ci.md).

References
----------
W. J. Conover, *Practical Nonparametric Statistics*, 3rd ed. (1999), section 3.2;
H. A. David and H. N. Nagaraja, *Order Statistics*, 3rd ed. (2003), section 7.1.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
# the binomial distribution function of scipy.special: scipy.stats costs about a second to import
from scipy.special import bdtr

#: confidence level of every interval.
LEVEL = 0.95

#: the percentile levels reported, by their key.
QUANTILES = {"p50": 0.50, "p90": 0.90, "p95": 0.95}


def quantile_interval(values: Sequence[float], q: float,
                      level: float = LEVEL) -> tuple[float, float]:
    """Distribution-free confidence interval for the ``q`` quantile of ``values``.

    The number of values below the true quantile ``x_q`` is Binomial(n, q),
    whatever the distribution, so the order statistics ``X(l) <= x_q <=
    X(u)`` hold with probability at least ``level`` for the ranks chosen
    here, with at most ``(1 - level) / 2`` in each tail. With few values a
    bound may not exist: it is then infinite (``-inf`` or ``inf``).

    >>> quantile_interval(range(1, 101), 0.5)
    (40.0, 61.0)
    >>> quantile_interval(range(1, 31), 0.95)[1]
    inf
    """
    data = np.sort(np.asarray([v for v in values if v is not None], dtype=float))
    n = len(data)
    if n == 0:
        return (-math.inf, math.inf)
    tail = (1.0 - level) / 2.0
    cdf = bdtr(np.arange(0, n), n, q)  # P(Bin(n, q) <= k), k = 0..n-1
    # lower rank l: P(X(l) > x_q) = P(Bin <= l - 1) <= tail, the largest such l
    lows = np.nonzero(cdf <= tail)[0]
    low = float(data[lows[-1]]) if len(lows) else -math.inf  # rank l = index + 1
    # upper rank u: P(X(u) < x_q) <= P(Bin >= u) = 1 - cdf(u - 1) <= tail, the smallest u
    highs = np.nonzero(cdf >= 1.0 - tail)[0]
    high = float(data[highs[0]]) if len(highs) else math.inf
    return (low, high)


def quantile_min_replications(q: float, upper: bool = True, level: float = LEVEL) -> int:
    """Fewest values for which :func:`quantile_interval` has an upper (or lower) bound.

    The upper bound ``X(n)`` covers with probability ``1 - q**n``, so it exists
    once ``q**n <= (1 - level) / 2``; the lower one once ``(1 - q)**n`` is.

    >>> quantile_min_replications(0.95), quantile_min_replications(0.9)
    (72, 36)
    """
    tail = (1.0 - level) / 2.0
    base = q if upper else 1.0 - q
    return math.ceil(math.log(tail) / math.log(base))
