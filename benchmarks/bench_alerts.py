"""What low-stock alert rules cost: watching, scoring and suggesting, on a bundled scenario.

Run from the repository root::

    python benchmarks/bench_alerts.py            # scenarios/low-stock-alerts.yaml
    python benchmarks/bench_alerts.py --repeat 5

It prints, for one replication of the scenario (best of ``--repeat``):

1. the engine's time without the scenario's ``alerts:`` and with them (the watch
   of each watched item), and the points each watched item's trace holds;
2. the time to score every rule on that replication (its warnings, episodes and
   the counts of every candidate threshold), per rule;
3. the time of the suggestion from the outcomes of every replication, which reads
   only their counts (no simulation).

Goals: a scenario without alerts costs nothing (the same engine path); watching
costs a small fraction of a replication; scoring a rule costs less than the
replication it scores.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from riskmap.alerts import rule_plans, score_replication, suggest_thresholds  # noqa: E402
from riskmap.load import load_scenario  # noqa: E402
from riskmap.sim.engine import simulate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def best(repeat: int, run) -> tuple[float, object]:
    """The least wall time of ``repeat`` calls of ``run()``, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" /
                                                           "low-stock-alerts.yaml"))
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--replications", type=int, default=30,
                        help="replications whose outcomes the suggestion reads (default 30)")
    args = parser.parse_args(argv)
    scenario = load_scenario(args.scenario)
    plain = dataclasses.replace(scenario, alerts=())
    plans = rule_plans(scenario)
    seed = np.random.SeedSequence(scenario.seed)
    print(f"{scenario.name}: {len(plans)} rules on {len({p.alert.item for p in plans})} items, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")

    without, _ = best(args.repeat, lambda: simulate(plain, seed, series=False))
    watched, result = best(args.repeat, lambda: simulate(scenario, seed, series=False))
    points = {item: len(trace.times) for item, trace in sorted(result.traces.items())}
    print(f"1. one replication: {without:.3f} s without alerts, {watched:.3f} s with them "
          f"(x{watched / without:.2f}); trace points {points}")

    scoring, _ = best(args.repeat, lambda: score_replication(plans, result, keep_times=False))
    print(f"2. scoring {len(plans)} rules: {scoring * 1000:.1f} ms "
          f"({scoring * 1000 / max(1, len(plans)):.1f} ms a rule, "
          f"{max(len(p.levels) for p in plans)} candidate thresholds)")

    outcomes = {p.id: [] for p in plans}
    for index in range(args.replications):
        rep = simulate(scenario, np.random.SeedSequence(scenario.seed, spawn_key=(index,)),
                       series=False)
        for rule, outcome in score_replication(plans, rep, keep_times=False).items():
            outcomes[rule].append(outcome)
    suggesting, suggestions = best(args.repeat, lambda: suggest_thresholds(plans, outcomes))
    print(f"3. suggestion from {args.replications} replications: {suggesting * 1000:.2f} ms; "
          + ", ".join(f"{rule}: {s.below if s.below is not None else 'none'}"
                      for rule, s in suggestions.items()))
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
