"""Hand-traced compensation: the exact moments of the offers, their costs, their effect on patience."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from riskmap.dists import Constant
from riskmap.model import (Compensation, CustomerClass, Demand, Item, Network, Policy, Scenario,
                           Source, Supplier)
from riskmap.sim.engine import simulate

pytestmark = pytest.mark.hand

SEED = np.random.SeedSequence(0)


def offers(log):
    return [(e[0], e[4], e[5]) for e in log if e[1] == "offer"]


def test_offers_at_the_broken_promise_and_after_a_wait():
    # The network of tests/test_service_hand.py: orders 2 and 3 are promised 5 and
    # filled at 11; order 4 is promised 11 and filled at 11 (the receipt, scheduled at
    # the review of 4, runs before the offers scheduled later); orders 5, 6, 7 are
    # promised 11 and still wait at the horizon 12; orders 8-11 are promised 19.
    # 'sorry' (broken promise, 10 % of the price 50 per unit owed, always accepted):
    # offers at 5 (orders 2, 3) and 11 (orders 5, 6, 7): 5 x 5 = 25.
    # 'wait4' (after 4 days, 7 each, never accepted): orders 2..7 at 6, 7, 8, 9, 10, 11.
    rules = (Compensation("sorry", "broken_promise", "discount", 1.0, share=0.1),
             Compensation("wait4", "waited", "credit", 0.0, after=4.0, amount=7.0))
    net = Network("n", suppliers=(Supplier("s", "S", capacity=0.5),), items=(
        Item("p", "product", stock=1, policy=Policy("base_stock", level=1, review_period=4.0),
             sources=(Source("s", lead_time=Constant(1)),), price=50.0,
             demand=Demand(interval=Constant(1)), compensation=rules),))
    log: list = []
    result = simulate(Scenario("hand", net, horizon=12), SEED, log=log)
    assert offers(log) == [
        (5, "sorry", True), (5, "sorry", True), (6, "wait4", False), (7, "wait4", False),
        (8, "wait4", False), (9, "wait4", False), (10, "wait4", False), (11, "sorry", True),
        (11, "sorry", True), (11, "sorry", True), (11, "wait4", False)]
    sorry, wait4 = result.rules["p"]["sorry"], result.rules["p"]["wait4"]
    assert (sorry.offers, sorry.compensated_orders, sorry.compensation_cost) == (5, 5, 25.0)
    assert (wait4.offers, wait4.compensated_orders, wait4.compensation_cost) == (6, 0, 0.0)
    p = result.products["p"]
    assert p.compensation_cost == 25.0 and p.total_cost == 25.0
    assert (result.service["p"].compensated_orders, result.service["p"].compensation_cost) == \
        (5, 25.0)


def test_an_accepted_offer_extends_patience():
    # p: nothing on hand, one for one, lead time 3, patience 2.5; orders at 1, 2, 3...
    # Without the rule: order 1 is cancelled at 3.5 and the unit arriving at 4 fills
    # order 2 (early), 5 fills order 3, ...
    # With 'wait' (after 1 day, 3 each, always accepted, patience + 2): order 1 is made
    # the offer at 2 and now cancels only at 5.5; the receipt at 4 fills it. Every order
    # gets the offer at its time + 1; none is cancelled before the horizon 6.
    rule = Compensation("wait", "waited", "credit", 1.0, after=1.0, amount=3.0,
                        extends_patience=2.0)
    item = Item("p", "product", policy=Policy("base_stock", level=0),
                sources=(Source("s", lead_time=Constant(3)),), price=50.0,
                demand=Demand(interval=Constant(1), patience=Constant(2.5)))
    runs = {}
    for name, rules in (("with", (rule,)), ("without", ())):
        net = Network("n", suppliers=(Supplier("s", "S"),),
                      items=(replace(item, compensation=rules),))
        log: list = []
        result = simulate(Scenario("hand", net, horizon=6), SEED, log=log, orders=True)
        runs[name] = (result, log)
    result, log = runs["with"]
    assert offers(log) == [(2, "wait", True), (3, "wait", True), (4, "wait", True),
                           (5, "wait", True)]
    assert [(r.ordered_at, r.filled_at, r.cancelled_at) for r in result.orders] == [
        (1, 4, None), (2, 5, None), (3, None, None), (4, None, None), (5, None, None)]
    assert result.products["p"].lost_units == 0
    assert result.rules["p"]["wait"].compensation_cost == 12.0
    result, log = runs["without"]
    assert [(r.ordered_at, r.filled_at, r.cancelled_at) for r in result.orders][:3] == [
        (1, None, 3.5), (2, 4, None), (3, 5, None)]
    assert result.products["p"].lost_units == 1


def test_prevents_cancellation_and_priority_upgrade():
    # The same product, base stock 0, orders every day, lead time 3, patience 0.5.
    # 'keep' (when waited 0.25, always accepted) prevents every cancellation and moves
    # each order to the front of the queue behind earlier upgrades: first come first
    # served again, each order filled by its own receipt, 3 after it.
    rule = Compensation("keep", "waited", "priority", 1.0, after=0.25,
                        prevents_cancellation=True)
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", policy=Policy("base_stock", level=0),
             sources=(Source("s", lead_time=Constant(3)),),
             demand=Demand(interval=Constant(1), patience=Constant(0.5)),
             compensation=(rule,)),))
    result = simulate(Scenario("hand", net, horizon=7), SEED, orders=True)
    assert [(r.ordered_at, r.filled_at) for r in result.orders] == [
        (1, 4), (2, 5), (3, 6), (4, None), (5, None), (6, None)]
    assert result.products["p"].lost_units == 0


def test_a_rule_for_one_customer_class_makes_offers_to_that_class_only():
    # p: nothing on hand, one for one, lead time 3: every order waits exactly 3.
    # Class a orders at 1, 2, 3...; class b at 1.5, 3, 4.5. The rule (after 1 day,
    # 2 each, always accepted) is for class b: offers at 2.5, 4 and 5.5 only.
    rule = Compensation("b-only", "waited", "credit", 1.0, after=1.0, amount=2.0,
                        classes=("b",))
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", policy=Policy("base_stock", level=0),
             sources=(Source("s", lead_time=Constant(3)),),
             demand=Demand(classes=(CustomerClass("a", 1, Demand(interval=Constant(1))),
                                    CustomerClass("b", 1, Demand(interval=Constant(1.5))))),
             compensation=(rule,)),))
    log: list = []
    result = simulate(Scenario("hand", net, horizon=6), SEED, log=log)
    assert offers(log) == [(2.5, "b-only", True), (4, "b-only", True), (5.5, "b-only", True)]
    assert result.rules["p"]["b-only"].compensation_cost == 6.0
