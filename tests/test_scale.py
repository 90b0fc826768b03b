"""Scaling out: the same report from one process, a local pool and a dask cluster.

The dask tests start a real ``distributed.LocalCluster`` with worker
*processes* on the loopback interface, so chunks, the scattered context and
the results really cross process boundaries (pickled), as they do on a remote
cluster. The cluster is shared by the tests of this module (it takes a few
seconds to start).
"""

from __future__ import annotations


import pytest

from riskmap.run import montecarlo
from riskmap.cli.main import main
from riskmap.run.executors import ProcessExecutor, SerialExecutor, make_executor
from riskmap.run.montecarlo import ReplicationError, chunk_size, run_scenario
from tests.test_montecarlo import fake_simulate, report_text, tiny_scenario

pytestmark = pytest.mark.cli


def failing_simulate(scenario, seed, index=0, *, series=True, alternates=None):
    """The real engine, except that replication 3 fails."""
    if index == 3:
        raise RuntimeError("stock went negative")
    from riskmap.sim.engine import simulate

    return simulate(scenario, seed, index, series=series, alternates=alternates)


def failing_fake(scenario, seed, index=0, *, series=True, alternates=None):
    """The stand-in engine, except that the last replication of a 7-replication run fails."""
    if index == 6:
        raise ValueError("negative stock in bolt")
    return fake_simulate(scenario, seed, index, series=series, alternates=alternates)


@pytest.fixture(scope="module")
def cluster():
    """A dask.distributed cluster of two single-threaded worker processes on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as local:
        yield local


def run_cli(args, capsys) -> tuple[int, str, str]:
    code = main(["run", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def report_bytes(scenario_file, out_dir, capsys, *executor_args, replications="8") -> bytes:
    code, _, err = run_cli([scenario_file, *executor_args, "--replications", replications,
                            "--out", out_dir, "-q"], capsys)
    assert code == 0, err
    return (out_dir / "report.json").read_bytes()


# --------------------------------------------------------------------------
# Byte-identical reports


@pytest.mark.parametrize("replications", ["8", "1"])
def test_one_worker_two_workers_and_dask_write_identical_report_json(
        scenario_file, tmp_path, capsys, cluster, replications):
    serial = report_bytes(scenario_file, tmp_path / "w1", capsys, "--workers", "1",
                          replications=replications)
    pool = report_bytes(scenario_file, tmp_path / "w2", capsys, "--workers", "2",
                        replications=replications)
    dask = report_bytes(scenario_file, tmp_path / "dask", capsys,
                        "--scheduler", cluster.scheduler_address, replications=replications)
    assert b'"replications": %s' % replications.encode() in serial
    assert serial == pool == dask


def test_python_api_on_dask_matches_one_process(cluster):
    scenario = tiny_scenario(replications=11)
    executor = make_executor(scheduler=cluster.scheduler_address)
    try:
        assert executor.workers == 2
        seen = []
        on_dask = run_scenario(scenario, executor=executor, simulator=fake_simulate,
                               progress=lambda done, total: seen.append((done, total)))
    finally:
        executor.close()
    alone = run_scenario(scenario, executor=SerialExecutor(), simulator=fake_simulate)
    assert report_text(on_dask) == report_text(alone)
    # the progress line counts finished replications, whichever executor ran them
    assert seen[-1] == (11, 11)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


# --------------------------------------------------------------------------
# Chunking edge cases


@pytest.mark.parametrize("replications, workers", [(1, 2), (3, 4), (2, 8)])
def test_fewer_replications_than_workers(replications, workers):
    scenario = tiny_scenario(replications=replications)
    assert chunk_size(replications, workers) == 1
    pooled = run_scenario(scenario, executor=ProcessExecutor(workers), simulator=fake_simulate)
    alone = run_scenario(scenario, executor=SerialExecutor(), simulator=fake_simulate)
    assert pooled.replications == replications == alone.replications
    assert report_text(pooled) == report_text(alone)


def test_one_replication_on_dask(cluster):
    scenario = tiny_scenario(replications=1)
    executor = make_executor(scheduler=cluster.scheduler_address)
    try:
        on_dask = run_scenario(scenario, executor=executor, simulator=fake_simulate)
    finally:
        executor.close()
    assert on_dask.replications == 1
    assert report_text(on_dask) == report_text(
        run_scenario(scenario, executor=SerialExecutor(), simulator=fake_simulate))


# --------------------------------------------------------------------------
# A worker that raises


def test_failing_worker_process_exits_3_and_writes_nothing(scenario_file, tmp_path,
                                                          monkeypatch, capsys):
    # worker processes are forked after the patch, so they run the failing engine
    monkeypatch.setattr(montecarlo, "default_simulator", lambda: failing_simulate)
    out_dir = tmp_path / "out"
    code, out, err = run_cli([scenario_file, "--workers", "2", "--out", out_dir, "-q"], capsys)
    assert code == 3
    assert "'Acme fire: spring'" in err and "replication 3" in err and "seed 5" in err
    assert "RuntimeError: stock went negative" in err and "Traceback" not in err
    # no report, half-written or not: at most the checkpoint that --resume continues from
    left = {p.relative_to(out_dir).parts[0] for p in out_dir.rglob("*")}
    assert left <= {".riskmap-checkpoint"}
    assert out == ""


def test_failing_dask_worker_names_scenario_and_replication(cluster):
    scenario = tiny_scenario(replications=7)
    executor = make_executor(scheduler=cluster.scheduler_address)
    try:
        with pytest.raises(ReplicationError) as info:
            run_scenario(scenario, executor=executor, simulator=failing_fake)
        # the cluster is still usable after a failed run
        again = run_scenario(scenario, executor=executor, simulator=fake_simulate)
    finally:
        executor.close()
    error = info.value
    assert (error.scenario, error.index, error.seed) == ("tiny test", 6, 7)
    assert "ValueError: negative stock in bolt" in str(error)
    assert again.replications == 7
