"""Hand-traced runs of customer classes: priority allocation, its promises, per-class figures.

Conventions of tests/test_customers_hand.py: ``interval: k`` orders arrive at
k, 2k, 3k...; events at one time run in the order they were scheduled (a
receipt scheduled earlier runs before an order scheduled later); the run
covers [0, horizon). The rules are docs/customers.md, "Customer classes".
"""

from __future__ import annotations

import numpy as np
import pytest

from riskmap.dists import Constant
from riskmap.model import (CustomerClass, Demand, Item, Network, Policy, Scenario, Source,
                           Supplier)
from riskmap.sim.engine import simulate

pytestmark = pytest.mark.hand

SEED = np.random.SeedSequence(0)


def network(allocation: str) -> Network:
    """p: stock 1, one for one (base stock 1), lead time 3; web orders one a day, key every 2.5."""
    return Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=1, policy=Policy("base_stock", level=1),
             sources=(Source("s", lead_time=Constant(3)),), allocation=allocation,
             demand=Demand(classes=(
                 CustomerClass("web", 2, Demand(interval=Constant(1))),
                 CustomerClass("key", 1, Demand(interval=Constant(2.5)))))),))


def run(allocation: str, horizon: float = 8.5):
    log: list = []
    result = simulate(Scenario("hand", network(allocation), horizon=horizon), SEED, log=log,
                      orders=True)
    return result, log


def timeline(result):
    """(class, ordered, promised, filled) of every order that waited, in order placed."""
    return [(r.customer_class, r.ordered_at, r.promised_at, r.filled_at) for r in result.orders]


def test_priority_serves_key_accounts_first_and_keeps_their_promises():
    # Every order triggers one unit, arriving 3 later: the receipts come at 4 (web@1),
    # 5 (web@2), 5.5 (key@2.5), 6, 7, 8 (key@5, then web@5), 8 (web@5)...
    # t=1 web: shipped from stock.  t=2 web waits, needs 1: receipt 4, promised 4.
    # t=2.5 key waits AHEAD of web@2: needs 1, promised 4 (web@2's promise is not
    # changed: nobody anticipates, it will be broken).  t=3 web: key, web@2 and itself
    # ahead: needs 3 of [4, 5, 5.5, 6]: promised 5.5.
    # t=4 the receipt fills key@2.5 (waited 1.5, kept); web@4 needs 3 of [5, 5.5, 6, 7]: 6.
    # t=5 the receipt fills web@2 (promised 4: broken by 1); key@5 goes ahead of
    # web@3, web@4: needs 1 of [5.5, 6, 7, 8]: 5.5; web@5 needs 4 of
    # [5.5, 6, 7, 8, 8]: 8.
    # t=5.5 fills key@5 (kept).  t=6 fills web@3 (5.5: broken by 0.5); web@6 needs 3 of
    # [7, 8, 8, 9]: 8.  t=7 fills web@4 (6: broken by 1); web@7 needs 3 of [8, 8, 9, 10]: 9.
    # t=7.5 key goes ahead of web@5, web@6, web@7: needs 1 of [8, 8, 9, 10, 10.5]: 8.
    # t=8 two receipts: key@7.5 (kept) and web@5 (kept); web@8 needs 3 of
    # [9, 10, 10.5, 11]: 10.5.  At the horizon 8.5 web@6 (promised 8) is broken by 0.5.
    result, log = run("priority")
    assert timeline(result) == [
        ("web", 2, 4, 5), ("key", 2.5, 4, 4), ("web", 3, 5.5, 6), ("web", 4, 6, 7),
        ("key", 5, 5.5, 5.5), ("web", 5, 8, 8), ("web", 6, 8, None), ("web", 7, 9, None),
        ("key", 7.5, 8, 8), ("web", 8, 10.5, None)]
    filled = sorted((r.filled_at, r.customer_class, r.ordered_at) for r in result.orders
                    if r.filled_at is not None)
    assert filled == [(4, "key", 2.5), (5, "web", 2), (5.5, "key", 5), (6, "web", 3),
                      (7, "web", 4), (8, "key", 7.5), (8, "web", 5)]
    key, web = result.classes["p"]["key"], result.classes["p"]["web"]
    assert (key.ordered_units, key.filled_from_stock_units, key.backorder_units) == (3, 0, 3)
    assert (key.promises_judged, key.promises_kept, key.eta_slip) == (3, 3, None)
    assert key.wait_mean == pytest.approx((1.5 + 0.5 + 0.5) / 3)
    assert key.longest_wait == 1.5 and key.waiting_units_at_end == 0
    assert key.backlog_unit_time == pytest.approx(1.5 + 0.5 + 0.5)
    assert (web.ordered_units, web.filled_from_stock_units, web.backorder_units) == (8, 1, 7)
    assert (web.promises_judged, web.promises_kept) == (5, 1)
    assert web.eta_slip == pytest.approx((1 + 0.5 + 1 + 0.5) / 4)
    # waits: 3, 3, 3, 3 (filled), 2.5, 1.5, 0.5 (still waiting at 8.5)
    assert web.wait_mean == pytest.approx((4 * 3 + 2.5 + 1.5 + 0.5) / 7)
    assert web.waiting_units_at_end == 3 and web.shipped_units == 5
    # the classes add up to the product
    p = result.products["p"]
    assert p.ordered_units == key.ordered_units + web.ordered_units
    assert p.backlog_unit_time == pytest.approx(key.backlog_unit_time + web.backlog_unit_time)
    assert p.promises_kept == key.promises_kept + web.promises_kept


