"""Seasonal demand: the calendar, the exact arrival times, counts against theory, the file key.

Counts per calendar period of a non-homogeneous Poisson process are independent
Poisson variables with mean the integrated rate (Cinlar 1975, ch. 4), so the
theory checks know the variance exactly and derive their tolerances from it.
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from riskmap.cli.main import main
from riskmap.dists import Constant
from riskmap.model import Demand, Disruption, Item, Network, Scenario, Seasonality, Target
from riskmap.season import DAYS_PER_UNIT, factor_step, mean_factor
from riskmap.sim.demand import Arrivals
from riskmap.sim.engine import simulate
from riskmap.sim.streams import Streams
from tests.tolerance import FALSE_ALARM, normal_tolerance

# Jan 0.5, Feb 2, Dec 0.5, the rest 1: binary-exact numbers that average exactly 1.
WINTER = Seasonality("month", (0.5, 2.0) + (1.0,) * 9 + (0.5,))
JAN_30 = datetime.date(2024, 1, 30)


def arrivals(demand, horizon, season=None, surges=(), seed=0, name="demand:p"):
    """Every arrival time of one replication before ``horizon``."""
    stream = Arrivals(demand, surges, Streams(np.random.SeedSequence(seed)), name, horizon,
                      season)
    out = []
    while (t := stream.next()) < math.inf:
        out.append(t)
    return out


def orders(network, horizon, disruptions=()):
    log: list = []
    scenario = Scenario("season", network, horizon=horizon, disruptions=tuple(disruptions))
    simulate(scenario, np.random.SeedSequence(0), log=log)
    return [e[0] for e in log if e[1] == "order"]


def seasonal_network(demand, start=JAN_30, time_unit="day"):
    item = Item("p", "product", stock=10**9, demand=demand)
    return Network("n", time_unit=time_unit, items=(item,), start=start)


# --------------------------------------------------------------------------- hand


@pytest.mark.hand
def test_month_edges_follow_the_calendar_through_a_leap_february():
    # From 2023-12-15: Jan 1 is day 17, Feb 1 day 48, Mar 1 2024 day 77 (29 days of Feb).
    season = Seasonality("month", tuple(float(m) for m in range(1, 13)))
    step = factor_step(season, datetime.date(2023, 12, 15), "day", 80.0)
    assert step.times[1:] == [17.0, 48.0, 77.0]
    mean = 6.5
    assert step.values == [12 / mean, 1 / mean, 2 / mean, 3 / mean]
    # The same calendar in hours and in weeks.
    hours = factor_step(season, datetime.date(2023, 12, 15), "hour", 80.0 * 24)
    assert hours.times[1:] == [17.0 * 24, 48.0 * 24, 77.0 * 24]
    weeks = factor_step(season, datetime.date(2023, 12, 15), "week", 80.0 / 7)
    assert weeks.times[1:] == [17.0 / 7, 48.0 / 7, 77.0 / 7]


@pytest.mark.hand
def test_weekday_edges_start_on_the_start_dates_weekday():
    # 2024-01-03 is a Wednesday: Wed, Thu at 1, Fri at 2, Sat at 3 (equal weekend merged).
    season = Seasonality("weekday", (1.0, 1.0, 1.2, 1.2, 1.6, 0.5, 0.5))
    step = factor_step(season, datetime.date(2024, 1, 3), "day", 6.0)
    assert step.times[1:] == [2.0, 3.0, 5.0]
    assert step.values == [1.2, 1.6, 0.5, 1.0]


@pytest.mark.hand
def test_interval_orders_speed_up_through_a_month_boundary():
    # interval 1 from 2024-01-30: factor 0.5 over Jan 30-31 ([0, 2)) brings base time 1
    # to t = 2, exactly at Feb 1; February's factor 2 then halves every gap.
    net = seasonal_network(Demand(interval=Constant(1), seasonality=WINTER))
    assert orders(net, 6.0) == [2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5]


@pytest.mark.hand
def test_a_surge_multiplies_on_top_of_the_season():
    # A surge of 2 over [3, 4) in February: factor 4 there. F(2) = 1, F(3) = 3, F(4) = 7,
    # then slope 2: base times 1..10 arrive at the times below.
    net = seasonal_network(Demand(interval=Constant(1), seasonality=WINTER))
    surge = Disruption("rush", "demand_surge", Target("product", "p"), at=Constant(3),
                       duration=Constant(1), factor=2.0)
    assert orders(net, 6.0, [surge]) == [2.0, 2.5, 3.0, 3.25, 3.5, 3.75, 4.0, 4.5, 5.0, 5.5]


@pytest.mark.hand
def test_poisson_arrivals_are_the_base_draws_through_the_integrated_rate():
    # The base process draws its exponential gaps on the stream demand:p; the seasonal
    # arrival is F^-1 of each base time, F(t) = 0.5 t before t = 2 and 1 + 2 (t - 2) after
    # (until March 1, t = 31).
    rate = 3.0
    got = arrivals(Demand(rate=rate), 10.0, factor_step(WINTER, JAN_30, "day", 10.0))
    rng = Streams(np.random.SeedSequence(0)).rng("demand:p")
    base = np.cumsum(rng.exponential(1.0 / rate, 16))
    expected = [g / 0.5 if g <= 1.0 else 2.0 + (g - 1.0) / 2.0 for g in base]
    expected = [t for t in expected if t < 10.0]
    assert got[:len(expected)] == pytest.approx(expected, abs=1e-12)
    assert sum(1 for t in got if t < 2.0) == sum(1 for g in base if g < 1.0)


@pytest.mark.hand
def test_a_closed_month_takes_no_orders():
    closed = Seasonality("month", (0.0,) + (12 / 11,) * 11)  # no orders in January
    got = arrivals(Demand(rate=5.0), 60.0,
                   factor_step(closed, datetime.date(2024, 1, 1), "day", 60.0))
    assert got and min(got) >= 31.0
    # Closed beyond the horizon: nothing arrives, no division by zero.
    assert arrivals(Demand(rate=5.0), 20.0,
                    factor_step(closed, datetime.date(2024, 1, 1), "day", 20.0)) == []


@pytest.mark.hand
def test_mean_factor_over_a_window_is_the_integral():
    # Over [0, 6) from Jan 30: 2 days at 0.5 and 4 at 2.
    assert mean_factor(WINTER, JAN_30, "day", 0.0, 6.0) == pytest.approx((1.0 + 8.0) / 6.0)
    assert mean_factor(None, JAN_30, "day", 0.0, 6.0) == 1.0
    # In the long run months weigh by their mean length.
    expected = (0.5 * 31 + 2 * 28.2425 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30
                + 0.5 * 31) / 365.2425
    assert WINTER.long_run_factor == pytest.approx(expected)
    assert Demand(rate=2.0, seasonality=WINTER).mean_rate == pytest.approx(2.0 * expected)


@pytest.mark.hand
def test_the_work_estimate_counts_the_orders_of_the_horizons_season():
    from riskmap.run.workload import order_rate

    net = seasonal_network(Demand(rate=2.0, seasonality=WINTER))
    scenario = Scenario("s", net, horizon=6.0)
    assert order_rate(scenario, net.item("p")) == pytest.approx(2.0 * 9.0 / 6.0)


# --------------------------------------------------------------------------- theory


def _counts_per_period(times_per_rep, edges):
    """Counts of each replication's arrivals in each ``[edges[k], edges[k + 1])``."""
    return np.array([np.histogram(times, bins=edges)[0] for times in times_per_rep])


