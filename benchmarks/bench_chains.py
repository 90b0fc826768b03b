"""riskmap on real supply chains: Willems' industrial chains (benchmarks/data/willems/).

Run from the repository root::

    python benchmarks/bench_chains.py                 # every vendored chain
    python benchmarks/bench_chains.py --chains 24 38  # some of them
    python benchmarks/bench_chains.py --run 5         # also `riskmap run`, 5 replications,
                                                      # counterfactuals on, 2 workers

Each chain is converted by riskmap.testing.willems.read_chain and put under the
year of trouble of riskmap.testing.willems.chain_scenario (its three most shared
suppliers down for 20 to 60 days, a surge on its largest product). In a fresh
process per chain it prints:

* stages (items), suppliers and products;
* the static risk map's time (``risk_map``, as ``riskmap map`` computes it);
* events of one replication of a year, its seconds (best of ``--repeat``) and
  events per second;
* the peak memory of that process;
* with ``--run N``: the seconds of ``riskmap run`` as a whole command (N
  replications, counterfactual arms on, ``--workers 2``), the seconds of its
  reports (from the last progress line to the end) and how many counterfactual
  arms it ran. The three outages of chain_scenario rarely stop a
  supplier whose time-to-survive is short of its time-to-recover, so with
  ``--gaps K`` (default 5) the K suppliers with the widest such gap are struck
  too: their stock arms are what makes the counterfactual work.

Figures go into docs/performance.md, "Real supply chains".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "willems"

#: what one chain's process does: prints one JSON line.
CHILD = r"""
import json, resource, sys, time
import numpy as np
from riskmap.analysis import risk_map
from riskmap.sim.engine import simulate
from riskmap.testing.willems import chain_scenario, read_chain
path, repeat = sys.argv[1], int(sys.argv[2])
network = read_chain(path)
scenario = chain_scenario(network)
start = time.perf_counter()
risk_map(network)
map_seconds = time.perf_counter() - start
best, events = None, 0
for _ in range(repeat):
    start = time.perf_counter()
    result = simulate(scenario, np.random.SeedSequence(1), series=False)
    seconds = time.perf_counter() - start
    best = seconds if best is None else min(best, seconds)
    events = result.events
print(json.dumps({"items": len(network.items), "suppliers": len(network.suppliers),
                  "products": len(network.products), "map": map_seconds, "events": events,
                  "seconds": best,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(path: Path, repeat: int) -> dict:
    """The figures of one chain, from a process of its own."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(repeat)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def widest_gaps(network, k: int) -> list[str]:
    """The ``k`` suppliers whose TTS falls furthest short of their TTR (static map), by id on ties."""
    from riskmap.analysis import risk_map

    rows = [s for s in risk_map(network).suppliers if s.tts is not None and s.ttr is not None
            and s.tts < s.ttr]
    return [s.id for s in sorted(rows, key=lambda s: (s.tts - s.ttr, s.id))[:k]]


def whole_run(path: Path, replications: int, gaps: int) -> dict:
    """Seconds of ``riskmap run`` on the chain's scenario as files, by phase, and the arms it ran."""
    from riskmap.load.dump import network_file
    from riskmap.testing.willems import chain_scenario, read_chain
    import yaml

    network = read_chain(path)
    scenario = chain_scenario(network, also=widest_gaps(network, gaps))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "network.yaml").write_text(yaml.safe_dump(network_file(network), sort_keys=False))
        (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario_file(scenario),
                                                             sort_keys=False))
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "riskmap", "run", "scenario.yaml",
                                 "--replications", str(replications), "--workers", "2",
                                 "--out", "out"], cwd=folder, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        marks = {}  # seconds at the last progress line and at the end
        for line in proc.stderr:
            if "replications" in line:
                marks["last"] = time.perf_counter() - start
        proc.wait()
        marks["end"] = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"riskmap run exited {proc.returncode}")
        report = json.loads((folder / "out" / "report.json").read_text())
    arms = sum(len(report.get(key, [])) for key in
               ("stock_what_ifs", "alternates", "candidates", "what_ifs"))
    return {"seconds": marks["end"], "reports": marks["end"] - marks.get("last", marks["end"]), "arms": arms}


def scenario_file(scenario) -> dict:
    """The mapping of a scenario file for ``scenario`` (its network in network.yaml)."""
    out = {"riskmap": 1, "name": scenario.name, "network": "network.yaml",
           "horizon": scenario.horizon, "replications": scenario.replications,
           "seed": scenario.seed, "disruptions": []}
    for d in scenario.disruptions:
        entry = {"id": d.id, "kind": d.kind, "target": {d.target.kind: d.target.id},
                 "at": d.at.to_spec(), "duration": d.duration.to_spec()}
        if d.kind == "demand_surge":
            entry["factor"] = d.factor
        out["disruptions"].append(entry)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chains", nargs="*", default=None,
                        help="chain numbers (default: every file in benchmarks/data/willems)")
    parser.add_argument("--repeat", type=int, default=1, help="replications timed per chain")
    parser.add_argument("--run", type=int, default=0, metavar="N",
                        help="also time `riskmap run` with N replications (0: no)")
    parser.add_argument("--gaps", type=int, default=5, metavar="K",
                        help="with --run, also strike the K suppliers of widest TTS < TTR gap")
    args = parser.parse_args(argv)
    paths = sorted(DATA.glob("willems_*.csv"))
    if args.chains:
        paths = [DATA / f"willems_{int(n):02d}.csv" for n in args.chains]
    print(f"Willems chains under chain_scenario, a year each; load {os.getloadavg()[0]:.2f}")
    header = (f"{'chain':>6} {'stages':>6} {'suppl.':>6} {'prod.':>5} {'map s':>7} "
              f"{'events':>10} {'sim s':>7} {'events/s':>10} {'peak MiB':>8}")
    if args.run:
        header += f" {'run s':>7} {'reports':>7} {'arms':>4}"
    print(header)
    for path in paths:
        m = measure(path, args.repeat)
        line = (f"{path.stem[-2:]:>6} {m['items']:>6} {m['suppliers']:>6} {m['products']:>5} "
                f"{m['map']:>7.2f} {m['events']:>10,} {m['seconds']:>7.2f} "
                f"{m['events'] / m['seconds']:>10,.0f} {m['peak_mib']:>8.0f}")
        if args.run:
            run = whole_run(path, args.run, args.gaps)
            line += (f" {run['seconds']:>7.1f} {run['reports']:>7.1f} "
                     f"{run['arms']:>4}")
        print(line, flush=True)
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
