"""Evaluating a candidate plan by simulation, with common random numbers, and the evaluation journal.

Every candidate of one search is simulated with the same root seed and
number of replications (:func:`riskmap.run.montecarlo.run_scenario`, through
the command's executor): replication ``i`` of every candidate draws the
same demand, lead times and disruptions (docs/simulation.md, "Random
streams": a policy change moves no stream), so the difference between two
candidates is measured with far less noise than their levels, as for the
paired arms of :mod:`riskmap.options`.

The cost of a candidate, per replication and over the statistics window, is

    sum over items of holding_cost + sum over products of total_cost
    (lost_margin + backorder_cost + lost_sale_cost)

estimated with a Student t interval (:func:`riskmap.stats.estimate_mean`).

The journal (:class:`Journal`) keeps each evaluation's figures, one JSON line
per candidate keyed by the digest of the search's inputs and the candidate,
so an interrupted ``riskmap optimize --resume`` evaluates nothing twice and
makes the same decisions.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from riskmap import __version__
from riskmap.load.document import file_digest
from riskmap.model import Item, Scenario
from riskmap.optimize.space import apply
from riskmap.optimize.targets import Target
from riskmap.output.faults import output_faults
from riskmap.stats import Estimate, estimate_mean


@dataclass(frozen=True)
class Figures:
    """What one evaluation of a plan gives.

    Attributes
    ----------
    plan : tuple of int
        The candidate (:mod:`riskmap.optimize.space`).
    cost : Estimate
        Expected cost over the statistics window (money).
    holding : Estimate
        Its holding part.
    targets : tuple
        The estimate of each target's metric, in the order of the targets
        (``None`` where the product has no such figure).
    service : float or None
        The worst mean fill rate of the products the frontier follows.
    """

    plan: tuple[int, ...]
    cost: Estimate
    holding: Estimate
    targets: tuple[Optional[Estimate], ...]
    service: Optional[float]

    def meets(self, targets: Sequence[Target]) -> bool:
        """Whether every target holds (:meth:`Target.holds`)."""
        return all(t.holds(e) for t, e in zip(targets, self.targets))

    def shortfall(self, targets: Sequence[Target]) -> float:
        """The sum of the targets' relative shortfalls (0 when all hold)."""
        return sum(t.shortfall(e) for t, e in zip(targets, self.targets))


def per_replication_cost(summary) -> tuple[np.ndarray, np.ndarray]:
    """Each replication's cost and holding cost (see the module docstring)."""
    values = summary.samples.values
    n = summary.samples.count
    holding = np.zeros(n)
    for columns in values.get("item", {}).values():
        holding += np.asarray(columns["holding_cost"], dtype=float)
    backorders = np.zeros(n)
    for columns in values.get("product", {}).values():
        backorders += np.asarray(columns["total_cost"], dtype=float)
    return holding + backorders, holding


def figures_of(summary, plan: Sequence[int], targets: Sequence[Target],
               service_products: Sequence[str]) -> Figures:
    """The :class:`Figures` of a run of ``plan``."""
    cost, holding = per_replication_cost(summary)
    found = tuple(summary.products.get(t.product, {}).get(t.metric) for t in targets)
    rates = [summary.products[p]["fill_rate"].mean for p in service_products
             if p in summary.products]
    rates = [r for r in rates if r is not None]
    return Figures(tuple(int(v) for v in plan), estimate_mean(cost, "money"),
                   estimate_mean(holding, "money"), found, min(rates) if rates else None)


