"""Synthetic networks: deterministic, well formed, stocked, feasible at baseline, writable."""

from __future__ import annotations

import math

import numpy as np
import pytest

from riskmap.graph import supply_graph
import yaml

from riskmap.analysis.snapshot import Snapshot
from riskmap.analysis.structure import Structure
from riskmap.analysis.survival import Evaluator, Outage
from riskmap.load import check_file
from riskmap.model import Scenario
from riskmap.load.dump import network_file
from riskmap.sim.engine import simulate
from riskmap.testing.synthetic import (POLICY_KINDS, reorder_level, replenishment_lead_times,
                           synthetic_network, write_network)


@pytest.mark.property
def test_same_seed_same_network():
    assert synthetic_network(30, 90, 6, seed=4) == synthetic_network(30, 90, 6, seed=4)
    assert synthetic_network(30, 90, 6, seed=4) != synthetic_network(30, 90, 6, seed=5)


@pytest.mark.property
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_well_formed(seed):
    net = synthetic_network(40, 150, 8, n_regions=4, seed=seed)
    supplier_ids = {s.id for s in net.suppliers}
    item_ids = {i.id for i in net.items}
    assert len(supply_graph(net).items_in_bom_order) == len(net.items)  # bills of materials are acyclic
    for item in net.items:
        assert all(s.supplier in supplier_ids for s in item.sources)
        assert all(c in item_ids for c, _ in item.bom)
        assert item.is_bought or item.is_made
        assert item.stock >= 0
    for supplier in net.suppliers:
        assert set(supplier.depends_on) <= supplier_ids - {supplier.id}
        assert supplier.region in {r.id for r in net.regions}
    assert all(p.demand is not None and p.demand.mean_units_rate > 0 for p in net.products)


@pytest.mark.property
@pytest.mark.parametrize("seed", [0, 3])
def test_baseline_meets_demand_for_ever(seed):
    net = synthetic_network(40, 150, 8, seed=seed)
    evaluator = Evaluator(Snapshot(net), Structure(net), "scipy")
    assert evaluator.plan is not None
    assert evaluator.time_to_survive(Outage(())) is None


@pytest.mark.property
def test_yaml_dict_follows_the_network_file_layout(tmp_path):
    net = synthetic_network(10, 30, 3, seed=2)
    data = network_file(net)
    assert data["riskmap"] == 1
    assert [s["id"] for s in data["suppliers"]] == [s.id for s in net.suppliers]
    assert len(data["parts"]) == 30 and len(data["products"]) == 3
    assert all("demand" in p for p in data["products"])
    path = write_network(net, tmp_path / "net.yaml")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == data


@pytest.mark.property
def test_written_file_loads_back(tmp_path):
    from riskmap.load import load_network

    net = synthetic_network(10, 30, 3, seed=2)
    loaded = load_network(str(write_network(net, tmp_path / "net.yaml")))
    assert [s.id for s in loaded.suppliers] == [s.id for s in net.suppliers]
    assert {i.id: i.stock for i in loaded.items} == {i.id: i.stock for i in net.items}
    assert {i.id: i.policy for i in loaded.items} == {i.id: i.policy for i in net.items}
    assert supply_graph(loaded).demand_rates == pytest.approx(supply_graph(net).demand_rates)


@pytest.mark.property
@pytest.mark.parametrize("seed", [0, 7])
def test_written_file_validates(tmp_path, seed):
    # Single sources and suppliers without a time to recover are risks the synthetic
    # networks carry on purpose (warnings); nothing may be an error, and no used
    # item may be left without replenishment.
    path = write_network(synthetic_network(30, 90, 6, seed=seed), tmp_path / "net.yaml")
    loaded = check_file(str(path))
    assert loaded.errors == [] and loaded.model is not None
    assert "no-replenishment" not in {d.check for d in loaded.diagnostics}


# -- replenishment policies and starting stock ------------------------------------------


def _levels_consistent(policy) -> bool:
    """The levels a policy needs are set, positive and ordered; the others are unset."""
    if policy.kind == "base_stock":
        return policy.level >= 1 and (policy.min, policy.max, policy.point, policy.quantity) == (
            None, None, None, None)
    if policy.kind == "min_max":
        return 1 <= policy.min < policy.max and policy.level is None and policy.point is None
    if policy.kind == "reorder_point":
        return policy.point >= 1 and policy.quantity >= 1 and policy.level is None
    return False


