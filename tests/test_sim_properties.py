"""Properties of every replication, on random small networks and scenarios (hypothesis)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.dists import Constant, Uniform
from riskmap.model import (
    Demand, Disruption, Item, Network, Policy, Scenario, Source, Supplier, Target,
)
from riskmap.sim.disruptions import draw_plan
from riskmap.sim.engine import simulate
from riskmap.sim.streams import Streams

pytestmark = pytest.mark.property

SUPPLIERS = ("s0", "s1", "s2")


@st.composite
def policies(draw):
    kind = draw(st.sampled_from(["base_stock", "min_max", "reorder_point", None]))
    review = draw(st.sampled_from([None, None, 1.0, 2.5]))
    if kind == "base_stock":
        return Policy(kind, level=draw(st.integers(0, 8)), review_period=review)
    if kind == "min_max":
        low = draw(st.integers(0, 5))
        return Policy(kind, min=low, max=low + draw(st.integers(1, 6)), review_period=review)
    if kind == "reorder_point":
        return Policy(kind, point=draw(st.integers(0, 5)), quantity=draw(st.integers(1, 5)),
                      review_period=review)
    return None


@st.composite
def sources(draw):
    chosen = draw(st.lists(st.sampled_from(SUPPLIERS), min_size=1, max_size=3, unique=True))
    out = []
    n_primary = 0
    for i, supplier in enumerate(sorted(chosen)):
        alternate = i > 0 and draw(st.booleans())
        n_primary += not alternate
        out.append(Source(
            supplier,
            lead_time=draw(st.sampled_from([Constant(0), Constant(1.5), Uniform(0.5, 3)])),
            capacity=draw(st.sampled_from([None, 2.0, 5.0])),
            alternate=alternate,
            activation_delay=Constant(draw(st.sampled_from([0, 1, 4]))),
        ))
    shares = [1.0 / n_primary if not s.alternate else 0.0 for s in out]
    return tuple(Source(s.supplier, s.lead_time, s.capacity, s.alternate, s.activation_delay,
                        share) for s, share in zip(out, shares))


@st.composite
def scenarios(draw):
    suppliers = tuple(
        Supplier(sid, sid, capacity=draw(st.sampled_from([None, 3.0, 10.0])),
                 ttr=Constant(draw(st.sampled_from([2, 5, 10]))),
                 depends_on=("s2",) if sid == "s0" and draw(st.booleans()) else (),
                 cover=Constant(draw(st.sampled_from([0, 2]))))
        for sid in SUPPLIERS
    )
    parts = tuple(
        Item(f"part{i}", "part", stock=draw(st.integers(0, 10)), policy=draw(policies()),
             sources=draw(sources()))
        for i in range(draw(st.integers(0, 2)))
    )
    products = []
    for i in range(draw(st.integers(1, 2))):
        made = bool(parts) and draw(st.booleans())
        bom = tuple((p.id, draw(st.integers(1, 3))) for p in parts) if made else ()
        demand = Demand(
            rate=draw(st.sampled_from([0.5, 1.0, 2.0])) if draw(st.booleans()) else None,
            size=draw(st.sampled_from([Constant(1), Uniform(1, 3)])),
            patience=draw(st.sampled_from([None, None, Constant(0), Constant(2.0)])),
        )
        if demand.rate is None:
            demand = Demand(interval=Constant(draw(st.sampled_from([0.5, 1.0]))),
                            size=demand.size, patience=demand.patience)
        products.append(Item(
            f"prod{i}", "product", stock=draw(st.integers(0, 10)), policy=draw(policies()),
            sources=() if made else draw(sources()), bom=bom,
            capacity=draw(st.sampled_from([None, 1.0, 4.0])) if made else None,
            assembly_time=Constant(draw(st.sampled_from([0, 0.5]))),
            demand=demand,
        ))
    horizon = float(draw(st.integers(20, 60)))
    disruptions = []
    for j in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["outage", "delay", "shortage", "demand_surge", "disaster"]))
        at = Constant(float(draw(st.integers(0, int(horizon)))))
        duration = draw(st.sampled_from([None, Constant(3), Constant(12)]))
        if kind == "demand_surge":
            target = Target("product", products[0].id)
            duration = duration or Constant(5)
        elif kind == "disaster":
            target = Target("region", "r")
        else:
            target = Target("supplier", draw(st.sampled_from(SUPPLIERS)))
        disruptions.append(Disruption(
            f"d{j}", kind, target, at=at, duration=duration,
            probability=draw(st.sampled_from([1.0, 0.5])),
            lead_time_factor=2.0, capacity_factor=0.3, factor=2.0))
    suppliers = tuple(Supplier(s.id, s.name, "r" if s.id != "s1" else None, s.capacity, s.ttr,
                               s.depends_on, s.cover) for s in suppliers)
    network = Network("random", suppliers=suppliers, items=parts + tuple(products))
    return Scenario("random", network, horizon=horizon,
                    warmup=float(draw(st.sampled_from([0, 5]))),
                    alternates=draw(st.sampled_from(["auto", "off"])),
                    disruptions=tuple(disruptions))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_units_are_conserved_stock_stays_non_negative_and_down_suppliers_ship_nothing(
        scenario, seed):
    log: list = []
    ss = np.random.SeedSequence(seed)
    result = simulate(scenario, ss, log=log)
    for pid, p in result.products.items():
        assert p.ordered_units == p.shipped_units + p.waiting_units_at_end + p.lost_units, pid
        assert p.filled_from_stock_units <= p.shipped_units <= p.ordered_units
        assert p.backorder_units <= p.ordered_units - p.filled_from_stock_units
        assert p.backlog_unit_time >= 0 and p.longest_wait >= 0
    for item_id, series in result.on_hand.items():
        assert series.min() >= 0, item_id
        assert result.backlog[item_id].min() >= 0, item_id
        assert len(series) == int(scenario.horizon) + 1
    plan = draw_plan(scenario, Streams(ss))
    for time, _, _, units, supplier, ship, arrival in (e for e in log if e[1] == "place"):
        assert units > 0 and time <= ship <= arrival
        for a, b in plan.down[supplier]:
            assert not a < ship < b, (supplier, ship, (a, b))
    for sid, s in result.suppliers.items():
        assert 0 <= s.down_time <= scenario.horizon


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_components_are_conserved_and_no_unit_is_made_without_its_kit(scenario, seed):
    log: list = []
    result = simulate(scenario, np.random.SeedSequence(seed), log=log)
    network = scenario.network
    received, issued, produced, issued_to = {}, {}, {}, {}
    for entry in log:
        kind, item, units = entry[1], entry[2], entry[3]
        if kind == "receive":
            received[item] = received.get(item, 0) + units
        elif kind == "issue":
            issued[item] = issued.get(item, 0) + units
            issued_to[(item, entry[4])] = issued_to.get((item, entry[4]), 0) + units
        elif kind == "produce":
            produced[item] = produced.get(item, 0) + units
    for part in network.parts:  # no customer orders them: every unit in is on hand or issued
        assert (part.stock + received.get(part.id, 0)
                == int(result.on_hand[part.id][-1]) + issued.get(part.id, 0)), part.id
    for item in network.items:  # a unit starts only with one unit's worth of every component
        for component, qty in item.bom:
            assert produced.get(item.id, 0) * qty <= issued_to.get((component, item.id), 0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_demand_draws_do_not_depend_on_the_alternates(scenario, seed):
    # Common random numbers: switching alternates off changes where orders go, never
    # which customer orders arrive.
    ss = np.random.SeedSequence(seed)
    on = simulate(scenario, ss, alternates="auto", series=False)
    off = simulate(scenario, ss, alternates="off", series=False)
    for pid in on.products:
        assert on.products[pid].ordered_units == off.products[pid].ordered_units


# --------------------------------------------------------------------------
# The engine pauses Python's cyclic collector during a run (riskmap.sim.engine)


def _cyclic_garbage_after(scenario) -> int:
    import gc

    gc.collect()
    gc.disable()
    try:
        simulate(scenario, np.random.SeedSequence(3))
        return gc.collect()
    finally:
        gc.enable()


def test_a_run_leaves_no_cyclic_garbage_per_event():
    """What only the collector can free must not grow with the events, or pausing it would leak."""
    from riskmap.load import load_scenario
    from dataclasses import replace

    from tests.conftest import SCENARIOS

    base = load_scenario(os.path.join(SCENARIOS, "combined-stress.yaml"))
    short = _cyclic_garbage_after(replace(base, horizon=100.0))
    long = _cyclic_garbage_after(replace(base, horizon=400.0))
    # the state alive at the end (waiting orders, receipts in transit) differs a little;
    # garbage made per event would grow with the four times as many events
    assert long < 1.5 * short, (short, long)


@pytest.mark.parametrize("schedule", ["queue", "public"])
def test_the_collector_is_restored_after_a_run(monkeypatch, schedule):
    import gc

    import simpy

    scenario = Scenario("gc", Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=5, policy=Policy("base_stock", level=5),
             sources=(Source("s"),), demand=Demand(rate=1.0)),)), horizon=50)
    during = set()
    real_step = simpy.Environment.step
    monkeypatch.setattr(simpy.Environment, "step",
                        lambda env: during.add(gc.isenabled()) or real_step(env))
    simulate(scenario, np.random.SeedSequence(1), schedule=schedule)
    assert gc.isenabled() and during == {False}
    gc.disable()
    try:
        simulate(scenario, np.random.SeedSequence(1))
        assert not gc.isenabled()
    finally:
        gc.enable()
