"""The simulation agrees with the static risk map where the two models coincide.

With zero lead times, deterministic demand (one unit per time unit, at
t = 1, 2, ...) and a supplier down for exactly its TTR, the LP of
riskmap.analysis is the fluid version of the simulation: the first backorder
comes with the first order after the stock (on hand and in the bill of
materials) covering TTS time units is spent, and the units backordered during
the outage are at least the performance impact (PI, in units).
"""

from __future__ import annotations

import numpy as np
import pytest

from riskmap.dists import Constant
from riskmap.model import (
    Demand, Disruption, Item, Network, Policy, Scenario, Source, Supplier, Target,
)
from riskmap.sim.engine import simulate

pytestmark = pytest.mark.theory

START = 0.5  # the outage starts between two orders


def bought():
    # 20 units of p on hand: TTS = 20 / 1. PI over TTR = 30: 30 - 20 = 10 units.
    return Network("bought", suppliers=(Supplier("s", "S", ttr=Constant(30)),), items=(
        Item("p", "product", stock=20, policy=Policy("base_stock", level=20),
             sources=(Source("s"),), demand=Demand(interval=Constant(1))),)), 20.0, 10.0


def made():
    # 10 units of p plus 30 of part a (2 per p): 25 time units. PI: 30 - 25 = 5 units.
    return Network("made", suppliers=(Supplier("s", "S", ttr=Constant(30)),), items=(
        Item("a", "part", stock=30, policy=Policy("base_stock", level=30), sources=(Source("s"),)),
        Item("p", "product", stock=10, policy=Policy("base_stock", level=10), bom=(("a", 2),),
             demand=Demand(interval=Constant(1))),)), 25.0, 5.0


@pytest.mark.parametrize("build", [bought, made])
def test_first_backorder_at_tts_and_shortfall_at_least_pi(build):
    network, hand_tts, hand_pi = build()
    from riskmap.analysis.risk_map import risk_map

    exposure = risk_map(network).supplier("s")
    assert exposure.tts == pytest.approx(hand_tts)
    assert exposure.pi == pytest.approx(hand_pi)
    outage = Disruption("out", "outage", Target("supplier", "s"), at=Constant(START))
    scenario = Scenario("agree", network, horizon=60, disruptions=(outage,))
    result = simulate(scenario, np.random.SeedSequence(1))
    p = result.products["p"]
    assert result.suppliers["s"].down_time == pytest.approx(30)  # no duration: the TTR
    # Orders at START + 0.5, START + 1.5, ...: the first TTS of them are filled.
    assert p.first_backorder_time == pytest.approx(START + exposure.tts + 0.5)
    assert p.backorder_units >= exposure.pi - 1e-9
    assert p.waiting_units_at_end == 0  # all recovered after the outage
