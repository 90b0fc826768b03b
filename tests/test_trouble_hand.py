"""Hand-traced runs of the field-failure kinds: recurring outages, quality rejects, held transit.

The conventions of tests/test_sim_hand.py hold: ``interval: 1`` demand orders
arrive at t = 1, 2, 3, ...; a receipt scheduled before a customer order of the
same time runs first; nothing happens at the horizon; series are sampled at
integer times after the events at that time.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from riskmap.dists import Constant
from riskmap.model import Demand, Disruption, Item, Network, Policy, Scenario, Source, Supplier, Target
from riskmap.sim.disruptions import draw_plan
from riskmap.sim.engine import simulate
from riskmap.sim.streams import Streams

pytestmark = pytest.mark.hand

SEED = np.random.SeedSequence(0)


def product(id, stock, level, sources, interval=1.0, **kw):
    """A product sold one unit per ``interval``, replenished one-for-one up to ``level``."""
    return Item(id, "product", stock=stock, sources=sources,
                policy=Policy("base_stock", level=level) if level is not None else None,
                demand=Demand(interval=Constant(interval)), **kw)


def run(network, horizon, disruptions=(), warmup=0.0, **kw):
    log: list = []
    scenario = Scenario("hand", network, horizon=horizon, warmup=warmup,
                        disruptions=tuple(disruptions))
    return simulate(scenario, SEED, log=log, **kw), log


def events(log, kind):
    return [e for e in log if e[1] == kind]


def one_supplier(stock=1, level=1, lead=0.0, **supplier):
    return Network("n", suppliers=(Supplier("s", "S", **supplier),),
                   items=(product("p", stock, level, (Source("s", lead_time=Constant(lead)),)),))


def plan_of(network, horizon, disruptions):
    scenario = Scenario("hand", network, horizon=horizon, disruptions=tuple(disruptions))
    return draw_plan(scenario, Streams(SEED))


# --------------------------------------------------------------------------- recurring outages


def recurring(every, duration=None, **kw):
    return Disruption("flaky", "outage", Target("supplier", "s"), every=Constant(every),
                      duration=None if duration is None else Constant(duration), **kw)


def test_a_recurring_outage_alternates_up_and_down_from_time_0():
    # Up 3, down 2, up 3, ...: down over [3, 5) and [8, 10); the next would start at 13 >= 12.
    # p: stock 1, base stock 1, zero lead time, one order a day.
    # t=1, 2: filled; the replenishment ships and arrives at once.
    # t=3: filled (on hand 0); its replenishment waits for the recovery at 5.
    # t=4: nothing on hand: backordered; its replenishment waits too.
    # t=5: both receipts run first (scheduled before the order of 5): the backorder ships,
    #      1 on hand; the order of 5 is filled and replenished at once.
    # t=8, 9, 10: the same again with the outage [8, 10).
    net = one_supplier()
    result, log = run(net, 12, [recurring(3, 2)])
    places = [(t, ship) for t, _, _, _, _, ship, _ in events(log, "place")]
    assert places == [(1, 1), (2, 2), (3, 5), (4, 5), (5, 5), (6, 6), (7, 7), (8, 10), (9, 10),
                      (10, 10), (11, 11)]
    p = result.products["p"]
    assert (p.ordered_units, p.filled_from_stock_units, p.backorder_units) == (11, 9, 2)
    assert [(t, u) for t, _, _, u in events(log, "ship")] == [(5, 1), (10, 1)]
    assert result.on_hand["p"].tolist() == [1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1]
    assert result.suppliers["s"].down_time == pytest.approx(4)
    assert result.suppliers["s"].units_not_delivered == 4  # the orders of t=3, 4, 8, 9


def test_a_recurring_outage_starts_at_at_and_lasts_the_ttr_without_duration():
    # From at=1: up 3 -> down [4, 4 + ttr 2) = [4, 6), up 3 -> [9, 11), next at 14 >= 12.
    plan = plan_of(one_supplier(ttr=Constant(2)), 12, [recurring(3, at=Constant(1))])
    assert plan.down["s"] == ((4, 6), (9, 11))
    assert [(o.start, o.end) for o in plan.occurrences] == [(4, 6), (9, 11)]


def test_a_recurring_outage_happens_with_its_probability_as_a_whole():
    assert plan_of(one_supplier(), 100, [recurring(3, 2, probability=0.0)]).down["s"] == ()
    assert len(plan_of(one_supplier(), 100, [recurring(3, 2, probability=1.0)]).down["s"]) == 20


def test_a_recurring_outage_without_end_is_the_last():
    # No duration and no ttr: down from 3 to the end of the run, and no more windows drawn.
    plan = plan_of(one_supplier(), 50, [recurring(3)])
    assert plan.down["s"] == ((3, float("inf")),)


# --------------------------------------------------------------------------- quality rejects


def quality(reject, at, duration, target=("supplier", "s"), id="bad-batch"):
    return Disruption(id, "quality", Target(*target), at=Constant(at), duration=Constant(duration),
                      reject=reject)


def test_rejected_units_are_lost_and_ordered_again_at_once():
    # p: stock 2, base stock 2, lead time 1, one order a day; everything received over
    # [2.5, 4.5) fails inspection (reject 1: the binomial draw is certain).
    # t=1: filled (1 on hand); order, arrives 2.   t=2: receipt (2), filled (1); arrives 3.
    # t=3: receipt rejected: on order 1 -> 0, on hand stays 1, the position drops to 1 and
    #      the review orders 1 (arrives 4); then the customer order: filled (0), order -> 4.
    # t=4: both receipts rejected, each ordered again (arrive 5); the customer order finds
    #      nothing on hand: backordered, its replenishment arrives 5.
    # t=5: three receipts pass: the backorder ships, 2 on hand; the order of 5 is filled.
    # t=6: receipt (2), filled (1); its replenishment would arrive at the horizon 7.
    net = one_supplier(stock=2, level=2, lead=1.0)
    result, log = run(net, 7, [quality(1.0, 2.5, 2)])
    assert [(t, u, s) for t, _, _, u, s in events(log, "reject")] == [(3, 1, "s"), (4, 1, "s"),
                                                                      (4, 1, "s")]
    assert [(t, u) for t, _, _, u in events(log, "receive")] == [
        (2, 1), (3, 0), (4, 0), (4, 0), (5, 1), (5, 1), (5, 1), (6, 1)]
    places = [(t, arrival) for t, _, _, _, _, _, arrival in events(log, "place")]
    assert places == [(1, 2), (2, 3), (3, 4), (3, 4), (4, 5), (4, 5), (4, 5), (5, 6), (6, 7)]
    p = result.products["p"]
    assert (p.ordered_units, p.filled_from_stock_units, p.backorder_units) == (6, 5, 1)
    assert result.on_hand["p"].tolist() == [2, 1, 1, 0, 0, 1, 1, 1]
    assert result.backlog["p"].tolist() == [0, 0, 0, 0, 1, 0, 0, 0]
    assert result.suppliers["s"].rejected_units == 3
    assert result.suppliers["s"].down_time == 0  # a quality problem stops nothing
    assert result.events == 6 + 8


def test_rejects_are_counted_after_the_warmup_per_supplier_and_part():
    # A part bought from s with lead time 0.5, base stock 1 from nothing on hand: it orders
    # 1 at t=0; everything received over [0, 10) is rejected, so each receipt (1 unit, at
    # 0.5, 1, ..., 9.5) is rejected and ordered again, until the one at 10 passes. (With
    # zero lead time the re-orders at one time would never end.) The product made from it
    # is ordered only after the horizon.
    part = Item("cell", "part", stock=0, policy=Policy("base_stock", level=1),
                sources=(Source("s", lead_time=Constant(0.5)),))
    bike = Item("bike", "product", stock=0, bom=(("cell", 1),),
                demand=Demand(interval=Constant(20.0)))
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(part, bike))
    result, log = run(net, 12, [quality(1.0, 0, 10, target=("part", "cell"))], warmup=4.0)
    rejects = [t for t, *_ in events(log, "reject")]
    assert rejects == [0.5 * k for k in range(1, 20)]  # 0.5 .. 9.5; the receipt at 10 passes
    after = sum(1 for t in rejects if t >= 4.0)
    assert [(t, u) for t, _, _, u in events(log, "receive")][-1] == (10, 1)
    assert result.parts["cell"].rejected_units == after == 12  # 4, 4.5, ..., 9.5
    assert result.suppliers["s"].rejected_units == after


def test_a_share_rejected_is_a_binomial_draw_per_receipt_from_its_own_stream():
    net = one_supplier(stock=5, level=5, lead=1.0)
    result, log = run(net, 60, [quality(0.5, 0, 60)])
    rejected = [u for *_, u, _ in events(log, "reject")]
    received = [u for t, _, _, u in events(log, "receive")]
    assert 0 < sum(rejected) < len(received)  # about half of the 59 one-unit receipts
    again, _ = run(net, 60, [quality(0.5, 0, 60)])
    assert again.suppliers["s"].rejected_units == result.suppliers["s"].rejected_units
    # The rejections draw from quality:p:s alone: the demand is the same without them.
    plain, _ = run(net, 60)
    assert plain.products["p"].ordered_units == result.products["p"].ordered_units


# --------------------------------------------------------------------------- held transit


def transit(at, duration, target=("supplier", "s"), id="port"):
    return Disruption(id, "transit", Target(*target), at=Constant(at),
                      duration=Constant(duration))


def test_shipments_on_their_way_are_held_and_arrive_that_much_later():
    # p: stock 3, base stock 3, lead time 3, one order a day; the port is closed over
    # [2.5, 4.5): the clock of every shipment at sea stops while it is closed.
    # t=1: shipped, 1.5 of its 3 days done at 2.5, the rest after 4.5: arrives 6 (it was
    #      due at 4, inside the closure: window end + its remaining 1.5).
    # t=2: 0.5 done at 2.5, 2.5 left: arrives 7.
    # t=3, 4: shipped during the closure: the whole trip after it: arrive 7.5.
    # t=5: after it: arrives 8.  From then on as usual (t + 3).
    # Stock: filled at 1, 2, 3; t=4, 5, 6, 7 backordered (the receipts at 6 and 7 ship the
    # oldest first); the two receipts at 7.5 clear the backlog; 8 and 9 are filled.
    net = one_supplier(stock=3, level=3, lead=3.0)
    result, log = run(net, 10, [transit(2.5, 2)])
    arrivals = [(t, ship, arrival) for t, _, _, _, _, ship, arrival in events(log, "place")]
    assert arrivals == [(1, 1, 6), (2, 2, 7), (3, 3, 7.5), (4, 4, 7.5), (5, 5, 8), (6, 6, 9),
                        (7, 7, 10), (8, 8, 11), (9, 9, 12)]
    p = result.products["p"]
    assert (p.ordered_units, p.filled_from_stock_units, p.backorder_units) == (9, 5, 4)
    assert [(t, u) for t, _, _, u in events(log, "ship")] == [(6, 1), (7, 1), (7.5, 1),
                                                              (7.5, 1)]
    assert result.backlog["p"].tolist() == [0, 0, 0, 0, 1, 2, 2, 2, 0, 0, 0]
    # The supplier itself was never down: it shipped every order when placed.
    assert result.suppliers["s"].down_time == 0
    assert result.suppliers["s"].units_not_delivered == 0


def test_a_region_transit_holds_every_supplier_of_the_region_and_overlaps_merge():
    net = Network("n", regions=(), suppliers=(Supplier("a", "A", region="tw"),
                                              Supplier("b", "B", region="tw"),
                                              Supplier("c", "C", region="de")),
                  items=(product("p", 3, 3, (Source("a"),)),))
    plan = plan_of(net, 50, [transit(5, 10, ("region", "tw")),
                             transit(12, 10, ("supplier", "a"), id="a-too")])
    assert plan.transit == {"a": [(5, 15), (12, 22)], "b": [(5, 15)]}
    from riskmap.sim.supply import build_clocks, build_sourcing
    lane = build_sourcing(net.item("p"), net, plan, build_clocks(net, plan), Streams(SEED),
                          True).primaries[0]
    # Shipped at 4 with 3 to go: 1 done by 5, held over [5, 22) (merged), 2 more: 24.
    assert lane.arrival(4.0, 3.0) == 24.0
    assert lane.arrival(30.0, 3.0) == 33.0


# --------------------------------------------------------------------------- correlated events


def two_suppliers():
    return Network("n", suppliers=(Supplier("a", "A", ttr=Constant(6)), Supplier("b", "B"),
                                   Supplier("c", "C")),
                   items=(product("p", 3, 3, (Source("a"),)),))


def sets_off(id, probability=1.0, after=0.0):
    from riskmap.model import Trigger

    return Trigger(id, probability, Constant(after))


def test_a_disruption_sets_off_another_after_its_delay():
    # The typhoon strikes a over [10, 15); 3 after it starts the port of b closes, for 4.
    typhoon = Disruption("typhoon", "outage", Target("supplier", "a"), at=Constant(10),
                         duration=Constant(5), triggers=(sets_off("plant", after=3),))
    plant = Disruption("plant", "outage", Target("supplier", "b"), duration=Constant(4))
    plan = plan_of(two_suppliers(), 50, [plant, typhoon])  # file order does not matter
    assert plan.down["a"] == ((10, 15),) and plan.down["b"] == ((13, 17),)
    assert [(o.disruption, o.start, o.end) for o in plan.occurrences] == [
        ("typhoon", 10, 15), ("plant", 13, 17)]


def test_a_triggered_disruption_happens_only_when_set_off_and_chains_follow():
    never = Disruption("typhoon", "outage", Target("supplier", "a"), at=Constant(10),
                       duration=Constant(5), triggers=(sets_off("plant", probability=0.0),))
    plant = Disruption("plant", "outage", Target("supplier", "b"), duration=Constant(4),
                       triggers=(sets_off("port", after=1),))
    port = Disruption("port", "transit", Target("supplier", "c"), duration=Constant(2))
    plan = plan_of(two_suppliers(), 50, [never, plant, port])
    assert plan.down["b"] == () and plan.transit == {}
    sure = replace(never, triggers=(sets_off("plant", after=2),))
    plan = plan_of(two_suppliers(), 50, [sure, plant, port])
    assert plan.down["b"] == ((12, 16),)
    assert plan.transit == {"c": [(13, 15)]}  # set off by the plant, 1 after its start


def test_each_down_period_of_a_recurring_outage_sets_off_its_triggers():
    # a up 3, down 2 (its ttr would be 6, duration says 2): down at 3, 8, 13, 18; each start
    # closes b's port 1 later for 1. An occurrence set off at or after the horizon is dropped.
    flaky = Disruption("flaky", "outage", Target("supplier", "a"), every=Constant(3),
                       duration=Constant(2), triggers=(sets_off("b-port", after=1),))
    port = Disruption("b-port", "transit", Target("supplier", "b"), duration=Constant(1))
    plan = plan_of(two_suppliers(), 19, [flaky, port])
    assert plan.down["a"] == ((3, 5), (8, 10), (13, 15), (18, 20))
    assert plan.transit == {"b": [(4, 5), (9, 10), (14, 15)]}


def test_triggers_draw_from_their_own_stream():
    # The trigger's uniforms and delays come from trigger:<by>:<id>: the typhoon's own
    # random start is the same with or without what it sets off.
    from riskmap.dists import Uniform

    typhoon = Disruption("typhoon", "outage", Target("supplier", "a"), at=Uniform(0, 40),
                         duration=Constant(5))
    alone = plan_of(two_suppliers(), 50, [typhoon])
    chained = plan_of(two_suppliers(), 50, [
        replace(typhoon, triggers=(sets_off("plant", 0.5, 1),)),
        Disruption("plant", "outage", Target("supplier", "b"), duration=Constant(4))])
    assert chained.down["a"] == alone.down["a"]


# --------------------------------------------------------------------------- gradual recovery


def test_capacity_returns_linearly_after_an_outage_with_a_ramp():
    # s makes 10 a day; down over [2, 4), then back to 10 a day linearly over [4, 6), in ten
    # steps of 0.2 at 0.5, 1.5, ..., 9.5 a day (the linear ramp's mean over each step).
    from riskmap.sim.supply import build_clocks

    net = one_supplier(capacity=10.0)
    out = Disruption("fire", "outage", Target("supplier", "s"), at=Constant(2),
                     duration=Constant(2), ramp=Constant(2))
    plan = plan_of(net, 20, [out])
    calendar = build_clocks(net, plan)["s"].calendar
    assert [calendar.rate(t) for t in (1, 3, 4.1, 5.9, 6)] == [10.0, 0.0, 0.5, 9.5, 10.0]
    # 10 units started at 3: the ramp's 10 units are done exactly at its end.
    assert calendar.finish(3, 10) == pytest.approx(6.0)
    # 5 units: 4.9 by 5.4 (7 steps: 0.2 x (0.5 + ... + 6.5)), the last 0.1 at 7.5 a day.
    assert calendar.finish(3, 5) == pytest.approx(5.4 + 0.1 / 7.5)
    assert plan.down["s"] == ((2, 4),)  # the ramp is up time: orders go to s, no alternate


def test_an_order_held_by_an_outage_ships_as_capacity_ramps_up():
    # p: nothing on hand, base stock 10, zero lead time, no customer in the horizon: it orders
    # 10 at t=0 from s (10 a day), down over [0, 2). Without a ramp they ship at 2 + 1 = 3;
    # with a ramp of 2 the ramp's 10 units are done at 4.
    net = Network("n", suppliers=(Supplier("s", "S", capacity=10.0),),
                  items=(product("p", 0, 10, (Source("s"),), interval=100.0),))
    def place(ramp):
        out = Disruption("fire", "outage", Target("supplier", "s"), at=Constant(0),
                         duration=Constant(2), ramp=ramp)
        _, log = run(net, 10, [out])
        [(_, _, _, units, _, ship, _)] = events(log, "place")
        return units, ship
    assert place(None) == (10, 3.0)
    assert place(Constant(2)) == (10, pytest.approx(4.0))
    # A supplier without capacity ramps up to its nominal rate, the mean demand it serves
    # (0.01 a day here, as a shortage caps it): 0.01 units are made in the ramp, the rest
    # when it is over and the supplier is unbounded again.
    net = Network("n", suppliers=(Supplier("s", "S"),),
                  items=(product("p", 0, 10, (Source("s"),), interval=100.0),))
    assert place(None) == (10, 2.0)
    assert place(Constant(2)) == (10, pytest.approx(4.0))


def test_a_shortage_with_a_ramp_returns_from_its_factor():
    # 10 a day derated to 5 over [0, 2), then back over [2, 4) in steps of 0.2 at
    # 5.25, 5.75, ..., 9.75. 20 units from 0: 10 by t=2, 9.45 more by 3.4 (seven steps),
    # the last 0.55 at 8.75 a day.
    from riskmap.sim.supply import build_clocks

    net = one_supplier(capacity=10.0)
    short = Disruption("short", "shortage", Target("supplier", "s"), at=Constant(0),
                       duration=Constant(2), capacity_factor=0.5, ramp=Constant(2))
    calendar = build_clocks(net, plan_of(net, 20, [short]))["s"].calendar
    assert calendar.rate(2.1) == pytest.approx(5.25) and calendar.rate(4) == 10.0
    assert calendar.finish(0, 20) == pytest.approx(3.4 + 0.55 / 8.75)
