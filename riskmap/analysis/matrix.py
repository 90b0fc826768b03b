"""The supplier risk matrix: how likely each supplier is to stop, what it costs, and the score.

Per supplier:

* **likelihood**: the chance that the scenario stops the supplier within its
  horizon, from the scenario's outages and disasters that strike it, its
  region, or a supplier it depends on (``depends_on``, after its ``cover``, as
  :func:`riskmap.analysis.survival.stoppages` decides). Each disruption is one
  independent cause; causes combine as ``1 - prod(1 - p)``;
* **impact**: the performance impact (PI, the static map's program, in its
  ``pi_unit``: margin or units lost) of the worst disruption that stops it,
  with every supplier that disruption stops down together, or the map's PI
  over its TTR when nothing stops it; with the simulated lost revenue of the
  products it feeds beside it;
* **spend**: what is bought from it over the horizon (units, or money when
  every primary lane of the network has a ``unit_cost``);
* **simulated impact** (when the run simulated the supplier's stops, a
  ``spared:`` arm of :mod:`riskmap.options`): the paired difference of lost
  revenue, backordered units and lost margin between the scenario and the
  scenario in which the supplier never stops -- what its stops cost within
  the horizon, in expectation -- and, divided by the likelihood, the lost
  revenue when it stops (the money impact);
* **score** = likelihood x impact: when the run simulated stops that lose
  revenue, in money per horizon, the larger of likelihood x the money impact
  (the expected lost revenue its stops cause) and likelihood x PI when PI is
  margin (:func:`money_scores`; ``breakdown`` says which drives it); else
  the expected PI of the supplier within the horizon, in the unit of PI.

Parts and products roll the supplier scores up: an item's score is the
share-weighted sum of its primary sources' scores plus the scores of its
components. docs/reports.md, "Supplier risk matrix", gives the formulas.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Optional

from riskmap.analysis.risk_map import EXACT_MAX_COLUMNS, RiskMap, _num
from riskmap.analysis.snapshot import Snapshot
from riskmap.analysis.structure import Structure
from riskmap.analysis.survival import Evaluator, Outage, stoppages
from riskmap.dists import probability_below
from riskmap.graph import supply_graph
from riskmap.model import Disruption, Scenario, trigger_order
from riskmap.stats import Estimate

#: disruption kinds that stop a supplier (delays and shortages slow it down only).
STOPPING_KINDS = ("outage", "disaster")
#: decimals of the matrix's figures in report.json.
DIGITS = 6


@dataclass(frozen=True)
class Cause:
    """One disruption that can stop a supplier: directly (``via`` ``None``) or through a tier-2 link.

    ``via`` is the supplier it depends on whose stop reaches it; ``probability``
    the chance the disruption happens within the horizon; ``stop`` how long it
    stops the supplier (mean duration less the covers on the way, at most
    the horizon); ``impact`` the PI of the disruption (every supplier it stops
    down together, over its longest stop), once the matrix is computed.
    """

    disruption: str
    probability: float
    via: Optional[str] = None
    stop: Optional[float] = None
    impact: Optional[float] = None

    def to_dict(self) -> dict:
        return {"disruption": self.disruption, "probability": self.probability, "via": self.via,
                "stop": self.stop, "impact": self.impact}

    @classmethod
    def from_dict(cls, data: dict) -> "Cause":
        return cls(str(data["disruption"]), float(data["probability"]),
                   None if data.get("via") is None else str(data["via"]),
                   None if data.get("stop") is None else float(data["stop"]),
                   None if data.get("impact") is None else float(data["impact"]))


@dataclass(frozen=True)
class Simulated:
    """What a supplier's stops cost in the simulation, as paired estimates over the horizon.

    The scenario against the scenario in which the supplier never stops
    (same replication seeds): ``lost_revenue`` (``None`` without a price),
    ``backorder_units`` and ``lost_margin`` (``None`` without a margin),
    summed over the products, scenario minus spared, so positive is a loss
    its stops cause; ``products`` the lost revenue per priced product it
    feeds (and any other it changes), largest first; ``impact`` the lost revenue when it stops (``lost_revenue``
    over the likelihood).
    """

    lost_revenue: Optional[Estimate]
    backorder_units: Estimate
    lost_margin: Optional[Estimate] = None
    products: tuple[tuple[str, Estimate], ...] = ()
    impact: Optional[Estimate] = None

    def to_dict(self) -> dict:
        return {"lost_revenue": _estimate(self.lost_revenue), "impact": _estimate(self.impact),
                "backorder_units": _estimate(self.backorder_units),
                "lost_margin": _estimate(self.lost_margin),
                "products": [{"product": p, "lost_revenue": _estimate(e)}
                             for p, e in self.products]}

    @classmethod
    def from_dict(cls, data: dict) -> "Simulated":
        return cls(_read_estimate(data.get("lost_revenue"), "money"),
                   _read_estimate(data.get("backorder_units"), "units"),
                   _read_estimate(data.get("lost_margin"), "money"),
                   tuple((str(p["product"]), _read_estimate(p.get("lost_revenue"), "money"))
                         for p in data.get("products") or ()),
                   _read_estimate(data.get("impact"), "money"))


@dataclass(frozen=True)
class Breakdown:
    """The two parts of a money score (:func:`money_scores`) and the one that drives it.

    ``simulated`` the expected simulated lost revenue of its stops, ``pi``
    likelihood x PI when PI is money (else ``None``); ``drives`` is
    ``"simulated"`` or ``"pi"``, ``None`` for a score of 0.
    """

    simulated: Optional[float]
    pi: Optional[float]
    drives: Optional[str]

    def to_dict(self) -> dict:
        return {"simulated": self.simulated, "pi": self.pi, "drives": self.drives}

    @classmethod
    def from_dict(cls, data: dict) -> "Breakdown":
        return cls(data.get("simulated"), data.get("pi"),
                   None if data.get("drives") is None else str(data["drives"]))


def _estimate(estimate: Optional[Estimate]) -> Optional[dict]:
    """``{mean, ci95, n}`` of a paired estimate (no percentiles: they mean nothing here)."""
    if estimate is None:
        return None
    return {"mean": estimate.mean, "ci95": list(estimate.ci95), "n": estimate.n}


def _read_estimate(data: Optional[dict], unit: str) -> Optional[Estimate]:
    if data is None:
        return None
    low, high = data.get("ci95") or (None, None)
    return Estimate(data.get("mean"), (low, high), int(data.get("n") or 0), unit,
                    has_percentiles=False)


@dataclass(frozen=True)
class SupplierRisk:
    """One bubble of the matrix (see the module docstring).

    ``products`` are the products the supplier feeds with their mean simulated
    lost revenue (``None`` without a price), largest first; ``down_time`` the
    mean simulated time it was down; ``window`` the time the impact is taken
    over (the longest stop, or the TTR); ``pi`` the static map's PI over the
    TTR; ``None`` where a figure is unknown; ``simulated`` what its stops
    cost in the simulation (``None`` when they were not simulated);
    ``breakdown`` the parts of a money score (``None`` unless the scores are money).
    """

    id: str
    likelihood: float
    impact: Optional[float]
    score: Optional[float]
    spend: float
    causes: tuple[Cause, ...] = ()
    lost_revenue: Optional[float] = None
    products: tuple[tuple[str, Optional[float]], ...] = ()
    down_time: Optional[float] = None
    window: Optional[float] = None
    pi: Optional[float] = None
    simulated: Optional[Simulated] = None
    breakdown: Optional[Breakdown] = None

    @property
    def basis(self) -> str:
        """``simulated`` when the run simulated its stops with a lost revenue, else ``pi``."""
        return ("simulated" if self.simulated is not None
                and self.simulated.lost_revenue is not None else "pi")

    @property
    def driver(self) -> Optional[Cause]:
        """The most likely cause (the first of :attr:`causes`)."""
        return self.causes[0] if self.causes else None

    def to_dict(self) -> dict:
        return {"likelihood": self.likelihood, "impact": self.impact, "score": self.score,
                "spend": self.spend, "causes": [c.to_dict() for c in self.causes],
                "lost_revenue": self.lost_revenue, "down_time": self.down_time,
                "window": self.window, "pi": self.pi,
                "products": [{"product": p, "lost_revenue": v} for p, v in self.products],
                **({} if self.simulated is None else {"simulated": self.simulated.to_dict()}),
                **({} if self.breakdown is None else {"breakdown": self.breakdown.to_dict()})}

    @classmethod
    def from_dict(cls, id: str, data: dict) -> "SupplierRisk":
        simulated, breakdown = data.get("simulated"), data.get("breakdown")
        return cls(id=id, likelihood=float(data["likelihood"]), impact=data.get("impact"),
                   score=data.get("score"), spend=float(data.get("spend") or 0.0),
                   causes=tuple(Cause.from_dict(c) for c in data.get("causes") or ()),
                   lost_revenue=data.get("lost_revenue"), down_time=data.get("down_time"),
                   window=data.get("window"), pi=data.get("pi"),
                   products=tuple((str(p["product"]), p.get("lost_revenue"))
                                  for p in data.get("products") or ()),
                   simulated=None if simulated is None else Simulated.from_dict(simulated),
                   breakdown=None if breakdown is None else Breakdown.from_dict(breakdown))


@dataclass(frozen=True)
class ItemRisk:
    """A part's or product's score and the suppliers it comes from, largest contribution first."""

    id: str
    score: float
    suppliers: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict:
        return {"score": self.score,
                "suppliers": [{"supplier": s, "score": v} for s, v in self.suppliers]}

    @classmethod
    def from_dict(cls, id: str, data: dict) -> "ItemRisk":
        return cls(id, float(data["score"]),
                   tuple((str(s["supplier"]), float(s["score"]))
                         for s in data.get("suppliers") or ()))


@dataclass(frozen=True)
class Simulation:
    """Which suppliers' stops the run simulated: the cap on ``spared:`` arms and those beyond it."""

    cap: Optional[int]
    left_out: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"cap": self.cap, "left_out": list(self.left_out)}

    @classmethod
    def from_dict(cls, data: dict) -> "Simulation":
        return cls(data.get("cap"), tuple(str(s) for s in data.get("left_out") or ()))


