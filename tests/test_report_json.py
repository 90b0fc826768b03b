"""report.json: pinned keys, canonical bytes, atomic writing."""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from riskmap.dists import Constant, Uniform
from riskmap.run.executors import SerialExecutor
from riskmap.model import (
    PART, PRODUCT, Demand, Disruption, Item, Network, Policy, Scenario, Source, Supplier, Target)
from riskmap.run.montecarlo import run_scenario
from riskmap.analysis import risk_map
from riskmap.report.build import build_report
from riskmap.report.build import file_record
from riskmap.report.content import FileRecord, json_safe
from riskmap.report.json import dumps, read_report, write_atomic, write_report

pytestmark = pytest.mark.golden

SPEC_PRODUCT_KEYS = {"fill_rate", "backorder_probability", "backorder_units", "backlog_days",
                     "lost_units"}


def small_scenario(replications: int = 6) -> Scenario:
    """One product made from one bought part; its supplier stops for a while."""
    network = Network(
        name="small",
        suppliers=(Supplier("acme", "Acme", ttr=Constant(10)),),
        items=(
            Item("bolt", PART, stock=20, policy=Policy("base_stock", level=20),
                 sources=(Source("acme", lead_time=Constant(3)),)),
            Item("lamp", PRODUCT, stock=5, policy=Policy("base_stock", level=5),
                 bom=(("bolt", 2),), demand=Demand(rate=2.0)),
        ),
    )
    outage = Disruption("fire", "outage", Target("supplier", "acme"), at=Constant(10),
                        duration=Uniform(5, 15))
    return Scenario(name="small", network=network, horizon=40, replications=replications,
                    seed=3, disruptions=(outage,))


@pytest.fixture(scope="module")
def summary():
    return run_scenario(small_scenario(), executor=SerialExecutor())


@pytest.fixture(scope="module")
def built(summary):
    return build_report(summary, risk_map(summary.scenario.network))


@pytest.fixture(scope="module")
def report(built):
    return built.to_dict()


#: the keys of a statistic that varies by replication.
ESTIMATE_KEYS = {"mean", "ci95", "n", "unit", "p50", "p90", "p95", "p50_ci95", "p90_ci95",
                 "p95_ci95"}


def test_top_level_and_scenario_keys_are_pinned(report):
    assert set(report) == {"format", "scenario", "network", "products", "parts", "suppliers",
                           "regions", "alternates", "series", "statistics", "totals",
                           "risk_matrix"}
    assert report["format"] == 1
    assert set(report["scenario"]) == {"name", "network", "seed", "replications", "horizon",
                                       "warmup", "time_unit", "alternates", "riskmap_version",
                                       "files", "disruptions"}
    scenario = report["scenario"]
    assert (scenario["name"], scenario["seed"], scenario["replications"],
            scenario["horizon"]) == ("small", 3, 6, 40)
    assert scenario["files"] == {"scenario": None, "network": None}  # built in memory


def test_product_statistics_are_pinned(report):
    lamp = report["products"]["lamp"]
    assert SPEC_PRODUCT_KEYS <= set(lamp)
    for name in SPEC_PRODUCT_KEYS - {"backorder_probability"}:
        assert set(lamp[name]) == ESTIMATE_KEYS, name
    assert set(lamp["backorder_probability"]) == {"mean", "ci95", "n", "unit"}
    for name, est in lamp.items():
        assert len(est["ci95"]) == 2, name
    assert 0.0 <= lamp["fill_rate"]["mean"] <= 1.0
    assert lamp["backlog_days"]["unit"] == "unit-days"


def test_suppliers_carry_static_and_simulated_figures(report):
    acme = report["suppliers"]["acme"]
    assert {"tts", "ttr", "pi", "rei", "down_time", "units_not_delivered"} <= set(acme)
    # the outage lasts 5 to 15 days in every replication
    assert 5.0 <= acme["down_time"]["mean"] <= 15.0
    assert report["parts"]["bolt"]["stock_out_time"]["unit"] == "days"


def test_network_and_disruptions_as_in_the_files(report):
    network = report["network"]
    assert [p["id"] for p in network["parts"]] == ["bolt"]
    lamp = network["products"][0]
    assert lamp["bom"] == {"bolt": 2} and lamp["policy"] == {"type": "base_stock", "level": 5}
    assert lamp["demand"]["rate"] == 2.0 and lamp["demand"]["size"] == 1
    assert network["parts"][0]["sources"][0]["lead_time"] == 3
    assert report["scenario"]["disruptions"] == [{
        "id": "fire", "kind": "outage", "target": {"supplier": "acme"}, "at": 10,
        "duration": {"dist": "uniform", "min": 5, "max": 15}, "probability": 1.0, "rate": None,
        "lead_time_factor": 1.0, "capacity_factor": 1.0, "factor": 1.0}]


def test_alternates_empty_until_counterfactuals_exist(report):
    assert report["alternates"] == []


