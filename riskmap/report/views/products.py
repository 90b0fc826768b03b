"""Products in words: the ranking, the summary rows and sentences, the statistic tables.

Ranking
-------
Products are ranked riskiest first by

1. the mean backorder probability (higher first),
2. the mean backordered units (more first),
3. the product id (alphabetical), so ties never depend on dictionary order.

A missing figure counts as 0.

Money at risk
-------------
``revenue at risk`` = mean backordered units x the product's ``price`` and
``margin at risk`` = mean backordered units x its ``margin``: the revenue
(margin) of the units that could not ship when ordered, whether they shipped
late or were cancelled. Both need the product's price or margin in the
report's network; without it they are ``None`` (shown as a dash).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from riskmap.model import Item, Network
from riskmap.report.content import Report
from riskmap.report.text import MISSING, number, percent
from riskmap.stats import Estimate

#: statistics that every product carries (docs/running.md, "report.json"), in table order.
CORE_STATISTICS = ("backorder_probability", "backorder_units", "fill_rate",
                   "backlog_days", "lost_units")

#: product statistics shown first in a product's table, in this order; the
#: rest follow alphabetically.
STATISTIC_ORDER = CORE_STATISTICS + ("longest_wait", "time_to_first_backorder",
                                     "ordered_units", "shipped_units", "waiting_units_at_end")


def mean_of(estimate: Optional[Estimate]) -> Optional[float]:
    """The mean of an estimate; ``None`` when the estimate or its mean is absent.

    >>> mean_of(Estimate(0.5, (0.1, 0.9), 10, "ratio")), mean_of(None)
    (0.5, None)
    """
    return None if estimate is None else estimate.mean


def product_item(network: Network, product_id: str) -> Optional[Item]:
    """The product ``product_id`` of ``network``; ``None`` when the network has no such product."""
    if not network.has_item(product_id):
        return None
    item = network.item(product_id)
    return item if item.is_product else None


def product_name(network: Network, product_id: str) -> str:
    """The product's name in ``network``, else its id."""
    item = product_item(network, product_id)
    return item.name if item is not None and item.name else product_id


def rank_key(report: Report, product_id: str) -> tuple:
    """Sort key of one product: riskiest first, ties broken by id."""
    stats = report.products.get(product_id, {})
    probability = mean_of(stats.get("backorder_probability")) or 0.0
    units = mean_of(stats.get("backorder_units")) or 0.0
    return (-probability, -units, product_id)


def rank_products(report: Report) -> list[str]:
    """Product ids of a report, riskiest first (see the module docstring).

    Parameters
    ----------
    report : Report
        The report of a run.

    Returns
    -------
    list of str
        Every id of ``report.products``.
    """
    return sorted(report.products, key=lambda pid: rank_key(report, pid))


@dataclass(frozen=True)
class ProductSummary:
    """One row of the summary table, figures already reduced to means.

    ``None`` marks a figure the report does not hold.
    """

    rank: int
    id: str
    name: str
    backorder_probability: Optional[float]
    backorder_units: Optional[float]
    fill_rate: Optional[float]
    longest_wait: Optional[float]
    lost_units: Optional[float]
    revenue_at_risk: Optional[float]
    margin_at_risk: Optional[float]
    sentence: str


def summarize_products(report: Report) -> list[ProductSummary]:
    """The summary rows, ranked by :func:`rank_products`, each with its sentence."""
    rows = []
    for rank, pid in enumerate(rank_products(report), start=1):
        stats = report.products[pid]
        item = product_item(report.network, pid)
        units = mean_of(stats.get("backorder_units"))
        row = ProductSummary(
            rank=rank, id=pid, name=product_name(report.network, pid),
            backorder_probability=mean_of(stats.get("backorder_probability")),
            backorder_units=units,
            fill_rate=mean_of(stats.get("fill_rate")),
            longest_wait=mean_of(stats.get("longest_wait")),
            lost_units=mean_of(stats.get("lost_units")),
            revenue_at_risk=_times(units, None if item is None else item.price),
            margin_at_risk=_times(units, None if item is None else item.margin),
            sentence="")
        sentence = product_sentence(row, report.time_unit, report.scenario.replications)
        rows.append(replace(row, sentence=sentence))
    return rows


def _times(units: Optional[float], money: Optional[float]) -> Optional[float]:
    if units is None or money is None:
        return None
    return units * float(money)


