"""Hand-traced on-hand integrals and holding costs (docs/simulation.md, "Metrics").

The integral of on hand runs over the statistics window ``[warmup, horizon]``,
like the backlog's; ``holding_cost`` is that integral x the item's
``holding_cost``. Each case is run with and without the event log and the
series, because the engine takes shorter paths when neither is kept.
"""

from __future__ import annotations

import numpy as np
import pytest

from riskmap.dists import Constant
from riskmap.model import (Demand, Disruption, Item, Network, Policy, Scenario, Source, Supplier,
                           Target)
from riskmap.sim.engine import simulate

pytestmark = pytest.mark.hand

SEED = np.random.SeedSequence(0)


def _outage_network(holding_cost=None):
    # p: stock 3, base stock 3, one source s with lead time 2 (tests/test_sim_hand.py,
    # test_outage_creates_a_backorder, traces every event of this run)
    return Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=3, policy=Policy("base_stock", level=3),
             sources=(Source("s", lead_time=Constant(2)),),
             demand=Demand(interval=Constant(1.0)), holding_cost=holding_cost),))


def _outage():
    return (Disruption("out", "outage", Target("supplier", "s"), at=Constant(2.5),
                       duration=Constant(3)),)


def _runs(network, horizon, warmup=0.0, disruptions=()):
    """The same replication three ways: plain, with series, with the event log."""
    scenario = Scenario("hand", network, horizon=horizon, warmup=warmup,
                        disruptions=tuple(disruptions))
    return [simulate(scenario, SEED, series=False), simulate(scenario, SEED, series=True),
            simulate(scenario, SEED, series=False, log=[])]


def test_on_hand_integral_of_the_outage_trace():
    # On hand: 3 on [0,1), 2 on [1,2), 1 on [2,5) (the receipts of 3 and 4 refill what
    # the orders take), 0 on [5,7.5) (out of stock during the outage), 1 on [7.5,10)
    # (three receipts at 7.5 serve the two waiting orders and leave 1; the receipts of
    # 8 and 9 are taken by the orders at the same times).
    # Integral: 3 + 2 + 3 x 1 + 2.5 x 0 + 2.5 x 1 = 10.5 unit-days; mean 10.5 / 10.
    for result in _runs(_outage_network(holding_cost=0.2), 10, disruptions=_outage()):
        p = result.products["p"]
        assert p.on_hand_time == pytest.approx(10.5)
        assert p.on_hand_mean == pytest.approx(1.05)
        assert p.holding_cost == pytest.approx(10.5 * 0.2)
        assert p.total_cost == 0  # holding is not a cost of backorders


def test_on_hand_integral_starts_at_the_warmup():
    # The same run measured over [2.5, 10]: 1 on [2.5,5), 0 on [5,7.5), 1 on [7.5,10):
    # 2.5 + 2.5 = 5 unit-days over a window of 7.5.
    for result in _runs(_outage_network(), 10, warmup=2.5, disruptions=_outage()):
        p = result.products["p"]
        assert p.on_hand_time == pytest.approx(5.0)
        assert p.on_hand_mean == pytest.approx(5.0 / 7.5)
        assert p.holding_cost == 0  # no holding_cost: it counts as 0


def test_on_hand_integral_of_a_steady_product_is_the_sum_of_its_series():
    # Without disruption every event is at an integer time and on hand is constant
    # between them, so the integral over [0, 20] is the sum of the series at 0..19.
    # p sells one a day and each sale is replaced 2 days later: 3, then 2, then 1 for ever.
    _, with_series, _ = runs = _runs(_outage_network(holding_cost=1.0), 20)
    series = with_series.on_hand["p"]
    assert series[:20].sum() == 3 + 2 + 18 * 1
    for result in runs:
        assert result.products["p"].on_hand_time == pytest.approx(23.0)
        assert result.products["p"].holding_cost == pytest.approx(23.0)


def test_on_hand_integral_of_parts_issued_to_production():
    # P (base stock 1) is made of 2 A + 1 B (tests/test_sim_hand.py,
    # test_production_waits_for_the_last_part_of_its_bill_of_materials): at t=0 A issues
    # 2 of its 4 and keeps 2 to the horizon 6 (12 unit-days); B's unit arrives at 3 and is
    # issued at once (0); P's unit is on hand from 4.5 (1.5).
    net = Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("A", "part", stock=4, holding_cost=0.5),
        Item("B", "part", policy=Policy("base_stock", level=0),
             sources=(Source("s", lead_time=Constant(3)),), holding_cost=0.5),
        Item("P", "product", policy=Policy("base_stock", level=1), bom=(("A", 2), ("B", 1)),
             capacity=1.0, assembly_time=Constant(0.5)),
    ))
    for result in _runs(net, 6):
        a, b, p = result.parts["A"], result.parts["B"], result.products["P"]
        assert (a.on_hand_time, a.on_hand_mean, a.holding_cost) == pytest.approx((12, 2, 6))
        assert (b.on_hand_time, b.holding_cost) == (0, 0)
        assert p.on_hand_time == pytest.approx(1.5) and p.holding_cost == 0


def test_report_json_has_stock_figures_only_for_items_that_set_holding_cost():
    from riskmap.report.build import build_report
    from riskmap.run.montecarlo import run_scenario

    def report(network):
        scenario = Scenario("hand", network, horizon=10, replications=3,
                            disruptions=_outage())
        return build_report(run_scenario(scenario, workers=1)).to_dict()

    plain = report(_outage_network())
    assert "holding_cost" not in plain["products"]["p"]
    assert "on_hand_mean" not in plain["products"]["p"]
    assert "holding_cost" not in plain["totals"]
    assert not any(key.startswith("item.") for key in plain["statistics"])
    held = report(_outage_network(holding_cost=0.2))
    # deterministic run: every replication holds 10.5 unit-days, 2.1 in money
    assert held["products"]["p"]["on_hand_mean"]["mean"] == pytest.approx(1.05)
    assert held["products"]["p"]["holding_cost"]["mean"] == pytest.approx(2.1)
    assert held["totals"]["holding_cost"]["mean"] == pytest.approx(2.1)
    assert held["statistics"]["item.holding_cost"]["unit"] == "money"
    assert {k: v for k, v in held["products"]["p"].items()
            if k not in ("on_hand_mean", "holding_cost")} == plain["products"]["p"]
