"""The order-size distribution of a product, from the quantities of its order lines.

The rule (docs/import.md, "How demand is fitted"):

* every line the same quantity: that constant;
* a rich history, at least :data:`EMPIRICAL_MIN_LINES` lines with few distinct
  quantities (at most one per :data:`LINES_PER_VALUE` lines, and at most
  :data:`EMPIRICAL_MAX_VALUES`): the empirical distribution, each quantity
  weighted by its number of lines;
* otherwise a gamma distribution with the history's coefficient of variation
  (method of moments), scaled so that the mean of the *drawn* size, rounded to a
  whole number and at least 1 as the engine does, is the history's mean: with a
  few lines or many distinct quantities the frequencies of single values are
  noise, and two moments are what such a history can tell.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

from scipy import optimize, stats

EMPIRICAL_MIN_LINES = 30
LINES_PER_VALUE = 10
EMPIRICAL_MAX_VALUES = 50


@dataclass(frozen=True)
class SizeFit:
    """A fitted order size: its file form, the rule that chose it, and its moments.

    ``spec`` is a whole number (constant) or a ``{dist: ...}`` mapping;
    ``drawn_mean`` the mean units per order the engine draws from it.
    """

    spec: Any
    rule: str  # "constant", "empirical" or "gamma"
    mean: float  # of the history's lines
    sd: float
    drawn_mean: float


def fit_sizes(quantities: Sequence[int]) -> SizeFit:
    """The order-size distribution of the quantities of a product's order lines.

    >>> fit_sizes([2, 2, 2]).spec
    2
    >>> fit_sizes([1] * 20 + [2] * 10 + [4] * 5).spec
    {'dist': 'empirical', 'values': [1, 2, 4], 'weights': [20, 10, 5]}
    """
    n = len(quantities)
    if n == 0:
        return SizeFit(1, "constant", 1.0, 0.0, 1.0)
    mean = math.fsum(quantities) / n
    sd = math.sqrt(math.fsum((q - mean) ** 2 for q in quantities) / (n - 1)) if n > 1 else 0.0
    counts = sorted(Counter(quantities).items())
    if len(counts) == 1:
        return SizeFit(int(counts[0][0]), "constant", mean, 0.0, mean)
    if n >= EMPIRICAL_MIN_LINES and len(counts) <= min(EMPIRICAL_MAX_VALUES, n // LINES_PER_VALUE):
        spec = {"dist": "empirical", "values": [int(v) for v, _ in counts],
                "weights": [int(c) for _, c in counts]}
        return SizeFit(spec, "empirical", mean, sd, mean)
    scale = _scale_for_rounding(mean, sd / mean)
    spec = {"dist": "gamma", "mean": _round(scale * mean), "sd": _round(scale * sd)}
    return SizeFit(spec, "gamma", mean, sd, drawn_mean(spec["mean"], spec["sd"]))


def drawn_mean(mean: float, sd: float) -> float:
    """Mean of ``max(1, round(X))`` for ``X`` gamma with that mean and sd.

    ``1 + sum over k >= 2 of P(X >= k - 1/2)``: the rounded draw is at least ``k``
    exactly when ``X >= k - 1/2`` (ties have probability 0).
    """
    shape = (mean / sd) ** 2
    dist = stats.gamma(shape, scale=sd * sd / mean)
    top = int(math.ceil(dist.isf(1e-12))) + 2
    return 1.0 + math.fsum(float(p) for p in dist.sf([k - 0.5 for k in range(2, top + 1)]))


def _scale_for_rounding(mean: float, cv: float) -> float:
    """The factor ``c`` such that gamma(c mean, c cv mean) drawn as the engine draws has ``mean``."""
    def gap(c: float) -> float:
        return drawn_mean(c * mean, c * cv * mean) - mean

    if gap(1.0) == 0.0:
        return 1.0
    return float(optimize.brentq(gap, 1e-6, 4.0, xtol=1e-10))


def _round(x: float) -> float:
    """Four significant digits, for a file a planner reads."""
    return float(f"{x:.4g}")