def product_sentence(row: ProductSummary, time_unit: str,
                     replications: Optional[int] = None) -> str:
    """One plain-words sentence about a product's backorder risk.

    >>> row = ProductSummary(1, "p", "Pedal", 0.25, 12.0, 0.97, 4.0, 2.0, None, None, "")
    >>> product_sentence(row, "day", 40)
    'Pedal falls into backorder in 25% of the 40 simulated runs: on average 12 units wait, the longest wait is 4 days, 2 units are cancelled, and 97.0% of units ship from stock.'
    """
    runs = (f"the {replications} simulated runs" if isinstance(replications, int)
            else "the simulated runs")
    probability = row.backorder_probability
    if probability is None:
        return f"{row.name}: the report holds no backorder figures."
    if probability == 0:
        tail = (f"; {percent(row.fill_rate, 1)} of units ship from stock."
                if row.fill_rate is not None else ".")
        return f"{row.name} never falls into backorder in {runs}{tail}"
    clauses = []
    if row.backorder_units is not None:
        clauses.append(f"on average {number(row.backorder_units)} "
                       f"{_plural(row.backorder_units, 'unit')} wait")
    if row.longest_wait is not None:
        clauses.append(f"the longest wait is {number(row.longest_wait)} "
                       f"{_plural(row.longest_wait, time_unit)}")
    if row.lost_units is not None:
        clauses.append(f"{number(row.lost_units)} {_plural(row.lost_units, 'unit')} "
                       f"{'is' if _is_one(row.lost_units) else 'are'} cancelled")
    if row.fill_rate is not None:
        clauses.append(f"{percent(row.fill_rate, 1)} of units ship from stock")
    text = f"{row.name} falls into backorder in {percent(probability)} of {runs}"
    if clauses:
        body = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + ", and " + clauses[-1]
        text += ": " + body
    return text + "."


def _is_one(value: float) -> bool:
    return number(value) == "1"


def _plural(value: float, word: str) -> str:
    return word if _is_one(value) else word + "s"


def estimate_text(estimate: Optional[Estimate], as_percent: bool = False, digits: int = 0) -> str:
    """``mean [low, high]`` of an estimate, a dash when absent.

    >>> estimate_text(Estimate(0.8, (0.38, 0.96), 5, "probability"), as_percent=True)
    '80% [38%, 96%]'
    """
    def fmt(value):
        return percent(value, digits) if as_percent else number(value)

    mean = mean_of(estimate)
    if mean is None:
        return MISSING
    low, high = estimate.ci95
    if low is None or high is None:
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


@dataclass(frozen=True)
class StatisticRow:
    """One statistic of one product as text: ``value`` is ``mean [95 % CI]``."""

    name: str
    value: str
    p50: str
    p90: str
    p95: str
    unit: str
    description: str


def statistic_rows(report: Report, product_id: str) -> list[StatisticRow]:
    """Every statistic the report holds for a product (nothing added), :data:`STATISTIC_ORDER` first."""
    stats = report.products.get(product_id) or {}
    order = {name: k for k, name in enumerate(STATISTIC_ORDER)}
    rows = []
    for name in sorted(stats, key=lambda n: (order.get(n, len(order)), n)):
        stat = stats[name]
        info = report.statistics.get(f"product.{name}")
        unit = stat.unit or (info.unit if info is not None else "")
        as_percent = unit in ("probability", "ratio")

        def fmt(value: Optional[float]) -> str:
            if not stat.has_percentiles:
                value = None
            return percent(value, 1) if as_percent else number(value)

        rows.append(StatisticRow(
            name=name.replace("_", " "),
            value=estimate_text(stat, as_percent=as_percent, digits=1),
            p50=fmt(stat.p50), p90=fmt(stat.p90), p95=fmt(stat.p95),
            unit="share" if as_percent else unit,
            description=info.description if info is not None else ""))
    return rows


#: the figures of a product's per-class table, in column order, with their headings.
CLASS_COLUMNS = (("fill_rate", "fill rate"), ("backorder_probability", "P(backorder)"),
                 ("backorder_units", "backordered units"), ("wait", "mean wait"),
                 ("eta_kept", "promises kept"), ("lost_units", "lost units"))


@dataclass(frozen=True)
class ClassRow:
    """One customer class of a product as text: id, priority, :data:`CLASS_COLUMNS` figures."""

    id: str
    priority: str
    values: tuple[str, ...]


#: how a product's waiting orders are served, for the caption of its class table.
ALLOCATION_WORDS = {"fifo": "first come first served",
                    "priority": "by priority, first served first",
                    "smallest_first": "smallest order first"}


def class_caption(report: Report, product_id: str) -> str:
    """The caption of a product's class table: how its waiting orders are served."""
    item = product_item(report.network, product_id)
    allocation = item.allocation if item is not None else "fifo"
    return (f"Per customer class, served {ALLOCATION_WORDS.get(allocation, allocation)} "
            "(mean [95 % CI]):")


def class_rows(report: Report, product_id: str) -> list[ClassRow]:
    """The product's customer classes: by priority under ``allocation: priority``, else as listed.

    Empty for a product without classes. The priority comes from the report's
    network (a dash for a class it does not list, or when priorities play no part).
    """
    per_class = report.classes.get(product_id) or {}
    item = product_item(report.network, product_id)
    listed = item.demand.classes if item is not None and item.demand is not None else ()
    # a priority is shown only where it decides who is served first
    priority = ({c.id: c.priority for c in listed}
                if item is not None and item.allocation == "priority" else {})
    place = {c.id: k for k, c in enumerate(listed)}
    order = sorted(per_class, key=lambda cid: (cid not in place, priority.get(cid, 0),
                                               place.get(cid, 0), cid))
    rows = []
    for cid in order:
        stats = per_class[cid]
        values = []
        for name, _ in CLASS_COLUMNS:
            stat = stats.get(name)
            share = stat is not None and stat.unit in ("probability", "ratio")
            values.append(estimate_text(stat, as_percent=share, digits=1 if share else 0))
        rows.append(ClassRow(cid, str(priority[cid]) if cid in priority else MISSING,
                             tuple(values)))
    return rows
