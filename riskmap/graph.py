"""The supply network as one typed NetworkX graph, and the structural questions asked of it.

:func:`build_graph` turns a :class:`~riskmap.model.Network` into a
:class:`networkx.DiGraph` whose node ids are prefixed by their kind, so a
supplier and a part that share an id never collide:

==============  ==============================================================
node id         attributes
==============  ==============================================================
``region:ID``   ``kind="region"``, ``id``, ``name``
``supplier:ID`` ``kind="supplier"``, ``id``, ``name``, ``region``, ``capacity``,
                ``ttr_mean``, ``cover_mean``
``part:ID``     ``kind="part"``, ``id``, ``name``, ``stock``, ``capacity``,
``product:ID``  ``kind="product"``, same as parts plus ``demand_rate``,
                ``margin``
==============  ==============================================================

Edges, each with a ``kind`` attribute:

* ``supplier -> item`` ``supplies``: ``lead_time_mean``, ``capacity``,
  ``alternate``, ``activation_delay_mean``, ``share``;
* ``component -> item`` ``used_in``: ``quantity`` (units per unit made);
* ``tier-2 supplier -> supplier`` ``depends_on``: ``cover_mean`` (the
  dependent supplier's cover);
* ``supplier -> region`` ``located_in``.

Optional numbers that are not set are *left out* of the attributes rather than
stored as ``None``, so every attribute is GraphML-safe (str, int, float, bool).
Nodes and edges are added in sorted order, so the graph and the files written
from it do not depend on dict order or ``PYTHONHASHSEED``.

:func:`supply_graph` builds that graph once per network and wraps it in a
:class:`SupplyGraph`, which answers every structural question the rest of
riskmap asks (orders, closures, who feeds whom), with NetworkX's algorithms on
views of the one graph: the bill-of-materials view (``used_in`` edges between
items) and the tier view (``depends_on`` edges between suppliers).

>>> from riskmap.model import Network, Supplier, Item, Source, PART
>>> net = Network("n", suppliers=(Supplier("s", "S"),),
...               items=(Item("p", PART, sources=(Source("s"),)),))
>>> g = build_graph(net)
>>> sorted(g.nodes)
['part:p', 'supplier:s']
>>> g.edges["supplier:s", "part:p"]["kind"]
'supplies'
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

import networkx as nx

if TYPE_CHECKING:  # the graph is built from the model; the model never needs the graph
    from riskmap.model import Item, Network, Supplier

REGION = "region"
SUPPLIER = "supplier"

SUPPLIES = "supplies"
USED_IN = "used_in"
DEPENDS_ON = "depends_on"
LOCATED_IN = "located_in"


def node_id(kind: str, id: str) -> str:
    """The graph node id of a model object: ``"<kind>:<id>"``.

    >>> node_id("supplier", "cellco")
    'supplier:cellco'
    """
    return f"{kind}:{id}"


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    """Drop unset values: GraphML has no null."""
    return {k: v for k, v in attrs.items() if v is not None}


def _mean(dist) -> Optional[float]:
    return None if dist is None else float(dist.mean)


def _float(value) -> Optional[float]:
    # One GraphML type per attribute: a capacity written 900 in one place and
    # 2.5 in another must not become an int key and a double key.
    return None if value is None else float(value)


def _supplier_attrs(supplier: "Supplier") -> dict[str, Any]:
    return _clean({
        "kind": SUPPLIER,
        "id": supplier.id,
        "name": supplier.name,
        "region": supplier.region,
        "capacity": _float(supplier.capacity),
        "ttr_mean": _mean(supplier.ttr),
        "cover_mean": _mean(supplier.cover),
    })


def _item_attrs(item: "Item") -> dict[str, Any]:
    return _clean({
        "kind": item.kind,
        "id": item.id,
        "name": item.name,
        "stock": int(item.stock),
        "capacity": _float(item.capacity),
        "assembly_time_mean": _mean(item.assembly_time),
        "demand_rate": float(item.demand.mean_units_rate) if item.demand is not None else None,
        "margin": _float(item.margin),
        "price": _float(item.price),
    })


def build_graph(network: "Network") -> nx.DiGraph:
    """The typed graph of ``network`` (see the module docstring for the schema).

    Parameters
    ----------
    network : Network
        The supply network.

    Returns
    -------
    networkx.DiGraph
        Nodes ``region:``, ``supplier:``, ``part:``, ``product:``; edges
        ``supplies``, ``used_in``, ``depends_on``, ``located_in``. A supplier
        that delivers the same item on several lanes gets one edge, carrying
        the first lane's attributes and ``lanes`` (the count).
    """
    graph = nx.DiGraph(name=network.name, time_unit=network.time_unit)
    for region in sorted(network.regions, key=lambda r: r.id):
        graph.add_node(node_id(REGION, region.id), kind=REGION, id=region.id, name=region.name)
    suppliers = sorted(network.suppliers, key=lambda s: s.id)
    items = sorted(network.items, key=lambda i: i.id)
    for supplier in suppliers:
        graph.add_node(node_id(SUPPLIER, supplier.id), **_supplier_attrs(supplier))
    for item in items:
        graph.add_node(node_id(item.kind, item.id), **_item_attrs(item))
    kinds = {i.id: i.kind for i in items}
    for supplier in suppliers:
        _add_supplier_edges(graph, supplier)
    for item in items:
        _add_item_edges(graph, item, kinds)
    return graph


def _add_supplier_edges(graph: nx.DiGraph, supplier: "Supplier") -> None:
    here = node_id(SUPPLIER, supplier.id)
    if supplier.region is not None:
        graph.add_edge(here, node_id(REGION, supplier.region), kind=LOCATED_IN)
    for tier2 in sorted(set(supplier.depends_on)):
        graph.add_edge(node_id(SUPPLIER, tier2), here, kind=DEPENDS_ON,
                       cover_mean=float(supplier.cover.mean))


def _add_item_edges(graph: nx.DiGraph, item: "Item", kinds: dict[str, str]) -> None:
    here = node_id(item.kind, item.id)
    for comp, qty in sorted(item.bom):
        graph.add_edge(node_id(kinds.get(comp, "part"), comp), here, kind=USED_IN, quantity=int(qty))
    for source in sorted(item.sources, key=lambda s: (s.supplier, s.alternate)):
        key = (node_id(SUPPLIER, source.supplier), here)
        if graph.has_edge(*key):
            graph.edges[key]["lanes"] += 1
            continue
        graph.add_edge(*key, **_clean({
            "kind": SUPPLIES,
            "lead_time_mean": float(source.lead_time.mean),
            "capacity": _float(source.capacity),
            "alternate": bool(source.alternate),
            "activation_delay_mean": float(source.activation_delay.mean),
            "share": float(source.share),
            "unit_cost": _float(source.unit_cost),
            "lanes": 1,
        }))


# --------------------------------------------------------------------------- questions


class SupplyGraph:
    """The graph of one network (:func:`build_graph`) and the structural questions asked of it.

    Answers are plain ids (no kind prefix), sorted or in a stated order, so
    they never depend on dict order or ``PYTHONHASHSEED``. Build it with
    :func:`supply_graph`, which keeps one per network.

    Parameters
    ----------
    network : Network
        The supply network.
    """

    def __init__(self, network: "Network"):
        self.graph = build_graph(network)
        self._item_node = {i.id: node_id(i.kind, i.id) for i in network.items}
        self._products = frozenset(i.id for i in network.items if i.is_product)
        self._items = {i.id: i for i in network.items}

    # -- views ------------------------------------------------------------------------

    @cached_property
    def bom(self) -> nx.DiGraph:
        """Items linked component -> user (``used_in`` edges); nodes are plain item ids."""
        view = nx.DiGraph()
        view.add_nodes_from(sorted(self._item_node))
        view.add_edges_from((self.graph.nodes[a]["id"], self.graph.nodes[b]["id"])
                            for a, b, kind in self.graph.edges(data="kind") if kind == USED_IN)
        return view

    @cached_property
    def tiers(self) -> nx.DiGraph:
        """Suppliers linked tier-2 -> dependent (``depends_on`` edges); plain supplier ids."""
        view = nx.DiGraph()
        view.add_nodes_from(sorted(self.graph.nodes[n]["id"] for n, kind
                                   in self.graph.nodes(data="kind") if kind == SUPPLIER))
        view.add_edges_from((self.graph.nodes[a]["id"], self.graph.nodes[b]["id"])
                            for a, b, kind in self.graph.edges(data="kind") if kind == DEPENDS_ON)
        return view

    # -- orders -----------------------------------------------------------------------

    @cached_property
    def items_in_bom_order(self) -> tuple[str, ...]:
        """Item ids with every component before the items made from it (ties by id).

        >>> from riskmap.model import Network, Item, PART, PRODUCT
        >>> net = Network("n", items=(Item("bike", PRODUCT, bom=(("wheel", 2),)),
        ...                           Item("wheel", PART), Item("axle", PART)))
        >>> supply_graph(net).items_in_bom_order
        ('axle', 'wheel', 'bike')
        """
        return tuple(nx.lexicographical_topological_sort(self.bom))

    @cached_property
    def suppliers_in_tier_order(self) -> tuple[str, ...]:
        """Supplier ids with every tier-2 before the suppliers that depend on it (ties by id)."""
        return tuple(nx.lexicographical_topological_sort(self.tiers))

    # -- bills of materials -----------------------------------------------------------

    def components(self, item: str) -> frozenset[str]:
        """Every item ``item`` is made from, at any depth (not ``item`` itself)."""
        return frozenset(nx.ancestors(self.bom, item)) if item in self.bom else frozenset()

    def made_from(self, items: Iterable[str]) -> frozenset[str]:
        """``items`` and every item made from any of them, at any depth."""
        found = set()
        for item in items:
            if item in self.bom and item not in found:
                found.add(item)
                found |= nx.descendants(self.bom, item)
        return frozenset(found)

    def products_fed(self, item: str) -> list[str]:
        """Products that need ``item``, directly or through the bills of materials (itself included), sorted."""
        return sorted(self.made_from([item]) & self._products)

    def users(self, item: str) -> tuple[tuple[str, int], ...]:
        """``(item id, quantity)`` of the items whose bill of materials names ``item``, sorted."""
        return self._users.get(item, ())

    @cached_property
    def _users(self) -> dict[str, tuple[tuple[str, int], ...]]:
        # asked for every item many times over by the structural analysis: built once
        out: dict[str, list[tuple[str, int]]] = {}
        for component, user in self.bom.edges:
            quantity = self.graph.edges[self._item_node[component], self._item_node[user]]
            out.setdefault(component, []).append((user, int(quantity["quantity"])))
        return {item: tuple(sorted(users)) for item, users in out.items()}

    # -- tiers ------------------------------------------------------------------------

    def upstream(self, supplier: str) -> frozenset[str]:
        """``supplier`` and every supplier it depends on, tier by tier."""
        if supplier not in self.tiers:
            return frozenset()
        return frozenset(nx.ancestors(self.tiers, supplier)) | {supplier}

    def dependents(self, suppliers: Iterable[str]) -> frozenset[str]:
        """``suppliers`` and every supplier that depends on one of them, at any tier."""
        found = set()
        for supplier in suppliers:
            found.add(supplier)
            if supplier in self.tiers:
                found |= nx.descendants(self.tiers, supplier)
        return frozenset(found)

    # -- suppliers behind items -------------------------------------------------------

    def suppliers_of(self, item: str) -> frozenset[str]:
        """Every supplier ``item`` depends on across all tiers.

        Through the bills of materials, every source (alternates included) and
        the ``depends_on`` closure of each of those suppliers.
        """
        direct = set()
        for member in self.components(item) | {item}:
            direct.update(s.supplier for s in self._items[member].sources)
        found = set()
        for supplier in direct:
            found |= self.upstream(supplier) or {supplier}
        return frozenset(found)

    # -- rates ------------------------------------------------------------------------

    @cached_property
    def demand_rates(self) -> dict[str, float]:
        """Units per time unit each item must supply to meet all product demand.

        Product demand (mean units per time unit) exploded through the bills of
        materials, users before their components.
        """
        rate = {i: (item.demand.mean_units_rate if item.demand else 0.0)
                for i, item in self._items.items()}
        for item_id in reversed(self.items_in_bom_order):
            for comp, qty in self._items[item_id].bom:
                rate[comp] = rate.get(comp, 0.0) + qty * rate[item_id]
        return rate


def supply_graph(network: "Network") -> SupplyGraph:
    """The :class:`SupplyGraph` of ``network``, built on first use and kept with it.

    Networks are immutable, so the graph is built once per network object and
    stored beside its other derived indexes (the way
    :func:`functools.cached_property` stores them).
    """
    cached = network.__dict__.get("_supply_graph")
    if cached is None:
        cached = SupplyGraph(network)
        network.__dict__["_supply_graph"] = cached
    return cached


def write_graph(graph: nx.DiGraph, path: Union[str, Path]) -> Path:
    """Write ``graph`` as GEXF when ``path`` ends in ``.gexf``, else as GraphML.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from :func:`build_graph` (every attribute GraphML-safe).
    path : str or Path
        The file to write.

    Returns
    -------
    Path
        The path written.

    Notes
    -----
    GEXF reserves the node attributes ``id`` and ``label``: networkx would
    take ``id`` as the node's identity (a supplier and a part both called
    ``cell`` would merge), so in GEXF files the model id is stored as ``ref``.
    Both formats are XML: text attributes (names come from the user's file)
    pass through :func:`riskmap.escape.xml`, so a control character in a name
    is written as its escape and the file still parses.
    """
    path = Path(path)
    graph = _xml_text(graph)
    if path.suffix.lower() == ".gexf":
        nx.write_gexf(_for_gexf(graph), path)
    else:
        nx.write_graphml(graph, path)
    return path


def _xml_text(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``graph`` whose text attributes an XML 1.0 document can hold."""
    from riskmap.escape import xml

    def safe(data: dict) -> None:
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = xml(value)

    out = graph.copy()
    safe(out.graph)
    for _, data in out.nodes(data=True):
        safe(data)
    for _, _, data in out.edges(data=True):
        safe(data)
    return out


def _for_gexf(graph: nx.DiGraph) -> nx.DiGraph:
    out = graph.copy()
    for _, data in out.nodes(data=True):
        if "id" in data:
            data["ref"] = data.pop("id")
    return out
