"""Alert scores on random small networks and scenarios (hypothesis), against brute force."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.alerts import rule_plans, score_replication
from riskmap.alerts.measures import replenishment_lead_times
from riskmap.model import Alert
from riskmap.sim.engine import simulate
from tests.test_sim_properties import scenarios

pytestmark = pytest.mark.property


@st.composite
def alerted(draw):
    """A random scenario with one random rule on each of its items."""
    scenario = draw(scenarios())
    leads = replenishment_lead_times(scenario.network)
    rules = []
    for k, item in enumerate(scenario.network.items):
        window = draw(st.sampled_from([None, 2.0, 7.5]))
        if window is None and leads[item.id] <= 0:
            window = 3.0
        rules.append(Alert(f"a{k}", item.id, below=float(draw(st.integers(0, 8))),
                           measure=draw(st.sampled_from(["on_hand", "position",
                                                         "days_of_cover"])),
                           window=window))
    return dataclasses.replace(scenario, alerts=tuple(rules))



@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=alerted(), seed=st.integers(0, 2**32 - 1))
def test_scores_agree_with_brute_force_and_no_warning_counts_twice(scenario, seed):
    result = simulate(scenario, np.random.SeedSequence(seed), series=True)
    plain = simulate(dataclasses.replace(scenario, alerts=()), np.random.SeedSequence(seed),
                     series=True)
    # watching changes nothing in the run
    assert result.products == plain.products and result.events == plain.events
    outcomes = score_replication(rule_plans(scenario), result)
    for plan in rule_plans(scenario):
        out = outcomes[plan.id]
        trace = result.traces[plan.alert.item]
        # the trace agrees with the integer-time series of the engine
        for k, on_hand in enumerate(result.on_hand[plan.alert.item]):
            j = int(np.searchsorted(trace.times, k, side="right")) - 1
            assert trace.on_hand[j] == on_hand
            assert bool(trace.waiting[j]) == (result.backlog[plan.alert.item][k] > 0)
        values = plan.values(trace.on_hand, trace.position)
        below, window = plan.alert.below, plan.window
        # each warning: under below at its time, at or above it at the point before
        for w in out.warning_times:
            k = int(np.searchsorted(trace.times, w))
            assert trace.times[k] == w and values[k] < below
            assert k == 0 or values[k - 1] >= below
        # between two warnings the measure was back at or above below (re-armed)
        for w0, w1 in zip(out.warning_times, out.warning_times[1:]):
            inside = (trace.times > w0) & (trace.times < w1)
            assert (values[inside] >= below).any()
        spans = out.episode_spans
        assert all(s < e <= scenario.horizon for s, e in spans)
        assert all(e0 <= s1 for (_, e0), (s1, _) in zip(spans, spans[1:]))
        # brute force: episodes warned of, their lead times, false alarms
        warned, lead_total, used = 0, 0.0, set()
        for j, (start, _) in enumerate(spans):
            earliest = max(spans[j - 1][1] if j else -np.inf, start - window)
            hits = [w for w in out.warning_times if earliest <= w < start]
            assert not used.intersection(hits)  # no warning warns of two episodes
            used.update(hits)
            if start >= scenario.warmup:
                if hits:
                    warned += 1
                    lead_total += start - hits[0]
                    assert 0 < start - hits[0] <= window
        false = 0
        for w in out.warning_times:
            during = any(s <= w < e for s, e in spans)
            followed = any(0 < s - w <= window for s, _ in spans)
            if not during and not followed and scenario.warmup <= w <= scenario.horizon - window:
                false += 1
        assert out.episodes == sum(s >= scenario.warmup for s, _ in spans)
        assert (out.warned, out.false_alarms) == (warned, false)
        assert out.lead_time_total == pytest.approx(lead_total)
        if out.warned_share is not None:
            assert 0.0 <= out.warned_share <= 1.0
        assert len(out.false_alarms_by_level) == len(out.in_time_by_level) == len(plan.levels)
        assert all(0 <= n <= out.episodes for n in out.in_time_by_level)
