"""Conservation with quality rejects and held transit, on random small networks (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.dists import Constant, Geometric
from riskmap.model import Disruption, Target, Trigger
from riskmap.sim.disruptions import draw_plan
from riskmap.sim.engine import simulate
from riskmap.sim.streams import Streams
from tests.test_sim_properties import SUPPLIERS, scenarios

pytestmark = pytest.mark.property


@st.composite
def troubled(draw):
    """A random scenario with quality, transit, recurring outages, ramps and a trigger added."""
    scenario = draw(scenarios())
    horizon = scenario.horizon
    extra = []
    for j in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["quality", "transit", "outage"]))
        supplier = Target("supplier", draw(st.sampled_from(SUPPLIERS)))
        at = Constant(float(draw(st.integers(0, int(horizon)))))
        duration = Constant(draw(st.sampled_from([2, 7, 20])))
        if kind == "quality":
            parts = [i.id for i in scenario.network.items if i.sources]
            target = (Target("part", draw(st.sampled_from(parts)))
                      if parts and draw(st.booleans()) else supplier)
            extra.append(Disruption(f"q{j}", kind, target, at=at, duration=duration,
                                    reject=draw(st.sampled_from([0.2, 0.5, 0.9]))))
        elif kind == "transit":
            target = Target("region", "r") if draw(st.booleans()) else supplier
            extra.append(Disruption(f"t{j}", kind, target, at=at, duration=duration))
        else:
            extra.append(Disruption(f"o{j}", kind, supplier, every=Geometric(0.2),
                                    duration=Geometric(0.5),
                                    ramp=draw(st.sampled_from([None, Constant(2)]))))
    if draw(st.booleans()):
        # the first one sets off an outage with a gradual recovery, half the time
        follow = Disruption("set-off", "outage", Target("supplier", draw(st.sampled_from(
            SUPPLIERS))), duration=Constant(4), ramp=Constant(3))
        extra[0] = replace(extra[0], triggers=(Trigger("set-off", 0.5, Constant(1)),))
        extra.append(follow)
    return replace(scenario, disruptions=scenario.disruptions + tuple(extra))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=troubled(), seed=st.integers(0, 2**32 - 1))
def test_units_ordered_are_received_rejected_or_still_on_order(scenario, seed):
    log: list = []
    result = simulate(scenario, np.random.SeedSequence(seed), log=log)
    horizon, warmup = scenario.horizon, scenario.warmup
    placed, due_later, received, rejected = {}, {}, {}, {}
    by_supplier, by_item = {}, {}
    for entry in log:
        kind, item = entry[1], entry[2]
        if kind == "place":
            units, supplier, ship, arrival = entry[3:7]
            assert entry[0] <= ship <= arrival
            placed[item] = placed.get(item, 0) + units
            if arrival >= horizon:
                due_later[item] = due_later.get(item, 0) + units
        elif kind == "receive":
            received[item] = received.get(item, 0) + entry[3]
        elif kind == "reject":
            units, supplier = entry[3], entry[4]
            assert units > 0
            rejected[item] = rejected.get(item, 0) + units
            if entry[0] >= warmup:
                by_supplier[supplier] = by_supplier.get(supplier, 0) + units
                by_item[item] = by_item.get(item, 0) + units
    for item in scenario.network.items:
        if item.sources and not item.bom:  # bought only: every receipt is a purchase
            i = item.id
            assert placed.get(i, 0) == (received.get(i, 0) + rejected.get(i, 0)
                                        + due_later.get(i, 0)), i
    for sid, outcome in result.suppliers.items():
        assert outcome.rejected_units == by_supplier.get(sid, 0), sid
    for pid, outcome in result.parts.items():
        assert outcome.rejected_units == by_item.get(pid, 0), pid
    for pid, p in result.products.items():
        assert p.ordered_units == p.shipped_units + p.waiting_units_at_end + p.lost_units, pid
    for item_id, series in result.on_hand.items():
        assert series.min() >= 0, item_id
    plan = draw_plan(scenario, Streams(np.random.SeedSequence(seed)))
    for time, _, _, units, supplier, ship, arrival in (e for e in log if e[1] == "place"):
        for a, b in plan.down[supplier]:
            assert not a < ship < b, (supplier, ship, (a, b))  # nothing ships while down