def _check_poisson_counts(counts, means, alpha):
    """Each period's counts: mean and variance those of Poisson(mean), tolerances exact."""
    reps = counts.shape[0]
    for k, mu in enumerate(means):
        column = counts[:, k]
        assert abs(column.mean() - mu) <= normal_tolerance(math.sqrt(mu / reps), alpha), k
        # Var(s^2) = mu4 / n - sigma^4 (n - 3) / (n (n - 1)); Poisson: mu4 = mu + 3 mu^2.
        var_s2 = (mu + 3 * mu * mu) / reps - mu * mu * (reps - 3) / (reps * (reps - 1))
        assert abs(column.var(ddof=1) - mu) <= normal_tolerance(math.sqrt(var_s2), alpha), k


@pytest.mark.theory
def test_monthly_counts_are_poisson_with_the_integrated_rate():
    factors = (0.6, 0.7, 1.3, 1.6, 1.4, 1.1, 0.9, 0.8, 1.0, 0.9, 0.8, 0.9)
    season = Seasonality("month", factors)
    start, rate, horizon, reps = datetime.date(2023, 1, 1), 2.0, 365.0, 400
    step = factor_step(season, start, "day", horizon)
    edges = [0.0] + [t for t in step.times[1:]] + [horizon]
    days = np.diff(edges)
    assert len(days) == 12 and list(days[:3]) == [31, 28, 31]
    norm = season.normalised
    means = [rate * d * f for d, f in zip(days, norm)]
    runs = [arrivals(Demand(rate=rate), horizon, step, seed=s) for s in range(reps)]
    counts = _counts_per_period(runs, edges)
    _check_poisson_counts(counts, means, FALSE_ALARM / 12)
    # The ratio of the months' counts is the ratio of their factors: given the total,
    # pooled counts are multinomial with shares d_m f_m (chi-square, 11 degrees of freedom).
    pooled = counts.sum(axis=0)
    shares = np.array(means) / sum(means)
    expected = shares * pooled.sum()
    chi2 = float(np.sum((pooled - expected) ** 2 / expected))
    assert chi2 <= stats.chi2.ppf(1 - FALSE_ALARM, 11), chi2
    # And the factors come back within their standard errors (Poisson: sqrt(N) / exposure).
    fitted = pooled / (rate * days * reps)
    se = np.sqrt(pooled) / (rate * days * reps)
    for f, got, s in zip(norm, fitted, se):
        assert abs(got - f) <= normal_tolerance(s, FALSE_ALARM / 12)


