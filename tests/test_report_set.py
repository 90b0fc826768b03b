"""The report set is written whole or not at all; the output folder is locked; output paths.

docs/reliability.md, "The report set is one unit", "The output folder lock" and
"Output paths". Each failure of issue 20 is reproduced here: an interrupted or
failed writing that left a part of a set or a mix of two, two runs in one folder,
output paths that crashed with exit 3.
"""

from __future__ import annotations

import errno
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from riskmap.cli.main import main
from riskmap.output import atomic
from riskmap.output.lock import LOCK_FILE, FolderLock, Holder
from riskmap.report import publish
from riskmap.report.publish import JOURNAL, REPORT_SET, STAGING_PREFIX, OutputFolder
from tests.conftest import LAMP_NETWORK, LAMP_SCENARIO
from tests.test_cli_run import installed_command, wait_for_replications

pytestmark = pytest.mark.cli

#: a quick run of the lamp scenario (the set still has every member)
QUICK = ["--replications", "2", "--workers", "1", "--no-counterfactuals", "-q"]


def run_into(scenario_file, out_dir, *extra) -> int:
    return main(["run", str(scenario_file), "--out", str(out_dir), *QUICK, *extra])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes), hidden riskmap files left out."""
    files = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            files[str(path.relative_to(folder))] = path.read_bytes()
    return files


def seeds_of_set(folder: Path):
    """The seed each member of the set names: (report.json, report.md, report.html), ``None`` if absent."""
    folder = Path(folder)

    def found(name, pattern):
        path = folder / name
        if not path.exists():
            return None
        match = re.search(pattern, path.read_text(encoding="utf-8"))
        return int(match.group(1)) if match else "unreadable"

    return (found("report.json", r'"seed": (\d+)'),
            found("report.md", r"--seed (\d+) --replications"),
            found("report.html", r"replications, seed (\d+)"))


def assert_one_whole_set(folder: Path, seeds=None) -> None:
    """``folder`` holds a complete set (of one of ``seeds``), or no member at all."""
    found = seeds_of_set(folder)
    if found == (None, None, None):
        assert not (folder / "report-figures").exists()
        return
    assert len(set(found)) == 1 and isinstance(found[0], int), found
    assert (folder / "report-figures").is_dir()
    assert seeds is None or found[0] in seeds, found
    assert not list(folder.glob(f"{STAGING_PREFIX}*")) and not (folder / JOURNAL).exists()


def no_leftovers(folder: Path) -> None:
    names = [p.name for p in Path(folder).iterdir()]
    assert not [n for n in names if n.startswith(STAGING_PREFIX) or ".tmp" in n], names
    assert JOURNAL not in names and LOCK_FILE not in names


@pytest.fixture()
def old_set(scenario_file, tmp_path):
    """An output folder holding a complete set of seed 1, and a user's own file."""
    out = tmp_path / "out"
    assert run_into(scenario_file, out, "--seed", "1") == 0
    (out / "notes.txt").write_text("mine")
    return out


@pytest.fixture(scope="module")
def lamp_report(tmp_path_factory):
    """A Report of the lamp scenario with seed 2 (built once: the commit tests write it often)."""
    from riskmap.analysis import risk_map
    from riskmap.load import load_scenario
    from riskmap.report.build import build_report
    from riskmap.run.executors import SerialExecutor
    from riskmap.run.montecarlo import run_scenario

    folder = tmp_path_factory.mktemp("lamp")
    (folder / "network.yaml").write_text(LAMP_NETWORK)
    (folder / "fire.yaml").write_text(LAMP_SCENARIO)
    scenario = load_scenario(str(folder / "fire.yaml"))
    summary = run_scenario(scenario, replications=2, seed=2, executor=SerialExecutor())
    return build_report(summary, risk_map(scenario.network))


def publish_report(out: Path, report) -> list[Path]:
    from riskmap.cli.run import write_set

    with OutputFolder(out, "riskmap run") as folder:
        return folder.publish(REPORT_SET, lambda staging: write_set(report, staging))


# --------------------------------------------------------------------------- the set as a unit


def test_an_interruption_while_the_reports_are_written_leaves_no_part_of_a_set(
        scenario_file, tmp_path, monkeypatch):
    """Before: report.json was in place, without report.md and report.html."""
    from riskmap.report import markdown

    def interrupted(report, directory):
        raise KeyboardInterrupt()

    monkeypatch.setattr(markdown, "write", interrupted)
    out = tmp_path / "out"
    assert run_into(scenario_file, out) == 130
    assert sorted(p.name for p in out.iterdir()) == [".riskmap-checkpoint"]  # for --resume


