"""Monte Carlo: seeding, chunking, merging, series bands, failures, interruption.

The replications here come from a small stand-in simulator with the engine's
signature, so these tests pin the Monte Carlo layer alone; the engine's own
behaviour is tested with the engine.
"""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap.run import executors as executors_module
from riskmap.options import variants
from riskmap.run import montecarlo
from riskmap.run.executors import ProcessExecutor, SerialExecutor, make_executor
from riskmap.errors import InputError
from riskmap.model import PART, PRODUCT, Demand, Item, Network, Scenario, Supplier
from riskmap.run.montecarlo import (
    ReplicationError, chunk_size, make_chunks, run_scenario, series_replications, series_sample,
    series_times)
from riskmap.report.build import build_report
from riskmap.report.json import dumps
from riskmap.sim.results import PartOutcome, ProductOutcome, ReplicationResult, SupplierOutcome


def tiny_scenario(replications: int = 12, horizon: float = 30, seed: int = 7) -> Scenario:
    network = Network(
        name="tiny",
        suppliers=(Supplier("acme", "Acme"), Supplier("bolts-r-us", "Bolts")),
        items=(
            Item("widget", PRODUCT, stock=5, demand=Demand(rate=1.0)),
            Item("gadget", PRODUCT, stock=5, demand=Demand(rate=2.0)),
            Item("bolt", PART, stock=10),
        ),
    )
    return Scenario(name="tiny test", network=network, horizon=horizon,
                    replications=replications, seed=seed)


def fake_simulate(scenario, seed, index=0, *, series=True, alternates=None):
    """A stand-in for the engine: seeded values of the right shapes."""
    # replication i must receive child i of the root SeedSequence
    if tuple(seed.spawn_key) != (index,):
        raise AssertionError(f"replication {index} got spawn key {seed.spawn_key}")
    rng = np.random.default_rng(seed)
    points = int(scenario.horizon) + 1
    products, on_hand, backlog = {}, {}, {}
    for item in sorted(scenario.network.products, key=lambda i: i.id):
        ordered = int(rng.integers(50, 100))
        waited = int(rng.integers(1, 10)) if rng.random() < 0.4 else 0
        products[item.id] = ProductOutcome(
            ordered_units=ordered, filled_from_stock_units=ordered - waited,
            backorder_units=waited, backlog_unit_time=float(waited * rng.uniform(0, 3)),
            longest_wait=float(rng.uniform(0, 4)) if waited else 0.0,
            lost_units=int(rng.integers(0, 2)) if waited else 0,
            shipped_units=ordered, waiting_units_at_end=0,
            first_backorder_time=float(rng.uniform(0, scenario.horizon)) if waited else None)
        # drawn even when not recorded, so that series=False changes no other value
        levels, waiting = rng.integers(0, 20, points), rng.integers(0, 4, points)
        if series:
            on_hand[item.id], backlog[item.id] = levels, waiting
    parts = {p.id: PartOutcome(float(rng.uniform(0, 3))) for p in scenario.network.parts}
    suppliers = {s.id: SupplierOutcome(float(rng.uniform(0, 5)), int(rng.integers(0, 20)))
                 for s in scenario.network.suppliers}
    return ReplicationResult(index, products, parts, suppliers, on_hand, backlog,
                             events=100 + index)


def failing_simulate(scenario, seed, index=0, *, series=True, alternates=None):
    if index == 5:
        raise ValueError("negative stock in bolt")
    return fake_simulate(scenario, seed, index, series=series, alternates=alternates)


def interrupting_simulate(scenario, seed, index=0, *, series=True, alternates=None):
    """Replication 0 presses Ctrl-C on the parent; the others take far too long."""
    if index == 0:
        os.kill(os.getppid(), signal.SIGINT)
        return fake_simulate(scenario, seed, index, series=series)
    time.sleep(60)
    raise AssertionError("should have been stopped")


def report_text(summary) -> str:
    return dumps(build_report(summary))


def run(scenario, **kwargs):
    kwargs.setdefault("simulator", fake_simulate)
    kwargs.setdefault("executor", SerialExecutor())
    return run_scenario(scenario, **kwargs)


# --------------------------------------------------------------------------
# Determinism


@pytest.mark.hand
def test_same_seed_gives_identical_summary():
    scenario = tiny_scenario()
    assert report_text(run(scenario)) == report_text(run(scenario))


@pytest.mark.hand
def test_different_seed_gives_different_summary():
    scenario = tiny_scenario()
    assert report_text(run(scenario)) != report_text(run(scenario, seed=8))


