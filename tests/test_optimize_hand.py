"""The pieces of ``riskmap optimize`` worked out by hand: plans, starts, targets, the frontier."""

from __future__ import annotations

import math

import pytest

from riskmap.dists import Constant
from riskmap.model import Demand, Item, Network, Policy, Scenario, Source, Supplier
from riskmap.optimize import Target
from riskmap.optimize.evaluation import Figures
from riskmap.optimize.record import frontier
from riskmap.optimize import space
from riskmap.stats import Estimate

pytestmark = pytest.mark.hand


def _network():
    return Network("n", suppliers=(Supplier("s", "S"),), items=(
        Item("a", "part", stock=50, policy=Policy("min_max", min=20, max=60, review_period=7),
             sources=(Source("s", lead_time=Constant(4)),)),
        Item("b", "part", stock=5, policy=Policy("reorder_point", point=10, quantity=8),
             sources=(Source("s", lead_time=Constant(2)),)),
        Item("c", "part", stock=3),  # no policy: never searched
        Item("p", "product", stock=12, policy=Policy("base_stock", level=12),
             bom=(("a", 2), ("b", 1), ("c", 1)), assembly_time=Constant(1),
             demand=Demand(rate=3.0)),
    ))


def test_the_search_space_keeps_each_policy_type():
    items = space.searched_items(_network())
    assert [i.id for i in items] == ["a", "b", "p"]
    assert [c.label for c in space.coordinates(items)] == ["a.min", "a.gap", "b.point",
                                                           "b.quantity", "p.level"]
    assert space.today(items) == (20, 40, 10, 8, 12)
    scenario = Scenario("s", _network(), horizon=10)
    planned = space.apply(scenario, items, (25, 10, 4, 3, 9)).network
    # min_max: min 25, max = min + gap; the review period kept; the stock moved by +5
    assert planned.item("a").policy == Policy("min_max", min=25, max=35, review_period=7)
    assert planned.item("a").stock == 55
    assert planned.item("b").policy == Policy("reorder_point", point=4, quantity=3)
    assert planned.item("b").stock == 0  # 5 - 6, never below 0
    assert planned.item("p").policy.level == 9 and planned.item("p").stock == 9
    assert planned.item("c") == scenario.network.item("c")
    assert scenario.network.item("a").policy.min == 20  # the scenario given is unchanged


def test_the_analytic_start_is_lead_time_demand_plus_a_safety_stock():
    items = space.searched_items(_network())
    # demand through the boms: p 3 a day, a 6, b 3. Replenishment times: a 4 + review 7 = 11,
    # b 2, p (made) 1. mu = 66, 6, 3; trigger = ceil(mu + 1.645 sqrt(mu))
    expected = [math.ceil(66 + 1.645 * math.sqrt(66)), 40,
                math.ceil(6 + 1.645 * math.sqrt(6)), 8, math.ceil(3 + 1.645 * math.sqrt(3))]
    assert list(space.analytic(_network(), items)) == expected == [80, 40, 11, 8, 6]
    assert space.with_extra(items, expected, {"b": 5}) == (80, 40, 16, 8, 6)


def test_items_option_names_what_cannot_be_searched():
    from riskmap.errors import InputError

    with pytest.raises(InputError) as info:
        space.searched_items(_network(), ["c", "pp"])
    messages = [d.message for d in info.value.diagnostics]
    assert "'c' has no policy" in messages[0]
    assert "no item 'pp'; did you mean 'p'?" in messages[1]


def _estimate(mean, low, high, n=10):
    return Estimate(mean, (low, high), n, "ratio")


def test_a_target_holds_on_the_bad_end_of_its_interval():
    at_least = Target("p", "fill_rate", "min", 0.9)
    at_most = Target("p", "backorder_probability", "max", 0.2)
    assert at_least.holds(_estimate(0.93, 0.905, 0.955))
    assert not at_least.holds(_estimate(0.93, 0.895, 0.965))  # the mean alone would pass
    assert at_least.shortfall(_estimate(0.93, 0.81, 0.99)) == pytest.approx(0.09 / 0.9)
    assert at_most.holds(_estimate(0.1, 0.05, 0.19))
    assert not at_most.holds(_estimate(0.1, 0.05, 0.21))
    assert not at_least.holds(None) and at_least.shortfall(None) == math.inf
    # one-sided confidence: the mean 0.93 is 0.03 above 0.9 with se = 0.025 / t(0.975, 9)
    from scipy.stats import t

    se = 0.025 / t.ppf(0.975, 9)
    assert at_least.confidence(_estimate(0.93, 0.905, 0.955)) == pytest.approx(t.cdf(0.03 / se, 9))


def _figures(cost, service, meets=True):
    target = Estimate(0.95 if meets else 0.5, (0.95 if meets else 0.4, 1.0), 5, "ratio")
    return Figures((int(cost),), Estimate(cost, (cost, cost), 5, "money"),
                   Estimate(0.0, (0.0, 0.0), 5, "money"), (target,), service)


def test_the_frontier_keeps_the_plans_no_other_beats_on_cost_and_service():
    target = (Target("p", "fill_rate", "min", 0.9),)
    points = frontier([_figures(10, 0.80, False), _figures(12, 0.95), _figures(11, 0.70, False),
                       _figures(15, 0.99), _figures(16, 0.97)], target)
    kept = [(p.cost, p.service) for p in points if p.on_frontier]
    # 11 is beaten by 10 (cheaper and better); 16 by 15
    assert kept == [(10, 0.80), (12, 0.95), (15, 0.99)]
    assert [p.meets for p in points if p.on_frontier] == [False, True, True]


def test_a_raise_names_the_disruption_it_buffers():
    from riskmap.model import Disruption, Target as Struck
    from riskmap.graph import supply_graph
    from riskmap.optimize.optimizer import reasons, struck_upstream

    scenario = Scenario("s", _network(), horizon=100, disruptions=(
        Disruption("stop", "outage", Struck("supplier", "s"), at=Constant(10),
                   duration=Constant(5)),))
    struck = struck_upstream(scenario, supply_graph(scenario.network))
    assert struck["b"] == [("stop", "s", True)] and struck["p"] == [("stop", "s", False)]
    b = scenario.network.item("b")
    raised = space.planned_item(b, (13, 8))
    assert reasons(b, raised, [], struck["b"]) == (
        "raised by 3: buffers disruption stop, which stops its supplier s",)
    p = scenario.network.item("p")
    assert reasons(p, space.planned_item(p, (14,)), [], struck["p"]) == (
        "raised by 2: buffers disruption stop, which stops s upstream of it",)
    assert reasons(b, raised, [("stop", "s", 40)], struck["b"])[0].startswith(
        "raised by 3: covers disruption stop (the static map's extra stock")
    assert reasons(p, space.planned_item(p, (10,)), [], []) == (
        "lowered by 2: holding less kept every target at a lower cost",)
    assert reasons(p, p, [], []) == ("unchanged",)
