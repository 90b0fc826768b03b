"""riskmap against SupplyNetPy 0.5.1 on the same work, as whole processes.

The work (benchmarks/stocking_points.py): N = 100 stocking points, each with
(s, S) = (30, 80) starting at 60, one customer order a day of
``max(1, round(N(10, 3)))`` units, lead time U(1, 3) days from an unbounded
supplier, 3,650 days, one replication; customers wait for ever (backorders:
SupplyNetPy ``tolerance=inf``) or take what is on hand and lose the rest (lost
sales: riskmap ``patience: 0``, SupplyNetPy ``tolerance=0,
consume_available=True``).

* riskmap: ``python -m riskmap run scenario.yaml --replications 1
  --workers 1`` (load the YAML files, simulate, static risk map, write
  report.json).
* SupplyNetPy: a script building the same network (an infinite supplier,
  one distributor with ``SSReplenishment`` and one ``Demand`` with infinite
  tolerance per point) and running ``simulate_sc_net(..., logging=False)``.

SupplyNetPy is never a riskmap dependency: install it into a throwaway
virtual environment, only for this benchmark::

    python -m venv /tmp/snp-venv
    /tmp/snp-venv/bin/pip install supplynetpy==0.5.1
    python benchmarks/bench_supplynetpy.py --snp-python /tmp/snp-venv/bin/python

Wall-clock and CPU times of whole processes (interpreter start and imports
included, and for riskmap the writing of report.json, report.md and
report.html), best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import stocking_points  # noqa: E402

SUPPLYNETPY_MODEL = '''\
"""The stocking-point network in SupplyNetPy {version} (written by bench_supplynetpy.py)."""
import random
import sys
import time

start = time.perf_counter()
import SupplyNetPy.Components as scm

points, horizon = int(sys.argv[1]), float(sys.argv[2])
# "backorders": customers wait for ever; "lost-sales": they take what is there and leave
lost_sales = len(sys.argv) > 3 and sys.argv[3] == "lost-sales"
rng = random.Random(1)
scm.set_seed(1)


def lead_time():
    return rng.uniform({lead_min}, {lead_max})


def order_size():
    return max(1, round(rng.gauss({size_mean}, {size_sd})))


nodes = [{{"ID": "factory", "name": "Factory", "node_type": "infinite_supplier"}}]
links, demands = [], []
for i in range(points):
    point = f"sp{{i:03d}}"
    nodes.append({{"ID": point, "name": point, "node_type": "distributor",
                  "capacity": float("inf"), "initial_level": {start},
                  "inventory_holding_cost": 0.0, "replenishment_policy": scm.SSReplenishment,
                  "policy_param": {{"s": {s_min}, "S": {s_max}}},
                  "product_sell_price": 1.0, "product_buy_price": 0.5}})
    links.append({{"ID": "lane-" + point, "source": "factory", "sink": point, "cost": 0,
                  "lead_time": lead_time}})
    demands.append({{"ID": "customers-" + point, "name": "customers-" + point,
                    "order_arrival_model": lambda: 1, "order_quantity_model": order_size,
                    "demand_node": point,
                    "tolerance": 0.0 if lost_sales else float("inf"),
                    "consume_available": lost_sales}})
network = scm.create_sc_net(nodes, links, demands)
built = time.perf_counter()
scm.simulate_sc_net(network, sim_time=horizon, logging=False)
done = time.perf_counter()
print(f"supplynetpy build {{built - start:.3f}} s, simulate {{done - built:.3f}} s", file=sys.stderr)
sites = [network["nodes"][f"sp{{i:03d}}"] for i in range(points)]
ordered = sum(site.stats.demand_received[1] for site in sites)
waited = sum(site.stats.waited[1] for site in sites)
lost = sum(site.stats.lost_sales[1] for site in sites)
print(f"TOTALS ordered={{ordered:g}} waited={{waited:g}} lost={{lost:g}}", file=sys.stderr)
'''


RISKMAP_PHASES = '''\
"""riskmap run, phase by phase (written by bench_supplynetpy.py): CPU seconds of each."""
import time
from pathlib import Path

marks = [("start", time.process_time())]


def mark(label):
    marks.append((label, time.process_time()))


from riskmap.cli.run import write_renderings
from riskmap.run.executors import SerialExecutor
from riskmap.load import load_scenario
from riskmap.run.montecarlo import run_scenario
from riskmap.analysis import risk_map
from riskmap.report.build import build_report
from riskmap.report.json import write_report
import riskmap.report.html, riskmap.report.markdown  # noqa: E401 - their import time counts
mark("imports")
scenario = load_scenario("scenario.yaml")
mark("load YAML")
summary = run_scenario(scenario, replications=1, executor=SerialExecutor())
mark("simulate")
report = build_report(summary, risk_map(scenario.network))
write_report(report, Path("phases"))
mark("report.json (with static risk map)")
write_renderings(report, Path("phases"))
mark("report.md + report.html")
for (_, before), (label, after) in zip(marks, marks[1:]):
    print(f"{label}={after - before:.3f}")
'''


def write_inputs(directory: Path, points: int, horizon: float, lost_sales: bool) -> None:
    (directory / "network.yaml").write_text(stocking_points.network_yaml(points, lost_sales))
    (directory / "scenario.yaml").write_text(stocking_points.scenario_yaml(points, horizon))
    (directory / "supplynetpy_model.py").write_text(SUPPLYNETPY_MODEL.format(
        version="0.5.1", lead_min=stocking_points.LEAD_MIN, lead_max=stocking_points.LEAD_MAX,
        size_mean=stocking_points.SIZE_MEAN, size_sd=stocking_points.SIZE_SD,
        start=stocking_points.START, s_min=stocking_points.S_MIN, s_max=stocking_points.S_MAX))
    (directory / "riskmap_phases.py").write_text(RISKMAP_PHASES)


def phases(work: Path, env: dict) -> str:
    """CPU seconds of each phase of a riskmap run, in a fresh process."""
    proc = subprocess.run([sys.executable, "riskmap_phases.py"], cwd=work, env=env,
                          capture_output=True, text=True, check=True)
    parts = [line.split("=") for line in proc.stdout.splitlines()]
    return "  riskmap CPU by phase: " + ", ".join(f"{k} {float(v):.2f} s" for k, v in parts)


def same_work(work: Path, snp_stderr: str) -> str:
    """Units ordered and units that waited in both runs, to show the work is the same."""
    from riskmap.report.json import read_report

    products = read_report(str(work / "out" / "report.json")).products.values()
    ordered = sum(p["ordered_units"].mean for p in products)
    waited = sum(p["backorder_units"].mean for p in products)
    lost = sum(p["lost_units"].mean for p in products)
    totals = next((line for line in snp_stderr.splitlines() if line.startswith("TOTALS")), "")
    fields = dict(item.split("=") for item in totals.split()[1:])
    return (f"  units ordered: riskmap {ordered:,.0f}, SupplyNetPy {float(fields['ordered']):,.0f}; "
            f"units that waited: riskmap {waited:,.0f}, SupplyNetPy {float(fields['waited']):,.0f}; "
            f"units lost: riskmap {lost:,.0f}, SupplyNetPy {float(fields['lost']):,.0f}")


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run of ``command``.

    CPU time is reported too because it hardly depends on other work on the
    machine, while wall-clock time does.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def best(repeat: int, command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """The smallest wall-clock and the smallest CPU time over ``repeat`` runs."""
    runs = [timed(command, cwd, env) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def compare(args, mode: str, env: dict) -> None:
    """Time both tools on the same work, customers waiting (``backorders``) or not (``lost-sales``)."""
    with tempfile.TemporaryDirectory(prefix="riskmap-bench-") as tmp:
        work = Path(tmp)
        write_inputs(work, args.points, args.horizon, lost_sales=mode == "lost-sales")
        riskmap_cmd = [sys.executable, "-m", "riskmap", "run", "scenario.yaml", "--replications",
                       "1", "--workers", "1", "--out", "out", "--quiet"]
        snp_cmd = [args.snp_python, "supplynetpy_model.py", str(args.points), f"{args.horizon:g}",
                   mode]
        print(f"{mode}: {args.points} stocking points, {args.horizon:g} days, 1 replication; "
              f"best of {args.repeat}; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f}")
        riskmap_wall, riskmap_cpu = best(args.repeat, riskmap_cmd, work, env)
        snp_wall, snp_cpu = best(args.repeat, snp_cmd, work, env)
        print(f"  {'':12} {'wall s':>8} {'CPU s':>8}")
        print(f"  {'riskmap':12} {riskmap_wall:8.2f} {riskmap_cpu:8.2f}   "
              f"python {' '.join(riskmap_cmd[1:])}")
        print(f"  {'SupplyNetPy':12} {snp_wall:8.2f} {snp_cpu:8.2f}   "
              f"python {' '.join(snp_cmd[1:])}")
        print(f"  riskmap is {snp_wall / riskmap_wall:.1f}x faster in wall-clock time, "
              f"{snp_cpu / riskmap_cpu:.1f}x in CPU time "
              f"(load average now {os.getloadavg()[0]:.2f})")
        check = subprocess.run(snp_cmd, cwd=work, env=env, capture_output=True, text=True)
        print(same_work(work, check.stderr))
        print(phases(work, env), flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="riskmap vs SupplyNetPy 0.5.1, whole processes")
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--horizon", type=float, default=3650)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modes", nargs="+", choices=("backorders", "lost-sales"),
                        default=["backorders", "lost-sales"],
                        help="customers wait for ever, or take what is there and leave")
    parser.add_argument("--snp-python", default="/tmp/snp-venv/bin/python",
                        help="python of a virtual environment with supplynetpy==0.5.1")
    args = parser.parse_args(argv)
    if not Path(args.snp_python).exists():
        print(__doc__, file=sys.stderr)
        return 2
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for mode in args.modes:
        compare(args, mode, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
