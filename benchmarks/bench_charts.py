"""Time to draw a report's charts, optionally against the charts of an earlier revision.

Usage (from the repository root)::

    python benchmarks/bench_charts.py REPORT.json [--before REV] [--repeat K]

Draws every chart of ``REPORT.json`` (what ``riskmap run`` draws once for
report.md and report.html) ``K`` times with :func:`riskmap.report.charts.draw_all`
and prints the best wall-clock and CPU time, in total and per chart kind, and
the size of the SVG written. With ``--before REV`` (a git revision that has
``riskmap/report/charts/``) the same is done in a child process on that
revision's ``riskmap`` package, exported from git into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import io
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: run in a child process with a revision's riskmap first on sys.path.
CHILD = """
import json, sys, time
from riskmap.report import charts
from riskmap.report.json import read_report
report = read_report(sys.argv[1])
best = None
for _ in range(int(sys.argv[2])):
    charts._draw_cached.cache_clear()
    wall, cpu = time.perf_counter(), time.process_time()
    drawn = charts.draw_all(report)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    best = (wall, cpu) if best is None or wall < best[0] else best
print(json.dumps({"wall": best[0], "cpu": best[1], "charts": len(drawn.all()),
                  "bytes": sum(len(c.svg) for c in drawn.all())}))
"""


def measure(package_root: Path, report: str, repeat: int) -> dict:
    """Best wall-clock and CPU seconds of ``draw_all`` with the riskmap under ``package_root``."""
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(Path(report).resolve()), str(repeat)],
                         cwd=package_root, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def export(revision: str, folder: Path) -> Path:
    """The ``riskmap`` package of ``revision``, written under ``folder``."""
    archive = subprocess.run(["git", "archive", "--format=tar", revision, "riskmap"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder)
    return folder


def per_chart(report_path: str) -> list[tuple[str, float]]:
    """CPU seconds of each chart function of this checkout, once each."""
    sys.path.insert(0, str(ROOT))
    from riskmap.report.charts import (alternates_chart, charted_products, fan_chart,
                                       risk_map_chart, survival_chart, waits_chart)
    from riskmap.report.json import read_report

    report = read_report(report_path)
    rows = []
    for name, draw in (("risk map", risk_map_chart), ("TTS/TTR", survival_chart),
                       ("waits", waits_chart), ("alternates", alternates_chart)):
        start = time.process_time()
        draw(report)
        rows.append((name, time.process_time() - start))
    start = time.process_time()
    products = charted_products(report)
    for pid in products:
        fan_chart(report, pid)
    rows.append((f"{len(products)} fan charts", time.process_time() - start))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--before", metavar="REV",
                        help="a git revision with riskmap/report/charts/ to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    print(f"{args.report}: load average {os.getloadavg()[0]:.2f}")
    now = measure(ROOT, args.report, args.repeat)
    print(f"now     {now['wall']:7.3f} s wall {now['cpu']:7.3f} s CPU for {now['charts']} charts, "
          f"{now['bytes'] / 1e3:,.0f} kB of SVG (best of {args.repeat})")
    for name, seconds in per_chart(args.report):
        print(f"   {name:<16} {seconds:7.3f} s CPU")
    if args.before:
        with tempfile.TemporaryDirectory() as folder:
            old = measure(export(args.before, Path(folder)), args.report, args.repeat)
        print(f"before  {old['wall']:7.3f} s wall {old['cpu']:7.3f} s CPU for {old['charts']} "
              f"charts, {old['bytes'] / 1e3:,.0f} kB of SVG ({args.before}); "
              f"x{old['wall'] / now['wall']:.1f} faster now")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