@pytest.mark.theory
def test_weekday_counts_in_hours_follow_the_factors():
    # time_unit hour: a day is 24 time units; 2024-01-01 is a Monday; eight weeks.
    factors = (1.2, 1.1, 1.0, 1.0, 1.3, 0.8, 0.6)
    season = Seasonality("weekday", factors)
    rate, weeks, reps = 0.25, 8, 300  # orders per hour
    horizon = weeks * 7 * 24.0
    step = factor_step(season, datetime.date(2024, 1, 1), "hour", horizon)
    runs = [arrivals(Demand(rate=rate), horizon, step, seed=s) for s in range(reps)]
    # Count by weekday over all weeks: day k of the run is weekday k mod 7.
    counts = np.array([np.bincount((np.asarray(t) // 24).astype(int) % 7, minlength=7)
                       for t in runs])
    norm = season.normalised
    means = [rate * 24 * weeks * f for f in norm]
    _check_poisson_counts(counts, means, FALSE_ALARM / 7)


@pytest.mark.theory
def test_seasonal_orders_in_the_engine_total_the_integrated_rate():
    # Through simulate(): the ordered units over the horizon are Poisson with mean
    # rate x integral of the factor (order size 1).
    season = Seasonality("month", (0.6, 0.7, 1.3, 1.6, 1.4, 1.1, 0.9, 0.8, 1.0, 0.9, 0.8, 0.9))
    net = seasonal_network(Demand(rate=1.5, seasonality=season),
                           start=datetime.date(2023, 2, 10))
    horizon, reps = 200.0, 60
    scenario = Scenario("s", net, horizon=horizon)
    children = np.random.SeedSequence(3).spawn(reps)
    counts = [simulate(scenario, children[i], i, series=False).products["p"].ordered_units
              for i in range(reps)]
    mean = 1.5 * horizon * mean_factor(season, net.start, "day", 0.0, horizon)
    assert abs(np.mean(counts) - mean) <= normal_tolerance(math.sqrt(mean / reps))


# --------------------------------------------------------------------------- property


_rates = st.floats(0.05, 20.0)
_surges = st.lists(st.tuples(st.floats(0.0, 90.0), st.floats(0.1, 40.0), st.floats(0.2, 5.0))
                   .map(lambda w: (w[0], w[0] + w[1], w[2])), max_size=3)


@pytest.mark.property
@settings(max_examples=40, deadline=None)
@given(rate=_rates, surges=_surges, by=st.sampled_from(["month", "weekday"]),
       start=st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)),
       unit=st.sampled_from(["hour", "day", "week"]), seed=st.integers(0, 2**32 - 1))
def test_factors_all_one_are_no_seasonality_arrival_for_arrival(rate, surges, by, start, unit,
                                                                 seed):
    horizon = 100.0
    flat = Seasonality(by, (1.0,) * (12 if by == "month" else 7))
    season = factor_step(flat, start, unit, horizon)
    assert arrivals(Demand(rate=rate), horizon, season, surges, seed) == \
        arrivals(Demand(rate=rate), horizon, None, surges, seed)


@pytest.mark.property
@settings(max_examples=40, deadline=None)
@given(factors=st.lists(st.floats(0.0, 5.0), min_size=12, max_size=12)
       .filter(lambda f: sum(f) > 0.5),
       start=st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)),
       unit=st.sampled_from(list(DAYS_PER_UNIT)), seed=st.integers(0, 2**32 - 1))
def test_seasonal_arrivals_are_sorted_inside_the_horizon_and_skip_closed_periods(
        factors, start, unit, seed):
    season = Seasonality("month", tuple(factors))
    horizon = 400.0 / DAYS_PER_UNIT[unit]  # 400 days in every unit
    step = factor_step(season, start, unit, horizon)
    got = arrivals(Demand(rate=0.5 * DAYS_PER_UNIT[unit]), horizon, step, seed=seed)
    assert got == sorted(got) and all(0 <= t < horizon for t in got)
    assert all(step(t) > 0 for t in got)  # no order in a period whose factor is 0


# --------------------------------------------------------------------------- cli


