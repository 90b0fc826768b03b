"""``riskmap optimize`` at two sizes: the e-bike network and a Willems chain of about 400 stages.

Run from the repository root::

    python benchmarks/bench_optimize.py                          # defaults below
    python benchmarks/bench_optimize.py --evaluations 20 --replications 5 --workers 2
    python benchmarks/bench_optimize.py --only ebike

For each case it prints one line: the searched items and parameters, the
candidate plans evaluated (the budget caps them), the seconds of the whole
search (the static map, the search and the verification on fresh seeds),
the seconds per evaluation and per replication, and whether a plan meeting
the targets was found.

* ``ebike``: scenarios/supplier-outage.yaml (20 items with a policy), its
  ``expect:`` fill-rate targets; the network has no holding costs, so the
  cost is the backorder cost alone.
* ``chain``: Willems' chain (``--chain``, default 26: 468 stages) under
  riskmap.testing.willems.chain_scenario, every stage given a holding cost of
  1 a unit a day and every product a backorder cost of 10, with a fill-rate
  target of 0.95 on its largest product.

Figures go into docs/performance.md, "Optimize".
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ebike_case():
    from riskmap.load import load_scenario
    from riskmap.optimize import expect_targets

    scenario = load_scenario(str(ROOT / "scenarios" / "supplier-outage.yaml"))
    return scenario, expect_targets(scenario)[0]


def chain_case(chain: int):
    from riskmap.optimize import Target
    from riskmap.testing.willems import chain_scenario, read_chain

    network = read_chain(ROOT / "benchmarks" / "data" / "willems" / f"willems_{chain:02d}.csv")
    items = tuple(dataclasses.replace(i, holding_cost=1.0,
                                      backorder_cost=10.0 if i.is_product else None)
                  for i in network.items)
    network = dataclasses.replace(network, items=items)
    scenario = chain_scenario(network)
    largest = max(network.products, key=lambda p: (p.demand.mean_units_rate, p.id))
    return scenario, (Target(largest.id, "fill_rate", "min", 0.95),)


def measure(name, scenario, targets, args) -> dict:
    from riskmap.optimize import Settings, optimize
    from riskmap.optimize.space import coordinates, searched_items
    from riskmap.run.executors import make_executor

    executor = make_executor(args.workers)
    settings = Settings(replications=args.replications, budget=args.evaluations)
    start = time.perf_counter()
    prescription, _ = optimize(scenario, targets, executor, settings=settings)
    seconds = time.perf_counter() - start
    close = getattr(executor, "close", None)
    if close is not None:
        close()
    searched = searched_items(scenario.network)
    replications = prescription.evaluations * args.replications + 2 * 2 * args.replications
    return {"case": name, "items": len(searched), "parameters": len(coordinates(searched)),
            "evaluations": prescription.evaluations, "replications": args.replications,
            "workers": args.workers, "seconds": round(seconds, 1),
            "seconds_per_evaluation": round(seconds / max(1, prescription.evaluations), 2),
            "seconds_per_replication": round(seconds / replications, 3),
            "met": prescription.met, "stopped": prescription.search["stopped"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=10)
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chain", type=int, default=26)
    parser.add_argument("--only", choices=("ebike", "chain"), default=None)
    args = parser.parse_args()
    cases = {"ebike": ebike_case, "chain": lambda: chain_case(args.chain)}
    for name, make in cases.items():
        if args.only not in (None, name):
            continue
        scenario, targets = make()
        print(json.dumps(measure(name, scenario, targets, args)), flush=True)


if __name__ == "__main__":
    main()
