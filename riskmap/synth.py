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

:func:`riskmap.serialize.network_file` turns any :class:`~riskmap.model.Network` into the
mapping of a network file (SPEC section 1) and :func:`write_network` writes it.

>>> net = synthetic_network(20, 60, 5, seed=1)
>>> (len(net.suppliers), len(net.parts), len(net.products))
(20, 60, 5)
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional, Union

import numpy as np

from riskmap.dists import Constant, Dist
from riskmap.model import PART, PRODUCT, Demand, Item, Network, Region, Source, Supplier
from riskmap.serialize import network_file


def synthetic_network(n_suppliers: int, n_parts: int, n_products: int, n_regions: int = 8,
                      seed: int = 0, name: Optional[str] = None) -> Network:
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
    rates = draft.demand_rates
    with_supplier_cap = set(np.array(direct)[rng.random(len(direct)) < 0.33].tolist())
    items = tuple(_finish_item(rng, item, rates, with_supplier_cap) for item in draft.items)
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
    stock = int(round(rate * rng.uniform(5, 30)))
    # A part no product uses still gets a positive capacity (files require > 0).
    rate = max(rate, 1.0)
    sources = []
    for source in item.sources:
        if source.alternate:
            capacity = round(rate * rng.uniform(0.5, 1.5), 3)
        elif source.supplier in with_supplier_cap:
            capacity = None
        else:
            capacity = round(rate * source.share * rng.uniform(1.2, 2.0), 3)
        sources.append(replace(source, capacity=capacity,
                               lead_time=Constant(float(rng.integers(1, 30)))))
    capacity = round(rate * rng.uniform(1.2, 2.0), 3) if item.is_product else None
    return replace(item, stock=stock, sources=tuple(sources), capacity=capacity)


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


# -- writing network files --------------------------------------------------

def write_network(network: Network, path: Union[str, Path]) -> Path:
    """Write ``network`` as a network YAML file; returns the path."""
    import yaml

    path = Path(path)
    with path.open("w", encoding="utf-8") as handle:
        yaml.safe_dump(network_file(network), handle, sort_keys=False, default_flow_style=None,
                       allow_unicode=True)
    return path
