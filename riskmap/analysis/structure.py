"""Structural risk: who depends on whom, single points of failure, concentration.

Everything here is combinatorial (no stock, no rates): it asks whether a
product can still be *sourced* when some suppliers are lost, not whether it
can be *delivered in time* (that is :mod:`riskmap.analysis.survival`).

Conventions
-----------
* A supplier is **lost** when it is down, or when any supplier in its
  ``depends_on`` closure (tier-2, tier-3...) is down.
* An item that is made (has a ``bom``) is available when all its components
  are; an item that is bought is available when any of its sources' suppliers
  (primary or alternate) is; an item with both is available either way.
  Stock is ignored.
* A **single point of failure** of a product is a supplier or a region whose
  loss makes a product that is available with nothing down unavailable.
* **Concentration** is the Herfindahl-Hirschman index on a 0-1 scale
  (``sum of squared shares``: 1 = everything from one supplier or region,
  ``1/n`` = evenly split among ``n``) over an item's *primary* sources. Shares
  are by capacity (the lane's capacity, else its supplier's) when every primary
  source of the item has one, else by count of sources; ``basis`` says which.
  A supplier with no region counts as its own region ``"?"``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Iterable, Optional

from riskmap.graph import supply_graph
from riskmap.model import Item, Network

NO_REGION = "?"


@dataclass(frozen=True)
class Concentration:
    """Herfindahl-Hirschman indices (0-1) of one item or product.

    ``basis`` is ``"capacity"``, ``"count"`` or, for a product whose parts use
    both, ``"mixed"``. ``by_supplier`` and ``by_region`` are the shares behind
    the indices, sorted by id.
    """

    supplier_hhi: float
    region_hhi: float
    basis: str
    by_supplier: tuple[tuple[str, float], ...]
    by_region: tuple[tuple[str, float], ...]

    def to_dict(self) -> dict:
        return {
            "supplier_hhi": self.supplier_hhi,
            "region_hhi": self.region_hhi,
            "basis": self.basis,
            "supplier_shares": dict(self.by_supplier),
            "region_shares": dict(self.by_region),
        }


class Structure:
    """Availability of a network's items when some suppliers are lost.

    Every walk over the network (tiers, bills of materials) is a question to
    the network's graph (:func:`riskmap.graph.supply_graph`).

    Parameters
    ----------
    network : Network
        The supply network.
    """

    def __init__(self, network: Network):
        self.network = network
        self.graph = supply_graph(network)
        self.supplier_ids: tuple[str, ...] = tuple(sorted(s.id for s in network.suppliers))
        self.items_of_supplier: dict[str, tuple[str, ...]] = _items_of_supplier(network)
        self.baseline_available: dict[str, bool] = self._availability(frozenset())

    def lost_with(self, down: Iterable[str]) -> frozenset[str]:
        """The suppliers lost when ``down`` are down: ``down`` and everything depending on them."""
        return self.graph.dependents(down)

    def _bought_ok(self, item: Item, lost: frozenset[str]) -> bool:
        return any(s.supplier not in lost for s in item.sources)

    def _availability(self, lost: frozenset[str]) -> dict[str, bool]:
        """Availability of every item, components first."""
        available: dict[str, bool] = {}
        for item_id in self.graph.items_in_bom_order:
            item = self.network.item(item_id)
            made = item.is_made and all(available.get(c, False) for c, _ in item.bom)
            available[item_id] = made or self._bought_ok(item, lost)
        return available

    def newly_unavailable(self, lost: frozenset[str]) -> frozenset[str]:
        """Items available with nothing down that are unavailable when ``lost`` are lost.

        Propagates from the items those suppliers deliver up through the bills
        of materials, so the cost is proportional to what is hit, not to the
        size of the network.
        """
        net = self.network
        out: set[str] = set()
        queue = deque()
        for item_id in sorted({i for s in lost for i in self.items_of_supplier.get(s, ())}):
            item = net.item(item_id)
            if self.baseline_available[item_id] and not self._item_ok(item, lost, out):
                out.add(item_id)
                queue.append(item_id)
        while queue:
            current = queue.popleft()
            for user, _ in self.graph.users(current):
                if user in out or not self.baseline_available[user]:
                    continue
                if not self._item_ok(net.item(user), lost, out):
                    out.add(user)
                    queue.append(user)
        return frozenset(out)

    def _item_ok(self, item: Item, lost: frozenset[str], unavailable: set[str]) -> bool:
        if self._bought_ok(item, lost):
            return True
        if not item.is_made:
            return False
        return all(self.baseline_available.get(c, False) and c not in unavailable
                   for c, _ in item.bom)

    def suppliers_of_products(self) -> dict[str, frozenset[str]]:
        """Per product id, every supplier it depends on across all tiers (:meth:`SupplyGraph.suppliers_of`)."""
        return {product.id: self.graph.suppliers_of(product.id)
                for product in sorted(self.network.products, key=lambda p: p.id)}


def _items_of_supplier(network: Network) -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for item in network.items:
        for source in item.sources:
            out.setdefault(source.supplier, set()).add(item.id)
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def single_sourced(item: Item) -> bool:
    """True for a bought item with exactly one source (no alternate) and no bill of materials."""
    return len(item.sources) == 1 and not item.is_made


def _hhi(shares: dict[str, float]) -> float:
    return float(sum(v * v for v in shares.values()))


def item_concentration(network: Network, item: Item) -> Optional[Concentration]:
    """Concentration of ``item``'s primary sources, or ``None`` if it is not bought.

    >>> from riskmap.model import Network, Supplier, Item, Source, PART
    >>> net = Network("n", suppliers=(Supplier("a", "A", region="x"),
    ...                               Supplier("b", "B", region="x")),
    ...               items=(Item("p", PART, sources=(Source("a", capacity=3),
    ...                                               Source("b", capacity=1))),))
    >>> c = item_concentration(net, net.item("p"))
    >>> (c.supplier_hhi, c.region_hhi, c.basis)
    (0.625, 1.0, 'capacity')
    """
    primaries = item.primaries or item.sources
    if not primaries:
        return None
    caps = [_lane_capacity(network, s) for s in primaries]
    if all(c is not None and c > 0 for c in caps):
        basis, weights = "capacity", [float(c) for c in caps]
    else:
        basis, weights = "count", [1.0] * len(primaries)
    total = sum(weights)
    by_supplier: dict[str, float] = {}
    by_region: dict[str, float] = {}
    for source, weight in zip(primaries, weights):
        share = weight / total
        by_supplier[source.supplier] = by_supplier.get(source.supplier, 0.0) + share
        region = _region_of(network, source.supplier)
        by_region[region] = by_region.get(region, 0.0) + share
    return _concentration(by_supplier, by_region, basis)


def product_concentration(network: Network, product: Item,
                          per_item: dict[str, Optional[Concentration]]) -> Optional[Concentration]:
    """Concentration of a product: the shares of every bought item in its tree, each item weighted equally.

    Units of different parts are not comparable (40 cells against one motor),
    so each bought item in the product's bill of materials (at any depth, the
    product itself included when it is bought) counts once.
    """
    tree = sorted(supply_graph(network).components(product.id) | {product.id})
    bought = [i for i in tree if per_item.get(i) is not None]
    if not bought:
        return None
    by_supplier: dict[str, float] = {}
    by_region: dict[str, float] = {}
    for item_id in bought:
        conc = per_item[item_id]
        for key, share in conc.by_supplier:
            by_supplier[key] = by_supplier.get(key, 0.0) + share / len(bought)
        for key, share in conc.by_region:
            by_region[key] = by_region.get(key, 0.0) + share / len(bought)
    bases = {per_item[i].basis for i in bought}
    basis = bases.pop() if len(bases) == 1 else "mixed"
    return _concentration(by_supplier, by_region, basis)


def _concentration(by_supplier: dict[str, float], by_region: dict[str, float],
                   basis: str) -> Concentration:
    return Concentration(
        supplier_hhi=_hhi(by_supplier),
        region_hhi=_hhi(by_region),
        basis=basis,
        by_supplier=tuple(sorted(by_supplier.items())),
        by_region=tuple(sorted(by_region.items())),
    )


def _lane_capacity(network: Network, source) -> Optional[float]:
    if source.capacity is not None:
        return source.capacity
    return network.supplier(source.supplier).capacity


def _region_of(network: Network, supplier_id: str) -> str:
    region = network.supplier(supplier_id).region
    return region if region is not None else NO_REGION
