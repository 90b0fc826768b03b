"""Scaling out: network size, horizon, the dask path, and the memory of aggregation.

Run from the repository root, one part at a time (each prints its figures and the
load average, since the machine may be shared)::

    python benchmarks/bench_scale.py size      # one replication per synthetic network size
    python benchmarks/bench_scale.py horizon   # one replication per horizon, fixed size
    python benchmarks/bench_scale.py dask      # local pool against a dask LocalCluster
    python benchmarks/bench_scale.py memory    # peak memory of merging 1,000-product results
    python benchmarks/bench_scale.py run       # a real run: parent and worker peak memory
    python benchmarks/bench_scale.py replay    # the 1,000-product, 365-day, 1,000-replication run

``size`` and ``horizon`` simulate synthetic networks (riskmap.testing.synthetic, seed 1) of
P products, 5P parts and P suppliers with the real engine, one replication in a fresh
process each, and print seconds, events, events per second and the process's peak
resident memory. ``memory`` measures the parent process of a Monte Carlo run alone:
replication results shaped like those of a 1,000-product, 5,000-part, 1,000-supplier,
365-day network (every statistic defined, values that are not small cached integers,
on-hand and backlog series of 366 points) are produced by a stand-in simulator and
merged by :func:`riskmap.run.montecarlo.run_scenario`, in a fresh process per replication
count, so the figure is what aggregation keeps, not what the engine needs.
``replay`` measures the full-size run (1,000 products, 365 days, 1,000
replications, 2 workers) without its hours of simulation: a few replications
are simulated for real (their workers' peak memory is measured), then the run
of all 1,000 goes through the real executor, digests, merging and series bands
with a simulator that answers replication ``i`` with recorded result ``i mod K``;
the parent's peak plus each worker's is the run's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def header() -> None:
    import numpy as np
    import simpy

    print(f"python {sys.version.split()[0]}, simpy {simpy.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_fresh_process(*args: str) -> dict:
    """Run this script's hidden ``_one`` / ``_merge`` step in a new interpreter; its JSON line."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# One replication of a synthetic network


def one_replication(products: int, horizon: float) -> dict:
    """Simulate one replication of the P / 5P / P synthetic network (run in a fresh process)."""
    import numpy as np

    from riskmap.model import Scenario
    from riskmap.sim.engine import simulate
    from riskmap.testing.synthetic import synthetic_network

    network = synthetic_network(products, 5 * products, products, seed=1)
    scenario = Scenario(name="synthetic", network=network, horizon=horizon, replications=1,
                        seed=1)
    seed = np.random.SeedSequence(1).spawn(1)[0]
    before = peak_mb()
    start = time.perf_counter()
    result = simulate(scenario, seed, 0, series=True)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "events": result.events, "peak_mb": peak_mb(),
            "before_mb": before}


def print_replications(cases: list[tuple[int, float]]) -> None:
    print(f"   {'products':>8} {'parts':>6} {'suppliers':>9} {'horizon':>7} {'seconds':>8} "
          f"{'events':>10} {'events/s':>9} {'peak MiB':>8} {'load':>5}")
    for products, horizon in cases:
        row = in_fresh_process("_one", str(products), str(horizon))
        print(f"   {products:>8,} {5 * products:>6,} {products:>9,} {horizon:>7g} "
              f"{row['seconds']:>8.2f} {row['events']:>10,} "
              f"{row['events'] / row['seconds']:>9,.0f} {row['peak_mb']:>8.0f} "
              f"{os.getloadavg()[0]:>5.2f}", flush=True)


def size(args) -> None:
    print(f"network size: one replication of {args.horizon:g} days, series on, fresh process each")
    print_replications([(p, args.horizon) for p in args.products])


def horizon(args) -> None:
    print(f"horizon: one replication of the {args.size}-product network, fresh process each")
    print_replications([(args.size, h) for h in args.horizons])


# --------------------------------------------------------------------------
# Local pool against dask


