"""The supply network as a typed directed graph.

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

from pathlib import Path
from typing import Any, Optional, Union

import networkx as nx

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


def _supplier_attrs(supplier: Supplier) -> dict[str, Any]:
    return _clean({
        "kind": SUPPLIER,
        "id": supplier.id,
        "name": supplier.name,
        "region": supplier.region,
        "capacity": _float(supplier.capacity),
        "ttr_mean": _mean(supplier.ttr),
        "cover_mean": _mean(supplier.cover),
    })


def _item_attrs(item: Item) -> dict[str, Any]:
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


def build_graph(network: Network) -> nx.DiGraph:
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


def _add_supplier_edges(graph: nx.DiGraph, supplier: Supplier) -> None:
    here = node_id(SUPPLIER, supplier.id)
    if supplier.region is not None:
        graph.add_edge(here, node_id(REGION, supplier.region), kind=LOCATED_IN)
    for tier2 in sorted(set(supplier.depends_on)):
        graph.add_edge(node_id(SUPPLIER, tier2), here, kind=DEPENDS_ON,
                       cover_mean=float(supplier.cover.mean))


def _add_item_edges(graph: nx.DiGraph, item: Item, kinds: dict[str, str]) -> None:
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
    """
    path = Path(path)
    if path.suffix.lower() == ".gexf":
        nx.write_gexf(_for_gexf(graph), path)
    else:
        nx.write_graphml(graph, path)
    return path


def _for_gexf(graph: nx.DiGraph) -> nx.DiGraph:
    out = graph.copy()
    for _, data in out.nodes(data=True):
        if "id" in data:
            data["ref"] = data.pop("id")
    return out