@dataclass(frozen=True)
class RiskMatrix:
    """The matrix of a run: per supplier, part and product (dicts sorted by id).

    ``score_unit`` is ``money`` when the scores are simulated lost revenue,
    else the unit of PI; ``simulation`` says which stops were simulated
    (``None`` when none was).
    """

    impact_unit: str
    spend_unit: str
    horizon: float
    suppliers: dict[str, SupplierRisk]
    parts: dict[str, ItemRisk]
    products: dict[str, ItemRisk]
    score_unit: Optional[str] = None
    simulation: Optional[Simulation] = None

    @property
    def simulated(self) -> bool:
        """Whether the scores are simulated lost revenue (money per horizon)."""
        return self.simulation is not None and self.score_unit == "money"

    def to_dict(self) -> dict:
        out = {"impact_unit": self.impact_unit, "score_unit": self.score_unit or self.impact_unit,
               "spend_unit": self.spend_unit, "horizon": self.horizon,
               "suppliers": {k: v.to_dict() for k, v in self.suppliers.items()},
               "parts": {k: v.to_dict() for k, v in self.parts.items()},
               "products": {k: v.to_dict() for k, v in self.products.items()}}
        if self.simulation is not None:
            out["simulation"] = self.simulation.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Any) -> "RiskMatrix":
        impact_unit = str(data.get("impact_unit") or "units")
        simulation = data.get("simulation")
        return cls(impact_unit, str(data.get("spend_unit") or "units"),
                   float(data.get("horizon") or 0.0),
                   {str(k): SupplierRisk.from_dict(str(k), v)
                    for k, v in (data.get("suppliers") or {}).items()},
                   {str(k): ItemRisk.from_dict(str(k), v)
                    for k, v in (data.get("parts") or {}).items()},
                   {str(k): ItemRisk.from_dict(str(k), v)
                    for k, v in (data.get("products") or {}).items()},
                   str(data.get("score_unit") or impact_unit),
                   None if simulation is None else Simulation.from_dict(simulation))


