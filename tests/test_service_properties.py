"""Updates and inquiries on random networks: no contact from an order that was never late."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.model import Inquiries, Network, Updates
from riskmap.sim.engine import simulate
from riskmap.sim.orders import late
from tests.test_customers_properties import with_substitutes

pytestmark = pytest.mark.property


@st.composite
def with_service(draw):
    """A random scenario whose products may send updates and field inquiries."""
    scenario = draw(with_substitutes())
    items = []
    for item in scenario.network.items:
        if item.is_product and draw(st.booleans()):
            every = draw(st.sampled_from([None, 1.0, 3.0]))
            item = replace(item, updates=Updates(every, every is None or draw(st.booleans())),
                           inquiries=Inquiries(draw(st.sampled_from([0.5, 5.0])),
                                               draw(st.sampled_from([0.0, 1.0, 2.5]))))
        items.append(item)
    network = scenario.network
    return replace(scenario, network=Network(network.name, network.time_unit, network.regions,
                                             network.suppliers, tuple(items)))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_service(), seed=st.integers(0, 2**32 - 1))
def test_no_inquiry_from_an_order_that_was_never_late(scenario, seed):
    result = simulate(scenario, np.random.SeedSequence(seed), orders=True)
    for item in scenario.network.products:
        if item.updates is None and item.inquiries is None:
            assert item.id not in result.service
            continue
        figures = result.service[item.id]
        rows = [r for r in result.orders if r.product == item.id and r.record_type == "backorder"]
        assert sum(r.inquiries for r in rows) == figures.inquiries
        assert sum(r.updates for r in rows) == figures.updates_sent
        assert figures.inquiries_peak_day <= figures.inquiries
        for r in rows:
            end = r.filled_at if r.filled_at is not None else (
                r.cancelled_at if r.cancelled_at is not None else scenario.horizon)
            was_late = r.revisions > 0 or (r.promised_at is not None and late(end, r.promised_at))
            if not was_late:
                assert r.inquiries == 0, r
            if r.promised_at is None:
                assert r.inquiries == 0 and r.revisions == 0, r
        # missed updates are passed dates, at most one per revision and one at the end
        assert figures.updates_missed <= sum(r.revisions + 1 for r in rows if r.promised_at)
