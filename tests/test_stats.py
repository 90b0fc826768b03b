"""Statistics on hand-made inputs: intervals, percentiles, the statistic table."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap import stats
from riskmap.sim.results import ProductOutcome
from riskmap.stats import (
    PROPORTION, STATISTICS, Estimate, estimate_mean, estimate_proportion, percentiles,
    ratio_estimate, rounded, statistic, t_interval, wilson_interval)
from riskmap.stats.quantiles import quantile_interval, quantile_min_replications


@pytest.mark.hand
def test_t_interval_by_hand():
    # mean 2, s = 1, t(0.975, 2) = 4.302652729749464
    low, high = t_interval(np.array([1.0, 2.0, 3.0]))
    half = 4.302652729749464 / math.sqrt(3)
    assert low == pytest.approx(2 - half, rel=1e-9)
    assert high == pytest.approx(2 + half, rel=1e-9)


@pytest.mark.hand
def test_t_interval_undefined_for_one_value_and_zero_width_for_constants():
    assert t_interval(np.array([5.0])) == (None, None)
    assert t_interval(np.array([4.0, 4.0, 4.0])) == (4.0, 4.0)


@pytest.mark.hand
def test_wilson_interval_by_hand():
    # 5 of 10: the textbook interval (0.2366, 0.7634), symmetric about 1/2
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.236593, abs=1e-6)
    assert high == pytest.approx(0.763407, abs=1e-6)
    # none of 10: lower bound 0, upper z^2 / (n + z^2)
    low, high = wilson_interval(0, 10)
    z2 = stats.Z95 ** 2
    assert low == 0.0 and high == pytest.approx(z2 / (10 + z2), rel=1e-12)
    low, high = wilson_interval(10, 10)
    assert high == pytest.approx(1.0) and low == pytest.approx(10 / (10 + z2), rel=1e-12)
    assert wilson_interval(0, 0) == (None, None)


@pytest.mark.hand
def test_percentiles_linear_method():
    values = np.arange(1, 11, dtype=float)
    assert percentiles(values) == pytest.approx([5.5, 9.1, 9.55], rel=1e-12)
    assert percentiles(np.array([])) == [None, None, None]


@pytest.mark.hand
def test_estimate_mean_and_to_dict():
    est = estimate_mean(np.array([0.0, 10.0, 20.0, 30.0]), "units")
    assert est.mean == 15.0 and est.n == 4 and est.unit == "units"
    assert est.p50 == 15.0 and est.p90 == pytest.approx(27.0) and est.p95 == pytest.approx(28.5)
    out = est.to_dict()
    assert set(out) == {"mean", "ci95", "n", "unit", "p50", "p90", "p95",
                        "p50_ci95", "p90_ci95", "p95_ci95"}
    assert out["ci95"][0] < 15.0 < out["ci95"][1]
    # P(Bin(4, 0.95) <= 2) = 0.014 <= 0.025: the third value bounds p95 below; nothing
    # bounds it above before 72 values
    assert out["p95_ci95"] == [20.0, None]
    assert Estimate.from_dict(out) == est.rounded()


@pytest.mark.hand
def test_proportion_has_no_percentiles():
    est = estimate_proportion(np.array([True, False, False, True]))
    assert est.mean == 0.5
    assert set(est.to_dict()) == {"mean", "ci95", "n", "unit"}


@pytest.mark.hand
def test_ratio_estimate_pools_units():
    # filled 9 of 10 and 1 of 10 -> pooled 10 / 20 (the per-replication mean is also 0.5)
    # filled 9 of 10 and 1 of 2 -> pooled 10 / 12, per-replication mean 0.7
    est = ratio_estimate(np.array([9, 1]), np.array([10, 2]))
    assert est.mean == pytest.approx(10 / 12)
    low, high = est.ci95
    assert low < est.mean < high
    assert ratio_estimate(np.array([0]), np.array([0])).mean is None


@pytest.mark.hand
def test_rounding_is_fixed_and_never_negative_zero():
    assert rounded(1 / 3) == 0.333333
    assert str(rounded(-1e-12)) == "0.0"
    assert rounded(None) is None


def outcome(ordered, filled, waited, first=None):
    return ProductOutcome(ordered_units=ordered, filled_from_stock_units=filled,
                          backorder_units=waited, backlog_unit_time=2.0 * waited,
                          longest_wait=1.5 if waited else 0.0, lost_units=0,
                          shipped_units=ordered, waiting_units_at_end=0,
                          first_backorder_time=first)


@pytest.mark.hand
def test_product_statistics_on_outcomes():
    outcomes = [outcome(10, 10, 0), outcome(10, 8, 2, first=4.0), outcome(0, 0, 0)]
    fill = statistic("product", "fill_rate")
    values = [fill.value(o) for o in outcomes]
    assert values == [1.0, 0.8, None]
    est = fill.estimate(values)
    assert est.n == 2 and est.mean == pytest.approx(0.9)  # no-order replication left out
    prob = statistic("product", "backorder_probability")
    assert prob.kind == PROPORTION
    assert prob.estimate([prob.value(o) for o in outcomes]).mean == pytest.approx(1 / 3)
    first = statistic("product", "time_to_first_backorder")
    est = first.estimate([first.value(o) for o in outcomes], "week")
    assert est.mean == 4.0 and est.n == 1 and est.unit == "weeks"
    assert statistic("product", "backlog_days").unit_for("day") == "unit-days"


@pytest.mark.hand
def test_every_statistic_names_its_unit_and_spec_names_exist():
    names = {s.name for s in STATISTICS["product"]}
    assert {"fill_rate", "backorder_probability", "backorder_units", "backlog_days",
            "lost_units", "longest_wait", "time_to_first_backorder"} <= names
    for subject, table in STATISTICS.items():
        for stat in table:
            assert stat.unit and stat.description and stat.subject == subject
    with pytest.raises(KeyError):
        statistic("product", "fill_rat")


@pytest.mark.theory
def test_student_t_interval_covers_the_mean_95_percent_of_the_time():
    # 4000 samples of 10 normal values: coverage is binomial(4000, 0.95),
    # sd 0.0034, so 0.95 +- 0.015 is more than 4 standard errors
    rng = np.random.default_rng(2024)
    data = rng.normal(3.0, 2.0, size=(4000, 10))
    covered = 0
    for row in data:
        low, high = t_interval(row)
        covered += low <= 3.0 <= high
    assert abs(covered / 4000 - 0.95) < 0.015


@pytest.mark.theory
def test_wilson_interval_coverage_for_a_rare_event():
    # p = 0.05, n = 50: Wilson keeps coverage near 95 % where the Wald interval does not
    rng = np.random.default_rng(11)
    hits = rng.binomial(50, 0.05, size=4000)
    covered = sum(lo <= 0.05 <= hi for lo, hi in (wilson_interval(int(k), 50) for k in hits))
    assert covered / 4000 > 0.92


@pytest.mark.property
@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_wilson_interval_holds_the_estimate_inside_0_1(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n + 1e-12
    assert k / n - 1e-12 <= high <= 1.0


@pytest.mark.property
@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=2, max_size=50))
def test_t_interval_holds_the_mean(values):
    data = np.array(values)
    low, high = t_interval(data)
    mean = float(np.mean(data))
    tol = 1e-9 * max(1.0, abs(mean))
    assert low - tol <= mean <= high + tol


@pytest.mark.hand
def test_t_intervals_are_not_cut_to_the_range_of_the_statistic():
    # a documented convention: the plain Student t interval, even below 0 units
    units = statistic("product", "lost_units").estimate([0, 0, 0, 30])
    assert units.ci95[0] < 0 < units.mean < units.ci95[1]


@pytest.mark.hand
def test_customer_statistics_on_outcomes():
    # Waits and promises are undefined (left out) where no order waited or no promise
    # was judged; money is always defined.
    waited = ProductOutcome(
        ordered_units=10, filled_from_stock_units=6, backorder_units=4, backlog_unit_time=8.0,
        longest_wait=5.0, lost_units=1, shipped_units=8, waiting_units_at_end=0,
        first_backorder_time=2.0, substituted_units=1, waited_orders=3, wait_mean=3.0,
        wait_p50=2.5, wait_p90=4.6, wait_p95=4.8, promises_judged=4, promises_kept=3,
        eta_slip=1.5, eta_revisions=2, lost_revenue=100.0, lost_margin=30.0,
        backorder_cost=16.0, lost_sale_cost=5.0)
    calm = outcome(10, 10, 0)
    value = {s.name: s.value for s in STATISTICS["product"]}
    assert [value["wait"](o) for o in (waited, calm)] == [3.0, None]
    assert [value["wait_p90"](o) for o in (waited, calm)] == [4.6, None]
    assert [value["eta_kept"](o) for o in (waited, calm)] == [0.75, None]
    assert [value["eta_slip"](o) for o in (waited, calm)] == [1.5, None]
    assert [value["eta_revisions"](o) for o in (waited, calm)] == [2, 0]
    assert [value["substituted_units"](o) for o in (waited, calm)] == [1, 0]
    assert [value["total_cost"](o) for o in (waited, calm)] == [30.0 + 16.0 + 5.0, 0.0]
    assert value["lost_revenue"](waited) == 100.0
    assert statistic("product", "total_cost").unit == "money"
    assert statistic("product", "wait").unit_for("week") == "weeks"
    for name in stats.TOTAL_STATISTICS:
        statistic("product", name)  # every total is a product statistic


# --------------------------------------------------------------------------
# Percentile intervals


@pytest.mark.hand
def test_quantile_interval_small_samples():
    # the textbook case: n = 100, median: ranks 40 and 61
    assert quantile_interval(list(range(1, 101)), 0.5) == (40.0, 61.0)
    # 5 values: P(all above the median) = 1/32 > 2.5%: no bound either side
    assert quantile_interval([1, 2, 3, 4, 5], 0.5) == (-math.inf, math.inf)
    assert quantile_interval([], 0.9) == (-math.inf, math.inf)
    # None (undefined replications) are left out
    assert quantile_interval([None] + list(range(1, 101)), 0.5) == (40.0, 61.0)


@pytest.mark.hand
def test_quantile_min_replications_is_where_the_bound_appears():
    for q in (0.5, 0.9, 0.95):
        n = quantile_min_replications(q)
        values = np.arange(1.0, n + 1.0)
        assert math.isfinite(quantile_interval(values, q)[1])
        assert math.isinf(quantile_interval(values[:-1], q)[1])


@pytest.mark.theory
def test_quantile_interval_covers_at_least_95_percent():
    """Seeded coverage check: 2000 samples of 60 exponentials, true p90 = ln 10."""
    rng = np.random.default_rng(20240601)
    true_p90 = math.log(10.0)
    trials = 2000
    covered = 0
    for _ in range(trials):
        low, high = quantile_interval(rng.exponential(1.0, 60), 0.9)
        covered += low <= true_p90 <= high
    # nominal >= 0.95; three binomial standard errors below it would be 0.935
    assert covered / trials >= 0.95 - 3 * math.sqrt(0.95 * 0.05 / trials)


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=200),
       st.sampled_from([0.5, 0.9, 0.95]))
def test_quantile_interval_brackets_the_sample_percentile(values, q):
    low, high = quantile_interval(values, q)
    point = float(np.percentile(values, 100 * q))
    assert low <= point <= high
    assert low == -math.inf or low in values
    assert high == math.inf or high in values


@pytest.mark.hand
def test_estimates_carry_their_percentile_intervals():
    units = estimate_mean(np.arange(1.0, 101.0), "units")
    assert units.p50_ci95 == (40.0, 61.0)
    assert units.p90_ci95 is not None and units.p95_ci95 is not None
    assert estimate_proportion(np.array([True] * 100)).p50_ci95 is None
