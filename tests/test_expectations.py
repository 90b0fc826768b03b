"""Evaluation of ``expect:`` plans on hand-made reports.

The reports are typed :class:`~riskmap.report.content.Report` records, read
from hand-written report.json content by its one reader.
"""

from __future__ import annotations

import math

import pytest

from riskmap.model import Expectation
from riskmap.plans import (INCONCLUSIVE, MET, NOT_MET, UNAVAILABLE, Figure, compare, evaluate,
                           evaluate_all, expectation_label, figure_text, replications_to_settle,
                           unavailable_text)
from riskmap.plans.figures import NO_RESULTS
from riskmap.report.content import Report


def estimate(mean, low, high, unit="units", **percentiles):
    out = {"mean": mean, "ci95": [low, high], "n": 40, "unit": unit}
    out.update(percentiles)
    return out


def make_report(**products):
    """A report with two products and three suppliers, figures chosen by hand."""
    return Report.from_dict(report_content(**products))


def report_content(**products):
    """The report.json content of :func:`make_report`."""
    return {
        "format": 1,
        "scenario": {"name": "hand", "replications": 40, "seed": 1, "time_unit": "day"},
        "products": {
            "bike": {
                "fill_rate": estimate(0.95, 0.93, 0.97, "ratio", p50=0.96, p90=0.99, p95=1.0),
                "backorder_probability": {"mean": 0.2, "ci95": [0.1, 0.35], "n": 40,
                                          "unit": "probability"},
                "backorder_units": estimate(12.0, 8.0, 16.0, p50=10.0, p90=30.0, p95=35.0,
                                            p90_ci95=[25.0, 40.0]),
                "lost_units": estimate(None, None, None),
                "eta_kept": {"mean": None, "ci95": [None, None], "n": 0, "unit": "ratio"},
            },
            "cargo": {
                "fill_rate": estimate(0.80, 0.75, 0.85, "ratio", p50=0.8, p90=0.9, p95=0.95),
            },
            **products,
        },
        "suppliers": {
            "cellco": {"tts": 20.0, "tts_unbounded": False, "ttr": 45.0, "tts_minus_ttr": -25.0,
                       "pi": 1200.0, "rei": 1.0, "single_point_of_failure_for": ["bike"]},
            "motorco": {"tts": None, "tts_unbounded": True, "ttr": 30.0, "tts_minus_ttr": None,
                        "pi": 0.0, "rei": 0.0, "single_point_of_failure_for": []},
            "nottr": {"tts": 5.0, "tts_unbounded": False, "ttr": None, "tts_minus_ttr": None,
                      "pi": None, "rei": None, "single_point_of_failure_for": ["cargo"]},
        },
    }


def product(metric, **kw):
    return Expectation("product", "bike", metric, **kw)


def supplier(sid, metric, **kw):
    return Expectation("supplier", sid, metric, **kw)


def network(metric, **kw):
    return Expectation("network", None, metric, **kw)


pytestmark = pytest.mark.hand


# --------------------------------------------------------------------------
# Sampled metrics: the interval decides


@pytest.mark.parametrize("bounds, status", [
    ({"min": 0.90}, MET),           # interval [0.93, 0.97] wholly above
    ({"min": 0.93}, MET),           # bounds are inclusive
    ({"min": 0.98}, NOT_MET),       # wholly below
    ({"min": 0.96}, INCONCLUSIVE),  # straddles, estimate below the threshold
    ({"min": 0.94}, INCONCLUSIVE),  # straddles, estimate above the threshold
    ({"max": 0.97}, MET),
    ({"max": 0.92}, NOT_MET),
    ({"max": 0.95}, INCONCLUSIVE),
    ({"min": 0.90, "max": 0.99}, MET),
    ({"min": 0.90, "max": 0.92}, NOT_MET),      # the worse bound wins
    ({"min": 0.94, "max": 0.99}, INCONCLUSIVE),
])
def test_mean_against_bounds(bounds, status):
    outcome = evaluate(make_report(), product("fill_rate", **bounds))
    assert outcome.status == status
    assert outcome.figure.value == 0.95
    assert (outcome.figure.low, outcome.figure.high) == (0.93, 0.97)