class Evaluator:
    """Simulates candidate plans of one search on common random numbers; each plan once.

    Parameters
    ----------
    scenario : Scenario
        The scenario as given.
    items : sequence of Item
        The searched items (:func:`riskmap.optimize.space.searched_items`).
    targets : sequence of Target
    replications, seed : int
        Of every evaluation (the same for every candidate).
    executor : Executor
        Where replications run (:mod:`riskmap.run.executors`).
    journal : Journal, optional
        Earlier evaluations to reuse and where to record new ones.
    on_evaluation : callable, optional
        ``on_evaluation(figures, simulated)`` after each plan asked for.
    """

    def __init__(self, scenario: Scenario, items: Sequence[Item], targets: Sequence[Target],
                 replications: int, seed: int, executor, journal: Optional["Journal"] = None,
                 on_evaluation: Optional[Callable[[Figures, bool], None]] = None):
        self.scenario = scenario
        self.items = tuple(items)
        self.targets = tuple(targets)
        self.replications = replications
        self.seed = seed
        self.executor = executor
        self.journal = journal
        self.on_evaluation = on_evaluation
        fill_targets = sorted({t.product for t in targets if t.metric == "fill_rate"})
        self.service_products = tuple(fill_targets or sorted(i.id for i in scenario.network.products))
        self.cache: dict[tuple[int, ...], Figures] = {}
        #: plans simulated by this evaluator (journal hits not counted).
        self.simulated = 0

    def __call__(self, plan: Sequence[int]) -> Figures:
        from riskmap.run.montecarlo import run_scenario

        key = tuple(int(v) for v in plan)
        if key in self.cache:
            return self.cache[key]
        figures = self.journal.get(key) if self.journal is not None else None
        simulated = figures is None
        if simulated:
            summary = run_scenario(apply(self.scenario, self.items, key),
                                   replications=self.replications, seed=self.seed,
                                   executor=self.executor, series=False)
            figures = figures_of(summary, key, self.targets, self.service_products)
            self.simulated += 1
            if self.journal is not None:
                self.journal.add(figures)
        self.cache[key] = figures
        if self.on_evaluation is not None:
            self.on_evaluation(figures, simulated)
        return figures

    @property
    def evaluated(self) -> list[Figures]:
        """Every plan evaluated, in the order first asked for."""
        return list(self.cache.values())


# --------------------------------------------------------------------------- the journal


#: the journal's file name inside the output folder.
JOURNAL = ".riskmap-optimize.jsonl"


def _estimate_record(e: Optional[Estimate]) -> Optional[list]:
    return None if e is None else [e.mean, list(e.ci95), e.n, e.unit]


def _estimate_from(r: Optional[list]) -> Optional[Estimate]:
    if r is None:
        return None
    mean, (low, high), n, unit = r
    return Estimate(mean, (low, high), int(n), str(unit))


def search_fingerprint(scenario: Scenario, items: Sequence[Item], targets: Sequence[Target],
                       replications: int, seed: int) -> str:
    """The digest of everything a search's evaluations depend on."""
    files = (file_digest(scenario.file), file_digest(scenario.network.file))
    model = repr(scenario) if None in files else ""
    identity = repr((__version__, files, model, seed, replications, scenario.alternates,
                     tuple(i.id for i in items), tuple(targets)))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


class Journal:
    """Evaluations of one search, one JSON line each, in ``folder`` (:data:`JOURNAL`).

    Lines made for other inputs (another fingerprint) and damaged lines are
    ignored; ``fresh`` starts an empty journal.
    """

    def __init__(self, folder: Path, fingerprint: str, fresh: bool = True):
        self.path = Path(folder) / JOURNAL
        self.fingerprint = fingerprint
        self.known: dict[tuple[int, ...], Figures] = {}
        with output_faults(self.path):
            if fresh and self.path.exists():
                self.path.unlink()
            elif self.path.is_file():
                self._read()

    def _read(self) -> None:
        for line in self.path.read_bytes().splitlines():
            try:
                r = json.loads(line.decode("utf-8"))
                if r.get("search") != self.fingerprint:
                    continue
                plan = tuple(int(v) for v in r["plan"])
                self.known[plan] = Figures(
                    plan, _estimate_from(r["cost"]), _estimate_from(r["holding"]),
                    tuple(_estimate_from(t) for t in r["targets"]), r["service"])
            except (ValueError, KeyError, TypeError, AttributeError):
                continue

    def get(self, plan: tuple[int, ...]) -> Optional[Figures]:
        """The figures recorded for ``plan``, if any."""
        return self.known.get(plan)

    def add(self, figures: Figures) -> None:
        """Record an evaluation (appended and flushed at once)."""
        record = {"search": self.fingerprint, "plan": list(figures.plan),
                  "cost": _estimate_record(figures.cost),
                  "holding": _estimate_record(figures.holding),
                  "targets": [_estimate_record(e) for e in figures.targets],
                  "service": figures.service}
        with output_faults(self.path):
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, allow_nan=True) + "\n")
                f.flush()
                os.fsync(f.fileno())
        self.known[figures.plan] = figures

    def remove(self) -> None:
        """Delete the journal (the search's result is published)."""
        with output_faults(self.path):
            if self.path.exists():
                self.path.unlink()
