"""Per-replication results: compact, flat, picklable summaries.

One :class:`ReplicationResult` is what a worker sends back for one replication;
the Monte Carlo layer merges them in replication order. Nothing here holds a
reference to the model or to SimPy objects.

Conventions (documented in docs/simulation.md):

* A unit is *ordered* when its customer order arrives (after ``warmup``).
* A unit is *filled from stock* when it ships at the moment it was ordered;
  ``fill_rate = filled_from_stock_units / ordered_units``.
* A unit is *backordered* when it cannot ship at once and waits in the
  product's backlog; ``backorder_units`` counts such units.
* ``backlog_unit_time`` is the integral over time of the backlog (unit-days).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np


@dataclass(frozen=True)
class ProductOutcome:
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

    @property
    def fill_rate(self) -> float:
        return self.filled_from_stock_units / self.ordered_units if self.ordered_units else 1.0


@dataclass(frozen=True)
class PartOutcome:
    record_type = "part_outcome"

    stock_out_time: float


@dataclass(frozen=True)
class SupplierOutcome:
    record_type = "supplier_outcome"

    down_time: float
    units_not_delivered: int


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
