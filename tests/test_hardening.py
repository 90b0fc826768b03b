"""What riskmap guarantees when things go wrong, and reproducibility across processes.

- SIGTERM: exit 143, one line, no partial report (SIGINT is tested in test_cli_run.py).
- Enormous work is refused before it starts unless --force.
- The same files and seed give byte-identical reports whatever PYTHONHASHSEED and the
  number of workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from riskmap.run.workload import (EVENTS_PER_OCCURRENCE, MAX_EVENTS, check_budget,
                                  estimated_events)
from riskmap.cli.main import main
from riskmap.errors import InputError
from riskmap.load import load_scenario
from tests.conftest import SCENARIOS
from tests.conftest import LAMP_SCENARIO
from tests.test_cli_run import installed_command, signal_a_run


@pytest.mark.cli
def test_sigterm_exits_143_without_a_report(scenario_file, tmp_path):
    code, err, seconds, out_dir = signal_a_run(scenario_file, tmp_path, signal.SIGTERM)
    assert code == 143, err
    assert seconds < 30
    assert err.strip().splitlines()[-1] == "riskmap: terminated (SIGTERM)"
    assert "Traceback" not in err
    assert sorted(p.name for p in out_dir.iterdir()) == [".riskmap-checkpoint"]


@pytest.mark.cli
def test_estimate_scales_with_replications_horizon_and_arms(scenario_file):
    scenario = load_scenario(str(scenario_file))
    one = estimated_events(scenario, 1)
    # customers: lamp 2 orders/day, bulb-pack 1/day. One-for-one replenishment orders per
    # demand event: the lamp 2/day (bought: a receipt each), bulb-pack 1/day (made: a receipt
    # and a run each), the bulb 1/day (one per bulb-pack production order, whatever its 2
    # units). The outage: one occurrence in the 60 days, costing EVENTS_PER_OCCURRENCE.
    assert one == pytest.approx((2 + 1 + 2 * 1 + 1 * 2 + 1 * 1) * 60 + EVENTS_PER_OCCURRENCE)
    assert estimated_events(scenario, 10, arms=3) == pytest.approx(30 * one)


@pytest.mark.cli
def test_estimate_counts_reviews_disruption_occurrences_and_surges(scenario_file):
    import dataclasses

    from riskmap.dists import Constant
    from riskmap.model import Disruption, Policy, Target

    scenario = load_scenario(str(scenario_file))
    one = estimated_events(scenario, 1)
    network = scenario.network
    reviewed = dataclasses.replace(network, items=tuple(
        dataclasses.replace(i, policy=Policy("base_stock", level=30, review_period=0.001))
        if i.id == "bulb" else i for i in network.items))
    # a review every 0.001 day is 1,000 events a day; orders stay at most one per demand event
    assert estimated_events(dataclasses.replace(scenario, network=reviewed), 1) == \
        pytest.approx(one + 1000 * 60)
    storms = Disruption("storms", "outage", Target("supplier", "bulbco"), rate=100.0,
                        duration=Constant(0.001))
    stormy = dataclasses.replace(scenario, disruptions=scenario.disruptions + (storms,))
    assert estimated_events(stormy, 1) == pytest.approx(one + EVENTS_PER_OCCURRENCE * 100 * 60)
    surge = Disruption("rush", "demand_surge", Target("product", "lamp"), at=Constant(0),
                       duration=Constant(60), factor=1000.0)
    rushed = dataclasses.replace(scenario, disruptions=scenario.disruptions + (surge,))
    # the lamp's 2 orders a day (and its 2 receipts) become 2,000: 3,996 more a day
    assert estimated_events(rushed, 1) == pytest.approx(one + 2 * 2 * 999 * 60
                                                        + EVENTS_PER_OCCURRENCE)


@pytest.mark.cli
def test_enormous_run_is_refused_with_what_to_lower(scenario_file, capsys):
    scenario = load_scenario(str(scenario_file))
    replications = int(MAX_EVENTS / estimated_events(scenario, 1)) + 1
    with pytest.raises(InputError) as info:
        check_budget(scenario, replications)
    message = info.value.diagnostics[0].format()
    assert message.startswith(f"{scenario_file}: error: this run would simulate about")
    assert "lower replications or horizon" in message and "--force" in message
    assert check_budget(scenario, replications, force=True) > MAX_EVENTS
    code = main(["run", str(scenario_file), "--replications", str(replications)])
    err = capsys.readouterr().err
    assert code == 2 and "too-much-work" in err and "Traceback" not in err


def _run(scenario, out_dir, workers, hash_seed):
    env = dict(os.environ, PYTHONHASHSEED=str(hash_seed))
    proc = subprocess.run(
        installed_command() + ["run", scenario, "--replications", "6", "--workers", str(workers),
                               "--out", str(out_dir), "--quiet"],
        capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return {name: (out_dir / name).read_bytes()
            for name in ("report.json", "report.md", "report.html")}


@pytest.mark.golden
def test_reports_are_byte_identical_across_hash_seeds_and_workers(tmp_path):
    scenario = os.path.join(SCENARIOS, "tutorial.yaml")
    first = _run(scenario, tmp_path / "a", workers=1, hash_seed=0)
    second = _run(scenario, tmp_path / "b", workers=2, hash_seed=4242)
    for name in first:
        assert first[name] == second[name], f"{name} differs"


# --------------------------------------------------------------------------- resume


def _checkpointed_lines(out_dir):
    folder = out_dir / ".riskmap-checkpoint"
    return sum(len(p.read_text().splitlines()) for p in folder.glob("*.jsonl"))


@pytest.mark.cli
def test_sigint_leaves_a_resumable_checkpoint_and_resume_matches(scenario_file, tmp_path):
    """Interrupt a real run, resume it, and compare with an uninterrupted run byte for byte."""
    out_dir = tmp_path / "out"
    args = ["run", str(scenario_file), "--replications", "3000", "--out", str(out_dir),
            "--no-counterfactuals"]
    proc = subprocess.Popen(installed_command() + args + ["--workers", "2"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc.stderr.readline()  # under way
        deadline = time.monotonic() + 60
        while _checkpointed_lines(out_dir) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert not any(out_dir.glob("report*"))
    kept = _checkpointed_lines(out_dir)
    assert 0 < kept < 3000

    resumed = subprocess.run(installed_command() + args + ["--workers", "1", "--resume"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert not (out_dir / ".riskmap-checkpoint").exists()  # removed once the reports exist

    fresh_dir = tmp_path / "fresh"
    fresh = subprocess.run(installed_command() + args[:-2] + [str(fresh_dir),
                                                              "--no-counterfactuals"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr
    for name in ("report.json", "report.md"):
        assert (out_dir / name).read_bytes() == (fresh_dir / name).read_bytes(), name


@pytest.mark.cli
def test_resume_reuses_finished_replications_in_process(scenario_file, tmp_path, capsys):
    """A checkpoint that holds every replication is answered without simulating again."""
    from riskmap.run import montecarlo
    from riskmap.run.checkpoint import Checkpoint, CheckpointExecutor, run_manifest
    from riskmap.run.executors import SerialExecutor

    scenario = load_scenario(str(scenario_file))
    checkpoint = Checkpoint(tmp_path / "out", run_manifest(scenario, scenario.seed, 8))
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
    assert repr(first.products) == repr(again.products)


@pytest.mark.cli
def test_changed_input_invalidates_the_checkpoint(scenario_file, tmp_path):
    from riskmap.run.checkpoint import Checkpoint, run_manifest

    scenario = load_scenario(str(scenario_file))
    Checkpoint(tmp_path, run_manifest(scenario, 5, 8)).start(resume=False)
    scenario_file.write_text(LAMP_SCENARIO.replace("duration: 20", "duration: 25"))
    changed = load_scenario(str(scenario_file))
    message = Checkpoint(tmp_path, run_manifest(changed, 5, 8)).start(resume=True)
    assert message.endswith("(the scenario file changed); starting over")
    message = Checkpoint(tmp_path, run_manifest(changed, 6, 8)).start(resume=True)
    assert "the seed changed" in message


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc: Linux)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _run_with_workers(scenario_file, tmp_path):
    """A long ``riskmap run`` on two workers, once they are under way: (process, workers, stderr file)."""
    err = open(tmp_path / "stderr.txt", "w+")
    proc = subprocess.Popen(
        installed_command() + ["run", str(scenario_file), "--workers", "2", "--force",
                               "--replications", "100000", "--out", str(tmp_path / "out")],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err, text=True)
    deadline = time.monotonic() + 30
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, workers
    # the workers have started their first chunks (their initializer has run)
    time.sleep(1.5)
    return proc, workers, err


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux)")
@pytest.mark.cli
def test_workers_die_with_their_parent_even_on_sigkill(scenario_file, tmp_path):
    proc, workers, err = _run_with_workers(scenario_file, tmp_path)
    try:
        os.kill(proc.pid, signal.SIGKILL)  # what a CI job's timeout does
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], "workers outlived their parent"
    finally:
        err.close()
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux)")
@pytest.mark.cli
def test_sigterm_ends_a_worker_and_the_run_says_so(scenario_file, tmp_path):
    proc, workers, err_file = _run_with_workers(scenario_file, tmp_path)
    try:
        worker = min(workers)
        os.kill(worker, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "a worker survived SIGTERM"
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err_file.seek(0)
        err = err_file.read()
        err_file.close()
    assert proc.returncode == 3, err
    assert "a worker process ended" in err and "--resume" in err and "Traceback" not in err
    assert not [w for w in workers if _alive(w)]


# --------------------------------------------------------------------------- damaged checkpoints


def _interrupted_checkpoint(scenario_file, out_dir, monkeypatch) -> list:
    """A run stopped after its last replication, before its reports: its full checkpoint."""
    import riskmap.report.build as build

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt()

    with monkeypatch.context() as patch:
        patch.setattr(build, "build_report", stopped)
        assert main(["run", str(scenario_file), "--out", str(out_dir), "--replications", "6",
                     "--workers", "1", "--no-counterfactuals", "-q"]) == 130
    return sorted((out_dir / ".riskmap-checkpoint").glob("*.jsonl"))


def _first_arm(out_dir):
    return sorted((out_dir / ".riskmap-checkpoint").glob("*.jsonl"))[0]


def _damage_arm(out_dir, make):
    arm = _first_arm(out_dir)
    lines = arm.read_bytes().splitlines(keepends=True)
    arm.write_bytes(make(lines))


#: damages of a checkpoint: name -> (what to do to the output folder, the warning expected)
DAMAGES = {
    "manifest not UTF-8": (lambda out: (out / ".riskmap-checkpoint" / "manifest.json")
                           .write_bytes(b"\xff\xfe{"), "is damaged (its manifest cannot be read)"),
    "manifest cut short": (lambda out: (out / ".riskmap-checkpoint" / "manifest.json")
                           .write_text('{"seed": 5, "rep'), "is damaged"),
    "manifest a list": (lambda out: (out / ".riskmap-checkpoint" / "manifest.json")
                        .write_text("[1, 2]"), "is damaged"),
    "arm not UTF-8": (lambda out: _damage_arm(out, lambda lines: lines[0] + b"\xff\xfe\n"
                                              + b"".join(lines[1:])),
                      "its replications from the first damaged line on are run again"),
    "arm record wrongly typed": (lambda out: _damage_arm(out, lambda lines: lines[0].replace(
        b'"events":', b'"events":"many","was":', 1) + b"".join(lines[1:])), "are run again"),
    "arm record another type": (lambda out: _damage_arm(out, lambda lines: (
        b'{"index": 0, "result": {"__result__": "Digest", "fields": {"index": 0, '
        b'"events": 1, "values": 3}}}\n') + b"".join(lines[1:])), "are run again"),
    "arm cut mid-line": (lambda out: _damage_arm(out, lambda lines: b"".join(lines[:2])
                                                 + lines[2][:25]), None),
    # reading a FIFO would wait for a writer for ever: refused by kind, as damage
    "manifest a FIFO": (lambda out: _fifo(out / ".riskmap-checkpoint" / "manifest.json"),
                        "is damaged"),
    "arm a FIFO": (lambda out: _fifo(_first_arm(out)), "is damaged"),
}


def _fifo(path):
    path.unlink()
    os.mkfifo(path)


@pytest.mark.cli
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_checkpoint_is_discarded_with_a_warning_never_exit_3(
        scenario_file, tmp_path, monkeypatch, capsys, damage):
    """Before: exit 3 (UnicodeDecodeError, AttributeError, a crash in the statistics)."""
    out_dir = tmp_path / "out"
    assert _interrupted_checkpoint(scenario_file, out_dir, monkeypatch)
    make, warning = DAMAGES[damage]
    make(out_dir)
    capsys.readouterr()
    args = ["run", str(scenario_file), "--replications", "6", "--workers", "1",
            "--no-counterfactuals"]
    assert main(args + ["--out", str(out_dir), "--resume"]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if warning is None:  # a last line cut short by an interruption: redone without a word
        assert "is damaged" not in err
    else:
        assert warning in err and f"the checkpoint in {out_dir}" in err
    assert main(args + ["--out", str(tmp_path / "fresh"), "-q"]) == 0
    assert ((out_dir / "report.json").read_bytes()
            == (tmp_path / "fresh" / "report.json").read_bytes())


@pytest.mark.cli
def test_a_damaged_arm_is_cut_so_later_replications_are_read_back(scenario_file, tmp_path,
                                                                  monkeypatch):
    from riskmap.run.checkpoint import ArmStore

    out_dir = tmp_path / "out"
    _interrupted_checkpoint(scenario_file, out_dir, monkeypatch)
    arm = _first_arm(out_dir)
    lines = arm.read_bytes().splitlines(keepends=True)
    arm.write_bytes(b"".join(lines[:2]) + b"garbage\n" + b"".join(lines[2:]))
    warned = []
    store = ArmStore(arm, out_dir, warned.append)
    assert sorted(store.load()) == [0, 1] and len(warned) == 1
    assert arm.read_bytes() == b"".join(lines[:2])  # the damaged tail is gone
    store.append([ArmStore(tmp_path / "none.jsonl").load().get(0) or _a_digest(lines[2])])
    assert sorted(ArmStore(arm, out_dir, warned.append).load()) == [0, 1, 2] and len(warned) == 1


def _a_digest(line: bytes):
    import json

    from riskmap.run.checkpoint import decode

    return decode(json.loads(line)["result"])


@pytest.mark.cli
def test_a_full_disk_while_checkpointing_is_exit_2(scenario_file, tmp_path, monkeypatch, capsys):
    """Before: exit 3 (OSError from the checkpoint's append)."""
    import errno

    from riskmap.run import checkpoint

    def full(value):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(checkpoint, "encode", full)
    out_dir = tmp_path / "out"
    assert main(["run", str(scenario_file), "--out", str(out_dir), "--replications", "4",
                 "--workers", "1", "--no-counterfactuals", "-q"]) == 2
    err = capsys.readouterr().err
    assert f"no space left on the device holding {out_dir}" in err and "Traceback" not in err