def dask_overhead(args) -> None:
    import distributed

    import stocking_points
    from riskmap.run.executors import DaskExecutor, ProcessExecutor
    from riskmap.run.montecarlo import run_scenario
    from riskmap.report.build import build_report
    from riskmap.report.json import dumps

    scenario = stocking_points.scenario(args.points, args.horizon, args.replications)
    print(f"dask: {args.points} stocking points, {args.horizon:g} days, {args.replications} "
          f"replications, 2 workers; best of {args.repeat}")

    def timed(executor) -> tuple[float, str]:
        best, text = None, ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            summary = run_scenario(scenario, executor=executor)
            seconds = time.perf_counter() - start
            best = seconds if best is None else min(best, seconds)
            text = dumps(build_report(summary))
        return best, text

    start = time.perf_counter()
    pool_seconds, pool_text = timed(ProcessExecutor(2))
    print(f"   local pool (2 processes, started per run)  {pool_seconds:7.3f} s  "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    start = time.perf_counter()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        started = time.perf_counter() - start
        executor = DaskExecutor(cluster.scheduler_address)
        try:
            dask_seconds, dask_text = timed(executor)
        finally:
            executor.close()
    print(f"   dask LocalCluster (2 worker processes)     {dask_seconds:7.3f} s  "
          f"load {os.getloadavg()[0]:.2f}  (cluster start {started:.2f} s, not counted)")
    print(f"   dask / local pool  x{dask_seconds / pool_seconds:.2f}; "
          f"identical report.json: {pool_text == dask_text}")


# --------------------------------------------------------------------------
# Memory of merging results


def shaped_network(products: int):
    """Ids only: the stand-in simulator needs the network's products, parts and suppliers."""
    from riskmap.testing.synthetic import synthetic_network

    return synthetic_network(products, 5 * products, products, seed=1)


def stand_in_simulate(scenario, seed, index=0, *, series=True, alternates=None):
    """Results of the shape the engine returns, every value defined and distinct."""
    import numpy as np

    from riskmap.sim.results import (PartOutcome, ProductOutcome, ReplicationResult,
                                     SupplierOutcome)

    rng = np.random.default_rng(seed)
    points = int(scenario.horizon) + 1
    network = scenario.network
    products, on_hand, backlog = {}, {}, {}
    for item in network.products:
        ordered = int(rng.integers(1000, 5000))
        short = int(rng.integers(300, 900))
        products[item.id] = ProductOutcome(
            ordered_units=ordered, filled_from_stock_units=ordered - short,
            backorder_units=short, backlog_unit_time=float(rng.uniform(1, 9e3)),
            longest_wait=float(rng.uniform(1, 30)), lost_units=int(rng.integers(300, 900)),
            shipped_units=ordered - 300, waiting_units_at_end=int(rng.integers(300, 900)),
            first_backorder_time=float(rng.uniform(0, 300)), waited_orders=300,
            wait_mean=float(rng.uniform(1, 9)), promises_judged=400, promises_kept=300,
            eta_slip=float(rng.uniform(0, 4)), eta_revisions=int(rng.integers(300, 900)),
            lost_revenue=float(rng.uniform(1, 9e4)), lost_margin=float(rng.uniform(1, 9e3)),
            backorder_cost=float(rng.uniform(1, 9e3)), lost_sale_cost=float(rng.uniform(1, 9e3)))
        if series:
            on_hand[item.id] = rng.uniform(0, 500, points)
            backlog[item.id] = rng.uniform(0, 500, points)
    parts = {p.id: PartOutcome(float(rng.uniform(1, 300))) for p in network.parts}
    suppliers = {s.id: SupplierOutcome(float(rng.uniform(1, 300)), int(rng.integers(300, 9000)))
                 for s in network.suppliers}
    return ReplicationResult(index, products, parts, suppliers, on_hand, backlog, events=10**6)


def merge(products: int, horizon: float, replications: int) -> dict:
    """Merge ``replications`` stand-in results in this process (run in a fresh process)."""
    from riskmap.run.executors import SerialExecutor
    from riskmap.model import Scenario
    from riskmap.run.montecarlo import run_scenario

    scenario = Scenario(name="memory", network=shaped_network(products), horizon=horizon,
                        replications=replications, seed=1)
    before = peak_mb()
    start = time.perf_counter()
    summary = run_scenario(scenario, executor=SerialExecutor(), simulator=stand_in_simulate)
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "before_mb": before,
            "kept": summary.series_replications}


def memory(args) -> None:
    print(f"memory of the merging process: {args.size} products, {5 * args.size} parts, "
          f"{args.size} suppliers, {args.horizon:g} days; stand-in results, fresh process each")
    print(f"   {'replications':>12} {'series kept':>11} {'peak MiB':>8} {'at start':>8} "
          f"{'seconds':>8} {'load':>5}")
    for replications in args.replications:
        row = in_fresh_process("_merge", str(args.size), str(args.horizon), str(replications))
        print(f"   {replications:>12,} {row['kept']:>11} {row['peak_mb']:>8.0f} "
              f"{row['before_mb']:>8.0f} {row['seconds']:>8.1f} {os.getloadavg()[0]:>5.2f}",
              flush=True)


# --------------------------------------------------------------------------
# A real run: the parent's and the workers' peak memory


def real_run(args) -> None:
    from riskmap.run.executors import ProcessExecutor, SerialExecutor
    from riskmap.model import Scenario
    from riskmap.run.montecarlo import run_scenario

    network = shaped_network(args.size)
    scenario = Scenario(name="synthetic", network=network, horizon=args.horizon,
                        replications=args.replications, seed=1)
    executor = SerialExecutor() if args.workers == 1 else ProcessExecutor(args.workers)
    print(f"real run: {args.size} products, {5 * args.size} parts, {args.size} suppliers, "
          f"{args.horizon:g} days, {args.replications} replications, {args.workers} worker(s)")
    start = time.perf_counter()
    summary = run_scenario(scenario, executor=executor)
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"   {seconds:.1f} s, {summary.events:,} events, parent peak {peak_mb():.0f} MiB, "
          f"largest worker peak {children:.0f} MiB, load {os.getloadavg()[0]:.2f}")


