"""Real multi-echelon supply chains (Willems 2008) as riskmap networks, for tests and benchmarks.

S. P. Willems, "Real-World Multiechelon Supply Chains Used for Inventory
Optimization", *Manufacturing & Service Operations Management* 10(1), 2008,
19-23, published 38 supply chains from industry (8 to 2,025 stages). A chain
is a CSV file with one stage a row::

    stage_id, lead_time, max_s_time, cost_rate, risk_pool, ext_demand_mean,
    ext_demand_std, ext_demand_thres, up_stages...

where ``up_stages`` is a list of pairs ``STAGE, QUANTITY`` (the stages this one
needs, and how many units of each per unit). :func:`read_chain` turns one into
a :class:`~riskmap.model.Network` by this rule:

* a stage without upstream stages is a part bought from a supplier of its
  own (``sup-<stage>``), its lead time the stage's ``lead_time``;
* any other stage is made from its upstream stages (``bom`` = the
  quantities, ``assembly_time`` = the stage's ``lead_time``);
* a stage with external demand is a product: Poisson unit orders at rate
  ``ext_demand_mean`` where the mean is below :data:`POISSON_BELOW` a day,
  otherwise one order a day of a size with that mean and standard deviation
  (normal, truncated at 0, or gamma where the standard deviation exceeds the
  mean);
* every stage reviews its inventory position once a day
  (``review_period: 1``) and orders up to a base stock covering its
  replenishment time plus that day at ``z`` (1.645 by default), from the
  demand reaching it through the bills of materials (means add, variances
  add times quantity squared); it starts with that stock.

The module reads the file it is given; the chains riskmap's benchmarks use are
kept in ``benchmarks/data/willems/`` with their source and licence.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, Union

from riskmap.dists import Constant, Gamma, Normal
from riskmap.model import PART, PRODUCT, Demand, Item, Network, Policy, Source, Supplier

if TYPE_CHECKING:
    from riskmap.model import Scenario

#: external demand below this many units a day is Poisson unit orders; above, one order a day.
POISSON_BELOW = 5.0
#: the safety factor of the base-stock levels (the 95th percentile of a normal).
SAFETY_Z = 1.645
#: every stage reviews its position once a day.
REVIEW_PERIOD = 1.0


class Stage:
    """One row of a chain file."""

    __slots__ = ("id", "lead_time", "demand_mean", "demand_std", "upstream")

    def __init__(self, id: str, lead_time: float, demand_mean: Optional[float],
                 demand_std: Optional[float], upstream: tuple[tuple[str, int], ...]):
        self.id = id
        self.lead_time = lead_time
        self.demand_mean = demand_mean
        self.demand_std = demand_std
        self.upstream = upstream


def read_stages(path: Union[str, Path]) -> list[Stage]:
    """The stages of a chain file, in file order."""
    stages = []
    with open(path, newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)  # the header
        for row in rows:
            if not row or not row[0].strip():
                continue
            pairs = [cell.strip() for cell in row[8:] if cell.strip()]
            upstream = tuple((pairs[k], max(1, int(round(float(pairs[k + 1])))))
                             for k in range(0, len(pairs) - 1, 2))
            stages.append(Stage(row[0].strip(), _number(row[1]) or 0.0, _number(row[5]),
                                _number(row[6]), upstream))
    return stages


def _number(text: str) -> Optional[float]:
    text = text.strip()
    return float(text) if text else None


def read_chain(path: Union[str, Path], name: Optional[str] = None, ttr: float = 30.0,
               z: float = SAFETY_Z) -> Network:
    """The network of a chain file (see the module docstring).

    Parameters
    ----------
    path : str or Path
        A Willems chain (CSV).
    name : str, optional
        The network's name (default: the file name without its extension).
    ttr : float
        Every supplier's time to recover, for the risk map.
    z : float
        Safety factor of the base-stock levels.
    """
    stages = read_stages(path)
    users: dict[str, list[tuple[str, int]]] = {s.id: [] for s in stages}
    for stage in stages:
        for up, qty in stage.upstream:
            users.setdefault(up, []).append((stage.id, qty))
    mean, variance = _demand_through_boms(stages, users)
    suppliers, items = [], []
    for stage in sorted(stages, key=lambda s: s.id):
        level = base_stock(mean[stage.id], variance[stage.id], stage.lead_time, z)
        common = dict(id=stage.id, name=stage.id, stock=level,
                      policy=Policy("base_stock", level=level, review_period=REVIEW_PERIOD))
        if stage.upstream:
            common.update(bom=tuple(sorted(stage.upstream)),
                          assembly_time=Constant(stage.lead_time))
        else:
            supplier = f"sup-{stage.id}"
            suppliers.append(Supplier(supplier, supplier, ttr=Constant(ttr)))
            common.update(sources=(Source(supplier, lead_time=Constant(stage.lead_time)),))
        if stage.demand_mean:
            items.append(Item(kind=PRODUCT, demand=demand(stage.demand_mean, stage.demand_std),
                              **common))
        else:
            items.append(Item(kind=PART, **common))
    return Network(name or Path(path).stem, suppliers=tuple(suppliers), items=tuple(items))


def demand(mean: float, std: Optional[float]) -> Demand:
    """The customer demand of a stage with external demand ``mean`` (and ``std``) a day."""
    if mean < POISSON_BELOW:
        return Demand(rate=mean)
    std = std or 0.0
    if std == 0:
        size = Constant(mean)
    elif std > mean:
        size = Gamma(mean, std)
    else:
        size = Normal(mean, std)
    return Demand(interval=Constant(1.0), size=size)


def _demand_through_boms(stages: list[Stage], users: dict[str, list[tuple[str, int]]]):
    """Mean and variance of the daily demand reaching every stage (users before components)."""
    by_id = {s.id: s for s in stages}
    mean: dict[str, float] = {}
    variance: dict[str, float] = {}

    def visit(stage_id: str) -> None:
        if stage_id in mean:
            return
        stage = by_id[stage_id]
        m = stage.demand_mean or 0.0
        # the variance of the demand as simulated: Poisson below POISSON_BELOW, else the size's
        v = m if m < POISSON_BELOW else (stage.demand_std or 0.0) ** 2
        for user, qty in users.get(stage_id, ()):
            visit(user)
            m += qty * mean[user]
            v += qty * qty * variance[user]
        mean[stage_id], variance[stage_id] = m, v

    for stage in stages:
        visit(stage.id)
    return mean, variance


def base_stock(mean: float, variance: float, lead_time: float, z: float = SAFETY_Z) -> int:
    """Units covering ``lead_time`` plus a review period of demand of daily ``mean`` and ``variance`` at ``z``.

    >>> base_stock(10.0, 10.0, 3.0)  # 10 x 4 days + 1.645 x sqrt(10 x 4) = 50.4
    51
    """
    cover = lead_time + REVIEW_PERIOD
    return max(1, math.ceil(mean * cover + z * math.sqrt(variance * cover)))


def chain_scenario(network: Network, horizon: float = 365.0, replications: int = 5,
                   seed: int = 1, outages: int = 3, also: Sequence[str] = ()) -> "Scenario":
    """A year of trouble on a chain: its most shared suppliers down, a surge on its largest product.

    The ``outages`` suppliers whose parts feed the most products stop from day
    90 for 20 to 60 days (uniform), and so do the suppliers named in ``also``
    (after them, skipping those already struck); the product with the largest
    demand sees half as much demand again from day 200 for 30 days. Ties are
    broken by id, so the scenario depends on the network (and ``also``) only.
    """
    from riskmap.dists import Uniform
    from riskmap.graph import supply_graph
    from riskmap.model import Disruption, Scenario, Target

    graph = supply_graph(network)
    fed = {s.id: len({p for i in network.items for src in i.sources if src.supplier == s.id
                      for p in graph.products_fed(i.id)}) for s in network.suppliers}
    struck = sorted(fed, key=lambda s: (-fed[s], s))[:outages]
    struck += [sid for sid in dict.fromkeys(also) if sid not in struck]
    disruptions = [Disruption(f"outage-{k + 1}", "outage", Target("supplier", sid),
                              at=Constant(90.0), duration=Uniform(20.0, 60.0))
                   for k, sid in enumerate(struck)]
    products = sorted(network.products, key=lambda p: (-p.demand.mean_units_rate, p.id))
    if products:
        disruptions.append(Disruption("surge", "demand_surge", Target("product", products[0].id),
                                      at=Constant(200.0), duration=Constant(30.0), factor=1.5))
    return Scenario(f"{network.name} under disruption", network, horizon=horizon,
                    replications=replications, seed=seed, disruptions=tuple(disruptions))
