"""The risk matrix's simulated impact: each supplier's stops against the scenario in which it never stops."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.analysis import risk_map
from riskmap.cli.main import main
from riskmap.dists import Constant
from riskmap.graph import supply_graph
from riskmap.model import (Demand, Disruption, Item, Network, Policy, Region, Scenario, Source,
                           Supplier, Target)
from riskmap.options import evaluate, plan_arms
from riskmap.options.variants import spared
from riskmap.report.build import build_report
from riskmap.report.content import Report, check_shape
from riskmap.run.montecarlo import run_scenario
from riskmap.sim.disruptions import draw_plan
from riskmap.sim.engine import simulate
from riskmap.sim.streams import Streams
from tests.test_sim_properties import scenarios

SEED = np.random.SeedSequence(0)


def _product(pid, supplier, price):
    # stock 3, base stock 3, lead time 2, one order a day, lost sales (patience 0)
    return Item(pid, "product", stock=3, policy=Policy("base_stock", level=3),
                sources=(Source(supplier, lead_time=Constant(2)),), price=price,
                demand=Demand(interval=Constant(1), patience=Constant(0)))


def quake_scenario(replications: int = 3) -> Scenario:
    """Two suppliers of one region, each the only source of one product; a quake stops both.

    Hand trace for one product (the suppliers are alike; docs/simulation.md's conventions:
    orders at t = 1, 2, ...; the quake is over [2.5, 5.5); horizon 10):
    t=1, 2: filled from stock, replenishments arrive at 3 and 4. t=3, 4: receipt, order
    filled, replenishment held by the quake: ships at 5.5, arrives at 7.5. t=5: the last
    unit goes, held too. t=6, 7: no stock, the sale is lost (nothing is reordered for a
    lost sale). t=7.5: three units arrive; t=8, 9 are filled. So 2 units are lost, and
    none without the quake: sparing s1 saves 2 x price 10 = 20 of lost revenue (p only),
    sparing s2 2 x 7 = 14 (q only), in every replication (nothing is random).
    """
    network = Network(
        "quake", regions=(Region("r", "R"),),
        suppliers=(Supplier("s1", "S1", region="r", ttr=Constant(3)),
                   Supplier("s2", "S2", region="r", ttr=Constant(3))),
        items=(_product("p", "s1", 10.0), _product("q", "s2", 7.0)))
    quake = Disruption("quake", "disaster", Target("region", "r"), at=Constant(2.5),
                       duration=Constant(3))
    return Scenario("quake", network, horizon=10.0, replications=replications, seed=3,
                    disruptions=(quake,))


QUAKE_NETWORK = """\
riskmap: 1
name: quake
time_unit: day
regions: [{id: r, name: R}]
suppliers:
  - {id: s1, name: S1, region: r, ttr: 3}
  - {id: s2, name: S2, region: r, ttr: 3}
products:
  - id: p
    stock: 3
    policy: {type: base_stock, level: 3}
    sources: [{supplier: s1, lead_time: 2}]
    price: 10
    demand: {interval: 1, patience: 0}
  - id: q
    stock: 3
    policy: {type: base_stock, level: 3}
    sources: [{supplier: s2, lead_time: 2}]
    price: 7
    demand: {interval: 1, patience: 0}
"""

QUAKE_SCENARIO = """\
riskmap: 1
name: quake
network: network.yaml
horizon: 10
replications: 3
seed: 3
disruptions:
  - {id: quake, kind: disaster, target: {region: r}, at: 2.5, duration: 3}
