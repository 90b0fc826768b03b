"""Running the arms of a plan and turning the runs into the option tables.

Arms share the engine, the executor and the seed of the main run
(:func:`riskmap.run.montecarlo.run_scenario`); they record no time series.
Each row builder pairs the runs its option is compared on
(:func:`~riskmap.options.effects.paired_effect`), names what the option
concerns and says why its value is what it is
(:func:`~riskmap.options.exposure.explain`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

import numpy as np

from riskmap.analysis.risk_map import Exposure, RiskMap
from riskmap.graph import supply_graph
from riskmap.model import Network, Scenario, WhatIf
from riskmap.options.effects import paired_effect, paired_estimate, paired_loss
from riskmap.options.exposure import explain, shared_exposure
from riskmap.options.plan import (BASELINE, NONE, REGISTERED, Plan, arm_key, compensation_rules,
                                  plan_arms, rule_key)
from riskmap.options.tables import (AlternateRow, CandidateRow, CompensationRow, OptionTables,
                                    StockRow, StopRow, WhatIfRow, rank)
from riskmap.stats import Estimate
from riskmap.options.variants import alternate_sources, with_candidate
from riskmap.run.montecarlo import ProgressCallback, RunSummary, run_scenario
from riskmap.run.samples import Samples


def run_arms(baseline: RunSummary, plan: Plan, *, workers: Optional[int] = None, executor=None,
             progress: Optional[ProgressCallback] = None,
             simulator: Optional[Callable] = None) -> dict[str, Samples]:
    """Run every arm with the baseline's seed, replications and alternates mode.

    Parameters
    ----------
    baseline : RunSummary
        The main run.
    plan : Plan
        The arms to run (:func:`~riskmap.options.plan.plan_arms`).
    workers, executor, simulator
        As for :func:`riskmap.run.montecarlo.run_scenario`.
    progress : callable, optional
        ``progress(done, total)``, counting replications over all arms.

    Returns
    -------
    dict
        ``{arm key: Samples}`` of the arms run (not of the aliases).
    """
    results: dict[str, Samples] = {}
    n = baseline.replications
    total = n * len(plan.arms)
    for k, arm in enumerate(plan.arms):
        def step(done: int, _total: int, k: int = k) -> None:
            if progress is not None:
                progress(k * n + done, total)

        # an arm's figures are paired effects on the products: alert rules, which only watch,
        # would be scored for nothing (the run is the same without them)
        scenario = replace(arm.scenario, alerts=()) if arm.scenario.alerts else arm.scenario
        summary = run_scenario(scenario, replications=n, seed=baseline.seed, workers=workers,
                               executor=executor, progress=step, alternates=baseline.alternates,
                               series=False, simulator=simulator)
        results[arm.key] = summary.samples
    return results


def resolve_aliases(runs: dict[str, Samples], aliases: dict[str, str]) -> None:
    """Give every aliased arm the samples of the run it stands for (following chains), in place."""
    for key in sorted(aliases):
        same = key
        while same in aliases:
            same = aliases[same]
        runs[key] = runs[same]


def evaluate(baseline: RunSummary, risk_map: Optional[RiskMap] = None, *, plan: Optional[Plan] = None,
             workers: Optional[int] = None, executor=None,
             progress: Optional[ProgressCallback] = None,
             simulator: Optional[Callable] = None) -> OptionTables:
    """Every counterfactual table of a run (docs/counterfactuals.md).

    Parameters
    ----------
    baseline : RunSummary
        The main run (:func:`riskmap.run.montecarlo.run_scenario`).
    risk_map : RiskMap, optional
        The static map of the scenario's network, for the stock what-ifs
        (none are run without it).
    plan : Plan, optional
        The arms to run, from :func:`~riskmap.options.plan.plan_arms` (so a
        caller can count them before the main run); planned here when not given.
    workers, executor, progress, simulator
        As for :func:`riskmap.run.montecarlo.run_scenario`; ``progress`` counts
        the replications of all arms together.

    Returns
    -------
    OptionTables
        Every table, each ranked best first.

    Examples
    --------
    >>> summary = run_scenario(scenario, replications=50, workers=1)  # doctest: +SKIP
    >>> evaluate(summary, risk_map(scenario.network), workers=1).alternates[0].supplier  # doctest: +SKIP
    'cell-pl'
    """
    scenario = baseline.scenario
    if plan is None:
        plan = plan_arms(scenario, baseline.alternates, risk_map)
    runs = run_arms(baseline, plan, workers=workers, executor=executor, progress=progress,
                    simulator=simulator)
    runs[BASELINE] = baseline.samples
    resolve_aliases(runs, plan.aliases)
    return OptionTables(
        alternates=tuple(rank(alternate_rows(scenario, runs))),
        all_alternates=(paired_effect(runs[BASELINE], runs[NONE]) if NONE in runs else None),
        candidates=tuple(rank(candidate_rows(scenario, runs))),
        stock=tuple(rank(stock_rows(scenario, plan.stock, runs))),
        what_ifs=tuple(rank(what_if_rows(scenario, runs))),
        arms=len(plan.arms), stock_cap=plan.stock_cap, stock_left_out=plan.stock_left_out,
        stops=tuple(stop_rows(scenario, plan.spared, runs)), spared_cap=plan.spared_cap,
        spared_left_out=plan.spared_left_out,
        compensation=tuple(compensation_rows(scenario, runs)))


def compensation_rows(scenario: Scenario, runs: dict[str, Samples]) -> list[CompensationRow]:
    """One row per compensation rule, against the run without it; best net first.

    Per replication (paired on the seeds): cancellations avoided = the
    product's lost units without the rule minus with it; margin kept = that
    times the product's margin (0 without one); net = margin kept minus what
    the rule's accepted offers cost in the run with it.
    """
    rows = []
    base = runs[BASELINE]
    for product, rule_id in compensation_rules(scenario):
        item = scenario.network.item(product)
        rule = next(r for r in item.compensation if r.id == rule_id)
        without = runs[rule_key(product, rule_id)]
        lost = (_column(without, "product", product, "lost_units")
                - _column(base, "product", product, "lost_units"))
        kept = lost * float(item.margin or 0.0)
        cost = _column(base, "rule", (product, rule_id), "compensation_cost")
        compensated = _column(base, "rule", (product, rule_id), "compensated_orders")
        effect = paired_effect(base, without, (product,))
        net = paired_estimate(kept - cost, "money").rounded()
        rows.append(CompensationRow(
            product, rule_id, rule.when, rule.offer,
            paired_estimate(compensated, "orders").rounded(),
            paired_estimate(cost, "money").rounded(),
            paired_estimate(lost, "units").rounded(), paired_estimate(kept, "money").rounded(),
            net, rule_verdict(rule_id, net), effect))
    return sorted(rows, key=lambda r: (-(r.net.mean or 0.0), r.product, r.id))


def _column(samples: Samples, subject: str, key, name: str) -> np.ndarray:
    """One statistic's per-replication values as floats (NaN where undefined)."""
    values = samples.values[subject][key][name]
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def rule_verdict(rule_id: str, net: Estimate) -> str:
    """Whether a compensation rule pays, in one sentence, from its net's interval."""
    low, high = net.ci95
    if low is not None and low > 0:
        return f"rule {rule_id!r} pays: the margin it keeps exceeds what it costs"
    if high is not None and high < 0:
        return f"rule {rule_id!r} does not pay: it costs more than the margin it keeps"
    return f"rule {rule_id!r}: the margin it keeps and its cost are not distinguishable"


