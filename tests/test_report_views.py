"""Ranking of products and the words of the report, on hand-made typed reports."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap.analysis.risk_map import Exposure
from riskmap.dists import Constant, Triangular, Uniform
from riskmap.model import PRODUCT, Disruption, Item, Network, Policy, Target
from riskmap.options.tables import (AlternateRow, CandidateRow, Effect, OptionTables, StockRow,
                                    WhatIfRow)
from riskmap.report.content import FileRecord, Report, RunInfo, SupplierFigures
from riskmap.report.text import number
from riskmap.report.views.exposures import exposure_rows
from riskmap.report.views.options import option_label, option_tables, points_text
from riskmap.report.views.products import (estimate_text, rank_products, statistic_rows,
                                           summarize_products)
from riskmap.report.views.scenario import (describe_dist, disruption_rows, policy_rows,
                                           reproduce_command, scenario_facts)
from riskmap.stats import Estimate
from tests.test_report_support import statistic, synthetic_report


def _report(products: dict, net: Network = Network("n"), **info) -> Report:
    """A report of ``{id: (P(backorder), backordered units)}``; ``info`` sets RunInfo fields."""
    scenario = RunInfo(**{"time_unit": "day", "replications": 10, **info})
    return Report(scenario=scenario, network=net, products={
        pid: {"backorder_probability": statistic(p, unit="probability", percentiles=False),
              "backorder_units": statistic(u)} for pid, (p, u) in products.items()})


@pytest.mark.hand
def test_probability_first_then_units_then_id():
    report = _report({"b": (0.5, 1.0), "a": (0.5, 1.0), "c": (0.5, 9.0), "d": (0.9, 0.0),
                      "e": (0.0, 0.0)})
    assert rank_products(report) == ["d", "c", "a", "b", "e"]


@pytest.mark.hand
def test_missing_figures_rank_as_zero_and_never_raise():
    report = _report({"x": (0.2, 3.0)})
    report.products["y"] = {}
    report.products["z"] = {"backorder_probability": Estimate(None, (None, None), 0,
                                                              "probability")}
    assert rank_products(report) == ["x", "y", "z"]


@pytest.mark.hand
def test_ranking_does_not_depend_on_insertion_order():
    forward = _report({f"p{k}": (0.1 * (k % 3), float(k % 2)) for k in range(12)})
    backward = dataclasses.replace(forward, products=dict(reversed(forward.products.items())))
    assert rank_products(forward) == rank_products(backward)


@pytest.mark.hand
def test_summary_rows_money_at_risk_uses_backordered_units():
    network = Network("n", items=(Item("bike", PRODUCT, name="Bike", price=100, margin=25),))
    (row,) = summarize_products(_report({"bike": (0.4, 12.0)}, network))
    assert (row.rank, row.name, row.revenue_at_risk, row.margin_at_risk) == (1, "Bike", 1200, 300)


@pytest.mark.hand
def test_money_is_absent_without_prices():
    (row,) = summarize_products(_report({"bike": (0.4, 12.0)}))
    assert row.revenue_at_risk is None and row.margin_at_risk is None


@pytest.mark.hand
def test_sentence_in_plain_words():
    report = synthetic_report(["lamp"])
    (row,) = summarize_products(report)
    assert row.sentence == (
        "lamp falls into backorder in 90% of the 20 simulated runs: on average 9 units wait, "
        "the longest wait is 4.5 days, 0.9 units are cancelled, and 91.0% of units ship "
        "from stock.")


@pytest.mark.hand
def test_sentence_for_a_safe_product():
    report = _report({"safe": (0.0, 0.0)})
    (row,) = summarize_products(report)
    assert row.sentence == "safe never falls into backorder in the 10 simulated runs."


@pytest.mark.hand
def test_formats():
    assert number(1.0) == "1"
    assert number(0.25) == "0.2"  # round half to even, as Python formats
    assert estimate_text(Estimate(2.5, (1, 4), 5, "units")) == "2.5 [1, 4]"
    assert estimate_text(Estimate(2.5, (None, None), 1, "units")) == "2.5"
    assert describe_dist(Triangular(1, 3, 9)) == "triangular (min 1, mode 3, max 9)"


@pytest.mark.hand
def test_statistic_rows_show_shares_and_no_percentiles_for_proportions():
    (probability, units) = statistic_rows(_report({"p": (0.25, 3.0)}), "p")
    assert (probability.name, probability.value, probability.p50, probability.unit) == \
        ("backorder probability", "25.0% [25.0%, 25.0%]", "–", "share")
    assert (units.value, units.p50, units.p95, units.unit) == ("3 [3, 3]", "3", "3", "units")


@pytest.mark.hand
def test_reproduce_command_is_rebuilt_from_what_was_run():
    report = _report({}, seed=4, replications=50, alternates="off",
                     scenario_file=FileRecord("s.yaml", "0" * 64))
    assert reproduce_command(report) == \
        "riskmap run s.yaml --seed 4 --replications 50  # with alternates: off in the scenario"
    assert reproduce_command(_report({}, seed=4, replications=None)) == \
        "riskmap run SCENARIO.yaml --seed 4"


@pytest.mark.hand
def test_scenario_facts_in_reading_order():
    report = _report({}, name="s", network="n", horizon=90, warmup=0.0, seed=1,
                     alternates="auto", riskmap_version="1.2",
                     scenario_file=FileRecord("s.yaml", "ab"),
                     network_file=FileRecord("n.yaml", "cd"))
    assert scenario_facts(report) == [
        ("scenario", "s"), ("network", "n"), ("horizon", "90 days"),
        ("warm-up (not counted)", "0 days"), ("replications", "10"), ("seed", "1"),
        ("alternates", "auto"), ("network file", "n.yaml (sha256 cd)"),
        ("scenario file", "s.yaml (sha256 ab)"), ("riskmap version", "1.2"),
        ("report format", "1")]


@pytest.mark.hand
def test_disruption_and_policy_rows():
    fire = Disruption("fire", "outage", Target("supplier", "acme"), at=Constant(10),
                      duration=Uniform(5, 15), capacity_factor=0.5)
    strikes = Disruption("strikes", "delay", Target("region", "eu"), rate=0.25,
                         lead_time_factor=2.0)
    network = Network("n", items=(Item("lamp", PRODUCT, stock=6, policy=Policy("base_stock",
                                                                               level=6)),
                                  Item("bulb", "part", stock=30)))
    report = _report({}, network, disruptions=(fire, strikes))
    first, second = disruption_rows(report)
    assert (first.target, first.at, first.duration, first.chance, first.effect) == \
        ("supplier acme", "10", "uniform (min 5, max 15)", "100%", "capacity factor 0.50")
    assert (second.at, second.duration, second.chance, second.effect) == \
        ("random", "the supplier's TTR", "rate 0.25 per day", "lead time factor 2")
    assert [(p.item, p.kind, p.policy, p.stock) for p in policy_rows(report)] == [
        ("bulb", "part", "no replenishment", "30"),
        ("lamp", "product", "base_stock (level 6)", "6")]


probabilities = st.sampled_from([0.0, 0.1, 0.5, 1.0])
units = st.sampled_from([0.0, 1.0, 2.5, 40.0])


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                       st.tuples(probabilities, units), min_size=1, max_size=8))
def test_terminal_summary_uses_the_same_order(products):
    """``riskmap run`` prints its summary in the order of :func:`rank_products`."""
    from riskmap.cli.run import summary_table

    report = _report(products, name="s", seed=1, horizon=10)
    lines = summary_table(report).splitlines()[4:4 + len(products)]
    assert [line.split()[0] for line in lines] == rank_products(report)


def _exposure(sid: str, tts, ttr: float, at_risk: bool) -> Exposure:
    return Exposure(sid, tts, ttr, None, None, None if tts is None else tts - ttr, at_risk,
                    None, (), ())


@pytest.mark.hand
def test_exposure_rows_follow_the_analysis_flag_and_sort_at_risk_first():
    report = Report(RunInfo(), Network("n"), {}, suppliers={
        "a": SupplierFigures(_exposure("a", 10.0, 5.0, False)),
        "b": SupplierFigures(_exposure("b", 4.999999, 5.0, False)),  # within the tolerance
        "c": SupplierFigures(_exposure("c", 1.0, 5.0, True)),
        "d": SupplierFigures(_exposure("d", None, 5.0, False)),
        "e": SupplierFigures(None)})  # outside the static map
    rows = exposure_rows(report, "suppliers")
    assert [(r.id, r.at_risk) for r in rows] == [("c", True), ("b", False), ("a", False),
                                                 ("d", False), ("e", False)]
    assert rows[3].tts == "unbounded"
    assert (rows[2].margin, rows[4].tts, rows[4].margin) == ("5", "–", "–")


def _effect(units: float) -> Effect:
    estimate = Estimate(units, (units - 1, units + 1), 10, "units")
    gain = Estimate(0.03, (0.02, 0.04), 10, "ratio")
    return Effect(estimate, gain, {}, None, (None, None), significant=True)


@pytest.mark.hand
def test_option_rows_say_what_each_kind_of_option_changes():
    tables = OptionTables(
        alternates=(AlternateRow("alt", "bulb", None, ("lamp",), ("acme",), (),
                                 _effect(1.0), "", _effect(2.0)),),
        candidates=(CandidateRow("newco", ("bulb", "base"), None, ("lamp",), (), "cheap",
                                 _effect(3.0)),),
        stock=(StockRow("acme", ("lamp",), 2.0, 9.0, 12, (("lamp", 4), ("bulb", 8)), "",
                        _effect(6.0)),),
        what_ifs=(WhatIfRow("buffer", "product", "lamp", 9, None,
                            Policy("base_stock", level=12), ("lamp",), 3, "", _effect(1.5)),))
    report = dataclasses.replace(_report({}), options=tables)
    assert [option_label(row) for row in (*tables.alternates, *tables.candidates,
                                          *tables.stock, *tables.what_ifs)] == [
        "qualify alt for bulb", "qualify newco for bulb, base",
        "hold 8 bulb, 4 lamp more (against acme)",
        "buffer: product lamp: policy base_stock (level 12), stock 9"]
    candidates, stock, what_ifs = option_tables(report)
    assert [t.title for t in (candidates, stock, what_ifs)] == [
        "Candidate suppliers", "Extra stock where TTS is below TTR", "What-ifs of the scenario"]
    (row,) = stock.rows
    assert (row.supplier, row.part, row.per_extra_unit, row.significant) == \
        ("acme", "–", "0.50", "yes")
    assert (row.backorder_units_avoided, row.fill_rate_gain) == ("6 [5, 7]", "+3.0 pp [+2.0, +4.0]")
    assert (candidates.rows[0].part, candidates.rows[0].why) == ("–", "cheap")
    assert (what_ifs.rows[0].supplier, what_ifs.rows[0].per_extra_unit) == ("–", "0.50")
    assert points_text(None) == "–"


@pytest.mark.hand
def test_the_report_names_the_stock_arms_the_cap_left_out():
    from riskmap.report import markdown

    tables = OptionTables(stock_cap=0, stock_left_out=("sup-1", "sup-2"))
    report = dataclasses.replace(synthetic_report(["lamp"]), options=tables)
    again = Report.from_dict(report.to_dict())
    assert report.to_dict()["stock_arms"] == {"cap": 0, "left_out": ["sup-1", "sup-2"]}
    assert (again.options.stock_cap, again.options.stock_left_out) == (0, ("sup-1", "sup-2"))
    [table] = option_tables(again)
    assert table.rows == [] and "not simulated: sup-1, sup-2" in table.note
    assert "--stock-arms N" in markdown.render(again)
