"""Benchmark of ``riskmap validate`` on generated files of growing size.

Generates files of 1, 2, 4 and 8 MB (by default) of two kinds and validates each
through the command line (``main(["validate", FILE])``, diagnostics discarded):

* ``unknown``: a network of one product and, beside it, top-level keys riskmap does
  not know (one warning each; only the first 100 are printed, see docs/validation.md);
* ``valid``: a valid network of many suppliers and parts, each part with a primary and
  an alternate source, and one product assembling every part;
* ``references``: many parts whose sources name a supplier that does not exist, with a
  close match among many suppliers (one error and, for the first 100, a hint each).

It prints, per kind and size, the seconds and the megabytes per second: validation is
linear in the file size when MB/s stays flat as the size doubles.

Usage::

    python benchmarks/bench_validate.py                      # 1, 2, 4, 8 MB, every kind
    python benchmarks/bench_validate.py --sizes 1 2 --kinds unknown

Results are in docs/performance.md ("Validation").
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import sys
import tempfile
import time

from riskmap.cli.main import main

MB = 1_000_000


def unknown_keys(size: int) -> str:
    """A valid network followed by unknown top-level keys, about ``size`` bytes."""
    head = ("riskmap: 1\nname: unknown keys\nsuppliers:\n  - {id: s1, ttr: 5}\nproducts:\n"
            "  - id: p\n    stock: 5\n    policy: {type: base_stock, level: 5}\n"
            "    sources: [{supplier: s1, lead_time: 2}]\n    demand: {rate: 1}\n")
    lines, total, i = [head], len(head), 0
    while total < size:
        line = f"unknown_key_{i:08d}: {i}\n"
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines)


def _valid_items(n: int) -> str:
    out = ["riskmap: 1", "name: many items", "regions:", "  - {id: r0}", "  - {id: r1}",
           "suppliers:"]
    out += [f"  - {{id: s{i}, region: r{i % 2}, ttr: 10}}" for i in range(n)]
    out.append("parts:")
    for i in range(n):
        out.append(f"  - id: p{i}\n    stock: 5\n    policy: {{type: base_stock, level: 10}}\n"
                   f"    sources:\n      - {{supplier: s{i}, lead_time: 2}}\n"
                   f"      - {{supplier: s{(i + 1) % n}, alternate: true, lead_time: 3}}")
    out.append("products:")
    out.append("  - id: bike\n    bom: {" + ", ".join(f"p{i}: 1" for i in range(n)) + "}\n"
               "    stock: 1\n    policy: {type: base_stock, level: 2}\n    demand: {rate: 1}")
    return "\n".join(out) + "\n"


def _bad_references(n: int) -> str:
    out = ["riskmap: 1", "suppliers:"] + [f"  - {{id: supplier-{i:07d}, ttr: 1}}" for i in range(n)]
    out += ["parts:"] + [f"  - {{id: part-{i:07d}, sources: [{{supplier: suplier-{i:07d}}}]}}"
                         for i in range(n)]
    return "\n".join(out) + "\n"


def _sized(make, size: int) -> str:
    """``make(n)`` for the ``n`` that gives about ``size`` bytes (linear in ``n``)."""
    probe = len(make(1000))
    return make(max(2, round(1000 * size / probe)))


KINDS = {
    "unknown": unknown_keys,
    "valid": lambda size: _sized(_valid_items, size),
    "references": lambda size: _sized(_bad_references, size),
}


def measure(kind: str, size_mb: float, folder: str) -> dict:
    """Write a file of ``kind`` and about ``size_mb`` MB; time ``riskmap validate`` on it."""
    text = KINDS[kind](int(size_mb * MB))
    path = os.path.join(folder, f"{kind}-{size_mb:g}mb.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    size = os.path.getsize(path)
    sink = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stderr(sink):
        code = main(["validate", path])
    seconds = time.perf_counter() - started
    return {"kind": kind, "mb": size / MB, "seconds": seconds, "mb_per_s": size / MB / seconds,
            "exit": code, "lines": sink.getvalue().count("\n")}


def main_cli(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8], metavar="MB")
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    args = parser.parse_args(argv)
    print(f"# python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start")
    print(f"{'kind':<11} {'MB':>6} {'seconds':>9} {'MB/s':>7} {'exit':>5} {'lines':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.kinds:
            for size in args.sizes:
                row = measure(kind, size, folder)
                print(f"{row['kind']:<11} {row['mb']:>6.2f} {row['seconds']:>9.2f} "
                      f"{row['mb_per_s']:>7.3f} {row['exit']:>5} {row['lines']:>6}", flush=True)
    print(f"# load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main_cli())
