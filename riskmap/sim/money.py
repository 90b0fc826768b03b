"""What an item's lost, late and held units cost: the money figures of one replication."""

from __future__ import annotations

from dataclasses import replace

from riskmap.model import Item
from riskmap.sim.results import PartOutcome, ProductOutcome


def with_money(outcome: ProductOutcome, item: Item) -> ProductOutcome:
    """``outcome`` with its money figures: what the product's lost, late and held units cost.

    A missing ``price``, ``margin``, ``backorder_cost``, ``lost_sale_cost`` or
    ``holding_cost`` counts as 0 (docs/customers.md, "Money").
    """
    lost = outcome.lost_units
    return replace(
        outcome,
        holding_cost=holding_cost(outcome.on_hand_time, item),
        lost_revenue=float(lost * (item.price or 0.0)),
        lost_margin=float(lost * (item.margin or 0.0)),
        backorder_cost=outcome.backlog_unit_time * (item.backorder_cost or 0.0),
        lost_sale_cost=float(lost * (item.lost_sale_cost or 0.0)),
    )


def holding_cost(on_hand_time: float, item: Item) -> float:
    """What holding the item's stock cost: the on-hand integral x ``holding_cost`` (None = 0)."""
    return on_hand_time * (item.holding_cost or 0.0)


def with_holding(outcome: PartOutcome, item: Item) -> PartOutcome:
    """A part's ``outcome`` with its holding cost (:func:`holding_cost`)."""
    return replace(outcome, holding_cost=holding_cost(outcome.on_hand_time, item))
