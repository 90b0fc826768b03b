"""Options out of range, runs too large for memory or time, and Ctrl-C at the first moment.

Each case was once an internal error (exit 3), a traceback or a run that would not end;
now it is exit 2 with a message saying what to change (docs/reliability.md).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from riskmap.cli.main import main
from riskmap.errors import InputError
from riskmap.load import load_scenario
from riskmap.run import executors
from riskmap.run.executors import check_scheduler_address, local_workers
from riskmap.run.montecarlo import make_chunks, replication_seed
from riskmap.run.workload import MAX_SAMPLE_BYTES, check_memory, figures_per_replication


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


# -- seeds -------------------------------------------------------------------------------


@pytest.mark.cli
@pytest.mark.parametrize("seed", ["-5", "9223372036854775808", "99999999999999999999999"])
def test_seed_outside_the_files_range_is_exit_2(scenario_file, capsys, seed):
    code, err = _run(capsys, "run", str(scenario_file), "--seed", seed, "--replications", "1")
    assert code == 2
    assert "argument --seed: must be a whole number from 0 to 2**63-1" in err


@pytest.mark.cli
def test_the_largest_seed_runs(scenario_file, tmp_path, capsys):
    code, err = _run(capsys, "run", str(scenario_file), "--seed", str(2**63 - 1),
                     "--replications", "2", "--workers", "1", "--no-counterfactuals",
                     "--out", str(tmp_path / "out"))
    assert code == 0, err


# -- memory ------------------------------------------------------------------------------


@pytest.mark.cli
def test_a_billion_replications_is_refused_for_memory_even_with_force(scenario_file, capsys):
    code, err = _run(capsys, "run", str(scenario_file), "--replications", "1000000000",
                     "--force", "--no-counterfactuals")
    assert code == 2
    assert "too-much-memory" in err and "--force does not lift it" in err
    assert "lower replications to at most" in err


@pytest.mark.hand
def test_memory_bound_counts_every_kept_figure(scenario_file):
    scenario = load_scenario(str(scenario_file))
    # 2 products x (24 statistics + ordered + filled), 1 part x 2, 2 suppliers x 3 (the
    # rejected units are kept for every run, though reported only with a quality disruption),
    # 3 items x 2 stock statistics (on_hand_mean, holding_cost)
    assert figures_per_replication(scenario.network) == 2 * 26 + 1 * 2 + 2 * 3 + 3 * 2
    fits = MAX_SAMPLE_BYTES // (9 * 66)
    assert check_memory(scenario, fits) == pytest.approx(9 * 66 * fits)
    with pytest.raises(InputError) as info:
        check_memory(scenario, fits + 1)
    assert f"at most {fits:,}" in info.value.diagnostics[0].message


@pytest.mark.hand
def test_seeds_made_in_the_chunk_are_the_spawned_children():
    root = np.random.SeedSequence(2024)
    spawned = np.random.SeedSequence(2024).spawn(12)
    chunks = make_chunks(root, 12, 5, frozenset())
    made = [seed for chunk in chunks for seed in chunk.seeds]
    assert [s.generate_state(8).tolist() for s in made] == \
        [s.generate_state(8).tolist() for s in spawned]
    assert replication_seed(root, 11).spawn_key == spawned[11].spawn_key


# -- workers -----------------------------------------------------------------------------


@pytest.mark.hand
def test_workers_are_capped_per_usable_cpu(monkeypatch):
    monkeypatch.setattr(executors, "usable_cpus", lambda: 2)
    assert local_workers(None) == (2, None)
    assert local_workers(8) == (8, None)
    count, message = local_workers(1_000_000)
    assert count == 8
    assert message.startswith("--workers 1000000 lowered to 8")


@pytest.mark.cli
def test_a_million_workers_warns_and_runs(scenario_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(executors, "usable_cpus", lambda: 1)
    code, err = _run(capsys, "run", str(scenario_file), "--workers", "1000000",
                     "--replications", "4", "--no-counterfactuals", "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert "riskmap: warning: --workers 1000000 lowered to 4" in err
    code, err = _run(capsys, "run", str(scenario_file), "--workers", "1000000", "-q",
                     "--replications", "4", "--no-counterfactuals", "--out", str(tmp_path / "o"))
    assert code == 0 and err == ""


# -- scheduler address -------------------------------------------------------------------


@pytest.mark.cli
@pytest.mark.parametrize("address, problem", [
    ("::::bad", "is not an address"),
    ("tcp://", "is not an address"),
    ("tcp://host:port", "is not an address"),
    ("foo://10.0.0.5:8786", "unknown protocol 'foo'"),
    ("inproc://x", "unknown protocol 'inproc'"),  # inproc://HOST/PID/N lives in one process
    ("tcp://10.0.0.5:99999", "port 99999, outside 1-65535"),
    ("tcp://10.0.0.5:0", "port 0, outside 1-65535"),
    ("10.0.0.5 8786", "is not an address"),
])
def test_malformed_scheduler_address_is_exit_2(scenario_file, capsys, address, problem):
    code, err = _run(capsys, "run", str(scenario_file), "--scheduler", address,
                     "--replications", "2")
    assert code == 2
    assert problem in err and "[PROTOCOL://]HOST[:PORT]" in err


@pytest.mark.hand
@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "scheduler",
                                     "tls://sched.example.org:8786", "tcp://[::1]:8786",
                                     "ws://host-1", "inproc://192.0.2.2/31473/1"])
def test_well_formed_scheduler_addresses_pass(address):
    check_scheduler_address(address)


# -- the work estimate refuses what multiplies events ------------------------------------

TINY_REVIEW = """\
riskmap: 1
name: tiny review
network: network.yaml
horizon: 365
replications: 30
"""

STORMS = """\
riskmap: 1
name: storms
network: network.yaml
horizon: 365
replications: 30
disruptions:
  - {kind: outage, target: {supplier: bulbco}, rate: 100000, duration: 0.00001}
