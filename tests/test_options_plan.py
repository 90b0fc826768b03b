"""Planning (riskmap.options.plan) and the structure it relies on (riskmap.options.exposure)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from riskmap.analysis.risk_map import ExtraStock, exposure
from riskmap.dists import Constant
from riskmap.model import PART, Disruption, Item, Network, Source, Supplier, Target
from riskmap.options import exposure as structure
from riskmap.options import plan_arms
from riskmap.options.plan import arm_key, stock_options
from tests.test_options_support import options_scenario, pump_network, pump_scenario

pytestmark = pytest.mark.hand


def test_an_alternate_that_cannot_take_over_is_not_run():
    scenario = pump_scenario()
    assert structure.suppliers_that_can_stop(scenario) == {"valve-tw", "valve-tw2"}
    plan = plan_arms(scenario, "auto")
    assert plan.aliases == {"without:seal@seal-mx2": "baseline", "alone:seal@seal-mx2": "none"}
    # the premise, checked by running:
    # test_options_variants.test_removing_an_unused_alternate_gives_identical_replications


def test_one_alternate_needs_one_arm():
    # without the lane, and with no alternate at all, are the same network;
    # the lane alone is the scenario as written: one run serves all three
    network = pump_network(alternates=False)
    valve = network.item("valve")
    lone = Source("valve-mx", lead_time=Constant(6), alternate=True, share=0.0)
    items = tuple(i if i.id != "valve" else Item(
        "valve", PART, stock=valve.stock, policy=valve.policy, sources=valve.sources + (lone,))
        for i in network.items)
    scenario = pump_scenario(network=Network(network.name, regions=network.regions,
                                             suppliers=network.suppliers, items=items),
                             replications=4)
    plan = plan_arms(scenario, "auto")
    assert [arm.key for arm in plan.arms] == ["none"]
    assert plan.aliases == {"without:valve@valve-mx": "none", "alone:valve@valve-mx": "baseline"}


def test_every_option_of_the_scenario_gets_its_arm():
    plan = plan_arms(options_scenario(), "auto")
    assert [arm.key for arm in plan.arms] == [
        "registered", "candidate:aaa-tw", "candidate:valve-de", "what_if:pump-buffer"]
    assert plan.aliases == {}
    assert [arm.key for arm in plan_arms(pump_scenario(), "off").arms] == []
    assert arm_key("alone", ("valve", "valve-mx")) == "alone:valve@valve-mx"


def test_stock_options_are_the_suppliers_the_map_holds_stock_against():
    survives = exposure("valve-mx", None, 10.0, 0.0, 0.0, extra_stock=None, products=("pump",),
                        single_point_of_failure_for=())
    short = exposure("valve-tw", 3.0, 30.0, 5.0, 1.0, extra_stock=ExtraStock(54, (("valve", 54),)),
                     products=("pump",), single_point_of_failure_for=())
    static = SimpleNamespace(suppliers=(survives, short))
    assert stock_options(static) == [short]
    assert stock_options(None) == []
    plan = plan_arms(pump_scenario(), "off", static, matrix_arms=0)
    [arm] = plan.arms
    assert arm.key == "stock:valve-tw"
    assert arm.scenario.network.item("valve").stock == 12 + 54


def test_a_tier2_stop_reaches_the_suppliers_that_depend_on_it():
    network = pump_network()
    suppliers = tuple(s if s.id != "valve-mx" else Supplier(
        "valve-mx", "Valves MX", region="mx", ttr=Constant(10), depends_on=("castings",))
        for s in network.suppliers) + (Supplier("castings", "Castings", region="mx"),)
    scenario = pump_scenario(
        network=Network(network.name, regions=network.regions, suppliers=suppliers,
                        items=network.items),
        disruptions=(Disruption("fire", "outage", Target("supplier", "castings"),
                                at=Constant(5), duration=Constant(10)),))
    assert structure.suppliers_that_can_stop(scenario) == {"castings", "valve-mx"}
    # the valve's primary never stops: its alternates can never take over
    assert structure.never_activated(scenario, "valve", {"castings", "valve-mx"})
    assert not structure.never_activated(scenario, "valve", {"valve-tw"})


def test_shared_exposure_names_the_region_and_the_shared_tier2():
    network = pump_network()
    suppliers = tuple(s if s.id not in ("valve-tw", "valve-mx") else Supplier(
        s.id, s.name, region=s.region, ttr=s.ttr, depends_on=("castings",))
        for s in network.suppliers) + (Supplier("castings", "Castings", region="mx"),)
    scenario = pump_scenario(network=Network(network.name, regions=network.regions,
                                             suppliers=suppliers, items=network.items))
    assert structure.shared_exposure(scenario, "valve", "valve-mx") == [
        "shares tier-2 'castings' with primary 'valve-tw'"]
    assert structure.shared_exposure(scenario, "valve", "valve-tw2") == [
        "same region as primary 'valve-tw' (tw), struck together by disaster 'tw-quake'"]
    assert structure.shared_exposure(scenario, "seal", "seal-mx2") == [
        "same region as primary 'seal-mx' (mx)"]


def _short(supplier: str, rei: float, gap: float):
    """A supplier the static map finds short of its TTR by ``gap``, with the stock that closes it."""
    return exposure(supplier, 30.0 - gap, 30.0, 5.0, rei,
                    extra_stock=ExtraStock(10, (("valve", 10),)), products=("pump",),
                    single_point_of_failure_for=())


def test_stock_arms_only_against_suppliers_the_scenario_can_stop_riskiest_first_and_capped():
    from riskmap.options.plan import stock_choice

    scenario = pump_scenario()  # the tw quake can stop valve-tw and valve-tw2, nothing else
    static = SimpleNamespace(suppliers=(
        _short("seal-mx", 1.0, 20.0),      # never stopped: no arm, however risky
        _short("valve-tw", 0.4, 5.0),
        _short("valve-tw2", 0.9, 2.0)))
    chosen, left_out = stock_choice(scenario, static, limit=1)
    assert [s.id for s in chosen] == ["valve-tw2"] and left_out == ("valve-tw",)
    chosen, left_out = stock_choice(scenario, static, limit=5)
    assert [s.id for s in chosen] == ["valve-tw2", "valve-tw"] and left_out == ()
    plan = plan_arms(scenario, "off", static, stock_arms=1, matrix_arms=0)
    assert [arm.key for arm in plan.arms] == ["stock:valve-tw2"]
    assert (plan.stock_cap, plan.stock_left_out) == (1, ("valve-tw",))
