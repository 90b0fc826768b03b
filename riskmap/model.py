"""Immutable model objects: what the loader builds and everything else reads.

Raw YAML never leaves the loader; the simulator, the analysis and the reports
see only these frozen dataclasses. Ids are strings; collections are tuples in
file order; lookups by id go through :class:`Network` and :class:`Scenario`.

Conventions
-----------
* Quantities of units (stock, policy levels, BOM quantities) are ``int``.
* Rates and capacities are units per ``time_unit`` (``float``); ``None`` means
  unbounded.
* Times (lead times, durations, ``ttr``, ``cover``) are :class:`~riskmap.dists.Dist`.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

from riskmap.dists import Constant, Dist
from riskmap.errors import Pos

ZERO = Constant(0)

PART = "part"
PRODUCT = "product"

#: The calendar date of time 0 when a network gives no ``start``.
DEFAULT_START = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)


@dataclass(frozen=True)
class Supplier:
    """A company (or plant) that delivers items.

    ``capacity`` is shared by every source (lane) of this supplier, in units per
    time unit; ``depends_on`` lists tier-2 suppliers: when one of them stops,
    this supplier keeps delivering for ``cover`` and then stops too.
    """

    id: str
    name: str
    region: Optional[str] = None
    capacity: Optional[float] = None
    ttr: Optional[Dist] = None
    depends_on: tuple[str, ...] = ()
    cover: Dist = ZERO
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)


@dataclass(frozen=True)
class Source:
    """A lane: one supplier delivering one item.

    ``share`` is the fraction of the item's orders this lane receives among the
    primary sources (normalised so primaries sum to 1; 0 for alternates).
    """

    supplier: str
    lead_time: Dist = ZERO
    capacity: Optional[float] = None
    alternate: bool = False
    activation_delay: Dist = ZERO
    share: float = 1.0
    unit_cost: Optional[float] = None
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)


@dataclass(frozen=True)
class Policy:
    """A replenishment policy on the inventory position (on hand + on order - backlog).

    ``kind`` is ``base_stock`` (``level``), ``min_max`` (``min``, ``max``) or
    ``reorder_point`` (``point``, ``quantity``). ``review_period`` ``None`` means
    continuous review.
    """

    kind: str
    level: Optional[int] = None
    min: Optional[int] = None
    max: Optional[int] = None
    point: Optional[int] = None
    quantity: Optional[int] = None
    review_period: Optional[float] = None

    def order_quantity(self, position: int) -> int:
        """Units to order when the inventory position is ``position``.

        * base_stock: ``level - position`` when positive (one-for-one).
        * min_max: ``max - position`` when ``position <= min``.
        * reorder_point: the smallest multiple of ``quantity`` that lifts the
          position above ``point``, when ``position <= point``.

        >>> Policy("min_max", min=5, max=20).order_quantity(5)
        15
        >>> Policy("reorder_point", point=10, quantity=4).order_quantity(3)
        8
        """
        if self.kind == "base_stock":
            return max(0, self.level - position)
        if self.kind == "min_max":
            return self.max - position if position <= self.min else 0
        if self.kind == "reorder_point":
            if position > self.point:
                return 0
            batches = (self.point - position) // self.quantity + 1
            return batches * self.quantity
        raise ValueError(f"unknown policy kind {self.kind!r}")

    @property
    def target(self) -> int:
        """The position the policy aims at after ordering (for reports and ETAs)."""
        if self.kind == "base_stock":
            return self.level
        if self.kind == "min_max":
            return self.max
        return self.point + self.quantity


#: The calendar periods a seasonality can follow, with the number of factors each takes.
SEASON_PERIODS = {"month": 12, "weekday": 7}
#: Mean length of each calendar month in days over the 400-year Gregorian cycle (February
#: 28.2425), for the long-run mean of monthly factors.
MEAN_MONTH_DAYS = (31, 28.2425, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class Seasonality:
    """The calendar pattern of a product's order rate (docs/simulation.md, "Seasonality").

    ``by`` is ``month`` (12 factors, January first) or ``weekday`` (7, Monday first);
    the rate in force during a calendar period is the demand's ``rate`` times that
    period's factor. Factors are kept as written; the engine uses them divided by
    their mean (:attr:`normalised`), so they average exactly 1.
    """

    by: str
    factors: tuple[float, ...]

    @property
    def normalised(self) -> tuple[float, ...]:
        """The factors divided by their mean (each period's share of the mean rate).

        >>> Seasonality("weekday", (1.4, 1.4, 1.4, 1.4, 1.4, 0.0, 0.0)).normalised[0]
        1.4
        """
        mean = math.fsum(self.factors) / len(self.factors)
        if mean == 1.0:
            return tuple(float(f) for f in self.factors)
        return tuple(f / mean for f in self.factors)

    @property
    def long_run_factor(self) -> float:
        """The mean factor over a long stretch of calendar time (not over one horizon).

        Weekdays are equally frequent: 1. Months are not equally long: the mean of the
        normalised monthly factors weighted by :data:`MEAN_MONTH_DAYS`.
        """
        if self.by == "weekday":
            return 1.0
        days = math.fsum(MEAN_MONTH_DAYS)
        return math.fsum(f * d for f, d in zip(self.normalised, MEAN_MONTH_DAYS)) / days


@dataclass(frozen=True)
class Demand:
    """Customer orders for a product.

    Exactly one of ``rate`` (Poisson arrivals, orders per time unit) and
    ``interval`` (time between orders) is set. ``patience`` ``None`` means
    customers wait for ever; ``Constant(0)`` means lost sales. ``seasonality``
    ``None`` means the same rate all year round.

    A product whose demand is a list of customer classes has a ``Demand``
    with ``classes`` set and no rate or interval of its own: each class
    carries its own (docs/customers.md, "Customer classes").
    """

    rate: Optional[float] = None
    interval: Optional[Dist] = None
    size: Dist = Constant(1)
    patience: Optional[Dist] = None
    seasonality: Optional[Seasonality] = None
    classes: tuple["CustomerClass", ...] = ()

    @property
    def base_rate(self) -> float:
        """Orders per time unit before any calendar factor: ``rate`` or 1 / mean interval."""
        if self.rate is not None:
            return float(self.rate)
        mean = self.interval.mean if self.interval is not None else 0.0
        return 1.0 / mean if mean > 0 else math.inf

    @property
    def mean_rate(self) -> float:
        """Mean orders per time unit in the long run (a seasonal one over the calendar year).

        The mean over one horizon is :attr:`base_rate` times
        :func:`riskmap.season.mean_factor` over it. With customer classes, the sum of
        the classes' rates.
        """
        if self.classes:
            return math.fsum(c.demand.mean_rate for c in self.classes)
        if self.seasonality is None:
            return self.base_rate
        return self.base_rate * self.seasonality.long_run_factor

    @property
    def mean_units_rate(self) -> float:
        """Mean units ordered per time unit (orders x mean size, each at least 1)."""
        if self.classes:
            return math.fsum(c.demand.mean_units_rate for c in self.classes)
        return self.mean_rate * max(1.0, self.size.mean)

    @property
    def customer_classes(self) -> tuple["CustomerClass", ...]:
        """The classes, in file order; the single-mapping form is one unnamed class (id ``""``)."""
        return self.classes or (CustomerClass("", 1, self),)


@dataclass(frozen=True)
class CustomerClass:
    """One class of a product's customers: its own demand and its priority (1 served first).

    The unnamed class (``id`` ``""``) is the product's demand written as one
    mapping; its random streams keep the product's names.
    """

    id: str
    priority: int
    demand: Demand


@dataclass(frozen=True)
class Updates:
    """What a product's waiting customers are told: an update ``every`` (None: none
    scheduled) while they wait, and one on each revision of the promise."""

    every: Optional[float] = None
    on_revision: bool = True


@dataclass(frozen=True)
class Inquiries:
    """Service-desk contacts: ``rate`` per time unit from each order waiting past its
    promised date that has had no update within the last ``after_update``."""

    rate: float
    after_update: float = 1.0


@dataclass(frozen=True)
class Compensation:
    """An offer made to a waiting customer (docs/customers.md, "Compensation").

    ``when`` is ``broken_promise`` (the moment the order's first promised
    date passes) or ``waited`` (once it has waited ``after``). An accepted
    offer (probability ``acceptance``) costs ``amount``, or ``share`` of the
    price of the units still owed, and extends the customer's patience by
    ``extends_patience`` or, with ``prevents_cancellation``, removes it; the
    offer ``priority`` also moves the order to the front of the queue.
    """

    id: str
    when: str
    offer: str
    acceptance: float
    after: Optional[float] = None
    amount: Optional[float] = None
    share: Optional[float] = None
    extends_patience: Optional[float] = None
    prevents_cancellation: bool = False
    #: the customer classes the rule is for; every order when empty.
    classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Substitute:
    product: str
    acceptance: float


@dataclass(frozen=True)
class Item:
    """A part (component or raw material) or a product (ordered by customers).

    ``bom`` maps component id to units per unit made; ``sources`` are the lanes
    it is bought on. An item can have both. ``production`` says when an order
    to make it starts: ``kits`` (as many units as there are complete kits of
    components, the rest as the components arrive) or ``whole`` (once every
    unit of every component is on hand).
    """

    id: str
    kind: str  # PART or PRODUCT
    name: str = ""
    stock: int = 0
    policy: Optional[Policy] = None
    sources: tuple[Source, ...] = ()
    bom: tuple[tuple[str, int], ...] = ()
    capacity: Optional[float] = None
    assembly_time: Dist = ZERO
    demand: Optional[Demand] = None
    price: Optional[float] = None
    margin: Optional[float] = None
    substitutes: tuple[Substitute, ...] = ()
    backorder_cost: Optional[float] = None
    lost_sale_cost: Optional[float] = None
    production: str = "kits"
    holding_cost: Optional[float] = None
    #: which waiting orders arriving stock serves first: ``fifo`` or ``priority`` (by class).
    allocation: str = "fifo"
    updates: Optional[Updates] = None
    inquiries: Optional[Inquiries] = None
    compensation: tuple[Compensation, ...] = ()
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)

    @property
    def is_product(self) -> bool:
        return self.kind == PRODUCT

    @property
    def is_made(self) -> bool:
        return bool(self.bom)

    @property
    def is_bought(self) -> bool:
        return bool(self.sources)

    @property
    def primaries(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if not s.alternate)

    @property
    def alternates(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.alternate)

    @property
    def bom_dict(self) -> dict[str, int]:
        return dict(self.bom)


@dataclass(frozen=True)
class Network:
    """A supply network: regions, suppliers, parts and products.

    Structural questions (bill-of-materials order, who feeds whom, demand
    rates exploded through the bills of materials) are answered by its graph,
    :func:`riskmap.graph.supply_graph`.
    """

    name: str
    time_unit: str = "day"
    regions: tuple[Region, ...] = ()
    suppliers: tuple[Supplier, ...] = ()
    items: tuple[Item, ...] = ()
    file: str = "<memory>"
    start: datetime.date = DEFAULT_START

    @cached_property
    def _region_index(self) -> dict[str, Region]:
        return {r.id: r for r in self.regions}

    @cached_property
    def _supplier_index(self) -> dict[str, Supplier]:
        return {s.id: s for s in self.suppliers}

    @cached_property
    def _item_index(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    def region(self, id: str) -> Region:
        return self._region_index[id]

    def supplier(self, id: str) -> Supplier:
        return self._supplier_index[id]

    def item(self, id: str) -> Item:
        return self._item_index[id]

    def has_item(self, id: str) -> bool:
        return id in self._item_index

    @property
    def parts(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.kind == PART)

    @property
    def products(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.kind == PRODUCT)


@dataclass(frozen=True)
class Target:
    """What a disruption strikes: ``kind`` is supplier, part, product or region."""

    kind: str
    id: str


@dataclass(frozen=True)
class Trigger:
    """One ``triggers:`` entry: disruption ``id`` follows each occurrence of its trigger.

    With ``probability`` (one draw per occurrence), starting ``after`` (a draw)
    the start of the occurrence.
    """

    id: str
    probability: float = 1.0
    after: Dist = ZERO


@dataclass(frozen=True)
class Disruption:
    """A disruption of a scenario (docs/reference.md).

    ``at`` ``None`` means a uniformly random start within the horizon;
    ``duration`` ``None`` means the target supplier's ``ttr``. ``rate`` (per
    time unit) makes it recur as a Poisson process; ``every`` (an outage's)
    as an alternating up/down process, up for a draw of ``every``, down for
    ``duration``, from ``at`` (0 when ``None``), the whole process happening
    with ``probability``; otherwise it happens once with ``probability``.
    ``reject`` is the share of the units received that a ``quality``
    disruption rejects. ``triggers`` are the disruptions each occurrence sets
    off; a disruption that some other one triggers happens only then.
    ``ramp`` (outage, disaster, shortage) is the time over which capacity
    returns linearly after it ends; ``None``: at once.
    """

    id: str
    kind: str  # outage, delay, shortage, disaster, demand_surge, quality, transit
    target: Target
    at: Optional[Dist] = None
    duration: Optional[Dist] = None
    probability: float = 1.0
    rate: Optional[float] = None
    lead_time_factor: float = 1.0
    capacity_factor: float = 1.0
    factor: float = 1.0
    every: Optional[Dist] = None
    reject: float = 0.0
    triggers: tuple[Trigger, ...] = ()
    ramp: Optional[Dist] = None
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)


def trigger_order(disruptions: "tuple[Disruption, ...]") -> "list[Disruption]":
    """The disruptions in file order, each set off by others moved after them.

    The first one in file order whose triggers are all placed comes next, so
    a scenario without triggers keeps its file order. Raises ``ValueError``
    on a cycle of triggers (the loader refuses them).
    """
    by_id = {d.id: d for d in disruptions}
    waiting = {d.id: 0 for d in disruptions}
    for d in disruptions:
        for t in d.triggers:
            if t.id in waiting:
                waiting[t.id] += 1
    out: list[Disruption] = []
    left = list(disruptions)
    while left:
        ready = next((d for d in left if waiting[d.id] == 0), None)
        if ready is None:
            raise ValueError(f"disruptions set each other off: {sorted(d.id for d in left)}")
        left.remove(ready)
        out.append(ready)
        for t in ready.triggers:
            if t.id in by_id:
                waiting[t.id] -= 1
    return out


@dataclass(frozen=True)
class Expectation:
    """One line of a scenario's ``expect:`` contingency plan."""

    subject: str  # product, supplier or network
    id: Optional[str]
    metric: str
    min: Optional[float] = None
    max: Optional[float] = None
    stat: str = "mean"
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)