@pytest.mark.hand
def test_seed_override_is_reported():
    summary = run(tiny_scenario(seed=7), seed=99)
    assert summary.seed == 99
    assert report_text(summary) == report_text(run(tiny_scenario(seed=99)))


@pytest.mark.hand
def test_one_and_two_workers_give_byte_identical_reports():
    scenario = tiny_scenario(replications=30)
    serial = report_text(run(scenario, executor=SerialExecutor()))
    parallel = report_text(run(scenario, executor=ProcessExecutor(2)))
    assert serial == parallel


@pytest.mark.hand
@pytest.mark.parametrize("replications", [1, 2, 3])
def test_fewer_replications_than_workers(replications):
    scenario = tiny_scenario(replications=replications)
    parallel = run(scenario, executor=ProcessExecutor(4))
    assert parallel.replications == replications
    assert report_text(parallel) == report_text(run(scenario))


@pytest.mark.hand
def test_replications_merged_in_order_whatever_the_chunking():
    scenario = tiny_scenario(replications=23)
    summary = run(scenario, executor=ProcessExecutor(2))
    # the stand-in reports 100 + index events, so order-independent sums match
    assert summary.events == sum(100 + i for i in range(23))
    alone = [fake_simulate(scenario, s, i) for i, s in
             enumerate(np.random.SeedSequence(7).spawn(23))]
    expected = [r.products["widget"].backorder_units for r in alone]
    assert summary.samples.values["product"]["widget"]["backorder_units"] == expected


@pytest.mark.hand
def test_replications_override_and_validation():
    assert run(tiny_scenario(replications=12), replications=3).replications == 3
    with pytest.raises(ValueError, match="replications"):
        run(tiny_scenario(), replications=0)


# --------------------------------------------------------------------------
# Chunks and series sampling


@pytest.mark.hand
def test_chunk_size_bounds():
    assert chunk_size(1, 8) == 1
    assert chunk_size(200, 2) == 25
    assert chunk_size(40, 2) == 5
    assert chunk_size(10**6, 1) == montecarlo.MAX_CHUNK


@pytest.mark.hand
def test_long_replications_travel_alone():
    # 10 replications of 1.6 million events on 2 workers: 10 chunks (5 and 5), not 5 of 2
    assert chunk_size(10, 2, events_per_replication=1.6e6) == 1
    # at most CHUNK_EVENTS a chunk: 5 replications of 100,000 events, not 13
    assert chunk_size(100, 2, events_per_replication=1e5) == 5
    assert chunk_size(100, 2, events_per_replication=10.0) == 13  # short ones: as before


@pytest.mark.hand
def test_chunks_cover_every_replication_once_in_order():
    seeds = np.random.SeedSequence(1).spawn(11)
    chunks = make_chunks(np.random.SeedSequence(1), 11, 4, frozenset({0, 10}))
    assert [c.indices for c in chunks] == [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9, 10)]
    assert chunks[0].series == (True, False, False, False)
    assert chunks[2].series == (False, False, True)
    assert (chunks[2].seeds[2].generate_state(4) == seeds[10].generate_state(4)).all()


@pytest.mark.hand
def test_series_times_stride_for_long_horizons():
    assert series_times(10.5).tolist() == list(range(11))
    times = series_times(3650)
    assert times[0] == 0 and times[-1] <= 3650
    assert len(times) <= montecarlo.MAX_SERIES_POINTS
    assert np.all(np.diff(times) == 10) and len(times) == 366


@pytest.mark.hand
def test_series_sample_is_all_replications_below_the_cap():
    assert series_sample(7, 7) == frozenset(range(7))
    sample = series_sample(10_000, 500)
    assert len(sample) == 500 and min(sample) == 0 and max(sample) < 10_000


@pytest.mark.hand
def test_series_memory_is_capped():
    kept = series_replications(100_000, products=100, points=401)
    assert kept * 8 * 2 * 100 * 401 <= montecarlo.SERIES_MEMORY or \
        kept == montecarlo.MIN_SERIES_REPLICATIONS
    assert series_replications(10, products=1, points=31) == 10


@pytest.mark.hand
def test_bands_are_exact_percentiles_over_replications():
    scenario = tiny_scenario(replications=9, horizon=6)
    summary = run(scenario)
    seeds = np.random.SeedSequence(7).spawn(9)
    rows = np.vstack([fake_simulate(scenario, s, i).on_hand["gadget"] for i, s in enumerate(seeds)])
    band = summary.bands["gadget"]["on_hand"]
    assert np.allclose(band["p50"], np.percentile(rows, 50, axis=0))
    assert np.allclose(band["p5"], np.percentile(rows, 5, axis=0))
    assert summary.times.tolist() == list(range(7))


