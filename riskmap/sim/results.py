"""Per-replication results: compact, flat, picklable summaries.

One :class:`ReplicationResult` is what a worker sends back for one replication;
the Monte Carlo layer merges them in replication order. Nothing here holds a
reference to the model or to SimPy objects.

Conventions (documented in docs/simulation.md):

* A unit is *ordered* when its customer order arrives (after ``warmup``).
* A unit is *filled from stock* when it ships at the moment it was ordered;
  ``fill_rate = filled_from_stock_units / ordered_units``, undefined (``None``)
  when nothing was ordered (:func:`fill_rate`, the one definition).
* A unit is *backordered* when it cannot ship at once and waits in the
  product's backlog; ``backorder_units`` counts such units.
* ``backlog_unit_time`` is the integral over time of the backlog (unit-days);
  ``on_hand_time`` the integral of on hand, ``on_hand_mean`` its time average
  over the statistics window and ``holding_cost`` ``on_hand_time x holding_cost``.
* Waits, promises, substitutes and money: docs/customers.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Optional

import numpy as np


def fill_rate(filled: int, ordered: int) -> Optional[float]:
    """The fill rate: units filled from stock / units ordered.

    The one definition riskmap uses: :attr:`ProductOutcome.fill_rate`, the
    ``fill_rate`` statistic (:mod:`riskmap.stats.statistics`) and, on arrays,
    the counterfactual effects (:func:`riskmap.options.effects.fill_rates`).

    Parameters
    ----------
    filled : int
        Units shipped at the moment they were ordered.
    ordered : int
        Units ordered.

    Returns
    -------
    float or None
        ``filled / ordered``; ``None`` when nothing was ordered: the rate is
        undefined, and a replication without orders is left out of every
        estimate of it rather than counted as 0 or 1.

    Examples
    --------
    >>> fill_rate(8, 10), fill_rate(0, 0)
    (0.8, None)
    """
    return filled / ordered if ordered else None


#: ``record_type`` of an order that waited in the backlog.
BACKORDER = "backorder"
#: ``record_type`` of an order whose missing units a substitute product shipped at once.
SUBSTITUTION = "substitution"
#: ``record_type`` of an order whose missing units were lost at once (``patience: 0``).
LOST_SALE = "lost_sale"


@dataclass(frozen=True)
class ProductOutcome:
    """One product's figures in one replication (docs/simulation.md, docs/customers.md).

    The fields after ``first_backorder_time`` have defaults so that records
    built by older code stay valid.
    """

    record_type = "product_outcome"

    ordered_units: int
    filled_from_stock_units: int
    backorder_units: int
    backlog_unit_time: float
    longest_wait: float
    lost_units: int
    shipped_units: int
    waiting_units_at_end: int
    first_backorder_time: Optional[float]
    #: units of this product's orders shipped at once by a substitute product.
    substituted_units: int = 0
    #: units this product shipped at once as a substitute for another product.
    substitute_units_supplied: int = 0
    #: cohort orders that waited (filled, cancelled or still waiting at the horizon).
    waited_orders: int = 0
    #: mean and percentiles of those orders' waits (``None`` when none waited).
    wait_mean: Optional[float] = None
    wait_p50: Optional[float] = None
    wait_p90: Optional[float] = None
    wait_p95: Optional[float] = None
    #: promises whose outcome is known (filled, or their date passed unfilled).
    promises_judged: int = 0
    #: of those, filled by the promised date.
    promises_kept: int = 0
    #: mean time by which broken promises were missed (``None`` when none was broken).
    eta_slip: Optional[float] = None
    #: times a promise passed with its order still waiting and had to be revised.
    eta_revisions: int = 0
    #: lost_units x price, lost_units x margin (0 without price or margin).
    lost_revenue: float = 0.0
    lost_margin: float = 0.0
    #: backlog_unit_time x backorder_cost (cost of waiting).
    backorder_cost: float = 0.0
    #: lost_units x lost_sale_cost (penalty per unit cancelled or lost).
    lost_sale_cost: float = 0.0
    #: integral of on hand over the statistics window (unit-time), and that / the window.
    on_hand_time: float = 0.0
    on_hand_mean: float = 0.0
    #: on_hand_time x holding_cost (cost of the stock held over the window).
    holding_cost: float = 0.0
    #: what accepted compensation offers cost (0 without compensation rules).
    compensation_cost: float = 0.0

    @property
    def fill_rate(self) -> Optional[float]:
        """Units filled from stock / units ordered, ``None`` without orders (:func:`fill_rate`)."""
        return fill_rate(self.filled_from_stock_units, self.ordered_units)

    @property
    def eta_kept(self) -> Optional[float]:
        """Share of judged promises that were kept (``None`` when none was judged)."""
        return self.promises_kept / self.promises_judged if self.promises_judged else None

    @property
    def total_cost(self) -> float:
        """The money backorders cost: lost margin + waiting cost + lost-sale penalties
        (+ compensation paid, for a product with compensation rules)."""
        total = self.lost_margin + self.backorder_cost + self.lost_sale_cost
        return total + self.compensation_cost if self.compensation_cost else total


@dataclass(frozen=True)
class OrderRecord:
    """One customer order that could not ship in full at once (docs/customers.md, "Order records").

    Times are absolute; ``None`` where it does not apply. ``units`` is what
    could not ship from the product's stock at once: the units that waited
    (``backorder``), that a substitute shipped (``substitution``) or that were
    lost at once (``lost_sale``).
    """

    record_type: str
    product: str
    ordered_at: float
    ordered_units: int
    units: int
    promised_at: Optional[float]
    filled_at: Optional[float]
    cancelled_at: Optional[float]
    cancelled_units: int
    revisions: int
    substitute: Optional[str]
    #: the order's customer class (``None`` for a product written with one demand mapping).
    customer_class: Optional[str] = None
    #: updates it was sent and service-desk contacts it made while it waited (``None``
    #: unless the product has ``updates:`` / ``inquiries:``).
    updates: Optional[int] = None
    inquiries: Optional[int] = None


#: the columns of :func:`order_rows`, in order.
ORDER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(OrderRecord))


def order_rows(records) -> list[dict]:
    """Order records as a list of dicts, one per order, ready for ``pandas.DataFrame``.

    Parameters
    ----------
    records : iterable of OrderRecord
        For example ``result.orders`` of ``simulate(..., orders=True)``.

    Returns
    -------
    list of dict
        Keys :data:`ORDER_FIELDS`, in that order.

    Examples
    --------
    >>> order_rows([OrderRecord("backorder", "p", 1.0, 2, 2, 3.0, 3.0, None, 0, 0, None)])[0]["promised_at"]
    3.0
    """
    return [asdict(r) for r in records]


@dataclass(frozen=True)
class PartOutcome:
    """One part's figures in one replication (docs/simulation.md, "Metrics").

    ``on_hand_time`` is the integral of on hand over the statistics window
    (unit-time), ``on_hand_mean`` that divided by the window's length,
    ``holding_cost`` ``on_hand_time x holding_cost`` (0 without one).
    """

    record_type = "part_outcome"

    stock_out_time: float
    on_hand_time: float = 0.0
    on_hand_mean: float = 0.0
    holding_cost: float = 0.0
    #: units of the part received after warm-up that failed inspection (quality disruptions)
    rejected_units: int = 0


@dataclass(frozen=True)
class SupplierOutcome:
    record_type = "supplier_outcome"

    down_time: float
    units_not_delivered: int
    #: units received from the supplier after warm-up that failed inspection
    rejected_units: int = 0


@dataclass(frozen=True)
class StockTrace:
    """The settled trajectory of one watched item (riskmap.sim.watch): exact in continuous time.

    Point ``k`` holds from ``times[k]`` to ``times[k + 1]`` (the last to
    ``horizon``): units on hand, the inventory position (on hand + on order -
    backlog) and whether something waits for the item (its backlog > 0: a
    customer order or a parent's production order). Recorded only for items an
    alert rule watches.
    """

    record_type = "stock_trace"

    times: np.ndarray
    on_hand: np.ndarray
    position: np.ndarray
    waiting: np.ndarray
    horizon: float


@dataclass(frozen=True)
class AlertOutcome:
    """One alert rule scored on one replication (docs/alerts.md, "Scoring").

    Counts are over the statistics window: episodes that start at or after
    ``warmup``, warnings judged for false alarms when they fall in
    ``[warmup, horizon - window]`` (``judged_time`` long).
    ``false_alarms_by_level`` and ``in_time_by_level`` hold, for each candidate
    threshold of the rule (:func:`riskmap.alerts.measures.candidate_levels`),
    the false alarms and the episodes warned at least the replenishment lead
    time ahead, from which :func:`riskmap.alerts.suggest.suggest_thresholds`
    picks a threshold without simulating again. ``warning_times`` and
    ``episode_spans`` are the exact times, kept in the engine's result (tests,
    debugging) and left out of the digests that travel.
    """

    record_type = "alert_outcome"

    episodes: int
    warned: int
    lead_time_total: float
    warnings: int
    false_alarms: int
    judged_time: float
    year: float
    false_alarms_by_level: tuple[int, ...] = ()
    in_time_by_level: tuple[int, ...] = ()
    warning_times: tuple[float, ...] = ()
    episode_spans: tuple[tuple[float, float], ...] = ()

    @property
    def warned_share(self) -> Optional[float]:
        """Episodes warned of beforehand / episodes; ``None`` without an episode."""
        return self.warned / self.episodes if self.episodes else None

    @property
    def warning_lead_time(self) -> Optional[float]:
        """Mean time from the first warning to the start of the warned episodes (``None``: none)."""
        return self.lead_time_total / self.warned if self.warned else None

    @property
    def false_alarms_per_year(self) -> Optional[float]:
        """False alarms per 365 days of judged time; ``None`` when no time could be judged."""
        return self.false_alarms / self.judged_time * self.year if self.judged_time > 0 else None


@dataclass(frozen=True)
class ReplicationResult:
    """Everything one replication reports. Series are sampled at integer times 0..horizon."""

    index: int
    products: dict[str, ProductOutcome]
    parts: dict[str, PartOutcome] = field(default_factory=dict)
    suppliers: dict[str, SupplierOutcome] = field(default_factory=dict)
    on_hand: dict[str, np.ndarray] = field(default_factory=dict)
    backlog: dict[str, np.ndarray] = field(default_factory=dict)
    events: int = 0
    #: one record per cohort order that waited, was substituted or lost, by
    #: product id then order time (empty unless ``simulate(..., orders=True)``).
    orders: tuple[OrderRecord, ...] = ()
    #: the settled trajectory of each item an alert rule watches, by item id
    #: (empty when the scenario has no ``alerts:``).
    traces: dict[str, StockTrace] = field(default_factory=dict)
    #: per product with customer classes, ``{class id: outcome}``: the product's
    #: figures for that class alone (docs/customers.md, "Customer classes").
    classes: dict[str, dict[str, ProductOutcome]] = field(default_factory=dict)
    #: per product with ``updates`` or ``inquiries``, its
    #: :class:`~riskmap.sim.service.ServiceOutcome` (docs/customers.md).
    service: dict = field(default_factory=dict)
    #: per product with compensation rules, ``{rule id: RuleOutcome}``.
    rules: dict[str, dict[str, "RuleOutcome"]] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleOutcome:
    """One compensation rule of a product in one replication (docs/customers.md, "Compensation")."""

    record_type = "rule_outcome"

    offers: int
    compensated_orders: int
    compensation_cost: float
