"""Reports used by the report tests (this module holds no tests itself).

* :func:`tutorial_report`: a real run of ``scenarios/tutorial.yaml`` (5
  replications, seed 1, in-process), plus the ``network`` block and
  ``scenario.disruptions`` the renderers draw when a report carries them
  (built by :func:`network_block` / :func:`disruption_block` in the form
  ``docs/reports.md`` documents).
* :func:`synthetic_report`: a hand-made report with any number of products
  and chosen names, for escaping and legibility checks (no simulation).
"""

from __future__ import annotations

import copy
import functools
import os

from riskmap.model import PRODUCT

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIAL = os.path.join(ROOT, "scenarios", "tutorial.yaml")
GOLDEN_MD = os.path.join(ROOT, "tests", "golden", "tutorial-report.md")
#: replications and seed of the golden run (small: the golden test stays fast).
GOLDEN_REPLICATIONS = 5
GOLDEN_SEED = 1


def spec(dist):
    """A distribution in its file form (``None`` stays ``None``)."""
    return None if dist is None else dist.to_spec()


def network_block(network) -> dict:
    """The ``network`` block of a report, as the renderers read it."""
    def policy(p):
        if p is None:
            return None
        out = {"type": p.kind}
        for key in ("level", "min", "max", "point", "quantity", "review_period"):
            if getattr(p, key) is not None:
                out[key] = getattr(p, key)
        return out

    def item(i):
        return {"id": i.id, "name": i.name or i.id, "stock": i.stock, "policy": policy(i.policy),
                "bom": dict(i.bom), "price": i.price, "margin": i.margin,
                "sources": [{"supplier": s.supplier, "alternate": s.alternate}
                            for s in i.sources]}

    return {
        "regions": [{"id": r.id, "name": r.name} for r in network.regions],
        "suppliers": [{"id": s.id, "name": s.name, "region": s.region,
                       "depends_on": list(s.depends_on)} for s in network.suppliers],
        "parts": [item(i) for i in network.items if i.kind != PRODUCT],
        "products": [item(i) for i in network.items if i.kind == PRODUCT],
    }


def disruption_block(scenario) -> list[dict]:
    """``scenario.disruptions`` of a report, in file form."""
    out = []
    for d in scenario.disruptions:
        out.append({"id": d.id, "kind": d.kind, "target": {d.target.kind: d.target.id},
                    "at": spec(d.at), "duration": spec(d.duration),
                    "probability": d.probability, "rate": d.rate,
                    "lead_time_factor": d.lead_time_factor,
                    "capacity_factor": d.capacity_factor, "factor": d.factor})
    return out


def enrich(report: dict, scenario) -> dict:
    """``report`` with the network and disruption blocks added (a copy)."""
    report = copy.deepcopy(report)
    report["network"] = network_block(scenario.network)
    report["scenario"]["disruptions"] = disruption_block(scenario)
    return report


def run_report(path: str, replications: int, seed: int) -> dict:
    """Run a scenario file in-process and return its enriched report dictionary."""
    from riskmap.run.executors import SerialExecutor
    from riskmap.load import load_scenario
    from riskmap.run.montecarlo import run_scenario
    from riskmap.analysis import risk_map
    from riskmap.report.build import build_report

    scenario = load_scenario(path)
    summary = run_scenario(scenario, replications=replications, seed=seed,
                           executor=SerialExecutor())
    return enrich(build_report(summary, risk_map(scenario.network)).to_dict(), scenario)


@functools.lru_cache(maxsize=1)
def _tutorial() -> dict:
    return run_report(TUTORIAL, GOLDEN_REPLICATIONS, GOLDEN_SEED)


def tutorial_report() -> dict:
    """The golden run's report (a fresh copy each call: tests may change it)."""
    return copy.deepcopy(_tutorial())


def statistic(mean, low=None, high=None, unit="units", percentiles=True) -> dict:
    """A ``{mean, ci95, n, unit, p50, p90, p95}`` entry."""
    low = mean if low is None else low
    high = mean if high is None else high
    out = {"mean": mean, "ci95": [low, high], "n": 20, "unit": unit}
    if percentiles:
        out.update({"p50": mean, "p90": high, "p95": high})
    return out


def synthetic_report(names: list[str], suppliers: int = 3) -> dict:
    """A report with one product per name (riskier first) and a few suppliers."""
    products, series = {}, {}
    times = list(range(0, 61, 5))
    for k, name in enumerate(names):
        p = max(0.0, 0.9 - 0.05 * k)
        products[name] = {
            "backorder_probability": statistic(p, max(0, p - 0.1), min(1, p + 0.1),
                                               unit="probability", percentiles=False),
            "backorder_units": statistic(10.0 * p, 0, 20 * p),
            "fill_rate": statistic(1 - p / 10, unit="ratio"),
            "backlog_days": statistic(30 * p, unit="unit-days"),
            "lost_units": statistic(p),
            "longest_wait": statistic(5 * p, unit="days"),
        }
        series[name] = {"on_hand": {q: [10 - (t % 20) / 2 for t in times]
                                    for q in ("p5", "p25", "p50", "p75", "p95")},
                        "backlog": {q: [float(t % 7) for t in times]
                                    for q in ("p5", "p25", "p50", "p75", "p95")}}
    supplier_ids = [f"sup-{k}" for k in range(suppliers)]
    return {
        "format": 1,
        "scenario": {"name": "synthetic", "seed": 3, "replications": 20, "horizon": 60,
                     "time_unit": "day", "riskmap_version": "0.0.0",
                     "disruptions": [{"id": "fire", "kind": "outage",
                                      "target": {"supplier": supplier_ids[0]},
                                      "at": 10, "duration": {"dist": "uniform", "min": 5,
                                                             "max": 15}}]},
        "products": products,
        "suppliers": {sid: {"tts": 5.0 + 10 * k, "tts_unbounded": False, "ttr": 20.0,
                            "pi": 1.0, "rei": float(k), "region": "r1" if k % 2 else "r2",
                            "products": list(names)[:3],
                            "single_point_of_failure_for": list(names)[:1] if k == 0 else []}
                      for k, sid in enumerate(supplier_ids)},
        "alternates": [],
        "series": {"times": times, "replications": 20, "products": series},
        "statistics": {"product.longest_wait": {"subject": "product", "unit": "days",
                                                "description": "longest wait"}},
    }