@pytest.mark.hand
def test_no_series_requested_when_bands_are_off():
    summary = run(tiny_scenario(), series=False)
    assert summary.bands == {} and summary.series_replications == 0


# --------------------------------------------------------------------------
# Failures and interruption


@pytest.mark.hand
@pytest.mark.parametrize("executor", [SerialExecutor(), ProcessExecutor(2)],
                         ids=["serial", "processes"])
def test_failed_replication_names_scenario_and_replication(executor):
    with pytest.raises(ReplicationError) as info:
        run(tiny_scenario(), simulator=failing_simulate, executor=executor)
    error = info.value
    assert error.index == 5 and error.scenario == "tiny test" and error.seed == 7
    assert "replication 5" in str(error) and "'tiny test'" in str(error)
    assert "ValueError: negative stock in bolt" in str(error)


@pytest.mark.hand
def test_interrupt_stops_the_pool_at_once():
    scenario = tiny_scenario(replications=6)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run(scenario, simulator=interrupting_simulate, executor=ProcessExecutor(2))
    # the other replications sleep for a minute: they must have been stopped
    assert time.monotonic() - start < 20


@pytest.mark.hand
def test_progress_reaches_the_total():
    calls = []
    run(tiny_scenario(replications=10), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (10, 10)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.hand
def test_make_executor_choices():
    assert isinstance(make_executor(1), SerialExecutor)
    pool = make_executor(3)
    assert isinstance(pool, ProcessExecutor) and pool.workers == 3
    # a tiny run is not worth a pool, unless the user asked for workers
    assert isinstance(make_executor(None, events=1_000), SerialExecutor)
    assert isinstance(make_executor(2, events=1_000), ProcessExecutor)
    big = make_executor(None, events=1e9)
    assert big.workers == (os.cpu_count() or 1)
    if not executors_module.dask_available():
        with pytest.raises(InputError, match=r"riskmap\[dask\]"):
            make_executor(2, scheduler="tcp://127.0.0.1:8786")


# --------------------------------------------------------------------------
# Counterfactual runs without each alternate lane


def lanes_scenario(replications: int = 10) -> Scenario:
    from riskmap.model import Source

    base = tiny_scenario(replications=replications)
    bolt = Item("bolt", PART, stock=10, sources=(
        Source("acme"), Source("bolts-r-us", alternate=True)))
    widget = Item("widget", PRODUCT, stock=5, demand=Demand(rate=1.0), sources=(
        Source("bolts-r-us"), Source("acme", alternate=True)))
    gadget = base.network.item("gadget")
    network = Network(name="lanes", suppliers=base.network.suppliers,
                      items=(widget, gadget, bolt))
    return Scenario(name="lanes", network=network, horizon=30, replications=replications, seed=4)


@pytest.mark.hand
def test_without_alternate_removes_one_lane_only():
    scenario = lanes_scenario()
    changed = variants.without_alternate(scenario, "bolt", "bolts-r-us")
    assert [s.supplier for s in changed.network.item("bolt").sources] == ["acme"]
    assert changed.network.item("widget") == scenario.network.item("widget")
    assert len(scenario.network.item("bolt").sources) == 2  # the original is untouched
    assert variants.alternate_sources(scenario) == [("bolt", "bolts-r-us"),
                                                    ("widget", "acme")]


@pytest.mark.property
@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=1, max_value=64))
def test_chunks_partition_the_replications(replications, workers):
    size = chunk_size(replications, workers)
    chunks = make_chunks(np.random.SeedSequence(0), replications, size, frozenset())
    assert [i for c in chunks for i in c.indices] == list(range(replications))
    assert all(1 <= len(c.indices) <= montecarlo.MAX_CHUNK for c in chunks)


@pytest.mark.property
@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=1000))
def test_series_sample_has_exactly_the_kept_count(replications, kept):
    kept = min(kept, replications)
    sample = series_sample(replications, kept)
    assert len(sample) == kept and all(0 <= i < replications for i in sample)


@pytest.mark.hand
def test_dask_cluster_gives_the_same_summary():
    distributed = pytest.importorskip("distributed")
    from riskmap.run.executors import DaskExecutor

    scenario = tiny_scenario(replications=9)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        executor = make_executor(scheduler=cluster.scheduler_address)
        try:
            assert isinstance(executor, DaskExecutor) and executor.workers == 2
            on_dask = run(scenario, executor=executor)
            with pytest.raises(ReplicationError, match="replication 5"):
                run(scenario, simulator=failing_simulate, executor=executor)
        finally:
            executor.close()
    assert report_text(on_dask) == report_text(run(scenario))
