"""Reports used by the report tests (this module holds no tests itself).

* :func:`tutorial_report`: a real run of ``scenarios/tutorial.yaml`` (5
  replications, seed 1, in-process), built by the real
  :func:`~riskmap.report.build.build_report` with its static risk map: the
  report ``riskmap run`` renders.
* :func:`synthetic_report`: a hand-made :class:`~riskmap.report.content.Report`
  with any number of products and chosen names, for escaping and legibility
  checks (no simulation).

Reports are immutable: a test that needs a variant builds one with
:func:`dataclasses.replace`.
"""

from __future__ import annotations

import functools
import os

from riskmap.analysis.risk_map import exposure
from riskmap.dists import Constant, Uniform
from riskmap.model import Disruption, Network, Target
from riskmap.report.content import Bands, Report, RunInfo, StatisticInfo, SupplierFigures
from riskmap.stats import Estimate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIAL = os.path.join(ROOT, "scenarios", "tutorial.yaml")
GOLDEN_MD = os.path.join(ROOT, "tests", "golden", "tutorial-report.md")
#: replications and seed of the golden run (small: the golden test stays fast).
GOLDEN_REPLICATIONS = 5
GOLDEN_SEED = 1


def run_report(path: str, replications: int, seed: int) -> Report:
    """Run a scenario file in-process and return its report, as ``riskmap run`` builds it."""
    from riskmap.analysis import risk_map
    from riskmap.load import load_scenario
    from riskmap.report.build import build_report
    from riskmap.run.executors import SerialExecutor
    from riskmap.run.montecarlo import run_scenario

    scenario = load_scenario(path)
    summary = run_scenario(scenario, replications=replications, seed=seed,
                           executor=SerialExecutor())
    return build_report(summary, risk_map(scenario.network))


@functools.lru_cache(maxsize=1)
def tutorial_report() -> Report:
    """The golden run's report (one object, shared by the tests: never change it in place)."""
    return run_report(TUTORIAL, GOLDEN_REPLICATIONS, GOLDEN_SEED)


def statistic(mean, low=None, high=None, unit="units", percentiles=True) -> Estimate:
    """An estimate over 20 replications: ``mean [low, high]``, percentiles ``mean, high, high``."""
    low = mean if low is None else low
    high = mean if high is None else high
    if percentiles:
        return Estimate(mean, (low, high), 20, unit, mean, high, high)
    return Estimate(mean, (low, high), 20, unit, has_percentiles=False)


def synthetic_report(names: list[str], suppliers: int = 3, title: str = "synthetic",
                     disruption: str = "fire") -> Report:
    """A report with one product per name (riskier first) and a few suppliers.

    ``title`` is the scenario's name and ``disruption`` the id of its one
    disruption (an outage of the first supplier); the report has no network
    block, as a report written by a riskmap before it had one.
    """
    products, series = {}, {}
    times = tuple(range(0, 61, 5))
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
    figures = {sid: SupplierFigures(exposure(
        sid, tts=5.0 + 10 * k, ttr=20.0, pi=1.0, rei=float(k), extra_stock=None,
        products=tuple(names[:3]), single_point_of_failure_for=tuple(names[:1]) if k == 0 else (),
        region="r1" if k % 2 else "r2")) for k, sid in enumerate(supplier_ids)}
    outage = Disruption(disruption, "outage", Target("supplier", supplier_ids[0]),
                        at=Constant(10), duration=Uniform(5, 15))
    return Report(
        scenario=RunInfo(name=title, seed=3, replications=20, horizon=60, time_unit="day",
                         riskmap_version="0.0.0", disruptions=(outage,)),
        network=Network(title),
        products=products,
        suppliers=figures,
        series=Bands(times, 20, series),
        statistics={"product.longest_wait": StatisticInfo("product", "days", "longest wait")})
