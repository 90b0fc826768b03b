"""Time to render report.md and report.html, next to the time of the simulation.

Usage::

    python benchmarks/bench_report.py [SCENARIO] [--replications N] [--repeat K]

Runs the scenario once (in-process, one worker), then renders both reports
``K`` times from the resulting :class:`~riskmap.report.content.Report` and prints the simulation
time, the best and median rendering times, and their ratio. A synthetic
report with 50 products and 40 suppliers is rendered too, to show the cost
of the largest charts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def render_both(report, directory: Path) -> None:
    from riskmap.report import charts, html, markdown

    charts._draw_cached.cache_clear()  # measure a cold render, as after a run
    markdown.write(report, directory)
    html.write(report, directory)


def time_renders(report, repeat: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            start = time.perf_counter()
            render_both(report, Path(folder))
            times.append(time.perf_counter() - start)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?",
                        default=str(ROOT / "scenarios" / "combined-stress.yaml"))
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from riskmap.run.executors import SerialExecutor
    from riskmap.load import load_scenario
    from riskmap.run.montecarlo import run_scenario
    from riskmap.analysis import risk_map
    from riskmap.report.build import build_report
    from tests.test_report_support import synthetic_report

    scenario = load_scenario(args.scenario)
    start = time.perf_counter()
    summary = run_scenario(scenario, replications=args.replications, executor=SerialExecutor())
    report = build_report(summary, risk_map(scenario.network))
    simulate = time.perf_counter() - start
    renders = time_renders(report, args.repeat)
    print(f"scenario            {os.path.basename(args.scenario)} "
          f"({len(report.products)} products, {args.replications} replications)")
    print(f"simulate (1 worker) {simulate:8.2f} s")
    print(f"render md+html      {min(renders):8.2f} s best, {statistics.median(renders):.2f} s "
          f"median of {args.repeat}")
    print(f"render / simulate   {min(renders) / simulate:8.1%}")
    large = synthetic_report([f"product-{k:02d}" for k in range(50)], suppliers=40)
    large_renders = time_renders(large, args.repeat)
    print(f"render 50 products  {min(large_renders):8.2f} s best (synthetic, 40 suppliers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
