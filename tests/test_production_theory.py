"""Production that flows, against the exact analysis of a serial base-stock chain.

A serial chain of J stages: stage 1 sells to customers, stage j is made from
stage j + 1 (one unit each, a fixed production time L_j, no line limit), stage J
buys from a supplier that always delivers in L_J. Every stage holds a base stock
s_j on its own inventory position. Customer orders arrive as a Poisson process
of rate lambda, each of a random size K (compound Poisson demand), and every
stage serves the orders of the stage below first come first served, unit by
unit (partial shipments): what riskmap's ``production: kits`` does.

For such a chain the distribution of every stage's backorders is exact
(Axsaeter, "Continuous review policies for multi-level inventory systems with
stochastic demand", 1993; Zipkin, *Foundations of Inventory Management*, 2000,
section 8.3): the demand over disjoint intervals is independent, so with
D_j the demand over L_j,

    B_{J+1} = 0,    B_j = (B_{j+1} + D_j - s_j)^+,

and stage 1's net inventory is s_1 - B_2 - D_1 in distribution. By PASTA an
arriving order of size K finds that net inventory and ships min(K, its
positive part) at once, so the fill rate is E[min(K, (s_1 - B_2 - D_1)^+)] /
E[K] and the mean backlog E[(B_2 + D_1 - s_1)^+]. D_j is compound Poisson; its
distribution comes from Panjer's recursion.

With ``production: whole`` a production order waits for every unit it needs,
which holds back units that could flow: the same chain then falls short of
the exact figures, which shows what the rule changes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from riskmap.dists import Constant, Empirical
from riskmap.model import Demand, Item, Network, Policy, Scenario, Source, Supplier
from riskmap.sim.engine import simulate
from tests.tolerance import assert_mean_is, mean_and_se

pytestmark = pytest.mark.theory

#: order sizes and their probabilities (mean 2.1 units an order).
SIZES, PROBABILITIES = (1, 2, 5), (0.5, 0.3, 0.2)
RATE = 4.0
#: production times of stages 1..3 and the supplier's lead time to stage 4.
LEADS = (1.0, 2.0, 3.0, 2.0)
HORIZON, WARMUP = 2100.0, 100.0
#: allowance for the bias of a fill rate computed per replication (about 8,000 orders each).
RATIO_BIAS = 1e-3
#: units beyond which the distributions are cut (their mass there is below 1e-12).
UNITS = 400


def compound_poisson(mean_orders: float) -> np.ndarray:
    """P(total units = n), n = 0..UNITS, of a Poisson number of orders of the sizes above (Panjer)."""
    size = np.zeros(UNITS + 1)
    for k, q in zip(SIZES, PROBABILITIES):
        size[k] = q
    out = np.zeros(UNITS + 1)
    out[0] = math.exp(-mean_orders)
    for n in range(1, UNITS + 1):
        k = np.arange(1, n + 1)
        out[n] = mean_orders / n * np.sum(k * size[k] * out[n - k])
    return out


def exact_serial(levels: tuple[int, ...]) -> tuple[float, float]:
    """Fill rate and mean backlog of stage 1 (the recursion in the module docstring)."""
    owed = np.zeros(UNITS + 1)
    owed[0] = 1.0  # B_{J+1} = 0
    for j in reversed(range(1, len(levels))):
        total = np.convolve(owed, compound_poisson(RATE * LEADS[j]))[:UNITS + 1]
        s = levels[j]
        owed = np.zeros(UNITS + 1)
        owed[0] = total[:s + 1].sum()
        owed[1:UNITS + 1 - s] = total[s + 1:]
    total = np.convolve(owed, compound_poisson(RATE * LEADS[0]))[:UNITS + 1]
    s1 = levels[0]
    mean_size = sum(k * q for k, q in zip(SIZES, PROBABILITIES))
    filled = sum(total[x] * sum(q * min(k, s1 - x) for k, q in zip(SIZES, PROBABILITIES))
                 for x in range(s1))
    backlog = sum(total[x] * (x - s1) for x in range(s1 + 1, UNITS + 1))
    return filled / mean_size, backlog


def serial_chain(levels: tuple[int, ...], production: str) -> Network:
    ids = ["p"] + [f"x{j}" for j in range(2, len(levels) + 1)]
    items = []
    for j, (item_id, level) in enumerate(zip(ids, levels)):
        common = dict(id=item_id, stock=level, policy=Policy("base_stock", level=level),
                      production=production)
        if j + 1 < len(levels):
            common.update(bom=((ids[j + 1], 1),), assembly_time=Constant(LEADS[j]))
        else:
            common.update(sources=(Source("s", lead_time=Constant(LEADS[j])),))
        if j == 0:
            demand = Demand(rate=RATE, size=Empirical(tuple(map(float, SIZES)), PROBABILITIES))
            items.append(Item(kind="product", demand=demand, **common))
        else:
            items.append(Item(kind="part", **common))
    return Network("serial", suppliers=(Supplier("s", "S"),), items=tuple(items))


def simulated(levels: tuple[int, ...], production: str, replications: int):
    scenario = Scenario("serial", serial_chain(levels, production), horizon=HORIZON,
                        warmup=WARMUP)
    results = [simulate(scenario, seed, i, series=False).products["p"]
               for i, seed in enumerate(np.random.SeedSequence(7).spawn(replications))]
    fill = [p.fill_rate for p in results]
    backlog = [p.backlog_unit_time / (HORIZON - WARMUP) for p in results]
    return fill, backlog


def test_compound_poisson_pmf_has_the_right_mean():
    pmf = compound_poisson(RATE * 2.0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.dot(np.arange(UNITS + 1), pmf) == pytest.approx(RATE * 2.0 * 2.1, rel=1e-9)


@pytest.mark.parametrize("levels", [(24, 22, 30, 22), (14, 10, 20, 12)],
                         ids=["fill-0.93", "fill-0.14"])
def test_a_serial_chain_with_batch_demand_matches_the_exact_recursion(levels):
    fill, backlog = simulated(levels, "kits", 24)
    exact_fill, exact_backlog = exact_serial(levels)
    assert_mean_is(fill, exact_fill, slack=RATIO_BIAS)
    assert_mean_is(backlog, exact_backlog)


def test_whole_orders_hold_back_units_that_could_flow():
    levels = (24, 22, 30, 22)
    fill, _ = simulated(levels, "whole", 24)
    exact_fill, _ = exact_serial(levels)  # 0.929
    mean, se, _ = mean_and_se(fill)
    assert mean < exact_fill - 6 * se, (mean, se, exact_fill)
