"""Changed copies of a scenario (riskmap.options.variants): what they change, what they keep."""

from __future__ import annotations

import math

import pytest

from riskmap.dists import Constant, Uniform
from riskmap.model import Candidate, Disruption, Policy, Source, Supplier, Target, WhatIf
from riskmap.options import variants
from riskmap.run.montecarlo import run_scenario
from tests.test_options_support import options_scenario, pump_scenario

pytestmark = pytest.mark.hand


def test_removing_an_unused_alternate_gives_identical_replications():
    scenario = pump_scenario(replications=6)
    baseline = run_scenario(scenario, workers=1)
    without = run_scenario(variants.without_alternate(scenario, "seal", "seal-mx2"), workers=1,
                           series=False)
    assert baseline.samples.values["product"] == without.samples.values["product"]


def test_a_switched_off_lane_keeps_every_draw_paired():
    # a recurring delay of the valve draws one duration per lane of the part,
    # in supplier order, from one stream: the lane must stay in the network
    delay = Disruption("valve-delays", "delay", Target("part", "valve"), rate=0.05,
                       duration=Uniform(2.0, 9.0), lead_time_factor=2.0)
    scenario = pump_scenario(disruptions=(delay,), replications=6)
    baseline = run_scenario(scenario, workers=1, series=False)
    off = variants.switched_off(scenario, [("valve", "valve-mx"), ("valve", "valve-tw2")])
    assert [s.activation_delay.mean for s in off.network.item("valve").alternates] == [
        float("inf"), float("inf")]
    paired = run_scenario(off, workers=1, series=False)
    assert paired.samples.values == baseline.samples.values


def test_changed_copies_leave_the_scenario_alone():
    scenario = options_scenario()
    candidate = scenario.candidates[1]
    extended = variants.with_candidate(scenario, candidate)
    assert [s.supplier for s in extended.network.item("valve").sources] == ["valve-tw", "valve-de"]
    assert "valve-de" in {s.id for s in extended.network.suppliers}
    assert [s.supplier for s in scenario.network.item("valve").sources] == ["valve-tw"]
    held = variants.with_extra_stock(scenario, {"valve": 5})
    assert held.network.item("valve").stock == 17
    assert held.network.item("valve").policy.level == 21


def test_a_primary_candidate_takes_a_share():
    scenario = options_scenario()
    primary = Candidate(Supplier("valve-jp", "Valves JP"),
                        (("valve", Source("valve-jp", lead_time=Constant(5))),))
    shares = [s.share for s in
              variants.with_candidate(scenario, primary).network.item("valve").sources]
    assert shares == [0.5, 0.5]
    weighted = Candidate(Supplier("valve-jp", "Valves JP"),
                         (("valve", Source("valve-jp", lead_time=Constant(5), share=3.0)),))
    shares = [s.share for s in
              variants.with_candidate(scenario, weighted).network.item("valve").sources]
    assert shares == [0.25, 0.75]


def test_candidates_off_register_every_supplier_and_lane_switched_off():
    scenario = options_scenario()
    registered = variants.with_candidates_off(scenario, scenario.candidates)
    assert {"aaa-tw", "valve-de"} <= {s.id for s in registered.network.suppliers}
    seal_lanes = registered.network.item("seal").alternates
    assert [(s.supplier, s.activation_delay.mean) for s in seal_lanes] == [("aaa-tw", math.inf)]
    # the candidate's own arm differs from that reference by its lanes alone
    own = variants.with_candidate(scenario, scenario.candidates[0], scenario.candidates)
    assert [s.activation_delay.mean for s in own.network.item("seal").alternates] == [0.0]
    assert own.network.item("valve").alternates[0].activation_delay.mean == math.inf


def test_a_what_if_changes_its_target_only():
    scenario = options_scenario()
    buffer = variants.with_what_if(scenario, scenario.what_if[0])
    assert buffer.network.item("pump").stock == 40
    assert buffer.network.item("pump").policy == Policy("base_stock", level=40)
    assert buffer.network.item("valve") == scenario.network.item("valve")
    faster = variants.with_what_if(scenario, WhatIf("more", Target("supplier", "valve-tw"),
                                                    capacity=9.0))
    assert faster.network.supplier("valve-tw").capacity == 9.0
    assert faster.network.items == scenario.network.items


def test_raised_policy_raises_every_level_it_has():
    assert variants.raised_policy(Policy("min_max", min=5, max=20), 3) == Policy(
        "min_max", min=8, max=23)
    assert variants.raised_policy(None, 3) is None
