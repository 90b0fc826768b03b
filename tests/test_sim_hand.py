"""Hand-traced runs of tiny networks: every event worked out in the comments.

Conventions used in the traces (docs/simulation.md):

* ``interval: 1`` demand orders arrive at t = 1, 2, 3, ... (the first after one interval).
* Events at the same time run in the order they were scheduled, so a receipt
  scheduled by an earlier order runs before the customer order arriving at
  the same time (the next order is scheduled after the current one's
  replenishment).
* The run covers [0, horizon): nothing happens at the horizon itself.
* Series are sampled at integer times, after the events at that time.
"""

from __future__ import annotations

import numpy as np
import pytest

from riskmap.dists import Constant
from riskmap.model import (
    Demand, Disruption, Item, Network, Policy, Scenario, Source, Supplier, Target,
)
from riskmap.sim.engine import simulate

pytestmark = pytest.mark.hand

SEED = np.random.SeedSequence(0)


def product(id, stock, level, sources, interval=1.0, **kw):
    """A product sold one unit per ``interval``, replenished one-for-one up to ``level``."""
    return Item(id, "product", stock=stock, sources=sources,
                policy=Policy("base_stock", level=level) if level is not None else None,
                demand=Demand(interval=Constant(interval)), **kw)


def outage(supplier, at, duration, id="out"):
    return Disruption(id, "outage", Target("supplier", supplier), at=Constant(at),
                      duration=Constant(duration))


def run(network, horizon, disruptions=(), **kw):
    log: list = []
    scenario = Scenario("hand", network, horizon=horizon, disruptions=tuple(disruptions))
    return simulate(scenario, SEED, log=log, **kw), log


def events(log, kind):
    return [e for e in log if e[1] == kind]


def test_outage_creates_a_backorder():
    # p: stock 3, base stock 3, one source s with lead time 2; s is down over [2.5, 5.5).
    # t=1,2: orders filled from stock, replenished from s: ship at once, arrive at 3 and 4.
    # t=3: receipt (on hand 2), order filled (1), replenishment held: ships 5.5, arrives 7.5.
    # t=4: receipt (2), order (1), held: arrives 7.5.  t=5: order (0), held: arrives 7.5.
    # t=6: no stock: 1 unit backordered (first backorder); s is up: arrives 8.
    # t=7: backlog 2; arrives 9.  t=7.5: three receipts: the order of t=6 ships (waited
    # 1.5), the order of t=7 ships (waited 0.5), 1 unit left on hand.
    # t=8: receipt (2), order (1).  t=9: receipt (2), order (1); its replenishment
    # would arrive at 11, after the horizon 10.
    net = Network("n", suppliers=(Supplier("s", "S"),),
                  items=(product("p", 3, 3, (Source("s", lead_time=Constant(2)),)),))
    result, log = run(net, 10, [outage("s", 2.5, 3)])
    p = result.products["p"]
    assert (p.ordered_units, p.filled_from_stock_units, p.backorder_units) == (9, 7, 2)
    assert (p.shipped_units, p.waiting_units_at_end, p.lost_units) == (9, 0, 0)
    assert p.first_backorder_time == 6
    assert p.longest_wait == pytest.approx(1.5)
    assert p.backlog_unit_time == pytest.approx(1 * 1 + 2 * 0.5)
    places = [(t, ship, arrival) for t, _, _, _, _, ship, arrival in events(log, "place")]
    assert places == [(1, 1, 3), (2, 2, 4), (3, 5.5, 7.5), (4, 5.5, 7.5), (5, 5.5, 7.5),
                      (6, 6, 8), (7, 7, 9), (8, 8, 10), (9, 9, 11)]
    assert [(t, u) for t, _, _, u in events(log, "ship")] == [(7.5, 1), (7.5, 1)]
    assert result.on_hand["p"].tolist() == [3, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1]
    assert result.backlog["p"].tolist() == [0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0]
    assert result.suppliers["s"].down_time == pytest.approx(3)
    assert result.suppliers["s"].units_not_delivered == 3  # the orders of t=3, 4, 5
    assert result.events == 9 + 7  # 9 customer orders, 7 receipts before the horizon


