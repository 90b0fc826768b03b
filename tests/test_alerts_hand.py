"""Alert rules on hand-traced runs: one order a day, a supplier outage at a known time.

Every network here has one supplier ``s`` with a lead time of 5 days, down from day 20
to day 30: orders placed while it is down ship at 30 and arrive at 35. Demand is one
unit a day from day 1 (``interval: 1``). The timelines in the comments are derived by
hand from those rules; the tests assert the warnings, the episodes and the scores
exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from riskmap.alerts import rule_plans, score_replication, suggest_thresholds
from riskmap.alerts.measures import replenishment_lead_times
from riskmap.dists import Constant
from riskmap.model import (Alert, Demand, Disruption, Item, Network, Policy, Scenario, Source,
                           Supplier, Target)
from riskmap.run.montecarlo import run_scenario
from riskmap.sim.engine import simulate

pytestmark = pytest.mark.hand

OUTAGE = (Disruption("fire", "outage", Target("supplier", "s"), at=Constant(20),
                     duration=Constant(10)),)
DAILY = Demand(interval=Constant(1))
LANE = (Source("s", lead_time=Constant(5)),)


def _scenario(items, alerts, **kw) -> Scenario:
    network = Network("hand", suppliers=(Supplier("s", "S"),), items=items)
    return Scenario("hand", network, horizon=60, disruptions=OUTAGE, alerts=alerts, **kw)


def _outcomes(scenario):
    result = simulate(scenario, np.random.SeedSequence(1))
    return score_replication(rule_plans(scenario), result)


def _base_stock(alerts, **kw) -> Scenario:
    # on hand: 10 - t up to day 5, then 5 (each day's order arrives 5 days later) until the
    # receipts of the orders held by the outage fail to come: 4 at 25, 3 at 26 ... 0 at 29;
    # the order of day 30 waits (episode from 30); at 35 the held orders arrive and the
    # waiting orders are served: on hand 5 again, nothing waits (episode [30, 35)).
    product = Item("p", "product", stock=10, policy=Policy("base_stock", level=10),
                   sources=LANE, demand=DAILY)
    return _scenario((product,), alerts, **kw)


def test_on_hand_warns_when_it_falls_below_and_the_lead_time_is_exact():
    out = _outcomes(_base_stock((Alert("low", "p", below=5),)))["low"]
    assert out.warning_times == (25.0,)          # on hand 4 < 5 at day 25
    assert out.episode_spans == ((30.0, 35.0),)
    assert (out.episodes, out.warned, out.warned_share) == (1, 1, 1.0)
    assert out.warning_lead_time == 5.0           # 30 - 25
    # window: twice the lead time of 5; judged for false alarms: [0, 60 - 10]
    assert (out.false_alarms, out.judged_time, out.false_alarms_per_year) == (0, 50.0, 0.0)


def test_a_warning_too_early_is_a_false_alarm_and_a_low_measure_warns_once():
    # on hand is 5 < 6 from day 5 and never back at 6: one warning, at 5; the episode at 30
    # is 25 days later, beyond the window of 10, so the warning is a false alarm and the
    # episode goes unwarned (the rule never re-armed before it)
    out = _outcomes(_base_stock((Alert("high", "p", below=6),)))["high"]
    assert out.warning_times == (5.0,)
    assert (out.episodes, out.warned, out.warned_share, out.warning_lead_time) == (1, 0, 0.0, None)
    assert out.false_alarms == 1
    assert out.false_alarms_per_year == pytest.approx(365 / 50)


def test_a_wider_window_turns_the_false_alarm_into_a_warning():
    out = _outcomes(_base_stock((Alert("wide", "p", below=6, window=30),)))["wide"]
    assert (out.warned, out.warning_lead_time, out.false_alarms) == (1, 25.0, 0)
    assert out.judged_time == 30.0                 # [0, 60 - 30]


def test_the_position_warns_each_cycle_and_re_arms_after_each_order():
    # reorder_point 4, quantity 6: the position falls one a day and is 5 from day 5, 11, 17
    # ... (every 6 days), 10 the next day after the order; on hand runs out at 28 (the
    # receipt of the order placed at 24 is held to 35): the order of 29 waits, [29, 35).
    product = Item("p", "product", stock=10, policy=Policy("reorder_point", point=4, quantity=6),
                   sources=LANE, demand=DAILY)
    out = _outcomes(_scenario((product,), (Alert("pos", "p", below=6, measure="position"),)))["pos"]
    assert out.warning_times == tuple(float(t) for t in range(5, 60, 6))
    assert out.episode_spans == ((29.0, 35.0),)
    # 23 warns of the episode 6 days ahead; 29 comes with it (late, neither); 5, 11 and 17
    # come more than a window (10) before it and 35, 41, 47 with none after: false alarms;
    # 53 and 59 fall after 60 - 10 and are not judged
    assert (out.warned, out.warning_lead_time) == (1, 6.0)
    assert out.false_alarms == 6
    assert out.warnings == 10


def _assembled(alerts) -> Scenario:
    # the product is made from 2 parts each (no assembly time); the part's on hand falls 2 a
    # day to 10 at day 5 and stays there until the held receipts fail: 8 at 25 ... 0 at 29;
    # at 30 the product's production order waits for the part: the part's episode [30, 35).
    # The product keeps its 5 on hand until 30 and falls to 1 at 34: at 35 the parts arrive.
    part = Item("c", "part", stock=20, policy=Policy("base_stock", level=20), sources=LANE)
    product = Item("p", "product", stock=5, policy=Policy("base_stock", level=5),
                   bom=(("c", 2),), demand=DAILY)
    return _scenario((part, product), alerts)


def test_days_of_cover_of_a_part_use_the_demand_through_the_bill_of_materials():
    # 1 product a day takes 2 parts a day: cover below 3 days means on hand below 6, at 27
    out = _outcomes(_assembled((Alert("cover", "c", below=3, measure="days_of_cover"),)))["cover"]
    assert out.warning_times == (27.0,)
    assert out.episode_spans == ((30.0, 35.0),)
    assert (out.warned, out.warning_lead_time, out.false_alarms) == (1, 3.0, 0)


def test_a_warning_with_no_episode_after_it_is_a_false_alarm():
    # the product falls to 1 < 2 at day 33 but nothing ever waits for it: a false alarm,
    # and no episode to warn of (the warned share is undefined)
    out = _outcomes(_assembled((Alert("bikes", "p", below=2),)))["bikes"]
    assert out.warning_times == (33.0,)
    assert out.episode_spans == ()
    assert (out.episodes, out.warned_share, out.false_alarms) == (0, None, 1)


def test_episodes_before_the_warm_up_do_not_count():
    out = _outcomes(_base_stock((Alert("low", "p", below=5),), warmup=31))["low"]
    assert out.episode_spans == ((30.0, 35.0),)   # recorded, but it starts before 31
    assert (out.episodes, out.warned_share, out.warnings) == (0, None, 0)
    assert out.judged_time == 60 - 10 - 31


def test_lead_times_of_bought_and_made_items():
    network = _assembled(()).network
    assert replenishment_lead_times(network) == {"c": 5.0, "p": 5.0}  # 0 assembly + 5


def test_the_suggestion_is_the_highest_quiet_threshold_that_warns_a_lead_time_ahead():
    # Thresholds 1..10 (up to the base-stock level). x <= 5 warns at 30 - x, x days ahead,
    # and never falsely; only x = 5 is a lead time (5) ahead. x >= 6 warns at 11 - x, too
    # early: one false alarm each (7.3 a year) and the episode unwarned.
    scenario = _base_stock((Alert("low", "p", below=2),))
    summary = run_scenario(scenario, replications=3, workers=1, series=False)
    plans = summary.samples.layout.alerts
    outcome = summary.samples.alerts["low"][0]
    assert plans[0].levels == tuple(float(x) for x in range(1, 11))
    assert outcome.false_alarms_by_level == (0,) * 5 + (1,) * 5
    assert outcome.in_time_by_level == (0, 0, 0, 0, 1, 0, 0, 0, 0, 0)
    suggestion = suggest_thresholds(plans, summary.samples.alerts)["low"]
    assert (suggestion.below, suggestion.false_alarms_per_year, suggestion.in_time_share) == \
        (5.0, 0.0, 1.0)
    # the bound on false alarms decides: allow 8 a year and x = 10 is still not in time
    looser = suggest_thresholds(plans, summary.samples.alerts, max_false_alarms_per_year=8,
                                min_in_time_share=0.0)["low"]
    assert looser.below == 10.0 and looser.false_alarms_per_year == pytest.approx(7.3)
    # and the entry of the run carries it
    (figures,) = summary.alerts
    assert figures.suggested_below == 5.0
    assert figures.figures["warned_share"].mean == 1.0
    assert figures.figures["warning_lead_time"].mean == 2.0  # below 2: at 28, 2 days ahead


def test_no_suggestion_without_an_episode_to_warn_of():
    scenario = _assembled((Alert("bikes", "p", below=2),))
    summary = run_scenario(scenario, replications=2, workers=1, series=False)
    assert summary.alerts[0].suggested_below is None
    assert summary.alerts[0].figures["warned_share"].mean is None


def test_watching_an_item_changes_nothing_in_the_run():
    plain = _base_stock(())
    watched = _base_stock((Alert("low", "p", below=5), Alert("pos", "p", below=9,
                                                               measure="position")))
    a = simulate(plain, np.random.SeedSequence(3), series=True)
    b = simulate(watched, np.random.SeedSequence(3), series=True)
    assert a.products == b.products and a.events == b.events
    assert all(np.array_equal(a.on_hand[k], b.on_hand[k]) for k in a.on_hand)
    assert not a.traces and set(b.traces) == {"p"}


def test_days_of_cover_without_demand_never_warns():
    part = Item("c", "part", stock=0, policy=Policy("base_stock", level=2), sources=LANE)
    scenario = _scenario((part,), (Alert("idle", "c", below=1, measure="days_of_cover"),))
    (plan,) = rule_plans(scenario)
    assert plan.rate == 0 and plan.levels == ()
    assert math.isinf(plan.values(np.array([0]), np.array([0]))[0])
    assert _outcomes(scenario)["idle"].warning_times == ()
