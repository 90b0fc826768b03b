"""Priority allocation of arriving stock against exact results (docs/customers.md, "Customer classes").

One product, base stock S, one-for-one replenishment, exponential lead times
of mean L, Poisson demand for one unit at a time from two classes (high: rate
lambda1, priority 1; low: rate lambda2, priority 2), backorders.

* The units on order K form an M/M/infinity queue whatever the allocation, and
  on hand is S - K while K < S: an order of either class ships at once with
  probability P(K < S), the Poisson(lambda L) distribution function at S - 1
  (Palm's theorem; for inventories, Feeney and Sherbrooke, "The (s-1, s)
  inventory policy under compound Poisson demand", Management Science 12(5),
  1966). Priority changes who waits, not whether a unit is on the shelf, so
  both classes have that fill rate.
* Under priority the state (K, N1), N1 the high-class units waiting, is a
  continuous-time Markov chain: a high order adds to N1 when K >= S, every
  receipt (rate K / L) goes to a waiting high order first. Its stationary
  distribution, solved numerically, gives the high class's mean backlog
  E[N1], which the run measures as backlog_days / (horizon - warmup).
  (The low class's orders trigger receipts the high class may take, so the
  high class does better than a system with the low class removed.)
* Under FIFO the class of each waiting order is independent of the queue, so
  the high class's mean backlog is lambda1 / lambda times E[(K - S)^+].

Tolerances: the Student t tolerance of tests/tolerance.py over independent
replications (a correct engine fails with probability 1e-4), plus 0.001 for
the bias of a fill rate computed per replication as a ratio.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.sparse import lil_matrix
from scipy.sparse.linalg import spsolve
from scipy.stats import poisson

from riskmap.dists import Exponential
from riskmap.model import (CustomerClass, Demand, Item, Network, Policy, Scenario, Source,
                           Supplier)
from riskmap.sim.engine import simulate
from tests.tolerance import assert_mean_is

pytestmark = pytest.mark.theory

LEVEL, HIGH, LOW, LEAD = 3, 0.6, 1.4, 2.0
HORIZON, WARMUP, REPLICATIONS = 1500.0, 100.0, 12
RATIO_BIAS = 1e-3


def high_backlog_under_priority(level: int, high: float, low: float, lead: float,
                                max_orders: int = 45) -> float:
    """E[N1] from the stationary distribution of the chain (K, N1), truncated at K = max_orders."""
    states = {(k, n): None for k in range(max_orders + 1) for n in range(max(0, k - level) + 1)}
    for i, key in enumerate(states):
        states[key] = i
    q = lil_matrix((len(states), len(states)))

    def move(src, dst, r):
        if dst in states and r > 0:
            q[states[src], states[dst]] += r
            q[states[src], states[src]] -= r

    for (k, n) in states:
        move((k, n), (k + 1, n + (k >= level)), high)
        move((k, n), (k + 1, n), low)
        if k:
            move((k, n), (k - 1, max(0, n - 1)), k / lead)
    a = q.T.tocsr().tolil()
    a[0, :] = np.ones(len(states))
    rhs = np.zeros(len(states))
    rhs[0] = 1.0
    pi = spsolve(a.tocsc(), rhs)
    return float(sum(pi[i] * n for (k, n), i in states.items()))


def expected_backlog(level: int, load: float) -> float:
    """E[(K - S)^+] for K ~ Poisson(load)."""
    k = np.arange(level)
    return load - level + float(np.sum((level - k) * poisson.pmf(k, load)))


def runs(allocation: str):
    net = Network("theory", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=LEVEL, policy=Policy("base_stock", level=LEVEL),
             sources=(Source("s", lead_time=Exponential(LEAD)),), allocation=allocation,
             demand=Demand(classes=(CustomerClass("high", 1, Demand(rate=HIGH)),
                                    CustomerClass("low", 2, Demand(rate=LOW))))),))
    scenario = Scenario("theory", net, horizon=HORIZON, warmup=WARMUP)
    return [simulate(scenario, seed, series=False).classes["p"]
            for seed in np.random.SeedSequence(17).spawn(REPLICATIONS)]


@pytest.fixture(scope="module")
def priority_runs():
    return runs("priority")


def test_the_chain_without_low_class_is_the_single_class_backlog():
    # With lambda2 = 0 the chain is the one-class base-stock system: E[(K - S)^+].
    assert high_backlog_under_priority(LEVEL, HIGH, 0.0, LEAD) == pytest.approx(
        expected_backlog(LEVEL, HIGH * LEAD), rel=1e-6)


def test_both_classes_fill_at_the_poisson_rate_under_priority(priority_runs):
    expected = float(poisson.cdf(LEVEL - 1, (HIGH + LOW) * LEAD))  # about 0.238
    for name in ("high", "low"):
        assert_mean_is([r[name].fill_rate for r in priority_runs], expected, slack=RATIO_BIAS)


def test_high_class_backlog_matches_the_markov_chain(priority_runs):
    expected = high_backlog_under_priority(LEVEL, HIGH, LOW, LEAD)
    fifo_share = HIGH / (HIGH + LOW) * expected_backlog(LEVEL, (HIGH + LOW) * LEAD)
    assert 0.05 < expected < 0.8 * fifo_share  # priority makes a visible difference here
    window = HORIZON - WARMUP
    assert_mean_is([r["high"].backlog_unit_time / window for r in priority_runs], expected)
    # the classes together keep the one-class total: the allocation moves waiting, not units
    total = expected_backlog(LEVEL, (HIGH + LOW) * LEAD)
    assert_mean_is([(r["high"].backlog_unit_time + r["low"].backlog_unit_time) / window
                    for r in priority_runs], total)


def test_high_class_backlog_under_fifo_is_its_share_of_the_total():
    window = HORIZON - WARMUP
    expected = HIGH / (HIGH + LOW) * expected_backlog(LEVEL, (HIGH + LOW) * LEAD)
    assert_mean_is([r["high"].backlog_unit_time / window for r in runs("fifo")], expected)
    assert math.isfinite(expected)
