"""Hand-traced runs of customers who wait: promised dates, waits, cancellations, substitutes.

Same conventions as tests/test_sim_hand.py: ``interval: 1`` orders arrive at
t = 1, 2, 3, ...; events at one time run in the order they were scheduled; the
run covers [0, horizon). The promise rule is docs/customers.md, "How the
promised date is computed".
"""

from __future__ import annotations

import numpy as np
import pytest

from riskmap.dists import Constant
from riskmap.model import (
    Demand, Disruption, Item, Network, Policy, Scenario, Source, Substitute, Supplier, Target,
)
from riskmap.sim.engine import simulate
from riskmap.sim.results import ORDER_FIELDS, OrderRecord, order_rows

pytestmark = pytest.mark.hand

SEED = np.random.SeedSequence(0)


def run(network, horizon, disruptions=()):
    log: list = []
    scenario = Scenario("hand", network, horizon=horizon, disruptions=tuple(disruptions))
    return simulate(scenario, SEED, log=log, orders=True), log


def promises(log):
    return [(e[0], e[3], e[4]) for e in log if e[1] == "promise"]


def backorders(result, product):
    return [(r.ordered_at, r.promised_at, r.filled_at, r.cancelled_at, r.revisions)
            for r in result.orders if r.product == product and r.record_type == "backorder"]


def test_promised_dates_are_exact_in_a_deterministic_network():
    # p: stock 2, base stock 2, one unit a day, lead time 3 from s; s is down over
    # [4.5, 7.5): orders placed at 5, 6, 7 ship at 7.5 and arrive at 10.5.
    # t=1,2: filled from stock, replenishments arrive at 4 and 5.
    # t=3: waits; its replenishment arrives at 6; the pipeline is 4, 5, 6 and one unit
    #      is needed: promised 4.  t=4: the receipt fills it (waited 1).
    # t=4: waits, pipeline 5, 6, 7: promised 5.  t=5: pipeline 6, 7, 10.5: promised 6.
    # t=6: pipeline 7, 10.5, 10.5: promised 7.  t=7: pipeline 10.5 x 3: promised 10.5.
    # t=8: s is up again: arrives 11; two units needed (7 and 8): promised 10.5.
    # t=9: arrives 12; three needed: 10.5.  t=10: arrives 13; four needed: 10.5 x 3 then 11.
    # t=10.5: orders 7, 8, 9 filled (waited 3.5, 2.5, 1.5).  t=11: order 10 filled
    # (waited 1); order 11 waits, pipeline 12, 13, 14: promised 12, still waiting at the
    # horizon 12 (waited 1 so far; its promise has not passed: not judged).
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=2, policy=Policy("base_stock", level=2),
             sources=(Source("s", lead_time=Constant(3)),),
             demand=Demand(interval=Constant(1))),))
    outage = Disruption("out", "outage", Target("supplier", "s"), at=Constant(4.5),
                        duration=Constant(3))
    result, log = run(net, 12, [outage])
    assert promises(log) == [(3, 1, 4), (4, 1, 5), (5, 1, 6), (6, 1, 7), (7, 1, 10.5),
                             (8, 2, 10.5), (9, 3, 10.5), (10, 4, 11), (11, 1, 12)]
    assert backorders(result, "p") == [
        (3, 4, 4, None, 0), (4, 5, 5, None, 0), (5, 6, 6, None, 0), (6, 7, 7, None, 0),
        (7, 10.5, 10.5, None, 0), (8, 10.5, 10.5, None, 0), (9, 10.5, 10.5, None, 0),
        (10, 11, 11, None, 0), (11, 12, None, None, 0)]
    p = result.products["p"]
    waits = [1, 1, 1, 1, 3.5, 2.5, 1.5, 1, 1]
    assert p.waited_orders == 9
    assert p.wait_mean == pytest.approx(np.mean(waits))
    assert (p.wait_p50, p.wait_p90, p.wait_p95) == pytest.approx(
        tuple(np.percentile(waits, (50, 90, 95))))
    assert p.longest_wait == 3.5
    assert (p.promises_judged, p.promises_kept, p.eta_kept) == (8, 8, 1.0)
    assert p.eta_slip is None and p.eta_revisions == 0


