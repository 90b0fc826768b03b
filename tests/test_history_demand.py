"""Demand fitted from sales history: hand-computed fits, known parameters recovered, the page.

The synthetic histories come from riskmap.testing.sales (Poisson order lines per
day with known rate, factors and trend), so every check knows the truth. Counts
are Poisson, so the standard errors below are exact (rate) or first-order delta
method (factors); the tolerances are normal quantiles at tests/tolerance.py's
false-alarm rate, Bonferroni-corrected over the quantities checked together.
"""

from __future__ import annotations

import datetime
import math
import random

import numpy as np
import pytest
from scipy import stats

from riskmap.dists import Constant, Empirical, Poisson
from riskmap.history import fit_demand, fit_page
from riskmap.history.demand import SIGNIFICANCE
from riskmap.history.sizes import drawn_mean, fit_sizes
from riskmap.testing.sales import SalesPattern, sales_history
from tests.tolerance import FALSE_ALARM, normal_tolerance

D = datetime.date
FIRST, LAST = D(2023, 1, 2), D(2024, 12, 29)  # a Monday to a Sunday: 104 whole weeks
SPRING = (0.5, 0.7, 1.2, 1.6, 1.6, 1.3, 1.1, 1.0, 1.0, 0.9, 0.6, 0.5)
WORKWEEK = (1.6, 1.1, 1.0, 1.1, 1.7, 0.5, 0.0)


def history(pattern: SalesPattern, seed: int, first=FIRST, last=LAST):
    lines = sales_history({"p": pattern}, first=first, last=last, seed=seed)
    return [(d, q) for d, _, q in lines]


def fit(pattern: SalesPattern, seed: int, first=FIRST, last=LAST):
    return fit_demand(history(pattern, seed, first, last), first=first, last=last, product="p")


def days(first, last) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


# --------------------------------------------------------------------------- hand


@pytest.mark.hand
def test_two_orders_in_ten_days():
    f = fit_demand([(D(2024, 1, 3), 2), (D(2024, 1, 1), 2)], first=D(2024, 1, 1),
                   last=D(2024, 1, 10), product="p")
    assert f.demand_mapping() == {"rate": 0.2, "size": 2}
    assert (f.days, f.orders, f.units, f.order_days) == (10, 2, 4, 2)
    assert f.month is None and f.weekday is None and f.backtest is None
    assert not f.trend_kept


