"""``riskmap run``: through main(argv) and through the installed command."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time

import pytest

from riskmap.run import montecarlo
from riskmap.cli import run as run_cli
from riskmap.cli.main import main

pytestmark = pytest.mark.cli

def failing_simulate(scenario, seed, index=0, *, series=True, alternates=None):
    if index == 2:
        raise RuntimeError("stock went negative")
    from riskmap.sim.engine import simulate

    return simulate(scenario, seed, index, series=series, alternates=alternates)


def run_main(args, capsys):
    code = main(["run", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_writes_report_and_prints_ranked_summary(scenario_file, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = run_main([scenario_file, "--workers", "1", "--out", out_dir], capsys)
    assert code == 0, err
    report = json.loads((out_dir / "report.json").read_text())
    assert report["scenario"]["name"] == "Acme fire: spring"
    assert report["scenario"]["replications"] == 8 and report["scenario"]["seed"] == 5
    assert set(report["products"]) == {"lamp", "bulb-pack"}
    files = report["scenario"]["files"]
    assert files["scenario"] == {"name": "fire.yaml",
                                 "sha256": hashlib.sha256(scenario_file.read_bytes()).hexdigest()}
    assert files["network"]["name"] == "network.yaml"
    # the table: header, rule, one row per product, riskiest first
    lines = out.splitlines()
    assert lines[0].startswith("Acme fire: spring: 8 replications, seed 5, horizon 60 days")
    rows = [line.split()[0] for line in lines[4:6]]
    from riskmap.report.json import read_report
    from riskmap.report.views.products import rank_products
    ranked = rank_products(read_report(str(out_dir / "report.json")))
    assert rows == ranked
    lamp = report["products"]["lamp"]
    assert lamp["backorder_probability"]["mean"] == 1.0  # acme is out for 20 days, stock 6
    assert ranked[0] == "lamp"
    assert "wrote" in err and str(out_dir) in err
    # one alternate lane: one paired run without it
    [gain] = report["alternates"]
    assert (gain["supplier"], gain["part"]) == ("acme", "bulb")
    assert {"mean", "ci95"} <= set(gain["backorder_units_avoided"])


def test_no_counterfactuals_leaves_the_ranking_empty(scenario_file, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, _, err = run_main([scenario_file, "--workers", "1", "--replications", "3",
                             "--no-counterfactuals", "--out", out_dir], capsys)
    assert code == 0, err
    assert "alternate lane" not in err
    assert json.loads((out_dir / "report.json").read_text())["alternates"] == []


def test_overrides_and_worker_count_do_not_change_the_bytes(scenario_file, tmp_path, capsys):
    outputs = []
    for workers in ("1", "2"):
        out_dir = tmp_path / f"w{workers}"
        code, _, err = run_main([scenario_file, "--workers", workers, "--replications", "5",
                                 "--seed", "11", "--out", out_dir, "--quiet"], capsys)
        assert code == 0, err
        assert err == ""  # --quiet
        outputs.append((out_dir / "report.json").read_bytes())
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert (report["scenario"]["replications"], report["scenario"]["seed"]) == (5, 11)


def test_default_out_dir_is_the_safe_scenario_name(scenario_file, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main([scenario_file, "--workers", "1", "--replications", "2", "-q"],
                            capsys)
    assert code == 0, err
    assert (tmp_path / "riskmap-out" / "acme-fire-spring" / "report.json").is_file()


def test_safe_names():
    assert run_cli.safe_name("Acme fire: spring") == "acme-fire-spring"
    assert run_cli.safe_name("../../etc/passwd") == "etc-passwd"
    assert run_cli.safe_name("Ünïcödé") == "unicode"
    assert run_cli.safe_name("***") == "scenario"


def test_failed_replication_exits_3_and_writes_nothing(scenario_file, tmp_path, monkeypatch,
                                                       capsys):
    monkeypatch.setattr(montecarlo, "default_simulator", lambda: failing_simulate)
    out_dir = tmp_path / "out"
    code, out, err = run_main([scenario_file, "--workers", "1", "--out", out_dir, "-q"], capsys)
    assert code == 3
    assert "replication 2" in err and "Acme fire: spring" in err
    assert "RuntimeError: stock went negative" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    # no report; only the checkpoint of the replications that finished (riskmap.run.checkpoint)
    assert out == "" and sorted(p.name for p in out_dir.iterdir()) == [".riskmap-checkpoint"]


def test_bad_input_exits_2(tmp_path, capsys):
    code, _, err = run_main([tmp_path / "missing.yaml"], capsys)
    assert code == 2 and "missing.yaml" in err and "Traceback" not in err
    code, _, err = run_main([tmp_path / "missing.yaml", "--replications", "0"], capsys)
    assert code == 2 and "at least 1" in err


def test_scheduler_without_dask_exits_2(scenario_file, capsys, monkeypatch):
    # as on an installation without the dask extra, whether or not this one has it
    monkeypatch.setattr("riskmap.run.executors.dask_available", lambda: False)
    code, _, err = run_main([scenario_file, "--scheduler", "tcp://127.0.0.1:8786"], capsys)
    assert code == 2 and "riskmap[dask]" in err


def test_summary_table_formats_missing_intervals():
    from riskmap.stats import Estimate

    assert run_cli._cell(Estimate(0.5, (None, None), 1, "ratio"), 3) == "0.500"
    assert run_cli._cell(Estimate(None, (None, None), 0, "ratio"), 3) == "-"
    assert run_cli._cell(None, 3) == "-"
    assert run_cli._cell(Estimate(2, (1, 3), 5, "units"), 1) == "2.0 [1.0, 3.0]"


def installed_command() -> list[str]:
    """The console script when installed, else the same entry point through ``-m``."""
    script = shutil.which("riskmap")
    return [script] if script else [sys.executable, "-m", "riskmap"]


def test_installed_command(scenario_file, tmp_path):
    proc = subprocess.run(installed_command() + ["run", str(scenario_file), "--workers", "2"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "lamp" in proc.stdout and "bulb-pack" in proc.stdout
    assert "replications" in proc.stderr  # progress on stderr, not stdout
    assert "replications (" not in proc.stdout
    report = json.loads((tmp_path / "riskmap-out" / "acme-fire-spring" / "report.json").read_text())
    assert report["format"] == 1


def wait_for_replications(proc) -> str:
    """Read ``proc``'s stderr up to its first count of replications (the run is under way).

    The lines before it say what riskmap is doing (mapping, planning); returns the count line.
    """
    for line in proc.stderr:
        if "replications" in line and "/" in line:
            return line
        assert line.startswith("riskmap: "), line
    raise AssertionError("the run ended before counting a replication")


def signal_a_run(scenario_file, tmp_path, signum):
    """Start a long ``riskmap run``, send ``signum`` once it is under way.

    Returns ``(exit code, stderr, seconds from the signal to the exit, output folder)``.
    """
    out_dir = tmp_path / "out"
    proc = subprocess.Popen(
        installed_command() + ["run", str(scenario_file), "--workers", "2",
                               "--replications", "4000", "--out", str(out_dir)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_replications(proc)
        proc.send_signal(signum)
        start = time.monotonic()
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, err, time.monotonic() - start, out_dir


def test_interrupt_exits_130_without_a_report(scenario_file, tmp_path):
    code, err, seconds, out_dir = signal_a_run(scenario_file, tmp_path, signal.SIGINT)
    assert code == 130, err
    assert seconds < 30
    assert "interrupted" in err and "Traceback" not in err
    assert not (out_dir / "report.json").exists()
    # no report of any kind, and the finished replications kept for --resume
    assert sorted(p.name for p in out_dir.iterdir()) == [".riskmap-checkpoint"]


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_on_a_terminal_redraws_one_line():
    import io

    from riskmap.run.progress import Progress

    stream, clock = io.StringIO(), FakeClock()
    progress = Progress("replications", stream=stream, tty=True, clock=clock)
    progress(1, 4)
    progress(2, 4)  # within the redraw interval: skipped
    clock.now = 1.5
    progress(4, 4)  # the last one is always drawn
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n")
    assert "[#####...............] 1/4 replications  0.0 s" in text
    assert "[####################] 4/4 replications  1.5 s" in text


def test_progress_in_a_log_prints_quarters_and_quiet_prints_nothing():
    import io

    from riskmap.run.progress import Progress

    stream = io.StringIO()
    progress = Progress("replications", stream=stream, tty=False, clock=FakeClock())
    for done in range(1, 101):
        progress(done, 100)
    progress.close()
    assert stream.getvalue().splitlines() == [
        f"riskmap: {n}/100 replications (0.0 s)" for n in (25, 50, 75, 100)]
    quiet = io.StringIO()
    silent = Progress(stream=quiet, quiet=True, tty=True)
    silent(1, 1)
    silent.close()
    assert quiet.getvalue() == ""


def test_scheduler_runs_on_a_dask_cluster(scenario_file, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        code, _, err = run_main([scenario_file, "--scheduler", cluster.scheduler_address,
                                 "--out", tmp_path / "dask", "-q"], capsys)
    assert code == 0, err
    code, _, err = run_main([scenario_file, "--workers", "1", "--out", tmp_path / "local", "-q"],
                            capsys)
    assert code == 0, err
    assert ((tmp_path / "dask" / "report.json").read_bytes()
            == (tmp_path / "local" / "report.json").read_bytes())
