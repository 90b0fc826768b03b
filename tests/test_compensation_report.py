"""Compensation in the reports: the per-rule figures and the row "without this rule", paired."""

from __future__ import annotations

import json

import pytest

from riskmap.cli.main import main
from riskmap.load import load_scenario
from riskmap.options.plan import plan_arms
from riskmap.options.variants import without_rule

pytestmark = pytest.mark.cli

SCENARIO = """\
riskmap: 1
name: compensation
horizon: 200
replications: 12
network:
  suppliers: [{id: s, capacity: 0.9}]
  products:
    - id: p
      stock: 2
      price: 100
      margin: 30
      policy: {type: base_stock, level: 4, review_period: 5}
      sources: [{supplier: s, lead_time: 3}]
      demand: {rate: 0.8, patience: {dist: exponential, mean: 6}}
      compensation:
        - {id: sorry, when: broken_promise, offer: credit, amount: 5, acceptance: 0.8,
           prevents_cancellation: true}
        - {id: refund, when: waited, after: 2, offer: refund, share: 0.5, acceptance: 0.9,
           extends_patience: 1}
"""


def test_the_arm_without_a_rule_removes_that_rule_only(write):
    scenario = load_scenario(write("s.yaml", SCENARIO))
    changed = without_rule(scenario, "p", "sorry")
    assert [r.id for r in changed.network.item("p").compensation] == ["refund"]
    assert changed.network.item("p").demand == scenario.network.item("p").demand
    keys = [arm.key for arm in plan_arms(scenario, "auto").arms]
    assert keys == ["without_rule:p/sorry", "without_rule:p/refund"]


def test_each_rule_gets_its_figures_and_a_row_saying_whether_it_pays(write, tmp_path):
    out = tmp_path / "out"
    assert main(["run", write("s.yaml", SCENARIO), "--out", str(out), "--workers", "1",
                 "-q"]) == 0
    data = json.loads((out / "report.json").read_text())
    p = data["products"]["p"]
    assert p["compensated_orders"]["mean"] > 0 and p["compensation_cost"]["unit"] == "money"
    assert sorted(p["compensation"]) == ["refund", "sorry"]
    rows = {r["id"]: r for r in data["compensation"]}
    for rule in ("sorry", "refund"):
        assert rows[rule]["compensation_cost"]["mean"] == pytest.approx(
            p["compensation"][rule]["compensation_cost"]["mean"], abs=1e-5)
        row = rows[rule]
        assert row["net"]["mean"] == pytest.approx(
            row["margin_kept"]["mean"] - row["compensation_cost"]["mean"], abs=1e-4)
        assert row["margin_kept"]["mean"] == pytest.approx(
            30 * row["cancellations_avoided"]["mean"], abs=1e-4)
    # a refund of half the price to nearly every late order costs far more than it keeps
    assert rows["refund"]["net"]["ci95"][1] < 0
    assert "does not pay" in rows["refund"]["why"]
    md = (out / "report.md").read_text()
    assert "Compensation rules, best first" in md and "refund: refund when waited" in md
    # re-rendered from report.json alone, the same
    again = tmp_path / "again"
    assert main(["report", str(out / "report.json"), "--out", str(again), "-q"]) == 0
    assert (again / "report.md").read_bytes() == (out / "report.md").read_bytes()
