"""Synthetic networks: deterministic, well formed, feasible at baseline, writable."""

from __future__ import annotations

import pytest
import yaml

from riskmap.analysis.snapshot import Snapshot
from riskmap.analysis.structure import Structure
from riskmap.analysis.survival import Evaluator, Outage
from riskmap.serialize import network_file
from riskmap.synth import synthetic_network, write_network

pytestmark = pytest.mark.property


def test_same_seed_same_network():
    assert synthetic_network(30, 90, 6, seed=4) == synthetic_network(30, 90, 6, seed=4)
    assert synthetic_network(30, 90, 6, seed=4) != synthetic_network(30, 90, 6, seed=5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_well_formed(seed):
    net = synthetic_network(40, 150, 8, n_regions=4, seed=seed)
    supplier_ids = {s.id for s in net.suppliers}
    item_ids = {i.id for i in net.items}
    assert len(net.topological_items) == len(net.items)  # bills of materials are acyclic
    for item in net.items:
        assert all(s.supplier in supplier_ids for s in item.sources)
        assert all(c in item_ids for c, _ in item.bom)
        assert item.is_bought or item.is_made
        assert item.stock >= 0
    for supplier in net.suppliers:
        assert set(supplier.depends_on) <= supplier_ids - {supplier.id}
        assert supplier.region in {r.id for r in net.regions}
    assert all(p.demand is not None and p.demand.mean_units_rate > 0 for p in net.products)


@pytest.mark.parametrize("seed", [0, 3])
def test_baseline_meets_demand_for_ever(seed):
    net = synthetic_network(40, 150, 8, seed=seed)
    evaluator = Evaluator(Snapshot(net), Structure(net), "scipy")
    assert evaluator.plan is not None
    assert evaluator.time_to_survive(Outage(())) is None


def test_yaml_dict_follows_the_network_file_layout(tmp_path):
    net = synthetic_network(10, 30, 3, seed=2)
    data = network_file(net)
    assert data["riskmap"] == 1
    assert [s["id"] for s in data["suppliers"]] == [s.id for s in net.suppliers]
    assert len(data["parts"]) == 30 and len(data["products"]) == 3
    assert all("demand" in p for p in data["products"])
    path = write_network(net, tmp_path / "net.yaml")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == data


def test_written_file_loads_back(tmp_path):
    files = pytest.importorskip("riskmap.files")
    net = synthetic_network(10, 30, 3, seed=2)
    loaded = files.load_network(str(write_network(net, tmp_path / "net.yaml")))
    assert [s.id for s in loaded.suppliers] == [s.id for s in net.suppliers]
    assert {i.id: i.stock for i in loaded.items} == {i.id: i.stock for i in net.items}
    assert loaded.demand_rates == pytest.approx(net.demand_rates)