"""

RUSH = """\
riskmap: 1
name: rush
network: network.yaml
horizon: 365
replications: 30
disruptions:
  - {kind: demand_surge, target: {product: lamp}, at: 0, duration: 365, factor: 1000000}
"""


@pytest.mark.cli
@pytest.mark.parametrize("scenario", [TINY_REVIEW, STORMS, RUSH], ids=["review", "rate", "surge"])
def test_what_multiplies_events_is_refused_before_the_run(tmp_path, capsys, scenario):
    from tests.conftest import LAMP_NETWORK

    network = LAMP_NETWORK
    if scenario is TINY_REVIEW:  # every item reviewed every 10 microdays
        network = network.replace("policy: {type: base_stock, level: 30}",
                                  "policy: {type: base_stock, level: 30, review_period: 1.0e-5}")
    (tmp_path / "network.yaml").write_text(network)
    (tmp_path / "s.yaml").write_text(scenario)
    code, err = _run(capsys, "run", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o"))
    assert code == 2, err
    assert "too-much-work" in err and "--force" in err
    assert not (tmp_path / "o").exists()


# -- Ctrl-C from the first moment --------------------------------------------------------


@pytest.mark.cli
@pytest.mark.parametrize("where", ["build_parser", "import_module"])
def test_interrupt_while_options_are_read_or_modules_imported(scenario_file, capsys,
                                                              monkeypatch, where):
    from riskmap.cli import main as main_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    if where == "build_parser":
        monkeypatch.setattr(main_module, "build_parser", interrupted)
    else:
        monkeypatch.setattr(main_module.importlib, "import_module", interrupted)
    code, err = _run(capsys, "run", str(scenario_file))
    assert code == 130
    assert err == "riskmap: interrupted\n"


@pytest.mark.cli
def test_an_interrupt_a_library_turns_into_another_error_is_still_one_line(capsys, monkeypatch):
    # numpy's C extension turns a KeyboardInterrupt during its import into an ImportError
    import signal

    from riskmap.cli import main as main_module

    def import_hit_by_ctrl_c(argv):
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            raise ImportError('PyCapsule_Import could not import module "datetime"') from None
        return 0

    monkeypatch.setattr(main_module, "_main", import_hit_by_ctrl_c)
    assert main_module.main([]) == 130
    assert capsys.readouterr().err == "riskmap: interrupted\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    def plain_bug(argv):
        raise ImportError("a real import problem")

    monkeypatch.setattr(main_module, "_main", plain_bug)
    with pytest.raises(ImportError):  # no interrupt: not taken for one
        main_module.main([])


@pytest.mark.cli
def test_an_interrupt_python_cannot_propagate_is_raised_again(capsys, monkeypatch):
    # A SIGINT handled inside a __del__ (or an import lock's weak-reference callback) is
    # "Exception ignored" with a traceback: riskmap raises it again where it can propagate.
    import signal
    import time

    from riskmap.cli import main as main_module

    class Doomed:
        def __del__(self):
            signal.raise_signal(signal.SIGINT)

    def run_on(argv):
        Doomed()  # collected at once: the interrupt lands in its __del__
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.01)
        return 0

    monkeypatch.setattr(main_module, "_main", run_on)
    hook = sys.unraisablehook
    assert main_module.main([]) == 130
    assert capsys.readouterr().err == "riskmap: interrupted\n"
    assert sys.unraisablehook is hook and signal.getsignal(signal.SIGINT) is \
        signal.default_int_handler


#: a riskmap process that sends itself SIGINT DELAY seconds after its entry point starts
SELF_INTERRUPT = """\
import os, signal, sys
from riskmap.cli.main import entry_point
delay = float(sys.argv.pop(1))
signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
signal.setitimer(signal.ITIMER_REAL, delay)
entry_point()
"""


@pytest.mark.cli
@pytest.mark.parametrize("delay", [0.0001, 0.005, 0.01, 0.02, 0.04, 0.08])
def test_sigint_in_the_first_moments_is_one_line(scenario_file, tmp_path, delay):
    proc = subprocess.run(
        [sys.executable, "-c", SELF_INTERRUPT, str(delay), "run", str(scenario_file),
         "--replications", "200", "--workers", "1", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode != 0:  # the run may finish first on a fast machine: that is fine too
        assert proc.returncode == 130
        assert proc.stderr.strip().splitlines()[-1] == "riskmap: interrupted"
