"""Compensation on random networks: offers made, and paid, only to orders that qualified."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.model import Compensation, Network
from riskmap.sim.engine import simulate
from tests.test_customers_properties import with_substitutes

pytestmark = pytest.mark.property


@st.composite
def with_compensation(draw):
    """A random scenario (no warm-up) whose products may have one or two compensation rules."""
    scenario = draw(with_substitutes())
    items = []
    for item in scenario.network.items:
        if item.is_product and draw(st.booleans()):
            rules = [Compensation("late", "broken_promise", "discount",
                                  draw(st.sampled_from([0.0, 0.5, 1.0])), share=0.2,
                                  prevents_cancellation=draw(st.booleans()))]
            if draw(st.booleans()):
                rules.append(Compensation("long", "waited",
                                          draw(st.sampled_from(["credit", "priority"])),
                                          draw(st.sampled_from([0.5, 1.0])),
                                          after=draw(st.sampled_from([0.5, 2.0])), amount=3.0,
                                          extends_patience=draw(st.sampled_from([None, 1.0]))))
            item = replace(item, compensation=tuple(rules), price=40.0)
        items.append(item)
    network = scenario.network
    return replace(scenario, warmup=0.0,
                   network=Network(network.name, network.time_unit, network.regions,
                                   network.suppliers, tuple(items)))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_compensation(), seed=st.integers(0, 2**32 - 1))
def test_compensation_is_paid_only_to_orders_that_qualified(scenario, seed):
    log: list = []
    result = simulate(scenario, np.random.SeedSequence(seed), orders=True, log=log)
    for item in scenario.network.products:
        if not item.compensation:
            assert item.id not in result.rules
            continue
        rows = [r for r in result.orders if r.product == item.id and r.record_type == "backorder"]
        for rule in item.compensation:
            made = [e for e in log if e[1] == "offer" and e[2] == item.id and e[4] == rule.id]
            # every offer goes to an order waiting at that moment whose promise just
            # passed (broken_promise) or that has waited exactly 'after' (waited)
            qualified = Counter()
            for r in rows:
                at = (r.promised_at if rule.when == "broken_promise"
                      else r.ordered_at + rule.after)
                end = r.filled_at if r.filled_at is not None else r.cancelled_at
                if at is not None and at < scenario.horizon and (end is None or end >= at):
                    qualified[at] += 1
            assert not Counter(e[0] for e in made) - qualified, (rule.id, made)
            tally = result.rules[item.id][rule.id]
            accepted = [e for e in made if e[5]]
            assert tally.offers == len(made) and tally.compensated_orders == len(accepted)
            expected = sum(rule.amount if rule.amount is not None
                           else rule.share * item.price * e[3] for e in accepted)
            assert tally.compensation_cost == pytest.approx(expected)
            if rule.acceptance == 0.0:
                assert tally.compensation_cost == 0
        p = result.products[item.id]
        assert p.compensation_cost == pytest.approx(
            sum(t.compensation_cost for t in result.rules[item.id].values()))
        assert p.ordered_units == (p.shipped_units + p.substituted_units
                                   + p.waiting_units_at_end + p.lost_units)
