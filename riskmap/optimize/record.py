"""The result of ``riskmap optimize``: the :class:`Prescription` record, optimize.json and optimized.yaml.

optimize.json (SPEC section 5)::

    {format: 1,
     items: {ID: {policy: {type, ...}, today: {type, ...}, stock, today_stock, why: [...]}},
     cost: {mean, ci95}, today_cost: {mean, ci95}, holding_cost: {mean, ci95},
     targets: [{product, metric, min | max, value: {mean, ci95}, met, confidence}],
     met, evaluations, search: {...}, frontier: [{cost, service, meets}]}

``cost``, ``today_cost`` and the targets' ``value`` come from the
verification on fresh seeds (:mod:`riskmap.optimize.verify`); ``frontier``
from the search's own evaluations. Numbers are rounded as in report.json
(:data:`riskmap.stats.DIGITS` decimals).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from riskmap.load.dump import network_file, policy_record
from riskmap.model import Policy, Scenario
from riskmap.optimize.evaluation import Figures
from riskmap.optimize.targets import Target
from riskmap.output.atomic import write_atomic
from riskmap.stats import Estimate, rounded

FORMAT = 1
#: the files of the set ``riskmap optimize`` writes, in the order they are put in place.
OPTIMIZE_SET = ("optimize.json", "optimized.yaml", "optimized-network.yaml", "report.md",
                "report.html", "frontier.svg")


@dataclass(frozen=True)
class ItemPlan:
    """One searched item: today's policy and stock, the plan's, and why it changed."""

    id: str
    today: Policy
    policy: Policy
    today_stock: int
    stock: int
    why: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.today != self.policy


@dataclass(frozen=True)
class TargetResult:
    """A target and the plan's figure for it on the fresh replications."""

    target: Target
    value: Optional[Estimate]
    met: bool
    confidence: Optional[float]


@dataclass(frozen=True)
class FrontierPoint:
    """A plan the search evaluated: its expected cost and service (worst mean fill rate)."""

    cost: float
    service: Optional[float]
    meets: bool
    on_frontier: bool


@dataclass(frozen=True)
class Prescription:
    """What ``riskmap optimize`` found (see the module docstring)."""

    scenario: Scenario
    items: tuple[ItemPlan, ...]
    cost: Estimate
    holding: Estimate
    today_cost: Estimate
    targets: tuple[TargetResult, ...]
    met: bool
    evaluations: int
    frontier: tuple[FrontierPoint, ...]
    plan_point: Optional[FrontierPoint]
    today_point: Optional[FrontierPoint]
    search: dict
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The content of optimize.json."""
        return {
            "format": FORMAT,
            "scenario": self.scenario.name,
            "items": {i.id: {"policy": policy_record(i.policy), "today": policy_record(i.today),
                             "stock": i.stock, "today_stock": i.today_stock,
                             "changed": i.changed, "why": list(i.why)}
                      for i in self.items},
            "cost": _estimate(self.cost),
            "holding_cost": _estimate(self.holding),
            "today_cost": _estimate(self.today_cost),
            "targets": [_target(t) for t in self.targets],
            "met": self.met,
            "evaluations": self.evaluations,
            "search": self.search,
            "frontier": [{"cost": rounded(p.cost), "service": rounded(p.service),
                          "meets": p.meets}
                         for p in self.frontier if p.on_frontier],
            "notes": list(self.notes),
        }

    def dumps(self) -> str:
        """optimize.json's text: sorted keys, two-space indent, a final newline."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, allow_nan=False) + "\n"


def _estimate(e: Optional[Estimate]) -> Optional[dict]:
    if e is None:
        return None
    e = e.rounded()
    return {"mean": e.mean, "ci95": list(e.ci95), "n": e.n, "unit": e.unit}


def _target(t: TargetResult) -> dict:
    out = {"product": t.target.product, "metric": t.target.metric, t.target.bound: t.target.value,
           "value": _estimate(t.value), "met": t.met, "confidence": rounded(t.confidence)}
    return out


def frontier(evaluated: list[Figures], targets) -> tuple[FrontierPoint, ...]:
    """Every evaluated plan as a point, those no other beats on cost and service marked.

    A point is on the frontier when no other evaluated plan costs no more and
    serves at least as well, one of the two strictly.
    """
    points = [(f.cost.mean, f.service, f.meets(targets)) for f in evaluated
              if f.cost.mean is not None]
    out = []
    for cost, service, meets in points:
        s = -1.0 if service is None else service
        beaten = any(c <= cost and (-1.0 if v is None else v) >= s
                     and (c < cost or (-1.0 if v is None else v) > s)
                     for c, v, _ in points)
        out.append(FrontierPoint(cost, service, meets, not beaten))
    return tuple(sorted(set(out), key=lambda p: (p.cost, -1.0 if p.service is None else p.service)))


# --------------------------------------------------------------------------- optimized.yaml


def scenario_text(scenario: Scenario, network_name: str = "optimized-network.yaml") -> str:
    """optimized.yaml: the scenario file as given, its ``network`` pointing at ``network_name``.

    Comments and key order of the original are not kept (the file is read
    as data and written again); every key other than ``network`` is as given.
    """
    import yaml

    from riskmap.load.document import read_bytes

    data = yaml.safe_load(read_bytes(scenario.file).decode("utf-8"))
    data["network"] = network_name
    head = (f"# riskmap optimize: {scenario.name}, with the policies of optimize.json\n")
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def network_text(network) -> str:
    """optimized-network.yaml: the network with the plan's policies, as a network file."""
    import yaml

    return ("# riskmap optimize: the network with the policies of optimize.json\n"
            + yaml.safe_dump(network_file(network), sort_keys=False, allow_unicode=True))


def write(prescription: Prescription, planned: Scenario, directory: Path) -> list[Path]:
    """Write optimize.json, optimized.yaml, optimized-network.yaml and the reports into ``directory``."""
    from riskmap.report import optimize as rendering

    directory = Path(directory)
    paths = [write_atomic(directory / "optimize.json", prescription.dumps())]
    if planned.file and Path(planned.file).is_file():
        paths.append(write_atomic(directory / "optimized.yaml", scenario_text(planned)))
    paths.append(write_atomic(directory / "optimized-network.yaml", network_text(planned.network)))
    paths.extend(rendering.write(prescription, directory))
    return paths