def test_promised_dates_of_a_made_product_are_exact():
    # m is made from one c (line: 2 units a day, so 0.5 a unit; assembly 1); c is
    # bought one-for-one with lead time 2 and none on hand. m: stock 1, base stock 1.
    # t=1: filled; the batch released waits for c, which arrives at 3: planned finish
    # 3 + 0.5 + 1 = 4.5.  t=2: waits, one unit needed: promised 4.5.
    # t=3: c arrives, the first batch runs 3-3.5 and is done 4.5 (as planned); the order
    # waits, needs 2: the batch of t=2 (c at 4, done 5.5): promised 5.5.
    # t=4: three needed (orders 2, 3, 4): 6.5.  t=5, 6, 7: the order of 2 (4) ships
    # at 4.5 first, so three are needed each time: 7.5, 8.5, 9.5.
    # Every order waits 2.5; at the horizon 8 the orders of 6 and 7 still wait.
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("c", "part", policy=Policy("base_stock", level=0),
             sources=(Source("s", lead_time=Constant(2)),)),
        Item("m", "product", stock=1, policy=Policy("base_stock", level=1), bom=(("c", 1),),
             capacity=2.0, assembly_time=Constant(1), demand=Demand(interval=Constant(1))),
    ))
    result, log = run(net, 8)
    assert promises(log) == [(2, 1, 4.5), (3, 2, 5.5), (4, 3, 6.5), (5, 3, 7.5), (6, 3, 8.5),
                             (7, 3, 9.5)]
    assert [(r.promised_at, r.filled_at) for r in result.orders] == [
        (4.5, 4.5), (5.5, 5.5), (6.5, 6.5), (7.5, 7.5), (8.5, None), (9.5, None)]
    m = result.products["m"]
    assert (m.promises_judged, m.promises_kept) == (4, 4)
    assert m.wait_mean == pytest.approx((4 * 2.5 + 2 + 1) / 6)


def test_broken_promises_their_slip_and_revisions():
    # p: stock 1, base stock 1 reviewed every 4 days, lead time 1, but supplier s ships
    # only 0.5 units a day, which the planned lead time leaves out.
    # t=1: filled.  t=2: waits; nothing in the pipeline: the next review (4) plus the
    # planned lead time (1): promised 5.  t=3: the same (two units needed): 5.
    # t=4: the review orders 3 (position -2): s ships them at 10, they arrive at 11.
    # t=4: waits, needs 3: promised 11.  t=5: needs 4, the pipeline holds 3: the next
    # review 8 + 1 = 9, but never before the last receipt: 11.  t=6: needs 5: 11.
    # At t=6 the promises of the orders of 2 and 3 (5) have passed: each is revised
    # once, to 11.  t=7: 11.  t=8: the review orders 4 (position -3): shipped at 18,
    # arriving 19; the orders of 8, 9, 10, 11 are promised 19.
    # t=11: orders 2, 3, 4 filled.  At the horizon 12 the orders of 5, 6 and 7 still
    # wait past their promise (11): broken by 1 so far.
    # Judged: 2, 3 (broken by 6), 4 (kept), 5, 6, 7 (broken by 1): 1 kept of 6.
    net = Network("n", suppliers=(Supplier("s", "S", capacity=0.5),), items=(
        Item("p", "product", stock=1, policy=Policy("base_stock", level=1, review_period=4.0),
             sources=(Source("s", lead_time=Constant(1)),),
             demand=Demand(interval=Constant(1))),))
    result, log = run(net, 12)
    assert promises(log)[:7] == [(2, 1, 5), (3, 2, 5), (4, 3, 11), (5, 4, 11), (6, 5, 11),
                                 (6, 1, 11), (6, 2, 11)]
    assert backorders(result, "p")[:4] == [(2, 5, 11, None, 1), (3, 5, 11, None, 1),
                                           (4, 11, 11, None, 0), (5, 11, None, None, 0)]
    p = result.products["p"]
    assert (p.promises_judged, p.promises_kept) == (6, 1)
    assert p.eta_kept == pytest.approx(1 / 6)
    assert p.eta_slip == pytest.approx((6 + 6 + 1 + 1 + 1) / 5)
    assert p.eta_revisions == 2
    assert p.wait_mean == pytest.approx(np.mean([9, 8, 7, 7, 6, 5, 4, 3, 2, 1]))


def test_an_order_is_cancelled_exactly_when_its_patience_runs_out():
    # p: nothing on hand, base stock 0 (one-for-one), lead time 3, patience 2.5.
    # t=1: waits, promised 4; cancelled at 3.5 (1 + 2.5), before its promise: not judged.
    # t=2: waits, two units needed: promised 5; the unit arriving at 4 fills it since
    # the order ahead was cancelled: filled early, the promise is kept (waited 2).
    # t=3: promised 6, filled at 5 (waited 2).  The cancellation raised the position,
    # so t=4 orders nothing more: promised 6 (needs 2: 5 and 6), waiting at the horizon 6.
    # t=5: replenished (arrives 8), promised 8.
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", policy=Policy("base_stock", level=0),
             sources=(Source("s", lead_time=Constant(3)),), price=100.0, margin=30.0,
             backorder_cost=2.0, lost_sale_cost=10.0,
             demand=Demand(interval=Constant(1), patience=Constant(2.5))),))
    result, log = run(net, 6)
    assert [(e[0], e[3]) for e in log if e[1] == "cancel"] == [(3.5, 1)]
    assert backorders(result, "p") == [(1, 4, None, 3.5, 0), (2, 5, 4, None, 0),
                                       (3, 6, 5, None, 0), (4, 6, None, None, 0),
                                       (5, 8, None, None, 0)]
    p = result.products["p"]
    assert (p.lost_units, p.shipped_units, p.waiting_units_at_end) == (1, 2, 2)
    assert (p.promises_judged, p.promises_kept) == (2, 2)
    assert p.wait_mean == pytest.approx(np.mean([2.5, 2, 2, 2, 1]))
    # Backlog: 1 on [1,2), 2 on [2,3), 3 on [3,3.5), 2 on [3.5,4), 2 on [4,5), 2 on [5,6].
    assert p.backlog_unit_time == pytest.approx(1 + 2 + 1.5 + 1 + 2 + 2)
    assert (p.lost_revenue, p.lost_margin) == (100.0, 30.0)
    assert p.backorder_cost == pytest.approx(2.0 * 9.5)
    assert p.lost_sale_cost == 10.0
    assert p.total_cost == pytest.approx(30.0 + 19.0 + 10.0)


