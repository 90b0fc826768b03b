"""Conservation of units with patience, lost sales and substitutes, on random networks."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.model import Network, Substitute
from riskmap.sim.engine import simulate
from tests.test_sim_properties import scenarios

pytestmark = pytest.mark.property


@st.composite
def with_substitutes(draw):
    """A random scenario whose products may accept each other as substitutes."""
    scenario = draw(scenarios())
    network = scenario.network
    products = [i.id for i in network.products]
    items = []
    for item in network.items:
        others = [p for p in products if p != item.id]
        if item.is_product and others and draw(st.booleans()):
            acceptance = draw(st.sampled_from([0.0, 0.5, 1.0]))
            item = replace(item, substitutes=(Substitute(others[0], acceptance),),
                           price=100.0, margin=20.0, backorder_cost=1.0, lost_sale_cost=5.0)
        items.append(item)
    return replace(scenario, network=Network(network.name, network.time_unit, network.regions,
                                             network.suppliers, tuple(items)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_substitutes(), seed=st.integers(0, 2**32 - 1))
def test_units_ordered_are_shipped_substituted_waiting_or_lost(scenario, seed):
    result = simulate(scenario, np.random.SeedSequence(seed), orders=True)
    products = result.products
    for pid, p in products.items():
        # Each unit ordered ends in exactly one of these (a substituted unit counts once,
        # in the product that was ordered; the substitute does not count it as shipped).
        assert p.ordered_units == (p.shipped_units + p.substituted_units
                                   + p.waiting_units_at_end + p.lost_units), pid
        assert p.backorder_units + p.substituted_units <= p.ordered_units \
            - p.filled_from_stock_units
        assert p.promises_kept <= p.promises_judged <= p.waited_orders
        if p.wait_mean is not None:
            assert 0 <= p.wait_p50 <= p.wait_p90 <= p.wait_p95 <= p.longest_wait + 1e-9
        item = scenario.network.item(pid)
        assert p.lost_revenue == p.lost_units * (item.price or 0)
        assert p.total_cost == pytest.approx(p.lost_margin + p.backorder_cost + p.lost_sale_cost)
    # Substitutes counted once: what products took from substitutes is what substitutes supplied.
    assert sum(p.substituted_units for p in products.values()) == \
        sum(p.substitute_units_supplied for p in products.values())
    # The records agree with the counts.
    for pid, p in products.items():
        rows = [r for r in result.orders if r.product == pid]
        assert sum(r.units for r in rows if r.record_type == "substitution") == p.substituted_units
        assert sum(r.units for r in rows if r.record_type == "backorder") == p.backorder_units
        assert sum(r.cancelled_units for r in rows) == p.lost_units
        assert sum(1 for r in rows if r.record_type == "backorder") == p.waited_orders
    for item_id, series in result.on_hand.items():
        assert series.min() >= 0, item_id


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_substitutes(), seed=st.integers(0, 2**32 - 1))
def test_substitutes_leave_the_demand_draws_alone(scenario, seed):
    # Common random numbers: the same customer orders arrive with or without substitutes.
    items = tuple(replace(i, substitutes=()) for i in scenario.network.items)
    plain = replace(scenario, network=replace(scenario.network, items=items))
    ss = np.random.SeedSequence(seed)
    with_subs = simulate(scenario, ss, series=False)
    without = simulate(plain, ss, series=False)
    for pid, p in with_subs.products.items():
        assert p.ordered_units == without.products[pid].ordered_units, pid
