"""The change of each product figure between two plans, with its 95 % interval.

Two ways, by what the inputs allow:

* **paired** (two scenarios run with the same seed and replications):
  replication ``i`` of both runs draws the same demand, lead times and
  disruptions (common random numbers), so the change is estimated on the
  per-replication differences with a Student t interval
  (:func:`riskmap.options.effects.paired_estimate`, the estimator of the
  counterfactual arms); a proportion (``backorder_probability``) is a 0/1
  value per replication and its differences take the same interval;
* **unpaired** (two report.json files): only the two estimates are known, so
  the change gets Welch's interval from their intervals and ``n``, and a
  proportion the normal approximation of a difference of two proportions
  (:mod:`riskmap.stats.differences`).

``change = head - base``; it is distinguishable from zero when its interval
excludes 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from riskmap.options.effects import paired_estimate
from riskmap.run.samples import Samples
from riskmap.stats import PRODUCT_STATISTICS, PROPORTION, Estimate, rounded
from riskmap.stats.differences import (Interval, excludes_zero, mean_difference,
                                       paired_ratio_difference, proportion_difference)

#: the statistics estimated as proportions (Wilson intervals in a report).
PROPORTIONS = frozenset(s.name for s in PRODUCT_STATISTICS if s.kind == PROPORTION)

#: the pooled fill rate of a product, beside the per-replication statistics (report.json's name).
POOLED = "fill_rate_pooled"

#: the figures whose worsening makes ``riskmap compare`` exit 1, and the sign of "worse".
WORSE_SIGN = {"fill_rate": -1, "backorder_probability": +1}


@dataclass(frozen=True)
class Change:
    """One figure of one product in both plans.

    Attributes
    ----------
    base, head : float or None
        The figure's mean in each plan (``None`` where undefined).
    mean : float or None
        ``head - base`` (the mean of the paired differences when paired).
    ci95 : tuple
        Its 95 % interval, ``(None, None)`` when it cannot be formed.
    unit : str
        The unit of the figure.
    """

    base: Optional[float]
    head: Optional[float]
    mean: Optional[float]
    ci95: Interval
    unit: str

    @property
    def distinguishable(self) -> bool:
        """Whether the interval of the change excludes 0."""
        return excludes_zero(self.ci95)

    def to_dict(self) -> dict:
        """compare.json's ``{base, head, change: {mean, ci95}, distinguishable}``, rounded."""
        return {"base": rounded(self.base), "head": rounded(self.head),
                "change": {"mean": rounded(self.mean),
                           "ci95": [rounded(self.ci95[0]), rounded(self.ci95[1])]},
                "distinguishable": self.distinguishable, "unit": self.unit}


def unpaired_change(name: str, base: Estimate, head: Estimate) -> Change:
    """The change of statistic ``name`` between two reported estimates (Welch or proportions)."""
    interval = (proportion_difference if name in PROPORTIONS else mean_difference)(base, head)
    mean = None if base.mean is None or head.mean is None else head.mean - base.mean
    return Change(base.mean, head.mean, mean, interval, head.unit or base.unit)


def report_changes(base: dict[str, Estimate], head: dict[str, Estimate]) -> dict[str, Change]:
    """Every estimate both product sections carry, by name (sorted)."""
    return {name: unpaired_change(name, base[name], head[name])
            for name in sorted(set(base) & set(head))}


def values(samples: Samples, product: str, name: str) -> np.ndarray:
    """The per-replication values of a product statistic as floats, NaN where undefined."""
    column = samples.values["product"][product][name]
    return np.array([np.nan if v is None else float(v) for v in column], dtype=float)


def paired_changes(base: Samples, head: Samples, product: str,
                   base_estimates: dict[str, Estimate],
                   head_estimates: dict[str, Estimate]) -> dict[str, Change]:
    """Every product statistic of ``product``, changed replication by replication.

    ``base_estimates``/``head_estimates`` are the runs' estimates of the
    product (``RunSummary.products[product]``), the means shown as base and head.
    """
    out = {}
    for stat in PRODUCT_STATISTICS:
        difference = paired_estimate(values(head, product, stat.name)
                                     - values(base, product, stat.name),
                                     head_estimates[stat.name].unit)
        out[stat.name] = Change(base_estimates[stat.name].mean, head_estimates[stat.name].mean,
                                difference.mean, difference.ci95, difference.unit)
    out[POOLED] = pooled_change(base, head, product)
    return dict(sorted(out.items()))


def pooled_change(base: Samples, head: Samples, product: str) -> Change:
    """The change of the pooled fill rate (units filled from stock over units ordered, over
    all replications: report.json's ``fill_rate_pooled``), paired
    (:func:`riskmap.stats.differences.paired_ratio_difference`)."""
    def ratio(samples: Samples) -> Optional[float]:
        ordered = float(np.sum(np.asarray(samples.ordered[product], dtype=float)))
        filled = float(np.sum(np.asarray(samples.filled[product], dtype=float)))
        return filled / ordered if ordered > 0 else None

    difference, interval = paired_ratio_difference(
        base.filled[product], base.ordered[product], head.filled[product], head.ordered[product])
    return Change(ratio(base), ratio(head), difference, interval, "ratio")


def worsening(name: str, change: Change) -> Optional[float]:
    """By how much ``change`` makes a fill rate or backorder probability distinguishably worse.

    ``None`` when the figure is not one of :data:`WORSE_SIGN` or the change
    is not a distinguishable worsening; else the worsening (> 0).
    """
    sign = WORSE_SIGN.get(name)
    if sign is None or change.mean is None or not change.distinguishable:
        return None
    amount = sign * change.mean
    return amount if amount > 0 else None
