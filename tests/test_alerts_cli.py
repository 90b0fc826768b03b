"""Alerts through the commands: validation, report.json, riskmap check and riskmap report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskmap.cli.main import main
from riskmap.load import check_file
from riskmap.report.content import Report

pytestmark = pytest.mark.cli

#: the hand-traced network of tests/test_alerts_hand.py, as files: one unit a day, a lead
#: time of 5 and an outage from 20 to 30, so on hand falls below 5 at 25 and the product's
#: backorder episode is [30, 35).
SCENARIO = """\
riskmap: 1
name: alerts by hand
horizon: 60
replications: 3
seed: 1
network:
  name: hand
  suppliers: [{id: s}]
  products:
    - id: bike
      stock: 10
      policy: {type: base_stock, level: 10}
      sources: [{supplier: s, lead_time: 5}]
      demand: {interval: 1}
disruptions:
  - {id: fire, kind: outage, target: {supplier: s}, at: 20, duration: 10}
alerts:
  - {id: low-bikes, item: bike, below: 5}
  - {id: early, item: bike, below: 6, measure: on_hand}
expect:
  - {alert: low-bikes, metric: warned_share, min: 1}
  - {alert: low-bikes, metric: warning_lead_time, min: 5}
"""


def _errors(path: str) -> list[str]:
    return [d.format() for d in check_file(path).errors]


def _warnings(path: str) -> list[str]:
    return [d.format() for d in check_file(path).diagnostics if ": warning: " in d.format()]


def test_the_scenario_validates(write):
    path = write("s.yaml", SCENARIO)
    assert _errors(path) == []
    assert not [w for w in _warnings(path) if "alert" in w]


@pytest.mark.parametrize("old,new,line,col,message", [
    ("item: bike, below: 5", "item: bikes, below: 5", 18, 27,
     "unknown part or product 'bikes'; did you mean 'bike'? [unknown-reference]"),
    ("{id: early,", "{id: low-bikes,", 19, 10,
     "duplicate alert id 'low-bikes' (first at line 18); ids must be unique [duplicate-id]"),
    ("below: 6", "below: -1", 19, 36,
     "alerts[1].below: expected a number >= 0, got -1 [value]"),
    ("measure: on_hand", "measure: onhand", 19, 48,
     "alerts[1].measure: the string 'onhand' is not one of on_hand, position, days_of_cover; "
     "did you mean 'on_hand'? [value]"),
    ("{alert: low-bikes, metric: warned_share", "{alert: low-bike, metric: warned_share", 21, 13,
     "unknown alert 'low-bike'; did you mean 'low-bikes'? [unknown-reference]"),
    ("metric: warning_lead_time", "metric: lead_time", 22, 32,
     "expect[1].metric: unknown alert metric 'lead_time'; use one of warned_share, "
     "warning_lead_time, false_alarms_per_year; did you mean 'warning_lead_time'? [value]"),
    ("lead_time: 5}", "lead_time: 0}", 18, 5,
     "alert 'low-bikes': item 'bike' has no replenishment lead time, so the default window "
     "(twice it) is 0; give the rule a 'window' [missing-key]"),
])
def test_bad_rules_are_reported_at_their_position(write, old, new, line, col, message):
    path = write("s.yaml", SCENARIO.replace(old, new))
    errors = _errors(path)
    assert f"{path}:{line}:{col}: error: {message}" in errors, errors


def test_days_of_cover_of_an_item_without_demand_is_a_warning(write):
    text = SCENARIO.replace("      demand: {interval: 1}\n", "").replace(
        "{id: early, item: bike, below: 6, measure: on_hand}",
        "{id: early, item: bike, below: 6, measure: days_of_cover}")
    path = write("s.yaml", text)
    (warning,) = [w for w in _warnings(path) if "alert-no-demand" in w]
    assert warning.startswith(f"{path}:18:48: warning: alert 'early': no product demand reaches")


def _run(tmp_path: Path, text: str) -> tuple[Path, dict]:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--workers", "1", "--quiet", "--out", str(out)]) == 0
    return out, json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_report_json_has_one_entry_per_rule(tmp_path):
    _, report = _run(tmp_path, SCENARIO)
    low, early = report["alerts"]
    assert [low["id"], early["id"]] == ["low-bikes", "early"]
    for entry in (low, early):
        assert {"id", "item", "warned_share", "warning_lead_time", "false_alarms_per_year",
                "suggested_below"} <= set(entry)
        for key in ("warned_share", "warning_lead_time", "false_alarms_per_year"):
            assert {"mean", "ci95"} <= set(entry[key])
    assert (low["warned_share"]["mean"], low["warning_lead_time"]["mean"]) == (1.0, 5.0)
    assert low["false_alarms_per_year"]["mean"] == 0.0
    assert early["false_alarms_per_year"]["mean"] == pytest.approx(365 / 50, abs=1e-6)
    assert low["suggested_below"] == early["suggested_below"] == 5.0
    assert (low["window"], low["lead_time"]) == (10.0, 5.0)


def test_no_alerts_key_without_rules(tmp_path):
    text = SCENARIO.split("alerts:\n")[0]
    _, report = _run(tmp_path, text)
    assert "alerts" not in report


def test_riskmap_report_renders_the_alerts_again(tmp_path):
    out, data = _run(tmp_path, SCENARIO)
    report = Report.from_dict(data)
    assert Report.from_dict(report.to_dict()) == report
    assert report.to_dict()["alerts"] == data["alerts"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "## Low-stock alerts" in markdown and "| low-bikes | bike | on hand below 5 |" in markdown
    assert 'id="alerts"' in html
    again = tmp_path / "again"
    assert main(["report", str(out / "report.json"), "--out", str(again), "--quiet"]) == 0
    assert (again / "report.md").read_text(encoding="utf-8") == markdown
    assert (again / "report.html").read_text(encoding="utf-8") == html


def test_riskmap_check_judges_the_alert_lines(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    assert main(["check", str(scenario), "--workers", "1", "--quiet"]) == 0
    scenario.write_text(SCENARIO.replace("metric: warning_lead_time, min: 5",
                                         "metric: warning_lead_time, min: 6"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(scenario), "--workers", "1"]) == 1
    assert "not met: alert low-bikes: warning_lead_time (mean) is 5" in capsys.readouterr().out


def test_an_undefined_alert_figure_is_unavailable(tmp_path, capsys):
    # no episode ever: the warned share is undefined in every replication
    text = SCENARIO.replace("at: 20, duration: 10", "at: 20, duration: 1")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    assert main(["check", str(scenario), "--workers", "1"]) == 1
    assert ("warned_share of alert 'low-bikes' is undefined in every replication: no backorder "
            "episode of its item happened; counted as not met") in capsys.readouterr().out


def test_a_resumed_run_gives_the_same_alert_figures(tmp_path):
    """Alert outcomes travel through a checkpoint (JSON lines) and come back unchanged."""
    from riskmap.load import load_scenario
    from riskmap.run import montecarlo
    from riskmap.run.checkpoint import Checkpoint, CheckpointExecutor, run_manifest
    from riskmap.run.executors import SerialExecutor

    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    scenario = load_scenario(str(path))
    checkpoint = Checkpoint(tmp_path / "out", run_manifest(scenario, scenario.seed, 3))
    checkpoint.start(resume=False)
    first = montecarlo.run_scenario(scenario, executor=CheckpointExecutor(SerialExecutor(),
                                                                           checkpoint))

    class NothingToRun:
        workers = 1

        def run(self, task, context, chunks):
            raise AssertionError(f"{len(chunks)} checkpointed chunks were simulated again")

    assert checkpoint.start(resume=True) is None
    again = montecarlo.run_scenario(scenario, executor=CheckpointExecutor(NothingToRun(),
                                                                          checkpoint))
    assert first.alerts and first.alerts == again.alerts
    assert first.samples.alerts == again.samples.alerts


def test_the_report_is_the_same_for_any_number_of_workers(tmp_path):
    one, _ = _run(tmp_path, SCENARIO)
    scenario = tmp_path / "s.yaml"
    two = tmp_path / "two"
    assert main(["run", str(scenario), "--workers", "2", "--quiet", "--out", str(two)]) == 0
    assert (one / "report.json").read_bytes() == (two / "report.json").read_bytes()


def test_the_terminal_summary_lists_the_rules(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    assert main(["run", str(scenario), "--workers", "1", "--out", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if line.startswith("low-bikes "))
    assert row.split() == ["low-bikes", "1.000", "[1.000,", "1.000]", "5.0", "[5.0,", "5.0]",
                           "0.00", "[0.00,", "0.00]", "5"]


def test_rules_written_back_read_the_same(tmp_path):
    import yaml

    from riskmap.load import load_scenario
    from riskmap.load.dump import alert_file

    path = tmp_path / "s.yaml"
    text = SCENARIO.replace("{id: early, item: bike, below: 6, measure: on_hand}",
                            "{id: early, item: bike, below: 2.5, measure: days_of_cover, "
                            "window: 12}")
    path.write_text(text, encoding="utf-8")
    first = load_scenario(str(path))
    head = text.split("alerts:\n")[0]
    again = tmp_path / "again.yaml"
    again.write_text(head + yaml.safe_dump({"alerts": [alert_file(a) for a in first.alerts]}),
                     encoding="utf-8")
    assert load_scenario(str(again)).alerts == first.alerts
    assert alert_file(first.alerts[1]) == {"id": "early", "item": "bike", "below": 2.5,
                                           "measure": "days_of_cover", "window": 12.0}
