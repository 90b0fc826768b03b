"""Synthetic supply networks, for benchmarks and tests.

:func:`synthetic_network` draws a layered network from a seeded
:class:`numpy.random.Generator`:

* a pool of tier-2 suppliers (about 5 %) that deliver nothing directly; about
  10 % of the other suppliers ``depends_on`` one or two of them, with a cover;
* bought parts (about 70 % of parts) with one to three primary sources and,
  for about 15 %, an alternate source with an activation delay;
* made parts (the rest), each assembled from two to four parts of lower index
  (so the bills of materials are acyclic);
* products made from three to eight parts, with Poisson demand and a margin.

Capacities are drawn *after* the demand has been exploded through the bills of
materials, at 1.2 to 2 times what each lane must carry, so the baseline (nothing
down) meets demand for ever. About a third of the suppliers carry a supplier
capacity instead of lane capacities.

Every item is stocked the way a planner would, from its demand rate ``r``
(product demand exploded through the bills of materials,
:attr:`~riskmap.graph.SupplyGraph.demand_rates`, units per day) and its
replenishment lead time ``L`` (:func:`replenishment_lead_times`):

* ``L`` of a bought item is the longest mean lead time of its primary lanes;
  of a made item, its mean assembly time (0 here) plus a quarter of the longest
  ``L`` among its components (components are stocked too, so a batch seldom
  waits for one). An item both bought and made takes the larger.
* A policy kind is drawn: ``base_stock`` (30 %), ``min_max`` (35 %) or
  ``reorder_point`` (35 %); 15 % of policies review periodically, every 1, 2,
  3, 5 or 7 days (``R``; 0 for continuous review). Batch policies order
  ``Q = max(1, ceil(r * c))`` units, ``c`` drawn uniformly in 2 to 8 days.
* The reorder level covers the demand over ``T = L + R + U / (1.2 r)``, where
  ``U`` is the item's ``lump`` (below), the units of one typical order, and
  ``U / (1.2 r)`` the longest such an order takes on a lane or line working at
  1.2 times its load: ``ceil(m + z * sqrt(v * m))`` with ``m = r * T``,
  at least 1 (:func:`reorder_level`). ``z`` is ``safety_z`` (2 by default, the
  97.7th percentile of a normal approximation); ``v`` is the variance-to-mean
  ratio of the item's demand: 1 for a product (Poisson orders of one unit), and
  for a component the demand-weighted sum over its users of ``qty * lump``
  (users are stocked before their components). An item's ``lump`` is its batch
  ``Q`` (for base stock, its own ``v``: one for one passes its demand on), or
  its ``r * R`` if larger (a periodic review orders what was used since the
  last); each lump is counted as a Poisson arrival of ``qty * lump`` units.
* ``base_stock``: level = that reorder level; ``min_max``: min = it,
  max = min + ``Q``; ``reorder_point``: point = it, quantity = ``Q``.
* The starting ``stock`` is the policy's target (level, max, or point +
  quantity). An item no product needs gets ``base_stock`` level 1 and stock 1.

Policies are drawn from a second generator spawned from the same seed, so the
lanes, capacities and bills of materials do not depend on how items are
stocked. With no disruption, nearly every customer order ships at once
(docs/performance.md, "Network size and horizon").

:func:`riskmap.load.dump.network_file` turns any :class:`~riskmap.model.Network` into the
mapping of a network file (docs/reference.md) and :func:`write_network` writes it.

>>> net = synthetic_network(20, 60, 5, seed=1)
>>> (len(net.suppliers), len(net.parts), len(net.products))
(20, 60, 5)
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Optional, Union

import numpy as np

from riskmap.dists import Constant, Dist
from riskmap.graph import supply_graph
from riskmap.model import (PART, PRODUCT, Demand, Item, Network, Policy, Region, Source,
                            Supplier)
from riskmap.load.dump import network_text

#: Safety factor: the normal-approximation z of the lead-time demand covered
#: (z = 2 is about the 97.7th percentile).
SAFETY_Z = 2.0
#: Policy kinds and the probability of each.
POLICY_KINDS = ("base_stock", "min_max", "reorder_point")
POLICY_WEIGHTS = (0.3, 0.35, 0.35)
#: Probability that a policy reviews periodically, and the review periods drawn from.
REVIEW_SHARE = 0.15
REVIEW_PERIODS = (1.0, 2.0, 3.0, 5.0, 7.0)
#: Batch policies order about this many days of demand at a time (drawn uniformly).
CYCLE_DAYS = (2, 8)
#: A made item waits for a missing component about this fraction of the
#: component's own replenishment lead time: components are stocked too, so
#: most batches start at once.
COMPONENT_ALLOWANCE = 0.25
#: The slowest a lane or line works, relative to the demand it carries (see
#: :func:`_finish_item`): a batch of ``Q`` units takes up to ``Q / (1.2 rate)``.
MIN_CAPACITY_FACTOR = 1.2
#: The fastest, relative to the demand it carries.
MAX_CAPACITY_FACTOR = 2.0
#: The policy of an item no product needs.
IDLE_POLICY = Policy("base_stock", level=1)


def synthetic_network(n_suppliers: int, n_parts: int, n_products: int, n_regions: int = 8,
                      seed: int = 0, name: Optional[str] = None,
                      safety_z: float = SAFETY_Z) -> Network:
    """A random layered network whose baseline meets demand.

    Parameters
    ----------
    n_suppliers, n_parts, n_products : int
        Sizes (at least 2 suppliers, 1 part, 1 product).
    n_regions : int
        Regions suppliers are spread over.
    seed : int
        Seed of the :class:`numpy.random.Generator`; the same seed gives the same network.
    name : str, optional
        Network name (default ``synthetic-S-P-Q-seed``).
    safety_z : float
        Safety factor of every reorder level (:func:`reorder_level`); lower it
        to stock the network more thinly (0: no safety stock).

    Returns
    -------
    Network
    """
    if n_suppliers < 2 or n_parts < 1 or n_products < 1 or n_regions < 1:
        raise ValueError("need at least 2 suppliers, 1 part, 1 product and 1 region")
    rng = np.random.default_rng(seed)
    regions = tuple(Region(f"r{k:02d}", f"Region {k}") for k in range(n_regions))
    n_tier2 = max(1, n_suppliers // 20)
    supplier_ids = [f"s{k:05d}" for k in range(n_suppliers)]
    tier2, direct = supplier_ids[:n_tier2], supplier_ids[n_tier2:]
    parts = _draft_parts(rng, n_parts, direct)
    products = _draft_products(rng, n_products, n_parts)
    draft = Network(name or "draft", regions=regions,
                    suppliers=tuple(Supplier(s, s) for s in supplier_ids),
                    items=tuple(parts + products))
    graph = supply_graph(draft)
    rates = graph.demand_rates
    with_supplier_cap = set(np.array(direct)[rng.random(len(direct)) < 0.33].tolist())
    items = tuple(_finish_item(rng, item, rates, with_supplier_cap) for item in draft.items)
    items = _stock(_policy_rng(seed), items, graph.items_in_bom_order, rates, safety_z)
    load = _supplier_load(items, rates)
    suppliers = tuple(_supplier(rng, sid, regions, tier2, sid in with_supplier_cap, load)
                      for sid in supplier_ids)
    return Network(name or f"synthetic-{n_suppliers}-{n_parts}-{n_products}-{seed}",
                   regions=regions, suppliers=suppliers, items=items)


def _draft_parts(rng: np.random.Generator, n_parts: int, direct: list[str]) -> list[Item]:
    n_bought = max(1, int(round(0.7 * n_parts)))
    parts = []
    for k in range(n_parts):
        pid = f"p{k:06d}"
        if k < n_bought:
            count = int(rng.integers(1, 4))
            chosen = rng.choice(len(direct), size=min(count + 1, len(direct)), replace=False)
            sources = [Source(direct[int(c)]) for c in chosen[:count]]
            if rng.random() < 0.15 and len(chosen) > count:
                sources.append(Source(direct[int(chosen[count])], alternate=True,
                                      activation_delay=Constant(float(rng.integers(5, 31))),
                                      share=0.0))
            parts.append(Item(pid, PART, sources=tuple(_shares(sources))))
        else:
            size = int(rng.integers(2, 5))
            comps = rng.choice(k, size=min(size, k), replace=False)
            bom = tuple(sorted((f"p{int(c):06d}", int(rng.integers(1, 4))) for c in comps))
            parts.append(Item(pid, PART, bom=bom))
    return parts


def _shares(sources: list[Source]) -> list[Source]:
    primaries = sum(1 for s in sources if not s.alternate)
    return [s if s.alternate else replace(s, share=1.0 / primaries) for s in sources]


def _draft_products(rng: np.random.Generator, n_products: int, n_parts: int) -> list[Item]:
    products = []
    for k in range(n_products):
        size = int(rng.integers(3, 9))
        comps = rng.choice(n_parts, size=min(size, n_parts), replace=False)
        bom = tuple(sorted((f"p{int(c):06d}", int(rng.integers(1, 5))) for c in comps))
        rate = float(rng.integers(1, 21))
        products.append(Item(f"q{k:04d}", PRODUCT, bom=bom, demand=Demand(rate=rate),
                             margin=float(rng.integers(10, 500))))
    return products


def _finish_item(rng: np.random.Generator, item: Item, rates: dict[str, float],
                 with_supplier_cap: set[str]) -> Item:
    rate = rates.get(item.id, 0.0)
    # A part no product uses still gets a positive capacity (files require > 0).
    rate = max(rate, 1.0)
    factors = (MIN_CAPACITY_FACTOR, MAX_CAPACITY_FACTOR)
    sources = []
    for source in item.sources:
        if source.alternate:
            capacity = round(rate * rng.uniform(0.5, 1.5), 3)
        elif source.supplier in with_supplier_cap:
            capacity = None
        else:
            capacity = round(rate * source.share * rng.uniform(*factors), 3)
        sources.append(replace(source, capacity=capacity,
                               lead_time=Constant(float(rng.integers(1, 30)))))
    capacity = round(rate * rng.uniform(*factors), 3) if item.is_product else None
    return replace(item, sources=tuple(sources), capacity=capacity)


def _supplier_load(items: tuple[Item, ...], rates: dict[str, float]) -> dict[str, float]:
    """Units per time unit each supplier must deliver on its primary lanes at baseline."""
    load: dict[str, float] = {}
    for item in items:
        for source in item.primaries:
            load[source.supplier] = load.get(source.supplier, 0.0) + rates[item.id] * source.share
    return load


def _supplier(rng: np.random.Generator, sid: str, regions: tuple[Region, ...], tier2: list[str],
              has_capacity: bool, load: dict[str, float]) -> Supplier:
    region = regions[int(rng.integers(len(regions)))].id
    ttr = Constant(float(rng.integers(5, 61))) if rng.random() < 0.8 else None
    capacity = None
    if has_capacity:
        # Alternate lanes of this supplier draw on the same capacity: leave room for them.
        capacity = round(max(1.0, load.get(sid, 0.0)) * rng.uniform(1.3, 2.0), 3)
    depends_on: tuple[str, ...] = ()
    cover: Dist = Constant(0)
    if sid not in tier2 and rng.random() < 0.10:
        count = min(len(tier2), int(rng.integers(1, 3)))
        depends_on = tuple(sorted(tier2[int(i)] for i in rng.choice(len(tier2), count, replace=False)))
        cover = Constant(float(rng.integers(0, 21)))
    return Supplier(sid, sid, region=region, capacity=capacity, ttr=ttr,
                    depends_on=depends_on, cover=cover)


# -- replenishment policies and starting stock --------------------------------

def _policy_rng(seed: int) -> np.random.Generator:
    """A generator for policies, independent of the one that draws the network's structure.

    Spawned from the same seed, so a change in how policies are drawn never
    moves a lane, a capacity or a bill of materials.
    """
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])


def replenishment_lead_times(items: tuple[Item, ...], order: tuple[str, ...]) -> dict[str, float]:
    """Planned replenishment lead time of every item, before any batch's processing time.

    Bought items: the longest mean lead time of their primary lanes (an order
    split over several lanes is complete when its slowest part arrives). Made
    items: the mean assembly time plus :data:`COMPONENT_ALLOWANCE` times the
    longest lead time among their components. An item both bought and made
    takes the larger of the two.

    Parameters
    ----------
    items : tuple of Item
        The items.
    order : tuple of str
        Item ids with every component before its users
        (:attr:`~riskmap.graph.SupplyGraph.items_in_bom_order`).

    Returns
    -------
    dict
        Item id to lead time, in time units.
    """
    by_id = {item.id: item for item in items}
    lead: dict[str, float] = {}
    for item_id in order:
        item = by_id[item_id]
        bought = max((s.lead_time.mean for s in item.primaries), default=0.0)
        made = 0.0
        if item.bom:
            made = item.assembly_time.mean + COMPONENT_ALLOWANCE * max(lead[c] for c, _ in item.bom)
        lead[item_id] = max(bought, made)
    return lead


def reorder_level(rate: float, lead_time: float, dispersion: float = 1.0,
                  z: float = SAFETY_Z) -> int:
    """Units that cover the demand over ``lead_time`` with a safety stock, at least 1.

    ``ceil(m + z * sqrt(dispersion * m))`` with ``m = rate * lead_time``: the
    normal approximation of a Poisson lead-time demand (variance ``m``),
    widened by ``dispersion``, the variance-to-mean ratio of lumpy demand.

    >>> reorder_level(2.0, 8.0)
    24
    >>> reorder_level(0.0, 8.0)
    1
    """
    mean = rate * lead_time
    return max(1, math.ceil(mean + z * math.sqrt(dispersion * mean)))


def _stock(rng: np.random.Generator, items: tuple[Item, ...], order: tuple[str, ...],
           rates: dict[str, float], z: float) -> tuple[Item, ...]:
    """``items`` with a replenishment policy and a starting stock at the policy's target.

    Users come before their components (reverse of ``order``), because how
    lumpy a component's demand is depends on how its users order. An item
    without demand (no product uses it) gets the smallest policy, base stock
    1, so every item that can be replenished has a policy; nothing ever draws
    on it.
    """
    by_id = {item.id: item for item in items}
    lead = replenishment_lead_times(items, order)
    # Variance-to-mean ratio of each item's demand; products see Poisson orders.
    dispersion = {item.id: max(1.0, item.demand.size.mean) if item.demand else 0.0
                  for item in items}
    stocked: dict[str, Item] = {}
    for item_id in reversed(order):
        item = by_id[item_id]
        rate = rates.get(item_id, 0.0)
        if not (item.is_bought or item.is_made):
            stocked[item_id] = item
            continue
        if rate <= 0.0:
            stocked[item_id] = replace(item, policy=IDLE_POLICY, stock=IDLE_POLICY.target)
            continue
        policy, lump = _draw_policy(rng, rate, lead[item_id], max(1.0, dispersion[item_id]),
                                    item.capacity, z)
        stocked[item_id] = replace(item, policy=policy, stock=policy.target)
        # Each unit this item orders draws ``qty`` units of a component, in lumps
        # (:func:`_order_lump`): a compound stream with this variance-to-mean ratio.
        for comp, qty in item.bom:
            dispersion[comp] += qty * lump * (qty * rate) / rates[comp]
    return tuple(stocked[item.id] for item in items)


def _order_lump(kind: str, batch: int, review: Optional[float], dispersion: float,
                rate: float) -> float:
    """Typical size of one order an item places, as a variance-to-mean ratio of its orders.

    One for one (base stock, continuous review) passes the item's own demand
    on, in the lumps it arrives in (``dispersion``); a batch policy orders its
    quantity at once; a periodic review orders, at each review, at least what
    was used since the last one.
    """
    lump = max(1.0, dispersion) if kind == "base_stock" else float(batch)
    if review is not None:
        lump = max(lump, rate * review)
    return lump


def _draw_policy(rng: np.random.Generator, rate: float, lead_time: float, dispersion: float,
                 capacity: Optional[float], z: float) -> tuple[Policy, float]:
    """A policy of a random kind for an item used at ``rate``, and the lump it orders in.

    The reorder level covers ``lead_time``, the review period and the time one
    lump takes on the item's lanes or line, taken to work at 1.2 times
    ``rate`` (the lowest capacity factor :func:`_finish_item` draws) or at
    the line's capacity if that is lower.
    """
    kind = POLICY_KINDS[int(rng.choice(len(POLICY_KINDS), p=POLICY_WEIGHTS))]
    review = None
    if rng.random() < REVIEW_SHARE:
        review = REVIEW_PERIODS[int(rng.integers(len(REVIEW_PERIODS)))]
    batch = max(1, math.ceil(rate * rng.uniform(*CYCLE_DAYS)))
    lump = _order_lump(kind, batch, review, dispersion, rate)
    throughput = MIN_CAPACITY_FACTOR * rate
    if capacity:
        throughput = min(capacity, throughput)
    low = reorder_level(rate, lead_time + (review or 0.0) + lump / throughput, dispersion, z)
    if kind == "base_stock":
        return Policy(kind, level=low, review_period=review), lump
    if kind == "min_max":
        return Policy(kind, min=low, max=low + batch, review_period=review), lump
    return Policy(kind, point=low, quantity=batch, review_period=review), lump


# -- writing network files --------------------------------------------------

def write_network(network: Network, path: Union[str, Path]) -> Path:
    """Write ``network`` as a network YAML file; returns the path."""
    path = Path(path)
    path.write_text(network_text(network), encoding="utf-8")
    return path