def alternate_network():
    # p: stock 2, base stock 2; primary s1 (lead 1), alternate s2 (lead 1, activation 2).
    return Network("n", suppliers=(Supplier("s1", "S1"), Supplier("s2", "S2")), items=(
        product("p", 2, 2, (
            Source("s1", lead_time=Constant(1)),
            Source("s2", lead_time=Constant(1), alternate=True, activation_delay=Constant(2),
                   share=0.0),
        )),
    ))


def test_alternate_takes_over_after_its_activation_delay():
    # s1 is down over [2.5, 8.5), so s2 is active over [4.5, 8.5).
    # t=1,2: filled, ordered from s1, arrive 2 and 3.
    # t=3: receipt, filled, ordered from s1 (down; s2 not yet active): ships 8.5, arrives 9.5.
    # t=4: filled (on hand 0), same: arrives 9.5.
    # t=5: backordered (first backorder); s2 is active: ordered from s2, arrives 6.
    # t=6,7,8: the receipt ships the waiting order (waited 1), the new order waits,
    # each replenished from s2 (arriving 7, 8, 9).
    # t=9: the receipt ships the order of t=8; s1 is back: the order of t=9 goes to s1
    # (arrives 10, after the horizon).  t=9.5: two receipts: the order of t=9 ships.
    result, log = run(alternate_network(), 10, [outage("s1", 2.5, 6)])
    suppliers = [(t, s) for t, _, _, _, s, _, _ in events(log, "place")]
    assert suppliers == [(1, "s1"), (2, "s1"), (3, "s1"), (4, "s1"), (5, "s2"), (6, "s2"),
                         (7, "s2"), (8, "s2"), (9, "s1")]
    p = result.products["p"]
    assert (p.ordered_units, p.filled_from_stock_units, p.backorder_units) == (9, 4, 5)
    assert p.first_backorder_time == 5
    assert p.longest_wait == pytest.approx(1)
    assert (p.shipped_units, p.waiting_units_at_end) == (9, 0)
    assert result.on_hand["p"].tolist() == [2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1]


def test_without_alternates_orders_wait_for_the_primary():
    # The same run with alternates off: t=3..8 orders all wait at s1 and arrive at 9.5;
    # t=5..9 are backordered; at 9.5 six units arrive, five ship, one stays on hand.
    result, log = run(alternate_network(), 10, [outage("s1", 2.5, 6)], alternates="off")
    assert {e[4] for e in events(log, "place")} == {"s1"}
    p = result.products["p"]
    assert (p.filled_from_stock_units, p.backorder_units, p.shipped_units) == (4, 5, 9)
    assert p.longest_wait == pytest.approx(4.5)  # the order of t=5 ships at 9.5
    assert p.backlog_unit_time == pytest.approx(1 + 2 + 3 + 4 + 5 * 0.5)


def test_demand_surge_doubles_the_order_rate():
    # interval 1 with factor 2 over [3, 5): base time runs twice as fast there, so the
    # orders at base times 1..9 arrive at 1, 2, 3, 3.5, 4, 4.5, 5, 6, 7.
    # 5 units of stock, no replenishment: the order at 4.5 is the first backorder.
    net = Network("n", items=(product("p", 5, None, ()),))
    surge = Disruption("surge", "demand_surge", Target("product", "p"), at=Constant(3),
                       duration=Constant(2), factor=2.0)
    result, log = run(net, 7.5, [surge])
    assert [t for t, *_ in events(log, "order")] == [1, 2, 3, 3.5, 4, 4.5, 5, 6, 7]
    p = result.products["p"]
    assert (p.ordered_units, p.filled_from_stock_units, p.backorder_units) == (9, 5, 4)
    assert p.first_backorder_time == 4.5
    assert p.waiting_units_at_end == 4
    assert p.longest_wait == pytest.approx(7.5 - 4.5)
    calm, _ = run(net, 7.5)
    assert calm.products["p"].ordered_units == 7