def _fed(network: Network, items) -> tuple[str, ...]:
    """Products fed by any of ``items``, sorted."""
    graph = supply_graph(network)
    return tuple(sorted({p for item_id in items for p in graph.products_fed(item_id)}))


def alternate_rows(scenario: Scenario, runs: dict[str, Samples]) -> list[AlternateRow]:
    """One row per alternate lane that was run (or aliased), in lane order."""
    network = scenario.network
    rows = []
    for lane in alternate_sources(scenario):
        item_id, supplier_id = lane
        if arm_key("without", lane) not in runs:
            continue
        fed = _fed(network, [item_id])
        effect = paired_effect(runs[BASELINE], runs[arm_key("without", lane)], fed)
        exposure = shared_exposure(scenario, item_id, supplier_id)
        rows.append(AlternateRow(
            supplier=supplier_id, part=item_id, region=network.supplier(supplier_id).region,
            products=fed,
            primaries=tuple(sorted(s.supplier for s in network.item(item_id).primaries)),
            shared_exposure=tuple(exposure),
            alone=paired_effect(runs[arm_key("alone", lane)], runs[NONE], fed),
            why=explain(effect, exposure, f"alternate {supplier_id!r} for {item_id!r}"),
            effect=effect))
    return rows


def candidate_rows(scenario: Scenario, runs: dict[str, Samples]) -> list[CandidateRow]:
    """One row per candidate supplier, against the ``registered`` arm."""
    rows = []
    for candidate in scenario.candidates:
        extended = with_candidate(scenario, candidate)
        parts = tuple(sorted(item_id for item_id, _ in candidate.sources))
        fed = _fed(scenario.network, parts)
        effect = paired_effect(runs[arm_key("candidate", candidate.id)], runs[REGISTERED], fed)
        exposure = sorted({reason for item_id, source in candidate.sources if source.alternate
                           for reason in shared_exposure(extended, item_id, candidate.id)})
        rows.append(CandidateRow(
            supplier=candidate.id, parts=parts, region=candidate.supplier.region, products=fed,
            shared_exposure=tuple(exposure),
            why=explain(effect, exposure, f"candidate {candidate.id!r}"), effect=effect))
    return rows


