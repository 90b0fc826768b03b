"""Recurring outages against the exact base-stock model with Markov supply disruptions.

The model (Snyder and Shen, *Fundamentals of Supply Chain Theory*, 2nd ed.,
2019, chapter 9, the base-stock policy with supply disruptions; derived again
below): one stage with a base-stock level ``S``, deterministic demand of one
unit per period, zero lead time, and a supplier that is up or down by a
two-state Markov chain in discrete time: from up it goes down with
probability ``a`` each period, from down it recovers with probability ``b``.
While the supplier is down nothing can be ordered; when it recovers the stage
orders up to ``S`` at once.

In riskmap this is ``every: {dist: geometric, p: a}`` and ``duration:
{dist: geometric, p: b}`` on an outage (up and down runs in whole time units,
so the up/down state of the integer times is exactly that Markov chain),
``interval: 1`` demand (orders at 1, 2, 3, ...), ``lead_time: 0`` and
one-for-one base stock. riskmap's outage semantics are the model's: orders
placed during an outage wait at the supplier and all ship at its recovery,
which with one-for-one replenishment is ordering up to ``S`` then (the
receipts at the recovery time run before that time's customer order, being
scheduled first). So after the events of an integer time ``k`` the net stock
is ``S - N_k``, where ``N_k`` is the number of consecutive down times up to
``k`` (0 when the supplier is up). In the stationary chain

    P(N = 0) = b / (a + b),   P(N = n) = a b (1 - b)^(n-1) / (a + b)  (n >= 1),

so the mean backlog is ``E[(N - S)+] = a (1 - b)^S / (b (a + b))``, the mean
on hand ``E[(S - N)+] = sum_{n<=S} (S - n) P(N = n)`` and the share of time
down ``a / (a + b)``. Series sampled at the integer times give these as time
averages over ``[warmup, horizon)`` (the backlog integral of a right-continuous
step function with steps at integer times is the sum of its samples).

Replications are independent, so the mean over them of each replication's time
average has a standard error estimated from the replications themselves; the
tolerance is the t quantile of the false-alarm rate (tests/tolerance.py). The
warm-up removes the start from "up at time 0" (the chain mixes in about
``1 / (a + b)`` = 4 periods; 200 are removed).
"""

from __future__ import annotations

import numpy as np
import pytest

from riskmap.dists import Constant, Geometric
from riskmap.model import Demand, Disruption, Item, Network, Policy, Scenario, Source, Supplier, Target
from riskmap.sim.engine import simulate
from tests.tolerance import assert_mean_is

pytestmark = pytest.mark.theory

A, B, S = 0.05, 0.2, 4  # mean up time 20, mean down time 5, base-stock level 4
WARMUP = 200


def markov_backlog(a: float, b: float, s: int) -> float:
    """Stationary mean backlog ``E[(N - s)+]``."""
    return a * (1 - b) ** s / (b * (a + b))


def markov_on_hand(a: float, b: float, s: int) -> float:
    """Stationary mean on hand ``E[(s - N)+]``."""
    p = [b / (a + b)] + [a * b * (1 - b) ** (n - 1) / (a + b) for n in range(1, s + 1)]
    return sum((s - n) * p[n] for n in range(s + 1))


def _scenario(horizon: float) -> Scenario:
    item = Item("p", "product", stock=S, policy=Policy("base_stock", level=S),
                sources=(Source("s"),), demand=Demand(interval=Constant(1.0)))
    flaky = Disruption("flaky", "outage", Target("supplier", "s"), every=Geometric(A),
                       duration=Geometric(B))
    network = Network("markov", suppliers=(Supplier("s", "S"),), items=(item,))
    return Scenario("markov", network, horizon=horizon, warmup=WARMUP, disruptions=(flaky,))


def _time_averages(horizon: int, replications: int, seed: int):
    scenario = _scenario(horizon)
    span = horizon - WARMUP
    backlog, on_hand, down = [], [], []
    for child in np.random.SeedSequence(seed).spawn(replications):
        result = simulate(scenario, child, series="products")
        backlog.append(result.products["p"].backlog_unit_time / span)
        on_hand.append(float(result.on_hand["p"][WARMUP:horizon].mean()))
        down.append(result.suppliers["s"].down_time / span)
    return backlog, on_hand, down


def test_the_exact_values_follow_from_the_chain():
    # The closed forms against the stationary distribution summed term by term.
    assert markov_backlog(A, B, S) == pytest.approx(0.4096)
    n = np.arange(1, 2000)
    p = A * B * (1 - B) ** (n - 1) / (A + B)
    assert float(np.sum(np.maximum(n - S, 0) * p)) == pytest.approx(markov_backlog(A, B, S))
    assert markov_on_hand(A, B, S) - markov_backlog(A, B, S) == pytest.approx(
        S - float(np.sum(n * p)))


def _check(horizon: int, replications: int, seed: int) -> None:
    backlog, on_hand, down = _time_averages(horizon, replications, seed)
    assert_mean_is(backlog, markov_backlog(A, B, S))
    assert_mean_is(on_hand, markov_on_hand(A, B, S))
    assert_mean_is(down, A / (A + B))


def test_markov_outages_match_the_base_stock_model():
    _check(horizon=2200, replications=40, seed=18)


@pytest.mark.slow
def test_markov_outages_match_the_base_stock_model_long():
    _check(horizon=5200, replications=300, seed=19)
