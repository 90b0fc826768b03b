"""Benchmark of the static risk map (``riskmap map``) on synthetic networks.

Times :func:`riskmap.analysis.risk_map.risk_map` -- the TTS and PI programs of
every supplier and region, plus the extra-stock programs where TTS < TTR -- and
prints the total time, the mean milliseconds per supplier program and the
sizes of the programs.

Usage::

    python benchmarks/bench_map.py                      # 2,000 suppliers, 10,000 parts, 500 products
    python benchmarks/bench_map.py --curve              # also 200 / 1,000 suppliers
    python benchmarks/bench_map.py --suppliers 200 --parts 1000 --products 50 --solver scipy

Results are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

from riskmap.analysis.risk_map import risk_map
from riskmap.testing.synthetic import synthetic_network


def measure(n_suppliers: int, n_parts: int, n_products: int, seed: int, solver: str,
            exact: bool) -> dict:
    """Build a network, time its risk map, return the figures."""
    started = time.perf_counter()
    network = synthetic_network(n_suppliers, n_parts, n_products, seed=seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    result = risk_map(network, solver=solver, exact=exact)
    total = time.perf_counter() - started
    supplier_programs = sum(1 for s in result.suppliers) + sum(
        1 for s in result.suppliers if s.pi is not None)
    return {
        "suppliers": n_suppliers, "parts": n_parts, "products": n_products,
        "lanes": sum(len(i.sources) for i in network.items),
        "generate_s": generated, "total_s": total, "solves": result.lp_solves,
        "ms_per_solve": 1000 * total / max(1, result.lp_solves),
        "ms_per_supplier_program": 1000 * total / max(1, supplier_programs),
        "rows": result.lp_rows, "columns": result.lp_columns, "nonzeros": result.lp_nonzeros,
        "solver": result.solver, "at_risk": sum(1 for s in result.suppliers if s.at_risk),
        "unbounded": sum(1 for s in result.suppliers if s.tts is None),
    }


def report(row: dict) -> str:
    return (f"{row['suppliers']:>6} suppliers {row['parts']:>6} parts {row['products']:>4} products "
            f"({row['lanes']} lanes; full LP {row['rows']} rows x {row['columns']} cols, "
            f"{row['nonzeros']} nonzeros)\n"
            f"       {row['solver']}: total {row['total_s']:.1f} s, {row['solves']} solves, "
            f"{row['ms_per_solve']:.1f} ms per solve, "
            f"{row['ms_per_supplier_program']:.1f} ms per supplier program "
            f"(TTS or PI, all overheads included); "
            f"{row['at_risk']} suppliers with TTS < TTR, {row['unbounded']} with unbounded TTS")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=2000)
    parser.add_argument("--parts", type=int, default=10000)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--solver", default="auto", choices=("auto", "highspy", "scipy"))
    parser.add_argument("--exact", action="store_true",
                        help="solve every program over the whole network (warm-started)")
    parser.add_argument("--curve", action="store_true",
                        help="also time 200 and 1,000 suppliers (parts and products scaled alike)")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{__import__('os').cpu_count()} CPUs", file=sys.stderr)
    sizes = [(args.suppliers, args.parts, args.products)]
    if args.curve:
        sizes = [(200, 1000, 50), (1000, 5000, 250)] + sizes
    for n_s, n_p, n_q in sizes:
        print(report(measure(n_s, n_p, n_q, args.seed, args.solver, args.exact)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
