"""Time to draw a report's charts, optionally against the charts of an earlier revision.

Usage (from the repository root)::

    python benchmarks/bench_charts.py REPORT.json [--before REV] [--repeat K]

Draws every chart of ``REPORT.json`` (what ``riskmap run`` draws once for
report.md and report.html) ``K`` times with :func:`riskmap.report.charts.draw_all`
and prints the best time, per chart and in total. With ``--before REV`` (a
git revision from before the charts moved to ``riskmap/report/charts/``,
when ``riskmap/report/plots.py`` and ``riskmap/report/ranking.py`` drew them
from the report.json dictionary) the same is done with that revision's two
files, and each chart's SVG is compared byte for byte.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_module(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def load_before(revision: str):
    """``plots`` of ``revision``, with the ``ranking`` module it imports from that revision too."""
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for name in ("ranking", "plots"):
            source = subprocess.run(["git", "show", f"{revision}:riskmap/report/{name}.py"],
                                    cwd=ROOT, capture_output=True, text=True, check=True).stdout
            paths[name] = Path(folder) / f"{name}_before.py"
            paths[name].write_text(source, encoding="utf-8")
        # the old plots.py imports riskmap.report.ranking, which no longer exists
        load_module(str(paths["ranking"]), "riskmap.report.ranking")
        return load_module(str(paths["plots"]), "plots_before")


def best_draw(draw, clear, report, repeat: int):
    """``(best seconds, charts)`` of ``draw(report)``, its cache emptied by ``clear()`` first."""
    best, charts = None, None
    for _ in range(repeat):
        clear()
        start = time.perf_counter()
        charts = draw(report)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return best, charts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--before", metavar="REV",
                        help="a git revision whose riskmap/report/plots.py to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from riskmap.report import charts
    from riskmap.report.json import read_report

    report = read_report(args.report)
    print(f"{len(report.products)} products, load average {os.getloadavg()[0]:.2f}")
    seconds, drawn = best_draw(charts.draw_all, charts._draw_cached.cache_clear, report,
                               args.repeat)
    print(f"now     {seconds:6.3f} s for {len(drawn.all())} charts (best of {args.repeat})")
    if args.before:
        old = load_before(args.before)
        content = json.loads(Path(args.report).read_text(encoding="utf-8"))
        old_seconds, old_charts = best_draw(old.draw_all, old._draw_canonical.cache_clear,
                                            content, args.repeat)
        print(f"before  {old_seconds:6.3f} s  (x{old_seconds / seconds:.2f} faster now)")
        for new, previous in zip(drawn.all(), old_charts.all()):
            same = "identical" if new.svg == previous.svg else "differs"
            print(f"   {new.name:<28} {same}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
