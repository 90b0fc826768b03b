"""The engine against closed-form inventory results.

Each test runs seeded replications over a long horizon with a warm-up and
checks the mean of the per-replication estimates against theory within the
Student t tolerance of tests/tolerance.py: a correct engine fails a check with
probability 1e-4 whatever the number of replications; the seeds are fixed, so
the outcome is reproducible.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from riskmap.dists import Constant
from riskmap.model import Demand, Item, Network, Policy, Scenario, Source, Supplier
from riskmap.sim.engine import simulate
from tests.tolerance import assert_mean_is, normal_tolerance

pytestmark = pytest.mark.theory

def replicate(scenario, n, seed=2024):
    children = np.random.SeedSequence(seed).spawn(n)
    return [simulate(scenario, children[i], i, series=False) for i in range(n)]


def expected_shortfall(mean, level):
    """E[(N - level)^+] for N ~ Poisson(mean)."""
    n = np.arange(level, int(mean + 20 * np.sqrt(mean) + 50))
    return float(np.sum((n - level) * stats.poisson.pmf(n, mean)))


def one_item(level, rate, lead, review_period=None):
    policy = Policy("base_stock", level=level, review_period=review_period)
    return Network("theory", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=level, policy=policy,
             sources=(Source("s", lead_time=Constant(lead)),), demand=Demand(rate=rate)),))


def test_one_for_one_base_stock_matches_poisson_lead_time_demand():
    # Units on order ~ Poisson(lambda L) (Palm's theorem; here L is fixed); net stock is
    # S - N, so the fill rate is P(N <= S - 1) and the mean backlog E[(N - S)^+].
    rate, lead, level = 2.0, 5.0, 12
    horizon, warmup, reps = 3000.0, 100.0, 12
    scenario = Scenario("bs", one_item(level, rate, lead), horizon=horizon, warmup=warmup)
    results = replicate(scenario, reps)
    mean = rate * lead
    fill = [r.products["p"].fill_rate for r in results]
    backlog = [r.products["p"].backlog_unit_time / (horizon - warmup) for r in results]
    assert_mean_is(fill, stats.poisson.cdf(level - 1, mean))
    assert_mean_is(backlog, expected_shortfall(mean, level))


def test_littles_law_holds_on_the_sample_path():
    # Little's law as a sample-path identity: the integral of the backlog over [0, H] equals
    # the total time waited by backordered units (units still waiting count until H). The
    # waits are rebuilt from the event log (FCFS), independently of the backlog integral.
    rate, lead, level, horizon = 2.0, 5.0, 8, 2000.0
    scenario = Scenario("little", one_item(level, rate, lead), horizon=horizon)
    log: list = []
    result = simulate(scenario, np.random.SeedSequence(3), log=log, series=False)
    waiting: list[list[float]] = []  # FCFS [ordered_at, units]
    waited = 0.0
    for entry in log:
        if entry[1] == "backorder":
            waiting.append([entry[0], entry[3]])
        elif entry[1] == "ship":
            units = entry[3]
            while units:
                head = waiting[0]
                take = min(units, head[1])
                waited += take * (entry[0] - head[0])
                head[1] -= take
                units -= take
                if not head[1]:
                    waiting.pop(0)
    waited += sum(units * (horizon - t) for t, units in waiting)
    p = result.products["p"]
    assert p.backorder_units > 100  # the identity is exercised
    assert p.backlog_unit_time == pytest.approx(waited, rel=1e-9)
    assert p.waiting_units_at_end == sum(units for _, units in waiting)


def test_periodic_review_order_up_to_matches_protection_interval_demand():
    # Review every R, order up to S, fixed lead L: over [kR + L, (k+1)R + L) the net stock
    # is S - D(kR, t], the demand since the review. With u = t - kR - L uniform on [0, R),
    # the mean backlog is (1/R) integral_0^R E[(Poisson(lambda (L + u)) - S)^+] du.
    rate, lead, period, level = 1.5, 3.0, 4.0, 12
    horizon, warmup, reps = 3000.0, 100.0, 12
    scenario = Scenario("rs", one_item(level, rate, lead, period), horizon=horizon,
                        warmup=warmup)
    results = replicate(scenario, reps, seed=99)
    expected, _ = integrate.quad(lambda u: expected_shortfall(rate * (lead + u), level), 0, period,
                                 limit=200)
    expected /= period
    backlog = [r.products["p"].backlog_unit_time / (horizon - warmup) for r in results]
    assert_mean_is(backlog, expected)
    # A unit order is filled when the net stock it finds is positive, D(kR, t) <= S - 1;
    # Poisson arrivals see time averages (PASTA): (1/R) integral P(D(L + u) <= S - 1) du.
    fill_expected, _ = integrate.quad(lambda u: stats.poisson.cdf(level - 1, rate * (lead + u)),
                                      0, period, limit=200)
    assert_mean_is([r.products["p"].fill_rate for r in results], fill_expected / period)


def test_poisson_orders_follow_the_surge_factor():
    # Orders during [0, H) with a surge of factor f over [a, a + d): mean count
    # rate * (H + (f - 1) d); Poisson, so the variance equals the mean.
    from riskmap.model import Disruption, Target

    rate, horizon, factor = 3.0, 200.0, 2.5
    net = Network("n", items=(Item("p", "product", stock=10**9, demand=Demand(rate=rate)),))
    surge = Disruption("s", "demand_surge", Target("product", "p"), at=Constant(50),
                       duration=Constant(40), factor=factor)
    scenario = Scenario("surge", net, horizon=horizon, disruptions=(surge,))
    counts = [r.products["p"].ordered_units for r in replicate(scenario, 40, seed=5)]
    mean = rate * (horizon + (factor - 1) * 40)
    assert abs(np.mean(counts) - mean) <= normal_tolerance(np.sqrt(mean / len(counts)))


def test_recurring_disruptions_form_a_poisson_process():
    # An outage with rate r over [0, H): the number of occurrences is Poisson(r H).
    from riskmap.model import Disruption, Target
    from riskmap.sim.disruptions import draw_plan
    from riskmap.sim.streams import Streams

    rate, horizon, reps = 0.05, 400.0, 300
    net = Network("n", suppliers=(Supplier("s", "S", ttr=Constant(1)),))
    failures = Disruption("f", "outage", Target("supplier", "s"), rate=rate)
    scenario = Scenario("rec", net, horizon=horizon, disruptions=(failures,))
    counts = [len(draw_plan(scenario, Streams(s)).occurrences)
              for s in np.random.SeedSequence(11).spawn(reps)]
    mean = rate * horizon
    assert abs(np.mean(counts) - mean) <= normal_tolerance(np.sqrt(mean / reps))
    # Poisson: the variance is the mean. The sample variance of 300 counts has a standard
    # deviation of about sqrt((mu4 - sigma^4) / n) = sqrt((20 * 61 - 400) / 300) = 1.65,
    # so 30 % of 20 is 3.6 of them (a false alarm about once in 3,000 runs).
    assert np.var(counts, ddof=1) == pytest.approx(mean, rel=0.3)