def test_passed_depends_on_strict_confidence_only_when_inconclusive():
    report = make_report()
    met = evaluate(report, product("fill_rate", min=0.9))
    not_met = evaluate(report, product("fill_rate", min=0.99))
    unclear = evaluate(report, product("fill_rate", min=0.96))
    assert (met.passed(), met.passed(strict_confidence=True)) == (True, True)
    assert (not_met.passed(), not_met.passed(strict_confidence=True)) == (False, False)
    assert (unclear.passed(), unclear.passed(strict_confidence=True)) == (True, False)


def test_inconclusive_message_says_how_many_replications_settle_it():
    outcome = evaluate(make_report(), product("fill_rate", min=0.96))
    # half-width towards the threshold 0.02, distance 0.01: 40 * (0.02 / 0.01)^2 = 160
    assert outcome.replications_needed == 160
    assert "about 160 replications would settle it" in outcome.message
    assert "0.950 [95% CI 0.930, 0.970]" in outcome.message
    assert "required >= 0.96" in outcome.message


def test_proportion_uses_its_own_interval():
    report = make_report()
    assert evaluate(report, product("backorder_probability", max=0.4)).status == MET
    assert evaluate(report, product("backorder_probability", max=0.05)).status == NOT_MET
    outcome = evaluate(report, product("backorder_probability", max=0.3))
    assert outcome.status == INCONCLUSIVE
    # Wilson intervals are not symmetric: the side towards the threshold (0.35 - 0.2) counts
    assert outcome.replications_needed == math.ceil(40 * (0.15 / 0.1) ** 2)


def test_percentile_with_interval():
    report = make_report()
    assert evaluate(report, product("backorder_units", stat="p90", max=45)).status == MET
    assert evaluate(report, product("backorder_units", stat="p90", max=20)).status == NOT_MET
    outcome = evaluate(report, product("backorder_units", stat="p90", max=35))
    assert outcome.status == INCONCLUSIVE
    assert outcome.figure.value == 30.0


def test_percentile_without_interval_is_exact_and_says_so():
    outcome = evaluate(make_report(), product("backorder_units", stat="p50", max=10))
    assert outcome.status == MET
    assert outcome.figure.exact
    assert "no interval for p50: treated as exact" in outcome.message


# --------------------------------------------------------------------------
# Static metrics: exact


@pytest.mark.parametrize("expectation, status, value", [
    (supplier("cellco", "tts_minus_ttr", min=0), NOT_MET, -25.0),
    (supplier("cellco", "tts_minus_ttr", min=-25), MET, -25.0),
    (supplier("cellco", "tts", min=20, max=20), MET, 20.0),
    (supplier("cellco", "ttr", max=30), NOT_MET, 45.0),
    (supplier("cellco", "rei", max=0.5), NOT_MET, 1.0),
    (supplier("motorco", "tts", min=1000), MET, math.inf),       # unbounded survives anything
    (supplier("motorco", "tts_minus_ttr", min=0), MET, math.inf),
    (supplier("motorco", "tts", max=1000), NOT_MET, math.inf),
    (supplier("motorco", "pi", max=0), MET, 0.0),
])
def test_static_supplier_metrics_are_met_or_not(expectation, status, value):
    outcome = evaluate(make_report(), expectation)
    assert outcome.status == status
    assert outcome.figure.exact
    assert outcome.figure.value == value
    assert outcome.replications_needed is None


def test_static_metric_ignores_stat():
    outcome = evaluate(make_report(), supplier("cellco", "tts", stat="p95", max=25))
    assert outcome.status == MET and outcome.figure.value == 20.0


