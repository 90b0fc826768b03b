"""Customer classes on random networks: units conserved per class, classes adding up to the product."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.dists import Constant
from riskmap.model import CustomerClass, Demand, Network
from riskmap.sim.engine import simulate
from tests.test_customers_properties import with_substitutes

pytestmark = pytest.mark.property

#: figures that are sums over orders: the classes' add up to the product's.
ADDITIVE = ("ordered_units", "filled_from_stock_units", "backorder_units", "lost_units",
            "shipped_units", "waiting_units_at_end", "substituted_units", "waited_orders",
            "promises_judged", "promises_kept", "eta_revisions")


@st.composite
def with_classes(draw):
    """A random scenario whose products' demand may be two or three classes, under any allocation."""
    scenario = draw(with_substitutes())
    items = []
    for item in scenario.network.items:
        if item.is_product and item.demand is not None and draw(st.booleans()):
            classes = []
            for k in range(draw(st.integers(2, 3))):
                demand = item.demand
                if draw(st.booleans()):  # another pattern of orders for this class
                    demand = Demand(interval=Constant(draw(st.sampled_from([0.7, 1.3]))),
                                    size=demand.size, patience=demand.patience)
                classes.append(CustomerClass(f"c{k}", draw(st.integers(1, 3)), demand))
            item = replace(item, demand=Demand(classes=tuple(classes)),
                           allocation=draw(st.sampled_from(["fifo", "priority", "smallest_first"])))
        items.append(item)
    network = scenario.network
    return replace(scenario, network=Network(network.name, network.time_unit, network.regions,
                                             network.suppliers, tuple(items)))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_classes(), seed=st.integers(0, 2**32 - 1))
def test_units_are_conserved_per_class(scenario, seed):
    result = simulate(scenario, np.random.SeedSequence(seed), orders=True)
    with_classes_ = {i.id for i in scenario.network.products if i.demand and i.demand.classes}
    assert set(result.classes) == with_classes_
    for pid, per_class in result.classes.items():
        product = result.products[pid]
        for cid, c in per_class.items():
            # ordered = shipped + substituted + waiting at the end + lost, class by class
            assert c.ordered_units == (c.shipped_units + c.substituted_units
                                       + c.waiting_units_at_end + c.lost_units), (pid, cid)
            assert c.promises_kept <= c.promises_judged <= c.waited_orders
            rows = [r for r in result.orders if r.product == pid and r.customer_class == cid]
            assert sum(r.units for r in rows if r.record_type == "backorder") == c.backorder_units
            assert sum(r.cancelled_units for r in rows) == c.lost_units
        for name in ADDITIVE:
            assert getattr(product, name) == sum(getattr(c, name) for c in per_class.values()), \
                (pid, name)
        assert product.backlog_unit_time == pytest.approx(
            sum(c.backlog_unit_time for c in per_class.values()), rel=1e-9, abs=1e-9)
        assert product.longest_wait == pytest.approx(
            max(c.longest_wait for c in per_class.values()))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_classes(), seed=st.integers(0, 2**32 - 1))
def test_priority_moves_waiting_between_classes_not_units(scenario, seed):
    # Without patience, substitutes or other items using the product, the allocation only
    # decides who receives a unit: what is ordered, shipped at once and waiting in total
    # is the same under FIFO and priority (common random numbers).
    used = {c for i in scenario.network.items for c, _ in i.bom}
    items = tuple(replace(i, allocation="fifo") for i in scenario.network.items)
    fifo = replace(scenario, network=replace(scenario.network, items=items))
    ss = np.random.SeedSequence(seed)
    a, b = simulate(scenario, ss, series=False), simulate(fifo, ss, series=False)
    for item in scenario.network.products:
        if item.id in used or item.substitutes or item.demand is None or any(
                c.demand.patience is not None for c in item.demand.customer_classes):
            continue
        p, q = a.products[item.id], b.products[item.id]
        assert (p.ordered_units, p.filled_from_stock_units, p.backorder_units,
                p.shipped_units) == (q.ordered_units, q.filled_from_stock_units,
                                     q.backorder_units, q.shipped_units), item.id
        assert p.backlog_unit_time == pytest.approx(q.backlog_unit_time, rel=1e-9, abs=1e-9)