def test_capacity_shortage_slows_shipping_and_queues_fcfs():
    # Supplier s makes 10 units per day, derated to 5 over [0, 2). At t=0 both p and q
    # (reviewed in id order) order 20 units (min_max, min 0, max 20, no stock).
    # p's order: 10 units by t=2 at rate 5, the other 10 by t=3 at rate 10: ships 3,
    # arrives 4 (lead 1). q's order waits for s: 20 units from t=3 at rate 10: ships 5,
    # arrives 6. Without the shortage p ships at 2 and q at 4.
    def item(id):
        return Item(id, "product", policy=Policy("min_max", min=0, max=20),
                    sources=(Source("s", lead_time=Constant(1)),))
    net = Network("n", suppliers=(Supplier("s", "S", capacity=10.0),), items=(item("p"), item("q")))
    shortage = Disruption("short", "shortage", Target("supplier", "s"), at=Constant(0),
                          duration=Constant(2), capacity_factor=0.5)
    _, log = run(net, 10, [shortage])
    assert [(i, u, ship, arr) for _, _, i, u, _, ship, arr in events(log, "place")] == [
        ("p", 20, 3, 4), ("q", 20, 5, 6)]
    _, log = run(net, 10)
    assert [(ship, arr) for *_, ship, arr in events(log, "place")] == [(2, 3), (4, 5)]


def test_part_shortage_caps_an_uncapacitated_lane_at_a_share_of_its_demand():
    # Lane p@s has no capacity; p's demand is 1 unit per day, so a shortage of factor 0.5
    # on p over [0, 30) caps the lane at 0.5 units per day.
    # t=0: no stock, min_max (0, 4): order 4, shipped at 4 / 0.5 = 8.
    # t=1..4: orders wait; at t=4 the position is 0 again: order 4, which waits for the
    # lane (free at 8) and ships at 16. After the window the lane is unbounded again.
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", policy=Policy("min_max", min=0, max=4), sources=(Source("s"),),
             demand=Demand(interval=Constant(1))),))
    shortage = Disruption("short", "shortage", Target("part", "p"), at=Constant(0),
                          duration=Constant(30), capacity_factor=0.5)
    _, log = run(net, 40, [shortage])
    places = [(t, u, ship) for t, _, _, u, _, ship, _ in events(log, "place")]
    assert places[:2] == [(0, 4, 8), (4, 4, 16)]
    assert places[-1][0] >= 30 and places[-1][2] == places[-1][0]


def test_production_waits_for_the_last_part_of_its_bill_of_materials():
    # P (base stock 1, no stock, line capacity 1 per day, assembly 0.5) is made of 2 A + 1 B.
    # t=0: P's position 0 < 1: production order of 1. A has 4: 2 taken at once. B has none:
    # the order waits in B's backlog, and B (base stock 0) orders 1 from s (lead 3).
    # t=3: B arrives and completes the bill of materials: the batch starts at 3, occupies
    # the line 1 day and is assembled 0.5 later: P gets 1 unit at 4.5.
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("A", "part", stock=4),
        Item("B", "part", policy=Policy("base_stock", level=0),
             sources=(Source("s", lead_time=Constant(3)),)),
        Item("P", "product", policy=Policy("base_stock", level=1), bom=(("A", 2), ("B", 1)),
             capacity=1.0, assembly_time=Constant(0.5)),
    ))
    result, log = run(net, 6)
    assert events(log, "replenish") == [(0, "replenish", "P", 1), (0, "replenish", "B", 1)]
    assert events(log, "produce") == [(3, "produce", "P", 1, 3, 4.5)]
    assert events(log, "receive") == [(3, "receive", "B", 1), (4.5, "receive", "P", 1)]
    assert result.on_hand["A"].tolist() == [2] * 7
    assert result.on_hand["P"].tolist() == [0, 0, 0, 0, 0, 1, 1]
    assert result.backlog["B"].tolist() == [1, 1, 1, 0, 0, 0, 0]
    assert result.parts["B"].stock_out_time == pytest.approx(3)
    assert result.parts["A"].stock_out_time == 0