@dataclass(frozen=True)
class Alert:
    """A low-stock warning rule of a scenario's ``alerts:`` (docs/alerts.md).

    It warns each time ``measure`` (``on_hand``, ``position`` or
    ``days_of_cover``) of ``item`` falls from at least ``below`` to under it.
    ``window`` ``None`` means twice the item's replenishment lead time
    (:func:`riskmap.alerts.measures.alert_window`).
    """

    id: str
    item: str
    below: float
    measure: str = "on_hand"
    window: Optional[float] = None
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)


@dataclass(frozen=True)
class Candidate:
    """A supplier not yet qualified, with the lanes it would supply (``candidates:``).

    ``supplier`` is the network's own supplier when the id is already in the
    network, else the new supplier as written; ``sources`` pairs each item id
    with the lane the candidate would add to it.
    """

    supplier: Supplier
    sources: tuple[tuple[str, Source], ...] = ()
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.supplier.id


@dataclass(frozen=True)
class WhatIf:
    """One ``what_if:`` variation: a part, product or supplier changed.

    ``target.kind`` is part, product or supplier. For an item, ``stock``,
    ``policy`` and ``capacity`` replace the item's own values when given; for a
    supplier, only ``capacity``.
    """

    id: str
    target: Target
    stock: Optional[int] = None
    policy: Optional[Policy] = None
    capacity: Optional[float] = None
    pos: Pos = field(default=Pos("<memory>"), compare=False, repr=False)


@dataclass(frozen=True)
class Scenario:
    """A scenario: a network, a horizon, disruptions and the plan to check.

    ``candidates`` and ``what_if`` are options evaluated against the scenario
    as written (:mod:`riskmap.options`); they never change the run
    itself.
    """

    name: str
    network: Network
    horizon: float
    warmup: float = 0.0
    replications: int = 100
    seed: int = 0
    alternates: str = "auto"
    disruptions: tuple[Disruption, ...] = ()
    expect: tuple[Expectation, ...] = ()
    file: str = "<memory>"
    candidates: tuple[Candidate, ...] = ()
    what_if: tuple[WhatIf, ...] = ()
    #: suppliers no disruption stops: a counterfactual copy (``spared:`` arms, riskmap.options),
    #: never a file key; their disruptions are still drawn, so every other draw is paired.
    spared: tuple[str, ...] = ()
    #: low-stock warning rules, scored on the runs; they never change the run itself.
    alerts: tuple[Alert, ...] = ()
