"""The static risk map of a network: :func:`risk_map` and its :class:`RiskMap`.

It gathers the structural analysis (dependencies across tiers, single points
of failure, single-sourced parts, concentration) and, per supplier and per
region, the time to survive (TTS), time to recover (TTR), performance impact
(PI) and risk exposure index (REI) of Simchi-Levi, Schmidt, Wei et al.
(Interfaces 45(5):375-390, 2015), with the least extra stock that closes a
TTS < TTR gap. docs/risk-map.md states every convention.

>>> from riskmap.model import Network, Supplier, Item, Source, Demand, PART, PRODUCT
>>> net = Network("tiny", suppliers=(Supplier("s", "S", ttr=None),),
...               items=(Item("bike", PRODUCT, stock=10, demand=Demand(rate=1.0),
...                           sources=(Source("s", capacity=1.0),)),))
>>> rm = risk_map(net)
>>> rm.suppliers[0].tts
10.0
>>> rm.to_dict()["baseline_tts"] is None
True
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Optional

from riskmap.analysis.snapshot import Snapshot
from riskmap.analysis.structure import (
    Concentration,
    Structure,
    item_concentration,
    product_concentration,
    single_sourced,
)
from riskmap.analysis.survival import TOL, Evaluator, Outage
from riskmap.graph import supply_graph
from riskmap.model import Network

FORMAT = 1


@dataclass(frozen=True)
class ExtraStock:
    """Least extra stock meeting all demand for the TTR: whole units per item (LP optimum rounded up)."""

    total: int
    items: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict:
        return {"total": self.total, "items": dict(self.items)}

    @classmethod
    def from_dict(cls, data: dict) -> "ExtraStock":
        items = data.get("items") or {}
        return cls(int(data.get("total") or 0), tuple(sorted((str(k), int(v)) for k, v in items.items())))


@dataclass(frozen=True)
class Exposure:
    """TTS, TTR, PI and REI of one supplier or one region (``kind``), as reported.

    ``tts`` ``None`` means unbounded (demand met for ever); ``ttr``, ``pi`` and
    ``rei`` are ``None`` when no time to recover is known. The figures are
    rounded to :data:`JSON_DIGITS` significant digits (what the solvers agree
    on); ``tts_minus_ttr`` and ``at_risk`` are computed once, before rounding,
    by :func:`exposure` (the one definition of both).
    """

    id: str
    tts: Optional[float]
    ttr: Optional[float]
    pi: Optional[float]
    rei: Optional[float]
    tts_minus_ttr: Optional[float]
    at_risk: bool
    extra_stock: Optional[ExtraStock]
    products: tuple[str, ...]
    single_point_of_failure_for: tuple[str, ...]
    region: Optional[str] = None
    suppliers: tuple[str, ...] = ()
    kind: str = "supplier"

    @property
    def tts_unbounded(self) -> bool:
        return self.tts is None

    def to_dict(self) -> dict:
        out = {
            "tts": self.tts,
            "tts_unbounded": self.tts_unbounded,
            "ttr": self.ttr,
            "pi": self.pi,
            "rei": self.rei,
            "tts_minus_ttr": self.tts_minus_ttr,
            "at_risk": self.at_risk,
            "extra_stock": self.extra_stock.to_dict() if self.extra_stock else None,
            "products": list(self.products),
            "single_point_of_failure_for": list(self.single_point_of_failure_for),
        }
        if self.kind == "region":
            out["suppliers"] = list(self.suppliers)
        else:
            out["region"] = self.region
        return out

    @classmethod
    def from_dict(cls, id: str, data: dict, kind: str = "supplier") -> "Exposure":
        """The exposure of a report (:meth:`to_dict`)."""
        extra = data.get("extra_stock")
        return cls(
            id=id, tts=data.get("tts"), ttr=data.get("ttr"), pi=data.get("pi"),
            rei=data.get("rei"), tts_minus_ttr=data.get("tts_minus_ttr"),
            at_risk=bool(data.get("at_risk")),
            extra_stock=ExtraStock.from_dict(extra) if isinstance(extra, dict) else None,
            products=tuple(data.get("products") or ()),
            single_point_of_failure_for=tuple(data.get("single_point_of_failure_for") or ()),
            region=data.get("region"), suppliers=tuple(data.get("suppliers") or ()), kind=kind)


def exposure(id: str, tts: Optional[float], ttr: Optional[float], pi: Optional[float],
             rei: Optional[float], **rest) -> Exposure:
    """An :class:`Exposure` from the full-precision figures of the programs.

    ``tts_minus_ttr`` is ``tts - ttr`` (``None`` when either is unknown or TTS
    is unbounded); ``at_risk`` is ``tts < ttr`` beyond the solvers' relative
    tolerance :data:`~riskmap.analysis.survival.TOL`. Both are computed here,
    before the figures are rounded, and nowhere else.
    """
    gap = None if tts is None or ttr is None else tts - ttr
    at_risk = ttr is not None and tts is not None and tts < ttr * (1 - TOL)
    return Exposure(id=id, tts=_num(tts), ttr=_num(ttr), pi=_num(pi), rei=_num(rei),
                    tts_minus_ttr=_num(gap), at_risk=at_risk, **rest)


@dataclass(frozen=True)
class ProductRisk:
    """What one product depends on and where it is fragile."""

    id: str
    suppliers: tuple[str, ...]
    regions: tuple[str, ...]
    spof_suppliers: tuple[str, ...]
    spof_regions: tuple[str, ...]
    concentration: Optional[Concentration]
    sourceable: bool

    def to_dict(self) -> dict:
        return {
            "suppliers": list(self.suppliers),
            "regions": list(self.regions),
            "single_points_of_failure": {"suppliers": list(self.spof_suppliers),
                                         "regions": list(self.spof_regions)},
            "concentration": self.concentration.to_dict() if self.concentration else None,
            "sourceable": self.sourceable,
        }


@dataclass(frozen=True)
class PartRisk:
    """Sourcing of one item: sources, single-sourcing and concentration."""

    id: str
    kind: str
    primaries: int
    alternates: int
    made: bool
    single_sourced: bool
    concentration: Optional[Concentration]

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "primary_sources": self.primaries,
            "alternate_sources": self.alternates,
            "made": self.made,
            "single_sourced": self.single_sourced,
            "concentration": self.concentration.to_dict() if self.concentration else None,
        }


@dataclass(frozen=True)
class RiskMap:
    """The static risk map of a network (see :func:`risk_map`).

    Tuples are sorted by id. ``pi_unit`` is ``"margin"`` (money) when every
    product with demand has a margin, else ``"units"``.
    """

    network: str
    time_unit: str
    pi_unit: str
    baseline_tts: Optional[float]
    suppliers: tuple[Exposure, ...]
    regions: tuple[Exposure, ...]
    products: tuple[ProductRisk, ...]
    parts: tuple[PartRisk, ...]
    solver: str
    lp_rows: int
    lp_columns: int
    lp_nonzeros: int
    lp_solves: int
    seconds: float

    @property
    def single_sourced_parts(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parts if p.single_sourced)

    def supplier(self, id: str) -> Exposure:
        return next(s for s in self.suppliers if s.id == id)

    def region(self, id: str) -> Exposure:
        return next(r for r in self.regions if r.id == id)

    def product(self, id: str) -> ProductRisk:
        return next(p for p in self.products if p.id == id)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data: no infinities (``null``), keys meant to be sorted on output."""
        return {
            "format": FORMAT,
            "network": self.network,
            "time_unit": self.time_unit,
            "pi_unit": self.pi_unit,
            "baseline_tts": self.baseline_tts,
            "suppliers": {s.id: s.to_dict() for s in self.suppliers},
            "regions": {r.id: r.to_dict() for r in self.regions},
            "products": {p.id: p.to_dict() for p in self.products},
            "parts": {p.id: p.to_dict() for p in self.parts},
            "single_sourced_parts": list(self.single_sourced_parts),
            "lp": {"solver": self.solver, "rows": self.lp_rows, "columns": self.lp_columns,
                   "nonzeros": self.lp_nonzeros, "solves": self.lp_solves},
        }