NETWORK = """\
riskmap: 1
time_unit: {unit}
suppliers: [{{id: s}}]
products:
  - id: p
    stock: 5
    policy: {{type: base_stock, level: 5}}
    sources: [{{supplier: s, lead_time: 2}}]
    demand:
      rate: 1
      seasonality: {season}
"""


def _validate(tmp_path: Path, capsys, season: str, unit: str = "day") -> tuple[int, str]:
    path = tmp_path / "net.yaml"
    path.write_text(NETWORK.format(season=season, unit=unit), encoding="utf-8")
    code = main(["validate", str(path)])
    return code, capsys.readouterr().err


@pytest.mark.cli
def test_a_seasonal_network_validates(tmp_path, capsys):
    code, err = _validate(tmp_path, capsys, "{by: weekday, factors: [1.2, 1, 1, 1, 1.3, 0.8, 0.7]}")
    assert code == 0, err


@pytest.mark.cli
def test_the_wrong_number_of_factors_is_refused_at_the_list(tmp_path, capsys):
    code, err = _validate(tmp_path, capsys, "{by: month, factors: [1, 1, 1, 1, 1, 1, 1]}")
    assert code == 2
    assert "net.yaml:11:41: error: products[0].demand.seasonality.factors: by: month takes 12 " \
           "factors (January to December), got 7" in err


@pytest.mark.cli
def test_a_negative_factor_is_refused_at_its_place(tmp_path, capsys):
    code, err = _validate(tmp_path, capsys, "{by: weekday, factors: [1, 1, 1, -1, 1, 1, 1]}")
    assert code == 2
    assert "net.yaml:11:53: error: products[0].demand.seasonality.factors[3]: expected a " \
           "number >= 0, got -1" in err


@pytest.mark.cli
def test_factors_that_do_not_average_one_get_the_normalised_list(tmp_path, capsys):
    code, err = _validate(tmp_path, capsys, "{by: weekday, factors: [2, 2, 2, 2, 2, 1, 1]}")
    assert code == 2
    assert ("products[0].demand.seasonality.factors: the factors average 1.714, not 1 "
            "(within 0.005); divided by their mean they are "
            "[1.167, 1.167, 1.167, 1.167, 1.167, 0.583, 0.583]") in err
    # Within the tolerance (the fix as printed, rounded to 3 decimals) it validates.
    code, err = _validate(tmp_path, capsys, "{by: weekday, factors: "
                                            "[1.167, 1.167, 1.167, 1.167, 1.167, 0.583, 0.583]}")
    assert code == 0, err


@pytest.mark.cli
def test_weekday_with_monthly_time_units_is_refused(tmp_path, capsys):
    code, err = _validate(tmp_path, capsys, "{by: weekday, factors: [1, 1, 1, 1, 1, 1, 1]}",
                          unit="month")
    assert code == 2
    assert "net.yaml:11:25: error: products[0].demand.seasonality.by: by: weekday needs a " \
           "time_unit of at most a week" in err
    code, err = _validate(tmp_path, capsys, "{by: wekday, factors: [1, 1, 1, 1, 1, 1, 1]}")
    assert code == 2 and "did you mean 'weekday'?" in err


@pytest.mark.cli
def test_seasonality_reaches_the_model_and_is_written_back(tmp_path, capsys):
    from riskmap.load import load_network
    from riskmap.load.dump import network_file, network_from_record, network_record

    path = tmp_path / "net.yaml"
    path.write_text(NETWORK.format(season="{by: month, factors: [0.5, 2, 1, 1, 1, 1, 1, 1, 1, "
                                          "1, 1, 0.5]}", unit="day"), encoding="utf-8")
    net = load_network(str(path))
    assert net.item("p").demand.seasonality == WINTER
    record = network_record(net)
    assert record["products"][0]["demand"]["seasonality"] == {
        "by": "month", "factors": [0.5, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5]}
    assert network_from_record(record).item("p").demand.seasonality == WINTER
    assert network_file(net)["products"][0]["demand"]["seasonality"]["by"] == "month"
    # Without seasonality the record has no such key (reports of other scenarios unchanged).
    plain = network_record(Network("n", items=(Item("q", "product", demand=Demand(rate=1.0)),)))
    assert "seasonality" not in plain["products"][0]["demand"]


@pytest.mark.cli
def test_a_seasonal_calendar_too_long_for_memory_is_refused():
    from riskmap.errors import InputError
    from riskmap.run.workload import check_memory

    season = Seasonality("weekday", (1.0,) * 7)
    net = seasonal_network(Demand(rate=1e-9, seasonality=season))
    with pytest.raises(InputError, match="lower the horizon"):
        check_memory(Scenario("long", net, horizon=1e9), 1)
    check_memory(Scenario("short", net, horizon=3650.0), 1)