def stock_rows(scenario: Scenario, suppliers: list[Exposure],
               runs: dict[str, Samples]) -> list[StockRow]:
    """One row per supplier of the plan's stock arms: the static map's extra stock, simulated."""
    rows = []
    for supplier in suppliers:
        items = supplier.extra_stock.items
        fed = _fed(scenario.network, [item_id for item_id, _ in items])
        effect = paired_effect(runs[arm_key("stock", supplier.id)], runs[BASELINE], fed)
        held = sum(units for _, units in items)
        rows.append(StockRow(
            supplier=supplier.id, products=fed,
            tts=supplier.tts, ttr=supplier.ttr, extra_stock_total=supplier.extra_stock.total,
            items=items,
            why=explain(effect, (), f"holding {held} more units against {supplier.id!r}"),
            effect=effect))
    return rows


def what_if_rows(scenario: Scenario, runs: dict[str, Samples]) -> list[WhatIfRow]:
    """One row per ``what_if:`` variation, against the baseline."""
    network = scenario.network
    rows = []
    for what_if in scenario.what_if:
        target = what_if.target
        if target.kind == "supplier":
            items = sorted({i.id for i in network.items for s in i.sources
                            if s.supplier == target.id})
        else:
            items = [target.id]
        fed = _fed(network, items)
        effect = paired_effect(runs[arm_key("what_if", what_if.id)], runs[BASELINE], fed)
        rows.append(WhatIfRow(
            id=what_if.id, target_kind=target.kind, target_id=target.id, stock=what_if.stock,
            capacity=what_if.capacity, policy=what_if.policy, products=fed,
            extra_units=extra_units(network, what_if),
            why=explain(effect, (), f"what-if {what_if.id!r}"), effect=effect))
    return rows


def stop_rows(scenario: Scenario, suppliers: tuple[str, ...],
              runs: dict[str, Samples]) -> list[StopRow]:
    """One row per supplier of the plan's ``spared:`` arms, in the plan's order.

    The effect compares the arm in which it never stops with the baseline,
    so "avoided" is what its stops cost, summed over every product (a stop
    can reach products that do not depend on the supplier, through the
    capacity of an alternate they share): backordered units over all
    products, lost revenue and lost margin over those with a price and a
    margin. The per-product lost revenue is given for the priced products
    that depend on the supplier at any tier (``products``) and for any other
    whose mean is not 0.
    """
    network = scenario.network
    graph = supply_graph(network)
    products = [i for i in network.items if i.is_product]
    priced = sorted(i.id for i in products if i.price is not None)
    margins = sorted(i.id for i in products if i.margin is not None)
    rows = []
    for supplier_id in suppliers:
        fed = tuple(sorted(i.id for i in products if supplier_id in graph.suppliers_of(i.id)))
        spared_run, baseline = runs[arm_key("spared", supplier_id)], runs[BASELINE]
        by_product = [(pid, paired_loss(spared_run, baseline, "lost_revenue", "money", [pid]))
                      for pid in priced]
        rows.append(StopRow(
            supplier=supplier_id, products=fed,
            effect=paired_effect(spared_run, baseline, fed),
            lost_revenue=(paired_loss(spared_run, baseline, "lost_revenue", "money", priced)
                          if priced else None),
            lost_margin=(paired_loss(spared_run, baseline, "lost_margin", "money", margins)
                         if margins else None),
            lost_revenue_by_product=tuple((pid, e) for pid, e in by_product
                                          if pid in fed or e.mean)))
    return rows


def extra_units(network: Network, what_if: WhatIf) -> Optional[int]:
    """Extra units held by a what-if: the rise of the policy target, else of the starting stock.

    ``None`` for a supplier's what-if (capacity only) and for one that
    changes neither the policy nor the stock.
    """
    if what_if.target.kind == "supplier":
        return None
    item = network.item(what_if.target.id)
    if what_if.policy is not None and item.policy is not None:
        return what_if.policy.target - item.policy.target
    if what_if.stock is not None:
        return what_if.stock - item.stock
    return None
