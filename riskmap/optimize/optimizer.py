"""``optimize()``: the search space, the starts, the search, the verification, the record.

The command (:mod:`riskmap.cli.optimize`) reads the inputs and writes the
files; everything between is here, so tests call it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from riskmap.model import Scenario
from riskmap.optimize import space
from riskmap.optimize.evaluation import Evaluator, Journal
from riskmap.optimize.record import FrontierPoint, ItemPlan, Prescription, TargetResult, frontier
from riskmap.optimize.search import Search
from riskmap.optimize.targets import Target
from riskmap.optimize.verify import fresh_seed, verify

#: candidate plans evaluated at most, by default.
DEFAULT_BUDGET = 200


@dataclass(frozen=True)
class Settings:
    """How one search runs.

    ``replications`` and ``seed`` are those of every search evaluation (the
    scenario's when None); ``verify_replications`` those of the verification
    (twice the search's when None); ``budget`` the most candidate plans
    evaluated.
    """

    replications: Optional[int] = None
    seed: Optional[int] = None
    verify_replications: Optional[int] = None
    budget: int = DEFAULT_BUDGET


def disruption_extra_stock(scenario: Scenario, static) -> tuple[dict[str, int], dict[str, list]]:
    """Per item, the static map's extra stock against the worst outage the scenario causes.

    For each supplier a disruption of the scenario stops
    (:func:`riskmap.analysis.matrix.supplier_causes`), the risk map's extra
    stock for an outage of it over its TTR; per item the largest over those
    suppliers. Also returns, per item, ``(disruption, supplier, units)`` for
    each outage whose extra stock names it (the reasons the report gives).
    """
    from riskmap.analysis.matrix import supplier_causes

    exposures = {e.id: e for e in static.suppliers}
    extra: dict[str, int] = {}
    covers: dict[str, list] = {}
    for sid, causes in supplier_causes(scenario).items():
        exposure = exposures.get(sid)
        if not causes or exposure is None or exposure.extra_stock is None:
            continue
        for item_id, units in exposure.extra_stock.items:
            if units <= 0:
                continue
            extra[item_id] = max(extra.get(item_id, 0), units)
            for cause in causes:
                covers.setdefault(item_id, []).append((cause.disruption, sid, units))
    return extra, covers


def optimize(scenario: Scenario, targets: Sequence[Target], executor, *,
             items: Optional[Sequence[str]] = None, settings: Settings = Settings(),
             journal_folder=None, resume: bool = False,
             note: Optional[Callable[[str], None]] = None,
             progress: Optional[Callable[[int, int], None]] = None,
             static=None) -> tuple[Prescription, Scenario]:
    """Search the least-cost plan for ``scenario`` that meets ``targets``, and verify it.

    Parameters
    ----------
    scenario : Scenario
    targets : sequence of Target
        Empty: cost alone is minimised.
    executor : Executor
        Where every replication runs (:mod:`riskmap.run.executors`).
    items : sequence of str, optional
        The items searched (default every item with a policy).
    settings : Settings
    journal_folder : path, optional
        Where the evaluation journal is kept (none when None).
    resume : bool
        Reuse the journal's evaluations of the same search.
    note, progress : callable, optional
        ``note(message)`` at each step; ``progress(evaluated, budget)``.
    static : RiskMap, optional
        The static risk map (computed when None).

    Returns
    -------
    (Prescription, Scenario)
        The record and the scenario with the plan's policies.
    """
    from riskmap.analysis import risk_map
    from riskmap.graph import supply_graph
    from riskmap.optimize.evaluation import search_fingerprint

    say = note or (lambda message: None)
    searched = space.searched_items(scenario.network, items)
    coords = space.coordinates(searched)
    replications = settings.replications or scenario.replications
    seed = scenario.seed if settings.seed is None else settings.seed
    verify_replications = settings.verify_replications or 2 * replications
    journal = None
    if journal_folder is not None:
        journal = Journal(journal_folder,
                          search_fingerprint(scenario, searched, targets, replications, seed),
                          fresh=not resume)
    evaluate = Evaluator(
        scenario, searched, targets, replications, seed, executor, journal,
        on_evaluation=(lambda f, simulated: progress(len(evaluate.cache), settings.budget))
        if progress is not None else None)
    today = space.today(searched)
    if static is None:
        say(f"mapping {len(scenario.network.items):,} items...")
        static = risk_map(scenario.network)
    extra, covers = disruption_extra_stock(scenario, static)
    analytic = space.analytic(scenario.network, searched)
    starts = [("today's plan", today), ("the analytic plan", analytic)]
    if any(item.id in extra for item in searched):
        starts.append(("the analytic plan + extra stock",
                       space.with_extra(searched, analytic, extra)))
    say(f"searching {len(coords)} parameters of {len(searched)} items, {replications} "
        f"replications per candidate, at most {settings.budget} candidates...")
    graph = supply_graph(scenario.network)
    outcome = Search(evaluate, coords, settings.budget, say,
                     feeds=lambda product: graph.components(product) | {product}).run(starts)
    say(f"verifying the plan on {verify_replications} fresh replications...")
    plan_f, today_f = verify(scenario, searched, targets, [outcome.best.plan, today],
                             verify_replications, seed, executor)
    results = tuple(TargetResult(t, e, t.holds(e), t.confidence(e))
                    for t, e in zip(targets, plan_f.targets))
    planned = space.apply(scenario, searched, outcome.best.plan)
    rows = item_plans(scenario, planned, searched, covers, struck_upstream(scenario, graph))
    points = frontier(evaluate.evaluated, targets)
    today_search = evaluate.cache.get(tuple(today))
    search = {
        "method": "greedy marginal allocation, then compass search with shrinking steps, "
                  "on common random numbers",
        "replications": replications, "seed": seed, "start": outcome.start,
        "stopped": outcome.stopped, "budget": settings.budget,
        "parameters": [c.label for c in coords],
        "verify": {"replications": verify_replications, "seed": fresh_seed(seed)},
        "feasible_in_search": outcome.feasible,
    }
    met = outcome.feasible and all(r.met for r in results)
    prescription = Prescription(
        scenario=scenario, items=rows, cost=plan_f.cost, holding=plan_f.holding,
        today_cost=today_f.cost, targets=results, met=met, evaluations=len(evaluate.cache),
        frontier=points, plan_point=_point(outcome.best, targets),
        today_point=_point(today_search, targets) if today_search is not None else None,
        search=search)
    return prescription, planned


def _point(f, targets) -> FrontierPoint:
    return FrontierPoint(f.cost.mean, f.service, f.meets(targets), False)


def struck_upstream(scenario: Scenario, graph) -> dict[str, list[tuple[str, str, bool]]]:
    """Per item, ``(disruption, supplier, direct)`` for each supplier it depends on that a
    disruption of the scenario stops (``direct``: one of the item's own sources)."""
    from riskmap.analysis.matrix import supplier_causes

    causes = {sid: c for sid, c in supplier_causes(scenario).items() if c}
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for item in scenario.network.items:
        own = {src.supplier for src in item.sources}
        for sid in sorted(graph.suppliers_of(item.id) & set(causes)):
            out.setdefault(item.id, []).extend((c.disruption, sid, sid in own)
                                               for c in causes[sid])
    return out


def item_plans(scenario: Scenario, planned: Scenario, searched, covers,
               struck: dict) -> tuple[ItemPlan, ...]:
    """Each searched item's policy today and in the plan, and why it changed."""
    rows = []
    for item in searched:
        new = planned.network.item(item.id)
        rows.append(ItemPlan(item.id, item.policy, new.policy, item.stock, new.stock,
                             reasons(item, new, covers.get(item.id, []),
                                     struck.get(item.id, []))))
    return tuple(rows)


def reasons(item, new, covers: list, struck: list = ()) -> tuple[str, ...]:
    """Why an item's policy changed: what the raise covers, or what lowering saved.

    A raise names, in order of what can be said: the outages whose static
    extra stock names the item; else the disruptions that stop one of its own
    suppliers; else those that stop a supplier upstream of it.
    """
    before = space.parameters(item.policy)[0]
    after = space.parameters(new.policy)[0]
    if new.policy == item.policy:
        return ("unchanged",)
    if after > before:
        raised = f"raised by {after - before}"
        out = [f"{raised}: covers disruption {d} (the static map's extra stock against an "
               f"outage of {s} over its TTR is {u} units of it)"
               for d, s, u in sorted(set(covers))]
        if not out:
            out = [f"{raised}: buffers disruption {d}, which stops its supplier {s}"
                   for d, s, direct in sorted(set(struck)) if direct]
        if not out and struck:
            names = sorted({d for d, _, _ in struck})
            suppliers = sorted({s for _, s, _ in struck})
            out = [f"{raised}: buffers disruption{'s' if len(names) > 1 else ''} "
                   f"{', '.join(names)}, which stop{'' if len(names) > 1 else 's'} "
                   f"{', '.join(suppliers)} upstream of it"]
        return tuple(out) or (f"{raised}: more stock here met the targets at the least "
                              "added cost",)
    if after < before:
        return (f"lowered by {before - after}: holding less kept every target at a lower cost",)
    return ("order size changed: a lower expected cost with every target kept",)
