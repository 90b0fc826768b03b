"""The tables of counterfactual options, as typed records (docs/counterfactuals.md).

Each option a run evaluates is one row of one table: an alternate lane
(:class:`AlternateRow`), a candidate supplier (:class:`CandidateRow`), the
static map's extra stock against one supplier (:class:`StockRow`) or a
``what_if:`` variation (:class:`WhatIfRow`). Every row carries the paired
:class:`Effect` of its option, what it concerns, and one sentence saying why
its value is what it is. :class:`OptionTables` holds the four tables, each
ranked best first, and the effect of all alternates together.

Rows are what the options layer hands on: the report (:mod:`riskmap.report`)
writes them into report.json with :meth:`OptionTables.to_dict` and reads them
back with :meth:`OptionTables.from_dict`; the views read their fields, never
their dictionary form. Figures are kept as reported (rounded), so writing and
reading back changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

from riskmap.model import Policy
from riskmap.stats import Estimate, rounded

Bounds = tuple[Optional[float], Optional[float]]


@dataclass(frozen=True)
class Effect:
    """The paired effect of one option: the run with it against the run without it.

    Attributes
    ----------
    backorder_units_avoided : Estimate
        Backordered units of all products, without minus with (units).
    fill_rate_gain : Estimate
        Pooled fill rate of all products, with minus without (ratio).
    fill_rate_gain_by_product : dict
        ``{product id: Estimate}`` of the same for each product concerned.
    lost_revenue_avoided : Estimate or None
        Lost revenue of all products, without minus with (money); ``None``
        when no product has a price.
    unpaired_ci95 : tuple
        The interval ``backorder_units_avoided`` would have if the two runs
        had independent seeds (:func:`riskmap.options.effects.unpaired_interval`).
    changed_replications : int
        Replications in which the two runs differ at all.
    significant : bool
        Distinguishable from zero: the backorder or the fill-rate interval
        excludes 0 (decided on the unrounded intervals, when the effect is
        computed).
    """

    backorder_units_avoided: Estimate
    fill_rate_gain: Estimate
    fill_rate_gain_by_product: dict[str, Estimate]
    lost_revenue_avoided: Optional[Estimate]
    unpaired_ci95: Bounds
    changed_replications: int = 0
    significant: bool = False

    def to_dict(self) -> dict:
        return {
            "backorder_units_avoided": self.backorder_units_avoided.to_dict(),
            "fill_rate_gain": self.fill_rate_gain.to_dict(),
            "fill_rate_gain_by_product": {pid: est.to_dict() for pid, est
                                          in sorted(self.fill_rate_gain_by_product.items())},
            "lost_revenue_avoided": (None if self.lost_revenue_avoided is None
                                     else self.lost_revenue_avoided.to_dict()),
            "significant": self.significant,
            "unpaired_ci95": [rounded(self.unpaired_ci95[0]), rounded(self.unpaired_ci95[1])],
            "changed_replications": self.changed_replications,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Effect":
        revenue = data.get("lost_revenue_avoided")
        low, high = data.get("unpaired_ci95") or (None, None)
        return cls(
            backorder_units_avoided=Estimate.from_dict(data["backorder_units_avoided"]),
            fill_rate_gain=Estimate.from_dict(data["fill_rate_gain"]),
            fill_rate_gain_by_product={pid: Estimate.from_dict(est) for pid, est in
                                       sorted((data.get("fill_rate_gain_by_product") or {}).items())},
            lost_revenue_avoided=None if revenue is None else Estimate.from_dict(revenue),
            unpaired_ci95=(low, high),
            changed_replications=int(data.get("changed_replications") or 0),
            significant=bool(data.get("significant")))


@dataclass(frozen=True)
class AlternateRow:
    """An alternate lane: its value in the scenario as written, and alone."""

    supplier: str
    part: str
    region: Optional[str]
    products: tuple[str, ...]
    primaries: tuple[str, ...]
    shared_exposure: tuple[str, ...]
    alone: Effect
    why: str
    effect: Effect

    def to_dict(self) -> dict:
        return {"supplier": self.supplier, "part": self.part, "region": self.region,
                "products": list(self.products), "primaries": list(self.primaries),
                "shared_exposure": list(self.shared_exposure), "alone": self.alone.to_dict(),
                "why": self.why, **self.effect.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> "AlternateRow":
        return cls(str(data["supplier"]), str(data["part"]), data.get("region"),
                   _ids(data, "products"), _ids(data, "primaries"),
                   tuple(str(r) for r in data.get("shared_exposure") or ()),
                   Effect.from_dict(data["alone"]), str(data.get("why") or ""),
                   Effect.from_dict(data))


@dataclass(frozen=True)
class CandidateRow:
    """A candidate supplier with the lanes it would add."""

    supplier: str
    parts: tuple[str, ...]
    region: Optional[str]
    products: tuple[str, ...]
    shared_exposure: tuple[str, ...]
    why: str
    effect: Effect

    @property
    def part(self) -> Optional[str]:
        """The part, when the candidate would supply one only."""
        return self.parts[0] if len(self.parts) == 1 else None

    def to_dict(self) -> dict:
        return {"supplier": self.supplier, "part": self.part, "parts": list(self.parts),
                "region": self.region, "products": list(self.products),
                "shared_exposure": list(self.shared_exposure), "why": self.why,
                **self.effect.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> "CandidateRow":
        return cls(str(data["supplier"]), _ids(data, "parts"), data.get("region"),
                   _ids(data, "products"), tuple(str(r) for r in data.get("shared_exposure") or ()),
                   str(data.get("why") or ""), Effect.from_dict(data))


@dataclass(frozen=True)
class StockRow:
    """The static map's least extra stock against one supplier whose TTS is below its TTR."""

    supplier: str
    products: tuple[str, ...]
    tts: Optional[float]
    ttr: Optional[float]
    extra_stock_total: Optional[int]
    items: tuple[tuple[str, int], ...]
    why: str
    effect: Effect

    @property
    def id(self) -> str:
        return f"stock-for-{self.supplier}"

    @property
    def extra_units(self) -> int:
        """Units held beyond the scenario's stock (whole units per item)."""
        return sum(units for _, units in self.items)

    @property
    def per_extra_unit(self) -> Optional[float]:
        """Backordered units avoided per extra unit held."""
        return per_extra_unit(self.effect, self.extra_units)

    def to_dict(self) -> dict:
        return {"id": self.id, "supplier": self.supplier, "products": list(self.products),
                "tts": self.tts, "ttr": self.ttr,
                "extra_stock": {"total": self.extra_stock_total, "items": dict(self.items)},
                "extra_units": self.extra_units,
                "backorder_units_avoided_per_extra_unit": self.per_extra_unit,
                "why": self.why, **self.effect.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> "StockRow":
        extra = data.get("extra_stock") or {}
        items = tuple(sorted((str(k), int(v)) for k, v in (extra.get("items") or {}).items()))
        return cls(str(data["supplier"]), _ids(data, "products"), data.get("tts"),
                   data.get("ttr"), extra.get("total"), items, str(data.get("why") or ""),
                   Effect.from_dict(data))


@dataclass(frozen=True)
class WhatIfRow:
    """One ``what_if:`` variation of the scenario: a part, product or supplier changed."""

    id: str
    target_kind: str
    target_id: str
    stock: Optional[int]
    capacity: Optional[float]
    policy: Optional[Policy]
    products: tuple[str, ...]
    extra_units: Optional[int]
    why: str
    effect: Effect

    @property
    def supplier(self) -> Optional[str]:
        return self.target_id if self.target_kind == "supplier" else None

    @property
    def part(self) -> Optional[str]:
        return self.target_id if self.target_kind != "supplier" else None

    @property
    def per_extra_unit(self) -> Optional[float]:
        if not self.extra_units or self.extra_units <= 0:
            return None
        return per_extra_unit(self.effect, self.extra_units)

    def change(self) -> dict:
        """What the variation sets, in the file's words (``stock``, ``capacity``, ``policy``)."""
        from riskmap.load.dump import policy_record

        out = {"stock": self.stock, "capacity": self.capacity,
               "policy": None if self.policy is None else policy_record(self.policy)}
        return {key: value for key, value in out.items() if value is not None}

    def to_dict(self) -> dict:
        return {"id": self.id, "target": {self.target_kind: self.target_id},
                "change": self.change(), "supplier": self.supplier, "part": self.part,
                "products": list(self.products), "extra_units": self.extra_units,
                "backorder_units_avoided_per_extra_unit": self.per_extra_unit,
                "why": self.why, **self.effect.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> "WhatIfRow":
        from riskmap.load.dump import policy_from_record

        (kind, target), = (data.get("target") or {"part": data.get("part")}).items()
        change = data.get("change") or {}
        return cls(str(data["id"]), str(kind), str(target), change.get("stock"),
                   change.get("capacity"), policy_from_record(change.get("policy")),
                   _ids(data, "products"), data.get("extra_units"),
                   str(data.get("why") or ""), Effect.from_dict(data))


@dataclass(frozen=True)
class StopRow:
    """What one supplier's stops cost: the scenario as written against it never stopping.

    ``effect`` is the paired effect of sparing the supplier (the ``spared:``
    arm against the scenario), so ``lost_revenue_avoided`` and
    ``backorder_units_avoided`` are the loss its stops cause within the
    horizon, in expectation over the scenario's disruptions;
    ``lost_revenue`` and ``lost_margin`` the same over the products with a
    price, with a margin (``None`` when there is none);
    ``lost_revenue_by_product`` per priced product it feeds, and any other
    its stops change. Not written to report.json as a table: the supplier
    risk matrix carries these figures (:mod:`riskmap.analysis.matrix`).
    """

    supplier: str
    products: tuple[str, ...]
    effect: Effect
    lost_revenue: Optional[Estimate] = None
    lost_margin: Optional[Estimate] = None
    lost_revenue_by_product: tuple[tuple[str, Estimate], ...] = ()



@dataclass(frozen=True)
class CompensationRow:
    """One compensation rule of a product: the scenario as written against it without the rule.

    ``effect`` is the usual paired effect (with the rule minus without it);
    the rule's own figures, paired per replication, are estimates: orders
    compensated and what they cost (with the rule), the cancellations it
    avoided (units lost without it minus with it), the margin those units
    keep (times the product's margin) and the ``net`` (margin kept minus
    compensation paid; the rule pays when it is above 0).
    """

    product: str
    id: str
    when: str
    offer: str
    compensated_orders: Estimate
    compensation_cost: Estimate
    cancellations_avoided: Estimate
    margin_kept: Estimate
    net: Estimate
    why: str
    effect: Effect

    supplier = None
    per_extra_unit = None

    @property
    def part(self) -> str:
        return self.product

    def to_dict(self) -> dict:
        return {"product": self.product, "id": self.id, "when": self.when, "offer": self.offer,
                "compensated_orders": self.compensated_orders.to_dict(),
                "compensation_cost": self.compensation_cost.to_dict(),
                "cancellations_avoided": self.cancellations_avoided.to_dict(),
                "margin_kept": self.margin_kept.to_dict(), "net": self.net.to_dict(),
                "why": self.why, **self.effect.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> "CompensationRow":
        return cls(str(data["product"]), str(data["id"]), str(data.get("when") or ""),
                   str(data.get("offer") or ""),
                   *(Estimate.from_dict(data[key]) for key in (
                       "compensated_orders", "compensation_cost", "cancellations_avoided",
                       "margin_kept", "net")),
                   str(data.get("why") or ""), Effect.from_dict(data))


Row = Union[AlternateRow, CandidateRow, StockRow, WhatIfRow, CompensationRow]


def per_extra_unit(effect: Effect, units: int) -> Optional[float]:
    """Backordered units avoided per extra unit held (``None`` without extra units), rounded as reported."""
    mean = effect.backorder_units_avoided.mean
    if not units or mean is None:
        return None
    return rounded(mean / units)


def rank(rows: Sequence[Row]) -> list[Row]:
    """Best first: most backordered units avoided, then largest fill-rate gain, then the row's ids."""
    def key(row: Row):
        e = row.effect
        ids = tuple(str(getattr(row, k, None) or "") for k in ("supplier", "part", "id"))
        return (-(e.backorder_units_avoided.mean or 0.0), -(e.fill_rate_gain.mean or 0.0), ids)

    return sorted(rows, key=key)


@dataclass(frozen=True)
class OptionTables:
    """Every table of an evaluation, each ranked best first (docs/counterfactuals.md).

    Attributes
    ----------
    alternates : tuple of AlternateRow
        Per alternate lane: its marginal value (the scenario as written
        against the scenario without it), with ``alone`` (its value when it
        is the only alternate, against no alternate at all) and the shared
        exposure that explains a low value.
    all_alternates : Effect or None
        The scenario as written against no alternate at all.
    candidates, stock, what_ifs : tuple of rows
        Candidate suppliers, extra stock of the static map, ``what_if:``
        variations, each against the scenario as written.
    arms : int
        Counterfactual runs made (not written to report.json).
    stock_cap : int or None
        The most extra-stock arms the run allowed (``None`` when none was asked for).
    stock_left_out : tuple of str
        Suppliers that qualified for an extra-stock arm beyond the cap, riskiest first.
    stops : tuple of StopRow
        Per supplier of the ``spared:`` arms, what its stops cost, most likely
        to stop first (not written to report.json: the risk matrix holds it).
    spared_cap : int or None, spared_left_out : tuple of str
        The most ``spared:`` arms the run allowed and the suppliers beyond it
        (written with the risk matrix).
    """

    alternates: tuple[AlternateRow, ...] = ()
    all_alternates: Optional[Effect] = None
    candidates: tuple[CandidateRow, ...] = ()
    stock: tuple[StockRow, ...] = ()
    what_ifs: tuple[WhatIfRow, ...] = ()
    arms: int = 0
    stock_cap: Optional[int] = None
    stock_left_out: tuple[str, ...] = ()
    stops: tuple[StopRow, ...] = field(default=(), compare=False)
    spared_cap: Optional[int] = field(default=None, compare=False)
    spared_left_out: tuple[str, ...] = field(default=(), compare=False)
    #: per compensation rule, the scenario against it without the rule, best net first
    compensation: tuple[CompensationRow, ...] = ()

    def to_dict(self) -> dict:
        """The report.json sections: ``alternates``, ``all_alternates``, ``candidates``, ..."""
        out = {
            "alternates": [row.to_dict() for row in self.alternates],
            "all_alternates": None if self.all_alternates is None else self.all_alternates.to_dict(),
            "candidates": [row.to_dict() for row in self.candidates],
            "stock_what_ifs": [row.to_dict() for row in self.stock],
            "what_ifs": [row.to_dict() for row in self.what_ifs],
        }
        if self.stock_cap is not None:
            out["stock_arms"] = {"cap": self.stock_cap, "left_out": list(self.stock_left_out)}
        if self.compensation:  # only for a scenario with compensation rules
            out["compensation"] = [row.to_dict() for row in self.compensation]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "OptionTables":
        """The tables of a report (sections missing from it are empty)."""
        every = data.get("all_alternates")
        return cls(
            alternates=tuple(AlternateRow.from_dict(r) for r in data.get("alternates") or ()),
            all_alternates=None if every is None else Effect.from_dict(every),
            candidates=tuple(CandidateRow.from_dict(r) for r in data.get("candidates") or ()),
            stock=tuple(StockRow.from_dict(r) for r in data.get("stock_what_ifs") or ()),
            what_ifs=tuple(WhatIfRow.from_dict(r) for r in data.get("what_ifs") or ()),
            stock_cap=(data.get("stock_arms") or {}).get("cap"),
            stock_left_out=tuple(str(s) for s in (data.get("stock_arms") or {}).get("left_out")
                                 or ()),
            compensation=tuple(CompensationRow.from_dict(r)
                               for r in data.get("compensation") or ()))


def _ids(data: dict, key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in data.get(key) or ())
