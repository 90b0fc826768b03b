"""Customer classes in every report: report.json ``products.<id>.classes``, the per-class tables, re-rendering."""

from __future__ import annotations

import json

import pytest

from riskmap.cli.main import main

pytestmark = pytest.mark.cli

SCENARIO = """\
riskmap: 1
name: classes
horizon: 120
replications: 8
network:
  suppliers: [{id: s}]
  products:
    - id: p
      stock: 2
      allocation: priority
      policy: {type: base_stock, level: 3}
      sources: [{supplier: s, lead_time: 3}]
      demand:
        - {class: key_acct, priority: 1, rate: 0.3}
        - {class: web, priority: 2, rate: 0.8}
      updates: {every: 3}
      inquiries: {rate: 0.5}
    - id: q
      stock: 2
      policy: {type: base_stock, level: 3}
      sources: [{supplier: s, lead_time: 3}]
      demand: {rate: 1}
"""


@pytest.fixture
def run_dir(write, tmp_path):
    path = write("s.yaml", SCENARIO)
    out = tmp_path / "out"
    assert main(["run", path, "--out", str(out), "--workers", "1", "-q"]) == 0
    return out


def test_report_json_has_the_class_figures_of_products_with_classes_only(run_dir):
    data = json.loads((run_dir / "report.json").read_text())
    classes = data["products"]["p"]["classes"]
    assert sorted(classes) == ["key_acct", "web"]
    assert set(classes["web"]) >= {"fill_rate", "backorder_probability", "backorder_units",
                                   "backlog_days", "lost_units", "wait", "eta_kept"}
    assert "classes" not in data["products"]["q"]
    products = {i["id"]: i for i in data["network"]["products"]}
    assert products["p"]["allocation"] == "priority"
    assert [c["class"] for c in products["p"]["demand"]] == ["key_acct", "web"]
    assert "allocation" not in products["q"] and isinstance(products["q"]["demand"], dict)
    # the classes add up to the product (means over the same replications)
    total = sum(classes[c]["ordered_units"]["mean"] for c in classes)
    assert total == pytest.approx(data["products"]["p"]["ordered_units"]["mean"], abs=1e-5)


def test_updates_and_inquiries_only_under_the_products_that_model_them(run_dir):
    data = json.loads((run_dir / "report.json").read_text())
    keys = ("updates_sent", "updates_missed", "inquiries", "inquiries_per_day",
            "inquiries_peak_day")
    assert all(key in data["products"]["p"] for key in keys)
    assert not any(key in data["products"]["q"] for key in keys)
    assert data["statistics"]["product.inquiries"]["unit"] == "contacts"
    products = {i["id"]: i for i in data["network"]["products"]}
    assert products["p"]["updates"] == {"every": 3, "on_revision": True}
    assert "updates" not in products["q"] and "inquiries" not in products["q"]
    assert "| inquiries |" in (run_dir / "report.md").read_text()


def test_the_reports_have_a_table_per_class_first_served_first(run_dir):
    md = (run_dir / "report.md").read_text()
    head = "| class | priority | fill rate | P(backorder) | backordered units | mean wait |"
    assert md.count(head) == 1
    rows = md[md.index(head):].splitlines()[2:4]
    assert rows[0].startswith("| key\\_acct | 1 |") and rows[1].startswith("| web | 2 |")
    assert md.count("Per customer class, served by priority, first served first") == 1
    html = (run_dir / "report.html").read_text()
    assert html.count("Per customer class, served by priority, first served first") == 1
    assert "<td>key_acct</td><td class=\"num\">1</td>" in html


def test_riskmap_report_renders_the_same_class_tables(run_dir, tmp_path):
    again = tmp_path / "again"
    assert main(["report", str(run_dir / "report.json"), "--out", str(again), "-q"]) == 0
    assert (again / "report.md").read_bytes() == (run_dir / "report.md").read_bytes()
    assert (again / "report.html").read_bytes() == (run_dir / "report.html").read_bytes()


def test_a_class_table_that_is_not_estimates_is_named(run_dir, tmp_path):
    data = json.loads((run_dir / "report.json").read_text())
    data["products"]["p"]["classes"]["web"]["fill_rate"] = "high"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    assert main(["report", str(bad), "--out", str(tmp_path / "x"), "-q"]) == 2