@pytest.mark.property
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_replenishable_item_has_a_consistent_policy(seed):
    net = synthetic_network(40, 150, 8, n_regions=4, seed=seed)
    rates = supply_graph(net).demand_rates
    lead = replenishment_lead_times(net.items, supply_graph(net).items_in_bom_order)
    for item in net.items:
        assert item.is_bought or item.is_made
        policy = item.policy
        assert policy is not None, item.id
        assert _levels_consistent(policy), (item.id, policy)
        assert policy.review_period is None or policy.review_period > 0
        assert item.stock == policy.target, item.id
        review = policy.review_period or 0.0
        if rates[item.id] > 0:
            # The level that triggers an order covers at least the mean demand over
            # the lead time and the review period, plus a safety stock.
            trigger = policy.level - 1 if policy.kind == "base_stock" else (
                policy.min if policy.kind == "min_max" else policy.point)
            assert trigger + 1 >= rates[item.id] * (lead[item.id] + review), item.id
        else:
            assert policy.target == 1, item.id  # nothing draws on it


@pytest.mark.property
def test_lead_times_follow_lanes_and_components():
    net = synthetic_network(20, 60, 5, seed=3)
    lead = replenishment_lead_times(net.items, supply_graph(net).items_in_bom_order)
    for item in net.items:
        if item.is_bought:
            assert lead[item.id] >= max(s.lead_time.mean for s in item.primaries)
        if item.is_made:
            assert lead[item.id] >= 0.25 * max(lead[c] for c, _ in item.bom) - 1e-12
            assert lead[item.id] > 0  # every component has a positive lead time


@pytest.mark.property
def test_policies_mix_every_kind_and_review():
    net = synthetic_network(50, 300, 30, seed=1)
    policies = [i.policy for i in net.items if supply_graph(net).demand_rates[i.id] > 0]
    assert {p.kind for p in policies} == set(POLICY_KINDS)
    periodic = sum(p.review_period is not None for p in policies)
    assert 0 < periodic < len(policies) / 2


@pytest.mark.property
def test_lower_safety_factor_stocks_less():
    thick = synthetic_network(20, 60, 5, seed=2)
    thin = synthetic_network(20, 60, 5, seed=2, safety_z=0.0)
    # The same structure and the same policy kinds: only the levels move.
    assert [i.policy.kind for i in thick.items] == [i.policy.kind for i in thin.items]
    assert [i.sources for i in thick.items] == [i.sources for i in thin.items]
    assert all(b.stock <= a.stock for a, b in zip(thick.items, thin.items))
    assert sum(b.stock for b in thin.items) < sum(a.stock for a in thick.items)


@pytest.mark.hand
def test_reorder_level_by_hand():
    # m = 2 x 8 = 16: 16 + 2 x 4 = 24 exactly.
    assert reorder_level(2.0, 8.0) == 24
    # m = 3 x 5 = 15, dispersion 4: 15 + 2 x sqrt(60) = 30.49..., rounded up.
    assert reorder_level(3.0, 5.0, dispersion=4.0) == 31
    assert reorder_level(3.0, 5.0, z=0.0) == 15
    assert reorder_level(0.0, 10.0) == 1  # at least one unit
    assert reorder_level(0.01, 1.0) == math.ceil(0.01 + 2 * 0.1)


@pytest.mark.property
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_undisrupted_network_ships_most_orders_at_once(seed):
    # With every stocking point at a reorder level of about the 97.7th percentile of
    # its lead-time demand, a product runs short only when its own stock or one of
    # its three to eight components' does; 0.9 is the target fill rate of the
    # synthetic networks (docs/performance.md). Without replenishment the starting
    # stock (about a month of demand) would run out long before the 200 days.
    net = synthetic_network(20, 60, 8, seed=seed)
    result = simulate(Scenario("baseline", net, horizon=200, seed=seed),
                      np.random.SeedSequence(seed), series=False)
    fill = [result.products[p.id].fill_rate for p in net.products]
    assert float(np.mean(fill)) >= 0.9, fill
