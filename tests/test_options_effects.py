"""Paired effects (riskmap.options.effects): pairing, the Welch comparison, the fill-rate rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap.dists import Empirical
from riskmap.model import Demand, Policy
from riskmap.options import effects
from riskmap.run.montecarlo import run_scenario
from riskmap.sim.results import ProductOutcome, fill_rate
from riskmap.stats import statistic
from tests.test_options_support import evaluated, pump_network, pump_scenario, row


@pytest.mark.hand
def test_paired_effect_of_identical_runs_is_exactly_zero():
    baseline = run_scenario(pump_scenario(), workers=1)
    effect = effects.paired_effect(baseline.samples, baseline.samples)
    assert effect.backorder_units_avoided.mean == 0.0
    assert effect.changed_replications == 0
    assert not effect.significant


@pytest.mark.hand
def test_pairing_narrows_the_interval():
    # Lumpy orders over a long horizon: most of the variation in backorders comes from
    # demand, which both arms share; the alternate's effect is nearly the same in every
    # replication, so the paired interval is much narrower than the unpaired one.
    network = pump_network()
    lumpy = Demand(rate=1.0, size=Empirical((1.0, 2.0, 6.0), (6.0, 3.0, 1.0)))
    items = tuple(dataclasses.replace(i, demand=lumpy, policy=Policy("base_stock", level=6))
                  if i.id == "pump" else i for i in network.items)
    _, tables = evaluated(pump_scenario(network=dataclasses.replace(network, items=items),
                                        horizon=360.0))
    effect = row(tables, "valve-mx").effect
    low, high = effect.backorder_units_avoided.ci95
    unpaired_low, unpaired_high = effect.unpaired_ci95
    # same runs, same mean; the paired interval removes the variation that
    # both arms share (demand, disaster timing)
    assert (high - low) < 0.5 * (unpaired_high - unpaired_low)


@pytest.mark.hand
def test_unpaired_interval_is_welch():
    better = np.array([1.0, 2.0, 3.0, 4.0])
    worse = np.array([3.0, 5.0, 4.0, 8.0])
    low, high = effects.unpaired_interval(better, worse)
    assert (low + high) / 2 == pytest.approx(2.5)
    # Welch: se = sqrt(var(worse)/4 + var(better)/4)
    se = np.sqrt(np.var(worse, ddof=1) / 4 + np.var(better, ddof=1) / 4)
    assert 2 * se < (high - low) / 2 < 4 * se


@pytest.mark.hand
def test_paired_estimate_leaves_undefined_pairs_out():
    est = effects.paired_estimate(np.array([0.1, np.nan, 0.3]), "ratio")
    assert est.n == 2 and est.mean == pytest.approx(0.2)


def outcome(ordered: int, filled: int) -> ProductOutcome:
    return ProductOutcome(ordered_units=ordered, filled_from_stock_units=filled,
                          backorder_units=ordered - filled, backlog_unit_time=0.0,
                          longest_wait=0.0, lost_units=0, shipped_units=ordered,
                          waiting_units_at_end=0, first_backorder_time=None)


@pytest.mark.property
@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**6).flatmap(
    lambda ordered: st.tuples(st.just(ordered), st.integers(min_value=0, max_value=ordered))),
    min_size=1, max_size=20))
def test_one_fill_rate_rule_for_records_statistics_and_effects(pairs):
    # undefined without orders everywhere: None for a replication, NaN in the
    # per-replication arrays of the effects, left out of every estimate
    records = [outcome(ordered, filled) for ordered, filled in pairs]
    rule = [fill_rate(filled, ordered) for ordered, filled in pairs]
    assert [r.fill_rate for r in records] == rule
    assert [statistic("product", "fill_rate").value(r) for r in records] == rule
    arrays = effects.fill_rates(np.array([f for _, f in pairs], dtype=float),
                                np.array([o for o, _ in pairs], dtype=float))
    assert [None if np.isnan(v) else float(v) for v in arrays] == rule
    assert all((v is None) == (o == 0) for v, (o, _) in zip(rule, pairs))
