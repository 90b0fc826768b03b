"""Time to draw a report's charts, optionally against an earlier riskmap/report/plots.py.

Usage (from the repository root)::

    python benchmarks/bench_charts.py REPORT.json [--before OLD_PLOTS.py] [--repeat K]

Draws every chart of ``REPORT.json`` (what ``riskmap run`` draws once for
report.md and report.html) ``K`` times and prints the best time, per chart and
in total. With ``--before`` (for example ``git show REV:riskmap/report/plots.py
> /tmp/plots_before.py``) the same is done with that version, and each chart's
SVG is compared byte for byte.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
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


def best_draw(module, report: dict, repeat: int):
    """``(best seconds, charts)`` of ``module.draw_all(report)``, its cache emptied first."""
    best, charts = None, None
    for _ in range(repeat):
        module._draw_canonical.cache_clear()
        start = time.perf_counter()
        charts = module.draw_all(report)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return best, charts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--before", help="an earlier plots.py to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from riskmap.report import plots

    report = json.loads(Path(args.report).read_text(encoding="utf-8"))
    print(f"{len(report.get('products') or {})} products, load average "
          f"{os.getloadavg()[0]:.2f}")
    seconds, charts = best_draw(plots, report, args.repeat)
    print(f"now     {seconds:6.3f} s for {len(charts.all())} charts (best of {args.repeat})")
    if args.before:
        old = load_module(args.before, "plots_before")
        old_seconds, old_charts = best_draw(old, report, args.repeat)
        print(f"before  {old_seconds:6.3f} s  (x{old_seconds / seconds:.2f} faster now)")
        for new, previous in zip(charts.all(), old_charts.all()):
            same = "identical" if new.svg == previous.svg else "differs"
            print(f"   {new.name:<28} {same}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