"""


@pytest.mark.hand
def test_sparing_one_supplier_of_a_region_takes_it_out_of_the_disaster_only():
    scenario = quake_scenario()
    base = simulate(scenario, SEED)
    one = simulate(spared(scenario, "s1"), SEED)
    assert (base.products["p"].lost_units, base.products["q"].lost_units) == (2, 2)
    assert (one.products["p"].lost_units, one.products["q"].lost_units) == (0, 2)
    assert (base.products["p"].lost_revenue, one.products["q"].lost_revenue) == (20.0, 14.0)
    assert one.suppliers["s1"].down_time == 0.0
    assert one.suppliers["s2"].down_time == pytest.approx(3.0)


@pytest.mark.hand
def test_the_matrix_scores_the_lost_revenue_each_suppliers_stops_cause():
    scenario = quake_scenario()
    static = risk_map(scenario.network)
    plan = plan_arms(scenario, scenario.alternates, static)
    assert [arm.key for arm in plan.arms] == ["spared:s1", "spared:s2"]
    summary = run_scenario(scenario, workers=1, series=False)
    matrix = build_report(summary, static, evaluate(summary, static, plan=plan,
                                                    workers=1)).risk_matrix
    s1, s2 = matrix.suppliers["s1"], matrix.suppliers["s2"]
    assert matrix.score_unit == "money" and matrix.simulated
    assert (s1.likelihood, s2.likelihood) == (1.0, 1.0)
    assert s1.simulated.lost_revenue.mean == 20.0 and s1.simulated.lost_revenue.ci95 == (20.0, 20.0)
    assert s1.simulated.lost_revenue.n == 3
    assert s1.simulated.impact.mean == 20.0  # lost revenue when it stops: / likelihood 1
    assert [(p, e.mean) for p, e in s1.simulated.products] == [("p", 20.0)]
    assert s2.simulated.lost_revenue.mean == 14.0
    assert (s1.score, s2.score) == (20.0, 14.0)
    # PI is in units here (no margin), so only the simulation scores
    assert (s1.breakdown.simulated, s1.breakdown.pi, s1.breakdown.drives) == (20.0, None,
                                                                              "simulated")
    assert s1.simulated.backorder_units.mean == 0.0  # lost sales: nobody waits
    assert s1.simulated.lost_margin is None  # no margin
    assert (matrix.products["p"].score, matrix.products["q"].score) == (20.0, 14.0)
    assert matrix.simulation.cap == 8 and matrix.simulation.left_out == ()


@pytest.mark.hand
def test_the_cap_leaves_the_less_likely_suppliers_out_and_says_so():
    scenario = quake_scenario()
    # both stopped for sure, with the same static PI and spend: the id decides
    static = risk_map(scenario.network)
    plan = plan_arms(scenario, scenario.alternates, static, matrix_arms=1)
    assert plan.spared == ("s1",) and plan.spared_left_out == ("s2",)
    rare = Disruption("rare", "outage", Target("supplier", "s2"), probability=0.5,
                      at=Constant(1.0), duration=Constant(1))
    only_s2 = Scenario("rare", scenario.network, horizon=10.0, disruptions=(rare,))
    plan = plan_arms(only_s2, "auto", static, matrix_arms=0)
    assert plan.arms == [] and plan.spared_left_out == ("s2",)
    assert plan_arms(only_s2, "auto", None).spared == ()  # no static map, no matrix impact


@pytest.mark.hand
def test_a_scenario_without_stops_plans_no_arm_and_writes_no_simulated_key():
    scenario = Scenario("calm", quake_scenario().network, horizon=10.0, replications=2)
    static = risk_map(scenario.network)
    summary = run_scenario(scenario, workers=1, series=False)
    options = evaluate(summary, static, workers=1)
    assert options.arms == 0
    data = build_report(summary, static, options).to_dict()["risk_matrix"]
    assert "simulation" not in data
    assert all("simulated" not in s and "breakdown" not in s for s in data["suppliers"].values())
    assert data["score_unit"] == data["impact_unit"]


@pytest.mark.property
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1), which=st.sampled_from(["s0", "s1", "s2"]))
def test_a_spared_supplier_is_never_down_and_changes_nothing_where_it_was_never_down(
        scenario, seed, which):
    # What holds, replication by replication. Not that the spared run loses less: when a
    # stop moves when orders are placed, later draws of a lane's lead-time stream go to
    # other orders, so one replication can come out better with the stop than without.
    ss = np.random.SeedSequence(seed)
    other = spared(scenario, which)
    plan, plan_spared = draw_plan(scenario, Streams(ss)), draw_plan(other, Streams(ss))
    assert plan_spared.down[which] == ()
    through = supply_graph(scenario.network).dependents({which})
    for sid in plan.down:
        if sid not in through:  # suppliers that do not depend on it see the same stops
            assert plan_spared.down[sid] == plan.down[sid], sid
    if plan.down[which] == ():
        base, arm = simulate(scenario, ss), simulate(other, ss)
        assert base.products == arm.products and base.suppliers == arm.suppliers


@pytest.fixture()
def quake_file(tmp_path):
    (tmp_path / "network.yaml").write_text(QUAKE_NETWORK)
    path = tmp_path / "quake.yaml"
    path.write_text(QUAKE_SCENARIO)
    return path


@pytest.mark.cli
def test_run_writes_the_simulated_matrix_and_report_renders_it_again(quake_file, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(quake_file), "--out", str(out), "--workers", "1", "-q"]) == 0
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    check_shape(data)
    matrix = data["risk_matrix"]
    assert matrix["score_unit"] == "money" and matrix["simulation"] == {"cap": 8, "left_out": []}
    s1 = matrix["suppliers"]["s1"]
    assert s1["score"] == 20.0
    assert s1["breakdown"] == {"simulated": 20.0, "pi": None, "drives": "simulated"}
    assert s1["simulated"]["lost_revenue"] == {"mean": 20.0, "ci95": [20.0, 20.0], "n": 3}
    assert s1["simulated"]["impact"]["mean"] == 20.0
    assert s1["simulated"]["products"] == [
        {"product": "p", "lost_revenue": {"mean": 20.0, "ci95": [20.0, 20.0], "n": 3}}]
    assert sorted(s1) == sorted(["likelihood", "impact", "score", "spend", "causes",
                                 "lost_revenue", "down_time", "window", "pi", "products",
                                 "simulated", "breakdown"])
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| 1 | S1 | 100.0% | 20 \\[20, 20\\] |" in md
    assert "The stops of 2 suppliers were simulated" in md
    read_back = Report.from_dict(data).risk_matrix.to_dict()
    assert json.loads(json.dumps(read_back)) == matrix
    # riskmap report renders the same files from report.json alone
    again = tmp_path / "again"
    assert main(["report", str(out / "report.json"), "--out", str(again)]) == 0
    assert (again / "report.md").read_text(encoding="utf-8") == md
    assert ((again / "report-figures" / "risk-matrix.svg").read_bytes()
            == (out / "report-figures" / "risk-matrix.svg").read_bytes())
    svg = (out / "report-figures" / "risk-matrix.svg").read_text(encoding="utf-8")
    assert "simulated lost revenue when it stops" in svg


@pytest.mark.cli
def test_matrix_arms_caps_the_runs_and_the_report_names_the_rest(quake_file, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(quake_file), "--out", str(out), "--workers", "1", "-q",
                 "--matrix-arms", "1"]) == 0
    matrix = json.loads((out / "report.json").read_text(encoding="utf-8"))["risk_matrix"]
    assert matrix["simulation"] == {"cap": 1, "left_out": ["s2"]}
    assert matrix["suppliers"]["s2"]["score"] is None and "simulated" not in matrix["suppliers"]["s2"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "Not simulated (beyond the cap of 1): s2 (riskmap run --matrix-arms N sets how many)." in md
    # without counterfactuals the matrix is the static one, as before
    out = tmp_path / "static"
    assert main(["run", str(quake_file), "--out", str(out), "--workers", "1", "-q",
                 "--no-counterfactuals"]) == 0
    matrix = json.loads((out / "report.json").read_text(encoding="utf-8"))["risk_matrix"]
    assert "simulation" not in matrix and matrix["score_unit"] == matrix["impact_unit"] == "units"


def _row(sid, likelihood, impact, lost_revenue=None):
    from riskmap.analysis.matrix import Simulated, SupplierRisk
    from riskmap.stats import Estimate

    simulated = None
    if lost_revenue is not None:
        simulated = Simulated(Estimate(lost_revenue, (lost_revenue, lost_revenue), 4, "money",
                                       has_percentiles=False),
                              Estimate(0.0, (0.0, 0.0), 4, "units", has_percentiles=False))
    return SupplierRisk(sid, likelihood, impact, None, 0.0, simulated=simulated)


@pytest.mark.hand
def test_a_money_score_is_the_larger_part_and_says_which():
    from riskmap.analysis.matrix import money_scores
    from riskmap.report.views.matrix import drives_text

    rows = {"a": _row("a", 0.5, 100.0, 30.0),  # PI part 0.5 x 100 = 50 > 30 simulated
            "b": _row("b", 1.0, 10.0, 40.0),   # 40 simulated > 10
            "c": _row("c", 0.2, 5.0),          # not simulated (beyond the cap): PI part 1
            "d": _row("d", 0.0, 7.0),          # nothing stops it
            "e": _row("e", 1.0, 0.0, -5.0)}    # a negative estimate counts 0
    scored = money_scores(rows, pi_in_money=True)
    got = {sid: (r.score, r.breakdown.simulated, r.breakdown.pi, r.breakdown.drives)
           for sid, r in scored.items()}
    assert got == {"a": (50.0, 30.0, 50.0, "pi"), "b": (40.0, 40.0, 10.0, "simulated"),
                   "c": (1.0, None, 1.0, "pi"), "d": (0.0, None, 0.0, None),
                   "e": (0.0, 0.0, 0.0, None)}
    assert drives_text(scored["a"]) == "PI (static)" and drives_text(scored["d"]) == "–"
    # PI in units is not money: only the simulation scores, an unsimulated stop has none
    scored = money_scores(rows, pi_in_money=False)
    assert (scored["a"].score, scored["a"].breakdown.drives) == (30.0, "simulated")
    assert scored["c"].score is None and scored["d"].score == 0.0


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(bubbles=st.lists(st.tuples(st.floats(70, 556), st.floats(30, 310), st.floats(3, 16),
                                  st.integers(1, 30)), min_size=1, max_size=20))
def test_labels_never_overlap_and_stay_in_the_picture(bubbles):
    from riskmap.report.charts.matrix import label_place

    area = (70.0, 30.0, 572.0, 310.0)
    taken = []
    for cx, cy, radius, letters in bubbles:
        place = label_place(cx, cy, radius, 4.6 * letters, taken, area)
        if place is None:
            continue
        box = place[3]
        assert area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]
        for b in taken:
            assert not (box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3])
        taken.append(box)


@pytest.mark.hand
def test_a_crowded_matrix_labels_at_most_eight_and_draws_the_same_picture_twice():
    import re

    from riskmap.analysis.matrix import RiskMatrix, Simulation
    from riskmap.report.charts.matrix import matrix_chart
    from riskmap.report.content import RunInfo

    rows = {f"supplier-{k:02d}": dataclasses.replace(
                _row(f"supplier-{k:02d}", 0.5 + 0.01 * k, 0.0, 1000.0 + 10 * k),
                score=500.0 + k, spend=100.0)
            for k in range(15)}  # fifteen bubbles within a few points of each other
    rows = {sid: dataclasses.replace(r, simulated=dataclasses.replace(
        r.simulated, impact=r.simulated.lost_revenue)) for sid, r in rows.items()}
    matrix = RiskMatrix("margin", "units", 365.0, rows, {}, {}, "money", Simulation(8))
    report = Report(RunInfo(), Network("n"), {}, risk_matrix=matrix)
    chart = matrix_chart(report)
    assert chart.svg == matrix_chart(report).svg
    labels = re.findall(r"<text[^>]*>(supplier-\d\d[^<]*)<", chart.svg)
    assert 1 <= len(labels) <= 8
    assert "simulated lost revenue when it stops" in chart.svg