def occurrence_probability(d: Disruption, horizon: float) -> float:
    """The chance that ``d`` happens at least once within ``[0, horizon)``.

    Once (no ``rate``): ``probability`` when its start (``at``, by its mean; a
    random start is within the horizon) is before the horizon, else 0.
    Recurring: the simulator thins a Poisson process of ``rate`` by
    ``probability`` from ``at`` (0 without it), so ``1 - exp(-rate x probability x
    (horizon - at))``. Alternating up and down (``every``): the chance of at
    least one down period, ``probability x P(every < horizon - at)`` (the first
    outage starts one up time after ``at``, 0 without it).

    >>> occurrence_probability(Disruption("d", "outage", None, rate=0.01), 100.0)
    0.6321205588285577
    """
    start = float(d.at.mean) if d.at is not None else 0.0
    if d.every is not None:
        return float(d.probability) * probability_below(d.every, horizon - start)
    if d.rate is not None:
        exposure = max(0.0, horizon - start)
        return 1.0 - math.exp(-max(0.0, d.rate) * d.probability * exposure)
    return float(d.probability) if start < horizon else 0.0


def occurrence_probabilities(scenario: Scenario) -> dict[str, float]:
    """:func:`occurrence_probability` of every disruption, those set off by others included.

    A disruption that others trigger happens only through them: with
    probability ``1 - prod(1 - p_by x trigger.probability)`` over its triggers,
    ``p_by`` the chance of the one that sets it off (a chain multiplies along
    it). The trigger's delay is taken to fall within the horizon.
    """
    out: dict[str, float] = {}
    set_off: dict[str, list[float]] = {t.id: [] for d in scenario.disruptions
                                       for t in d.triggers}
    for d in trigger_order(scenario.disruptions):
        if d.id in set_off:
            keep = 1.0
            for p in set_off[d.id]:
                keep *= 1.0 - p
            out[d.id] = 1.0 - keep
        else:
            out[d.id] = occurrence_probability(d, scenario.horizon)
        for t in d.triggers:
            set_off[t.id].append(out[d.id] * t.probability)
    return out