def test_a_substitution_takes_the_other_products_stock():
    # a: nothing on hand, never replenished, accepts b (always). b: 2 on hand, its own
    # customers order at 1.5 and 3.
    # t=1: a's order is shipped by b (b: 1 left).  t=1.5: b's own order ships (b: 0).
    # t=2: b has nothing: a's order waits.  t=3: b's order (scheduled first) waits,
    # then a's.  No replenishment: no promised date.
    net = Network("n", items=(
        Item("a", "product", demand=Demand(interval=Constant(1)),
             substitutes=(Substitute("b", 1.0),)),
        Item("b", "product", stock=2, demand=Demand(interval=Constant(1.5))),
    ))
    result, log = run(net, 3.5)
    assert [e for e in log if e[1] == "substitute"] == [(1, "substitute", "a", 1, "b")]
    a, b = result.products["a"], result.products["b"]
    assert (a.ordered_units, a.filled_from_stock_units, a.substituted_units) == (3, 0, 1)
    assert (a.backorder_units, a.shipped_units, a.waiting_units_at_end) == (2, 0, 2)
    assert (b.ordered_units, b.filled_from_stock_units, b.backorder_units) == (2, 1, 1)
    assert b.substitute_units_supplied == 1
    assert result.on_hand["b"].tolist() == [2, 1, 0, 0]
    first = result.orders[0]
    assert first == OrderRecord("substitution", "a", 1.0, 1, 1, None, 1.0, None, 0, 0, "b")
    assert backorders(result, "a") == [(2, None, None, None, 0), (3, None, None, None, 0)]
    assert backorders(result, "b") == [(3, None, None, None, 0)]


def test_a_substitute_without_the_whole_quantity_is_not_taken():
    # a's orders are of 2 units; b has 1 on hand: a's order waits, b keeps its unit.
    net = Network("n", items=(
        Item("a", "product", demand=Demand(interval=Constant(1), size=Constant(2)),
             substitutes=(Substitute("b", 1.0),)),
        Item("b", "product", stock=1),
    ))
    result, _ = run(net, 1.5)
    assert result.products["a"].substituted_units == 0
    assert result.products["a"].backorder_units == 2
    assert result.on_hand["b"].tolist() == [1, 1]


def test_lost_sales_are_recorded_and_substitutes_come_first():
    # patience 0: what cannot ship at once is lost, unless the substitute (accepted
    # always) has it. b has 1 unit: the order of t=1 goes to b, that of t=2 is lost.
    net = Network("n", items=(
        Item("a", "product", price=10.0, margin=4.0, lost_sale_cost=1.0,
             demand=Demand(interval=Constant(1), patience=Constant(0)),
             substitutes=(Substitute("b", 1.0),)),
        Item("b", "product", stock=1),
    ))
    result, _ = run(net, 2.5)
    a = result.products["a"]
    assert (a.substituted_units, a.lost_units, a.backorder_units) == (1, 1, 0)
    assert (a.lost_revenue, a.lost_margin, a.lost_sale_cost, a.total_cost) == (10, 4, 1, 5)
    assert [r.record_type for r in result.orders] == ["substitution", "lost_sale"]
    lost = result.orders[1]
    assert (lost.ordered_at, lost.cancelled_at, lost.cancelled_units) == (2, 2, 1)


def test_order_rows_fields_are_pinned():
    assert ORDER_FIELDS == (
        "record_type", "product", "ordered_at", "ordered_units", "units", "promised_at",
        "filled_at", "cancelled_at", "cancelled_units", "revisions", "substitute",
        "customer_class", "updates", "inquiries")
    record = OrderRecord("backorder", "p", 1.0, 2, 1, 3.0, 4.0, None, 0, 1, None)
    assert order_rows([record]) == [dict(zip(ORDER_FIELDS, (
        "backorder", "p", 1.0, 2, 1, 3.0, 4.0, None, 0, 1, None, None, None, None)))]


def test_no_records_unless_asked():
    net = Network("n", items=(Item("p", "product", demand=Demand(interval=Constant(1))),))
    result = simulate(Scenario("hand", net, horizon=3), SEED)
    assert result.orders == ()
    assert result.products["p"].waited_orders == 2