def test_fifo_serves_in_order_placed_whatever_the_class():
    # The same orders first come first served: each order is filled by the receipt its
    # own replenishment brings (the one placed with it), so every promise is kept.
    result, log = run("fifo")
    assert timeline(result) == [
        ("web", 2, 4, 4), ("key", 2.5, 5, 5), ("web", 3, 5.5, 5.5), ("web", 4, 6, 6),
        ("key", 5, 7, 7), ("web", 5, 8, 8), ("web", 6, 8, 8), ("web", 7, 9, None),
        ("key", 7.5, 10, None), ("web", 8, 10.5, None)]
    key = result.classes["p"]["key"]
    assert key.wait_mean == pytest.approx((2.5 + 2 + 1) / 3)
    assert (key.promises_judged, key.promises_kept) == (2, 2)


def test_a_single_mapping_is_one_unnamed_class_without_class_figures():
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=1, policy=Policy("base_stock", level=1),
             sources=(Source("s", lead_time=Constant(3)),),
             demand=Demand(interval=Constant(1))),))
    result = simulate(Scenario("hand", net, horizon=8.5), SEED, orders=True)
    assert result.classes == {}
    assert {r.customer_class for r in result.orders} == {None}


def test_smallest_first_serves_the_smallest_waiting_orders_first():
    # p: nothing on hand, one for one, lead time 4; big orders of 3 at 2, 4, 6, 8 and
    # small orders of 1 at 1.5, 3, 4.5, 6, 7.5 (classes at one priority: it plays no
    # part). Each order's replenishment arrives 4 later: 1 at 5.5, 3 at 6, 1 at 7, ...
    # t=5.5: the unit fills small@1.5.  t=6: three units: small@3 and small@4.5 first
    # (1 each, ahead of big@2, which joined before them), then 1 to big@2 (2 still
    # owed: it keeps its place by the size it joined with).  t=7: small@6 (joined at 6,
    # ahead of both big orders).  t=8: small@7.5, then the last 2 of big@2.
    # Promises count only what is ahead: small@3 needs 2 (small@1.5 and itself): 6;
    # small@4.5 needs 3: 6; big@2 was promised 6 when nothing was ahead of it but
    # small@1.5, is revised at 7 to 8 and filled at 8. big@4 (promised 8) gets the unit
    # of 8.5 and is revised then (2 still owed).
    def net(allocation):
        return Network("n", suppliers=(Supplier("s", "S"),), items=(
            Item("p", "product", policy=Policy("base_stock", level=0),
                 sources=(Source("s", lead_time=Constant(4)),), allocation=allocation,
                 demand=Demand(classes=(
                     CustomerClass("big", 1, Demand(interval=Constant(2), size=Constant(3))),
                     CustomerClass("small", 1, Demand(interval=Constant(1.5)))))),))

    def orders(allocation):
        result = simulate(Scenario("hand", net(allocation), horizon=9), SEED, orders=True)
        return [(r.customer_class, r.ordered_at, r.promised_at, r.filled_at, r.revisions)
                for r in result.orders]

    assert orders("smallest_first") == [
        ("small", 1.5, 5.5, 5.5, 0), ("big", 2, 6, 8, 1), ("small", 3, 6, 6, 0),
        ("big", 4, 8, None, 1), ("small", 4.5, 6, 6, 0), ("big", 6, 10, None, 0),
        ("small", 6, 7, 7, 0), ("small", 7.5, 8, 8, 0), ("big", 8, 12, None, 0)]
    # first come first served, every order is filled by its own replenishment
    assert [(c, t, f) for c, t, _, f, _ in orders("fifo")] == [
        ("small", 1.5, 5.5), ("big", 2, 6), ("small", 3, 7), ("big", 4, 8), ("small", 4.5, 8.5),
        ("big", 6, None), ("small", 6, None), ("small", 7.5, None), ("big", 8, None)]