def test_tts_minus_ttr_is_the_exposure_figure_not_a_difference_of_rounded_figures():
    # the risk map computes the margin once, before rounding; the check reads that figure
    content = report_content()
    content["suppliers"]["cellco"]["tts_minus_ttr"] = -24.9999
    outcome = evaluate(Report.from_dict(content), supplier("cellco", "tts_minus_ttr", min=-25))
    assert outcome.figure.value == -24.9999 and outcome.status == MET


def test_supplier_without_a_risk_map_has_no_static_figures():
    content = report_content()
    content["suppliers"]["plain"] = {"down_time": estimate(2.0, 1.0, 3.0, "days")}
    report = Report.from_dict(content)
    assert evaluate(report, supplier("plain", "down_time", max=5)).status == MET
    outcome = evaluate(report, supplier("plain", "tts", min=1))
    assert outcome.status == UNAVAILABLE
    assert "supplier 'plain' has no tts: it needs a time to survive" in outcome.message


def test_single_points_of_failure_counts_suppliers():
    report = make_report()
    outcome = evaluate(report, network("single_points_of_failure", max=1))
    assert outcome.status == NOT_MET
    assert outcome.figure.value == 2.0
    assert "cellco, nottr" in outcome.message
    assert evaluate(report, network("single_points_of_failure", max=2)).status == MET


# --------------------------------------------------------------------------
# Worst fill rate: every product for min, some product for max


def test_worst_fill_rate_min_needs_every_product():
    report = make_report()
    outcome = evaluate(report, network("worst_fill_rate", min=0.7))
    assert outcome.status == MET
    assert outcome.figure.value == 0.80 and "worst: cargo" in outcome.message
    # bike [0.93, 0.97] is met at 0.9, cargo [0.75, 0.85] is not
    assert evaluate(report, network("worst_fill_rate", min=0.9)).status == NOT_MET
    # cargo straddles 0.8, bike is met: inconclusive
    assert evaluate(report, network("worst_fill_rate", min=0.8)).status == INCONCLUSIVE


def test_worst_fill_rate_max_needs_some_product():
    report = make_report()
    assert evaluate(report, network("worst_fill_rate", max=0.9)).status == MET
    assert evaluate(report, network("worst_fill_rate", max=0.7)).status == NOT_MET
    assert evaluate(report, network("worst_fill_rate", max=0.8)).status == INCONCLUSIVE


def test_worst_fill_rate_skips_products_without_orders():
    report = make_report(idle={"fill_rate": estimate(None, None, None)})
    outcome = evaluate(report, network("worst_fill_rate", min=0.7))
    assert outcome.status == MET and "worst: cargo" in outcome.message


# --------------------------------------------------------------------------
# Unavailable figures never pass


@pytest.mark.parametrize("expectation, words", [
    # a report written before riskmap produced the metric
    (product("substituted_units", max=5), "'substituted_units' is not produced by this riskmap"),
    (product("eta_kept", min=0.9), "undefined in every replication"),
    (product("backorder_probability", stat="p90", max=0.5), "has no p90"),
    (product("lost_units", max=5), "undefined in every replication"),
    (supplier("nottr", "tts_minus_ttr", min=0), "supplier 'nottr' has no tts_minus_ttr"),
    (supplier("nottr", "rei", max=0.5), "has no rei"),
    (Expectation("product", "ghost", "fill_rate", min=0.5), "'ghost' has no results"),
])
def test_unavailable_counts_as_not_met(expectation, words):
    outcome = evaluate(make_report(), expectation)
    assert outcome.status == UNAVAILABLE
    assert outcome.figure is None
    assert words in outcome.message and "counted as not met" in outcome.message
    assert not outcome.passed() and not outcome.passed(strict_confidence=True)
    # the reason is kept, so the sentence can be written again for another format
    assert unavailable_text(expectation, outcome.reason) == outcome.message


