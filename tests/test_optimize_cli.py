"""``riskmap optimize`` through ``main(argv)``: the files, the exit codes, bad input, resuming."""

from __future__ import annotations

import json

import pytest

from riskmap.cli.main import main

pytestmark = pytest.mark.cli

SCENARIO = """\
riskmap: 1
name: Optimize me
network:
  name: two items
  time_unit: day
  suppliers:
    - {id: s, name: S, ttr: 10}
  parts:
    - id: part
      stock: 30
      holding_cost: 0.1
      policy: {type: min_max, min: 20, max: 40}
      sources:
        - {supplier: s, lead_time: 4}
  products:
    - id: widget
      bom: {part: 1}
      assembly_time: 1
      stock: 15
      holding_cost: 1.0
      backorder_cost: 1.0
      policy: {type: base_stock, level: 15}
      demand: {rate: 2}
horizon: 200
warmup: 20
replications: 6
seed: 3
disruptions:
  - {id: stop, kind: outage, target: {supplier: s}, at: 100, duration: 5}
expect:
  - {product: widget, metric: fill_rate, min: 0.9}
  - {supplier: s, metric: tts_minus_ttr, min: 0}
"""


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO)
    return path


def _run(capsys, *argv):
    code = main(["optimize", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_optimize_writes_the_set_and_meets_the_expect_target(scenario, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = _run(capsys, scenario, "--out", out, "--evaluations", "40",
                             "--workers", "1")
    assert code == 0, err
    assert "meets every target" in stdout
    assert "not a stock target, left out" in err and "tts_minus_ttr" in err
    assert sorted(p.name for p in out.iterdir()) == [
        "frontier.svg", "optimize.json", "optimized-network.yaml", "optimized.yaml",
        "report.html", "report.md"]
    data = json.loads((out / "optimize.json").read_text())
    # SPEC section 5
    assert data["format"] == 1
    assert set(data["items"]) == {"part", "widget"}
    assert data["items"]["part"]["policy"]["type"] == "min_max"
    assert data["items"]["widget"]["policy"]["type"] == "base_stock"
    assert set(data["cost"]) >= {"mean", "ci95"}
    (target,) = data["targets"]
    assert (target["product"], target["metric"], target["min"]) == ("widget", "fill_rate", 0.9)
    assert target["met"] is True and target["value"]["ci95"][0] >= 0.9
    assert set(target["value"]) >= {"mean", "ci95"}
    assert data["evaluations"] <= 40 and data["frontier"]
    assert data["cost"]["mean"] < data["today_cost"]["mean"]  # today holds too much
    # the plan as a scenario validates and runs, with the plan's policies
    code, _, err = _run_main(capsys, "validate", out / "optimized.yaml")
    assert code == 0, err
    code, _, err = _run_main(capsys, "run", out / "optimized.yaml", "--out", tmp_path / "run",
                             "--replications", "2", "--no-counterfactuals", "--workers", "1")
    assert code == 0, err
    from riskmap.load import load_scenario

    planned = load_scenario(str(out / "optimized.yaml"))
    level = planned.network.item("widget").policy.level
    assert level == data["items"]["widget"]["policy"]["level"]
    report = (out / "report.md").read_text()
    assert "frontier.svg" in report and "What changed per item" in report
    assert "<svg" in (out / "report.html").read_text()
    assert not (out / ".riskmap-optimize.jsonl").exists()  # the journal went with the commit


def _run_main(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_unreachable_target_is_exit_1(scenario, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = _run(capsys, scenario, "--out", out, "--target", "widget:fill_rate>=1.5",
                             "--evaluations", "5", "--workers", "1")
    assert code == 1, err
    assert "No plan found" in stdout
    data = json.loads((out / "optimize.json").read_text())
    assert data["met"] is False and data["targets"][0]["met"] is False


@pytest.mark.parametrize("argv, message", [
    (["--target", "widgt:fill_rate>=0.9"], "did you mean 'widget'?"),
    (["--target", "widget:fill_rat>=0.9"], "did you mean 'fill_rate'?"),
    (["--target", "widget fill_rate 0.9"], "expected PRODUCT:METRIC>=VALUE"),
    (["--items", "prat"], "did you mean 'part'?"),
])
def test_bad_options_are_exit_2_with_a_hint(scenario, tmp_path, capsys, argv, message):
    out = tmp_path / "out"
    code, _, err = _run(capsys, scenario, "--out", out, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert err.startswith("riskmap optimize: error: ")
    assert not out.exists() or not any(out.iterdir())


def test_items_limits_the_search(scenario, tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = _run(capsys, scenario, "--out", out, "--items", "widget", "--evaluations", "15",
                        "--workers", "1")
    assert code in (0, 1), err
    data = json.loads((out / "optimize.json").read_text())
    assert set(data["items"]) == {"widget"}
    assert data["search"]["parameters"] == ["widget.level"]


def test_resume_reuses_the_journal_and_gives_the_same_result(scenario, tmp_path, capsys,
                                                             monkeypatch):
    import riskmap.run.montecarlo as montecarlo
    from riskmap.report.publish import OutputFolder

    plain = tmp_path / "plain"
    argv = ["--evaluations", "12", "--workers", "1"]
    assert _run(capsys, scenario, "--out", plain, *argv)[0] in (0, 1)

    out = tmp_path / "out"

    def interrupted(self, *a, **k):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(OutputFolder, "publish", interrupted)
        code, _, err = _run(capsys, scenario, "--out", out, *argv)
    assert code == 130, err
    journal = out / ".riskmap-optimize.jsonl"
    assert len(journal.read_text().splitlines()) == 12
    calls = []
    real = montecarlo.run_scenario

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(montecarlo, "run_scenario", counting)
    code, _, err = _run(capsys, scenario, "--out", out, "--resume", *argv)
    assert code in (0, 1), err
    assert len(calls) == 2  # only the verification of the plan and of today's plan
    for name in ("optimize.json", "report.md", "report.html", "frontier.svg", "optimized.yaml"):
        assert (out / name).read_bytes() == (plain / name).read_bytes(), name
    assert not journal.exists()


def test_the_result_does_not_depend_on_the_workers(scenario, tmp_path, capsys):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        code, _, err = _run(capsys, scenario, "--out", out, "--evaluations", "6",
                            "--workers", workers)
        assert code in (0, 1), err
        outs.append(out)
    for name in ("optimize.json", "report.md", "frontier.svg"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
