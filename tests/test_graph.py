"""The typed network graph and its GraphML / GEXF export."""

from __future__ import annotations

import dataclasses

import networkx as nx
import pytest

from riskmap.dists import Constant
from riskmap.graph import build_graph, write_graph
from riskmap.model import PART, PRODUCT, Demand, Item, Network, Region, Source, Supplier
from riskmap.testing.synthetic import synthetic_network

pytestmark = pytest.mark.hand


def network() -> Network:
    # "cell" is both a supplier id and a part id: the prefixes keep them apart.
    return Network("g", regions=(Region("tw", "Taiwan"),), suppliers=(
        Supplier("cell", "CellCo", region="tw", capacity=900.0, ttr=Constant(45),
                 depends_on=("fab",), cover=Constant(10)),
        Supplier("fab", "Fab", region="tw"),
    ), items=(
        Item("cell", PART, stock=12, sources=(
            Source("cell", lead_time=Constant(14), capacity=800.0),
            Source("fab", alternate=True, activation_delay=Constant(20))),
        ),
        Item("bike", PRODUCT, bom=(("cell", 40),), demand=Demand(rate=2.0), margin=600.0),
    ))


def test_typed_nodes_and_edges():
    g = build_graph(network())
    assert sorted(g.nodes) == ["part:cell", "product:bike", "region:tw", "supplier:cell",
                               "supplier:fab"]
    assert g.nodes["supplier:cell"]["kind"] == "supplier"
    assert g.nodes["supplier:cell"]["ttr_mean"] == 45.0
    assert g.nodes["part:cell"]["stock"] == 12
    assert g.nodes["product:bike"]["demand_rate"] == 2.0
    supplies = g.edges["supplier:cell", "part:cell"]
    assert supplies["kind"] == "supplies" and supplies["capacity"] == 800.0
    assert supplies["alternate"] is False and supplies["lead_time_mean"] == 14.0
    alt = g.edges["supplier:fab", "part:cell"]
    assert alt["alternate"] is True and alt["activation_delay_mean"] == 20.0
    assert "capacity" not in alt  # unset: left out, GraphML has no null
    assert g.edges["part:cell", "product:bike"] == {"kind": "used_in", "quantity": 40}
    assert g.edges["supplier:fab", "supplier:cell"]["kind"] == "depends_on"
    assert g.edges["supplier:fab", "supplier:cell"]["cover_mean"] == 10.0
    assert g.edges["supplier:cell", "region:tw"]["kind"] == "located_in"


def test_order_does_not_depend_on_file_order():
    net = network()
    shuffled = dataclasses.replace(net, suppliers=net.suppliers[::-1], items=net.items[::-1])
    a, b = build_graph(net), build_graph(shuffled)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))


def test_graphml_round_trip(tmp_path):
    g = build_graph(synthetic_network(12, 40, 4, seed=5))
    path = write_graph(g, tmp_path / "net.graphml")
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(g.nodes)
    assert set(back.edges) == set(g.edges)
    for node, data in g.nodes(data=True):
        assert back.nodes[node] == data
    for u, v, data in g.edges(data=True):
        assert back.edges[u, v] == data


def test_gexf_written_for_gexf_suffix(tmp_path):
    g = build_graph(network())
    path = write_graph(g, tmp_path / "net.gexf")
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()


def test_gexf_keeps_model_ids_apart(tmp_path):
    back = nx.read_gexf(write_graph(build_graph(network()), tmp_path / "n.gexf"))
    assert back.nodes["supplier:cell"]["ref"] == "cell"
    assert back.nodes["part:cell"]["kind"] == "part"
