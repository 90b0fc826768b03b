"""Lost sales and impatient customers against exact results (docs/customers.md, "Checks").

* Lost sales (``patience: 0``), one-for-one replenishment (base stock S), Poisson
  demand of rate lambda, unit orders, independent lead times of mean L: units on
  order form an M/G/S/S loss system, so the share of demand lost is the Erlang B
  blocking probability B(S, lambda * L), whatever the lead-time distribution
  (Erlang 1917; insensitivity: Sevastyanov 1957; for inventories, Smith 1977,
  "Optimal inventories for an (S-1, S) system with no backorders", Management
  Science 23(5), 522-528).
* Exponential patience (rate theta) and exponential lead times: the state
  (units on order, orders waiting, cancellations not yet made up by demand) is
  a continuous-time Markov chain; its stationary distribution, solved
  numerically, gives the exact share lost, E[waiting] * theta / lambda.

Each run is long and seeded; the tolerance is the Student t tolerance of
tests/tolerance.py over independent replications (a correct engine fails a check
with probability 1e-4), plus 0.001 for the bias of a share computed per
replication as lost / completed orders (of order 1 / orders, about 3e-4 here).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.sparse import lil_matrix
from scipy.sparse.linalg import spsolve

from riskmap.dists import Constant, Exponential
from riskmap.model import Demand, Item, Network, Policy, Scenario, Source, Supplier
from riskmap.sim.engine import simulate
from tests.tolerance import assert_mean_is, normal_tolerance

pytestmark = pytest.mark.theory

#: allowance for the bias of a per-replication share lost / completed (see above).
RATIO_BIAS = 1e-3


def erlang_b(servers: int, load: float) -> float:
    """Erlang B by its stable recursion B(k) = a B(k-1) / (k + a B(k-1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def lost_share(level, rate, lead, patience, replications=12, horizon=1500.0, warmup=100.0):
    net = Network("theory", suppliers=(Supplier("s", "S"),), items=(
        Item("p", "product", stock=level, policy=Policy("base_stock", level=level),
             sources=(Source("s", lead_time=lead),),
             demand=Demand(rate=rate, patience=patience)),))
    scenario = Scenario("theory", net, horizon=horizon, warmup=warmup)
    seeds = np.random.SeedSequence(2024).spawn(replications)
    shares = []
    for seed in seeds:
        p = simulate(scenario, seed, series=False).products["p"]
        # Units still waiting at the horizon have not been lost yet: leave them out.
        shares.append(p.lost_units / (p.ordered_units - p.waiting_units_at_end))
    shares = np.asarray(shares)
    return shares


def test_erlang_b_recursion():
    # B(5, 4) = (4^5 / 5!) / sum_k 4^k / k!
    direct = (4 ** 5 / 120) / sum(4 ** k / math.factorial(k) for k in range(6))
    assert erlang_b(5, 4.0) == pytest.approx(direct)


@pytest.mark.parametrize("lead", [Constant(2.0), Exponential(2.0)], ids=["fixed", "exponential"])
def test_lost_sales_share_is_erlang_b(lead):
    level, rate = 5, 2.0
    shares = lost_share(level, rate, lead, Constant(0))
    expected = erlang_b(level, rate * 2.0)  # about 0.199
    assert_mean_is(shares, expected, slack=RATIO_BIAS)


def impatient_lost_share(level: int, rate: float, lead: float, theta: float,
                         max_orders: int = 60, max_waiting: int = 40, max_extra: int = 30) -> float:
    """Exact share of demand cancelled, from the stationary distribution of the chain.

    State (n on order, b waiting, c cancellations not yet made up); on hand is
    h = level + c - n + b, and h * b = 0. Demand: one more waiting order when
    h = 0, else one unit ships; a replenishment is ordered when c = 0, else c
    drops by one (base stock orders up to the level on the position). Each
    unit on order arrives at rate 1/lead; each waiting order cancels at rate
    theta and raises c. Truncated where the probability is negligible.
    """
    states = {}
    for n in range(max_orders + 1):
        for b in range(max_waiting + 1):
            for c in range(max_extra + 1):
                h = level + c - n + b
                if h >= 0 and (h == 0 or b == 0):
                    states[(n, b, c)] = len(states)
    q = lil_matrix((len(states), len(states)))

    def move(src, dst, r):
        if dst in states and r > 0:
            q[states[src], states[dst]] += r
            q[states[src], states[src]] -= r

    for (n, b, c) in states:
        h = level + c - n + b
        n2, c2 = (n + 1, c) if c == 0 else (n, c - 1)
        move((n, b, c), (n2, b + (h == 0), c2), rate)
        if n:
            move((n, b, c), (n - 1, b - 1 if b else 0, c), n / lead)
        if b:
            move((n, b, c), (n, b - 1, c + 1), b * theta)
    # pi Q = 0 with sum(pi) = 1: replace one balance equation by the normalisation.
    a = q.T.tocsr().tolil()
    a[0, :] = np.ones(len(states))
    rhs = np.zeros(len(states))
    rhs[0] = 1.0
    pi = spsolve(a.tocsc(), rhs)
    waiting = sum(pi[i] * b for (n, b, c), i in states.items())
    return waiting * theta / rate


def test_cancelled_share_with_exponential_patience_matches_the_markov_chain():
    level, rate, lead, patience = 3, 2.0, 2.0, 1.5
    expected = impatient_lost_share(level, rate, lead, 1 / patience)
    shares = lost_share(level, rate, Exponential(lead), Exponential(patience))
    assert 0.05 < expected < 0.5
    assert_mean_is(shares, expected, slack=RATIO_BIAS)


def test_more_patient_customers_cancel_less():
    # Not Erlang B in the limit of no patience: an order that waits still triggers a
    # replenishment before it is cancelled (lost sales never do), so compare the
    # chain with itself: the share cancelled falls as patience grows.
    shares = [impatient_lost_share(3, 2.0, 2.0, 1 / mean) for mean in (0.5, 1.5, 5.0)]
    assert shares[0] > shares[1] > shares[2] > 0


def test_customers_accept_a_substitute_with_its_acceptance_probability():
    # a is never in stock; b always is: each of a's orders goes to b with probability
    # 0.3, independently. 2,000 orders: the share is binomial, its standard deviation known.
    from riskmap.model import Substitute

    net = Network("subs", items=(
        Item("a", "product", demand=Demand(interval=Constant(1.0), patience=Constant(0)),
             substitutes=(Substitute("b", 0.3),)),
        Item("b", "product", stock=10_000),
    ))
    a = simulate(Scenario("subs", net, horizon=2000.5), np.random.SeedSequence(5),
                 series=False).products["a"]
    share = a.substituted_units / a.ordered_units
    assert a.ordered_units == 2000
    assert abs(share - 0.3) <= normal_tolerance(math.sqrt(0.3 * 0.7 / 2000))
    assert a.substituted_units + a.lost_units == 2000