#: Significant digits kept of a linear program's figures in JSON. Solvers (HiGHS through
#: highspy or through SciPy) agree to about 1e-9 relative, not to the last bit; rounding
#: makes reports byte-identical whichever solver ran.
JSON_DIGITS = 10


def _num(value: Optional[float]) -> Optional[float]:
    """A figure for JSON: None for unbounded, else rounded to :data:`JSON_DIGITS` digits."""
    if value is None or not math.isfinite(value):
        return None
    rounded = float(f"{float(value):.{JSON_DIGITS}g}")
    return 0.0 if rounded == 0 else rounded  # no -0.0


#: Programs up to this many columns are solved over the whole network by default.
EXACT_MAX_COLUMNS = 5000


def risk_map(network: Network, solver: str = "auto", exact: Optional[bool] = None) -> RiskMap:
    """The static risk map of ``network``.

    Parameters
    ----------
    network : Network
        The supply network (a scenario's ``network``).
    solver : str
        ``"auto"`` (highspy when installed, else SciPy), ``"highspy"`` or ``"scipy"``.
    exact : bool or None
        True: solve every supplier's and region's programs over the whole
        network, warm-started from one program. False: over the outage's
        neighbourhood only, which is faster on large networks and can only
        shorten TTS and raise PI (see :class:`riskmap.analysis.survival.Evaluator`).
        None (the default): exact when the whole-network program has at most
        :data:`EXACT_MAX_COLUMNS` columns, as every hand-written network does.

    Returns
    -------
    RiskMap
        Per supplier and region TTS, TTR, PI, REI and extra stock; per product
        its suppliers across tiers, single points of failure and concentration;
        per part its sourcing.
    """
    started = time.perf_counter()
    structure = Structure(network)
    snapshot = Snapshot(network)
    if exact is None:
        exact = snapshot.matrix.shape[1] <= EXACT_MAX_COLUMNS
    evaluator = Evaluator(snapshot, structure, solver, exact=exact)
    depends = structure.suppliers_of_products()
    spof_s, spof_r = _single_points_of_failure(network, structure)
    supplier_rows = _supplier_exposures(network, evaluator, depends, spof_s)
    region_rows = _region_exposures(network, evaluator, depends, spof_r)
    parts, per_item = _parts(network)
    products = _products(network, structure, depends, spof_s, spof_r, per_item)
    rows, cols = snapshot.matrix.shape
    baseline = evaluator.time_to_survive(Outage(()))
    return RiskMap(
        network=network.name,
        time_unit=network.time_unit,
        pi_unit=snapshot.pi_unit,
        baseline_tts=_num(baseline),
        suppliers=supplier_rows,
        regions=region_rows,
        products=products,
        parts=parts,
        solver=evaluator.solver,
        lp_rows=rows,
        lp_columns=cols,
        lp_nonzeros=int(snapshot.matrix.nnz),
        lp_solves=evaluator.solves,
        seconds=time.perf_counter() - started,
    )