def test_an_interrupted_rerun_leaves_the_old_set_not_a_mix(old_set, scenario_file, monkeypatch):
    """Before: the new report.json stood beside the old report.md and report.html."""
    from riskmap.report import html

    before = snapshot(old_set)

    def interrupted(report, directory):
        raise KeyboardInterrupt()

    monkeypatch.setattr(html, "write", interrupted)
    assert run_into(scenario_file, old_set, "--seed", "2") == 130
    assert {k: v for k, v in snapshot(old_set).items() if not k.startswith(".riskmap-")} == before
    assert_one_whole_set(old_set, seeds={1})


def test_a_full_disk_at_every_write_leaves_the_whole_old_set(old_set, lamp_report, monkeypatch,
                                                             capsys):
    """ENOSPC at each file write of the set (and of the journal): the old set stays, whole."""
    before = snapshot(old_set)
    real = atomic._write_data
    calls = []
    monkeypatch.setattr(atomic, "_write_data", lambda handle, payload: (calls.append(1),
                                                                        real(handle, payload)))
    probe = old_set.parent / "probe"
    publish_report(probe, lamp_report)
    writes = len(calls)
    assert writes >= 5  # report.json, report.md, its charts, report.html, the journal

    for failing in range(1, writes + 1):
        count = [0]

        def full(handle, payload):
            count[0] += 1
            if count[0] == failing:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(handle, payload)

        monkeypatch.setattr(atomic, "_write_data", full)
        with pytest.raises(Exception) as caught:
            publish_report(old_set, lamp_report)
        message = caught.value.diagnostics[0].format()
        assert "no space left on the device holding" in message and str(old_set) in message
        assert snapshot(old_set) == before, failing
        no_leftovers(old_set)


