"""Counterfactual arms: paired values of alternates, candidates, stock and what-ifs.

The runs use the real engine on a pump made of a valve and a seal: a regional
disaster in ``tw`` stops the valve's primary and its same-region alternate
together, while a second alternate stands in ``mx``. The seal is never
disrupted, so its alternate is never needed.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from riskmap.options import counterfactuals as cf
from riskmap.dists import Constant, Uniform
from riskmap.run.executors import SerialExecutor
from riskmap.model import (
    PART, PRODUCT, Candidate, Demand, Disruption, Item, Network, Policy, Region, Scenario,
    Source, Supplier, Target, WhatIf)
from riskmap.run.montecarlo import run_scenario
from riskmap.analysis.risk_map import ExtraStock, exposure
from riskmap.report.build import build_report
from riskmap.report.json import dumps

pytestmark = pytest.mark.hand

REPLICATIONS = 16


def pump_network(*, alternates: bool = True) -> Network:
    valve_sources = [Source("valve-tw", lead_time=Constant(4))]
    if alternates:
        valve_sources += [
            Source("valve-tw2", lead_time=Constant(4), alternate=True, share=0.0,
                   activation_delay=Constant(2)),
            Source("valve-mx", lead_time=Constant(6), alternate=True, share=0.0,
                   activation_delay=Constant(3)),
        ]
    seal_sources = [Source("seal-mx", lead_time=Constant(2))]
    if alternates:
        seal_sources.append(Source("seal-mx2", lead_time=Constant(2), alternate=True, share=0.0))
    return Network(
        name="pump works",
        regions=(Region("tw", "Taiwan"), Region("mx", "Mexico")),
        suppliers=(
            Supplier("seal-mx", "Seals", region="mx", ttr=Constant(10)),
            Supplier("seal-mx2", "Seals too", region="mx", ttr=Constant(10)),
            Supplier("valve-mx", "Valves MX", region="mx", ttr=Constant(10)),
            Supplier("valve-tw", "Valves TW", region="tw", ttr=Constant(30)),
            Supplier("valve-tw2", "Valves TW 2", region="tw", ttr=Constant(30)),
        ),
        items=(
            Item("valve", PART, stock=12, policy=Policy("base_stock", level=16),
                 sources=tuple(valve_sources)),
            Item("seal", PART, stock=40, policy=Policy("base_stock", level=40),
                 sources=tuple(seal_sources)),
            Item("pump", PRODUCT, stock=6, policy=Policy("base_stock", level=8),
                 bom=(("seal", 1), ("valve", 1)), demand=Demand(rate=2.0), price=100.0),
        ),
    )


def pump_scenario(**changes) -> Scenario:
    disaster = Disruption("tw-quake", "disaster", Target("region", "tw"),
                          at=Uniform(20.0, 60.0), duration=Constant(30))
    fields = dict(name="pump quake", network=pump_network(), horizon=120.0,
                  replications=REPLICATIONS, seed=11, disruptions=(disaster,))
    fields.update(changes)
    return Scenario(**fields)


def evaluate(scenario: Scenario):
    baseline = run_scenario(scenario, workers=1)
    tables = cf.evaluate(baseline, executor=SerialExecutor())
    return baseline, tables


@pytest.fixture(scope="module")
def quake():
    return evaluate(pump_scenario())


def row(tables, supplier: str):
    [found] = [o for o in tables.alternates if o.supplier == supplier]
    return found


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


def test_same_region_alternate_beside_a_distant_one_is_worth_nothing(quake):
    _, tables = quake
    near = row(tables, "valve-tw2")
    assert near.effect.backorder_units_avoided.mean == 0.0
    assert tables.all_alternates.backorder_units_avoided.mean == pytest.approx(
        row(tables, "valve-mx").alone.backorder_units_avoided.mean)


def test_an_alternate_never_used_changes_nothing_at_all(quake):
    _, tables = quake
    seal = row(tables, "seal-mx2")
    effect = seal.effect
    assert effect.changed_replications == 0
    assert effect.backorder_units_avoided.mean == 0.0
    assert effect.backorder_units_avoided.ci95 == (0.0, 0.0)
    assert effect.fill_rate_gain.mean == 0.0
    assert "never needed" in seal.why


def test_removing_an_unused_alternate_gives_identical_replications():
    scenario = pump_scenario(replications=6)
    baseline = run_scenario(scenario, workers=1)
    without = run_scenario(cf.without_alternate(scenario, "seal", "seal-mx2"), workers=1,
                           series=False)
    assert baseline.samples.values["product"] == without.samples.values["product"]


def test_pairing_narrows_the_interval():
    # Lumpy orders over a long horizon: most of the variation in backorders comes from
    # demand, which both arms share; the alternate's effect is nearly the same in every
    # replication, so the paired interval is much narrower than the unpaired one.
    import dataclasses

    from riskmap.dists import Empirical

    network = pump_network()
    lumpy = Demand(rate=1.0, size=Empirical((1.0, 2.0, 6.0), (6.0, 3.0, 1.0)))
    items = tuple(dataclasses.replace(i, demand=lumpy, policy=Policy("base_stock", level=6))
                  if i.id == "pump" else i for i in network.items)
    _, tables = evaluate(pump_scenario(network=dataclasses.replace(network, items=items),
                                       horizon=360.0))
    effect = row(tables, "valve-mx").effect
    low, high = effect.backorder_units_avoided.ci95
    unpaired_low, unpaired_high = effect.unpaired_ci95
    # same runs, same mean; the paired interval removes the variation that
    # both arms share (demand, disaster timing)
    assert (high - low) < 0.5 * (unpaired_high - unpaired_low)


def test_all_alternates_together_against_none(quake):
    _, tables = quake
    together = tables.all_alternates.backorder_units_avoided
    assert together.mean > 0 and tables.all_alternates.significant
    # none + (without, alone) x 2 valve lanes; the seal alternate can never
    # take over (its primary is never struck), so its arms are not run
    assert tables.arms == 5


def test_an_alternate_that_cannot_take_over_is_not_run():
    scenario = pump_scenario()
    assert cf.suppliers_that_can_stop(scenario) == {"valve-tw", "valve-tw2"}
    plan = cf.plan_arms(scenario, "auto")
    assert plan.aliases == {"without:seal@seal-mx2": "baseline", "alone:seal@seal-mx2": "none"}
    # the premise, checked by running: test_removing_an_unused_alternate_gives_identical_replications


def test_one_alternate_needs_one_arm():
    # without the lane, and with no alternate at all, are the same network;
    # the lane alone is the scenario as written: one run serves all three
    network = pump_network(alternates=False)
    valve = network.item("valve")
    lone = Source("valve-mx", lead_time=Constant(6), alternate=True, share=0.0)
    items = tuple(i if i.id != "valve" else Item(
        "valve", PART, stock=valve.stock, policy=valve.policy, sources=valve.sources + (lone,))
        for i in network.items)
    scenario = pump_scenario(network=Network(network.name, regions=network.regions,
                                             suppliers=network.suppliers, items=items),
                             replications=4)
    plan = cf.plan_arms(scenario, "auto")
    assert [arm.key for arm in plan.arms] == ["none"]
    assert plan.aliases == {"without:valve@valve-mx": "none", "alone:valve@valve-mx": "baseline"}


def test_paired_effect_of_identical_runs_is_exactly_zero(quake):
    baseline, _ = quake
    effect = cf.paired_effect(baseline.samples, baseline.samples)
    assert effect.backorder_units_avoided.mean == 0.0
    assert effect.changed_replications == 0
    assert not effect.significant


def options_scenario() -> Scenario:
    candidates = (
        # a new supplier in the struck region, sorted before the others: the
        # disaster's duration draws are per supplier, so only registering it in
        # every arm keeps the draws paired
        Candidate(Supplier("aaa-tw", "Valves TW 3", region="tw", ttr=Constant(5)),
                  (("seal", Source("aaa-tw", lead_time=Constant(1), alternate=True,
                                   share=0.0)),)),
        Candidate(Supplier("valve-de", "Valves DE", region="mx", ttr=Constant(5)),
                  (("valve", Source("valve-de", lead_time=Constant(5), alternate=True,
                                    share=0.0)),)),
    )
    what_if = (WhatIf("pump-buffer", Target("product", "pump"), stock=40,
                      policy=Policy("base_stock", level=40)),)
    disaster = Disruption("tw-quake", "disaster", Target("region", "tw"), at=Uniform(20.0, 60.0))
    return pump_scenario(network=pump_network(alternates=False), candidates=candidates,
                         what_if=what_if, disruptions=(disaster,))


@pytest.fixture(scope="module")
def options():
    return evaluate(options_scenario())


def test_candidates_are_evaluated_like_alternates(options):
    _, tables = options
    assert tables.alternates == () and tables.all_alternates is None
    best, idle = tables.candidates
    assert best.supplier == "valve-de" and best.effect.significant
    assert best.effect.backorder_units_avoided.mean > 20
    assert idle.supplier == "aaa-tw"
    assert idle.effect.changed_replications == 0
    assert idle.effect.backorder_units_avoided.ci95 == (0.0, 0.0)


def test_what_if_reports_its_value_per_extra_unit(options):
    _, tables = options
    [buffer] = tables.what_ifs
    assert buffer.id == "pump-buffer"
    assert buffer.extra_units == 32
    avoided = buffer.effect.backorder_units_avoided.mean
    assert avoided > 0
    assert buffer.per_extra_unit == pytest.approx(avoided / 32)


#: fields every row of every table carries (SPEC names first).
ROW_FIELDS = {"supplier", "part", "backorder_units_avoided", "fill_rate_gain",
              "fill_rate_gain_by_product", "lost_revenue_avoided", "significant",
              "unpaired_ci95", "changed_replications", "why", "products"}


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


def test_stock_what_ifs_follow_the_static_map():
    scenario = pump_scenario(replications=8)
    baseline = run_scenario(scenario, workers=1)
    # a static map with one supplier short of its TTR by 54 valves, one that survives
    static = SimpleNamespace(suppliers=(
        exposure("valve-mx", None, 10.0, 0.0, 0.0, extra_stock=None, products=("pump",),
                 single_point_of_failure_for=()),
        exposure("valve-tw", 3.0, 30.0, 5.0, 1.0, extra_stock=ExtraStock(54, (("valve", 54),)),
                 products=("pump",), single_point_of_failure_for=())))
    tables = cf.evaluate(baseline, static, executor=SerialExecutor())
    [stock] = tables.stock
    assert stock.supplier == "valve-tw" and (stock.tts, stock.ttr) == (3.0, 30.0)
    assert dict(stock.items) == {"valve": 54}
    assert stock.extra_units == 54
    assert stock.effect.backorder_units_avoided.mean > 0


def test_changed_copies_leave_the_scenario_alone():
    scenario = options_scenario()
    candidate = scenario.candidates[1]
    extended = cf.with_candidate(scenario, candidate)
    assert [s.supplier for s in extended.network.item("valve").sources] == ["valve-tw", "valve-de"]
    assert "valve-de" in {s.id for s in extended.network.suppliers}
    assert [s.supplier for s in scenario.network.item("valve").sources] == ["valve-tw"]
    held = cf.with_extra_stock(scenario, {"valve": 5})
    assert held.network.item("valve").stock == 17
    assert held.network.item("valve").policy.level == 21


def test_a_primary_candidate_takes_a_share():
    scenario = options_scenario()
    primary = Candidate(Supplier("valve-jp", "Valves JP"),
                        (("valve", Source("valve-jp", lead_time=Constant(5))),))
    shares = [s.share for s in cf.with_candidate(scenario, primary).network.item("valve").sources]
    assert shares == [0.5, 0.5]
    weighted = Candidate(Supplier("valve-jp", "Valves JP"),
                         (("valve", Source("valve-jp", lead_time=Constant(5), share=3.0)),))
    shares = [s.share for s in cf.with_candidate(scenario, weighted).network.item("valve").sources]
    assert shares == [0.25, 0.75]


def test_unpaired_interval_is_welch():
    better = np.array([1.0, 2.0, 3.0, 4.0])
    worse = np.array([3.0, 5.0, 4.0, 8.0])
    low, high = cf.unpaired_interval(better, worse)
    assert (low + high) / 2 == pytest.approx(2.5)
    # Welch: se = sqrt(var(worse)/4 + var(better)/4)
    se = np.sqrt(np.var(worse, ddof=1) / 4 + np.var(better, ddof=1) / 4)
    assert 2 * se < (high - low) / 2 < 4 * se


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
    tables = cf.evaluate(baseline, executor=SerialExecutor())
    helps, same_region, unused = tables.alternates
    assert (helps.supplier, helps.effect.significant) == ("valve-mx", True)
    assert same_region.supplier == "motor-tw2" and not same_region.effect.significant
    assert "same region as primary 'motor-tw'" in same_region.why
    assert unused.supplier == "seal-pl" and unused.effect.changed_replications == 0
    assert [c.supplier for c in tables.candidates] == ["motor-vn"]
    assert [w.id for w in tables.what_ifs] == ["motor-buffer"]


def test_without_any_stoppage_no_arm_runs_and_every_value_is_zero():
    scenario = pump_scenario(disruptions=(), replications=4)
    baseline = run_scenario(scenario, workers=1)
    tables = cf.evaluate(baseline, executor=SerialExecutor())
    assert tables.arms == 0
    assert len(tables.alternates) == 3
    for option in tables.alternates:
        assert option.effect.backorder_units_avoided.ci95 == (0.0, 0.0)
        assert option.effect.changed_replications == 0
    assert tables.all_alternates.changed_replications == 0


def test_a_switched_off_lane_keeps_every_draw_paired():
    # a recurring delay of the valve draws one duration per lane of the part,
    # in supplier order, from one stream: the lane must stay in the network
    delay = Disruption("valve-delays", "delay", Target("part", "valve"), rate=0.05,
                       duration=Uniform(2.0, 9.0), lead_time_factor=2.0)
    scenario = pump_scenario(disruptions=(delay,), replications=6)
    baseline = run_scenario(scenario, workers=1, series=False)
    off = cf.switched_off(scenario, [("valve", "valve-mx"), ("valve", "valve-tw2")])
    assert [s.activation_delay.mean for s in off.network.item("valve").alternates] == [
        float("inf"), float("inf")]
    paired = run_scenario(off, workers=1, series=False)
    assert paired.samples.values == baseline.samples.values


def test_tables_are_the_same_for_any_worker_count():
    from riskmap.run.executors import ProcessExecutor

    scenario = pump_scenario(replications=6)
    baseline = run_scenario(scenario, workers=1)
    serial = cf.evaluate(baseline, executor=SerialExecutor())
    parallel = cf.evaluate(baseline, executor=ProcessExecutor(2))
    assert json.dumps(serial.to_dict(), sort_keys=True) == \
        json.dumps(parallel.to_dict(), sort_keys=True)