def test_unknown_network_metric_and_no_orders_are_unavailable():
    outcome = evaluate(make_report(), network("network_wide_magic", max=1))
    assert outcome.status == UNAVAILABLE
    assert "network metric 'network_wide_magic' is not produced" in outcome.message
    empty = Report.from_dict({"format": 1, "scenario": {"replications": 3},
                              "products": {"idle": {"fill_rate": estimate(None, None, None)}}})
    outcome = evaluate(empty, network("worst_fill_rate", min=0.5))
    assert outcome.status == UNAVAILABLE
    assert outcome.message == ("no product had orders, so there is no worst fill rate; "
                               "counted as not met")


def test_ids_are_escaped_where_the_words_ask_for_it():
    escape = "<{}>".format
    e = Expectation("product", "a_b", "fill_rate", min=0.9)
    assert expectation_label(e) == "product a_b fill_rate (mean) >= 0.9"
    assert expectation_label(e, escape) == "product <a_b> fill_rate (mean) >= 0.9"
    assert unavailable_text(e, NO_RESULTS, escape) == \
        "product <'a_b'> has no results in this run; counted as not met"
    worst = evaluate(make_report(), network("worst_fill_rate", min=0.7)).figure
    assert figure_text(worst, escape).endswith("(worst: <cargo>)")
    spof = evaluate(make_report(), network("single_points_of_failure", max=9)).figure
    assert figure_text(spof, escape) == "2 (exact; suppliers: <cellco>, <nottr>)"
    assert figure_text(spof) == "2 (exact; suppliers: cellco, nottr)"


def test_mean_without_interval_is_inconclusive():
    report = make_report(solo={"fill_rate": {"mean": 0.5, "ci95": [None, None], "n": 1}})
    outcome = evaluate(report, Expectation("product", "solo", "fill_rate", min=0.9))
    assert outcome.status == INCONCLUSIVE
    assert "fewer than 2 replications" in outcome.message


def test_evaluate_all_keeps_plan_order():
    plan = [product("fill_rate", min=0.99), supplier("cellco", "ttr", max=50),
            product("substituted_units", min=1)]
    assert [o.status for o in evaluate_all(make_report(), plan)] == [NOT_MET, MET, UNAVAILABLE]


# --------------------------------------------------------------------------
# How many replications settle it


def test_replications_to_settle_scales_with_inverse_square_of_distance():
    figure = Figure(10.0, 8.0, 12.0)
    assert replications_to_settle(figure, 11.0, 100) == 400
    assert replications_to_settle(figure, 9.0, 100) == 400
    assert replications_to_settle(figure, 10.0, 100) is None       # sits on the threshold
    # always more than the current run
    assert replications_to_settle(Figure(10.0, 9.99, 10.01), 10.0099, 100) == 103


def test_replications_for_a_missing_order_statistic_bound():
    figure = Figure(30.0, 20.0, math.inf)
    assert replications_to_settle(figure, 40.0, 30, quantile=0.9) == 36
    assert replications_to_settle(figure, 40.0, 30) is None


def test_compare_bounds_are_inclusive():
    assert compare(Figure.exactly(1.0), "min", 1.0) == MET
    assert compare(Figure.exactly(1.0), "max", 1.0) == MET


# --------------------------------------------------------------------------
# Customers who wait: promised dates, waits and money are read like any estimate


@pytest.mark.parametrize("expectation, status", [
    (Expectation("product", "cargo", "eta_kept", min=0.9), MET),
    (Expectation("product", "cargo", "eta_kept", min=0.95), INCONCLUSIVE),
    (Expectation("product", "cargo", "wait", stat="p90", max=5), NOT_MET),
    (Expectation("product", "cargo", "wait", max=5), MET),
    (Expectation("product", "cargo", "lost_revenue", max=10_000), NOT_MET),
    (Expectation("product", "cargo", "backorder_cost", max=10_000), MET),
])
def test_customer_metrics_are_evaluated(expectation, status):
    content = report_content()
    content["products"]["cargo"].update(
        eta_kept=estimate(0.96, 0.93, 0.98, "ratio", p50=0.97, p90=1.0, p95=1.0),
        wait=estimate(3.0, 2.5, 3.5, "days", p50=2.9, p90=6.0, p95=7.0),
        lost_revenue=estimate(24_000.0, 20_000.0, 28_000.0, "money"),
        backorder_cost=estimate(900.0, 700.0, 1_100.0, "money"),
    )
    outcome = evaluate(Report.from_dict(content), expectation)
    assert outcome.status == status, outcome.message


