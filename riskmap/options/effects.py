"""Paired effects: what an option changes, estimated on the differences of paired replications.

Both runs of a comparison share the root seed and the replication count, so
replication ``i`` of both draws the same demand, lead times and disruptions
(common random numbers: the engine draws each source of randomness from its
own named stream, docs/simulation.md). The difference of replication ``i``
is then the effect of the change alone, and the effect is estimated on those
paired differences: a Student t interval on ``n`` differences, whose width
reflects only how much the *effect* varies, not how much the outcomes vary
(docs/counterfactuals.md, "Why pairing matters").

Sign convention: every effect is "with the option minus without it", turned
so that positive is good: ``backorder_units_avoided`` = backordered units
without minus with, ``fill_rate_gain`` = fill rate with minus without,
``lost_revenue_avoided`` = lost revenue without minus with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

from riskmap.options.tables import Effect
from riskmap.run.samples import Samples
from riskmap.stats import Estimate, estimate_mean, rounded
from riskmap.stats.differences import welch_interval


def fill_rates(filled: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """The fill rate of each replication, NaN where it is undefined.

    The rule of :func:`riskmap.sim.results.fill_rate` (units filled from
    stock / units ordered, undefined when nothing was ordered) applied to
    arrays: NaN stands for its ``None``, and :func:`paired_estimate` leaves
    those replications out as the fill-rate statistic does.

    Parameters
    ----------
    filled, ordered : numpy.ndarray
        Units filled from stock and units ordered, one entry per replication.

    Returns
    -------
    numpy.ndarray
        ``filled / ordered`` (float), NaN where ``ordered`` is 0.

    Examples
    --------
    >>> fill_rates(np.array([8.0, 0.0]), np.array([10.0, 0.0]))
    array([0.8, nan])
    """
    ordered = np.asarray(ordered, dtype=float)
    filled = np.asarray(filled, dtype=float)
    # divide by 1 where nothing was ordered, so no division warning is raised for the NaNs
    return np.where(ordered > 0, filled / np.where(ordered > 0, ordered, 1), np.nan)


@dataclass(frozen=True)
class Outcomes:
    """Per-replication totals of one run, in replication order.

    Attributes
    ----------
    backorders : numpy.ndarray
        Backordered units, summed over products.
    ordered, filled : dict
        ``{product id: array}`` of units ordered and units filled from stock.
    lost_revenue : numpy.ndarray or None
        Lost revenue summed over products; ``None`` when the products carry
        no price.
    """

    backorders: np.ndarray
    ordered: dict[str, np.ndarray]
    filled: dict[str, np.ndarray]
    lost_revenue: Optional[np.ndarray]

    @property
    def fill_rate(self) -> np.ndarray:
        """Pooled fill rate of all products per replication (:func:`fill_rates`)."""
        ordered = sum(self.ordered.values(), np.zeros(len(self.backorders)))
        filled = sum(self.filled.values(), np.zeros(len(self.backorders)))
        return fill_rates(filled, ordered)

    def product_fill_rate(self, product: str) -> np.ndarray:
        """Fill rate of ``product`` per replication (:func:`fill_rates`)."""
        return fill_rates(self.filled[product], self.ordered[product])


def outcomes(samples: Samples) -> Outcomes:
    """The per-replication totals that effects are computed on.

    Parameters
    ----------
    samples : Samples
        The per-replication values of one run (``RunSummary.samples``).

    Returns
    -------
    Outcomes
    """
    table = samples.values.get("product", {})
    products = sorted(samples.ordered)
    backorders = np.zeros(samples.count)
    revenue = np.zeros(samples.count)
    priced = False
    for pid in products:
        backorders += np.asarray(table[pid]["backorder_units"], dtype=float)
        lost = table[pid].get("lost_revenue")
        if lost is not None and any(v is not None for v in lost):
            priced = True
            revenue += np.array([v or 0.0 for v in lost], dtype=float)
    return Outcomes(
        backorders=backorders,
        ordered={pid: np.asarray(samples.ordered[pid], dtype=float) for pid in products},
        filled={pid: np.asarray(samples.filled[pid], dtype=float) for pid in products},
        lost_revenue=revenue if priced else None)


def paired_estimate(differences: np.ndarray, unit: str) -> Estimate:
    """Mean of paired differences with its Student t interval; undefined pairs (NaN) left out.

    Parameters
    ----------
    differences : numpy.ndarray
        One difference per replication; NaN where either run leaves the
        value undefined (a fill rate without orders).
    unit : str
        The unit of the estimate.

    Returns
    -------
    Estimate
    """
    differences = np.asarray(differences, dtype=float)
    return estimate_mean(differences[~np.isnan(differences)], unit)


def unpaired_interval(better: np.ndarray, worse: np.ndarray,
                      level: float = 0.95) -> tuple[Optional[float], Optional[float]]:
    """Welch interval for ``mean(worse) - mean(better)`` as if the two runs were independent.

    What two separately seeded runs would allow one to say about the same
    difference; reported next to the paired interval to show what pairing
    buys. ``(None, None)`` with fewer than two replications.
    """
    a, b = np.asarray(worse, dtype=float), np.asarray(better, dtype=float)
    n, m = len(a), len(b)
    if n < 2 or m < 2:
        return (None, None)
    va, vb = float(np.var(a, ddof=1)) / n, float(np.var(b, ddof=1)) / m
    return welch_interval(float(np.mean(a) - np.mean(b)), va, n, vb, m, level)


def excludes_zero(estimate: Optional[Estimate]) -> bool:
    """Whether the 95 % interval of ``estimate`` lies wholly above or wholly below 0."""
    if estimate is None or estimate.ci95[0] is None or estimate.ci95[1] is None:
        return False
    low, high = estimate.ci95
    return low > 0 or high < 0


def paired_effect(with_option: Samples, without_option: Samples,
                  products: Optional[Iterable[str]] = None) -> Effect:
    """The effect of an option from two runs sharing their seeds.

    Parameters
    ----------
    with_option, without_option : Samples
        Per-replication values of the two runs, same replication count.
    products : iterable of str, optional
        Products whose fill-rate gain is reported one by one (default all).
    """
    if with_option.count != without_option.count:
        raise ValueError(f"paired runs need the same replications, got {with_option.count} "
                         f"and {without_option.count}")
    good, bad = outcomes(with_option), outcomes(without_option)
    avoided = bad.backorders - good.backorders
    by_product = {pid: paired_estimate(good.product_fill_rate(pid) - bad.product_fill_rate(pid),
                                       "ratio")
                  for pid in sorted(products if products is not None else good.ordered)
                  if pid in good.ordered}
    revenue = None
    if good.lost_revenue is not None and bad.lost_revenue is not None:
        revenue = paired_estimate(bad.lost_revenue - good.lost_revenue, "money")
    changed = int(np.count_nonzero(
        (avoided != 0) | (np.nan_to_num(good.fill_rate) != np.nan_to_num(bad.fill_rate))))
    units = paired_estimate(avoided, "units")
    gain = paired_estimate(good.fill_rate - bad.fill_rate, "ratio")
    return Effect(
        backorder_units_avoided=units.rounded(),
        fill_rate_gain=gain.rounded(),
        fill_rate_gain_by_product={pid: est.rounded() for pid, est in by_product.items()},
        lost_revenue_avoided=None if revenue is None else revenue.rounded(),
        unpaired_ci95=tuple(rounded(v) for v in unpaired_interval(good.backorders, bad.backorders)),
        changed_replications=changed,
        significant=excludes_zero(units) or excludes_zero(gain))



def product_totals(samples: Samples, name: str, products: Iterable[str]) -> np.ndarray:
    """Per replication, product statistic ``name`` summed over ``products`` (undefined as 0)."""
    table = samples.values.get("product", {})
    total = np.zeros(samples.count)
    for pid in sorted(products):
        if pid in table and name in table[pid]:
            total += np.array([v or 0.0 for v in table[pid][name]], dtype=float)
    return total


def paired_loss(with_option: Samples, without_option: Samples, name: str, unit: str,
                products: Iterable[str]) -> Estimate:
    """The paired effect on a loss: ``name`` summed over ``products``, without minus with.

    As ``lost_revenue_avoided`` of :func:`paired_effect` for any product
    statistic (``lost_margin``, ``backorder_units``) and any set of products;
    rounded as reported.
    """
    if with_option.count != without_option.count:
        raise ValueError(f"paired runs need the same replications, got {with_option.count} "
                         f"and {without_option.count}")
    chosen = list(products)
    return paired_estimate(product_totals(without_option, name, chosen)
                           - product_totals(with_option, name, chosen), unit).rounded()