def _single_points_of_failure(network: Network, structure: Structure):
    """Per supplier and per region, the products its loss leaves unsourceable."""
    products = {p.id for p in network.products}
    by_supplier = {}
    for supplier in structure.supplier_ids:
        lost = structure.lost_with([supplier])
        by_supplier[supplier] = tuple(sorted(products & structure.newly_unavailable(lost)))
    by_region = {}
    for region, members in _region_members(network).items():
        lost = structure.lost_with(members)
        by_region[region] = tuple(sorted(products & structure.newly_unavailable(lost)))
    return by_supplier, by_region


def _region_members(network: Network) -> dict[str, tuple[str, ...]]:
    members: dict[str, list[str]] = {r.id: [] for r in network.regions}
    for supplier in network.suppliers:
        if supplier.region is not None:
            members.setdefault(supplier.region, []).append(supplier.id)
    return {k: tuple(sorted(v)) for k, v in sorted(members.items())}


def _products_of(depends: dict[str, frozenset[str]], suppliers) -> tuple[str, ...]:
    wanted = set(suppliers)
    return tuple(p for p, found in sorted(depends.items()) if found & wanted)


def _supplier_exposures(network, evaluator, depends, spof) -> tuple[Exposure, ...]:
    rows = {}
    for supplier in _in_solving_order(network):
        ttr = float(supplier.ttr.mean) if supplier.ttr is not None else None
        tts = evaluator.time_to_survive(Outage.of({supplier.id: None}))
        pi = extra = None
        if ttr is not None:
            outage = Outage.of({supplier.id: ttr})
            pi = _performance_impact(evaluator, outage, ttr, tts)
            extra = _extra_stock(evaluator, outage, ttr, tts)
        rows[supplier.id] = dict(id=supplier.id, tts=tts, ttr=ttr, pi=pi, extra_stock=extra,
                                 products=_products_of(depends, [supplier.id]),
                                 single_point_of_failure_for=spof[supplier.id],
                                 region=supplier.region)
    return _with_rei([rows[sid] for sid in sorted(rows)])


def _in_solving_order(network: Network) -> list:
    """The suppliers in the order their programs are solved: neighbours in the network together.

    Each program is solved warm from the last one's basis, which serves best
    when the two outages strike nearby parts of the network: suppliers are
    taken by the first product their items feed, then by the bill-of-materials
    order of those items, then by id (a fixed order, so the figures do not
    depend on anything but the network).
    """
    graph = supply_graph(network)
    place = {item: k for k, item in enumerate(graph.items_in_bom_order)}
    first: dict[str, tuple] = {}
    for item in network.items:
        for source in item.sources:
            key = (tuple(graph.products_fed(item.id)[:1]), place[item.id])
            first[source.supplier] = min(first.get(source.supplier, key), key)
    return sorted(network.suppliers, key=lambda s: (first.get(s.id, ((), -1)), s.id))