def _struck(d: Disruption, scenario: Scenario) -> dict[str, Optional[float]]:
    """The suppliers ``d`` stops directly and for how long (``None``: for good)."""
    network = scenario.network
    if d.kind not in STOPPING_KINDS:
        return {}
    if d.target.kind == "supplier":
        ids = [d.target.id]
    elif d.target.kind == "region":
        ids = sorted(s.id for s in network.suppliers if s.region == d.target.id)
    else:
        return {}
    out = {}
    for sid in ids:
        if d.duration is not None:
            out[sid] = float(d.duration.mean)
        else:
            ttr = network.supplier(sid).ttr
            out[sid] = None if ttr is None else float(ttr.mean)
    return out


def supplier_causes(scenario: Scenario) -> dict[str, tuple[Cause, ...]]:
    """Per supplier, the disruptions that stop it, most likely first (then by id)."""
    network = scenario.network
    structure = Structure(network)
    found: dict[str, list[Cause]] = {s.id: [] for s in network.suppliers}
    chances = occurrence_probabilities(scenario)
    for d in scenario.disruptions:
        struck = _struck(d, scenario)
        if not struck:
            continue
        p = _round(chances[d.id])
        if p <= 0.0:
            continue
        stopped = stoppages(structure, Outage.of(struck))
        for sid in sorted(stopped):
            via = None
            if sid not in struck:
                upstream = [u for u in network.supplier(sid).depends_on if u in stopped]
                via = sorted(upstream)[0] if upstream else None
            stop = stopped[sid]
            length = min(stop.end, scenario.horizon) - min(stop.start, scenario.horizon)
            found.setdefault(sid, []).append(Cause(d.id, p, via, _round(max(0.0, length))))
    return {sid: tuple(sorted(causes, key=lambda c: (-c.probability, c.disruption)))
            for sid, causes in sorted(found.items())}


def likelihood(causes: tuple[Cause, ...]) -> float:
    """``1 - prod(1 - p)`` over independent causes (each disruption counted once).

    >>> likelihood((Cause("a", 0.5), Cause("b", 0.5)))
    0.75
    """
    keep = 1.0
    for cause in causes:
        keep *= 1.0 - cause.probability
    return 1.0 - keep


def spend(scenario: Scenario) -> tuple[dict[str, float], str]:
    """What is bought from each supplier over the horizon, and its unit.

    Units: the item's demand rate (product demand exploded through the bills of
    materials) x the lane's share x the horizon, over its primary lanes. Money
    (those units x ``unit_cost``) when every primary lane has a ``unit_cost``.
    """
    network = scenario.network
    rates = supply_graph(network).demand_rates
    lanes = [(item, s) for item in network.items for s in item.primaries]
    money = bool(lanes) and all(s.unit_cost is not None for _, s in lanes)
    out = {s.id: 0.0 for s in network.suppliers}
    for item, source in lanes:
        units = rates.get(item.id, 0.0) * source.share * scenario.horizon
        out[source.supplier] = out.get(source.supplier, 0.0) + (
            units * source.unit_cost if money else units)
    return out, ("money" if money else "units")