def test_series_bands_per_product(report):
    series = report["series"]
    assert series["times"] == list(range(41))
    assert series["replications"] == 6
    band = series["products"]["lamp"]["on_hand"]
    assert set(band) == {"p5", "p25", "p50", "p75", "p95"}
    assert all(len(v) == 41 for v in band.values())
    assert all(a <= b for a, b in zip(band["p5"], band["p95"]))
    assert band["p50"][0] == 5.0  # initial stock at time 0 in every replication


def test_same_inputs_give_the_same_bytes(built):
    summary = run_scenario(small_scenario(), executor=SerialExecutor())
    again = build_report(summary, risk_map(summary.scenario.network))
    assert dumps(built) == dumps(again)


def test_read_back_is_the_report_written(built, tmp_path):
    path = write_report(built, tmp_path)
    again = read_report(str(path))
    assert again.to_dict() == built.to_dict()
    assert again.products == built.products and again.suppliers == built.suppliers


def test_text_is_canonical(built):
    text = dumps(built)
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, allow_nan=False,
                              ensure_ascii=False) + "\n"
    assert "NaN" not in text and "Infinity" not in text


def test_non_finite_and_numpy_values_become_plain_json():
    safe = json_safe({"a": np.float64(math.inf), "b": np.int64(3),
                                   "c": (np.bool_(True), float("nan")), 4: "x"})
    assert safe == {"a": None, "b": 3, "c": [True, None], "4": "x"}
    assert type(safe["b"]) is int


def test_write_report_in_a_new_directory(tmp_path, built):
    path = write_report(built, tmp_path / "out" / "nested")
    assert path.name == "report.json"
    assert path.read_text(encoding="utf-8") == dumps(built)
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.json"]
    assert (path.stat().st_mode & 0o777) == 0o644


def test_failed_write_leaves_the_previous_report_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("previous\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new\n")
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_file_records_hold_base_name_and_sha256(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"riskmap: 1\n")
    record = file_record(str(path))
    assert record == FileRecord("plan.yaml", hashlib.sha256(b"riskmap: 1\n").hexdigest())
    assert file_record("<memory>") is None


def test_statistics_section_states_units(report):
    units = {k: v["unit"] for k, v in report["statistics"].items()}
    assert units["product.fill_rate"] == "ratio"
    assert units["product.longest_wait"] == "days"
    assert units["supplier.units_not_delivered"] == "units"


def test_no_absolute_paths_in_the_report(tmp_path, built):
    assert str(Path.cwd()) not in dumps(built)
    assert "/tmp" not in dumps(built)


#: the figures of docs/customers.md, under every product.
CUSTOMER_KEYS = {"wait", "wait_p50", "wait_p90", "wait_p95", "eta_kept", "eta_slip",
                 "eta_revisions", "substituted_units", "substitute_units_supplied",
                 "lost_revenue", "lost_margin", "backorder_cost", "lost_sale_cost", "total_cost"}


def test_customer_figures_are_pinned(report):
    lamp = report["products"]["lamp"]
    assert CUSTOMER_KEYS <= set(lamp)
    for name in CUSTOMER_KEYS:
        assert set(lamp[name]) == ESTIMATE_KEYS, name
    assert lamp["wait"]["unit"] == "days" and lamp["eta_kept"]["unit"] == "ratio"
    assert lamp["total_cost"]["unit"] == "money"
    assert set(report["totals"]) == {"lost_units", "substituted_units", "lost_revenue",
                                     "lost_margin", "backorder_cost", "lost_sale_cost",
                                     "total_cost"}


def test_totals_add_up_the_products():
    # Two products with prices and costs; impatient customers so that units are lost.
    network = Network(
        name="two",
        suppliers=(Supplier("acme", "Acme", ttr=Constant(10)),),
        items=tuple(
            Item(pid, PRODUCT, stock=3, policy=Policy("base_stock", level=3),
                 sources=(Source("acme", lead_time=Constant(4)),), price=price, margin=margin,
                 backorder_cost=1.0, lost_sale_cost=2.0,
                 demand=Demand(rate=1.0, patience=Constant(2.0)))
            for pid, price, margin in (("a", 100.0, 30.0), ("b", 50.0, 10.0))),
    )
    scenario = Scenario(name="two", network=network, horizon=60, replications=5, seed=2)
    built = build_report(run_scenario(scenario, executor=SerialExecutor())).to_dict()
    products, totals = built["products"], built["totals"]
    for name in ("lost_units", "lost_revenue", "lost_margin", "backorder_cost", "total_cost"):
        assert totals[name]["mean"] == pytest.approx(
            products["a"][name]["mean"] + products["b"][name]["mean"], abs=1e-5), name
    assert totals["lost_units"]["mean"] > 0
    a = products["a"]
    assert a["total_cost"]["mean"] == pytest.approx(
        a["lost_margin"]["mean"] + a["backorder_cost"]["mean"] + a["lost_sale_cost"]["mean"],
        abs=1e-5)
    assert a["lost_revenue"]["mean"] == pytest.approx(100.0 * a["lost_units"]["mean"], abs=1e-4)
