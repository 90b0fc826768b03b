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
* **score** = likelihood x impact: the expected PI of the supplier within the
  horizon, in the unit of PI.

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
class SupplierRisk:
    """One bubble of the matrix (see the module docstring).

    ``products`` are the products the supplier feeds with their mean simulated
    lost revenue (``None`` without a price), largest first; ``down_time`` the
    mean simulated time it was down; ``window`` the time the impact is taken
    over (the longest stop, or the TTR); ``pi`` the static map's PI over the
    TTR; ``None`` where a figure is unknown.
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

    @property
    def driver(self) -> Optional[Cause]:
        """The most likely cause (the first of :attr:`causes`)."""
        return self.causes[0] if self.causes else None

    def to_dict(self) -> dict:
        return {"likelihood": self.likelihood, "impact": self.impact, "score": self.score,
                "spend": self.spend, "causes": [c.to_dict() for c in self.causes],
                "lost_revenue": self.lost_revenue, "down_time": self.down_time,
                "window": self.window, "pi": self.pi,
                "products": [{"product": p, "lost_revenue": v} for p, v in self.products]}

    @classmethod
    def from_dict(cls, id: str, data: dict) -> "SupplierRisk":
        return cls(id=id, likelihood=float(data["likelihood"]), impact=data.get("impact"),
                   score=data.get("score"), spend=float(data.get("spend") or 0.0),
                   causes=tuple(Cause.from_dict(c) for c in data.get("causes") or ()),
                   lost_revenue=data.get("lost_revenue"), down_time=data.get("down_time"),
                   window=data.get("window"), pi=data.get("pi"),
                   products=tuple((str(p["product"]), p.get("lost_revenue"))
                                  for p in data.get("products") or ()))


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
class RiskMatrix:
    """The matrix of a run: per supplier, part and product (dicts sorted by id)."""

    impact_unit: str
    spend_unit: str
    horizon: float
    suppliers: dict[str, SupplierRisk]
    parts: dict[str, ItemRisk]
    products: dict[str, ItemRisk]

    def to_dict(self) -> dict:
        return {"impact_unit": self.impact_unit, "score_unit": self.impact_unit,
                "spend_unit": self.spend_unit, "horizon": self.horizon,
                "suppliers": {k: v.to_dict() for k, v in self.suppliers.items()},
                "parts": {k: v.to_dict() for k, v in self.parts.items()},
                "products": {k: v.to_dict() for k, v in self.products.items()}}

    @classmethod
    def from_dict(cls, data: Any) -> "RiskMatrix":
        return cls(str(data.get("impact_unit") or "units"), str(data.get("spend_unit") or "units"),
                   float(data.get("horizon") or 0.0),
                   {str(k): SupplierRisk.from_dict(str(k), v)
                    for k, v in (data.get("suppliers") or {}).items()},
                   {str(k): ItemRisk.from_dict(str(k), v)
                    for k, v in (data.get("parts") or {}).items()},
                   {str(k): ItemRisk.from_dict(str(k), v)
                    for k, v in (data.get("products") or {}).items()})


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
                suppliers: Optional[dict] = None) -> RiskMatrix:
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
    """
    network = scenario.network
    products = products or {}
    suppliers = suppliers or {}
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
            window=window, pi=None if exposure is None else exposure.pi)
    made = _roll_up(scenario, rows)
    impact_unit = static.pi_unit if static is not None else "units"
    return RiskMatrix(impact_unit, spend_unit, float(scenario.horizon), rows,
                      {k: v for k, v in made.items() if not network.item(k).is_product},
                      {k: v for k, v in made.items() if network.item(k).is_product})


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