def _kits_network(production):
    # P (base stock 10, no stock, line capacity 4 a day, assembly 1) is made of 2 A + 1 B.
    # A has 20 on hand; B has 4 and orders what it lacks from s (lead 3, base stock 4).
    return Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("A", "part", stock=20),
        Item("B", "part", stock=4, policy=Policy("base_stock", level=4),
             sources=(Source("s", lead_time=Constant(3)),)),
        Item("P", "product", policy=Policy("base_stock", level=10), bom=(("A", 2), ("B", 1)),
             capacity=4.0, assembly_time=Constant(1.0), production=production),
    ))


def test_a_production_order_starts_as_many_units_as_complete_kits():
    # t=0: P orders 10. A issues 20 (10 kits' worth), B issues its 4 and owes 6: 4 kits are
    # complete, so 4 units start at once (line 0 to 1, assembled at 2); B's position fell to
    # -6, so it buys 10 (arriving at 3). The other 6 units wait for B.
    # t=3: B's 10 arrive: 6 are issued to the order, completing its kits: 6 units start at 3
    # (line 3 to 4.5) and are on hand at 5.5; B keeps 4.
    result, log = run(_kits_network("kits"), 8)
    assert events(log, "produce") == [(0, "produce", "P", 4, 0, 2.0),
                                      (3, "produce", "P", 6, 3, 5.5)]
    assert [e[:4] for e in events(log, "issue")] == [(0, "issue", "A", 20), (0, "issue", "B", 4),
                                                      (3, "issue", "B", 6)]
    assert result.on_hand["P"].tolist() == [0, 0, 4, 4, 4, 4, 10, 10, 10]
    assert result.on_hand["B"].tolist() == [0, 0, 0, 4, 4, 4, 4, 4, 4]
    assert result.on_hand["A"].tolist() == [0] * 9


def test_production_whole_waits_for_every_kit():
    # The same, but P asks for whole orders: nothing starts until B's units arrive at 3; then
    # all 10 start (line 3 to 5.5) and are on hand at 6.5.
    result, log = run(_kits_network("whole"), 8)
    assert events(log, "produce") == [(3, "produce", "P", 10, 3, 6.5)]
    assert result.on_hand["P"].tolist() == [0, 0, 0, 0, 0, 0, 0, 10, 10]


def test_tier2_stop_reaches_the_tier1_after_its_cover():
    # t2 is down over [1, 6); s depends on t2 with 2 days of cover: s is down over [3, 6).
    # p (stock 1, base stock 1, lead time 0 from s): t=1,2 filled and restocked at once.
    # t=3: filled (on hand 0), the replenishment is held until 6. t=4, 5: backordered,
    # held until 6. t=6: three receipts ship the orders of t=4 (waited 2) and 5 (waited 1),
    # one unit stays; the order at 6 is filled; t=7 too.
    net = Network("n", suppliers=(
        Supplier("s", "S", depends_on=("t2",), cover=Constant(2)), Supplier("t2", "T2")),
        items=(product("p", 1, 1, (Source("s"),)),))
    result, log = run(net, 8, [outage("t2", 1, 5)])
    places = [(t, ship) for t, _, _, _, _, ship, _ in events(log, "place")]
    assert places == [(1, 1), (2, 2), (3, 6), (4, 6), (5, 6), (6, 6), (7, 7)]
    p = result.products["p"]
    assert (p.ordered_units, p.filled_from_stock_units, p.backorder_units) == (7, 5, 2)
    assert p.first_backorder_time == 4
    assert p.longest_wait == pytest.approx(2)
    assert result.suppliers["t2"].down_time == pytest.approx(5)
    assert result.suppliers["s"].down_time == pytest.approx(3)
    assert result.suppliers["s"].units_not_delivered == 3