def _performance_impact(evaluator: Evaluator, outage: Outage, ttr: float,
                        tts: Optional[float]) -> float:
    """PI of ``outage`` over its TTR; 0 without a program when demand survives the whole TTR.

    TTS is computed with the suppliers down for good: when it reaches the
    window, every demand of the window is met with them down throughout it,
    which is the PI program with nothing lost (its bounds are no tighter).
    """
    if tts is None or tts >= ttr:
        return 0.0
    return evaluator.performance_impact(outage, ttr)


def _region_exposures(network, evaluator, depends, spof) -> tuple[Exposure, ...]:
    rows = []
    for region, members in _region_members(network).items():
        ttrs = {s: float(network.supplier(s).ttr.mean) for s in members
                if network.supplier(s).ttr is not None}
        ttr = max(ttrs.values()) if ttrs else None
        tts = evaluator.time_to_survive(Outage.of({s: None for s in members}))
        pi = extra = None
        if ttr is not None:
            # Each supplier is down for its own TTR; one without TTR for the whole window.
            outage = Outage.of({s: ttrs.get(s, ttr) for s in members})
            pi = _performance_impact(evaluator, outage, ttr, tts)
            extra = _extra_stock(evaluator, outage, ttr, tts)
        rows.append(dict(id=region, tts=tts, ttr=ttr, pi=pi, extra_stock=extra,
                         products=_products_of(depends, members),
                         single_point_of_failure_for=spof[region], suppliers=members,
                         kind="region"))
    return _with_rei(rows)


def _extra_stock(evaluator: Evaluator, outage: Outage, ttr: float,
                 tts: Optional[float]) -> Optional[ExtraStock]:
    if tts is None or tts >= ttr * (1 - TOL):
        return None
    extra = evaluator.extra_stock(outage, ttr)
    # Stock comes in whole units: round each item up (after forgiving solver noise).
    units = {item: int(math.ceil(v - TOL * max(1.0, v))) for item, v in sorted(extra.items())}
    units = {k: v for k, v in units.items() if v > 0}
    return ExtraStock(sum(units.values()), tuple(units.items()))


def _with_rei(rows: list[dict]) -> tuple[Exposure, ...]:
    """REI = PI / the largest PI among the rows (0 when that is 0; ``None`` without PI)."""
    known = [r["pi"] for r in rows if r["pi"] is not None]
    top = max(known, default=0.0)
    out = []
    for r in rows:
        rei = None if r["pi"] is None else (r["pi"] / top if top > 0 else 0.0)
        out.append(exposure(rei=rei, **r))
    return tuple(out)


def _parts(network: Network):
    per_item = {}
    parts = []
    for item in sorted(network.items, key=lambda i: i.id):
        per_item[item.id] = item_concentration(network, item)
        if item.is_product:
            continue
        parts.append(PartRisk(
            id=item.id, kind=item.kind, primaries=len(item.primaries),
            alternates=len(item.alternates), made=item.is_made,
            single_sourced=single_sourced(item), concentration=per_item[item.id]))
    return tuple(parts), per_item


def _invert(hits: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """failure unit -> products  into  product -> failure units (sorted)."""
    out: dict[str, list[str]] = {}
    for unit, products in sorted(hits.items()):
        for product in products:
            out.setdefault(product, []).append(unit)
    return {k: tuple(v) for k, v in out.items()}


def _products(network, structure, depends, spof_s, spof_r, per_item) -> tuple[ProductRisk, ...]:
    by_supplier, by_region = _invert(spof_s), _invert(spof_r)
    out = []
    for product in sorted(network.products, key=lambda p: p.id):
        suppliers = tuple(sorted(depends[product.id]))
        regions = tuple(sorted({network.supplier(s).region for s in suppliers
                                if network.supplier(s).region is not None}))
        out.append(ProductRisk(
            id=product.id,
            suppliers=suppliers,
            regions=regions,
            spof_suppliers=by_supplier.get(product.id, ()),
            spof_regions=by_region.get(product.id, ()),
            concentration=product_concentration(network, product, per_item),
            sourceable=structure.baseline_available[product.id],
        ))
    return tuple(out)