def risk_matrix(scenario: Scenario, static: Optional[RiskMap],
                products: Optional[dict] = None,
                suppliers: Optional[dict] = None,
                simulated: Optional[dict[str, Simulated]] = None,
                simulation: Optional[Simulation] = None) -> RiskMatrix:
    """The risk matrix of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
    static : RiskMap or None
        The static risk map (PI per supplier); without it impacts and scores are ``None``.
    products, suppliers : dict, optional
        The run's estimates per product and per supplier
        (:attr:`riskmap.run.montecarlo.RunSummary.products`, ``.suppliers``):
        ``lost_revenue`` and ``down_time`` are read from them.
    simulated : dict, optional
        ``{supplier id: Simulated}`` of the suppliers whose stops the run
        simulated (its ``impact`` is filled in here); with a lost revenue for
        at least one of them the scores are simulated lost revenue
        (:func:`money_scores`).
    simulation : Simulation, optional
        The cap on those runs and the suppliers beyond it; the matrix says
        no more about simulation without it.
    """
    network = scenario.network
    products = products or {}
    suppliers = suppliers or {}
    simulated = simulated or {}
    exposures = {e.id: e for e in static.suppliers} if static is not None else {}
    causes = supplier_causes(scenario)
    spent, spend_unit = spend(scenario)
    if static is not None:
        causes = _with_impacts(scenario, causes)
    impacts = _impacts(exposures, causes) if static is not None else {}
    rows = {}
    for sid in sorted(s.id for s in network.suppliers):
        exposure = exposures.get(sid)
        chance = _round(likelihood(causes.get(sid, ())))
        window, impact = impacts.get(sid, (None, None))
        fed = []
        for pid in (exposure.products if exposure is not None else ()):
            estimate = products.get(pid, {}).get("lost_revenue")
            priced = network.has_item(pid) and network.item(pid).price is not None
            fed.append((pid, None if not priced or estimate is None or estimate.mean is None
                        else _round(estimate.mean)))
        fed.sort(key=lambda pv: (-(pv[1] or 0.0), pv[0]))
        known = [v for _, v in fed if v is not None]
        down = suppliers.get(sid, {}).get("down_time")
        rows[sid] = SupplierRisk(
            id=sid, likelihood=chance, impact=impact,
            score=None if impact is None else _round(chance * impact),
            spend=_round(spent.get(sid, 0.0)), causes=causes.get(sid, ()),
            lost_revenue=_round(sum(known)) if known else None, products=tuple(fed),
            down_time=None if down is None or down.mean is None else _round(down.mean),
            window=window, pi=None if exposure is None else exposure.pi,
            simulated=_conditional(simulated.get(sid), chance))
    impact_unit = static.pi_unit if static is not None else "units"
    score_unit = impact_unit
    if simulation is not None and any(r.basis == "simulated" for r in rows.values()):
        rows, score_unit = money_scores(rows, impact_unit == "margin"), "money"
    made = _roll_up(scenario, rows)
    return RiskMatrix(impact_unit, spend_unit, float(scenario.horizon), rows,
                      {k: v for k, v in made.items() if not network.item(k).is_product},
                      {k: v for k, v in made.items() if network.item(k).is_product}, score_unit,
                      simulation if simulation is not None and (simulated or simulation.left_out)
                      else None)


def _conditional(found: Optional[Simulated], chance: float) -> Optional[Simulated]:
    """``found`` with its ``impact``: the lost revenue over the likelihood (when it stops)."""
    if found is None or found.lost_revenue is None or chance <= 0:
        return found
    revenue = found.lost_revenue

    def given(value: Optional[float]) -> Optional[float]:
        return None if value is None else _round(value / chance)

    impact = Estimate(given(revenue.mean), (given(revenue.ci95[0]), given(revenue.ci95[1])),
                      revenue.n, revenue.unit, has_percentiles=False)
    return dataclasses.replace(found, impact=impact)


