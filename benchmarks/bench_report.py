"""Time to render report.md and report.html, next to the time of the simulation.

Usage::

    python benchmarks/bench_report.py [SCENARIO] [--replications N] [--repeat K]
    python benchmarks/bench_report.py --report REPORT.json [--before REV] [--repeat K]

Runs the scenario once (in-process, one worker), then renders both reports
``K`` times from the resulting :class:`~riskmap.report.content.Report` and prints the simulation
time, the best and median rendering times, and their ratio. A synthetic
report with 50 products and 40 suppliers is rendered too, to show the cost
of the largest charts.

With ``--report``, the whole ``riskmap report REPORT.json --out DIR``
command is timed instead (a child process: wall-clock and CPU seconds,
best of ``K``) and the sizes of report.md and report.html printed; with
``--before REV`` also with the ``riskmap`` package of that git revision
(exported into a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_charts import export  # noqa: E402  (the package of a revision, for --before)


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


def time_command(package_root: Path, report: Path, repeat: int) -> dict:
    """Best wall-clock and CPU seconds of ``riskmap report``, the riskmap under ``package_root``."""
    best = None
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "riskmap", "report", str(report), "--out", out],
                           cwd=package_root, env={**os.environ, "PYTHONPATH": str(package_root)},
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if best is None or wall < best["wall"]:
                best = {"wall": wall, "cpu": cpu,
                        "md": (Path(out) / "report.md").stat().st_size,
                        "html": (Path(out) / "report.html").stat().st_size}
    return best


def print_command(label: str, figures: dict) -> None:
    print(f"{label:<8} {figures['wall']:7.2f} s wall {figures['cpu']:7.2f} s CPU; report.md "
          f"{figures['md'] / 1e6:.2f} MB, report.html {figures['html'] / 1e6:.2f} MB")


def bench_command(report: str, before, repeat: int) -> int:
    report = Path(report).resolve()
    print(f"riskmap report {report.name} ({report.stat().st_size / 1e6:.1f} MB), best of {repeat}, "
          f"load average {os.getloadavg()[0]:.2f}")
    now = time_command(ROOT, report, repeat)
    print_command("now", now)
    if before:
        with tempfile.TemporaryDirectory() as folder:
            old = time_command(export(before, Path(folder)), report, repeat)
        print_command("before", old)
        print(f"x{old['wall'] / now['wall']:.1f} faster now (wall-clock), "
              f"x{old['cpu'] / now['cpu']:.1f} (CPU)")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?",
                        default=str(ROOT / "scenarios" / "combined-stress.yaml"))
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--report", metavar="REPORT.json",
                        help="time the riskmap report command on this file instead")
    parser.add_argument("--before", metavar="REV",
                        help="with --report: also with the riskmap of this git revision")
    args = parser.parse_args(argv)
    if args.report:
        return bench_command(args.report, args.before, args.repeat)

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
