"""Evaluating options (riskmap.options.evaluation): the tables, their rows and the reports.

The runs use the real engine on the pump of :mod:`tests.test_options_support`:
a regional disaster in ``tw`` stops the valve's primary and its same-region
alternate together, while a second alternate stands in ``mx``; the seal is
never disrupted, so its alternate is never needed.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from riskmap.analysis.risk_map import ExtraStock, exposure
from riskmap.options import evaluate
from riskmap.report.build import build_report
from riskmap.run.executors import SerialExecutor
from riskmap.run.montecarlo import run_scenario
from tests.test_options_support import evaluated, options_scenario, pump_scenario, row


@pytest.fixture(scope="module")
def quake():
    return evaluated(pump_scenario())


@pytest.mark.hand
def test_distant_alternate_ranks_first_with_a_significant_value(quake):
    _, tables = quake
    first = tables.alternates[0]
    assert (first.supplier, first.part) == ("valve-mx", "valve")
    avoided = first.effect.backorder_units_avoided
    assert avoided.mean > 3 and avoided.ci95[0] > 0
    assert first.effect.significant
    assert first.alone.backorder_units_avoided.mean > 20
    assert first.effect.fill_rate_gain.mean > 0
    assert first.effect.fill_rate_gain_by_product["pump"].mean > 0
    # lost revenue is priced: 100 per unit lost
    assert first.effect.lost_revenue_avoided is not None
    assert first.shared_exposure == ()


@pytest.mark.hand
def test_same_region_alternate_is_worth_nothing_and_says_why(quake):
    _, tables = quake
    near = row(tables, "valve-tw2")
    # struck together with its primary for the same 30 days, it never ships:
    # as the only alternate it changes nothing at all
    assert near.alone.backorder_units_avoided.mean == 0.0
    assert near.alone.changed_replications == 0
    assert near.alone.significant is False
    assert row(tables, "valve-mx").alone.significant is True
    assert tables.alternates[-1].supplier == "valve-tw2"
    assert near.shared_exposure == (
        "same region as primary 'valve-tw' (tw), struck together by disaster 'tw-quake'",)
    assert "same region as primary 'valve-tw'" in near.why


@pytest.mark.hand
def test_same_region_alternate_beside_a_distant_one_is_worth_nothing(quake):
    _, tables = quake
    near = row(tables, "valve-tw2")
    assert near.effect.backorder_units_avoided.mean == 0.0
    assert tables.all_alternates.backorder_units_avoided.mean == pytest.approx(
        row(tables, "valve-mx").alone.backorder_units_avoided.mean)


@pytest.mark.hand
def test_an_alternate_never_used_changes_nothing_at_all(quake):
    _, tables = quake
    seal = row(tables, "seal-mx2")
    effect = seal.effect
    assert effect.changed_replications == 0
    assert effect.backorder_units_avoided.mean == 0.0
    assert effect.backorder_units_avoided.ci95 == (0.0, 0.0)
    assert effect.fill_rate_gain.mean == 0.0
    assert "never needed" in seal.why


@pytest.mark.hand
def test_all_alternates_together_against_none(quake):
    _, tables = quake
    together = tables.all_alternates.backorder_units_avoided
    assert together.mean > 0 and tables.all_alternates.significant
    # none + (without, alone) x 2 valve lanes; the seal alternate can never
    # take over (its primary is never struck), so its arms are not run
    assert tables.arms == 5


@pytest.fixture(scope="module")
def options():
    return evaluated(options_scenario())


@pytest.mark.hand
def test_candidates_are_evaluated_like_alternates(options):
    _, tables = options
    assert tables.alternates == () and tables.all_alternates is None
    best, idle = tables.candidates
    assert best.supplier == "valve-de" and best.effect.significant
    assert best.effect.backorder_units_avoided.mean > 20
    assert idle.supplier == "aaa-tw"
    assert idle.effect.changed_replications == 0
    assert idle.effect.backorder_units_avoided.ci95 == (0.0, 0.0)


@pytest.mark.hand
def test_what_if_reports_its_value_per_extra_unit(options):
    _, tables = options
    [buffer] = tables.what_ifs
    assert buffer.id == "pump-buffer"
    assert buffer.extra_units == 32
    avoided = buffer.effect.backorder_units_avoided.mean
    assert avoided > 0
    assert buffer.per_extra_unit == pytest.approx(avoided / 32)


#: fields every row of every table carries (the guaranteed names first).
ROW_FIELDS = {"supplier", "part", "backorder_units_avoided", "fill_rate_gain",
              "fill_rate_gain_by_product", "lost_revenue_avoided", "significant",
              "unpaired_ci95", "changed_replications", "why", "products"}


@pytest.mark.hand
def test_report_json_tables_share_their_fields(options, quake):
    for baseline, tables in (quake, options):
        report = build_report(baseline, options=tables).to_dict()
        for section in ("alternates", "candidates", "what_ifs", "stock_what_ifs"):
            for entry in report[section]:
                assert ROW_FIELDS <= set(entry), (section, sorted(ROW_FIELDS - set(entry)))
    report = build_report(options[0], options=options[1]).to_dict()
    assert [c["supplier"] for c in report["candidates"]] == ["valve-de", "aaa-tw"]
    assert report["what_ifs"][0]["change"] == {"policy": {"type": "base_stock", "level": 40},
                                               "stock": 40}


@pytest.mark.hand
def test_stock_what_ifs_follow_the_static_map():
    scenario = pump_scenario(replications=8)
    baseline = run_scenario(scenario, workers=1)
    # a static map with one supplier short of its TTR by 54 valves, one that survives
    static = SimpleNamespace(suppliers=(
        exposure("valve-mx", None, 10.0, 0.0, 0.0, extra_stock=None, products=("pump",),
                 single_point_of_failure_for=()),
        exposure("valve-tw", 3.0, 30.0, 5.0, 1.0, extra_stock=ExtraStock(54, (("valve", 54),)),
                 products=("pump",), single_point_of_failure_for=())))
    tables = evaluate(baseline, static, executor=SerialExecutor())
    [stock] = tables.stock
    assert stock.supplier == "valve-tw" and (stock.tts, stock.ttr) == (3.0, 30.0)
    assert dict(stock.items) == {"valve": 54}
    assert stock.extra_units == 54
    assert stock.effect.backorder_units_avoided.mean > 0


@pytest.mark.hand
def test_reports_show_the_tables_the_why_and_significance(options, quake):
    from riskmap.report import html, markdown
    from riskmap.report.text import markdown as markdown_text

    for baseline, tables in (quake, options):
        report = build_report(baseline, options=tables)
        text = markdown.render(report)
        page = html.render(report)
        for row in tables.alternates + tables.candidates + tables.what_ifs:
            assert markdown_text(row.why) in text
        assert "distinguishable from zero" in text and "distinguishable from zero" in page
    assert "| 1 | qualify valve-de for valve |" in text
    assert "pump-buffer: product pump: policy" in text
    assert "What-ifs of the scenario" in page and "Candidate suppliers" in page


@pytest.mark.golden
def test_bundled_example_reads_as_its_docs_say():
    from pathlib import Path

    from riskmap.load import load_scenario

    path = Path(__file__).resolve().parent.parent / "scenarios" / "alternate-value.yaml"
    scenario = load_scenario(str(path))
    baseline = run_scenario(scenario, replications=20, workers=1)
    tables = evaluate(baseline, executor=SerialExecutor())
    helps, same_region, unused = tables.alternates
    assert (helps.supplier, helps.effect.significant) == ("valve-mx", True)
    assert same_region.supplier == "motor-tw2" and not same_region.effect.significant
    assert "same region as primary 'motor-tw'" in same_region.why
    assert unused.supplier == "seal-pl" and unused.effect.changed_replications == 0
    assert [c.supplier for c in tables.candidates] == ["motor-vn"]
    assert [w.id for w in tables.what_ifs] == ["motor-buffer"]


@pytest.mark.hand
def test_without_any_stoppage_no_arm_runs_and_every_value_is_zero():
    scenario = pump_scenario(disruptions=(), replications=4)
    baseline = run_scenario(scenario, workers=1)
    tables = evaluate(baseline, executor=SerialExecutor())
    assert tables.arms == 0
    assert len(tables.alternates) == 3
    for option in tables.alternates:
        assert option.effect.backorder_units_avoided.ci95 == (0.0, 0.0)
        assert option.effect.changed_replications == 0
    assert tables.all_alternates.changed_replications == 0


@pytest.mark.hand
def test_tables_are_the_same_for_any_worker_count():
    from riskmap.run.executors import ProcessExecutor

    scenario = pump_scenario(replications=6)
    baseline = run_scenario(scenario, workers=1)
    serial = evaluate(baseline, executor=SerialExecutor())
    parallel = evaluate(baseline, executor=ProcessExecutor(2))
    assert json.dumps(serial.to_dict(), sort_keys=True) == \
        json.dumps(parallel.to_dict(), sort_keys=True)