@pytest.mark.hand
def test_a_shop_that_sells_only_on_mondays():
    # 16 weeks from Monday 2024-01-01, one order each Monday: the weekday effect is
    # Monday 7 (its share of the week), the rest 0, and the rate 16 orders over the
    # 16 x 7 factor-days = 1/7 a day. The backtest forecasts 1 a week and sees 1 a week.
    first, last = D(2024, 1, 1), D(2024, 4, 21)
    orders = [(d, 1) for d in days(first, last) if d.weekday() == 0]
    f = fit_demand(orders, first=first, last=last, product="p")
    assert f.seasonality is not None and f.seasonality.by == "weekday"
    assert f.seasonality.factors == (7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert f.rate == pytest.approx(1 / 7)
    assert f.backtest.forecast == pytest.approx((1.0,) * 8)
    assert f.backtest.actual == (1,) * 8
    assert (f.wape, f.bias) == (0.0, 0.0)
    assert f.mase is None  # the in-sample weekly history is flat: no naive error to scale by


@pytest.mark.hand
def test_backtest_figures_by_hand():
    # 16 weeks from a Monday, alternating weeks of 1 and 2 orders a day (size 1). The fit on
    # the first 8 weeks has no weekday or trend effect: 1.5 a day, 10.5 a week. The last 8
    # weeks sell 7, 14, 7, 14, ...: every error is 3.5, so WAPE 28 / 84, bias 0; the in-sample
    # weekly units 7, 14, ... change by 7 a week, so MASE 3.5 / 7.
    first, last = D(2024, 1, 1), D(2024, 4, 21)
    orders = []
    for i, d in enumerate(days(first, last)):
        orders += [(d, 1)] * (1 if (i // 7) % 2 == 0 else 2)
    f = fit_demand(orders, first=first, last=last)
    b = f.backtest
    assert b.start == D(2024, 2, 26)
    assert b.actual == (7, 14) * 4
    assert b.forecast == pytest.approx((10.5,) * 8)
    assert b.wape == pytest.approx(28 / 84)
    assert b.mase == pytest.approx(0.5)
    assert b.bias == pytest.approx(0.0, abs=1e-9)
    assert f.rate == pytest.approx(168 / 112)


@pytest.mark.hand
def test_order_size_rules():
    assert fit_sizes([3, 3, 3]).spec == 3
    rich = [1] * 200 + [2] * 60 + [4] * 40
    assert fit_sizes(rich).spec == {"dist": "empirical", "values": [1, 2, 4],
                                    "weights": [200, 60, 40]}
    few = [1, 1, 2, 4, 7]  # five lines: two moments, not five frequencies
    s = fit_sizes(few)
    assert s.rule == "gamma" and s.mean == 3.0
    # Drawn as the engine draws (rounded, at least 1), the fitted size has the history's mean.
    assert drawn_mean(s.spec["mean"], s.spec["sd"]) == pytest.approx(3.0, abs=2e-3)
    # Many distinct quantities: gamma again, even with many lines.
    spread = list(range(1, 101)) * 3
    assert fit_sizes(spread).rule == "gamma"


@pytest.mark.hand
def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="before the first"):
        fit_demand([], first=D(2024, 1, 2), last=D(2024, 1, 1))
    with pytest.raises(ValueError, match="outside the span"):
        fit_demand([(D(2025, 1, 1), 1)], first=D(2024, 1, 1), last=D(2024, 1, 9))
    with pytest.raises(ValueError, match="whole number >= 1"):
        fit_demand([(D(2024, 1, 1), 0)], first=D(2024, 1, 1), last=D(2024, 1, 9))
    # No orders at all: a rate of 0, written as such.
    assert fit_demand([], first=D(2024, 1, 1), last=D(2024, 1, 9)).demand_mapping() == \
        {"rate": 0.0, "size": 1}


# --------------------------------------------------------------------------- theory


def _rate_tolerance(rate: float, n_days: int, checks: int = 1) -> float:
    """The rate's estimate is Poisson(rate x days) / days: sd sqrt(rate / days)."""
    return normal_tolerance(math.sqrt(rate / n_days), FALSE_ALARM / checks)


@pytest.mark.theory
@pytest.mark.parametrize("rate", [3.0, 0.1], ids=["regular", "intermittent"])
def test_the_rate_is_recovered_within_its_standard_error(rate):
    n_days = (LAST - FIRST).days + 1
    for seed in range(5):
        f = fit(SalesPattern(rate), seed)
        assert abs(f.rate - rate) <= _rate_tolerance(rate, n_days, 5), (seed, f.rate)
        assert f.rate == pytest.approx(f.orders / n_days)  # orders per day, zeros included
    if rate < 1:
        # Intermittent: about 90 % of days have no order, and the rate is still per day.
        assert 1 - f.order_days / f.days > 0.85


@pytest.mark.theory
def test_monthly_seasonality_is_found_and_its_factors_recovered():
    rate, n_days = 6.0, (LAST - FIRST).days + 1
    truth = np.array(SPRING)
    for seed in range(3):
        f = fit(SalesPattern(rate, month=SPRING), seed)
        assert f.seasonality is not None and f.seasonality.by == "month", seed
        assert f.month.test.p_value < 1e-6
        # Factor m is about N_m / E_m over the mean rate: relative sd 1 / sqrt(N_m), N_m the
        # expected orders of month m over the history (a first-order delta method; the mean
        # rate's own error adds 1/12 of that variance, hence the factor sqrt(13 / 12)).
        expected_orders = rate * truth * n_days / 12
        sd = truth / np.sqrt(expected_orders) * math.sqrt(13 / 12)
        got = np.array(f.seasonality.factors)
        for m in range(12):
            assert abs(got[m] - truth[m]) <= normal_tolerance(sd[m], FALSE_ALARM / 36), (seed, m)
        assert abs(f.rate - rate) <= _rate_tolerance(rate, n_days, 3) * 1.1


@pytest.mark.theory
def test_weekday_seasonality_is_found_in_half_a_year():
    f = fit(SalesPattern(2.0, weekday=WORKWEEK), 4, first=D(2024, 1, 1), last=D(2024, 6, 30))
    assert f.seasonality is not None and f.seasonality.by == "weekday"
    assert f.month is None  # half a year: the month of the year is not tested
    assert f.seasonality.factors[6] == 0.0  # no order on a Sunday
    assert f.seasonality.factors[4] == pytest.approx(1.7, abs=0.35)


@pytest.mark.theory
def test_both_patterns_keep_the_month_and_report_the_weekday():
    # The weekday pattern is the more significant here, but it changes no week's total: the
    # month of the year is kept, the weekday reported.
    f = fit(SalesPattern(6.0, month=SPRING, weekday=WORKWEEK), 2)
    assert f.month.test.significant(SIGNIFICANCE) and f.weekday.test.significant(SIGNIFICANCE)
    assert f.weekday.test.log_p < f.month.test.log_p
    assert f.seasonality.by == "month"
    lines = "\n".join(f.describe())
    assert "seasonality by weekday: also significant" in lines


@pytest.mark.theory
def test_flat_histories_show_no_seasonality_at_the_stated_rate():
    # Under a constant rate each test fires with probability SIGNIFICANCE (0.01), so one of
    # the month and weekday tests with probability at most 0.02: over 100 seeds, more than
    # the binomial quantile of 1 - 1e-4 would say the tests are too eager.
    seeds = 100
    found = trend = 0
    for seed in range(seeds):
        f = fit(SalesPattern(2.0), 1000 + seed, first=D(2023, 1, 1), last=D(2024, 1, 31))
        found += f.seasonality is not None
        trend += f.trend_kept
    limit = stats.binom.isf(FALSE_ALARM, seeds, 2 * SIGNIFICANCE)
    assert found <= limit, found
    assert trend <= stats.binom.isf(FALSE_ALARM, seeds, SIGNIFICANCE), trend


@pytest.mark.theory
@pytest.mark.parametrize("weekday", [None, WORKWEEK], ids=["flat", "no-sunday-sales"])
def test_a_trend_is_found_and_the_rate_is_the_last_level(weekday):
    # With WORKWEEK the last day (a Sunday) sells nothing: the level is still the rate's.
    rate, growth = 4.0, 0.5  # +50 % a year
    f = fit(SalesPattern(rate, trend=growth, weekday=weekday), 7)
    assert (f.seasonality is not None) == (weekday is not None)
    assert f.trend_kept
    assert f.trend_per_year == pytest.approx(growth, abs=0.15)
    end = rate * (1 + growth) ** ((LAST - FIRST).days / 365.2425)
    # The level on the last day, from a log-linear fit of 728 days: its relative sd is
    # about sqrt(4 / N) (the end point of a regression line, N orders).
    assert abs(f.rate / end - 1) <= normal_tolerance(math.sqrt(4 / f.orders))
    assert any("riskmap has no trend key" in line for line in f.describe())


@pytest.mark.theory
def test_sizes_rich_and_sparse():
    sizes = Empirical((1.0, 2.0, 4.0), (0.6, 0.3, 0.1))
    rich = fit(SalesPattern(3.0, size=sizes), 5)
    assert rich.size.rule == "empirical"
    weights = np.array(rich.size.spec["weights"]) / rich.orders
    for w, p in zip(weights, (0.6, 0.3, 0.1)):
        assert abs(w - p) <= normal_tolerance(math.sqrt(p * (1 - p) / rich.orders),
                                              FALSE_ALARM / 3)
    sparse = fit(SalesPattern(0.02, size=Poisson(6.0)), 5)  # about 15 lines in two years
    assert sparse.size.rule == "gamma"
    assert sparse.size.drawn_mean == pytest.approx(sparse.size.mean, rel=5e-3)
    assert fit(SalesPattern(1.0, size=Constant(3)), 5).demand_mapping()["size"] == 3


# --------------------------------------------------------------------------- property


@pytest.mark.property
def test_the_fit_does_not_depend_on_the_order_of_the_lines():
    lines = history(SalesPattern(3.0, month=SPRING), 11)
    shuffled = list(lines)
    random.Random(3).shuffle(shuffled)
    a = fit_demand(lines, first=FIRST, last=LAST, product="p")
    b = fit_demand(shuffled, first=FIRST, last=LAST, product="p")
    assert a.demand_mapping() == b.demand_mapping() and a.describe() == b.describe()
    assert fit_page({"p": a}, "t") == fit_page({"p": b}, "t")


@pytest.mark.property
def test_the_written_demand_validates(tmp_path):
    import yaml

    from riskmap.load import load_network

    for pattern in (SalesPattern(3.0, month=SPRING), SalesPattern(0.1, size=Poisson(3.0)),
                    SalesPattern(2.0, weekday=WORKWEEK)):
        demand = fit(pattern, 1).demand_mapping()
        net = {"riskmap": 1, "products": [{"id": "p", "demand": demand}]}
        path = tmp_path / "net.yaml"
        path.write_text(yaml.safe_dump(net), encoding="utf-8")
        assert load_network(str(path)).item("p").demand.rate == demand["rate"]


@pytest.mark.property
def test_sales_history_is_seeded_and_products_are_independent():
    one = sales_history({"a": SalesPattern(2.0)}, first=FIRST, last=LAST, seed=9)
    two = sales_history({"a": SalesPattern(2.0), "b": SalesPattern(5.0)}, first=FIRST,
                        last=LAST, seed=9)
    assert one == [line for line in two if line[1] == "a"]
    assert one != sales_history({"a": SalesPattern(2.0)}, first=FIRST, last=LAST, seed=10)


# --------------------------------------------------------------------------- the page


@pytest.mark.hand
def test_the_page_escapes_names_and_loads_nothing():
    evil = '<script>alert("x")</script>&"\u202e'
    fits = {evil: fit(SalesPattern(2.0, month=SPRING), 1),
            "plain": fit(SalesPattern(0.5), 2)}
    page = fit_page(fits, title=f"Fit of {evil}")
    assert "<script" not in page and "</script" not in page
    assert "&lt;script&gt;" in page and "\u202e" not in page
    for external in ("src=", "href=", "<link", "url(", "@import", "http://", "https://"):
        assert external not in page.replace('xmlns="http://www.w3.org/2000/svg"', ""), external
    assert page.count("<svg") == 2 and page.index("plain") > page.index("&lt;script")
    # One polyline of fitted weekly units per product, and the backtest's forecast.
    assert page.count("<polyline") == 4


# --------------------------------------------------------------------------- the bundled example


@pytest.mark.golden
def test_the_bundled_sales_are_what_the_script_writes_and_show_the_spring_peak():
    import csv
    import importlib.util
    from collections import defaultdict
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "scenarios" / "import"
    spec = importlib.util.spec_from_file_location("make_sales", root / "make_sales.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    text = (root / "ebike" / "sales.csv").read_text(encoding="utf-8")
    assert text == script.sales_csv(), "run python scenarios/import/make_sales.py"
    lines = defaultdict(list)
    for row in csv.DictReader(text.splitlines()):
        lines[row["product"]].append((D.fromisoformat(row["date"]), int(row["quantity"])))
    assert sorted(lines) == sorted(script.patterns())
    city = fit_demand(lines["city-ebike"], first=script.FIRST, last=script.LAST)
    assert city.seasonality.by == "month" and city.weekday.test.significant(SIGNIFICANCE)
    factors = city.seasonality.factors
    assert max(factors) in factors[3:6] and min(factors) in (factors[0], factors[1], factors[11])