# --------------------------------------------------------------------------
# The full-size run: real replications, replayed to the full replication count

#: where ``replay`` keeps the simulated results its workers read back.
RECORDED = Path(os.environ.get("TMPDIR", "/tmp")) / "riskmap-bench-recorded.pkl"
_recorded: list = []


def record_results(scenario, count: int, workers: int) -> tuple[float, float]:
    """Simulate replications ``0..count-1`` for real; keep them in :data:`RECORDED`.

    Returns the seconds per replication (wall clock over the workers) and the
    largest worker's peak memory.
    """
    import pickle

    import numpy as np

    from riskmap.run.executors import ProcessExecutor

    seeds = np.random.SeedSequence(scenario.seed).spawn(count)
    executor = ProcessExecutor(workers)
    start = time.perf_counter()
    chunks = [(i, seed) for i, seed in enumerate(seeds)]
    results = dict(executor.run(_simulate_one, scenario, chunks))
    seconds = time.perf_counter() - start
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with RECORDED.open("wb") as handle:
        pickle.dump([results[i] for i in range(count)], handle, protocol=pickle.HIGHEST_PROTOCOL)
    return seconds * workers / count, worker_peak


def _simulate_one(scenario, chunk):
    from riskmap.sim.engine import simulate

    index, seed = chunk
    return simulate(scenario, seed, index, series="products")


def replayed_simulate(scenario, seed, index=0, *, series=True, alternates=None):
    """Replication ``index`` answered with recorded result ``index mod K`` (its index changed)."""
    import dataclasses
    import pickle

    if not _recorded:
        with RECORDED.open("rb") as handle:
            _recorded.extend(pickle.load(handle))
    result = _recorded[index % len(_recorded)]
    if not series:
        result = dataclasses.replace(result, on_hand={}, backlog={})
    return dataclasses.replace(result, index=index)


def replay(args) -> None:
    """A full-size run's memory: real replications, replayed up to the replication count."""
    from riskmap.run.executors import ProcessExecutor
    from riskmap.model import Scenario
    from riskmap.run.montecarlo import run_scenario

    network = shaped_network(args.size)
    scenario = Scenario(name="synthetic", network=network, horizon=args.horizon,
                        replications=args.replications, seed=1)
    print(f"full-size run: {args.size} products, {5 * args.size} parts, {args.size} suppliers, "
          f"{args.horizon:g} days, {args.replications} replications, {args.workers} workers")
    per_replication, simulating_peak = record_results(scenario, args.record, args.workers)
    print(f"   {args.record} real replications: {per_replication:.1f} s each (one worker), "
          f"largest worker peak {simulating_peak:.0f} MiB, load {os.getloadavg()[0]:.2f}",
          flush=True)
    start = time.perf_counter()
    summary = run_scenario(scenario, executor=ProcessExecutor(args.workers),
                           simulator=replayed_simulate)
    seconds = time.perf_counter() - start
    parent = peak_mb()
    workers = max(simulating_peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(f"   {args.replications} replications merged (results replayed) in {seconds:.1f} s: "
          f"parent peak {parent:.0f} MiB, series kept {summary.series_replications}")
    print(f"   whole run: parent {parent:.0f} MiB + {args.workers} x worker {workers:.0f} MiB = "
          f"{parent + args.workers * workers:.0f} MiB; simulated for real it would take about "
          f"{per_replication * args.replications / args.workers / 3600:.1f} h here")
    RECORDED.unlink()


# --------------------------------------------------------------------------


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_one":
        print(json.dumps(one_replication(int(argv[1]), float(argv[2]))))
        return 0
    if argv and argv[0] == "_merge":
        print(json.dumps(merge(int(argv[1]), float(argv[2]), int(argv[3]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("size")
    p.add_argument("--products", type=int, nargs="+", default=[10, 30, 100, 300, 1000])
    p.add_argument("--horizon", type=float, default=30)
    p = sub.add_parser("horizon")
    p.add_argument("--size", type=int, default=100)
    p.add_argument("--horizons", type=float, nargs="+", default=[30, 90, 180, 365])
    p = sub.add_parser("dask")
    p.add_argument("--points", type=int, default=10)
    p.add_argument("--horizon", type=float, default=365)
    p.add_argument("--replications", type=int, default=200)
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("memory")
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--horizon", type=float, default=365)
    p.add_argument("--replications", type=int, nargs="+", default=[100, 300, 1000])
    p = sub.add_parser("run")
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--horizon", type=float, default=365)
    p.add_argument("--replications", type=int, default=4)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("replay")
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--horizon", type=float, default=365)
    p.add_argument("--replications", type=int, default=1000)
    p.add_argument("--record", type=int, default=4, help="real replications to replay")
    p.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    header()
    parts = {"size": size, "horizon": horizon, "dask": dask_overhead, "memory": memory,
             "run": real_run, "replay": replay}
    parts[args.part](args)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
