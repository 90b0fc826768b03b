"""Simulation speed: model overhead per event, scaling, and parallel speed-up.

Run from the repository root::

    python benchmarks/bench_sim.py            # the default figures
    python benchmarks/bench_sim.py --quick    # smaller, for a smoke test

It prints:

1. events per second of the riskmap engine on the stocking-point network
   (benchmarks/stocking_points.py) against two bare SimPy loops that
   process the same number of events: generator processes yielding
   timeouts (the usual SimPy style) and timeouts with a plain callback (the
   style the engine uses, the least SimPy itself can do). The overhead is the
   ratio of the bare rate to the engine's (goal: at most 2).
2. time and events per second as replications and the horizon grow (goal:
   linear, a flat events-per-second column).
3. the speed-up of a Monte Carlo run from 1 to 2 worker processes (goal:
   at least 1.8) as the run grows, since starting the pool is a fixed cost.

Each figure is the best of ``--repeat`` runs, which filters out noise from
other work on the machine; the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import simpy
from simpy.events import Timeout

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import stocking_points  # noqa: E402

from riskmap.run.executors import ProcessExecutor, SerialExecutor  # noqa: E402
from riskmap.run.montecarlo import run_scenario  # noqa: E402
from riskmap.sim.engine import simulate  # noqa: E402


def best_of(repeat: int, fn):
    """``(seconds, value)`` of the fastest of ``repeat`` calls of ``fn``."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - start
        if best is None or seconds < best[0]:
            best = (seconds, value)
    return best


def engine_run(points: int, horizon: float, replications: int) -> int:
    """Simulate ``replications`` replications in this process; return the events processed."""
    scenario = stocking_points.scenario(points, horizon, replications)
    seeds = np.random.SeedSequence(scenario.seed).spawn(replications)
    return sum(simulate(scenario, seed, i, series=False).events for i, seed in enumerate(seeds))


def bare_processes(events: int, processes: int) -> int:
    """SimPy generator processes, each yielding unit timeouts, ``events`` timeouts in all."""
    env = simpy.Environment()
    per_process = events // processes

    def ticker(env):
        for _ in range(per_process):
            yield env.timeout(1.0)

    for _ in range(processes):
        env.process(ticker(env))
    env.run()
    return per_process * processes


def bare_callbacks(events: int, chains: int) -> int:
    """Timeouts with a callback that schedules the next one: ``events`` in all."""
    env = simpy.Environment()
    per_chain = events // chains
    left = [per_chain] * chains

    def fire(event):
        chain = event._value
        left[chain] -= 1
        if left[chain] > 0:
            Timeout(env, 1.0, chain).callbacks.append(fire)

    for chain in range(chains):
        Timeout(env, 1.0, chain).callbacks.append(fire)
    env.run()
    return per_chain * chains


def overhead(args) -> None:
    points, horizon, count = args.points, args.horizon, args.overhead_replications
    seconds, events = best_of(args.repeat, lambda: engine_run(points, horizon, count))
    engine_rate = events / seconds
    print(f"1. model overhead per event ({points} stocking points, {horizon:g} days, "
          f"{count} replication(s), {events} events)")
    print(f"   riskmap engine        {engine_rate:>12,.0f} events/s  ({seconds:.3f} s)")
    for label, bare in (("bare SimPy processes", bare_processes),
                        ("bare SimPy callbacks", bare_callbacks)):
        bare_seconds, done = best_of(args.repeat, lambda: bare(events, points))
        bare_rate = done / bare_seconds
        print(f"   {label:<21} {bare_rate:>12,.0f} events/s  ({bare_seconds:.3f} s)  "
              f"overhead x{bare_rate / engine_rate:.2f}")


def scaling(args) -> None:
    points = max(1, args.points // 10)
    print(f"2. scaling ({points} stocking points, in-process)")
    print(f"   {'replications':>12} {'horizon':>8} {'seconds':>8} {'events':>10} {'events/s':>12}")
    cases = [(r, args.horizon) for r in (args.replications // 4, args.replications // 2,
                                        args.replications)]
    cases += [(args.replications // 4, h) for h in (args.horizon * 2, args.horizon * 4)]
    for replications, horizon in cases:
        seconds, events = best_of(args.repeat,
                                  lambda: engine_run(points, horizon, max(1, replications)))
        print(f"   {max(1, replications):>12} {horizon:>8g} {seconds:>8.3f} {events:>10} "
              f"{events / seconds:>12,.0f}")


def speedup(args) -> None:
    points = max(1, args.points // 10)
    print(f"3. workers ({points} stocking points, {args.horizon:g} days, whole run_scenario "
          f"incl. pool start; best of {args.repeat})")
    print(f"   {'replications':>12} {'1 worker s':>10} {'2 workers s':>11} {'speed-up':>8} "
          f"{'workers CPU s':>13} {'identical':>9} {'load':>5}")
    for replications in args.speedup_replications:
        scenario = stocking_points.scenario(points, args.horizon, replications)
        base, serial = best_of(args.repeat,
                               lambda: run_scenario(scenario, executor=SerialExecutor()))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds, summary = best_of(
            args.repeat, lambda: run_scenario(scenario, executor=ProcessExecutor(2)))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU time of the worker processes per run: if it is close to the serial
        # time, the parallel run did no extra work, and a wall-clock speed-up
        # below the worker count comes from CPUs busy with other work
        cpu = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / args.repeat
        same = summary.products == serial.products
        print(f"   {replications:>12} {base:>10.3f} {seconds:>11.3f} {base / seconds:>7.2f}x "
              f"{cpu:>13.3f} {str(same):>9} {os.getloadavg()[0]:>5.2f}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100, help="stocking points (default 100)")
    parser.add_argument("--horizon", type=float, default=365, help="days (default 365)")
    parser.add_argument("--replications", type=int, default=200,
                        help="replications for scaling and workers (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--overhead-replications", type=int, default=5,
                        help="replications timed for the overhead (default 5)")
    parser.add_argument("--speedup-replications", type=int, nargs="+", default=[20, 100, 400],
                        help="run sizes of the speed-up curve (default 20 100 400)")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--only", choices=("overhead", "scaling", "workers"), action="append",
                        help="run only this part (repeatable; default all three)")
    args = parser.parse_args(argv)
    if args.quick:
        args.points, args.horizon, args.replications, args.repeat = 20, 100, 40, 1
        args.overhead_replications, args.speedup_replications = 1, [40]
    print(f"python {sys.version.split()[0]}, simpy {simpy.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    parts = {"overhead": overhead, "scaling": scaling, "workers": speedup}
    for name in args.only or parts:
        parts[name](args)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
