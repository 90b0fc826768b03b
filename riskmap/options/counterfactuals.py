"""Counterfactual arms: what each alternate, candidate, stock or what-if is worth.

Every comparison here sets the scenario as written (the *baseline*, the main
run) against a changed copy of it (an *arm*): with one alternate lane
switched off, with every alternate switched off, with one candidate
supplier, with extra stock, with one ``what_if:`` variation. Both are run with the same root seed and the same
number of replications, so replication ``i`` of both draws the same demand,
lead times and disruptions (common random numbers: the engine draws each
source of randomness from its own named stream, docs/simulation.md). The
difference of replication ``i`` is then the effect of the change alone, and
the effect is estimated on those paired differences: a Student t interval on
``n`` differences, whose width reflects only how much the *effect* varies,
not how much the outcomes vary (docs/counterfactuals.md).

Arms share the engine, the executor and the seed of the main run
(:func:`riskmap.run.montecarlo.run_scenario`); they record no time series.

Sign convention: every effect is "with the option minus without it", turned
so that positive is good: ``backorder_units_avoided`` = backordered units
without minus with, ``fill_rate_gain`` = fill rate with minus without,
``lost_revenue_avoided`` = lost revenue without minus with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from riskmap.dists import Constant
from riskmap.graph import supply_graph
from riskmap.model import Candidate, Item, Network, Policy, Scenario, WhatIf
from riskmap.run.montecarlo import ProgressCallback, RunSummary, Samples, run_scenario
from riskmap.analysis.risk_map import Exposure, RiskMap
from riskmap.options.tables import (AlternateRow, CandidateRow, Effect, OptionTables, StockRow,
                                    WhatIfRow, rank)
from riskmap.stats import Estimate, estimate_mean, rounded, t_quantile

#: ``(item id, supplier id)``: one lane.
Lane = tuple[str, str]


# --------------------------------------------------------------------------
# Changed copies of a scenario (never mutated: frozen dataclasses, replaced)


def alternate_sources(scenario: Scenario) -> list[Lane]:
    """``(item id, supplier id)`` of every alternate lane of the network, sorted."""
    return sorted((item.id, source.supplier) for item in scenario.network.items
                  for source in item.alternates)


def _with_items(scenario: Scenario, change: Callable[[Item], Item]) -> Scenario:
    network = replace(scenario.network, items=tuple(change(i) for i in scenario.network.items))
    return replace(scenario, network=network)


def without_alternate(scenario: Scenario, item_id: str, supplier_id: str) -> Scenario:
    """``scenario`` with the alternate lane ``supplier_id -> item_id`` removed (a new object)."""
    return without_alternates(scenario, keep=set(alternate_sources(scenario))
                              - {(item_id, supplier_id)})


def without_alternates(scenario: Scenario, keep: Iterable[Lane] = ()) -> Scenario:
    """``scenario`` with every alternate lane removed except those in ``keep``."""
    kept = set(keep)

    def strip(item: Item) -> Item:
        sources = tuple(s for s in item.sources
                        if not s.alternate or (item.id, s.supplier) in kept)
        return item if len(sources) == len(item.sources) else replace(item, sources=sources)

    return _with_items(scenario, strip)


#: the activation delay of a switched-off alternate: it never takes over.
NEVER = Constant(math.inf)


def switched_off(scenario: Scenario, lanes: Iterable[Lane]) -> Scenario:
    """``scenario`` with the alternate ``lanes`` switched off: they never take an order.

    The lane stays in the network with an infinite activation delay rather
    than being removed, so that every draw the engine makes per lane (a part
    delay or shortage draws one duration per lane of the part, in supplier
    order, from one stream) is the same in both arms of a comparison. An
    item without primaries buys from its alternates directly; there the lane
    is removed.
    """
    off = set(lanes)

    def change(item: Item) -> Item:
        if not any((item.id, s.supplier) in off for s in item.alternates):
            return item
        if not item.primaries:
            return replace(item, sources=tuple(s for s in item.sources
                                               if (item.id, s.supplier) not in off))
        return replace(item, sources=tuple(
            replace(s, activation_delay=NEVER) if s.alternate and (item.id, s.supplier) in off
            else s for s in item.sources))

    return _with_items(scenario, change)


def with_suppliers(scenario: Scenario, candidates: Sequence[Candidate]) -> Scenario:
    """``scenario`` with the candidates' suppliers that are new added, without any lane.

    A supplier with no lane changes no flow of units; it is registered so that
    the disruption draws are the same with and without a candidate's lanes (a
    region disaster without ``duration`` draws one recovery time per supplier
    of the region, in id order, from one stream).
    """
    known = {s.id for s in scenario.network.suppliers}
    new = sorted({c.supplier.id: c.supplier for c in candidates
                  if c.supplier.id not in known}.items())
    if not new:
        return scenario
    network = replace(scenario.network,
                      suppliers=scenario.network.suppliers + tuple(s for _, s in new))
    return replace(scenario, network=network)


def with_candidates_off(scenario: Scenario, candidates: Sequence[Candidate]) -> Scenario:
    """The reference of the candidate comparisons: the candidates' new suppliers and
    alternate lanes present but switched off (:func:`switched_off`), no primary lane."""
    scenario = with_suppliers(scenario, candidates)
    lanes = {}
    for candidate in candidates:
        for item_id, source in candidate.sources:
            if source.alternate:
                lanes.setdefault(item_id, []).append(replace(source, activation_delay=NEVER))

    def add(item: Item) -> Item:
        extra = sorted(lanes.get(item.id, ()), key=lambda s: s.supplier)
        return replace(item, sources=item.sources + tuple(extra)) if extra else item

    return _with_items(scenario, add)


def with_candidate(scenario: Scenario, candidate: Candidate,
                   others: Sequence[Candidate] = ()) -> Scenario:
    """``scenario`` with the candidate's supplier and lanes added.

    The other candidates (``others``) are present but switched off, as in
    :func:`with_candidates_off`, so the arm differs from that reference by
    this candidate's lanes alone. A primary lane joins the item's primaries
    with weight ``share`` (default: the mean share of the existing
    primaries), and all primary shares are normalised to sum to 1 again.
    """
    scenario = with_candidates_off(scenario, [candidate, *[c for c in others
                                                            if c.id != candidate.id]])
    lanes = dict(candidate.sources)

    def add(item: Item) -> Item:
        source = lanes.get(item.id)
        if source is None:
            return item
        if source.alternate:
            return replace(item, sources=tuple(
                source if s.alternate and s.supplier == candidate.id else s
                for s in item.sources))
        primaries = item.primaries
        weight = source.share or (1.0 / len(primaries) if primaries else 1.0)
        total = 1.0 + weight if primaries else weight
        rescaled = tuple(s if s.alternate else replace(s, share=s.share / total)
                         for s in item.sources)
        return replace(item, sources=rescaled + (replace(source, share=weight / total),))

    return _with_items(scenario, add)


def with_what_if(scenario: Scenario, what_if: WhatIf) -> Scenario:
    """``scenario`` with one ``what_if:`` variation applied."""
    target = what_if.target
    if target.kind == "supplier":
        suppliers = tuple(replace(s, capacity=what_if.capacity) if s.id == target.id else s
                          for s in scenario.network.suppliers)
        return replace(scenario, network=replace(scenario.network, suppliers=suppliers))

    def change(item: Item) -> Item:
        if item.id != target.id:
            return item
        updates = {}
        if what_if.stock is not None:
            updates["stock"] = what_if.stock
        if what_if.policy is not None:
            updates["policy"] = what_if.policy
        if what_if.capacity is not None:
            updates["capacity"] = what_if.capacity
        return replace(item, **updates)

    return _with_items(scenario, change)


def raised_policy(policy: Optional[Policy], units: int) -> Optional[Policy]:
    """``policy`` with every level raised by ``units``, so the extra stock is held, not spent once.

    >>> raised_policy(Policy("min_max", min=5, max=20), 3)
    Policy(kind='min_max', level=None, min=8, max=23, point=None, quantity=None, review_period=None)
    """
    if policy is None:
        return None
    updates = {key: getattr(policy, key) + units for key in ("level", "min", "max", "point")
               if getattr(policy, key) is not None}
    return replace(policy, **updates)


def with_extra_stock(scenario: Scenario, units: dict[str, int]) -> Scenario:
    """``scenario`` with ``units[item]`` more units on hand at the start and in every policy level."""
    def change(item: Item) -> Item:
        extra = units.get(item.id, 0)
        if not extra:
            return item
        return replace(item, stock=item.stock + extra, policy=raised_policy(item.policy, extra))

    return _with_items(scenario, change)


def whole_units(items: dict[str, float]) -> dict[str, int]:
    """Extra stock of the static map in whole units (rounded up), zeros dropped, sorted by id.

    >>> whole_units({"b": 2.2, "a": 0.0, "c": 5.0})
    {'b': 3, 'c': 5}
    """
    out = {}
    for item_id in sorted(items):
        units = math.ceil(items[item_id] - 1e-9)
        if units > 0:
            out[item_id] = units
    return out


# --------------------------------------------------------------------------
# Paired effects


@dataclass(frozen=True)
class Outcomes:
    """Per-replication totals of one run, in replication order.

    ``ordered`` and ``filled`` are ``{product id: array}``; ``backorders`` and
    ``lost_revenue`` sum over products (``lost_revenue`` is ``None`` when the
    products carry no price).
    """

    backorders: np.ndarray
    ordered: dict[str, np.ndarray]
    filled: dict[str, np.ndarray]
    lost_revenue: Optional[np.ndarray]

    @property
    def fill_rate(self) -> np.ndarray:
        """Pooled fill rate of all products per replication (NaN when nothing was ordered)."""
        ordered = sum(self.ordered.values(), np.zeros(len(self.backorders)))
        filled = sum(self.filled.values(), np.zeros(len(self.backorders)))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(ordered > 0, filled / np.where(ordered > 0, ordered, 1), np.nan)

    def product_fill_rate(self, product: str) -> np.ndarray:
        ordered, filled = self.ordered[product], self.filled[product]
        return np.where(ordered > 0, filled / np.where(ordered > 0, ordered, 1), np.nan)


def outcomes(samples: Samples) -> Outcomes:
    """The per-replication totals that effects are computed on."""
    table = samples.values.get("product", {})
    products = sorted(samples.ordered)
    backorders = np.zeros(samples.count)
    revenue = np.zeros(samples.count)
    priced = False
    for pid in products:
        backorders += np.asarray(table[pid]["backorder_units"], dtype=float)
        lost = table[pid].get("lost_revenue")
        if lost is not None and any(v is not None for v in lost):
            priced = True
            revenue += np.array([v or 0.0 for v in lost], dtype=float)
    return Outcomes(
        backorders=backorders,
        ordered={pid: np.asarray(samples.ordered[pid], dtype=float) for pid in products},
        filled={pid: np.asarray(samples.filled[pid], dtype=float) for pid in products},
        lost_revenue=revenue if priced else None)


def paired_estimate(differences: np.ndarray, unit: str) -> Estimate:
    """Mean of paired differences with its Student t interval; undefined pairs (NaN) dropped."""
    differences = np.asarray(differences, dtype=float)
    return estimate_mean(differences[~np.isnan(differences)], unit)


def unpaired_interval(better: np.ndarray, worse: np.ndarray,
                      level: float = 0.95) -> tuple[Optional[float], Optional[float]]:
    """Welch interval for ``mean(worse) - mean(better)`` as if the two runs were independent.

    What two separately seeded runs would allow one to say about the same
    difference; reported next to the paired interval to show what pairing
    buys. ``(None, None)`` with fewer than two replications.
    """
    a, b = np.asarray(worse, dtype=float), np.asarray(better, dtype=float)
    n, m = len(a), len(b)
    if n < 2 or m < 2:
        return (None, None)
    va, vb = float(np.var(a, ddof=1)) / n, float(np.var(b, ddof=1)) / m
    diff = float(np.mean(a) - np.mean(b))
    se = math.sqrt(va + vb)
    if se == 0:
        return (diff, diff)
    # Welch-Satterthwaite degrees of freedom
    df = (va + vb) ** 2 / (va ** 2 / (n - 1) + vb ** 2 / (m - 1))
    half = t_quantile(0.5 + level / 2, max(1, int(df))) * se
    return (diff - half, diff + half)


def excludes_zero(estimate: Optional[Estimate]) -> bool:
    """Whether the 95 % interval of ``estimate`` lies wholly above or wholly below 0."""
    if estimate is None or estimate.ci95[0] is None or estimate.ci95[1] is None:
        return False
    low, high = estimate.ci95
    return low > 0 or high < 0


def paired_effect(with_option: Samples, without_option: Samples,
                  products: Optional[Iterable[str]] = None) -> Effect:
    """The effect of an option from two runs sharing their seeds.

    Parameters
    ----------
    with_option, without_option : Samples
        Per-replication values of the two runs, same replication count.
    products : iterable of str, optional
        Products whose fill-rate gain is reported one by one (default all).
    """
    if with_option.count != without_option.count:
        raise ValueError(f"paired runs need the same replications, got {with_option.count} "
                         f"and {without_option.count}")
    good, bad = outcomes(with_option), outcomes(without_option)
    avoided = bad.backorders - good.backorders
    by_product = {pid: paired_estimate(good.product_fill_rate(pid) - bad.product_fill_rate(pid),
                                       "ratio")
                  for pid in sorted(products if products is not None else good.ordered)
                  if pid in good.ordered}
    revenue = None
    if good.lost_revenue is not None and bad.lost_revenue is not None:
        revenue = paired_estimate(bad.lost_revenue - good.lost_revenue, "money")
    changed = int(np.count_nonzero(
        (avoided != 0) | (np.nan_to_num(good.fill_rate) != np.nan_to_num(bad.fill_rate))))
    units = paired_estimate(avoided, "units")
    gain = paired_estimate(good.fill_rate - bad.fill_rate, "ratio")
    return Effect(
        backorder_units_avoided=units.rounded(),
        fill_rate_gain=gain.rounded(),
        fill_rate_gain_by_product={pid: est.rounded() for pid, est in by_product.items()},
        lost_revenue_avoided=None if revenue is None else revenue.rounded(),
        unpaired_ci95=tuple(rounded(v) for v in unpaired_interval(good.backorders, bad.backorders)),
        changed_replications=changed,
        significant=excludes_zero(units) or excludes_zero(gain))


# --------------------------------------------------------------------------
# Why an alternate is (not) worth much: shared exposure with its primaries


def shared_exposure(scenario: Scenario, item_id: str, supplier_id: str) -> list[str]:
    """Reasons the lane ``supplier_id -> item_id`` fails when the item's primaries fail.

    Same region as a primary (and the region disasters of the scenario that
    strike both), a tier-2 supplier shared with a primary (or the primary
    itself a tier-2 of the alternate), sorted.
    """
    network = scenario.network
    alternate = network.supplier(supplier_id)
    disasters = {}
    for d in scenario.disruptions:
        if d.kind == "disaster" and d.target.kind == "region":
            disasters.setdefault(d.target.id, []).append(d.id)
    reasons = []
    for source in sorted(network.item(item_id).primaries, key=lambda s: s.supplier):
        primary = network.supplier(source.supplier)
        if alternate.region is not None and alternate.region == primary.region:
            struck = sorted(disasters.get(alternate.region, []))
            text = f"same region as primary {primary.id!r} ({alternate.region})"
            if struck:
                text += f", struck together by disaster {', '.join(repr(d) for d in struck)}"
            reasons.append(text)
        shared = sorted((supply_graph(network).upstream(supplier_id) & supply_graph(network).upstream(primary.id))
                        - {supplier_id})
        if shared:
            reasons.append(f"shares tier-2 {', '.join(repr(s) for s in shared)} with primary "
                           f"{primary.id!r}")
    return sorted(set(reasons))


def explain(effect: Effect, exposure: Sequence[str], what: str = "it") -> str:
    """One sentence a reviewer reads next to the figures: why the value is what it is."""
    est = effect.backorder_units_avoided
    mean = est.mean or 0.0
    if effect.changed_replications == 0:
        text = (f"no replication changed with or without {what}: it was never needed "
                "(its primaries kept delivering or stock covered the gaps)")
    elif effect.significant and mean > 0:
        text = f"{what} avoids {mean:.1f} backordered units per run, distinguishable from zero"
    elif effect.significant:
        text = f"{what} adds {-mean:.1f} backordered units per run, distinguishable from zero"
    else:
        text = f"{what} changes backorders by {mean:.1f} units per run, not distinguishable from zero"
    if exposure:
        text += "; exposed together with its primary: " + "; ".join(exposure)
    return text


# --------------------------------------------------------------------------
# Arms and the evaluation


@dataclass(frozen=True)
class Arm:
    """One counterfactual run: a key naming it and the changed scenario it runs."""

    key: str
    scenario: Scenario


@dataclass
class Plan:
    """The arms of one evaluation, in the order they run.

    An arm with the same *signature* as the baseline or an earlier arm is
    not run again: its key becomes an alias. Alternate arms are signed by
    the set of lanes they switch off (the baseline switches off none), so
    with one alternate lane "without it" and "no alternate at all" are one
    run and "it alone" is the baseline; other arms are signed by their key.
    Signatures, not scenario equality, keep planning cheap on large networks.
    """

    baseline: Optional[Scenario] = None
    arms: list[Arm] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    _signed: dict = field(default_factory=lambda: {("off", frozenset()): "baseline"})

    def add(self, key: str, scenario: Scenario, signature=None) -> str:
        if key in self.aliases or key in self._signed.values():
            return key
        signature = ("key", key) if signature is None else signature
        same = self._signed.get(signature)
        if same is not None:
            self.aliases[key] = same
            return key
        self._signed[signature] = key
        self.arms.append(Arm(key, scenario))
        return key

    def alias(self, key: str, same: str) -> str:
        """Record that arm ``key`` is, replication by replication, the run ``same``."""
        self.aliases[key] = same
        return key


def stock_options(risk_map: Optional[RiskMap]) -> list[Exposure]:
    """The static map's suppliers whose TTS is below their TTR and whose gap extra stock closes, by id.

    None without a map.
    """
    if risk_map is None:
        return []
    return [s for s in risk_map.suppliers
            if s.extra_stock is not None and s.extra_stock.total
            and whole_units(dict(s.extra_stock.items))]


def suppliers_that_can_stop(scenario: Scenario) -> set[str]:
    """Suppliers that some replication of ``scenario`` may see down.

    Struck by an outage or a region disaster, or depending (tier by tier)
    on such a supplier. Delays, shortages and surges never stop a supplier.
    """
    network = scenario.network
    struck = set()
    for d in scenario.disruptions:
        if d.kind == "outage" and d.target.kind == "supplier":
            struck.add(d.target.id)
        elif d.kind == "disaster" and d.target.kind == "region":
            struck.update(s.id for s in network.suppliers if s.region == d.target.id)
    return {s.id for s in network.suppliers if supply_graph(network).upstream(s.id) & struck}


def never_activated(scenario: Scenario, item_id: str, stoppable: set[str]) -> bool:
    """Whether the alternates of ``item_id`` can never take over in ``scenario``.

    An alternate takes orders only while every primary of its item is down
    (docs/simulation.md, "Buying"); when one primary can never stop, the
    alternate never receives an order and removing it changes no
    replication. An item without primaries buys from its alternates
    directly: never pruned.
    """
    primaries = scenario.network.item(item_id).primaries
    return bool(primaries) and any(s.supplier not in stoppable for s in primaries)


def plan_arms(scenario: Scenario, mode: str, risk_map: Optional[RiskMap] = None) -> Plan:
    """Every arm an evaluation runs (alternates only when ``mode`` is ``auto``).

    The arms of an alternate that can never take over (:func:`never_activated`)
    are not run: without it the run is the baseline, alone it is ``none``.
    """
    plan = Plan(baseline=scenario)
    lanes = alternate_sources(scenario) if mode == "auto" else []
    stoppable = suppliers_that_can_stop(scenario)
    if lanes and all(never_activated(scenario, item_id, stoppable) for item_id, _ in lanes):
        plan.alias("none", "baseline")  # no alternate ever takes an order
    elif lanes:
        plan.add("none", switched_off(scenario, lanes), ("off", frozenset(lanes)))
    for lane in lanes:
        key = f"{lane[0]}@{lane[1]}"
        if never_activated(scenario, lane[0], stoppable):
            plan.alias(f"without:{key}", "baseline")
            plan.alias(f"alone:{key}", "none")
            continue
        plan.add(f"without:{key}", switched_off(scenario, [lane]), ("off", frozenset([lane])))
        others = [x for x in lanes if x != lane]
        plan.add(f"alone:{key}", switched_off(scenario, others), ("off", frozenset(others)))
    if scenario.candidates:
        registered = with_candidates_off(scenario, scenario.candidates)
        if registered == scenario:  # no new supplier, no candidate alternate lane
            plan.alias("registered", "baseline")
        else:
            plan.add("registered", registered)
        for candidate in scenario.candidates:
            plan.add(f"candidate:{candidate.id}",
                     with_candidate(scenario, candidate, scenario.candidates))
    for supplier in stock_options(risk_map):
        plan.add(f"stock:{supplier.id}",
                 with_extra_stock(scenario, whole_units(dict(supplier.extra_stock.items))))
    for what_if in scenario.what_if:
        plan.add(f"what_if:{what_if.id}", with_what_if(scenario, what_if))
    return plan


def run_arms(baseline: RunSummary, plan: Plan, *, workers: Optional[int] = None, executor=None,
             progress: Optional[ProgressCallback] = None,
             simulator: Optional[Callable] = None) -> dict[str, Samples]:
    """Run every arm with the baseline's seed, replications and alternates mode.

    ``progress(done, total)`` counts replications over all arms.
    """
    results: dict[str, Samples] = {}
    n = baseline.replications
    total = n * len(plan.arms)
    for k, arm in enumerate(plan.arms):
        def step(done: int, _total: int, k: int = k) -> None:
            if progress is not None:
                progress(k * n + done, total)

        summary = run_scenario(arm.scenario, replications=n, seed=baseline.seed, workers=workers,
                               executor=executor, progress=step, alternates=baseline.alternates,
                               series=False, simulator=simulator)
        results[arm.key] = summary.samples
    return results


def resolve_aliases(runs: dict[str, Samples], aliases: dict[str, str]) -> None:
    """Give every aliased arm the samples of the run it stands for (following chains)."""
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
        The arms to run, from :func:`plan_arms` (so a caller can count them
        before the main run); planned here when not given.
    workers, executor, progress, simulator
        As for :func:`riskmap.run.montecarlo.run_scenario`; ``progress`` counts
        the replications of all arms together.

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
    runs["baseline"] = baseline.samples
    resolve_aliases(runs, plan.aliases)
    return OptionTables(
        alternates=tuple(rank(alternate_rows(scenario, runs))),
        all_alternates=(paired_effect(runs["baseline"], runs["none"]) if "none" in runs
                        else None),
        candidates=tuple(rank(candidate_rows(scenario, runs))),
        stock=tuple(rank(stock_rows(scenario, risk_map, runs))),
        what_ifs=tuple(rank(what_if_rows(scenario, runs))),
        arms=len(plan.arms))


def _fed(network: Network, items) -> tuple[str, ...]:
    """Products fed by any of ``items``, sorted."""
    graph = supply_graph(network)
    return tuple(sorted({p for item_id in items for p in graph.products_fed(item_id)}))


def alternate_rows(scenario: Scenario, runs: dict[str, Samples]) -> list[AlternateRow]:
    """One row per alternate lane that was run."""
    network = scenario.network
    rows = []
    for item_id, supplier_id in alternate_sources(scenario):
        key = f"{item_id}@{supplier_id}"
        if f"without:{key}" not in runs:
            continue
        fed = _fed(network, [item_id])
        effect = paired_effect(runs["baseline"], runs[f"without:{key}"], fed)
        exposure = shared_exposure(scenario, item_id, supplier_id)
        rows.append(AlternateRow(
            supplier=supplier_id, part=item_id, region=network.supplier(supplier_id).region,
            products=fed,
            primaries=tuple(sorted(s.supplier for s in network.item(item_id).primaries)),
            shared_exposure=tuple(exposure),
            alone=paired_effect(runs[f"alone:{key}"], runs["none"], fed),
            why=explain(effect, exposure, f"alternate {supplier_id!r} for {item_id!r}"),
            effect=effect))
    return rows


def candidate_rows(scenario: Scenario, runs: dict[str, Samples]) -> list[CandidateRow]:
    """One row per candidate supplier."""
    rows = []
    for candidate in scenario.candidates:
        extended = with_candidate(scenario, candidate)
        parts = tuple(sorted(item_id for item_id, _ in candidate.sources))
        fed = _fed(scenario.network, parts)
        effect = paired_effect(runs[f"candidate:{candidate.id}"], runs["registered"], fed)
        exposure = sorted({reason for item_id, source in candidate.sources if source.alternate
                           for reason in shared_exposure(extended, item_id, candidate.id)})
        rows.append(CandidateRow(
            supplier=candidate.id, parts=parts, region=candidate.supplier.region, products=fed,
            shared_exposure=tuple(exposure),
            why=explain(effect, exposure, f"candidate {candidate.id!r}"), effect=effect))
    return rows


def stock_rows(scenario: Scenario, risk_map: Optional[RiskMap],
               runs: dict[str, Samples]) -> list[StockRow]:
    """One row per supplier whose TTS is below its TTR: the static map's extra stock, simulated."""
    rows = []
    for supplier in stock_options(risk_map):
        units = whole_units(dict(supplier.extra_stock.items))
        fed = _fed(scenario.network, units)
        effect = paired_effect(runs[f"stock:{supplier.id}"], runs["baseline"], fed)
        held = sum(units.values())
        rows.append(StockRow(
            supplier=supplier.id, products=fed,
            tts=supplier.tts, ttr=supplier.ttr, extra_stock_total=supplier.extra_stock.total,
            items=tuple(units.items()),
            why=explain(effect, (), f"holding {held} more units against {supplier.id!r}"),
            effect=effect))
    return rows


def what_if_rows(scenario: Scenario, runs: dict[str, Samples]) -> list[WhatIfRow]:
    """One row per ``what_if:`` variation."""
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
        effect = paired_effect(runs[f"what_if:{what_if.id}"], runs["baseline"], fed)
        rows.append(WhatIfRow(
            id=what_if.id, target_kind=target.kind, target_id=target.id, stock=what_if.stock,
            capacity=what_if.capacity, policy=what_if.policy, products=fed,
            extra_units=extra_units(network, what_if),
            why=explain(effect, (), f"what-if {what_if.id!r}"), effect=effect))
    return rows


def extra_units(network: Network, what_if: WhatIf) -> Optional[int]:
    """Extra units held by a what-if: the rise of the policy target, else of the starting stock."""
    if what_if.target.kind == "supplier":
        return None
    item = network.item(what_if.target.id)
    if what_if.policy is not None and item.policy is not None:
        return what_if.policy.target - item.policy.target
    if what_if.stock is not None:
        return what_if.stock - item.stock
    return None