def money_scores(rows: dict[str, SupplierRisk], pi_in_money: bool) -> dict[str, SupplierRisk]:
    """The scores in money per horizon, and what drives each (``breakdown``).

    Two parts, both expected within the horizon: the **simulated** lost
    revenue the supplier's stops cause (likelihood x the money impact; a
    negative estimate, noise or a stop that happens to help, counts 0) and
    the **PI** part, likelihood x PI, counted only when PI is money (margin).
    The score is the larger: both estimate the loss of the same stops, one by
    simulating them, one by the static program, so adding them would count
    it twice. A supplier nothing stops scores 0; one that can stop but whose
    stops were not simulated (beyond the cap, or feeding no priced product)
    scores its PI part, ``None`` without one.
    """
    out = {}
    for sid, row in rows.items():
        simulated = (_round(max(0.0, row.simulated.lost_revenue.mean or 0.0))
                     if row.basis == "simulated" else None)
        static = (_round(row.likelihood * row.impact)
                  if pi_in_money and row.impact is not None else None)
        known = [v for v in (simulated, static) if v is not None]
        if row.likelihood <= 0.0:
            score = 0.0
        else:
            score = max(known) if known else None
        drives = None
        if score:  # the part that gives the score; the simulation on a tie
            drives = "simulated" if simulated is not None and simulated >= (static or 0.0) else "pi"
        out[sid] = dataclasses.replace(row, score=score,
                                       breakdown=Breakdown(simulated, static, drives))
    return out


def _with_impacts(scenario: Scenario, causes: dict[str, tuple[Cause, ...]]
                  ) -> dict[str, tuple[Cause, ...]]:
    """The causes with the PI of their disruption: what is lost while it lasts.

    A disruption's outage is every supplier it strikes, down together for its
    (mean) duration, for good when it has none and the supplier no TTR; the PI
    program (:meth:`riskmap.analysis.survival.Evaluator.performance_impact`,
    the static map's) stops their dependents after their cover itself. The
    window is the longest stop, within the horizon. One program per disruption.
    """
    by_id = {d.id: d for d in scenario.disruptions}
    needed = sorted({c.disruption for found in causes.values() for c in found})
    if not needed:
        return causes
    snapshot = Snapshot(scenario.network)
    evaluator = Evaluator(snapshot, Structure(scenario.network),
                          exact=snapshot.matrix.shape[1] <= EXACT_MAX_COLUMNS)
    pi = {}
    for did in needed:
        struck = _struck(by_id[did], scenario)
        window = min(scenario.horizon, max(scenario.horizon if v is None else v
                                           for v in struck.values()))
        outage = Outage.of({sid: (None if v is None else min(v, window))
                            for sid, v in struck.items()})
        pi[did] = _num(evaluator.performance_impact(outage, window)) if window > 0 else 0.0
    return {sid: tuple(dataclasses.replace(c, impact=pi[c.disruption]) for c in found)
            for sid, found in causes.items()}


def _impacts(exposures: dict, causes: dict[str, tuple[Cause, ...]]
             ) -> dict[str, tuple[Optional[float], Optional[float]]]:
    """Per supplier ``(window, impact)``: the worst of its causes (the longest stop on a tie),
    else the static map's PI over its TTR."""
    out: dict[str, tuple[Optional[float], Optional[float]]] = {}
    for sid in sorted(exposures):
        known = [c for c in causes.get(sid, ()) if c.impact is not None]
        if known:
            worst = max(known, key=lambda c: (c.impact, c.stop or 0.0))
            out[sid] = (worst.stop, worst.impact)
        else:
            out[sid] = (exposures[sid].ttr, exposures[sid].pi)
    return out


def _roll_up(scenario: Scenario, rows: dict[str, SupplierRisk]):
    """Item scores: share-weighted sum over primary sources, plus the components' scores."""
    network = scenario.network
    order = supply_graph(network).items_in_bom_order
    contributions: dict[str, dict[str, float]] = {}
    for item_id in order:  # components before the items made of them
        item = network.item(item_id)
        mine: dict[str, float] = {}
        for source in item.primaries:
            score = rows[source.supplier].score if source.supplier in rows else None
            if score is not None:
                mine[source.supplier] = mine.get(source.supplier, 0.0) + source.share * score
        for comp, _ in item.bom:
            for sid, value in contributions.get(comp, {}).items():
                mine[sid] = mine.get(sid, 0.0) + value
        contributions[item_id] = mine
    out = {}
    for item_id in sorted(contributions):
        mine = contributions[item_id]
        ranked = sorted(((s, _round(v)) for s, v in mine.items()), key=lambda sv: (-sv[1], sv[0]))
        out[item_id] = ItemRisk(item_id, _round(sum(mine.values())), tuple(ranked))
    return out


def _round(value: float) -> float:
    return round(float(value), DIGITS) + 0.0