def test_patience_cancels_waiting_orders_and_zero_patience_loses_sales():
    # 2 units of stock, no replenishment, orders at 1..5.
    # Patience 1.5: the orders of 3, 4, 5 wait; those of 3 and 4 are cancelled at 4.5 and
    # 5.5, the order of 5 still waits at the horizon 6.
    def net(patience):
        return Network("n", items=(Item("p", "product", stock=2, demand=Demand(
            interval=Constant(1), patience=Constant(patience))),))
    result, log = run(net(1.5), 6)
    p = result.products["p"]
    assert [(t, u) for t, _, _, u in events(log, "cancel")] == [(4.5, 1), (5.5, 1)]
    counts = (p.ordered_units, p.backorder_units, p.lost_units, p.waiting_units_at_end)
    assert counts == (5, 3, 2, 1)
    assert p.shipped_units == 2
    # Patience 0: lost sales, nothing ever waits.
    result, _ = run(net(0), 6)
    p = result.products["p"]
    counts = (p.ordered_units, p.backorder_units, p.lost_units, p.waiting_units_at_end)
    assert counts == (5, 0, 3, 0)
    assert p.backlog_unit_time == 0


def test_two_primaries_split_orders_by_share():
    # Shares 0.75 / 0.25 on one-unit orders: the unit goes to the lane furthest behind its
    # share of all units so far (ties to the first by id). Deficits (a, b) before orders
    # 1..4: (.75, .25) -> a; (.5, .5) -> a; (.25, .75) -> b; (1, 0) -> a; then it repeats.
    net = Network("n", suppliers=(Supplier("a", "A"), Supplier("b", "B")), items=(
        product("p", 5, 5, (Source("a", share=0.75), Source("b", share=0.25))),))
    _, log = run(net, 9)
    assert [e[4] for e in events(log, "place")] == ["a", "a", "b", "a"] * 2


def test_disaster_without_duration_lasts_each_suppliers_ttr():
    # Region r holds a (ttr 5) and b (ttr 10), c is elsewhere. A disaster at 2 takes a down
    # over [2, 7) and b over [2, 12); c is untouched.
    from riskmap.model import Region

    net = Network("n", regions=(Region("r", "R"),), suppliers=(
        Supplier("a", "A", region="r", ttr=Constant(5)),
        Supplier("b", "B", region="r", ttr=Constant(10)),
        Supplier("c", "C", ttr=Constant(1))))
    quake = Disruption("quake", "disaster", Target("region", "r"), at=Constant(2))
    result, _ = run(net, 20, [quake])
    assert {k: v.down_time for k, v in result.suppliers.items()} == {"a": 5, "b": 10, "c": 0}


def test_periodic_review_orders_at_multiples_of_the_period():
    # Review every 2.5: at 0 (position 3 = level: nothing), 2.5 (orders at 1 and 2 taken:
    # order 2), 5 (the review was scheduled at 2.5, before the customer order at 5 was
    # scheduled at 4, so it runs first and sees the orders at 3, 4: order 2), 7.5 (orders
    # at 5, 6, 7: order 3).
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=3, policy=Policy("base_stock", level=3, review_period=2.5),
             sources=(Source("s", lead_time=Constant(1)),), demand=Demand(interval=Constant(1))),))
    _, log = run(net, 9)
    assert [(t, u) for t, _, _, u in events(log, "replenish")] == [(2.5, 2), (5, 2), (7.5, 3)]


def test_an_item_with_sources_and_a_bom_is_made_when_no_source_can_deliver():
    # p is bought from s (lead 2) and can be made from 1 A (assembly 1, A has 10).
    # s is down over [2.5, 5.5). Orders at 1, 2 are bought; at 3, 4, 5 made (arriving 4, 5, 6);
    # from 6 on bought again.
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("A", "part", stock=10),
        product("p", 3, 3, (Source("s", lead_time=Constant(2)),), bom=(("A", 1),),
                assembly_time=Constant(1)),
    ))
    result, log = run(net, 8, [outage("s", 2.5, 3)])
    assert [t for t, *_ in events(log, "place")] == [1, 2, 6, 7]
    assert [(t, done) for t, _, _, _, _, done in events(log, "produce")] == [
        (3, 4), (4, 5), (5, 6)]
    assert result.products["p"].backorder_units == 0
    assert result.on_hand["A"].tolist()[-1] == 7