# --------------------------------------------------------------------------
# Every metric the file format accepts is read from the report


def test_every_metric_an_expect_line_may_name_is_read_from_the_report():
    # a name in the schema's lists without a statistic or a branch of plans.figures would be
    # "not produced" in every run (docs/ci.md, "Adding a metric to expect:")
    from riskmap.load.schema import NETWORK_METRICS, PRODUCT_METRICS, SUPPLIER_METRICS
    from riskmap.plans.figures import NOT_PRODUCED, STATIC_SUPPLIER_METRICS
    from riskmap.stats import statistic

    for metric in PRODUCT_METRICS:
        assert statistic("product", metric).subject == "product"
    for metric in SUPPLIER_METRICS:
        assert metric in STATIC_SUPPLIER_METRICS or statistic("supplier", metric)
    for metric in NETWORK_METRICS:
        assert evaluate(make_report(), network(metric, min=0)).reason != NOT_PRODUCED
    from riskmap.load.schema import ALERT_METRICS
    from riskmap.stats import ALERT_STATISTICS

    assert set(ALERT_METRICS) <= {stat.name for stat in ALERT_STATISTICS}
    for metric in ALERT_METRICS:
        assert evaluate(alert_report(), alert(metric, min=0)).reason != NOT_PRODUCED


def alert_report():
    """A report with one alert rule whose figures are chosen by hand (docs/alerts.md)."""
    content = report_content()
    content["alerts"] = [{
        "id": "low-cells", "item": "cell", "measure": "on_hand", "below": 500.0,
        "window": 20.0, "lead_time": 10.0, "suggested_below": 450.0,
        "warned_share": estimate(0.9, 0.85, 0.95, "ratio", p50=1.0, p90=1.0, p95=1.0),
        "warning_lead_time": estimate(12.0, 10.5, 13.5, "days", p50=12.0, p90=15.0, p95=16.0),
        "false_alarms_per_year": estimate(None, None, None, "false alarms / year"),
    }]
    return Report.from_dict(content)


def alert(metric, **kw):
    return Expectation("alert", "low-cells", metric, **kw)


@pytest.mark.parametrize("expectation,status", [
    (alert("warned_share", min=0.8), MET),
    (alert("warned_share", min=0.97), NOT_MET),
    (alert("warned_share", min=0.9), INCONCLUSIVE),
    (alert("warning_lead_time", min=10), MET),
    (alert("warning_lead_time", max=10), NOT_MET),
    (alert("warning_lead_time", max=15, stat="p90"), MET),
    (alert("false_alarms_per_year", max=1), UNAVAILABLE),
    (Expectation("alert", "ghost", "warned_share", min=0.5), UNAVAILABLE),
])
def test_alert_figures_are_judged_like_sampled_product_figures(expectation, status):
    assert evaluate(alert_report(), expectation).status == status


def test_service_and_compensation_metrics_of_the_products_that_model_them():
    # docs/customers.md: only a product with inquiries: (or compensation:) has them
    report = make_report(desk={"inquiries": estimate(8.0, 6.0, 10.0, "contacts"),
                               "compensation_cost": estimate(400.0, 300.0, 500.0, "money")})
    inquiries = Expectation("product", "desk", "inquiries", max=12)
    assert evaluate(report, inquiries).status == MET
    cost = Expectation("product", "desk", "compensation_cost", max=350)
    assert evaluate(report, cost).status == INCONCLUSIVE
    assert evaluate(report, product("inquiries", max=12)).status == UNAVAILABLE