def test_a_full_disk_is_exit_2_with_the_fix(old_set, scenario_file, monkeypatch, capsys):
    before = snapshot(old_set)

    def full(handle, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    from riskmap.report import publish as publish_module

    real_stage = publish_module.stage_and_commit

    def stage(*args, **kwargs):  # the disk fills as the reports are written
        monkeypatch.setattr(atomic, "_write_data", full)
        return real_stage(*args, **kwargs)

    monkeypatch.setattr(publish_module, "stage_and_commit", stage)
    capsys.readouterr()
    assert run_into(scenario_file, old_set, "--seed", "2") == 2
    err = capsys.readouterr().err
    assert f"no space left on the device holding {old_set}" in err and "Traceback" not in err
    assert {k: v for k, v in snapshot(old_set).items() if not k.startswith(".riskmap-")} == before


def commit_steps(out: Path, report) -> list[str]:
    """The labelled steps of one commit into ``out``."""
    steps = []
    original = publish._commit_step
    publish._commit_step = steps.append
    try:
        publish_report(out, report)
    finally:
        publish._commit_step = original
    return steps


class Killed(BaseException):
    """The process died here (SIGKILL, power loss): nothing after it runs, no clean-up."""


def test_a_kill_at_each_commit_step_is_repaired_by_the_next_command(old_set, lamp_report,
                                                                     monkeypatch):
    """Stopped dead at any step: the old set, or (journal written) the new once repaired."""
    import shutil

    steps = commit_steps(old_set.parent / "probe", lamp_report)
    assert "journal" in steps and any(s.startswith("rename") for s in steps)
    new_set = _members(old_set.parent / "probe")
    old = _members(old_set)
    assert new_set != old
    for k, step in enumerate(steps):
        folder = old_set.parent / f"killed-{k}"
        shutil.copytree(old_set, folder)

        def die(label, step=step):
            if label == step:
                raise Killed(step)

        monkeypatch.setattr(publish, "_commit_step", die)
        with pytest.raises(Killed):
            publish_report(folder, lamp_report)
        monkeypatch.setattr(publish, "_commit_step", lambda label: None)
        journaled = (folder / JOURNAL).exists()
        if not journaled and step == "journal":  # killed before the journal: nothing moved
            assert _members(folder) == old, step
        with OutputFolder(folder, "riskmap report") as taken:  # what the next command does
            assert (taken.repaired is not None) == journaled, step
        assert _members(folder) == (new_set if step != "journal" else old), step
        assert (folder / "notes.txt").read_text() == "mine"
        no_leftovers(folder)


def _members(folder: Path) -> dict[str, bytes]:
    return _members_of(snapshot(folder))


def _members_of(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k.split(os.sep)[0] in REPORT_SET}


def test_signals_during_the_commit_wait_for_the_new_set(old_set, lamp_report, monkeypatch):
    """SIGINT at any step of the commit takes effect once the new set is in place."""
    steps = commit_steps(old_set.parent / "probe", lamp_report)
    assert "journal" in steps
    new_set = _members(old_set.parent / "probe")
    for step in steps:
        sent = []

        def interrupt(label, step=step):
            if label == step and not sent:
                sent.append(label)
                os.kill(os.getpid(), signal.SIGINT)

        monkeypatch.setattr(publish, "_commit_step", interrupt)
        with pytest.raises(KeyboardInterrupt):
            publish_report(old_set, lamp_report)
        assert sent == [step]
        assert _members(old_set) == new_set, step
        no_leftovers(old_set)
        monkeypatch.setattr(publish, "_commit_step", lambda label: None)
        publish_report(old_set, lamp_report)


def test_members_the_new_set_lacks_go_and_other_files_stay(old_set, scenario_file, monkeypatch):
    monkeypatch.setattr("riskmap.cli.run.RENDERERS", ())  # a set of report.json alone
    assert run_into(scenario_file, old_set, "--seed", "3") == 0
    assert sorted(p.name for p in old_set.iterdir()) == ["notes.txt", "report.json"]
    assert (old_set / "notes.txt").read_text() == "mine"


def test_a_staging_folder_without_a_journal_is_discarded(old_set, scenario_file):
    leftover = old_set / f"{STAGING_PREFIX}deadbeef"
    leftover.mkdir()
    (leftover / "report.json").write_text("{}")
    assert run_into(scenario_file, old_set, "--seed", "4") == 0
    assert not leftover.exists()
    assert_one_whole_set(old_set, seeds={4})


def test_riskmap_report_rewrites_the_renderings_as_a_set(old_set, scenario_file, monkeypatch):
    """Interrupted, ``riskmap report`` leaves the old renderings; done, the new ones."""
    from riskmap.report import html

    newer = old_set.parent / "newer"
    assert run_into(scenario_file, newer, "--seed", "2") == 0
    (old_set / "report.json").write_bytes((newer / "report.json").read_bytes())
    assert seeds_of_set(old_set) == (2, 1, 1)
    before = snapshot(old_set)

    def interrupted(report, directory):
        raise KeyboardInterrupt()

    monkeypatch.setattr(html, "write", interrupted)
    assert main(["report", str(old_set / "report.json"), "-q"]) == 130
    assert snapshot(old_set) == before
    no_leftovers(old_set)
    monkeypatch.undo()
    assert main(["report", str(old_set / "report.json"), "-q"]) == 0
    assert_one_whole_set(old_set, seeds={2})
    assert _members(old_set) == _members(newer)


# --------------------------------------------------------------------------- the lock


def test_a_second_run_into_a_busy_folder_exits_2_naming_the_holder(old_set, scenario_file,
                                                                    capsys):
    """Before: the second run died with exit 3 (FileNotFoundError in the checkpoint)."""
    before = snapshot(old_set)
    holder = FolderLock(old_set, "riskmap run")
    holder.acquire()
    try:
        assert run_into(scenario_file, old_set) == 2
        err = capsys.readouterr().err
        assert (f"riskmap: error: {old_set} is in use by riskmap run (pid {os.getpid()}, "
                f"started ") in err
        assert "wait for it or choose another --out" in err
        assert main(["report", str(old_set / "report.json"), "-q"]) == 2
        assert "is in use by riskmap run" in capsys.readouterr().err
    finally:
        holder.release()
    assert snapshot(old_set) == before
    assert run_into(scenario_file, old_set) == 0


def test_two_real_runs_into_one_folder(scenario_file, tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen(installed_command() + ["run", str(scenario_file), "--out", str(out),
                                                    "--workers", "1", "--replications", "2000",
                                                    "--no-counterfactuals"],
                             cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
    try:
        wait_for_replications(first)
        second = subprocess.run(installed_command() + ["run", str(scenario_file), "--out",
                                                       str(out), "-q"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert second.returncode == 2, second.stderr
        assert f"is in use by riskmap run (pid {first.pid}" in second.stderr
        first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0
    assert_one_whole_set(out)


def test_a_lock_file_left_by_a_dead_run_is_taken_again(scenario_file, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = Holder(pid=_dead_pid(), host=os.uname().nodename, started="yesterday",
                  command="riskmap run")
    (out / LOCK_FILE).write_bytes(dead.to_json())
    assert run_into(scenario_file, out) == 0
    no_leftovers(out)


def test_without_fcntl_a_stale_lock_file_is_replaced_and_a_live_one_refused(tmp_path,
                                                                            monkeypatch):
    import socket

    from riskmap.errors import InputError
    from riskmap.output import lock

    monkeypatch.setattr(lock, "fcntl", None)
    folder = tmp_path
    stale = Holder(_dead_pid(), socket.gethostname(), "yesterday", "riskmap run")
    (folder / LOCK_FILE).write_bytes(stale.to_json())
    with FolderLock(folder, "riskmap run"):
        assert lock.read_holder(folder / LOCK_FILE).pid == os.getpid()
        with pytest.raises(InputError, match=f"pid {os.getpid()}"):
            FolderLock(folder, "riskmap report").acquire()
    assert not (folder / LOCK_FILE).exists()


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout)


# --------------------------------------------------------------------------- output paths


def test_out_that_is_a_file_is_exit_2(scenario_file, tmp_path, capsys):
    """Before: exit 3 (FileExistsError / NotADirectoryError)."""
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    for out in (blocker, blocker / "sub"):
        assert run_into(scenario_file, out) == 2
        err = capsys.readouterr().err
        assert f"{blocker} is a file, not a folder; remove it or choose another --out" in err
        assert "Traceback" not in err


@pytest.mark.parametrize("code,words", [(errno.EACCES, "permission denied"),
                                        (errno.EROFS, "read-only file system")])
def test_out_that_cannot_be_created_is_exit_2(scenario_file, tmp_path, monkeypatch, capsys,
                                              code, words):
    """Before: exit 3 (PermissionError); injected, since the tests may run as root."""
    real = Path.mkdir

    def refused(self, *args, **kwargs):
        if self.name == "out":
            raise OSError(code, os.strerror(code), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refused)
    assert run_into(scenario_file, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert words in err and str(tmp_path / "out") in err and "--out" in err


def test_a_checkpoint_that_is_a_file_is_removed_with_a_warning(scenario_file, tmp_path, capsys):
    """Before: exit 3 (FileExistsError)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / ".riskmap-checkpoint").write_text("not a folder")
    assert main(["run", str(scenario_file), "--out", str(out), "--replications", "2",
                 "--workers", "1", "--no-counterfactuals"]) == 0
    assert "is not a folder (riskmap keeps its checkpoint there); removed it" in \
        capsys.readouterr().err
    assert_one_whole_set(out)


def test_a_very_long_scenario_name_gets_a_short_default_folder(tmp_path, monkeypatch):
    """Before: exit 3 (File name too long) for riskmap-out/<safe name>."""
    from riskmap.cli.run import SAFE_NAME_LENGTH, safe_name

    (tmp_path / "network.yaml").write_text(LAMP_NETWORK)
    names = ("Acme fire " * 40 + "spring", "Acme fire " * 40 + "autumn")
    for k, name in enumerate(names):
        (tmp_path / f"s{k}.yaml").write_text(LAMP_SCENARIO.replace('"Acme fire: spring"',
                                                                   f'"{name}"'))
    monkeypatch.chdir(tmp_path)
    for k in range(2):
        assert main(["run", f"s{k}.yaml", *QUICK]) == 0
    folders = sorted(p.name for p in (tmp_path / "riskmap-out").iterdir())
    assert folders == sorted(safe_name(n) for n in names) and len(set(folders)) == 2
    assert all(len(f) <= SAFE_NAME_LENGTH + 9 and f.startswith("acme-fire-acme") for f in folders)


def test_an_out_name_too_long_is_exit_2(scenario_file, tmp_path, capsys):
    assert run_into(scenario_file, tmp_path / ("x" * 300)) == 2
    err = capsys.readouterr().err
    assert "is too long for the file system; choose a shorter --out" in err


def test_report_check_and_map_paths_are_exit_2(scenario_file, tmp_path, old_set, capsys):
    """Before: exit 3 each (a file where a folder goes, a folder where a file goes)."""
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    assert main(["report", str(old_set / "report.json"), "--out", str(blocker)]) == 2
    assert "is a file, not a folder; remove it or choose another --out" in capsys.readouterr().err
    for option in ("--junit", "--summary"):
        assert main(["check", str(scenario_file), option, str(blocker / "x.xml")]) == 2
        err = capsys.readouterr().err
        assert f"{blocker} is a file, not a folder; remove it or choose another {option}" in err
    network = str(scenario_file.parent / "network.yaml")
    assert main(["map", network, "--graph", str(tmp_path)]) == 2
    assert f"--graph {tmp_path} is a folder; give a file name" in capsys.readouterr().err
    graph = tmp_path / "new" / "sub" / "net.graphml"
    assert main(["map", network, "--graph", str(graph)]) == 0
    assert graph.read_text(encoding="utf-8").startswith("<?xml")
    assert [p.name for p in graph.parent.iterdir()] == ["net.graphml"]


def test_a_full_disk_while_writing_junit_is_exit_2_and_keeps_the_old_file(tmp_path,
                                                                         monkeypatch, capsys):
    from riskmap.cli.check import write_file

    target = tmp_path / "junit.xml"
    target.write_text("old")

    def full(handle, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_write_data", full)
    with pytest.raises(Exception) as caught:
        write_file(str(target), "--junit", "<new/>")
    assert "no space left on the device holding" in caught.value.diagnostics[0].message
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["junit.xml"]


# --------------------------------------------------------------------------- progress


def test_progress_speaks_before_the_mapping_and_quiet_says_nothing(scenario_file, tmp_path,
                                                                  monkeypatch, capsys):
    """Before: the first line waited for the counterfactual planning (minutes on 20,000 items)."""
    import riskmap.analysis as analysis
    import riskmap.options as options

    heard = {}
    real_map, real_plan = analysis.risk_map, options.plan_arms

    def mapping(*args, **kwargs):
        heard["map"] = capsys.readouterr().err
        return real_map(*args, **kwargs)

    def planning(*args, **kwargs):
        heard["plan"] = capsys.readouterr().err
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(analysis, "risk_map", mapping)
    monkeypatch.setattr(options, "plan_arms", planning)
    code = main(["run", str(scenario_file), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--replications", "4"])
    rest = capsys.readouterr()
    assert code == 0
    assert heard["map"] == "riskmap: mapping 3 items...\n"
    assert heard["plan"] == "riskmap: planning counterfactuals...\n"
    assert "riskmap: simulating 4 replications of the scenario and of" in rest.err
    assert "riskmap: counterfactual 1/" in rest.err
    assert rest.out.startswith("Acme fire: spring: 4 replications") and "riskmap:" not in rest.out
    assert main(["run", str(scenario_file), "--out", str(tmp_path / "q"), "--workers", "1",
                 "--replications", "4", "-q"]) == 0
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------- interruptions


def _random_interruptions(scenario_file, tmp_path, rounds: int, seed: int) -> None:
    out = tmp_path / "out"
    rng = random.Random(seed)
    seeds_written = set()
    for k in range(rounds):
        run_seed = 100 + k
        command = installed_command() + ["run", str(scenario_file), "--out", str(out),
                                         "--seed", str(run_seed), "--replications", "6",
                                         "--workers", "1"]
        proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        first = proc.stderr.readline()  # riskmap has started (its signal handling too)
        assert first.startswith("riskmap: "), first
        # the rest of the run takes about 2.5 s, most of it writing the reports
        time.sleep(rng.uniform(0.0, 3.0))
        signum = rng.choice((signal.SIGINT, signal.SIGTERM))
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
        finished = "report.html\n" in err  # the last "wrote" line: the command was done
        if finished:  # a signal after the command returned ends the interpreter as it likes
            seeds_written.add(run_seed)
        else:
            assert proc.returncode in (130, 143), err
            assert "Traceback" not in err
        found = seeds_of_set(out)
        if found[0] is not None and found[0] not in seeds_written:
            seeds_written.add(found[0])  # finished just as the signal came
        assert_one_whole_set(out, seeds=seeds_written or None)
    final = subprocess.run(installed_command() + ["run", str(scenario_file), "--out", str(out),
                                                  "--seed", "7", "--replications", "4",
                                                  "--workers", "1", "-q"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    assert_one_whole_set(out, seeds={7})
    no_leftovers(out)


@pytest.mark.slow
def test_random_interruptions_leave_the_old_set_or_the_new(scenario_file, tmp_path):
    _random_interruptions(scenario_file, tmp_path, rounds=30, seed=20)
