"""Ranking of products and the words of the summary, on hand-made reports."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap.report.ranking import (
    describe_value, format_estimate, format_number, rank_products, reproduce_command,
    summarize_products)
from tests.test_report_support import statistic, synthetic_report

pytestmark = pytest.mark.hand


def _report(products: dict) -> dict:
    return {"scenario": {"time_unit": "day", "replications": 10}, "products": {
        pid: {"backorder_probability": statistic(p, unit="probability", percentiles=False),
              "backorder_units": statistic(u)} for pid, (p, u) in products.items()}}


def test_probability_first_then_units_then_id():
    report = _report({"b": (0.5, 1.0), "a": (0.5, 1.0), "c": (0.5, 9.0), "d": (0.9, 0.0),
                      "e": (0.0, 0.0)})
    assert rank_products(report) == ["d", "c", "a", "b", "e"]


def test_missing_figures_rank_as_zero_and_never_raise():
    report = _report({"x": (0.2, 3.0)})
    report["products"]["y"] = {}
    report["products"]["z"] = {"backorder_probability": {"mean": None, "ci95": [None, None]}}
    assert rank_products(report) == ["x", "y", "z"]


def test_ranking_does_not_depend_on_insertion_order():
    forward = _report({f"p{k}": (0.1 * (k % 3), float(k % 2)) for k in range(12)})
    backward = {"scenario": forward["scenario"],
                "products": dict(reversed(list(forward["products"].items())))}
    assert rank_products(forward) == rank_products(backward)


def test_summary_rows_money_at_risk_uses_backordered_units():
    report = _report({"bike": (0.4, 12.0)})
    report["network"] = {"products": [{"id": "bike", "name": "Bike", "price": 100,
                                       "margin": 25}]}
    (row,) = summarize_products(report)
    assert (row.rank, row.name, row.revenue_at_risk, row.margin_at_risk) == (1, "Bike", 1200, 300)


def test_money_is_absent_without_prices():
    (row,) = summarize_products(_report({"bike": (0.4, 12.0)}))
    assert row.revenue_at_risk is None and row.margin_at_risk is None


def test_sentence_in_plain_words():
    report = synthetic_report(["lamp"])
    (row,) = summarize_products(report)
    assert row.sentence == (
        "lamp falls into backorder in 90% of the 20 simulated runs: on average 9 units wait, "
        "the longest wait is 4.5 days, 0.9 units are cancelled, and 91.0% of units ship "
        "from stock.")


def test_sentence_for_a_safe_product():
    report = _report({"safe": (0.0, 0.0)})
    (row,) = summarize_products(report)
    assert row.sentence == "safe never falls into backorder in the 10 simulated runs."


def test_formats():
    assert format_number(1.0) == "1"
    assert format_number(0.25) == "0.2"  # round half to even, as Python formats
    assert format_estimate({"mean": 2.5, "ci95": [1, 4]}) == "2.5 [1, 4]"
    assert format_estimate({"mean": 2.5, "ci95": [None, None]}) == "2.5"
    assert describe_value({"dist": "triangular", "max": 9, "min": 1, "mode": 3}) == \
        "triangular (min 1, mode 3, max 9)"


def test_reproduce_command_prefers_the_recorded_one():
    assert reproduce_command({"scenario": {"command": "riskmap run x.yaml --seed 2"}}) == \
        "riskmap run x.yaml --seed 2"
    assert reproduce_command({"scenario": {"seed": 4}}) == "riskmap run SCENARIO.yaml --seed 4"


probabilities = st.sampled_from([0.0, 0.1, 0.5, 1.0])
units = st.sampled_from([0.0, 1.0, 2.5, 40.0])


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                       st.tuples(probabilities, units), min_size=1, max_size=8))
def test_terminal_summary_uses_the_same_order(products):
    """``riskmap run`` prints its summary in the order of :func:`rank_products`."""
    from riskmap.cli.run import summary_table

    report = _report(products)
    report["scenario"].update({"name": "s", "seed": 1, "horizon": 10})
    lines = summary_table(report).splitlines()[4:4 + len(products)]
    assert [line.split()[0] for line in lines] == rank_products(report)


def test_exposure_rows_follow_the_analysis_flag_and_sort_at_risk_first():
    from riskmap.report.ranking import exposure_rows

    report = {"suppliers": {
        "a": {"tts": 10.0, "ttr": 5.0},
        "b": {"tts": 4.999999, "ttr": 5.0, "at_risk": False},  # within the analysis tolerance
        "c": {"tts": 1.0, "ttr": 5.0},
        "d": {"tts": None, "tts_unbounded": True, "ttr": 5.0}}}
    rows = exposure_rows(report, "suppliers")
    assert [(r.id, r.at_risk) for r in rows] == [("c", True), ("b", False), ("a", False),
                                                 ("d", False)]
    assert rows[-1].tts == "unbounded"
