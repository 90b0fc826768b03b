"""What a product's lost and late units cost: the money figures of one replication."""

from __future__ import annotations

from dataclasses import replace

from riskmap.model import Item
from riskmap.sim.results import ProductOutcome


def with_money(outcome: ProductOutcome, item: Item) -> ProductOutcome:
    """``outcome`` with its money figures: what the product's lost and late units cost.

    A missing ``price``, ``margin``, ``backorder_cost`` or ``lost_sale_cost``
    counts as 0 (docs/customers.md, "Money").
    """
    lost = outcome.lost_units
    return replace(
        outcome,
        lost_revenue=float(lost * (item.price or 0.0)),
        lost_margin=float(lost * (item.margin or 0.0)),
        backorder_cost=outcome.backlog_unit_time * (item.backorder_cost or 0.0),
        lost_sale_cost=float(lost * (item.lost_sale_cost or 0.0)),
    )
