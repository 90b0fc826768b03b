"""Promised dates (ETAs) for customer orders that have to wait.

When an order (or its unfilled part) joins a product's backlog, riskmap
promises the customer a date computed from what is really in the pipeline at
that moment (docs/customers.md, "How the promised date is computed"):

1. The backlog is served first-come first-served and nothing is on hand
   while anything waits, so the order is filled when the product has
   received ``needed`` more units, ``needed`` being the units owed to every
   order ahead of it plus its own.
2. Every replenishment already placed whose arrival is known is a
   *scheduled receipt*: purchases (ship time and lead time are fixed when
   the order is placed) and production batches on the line (their finishing
   time is fixed when they start). Each item's stock keeps them in
   ``Stock.pipeline`` (:class:`riskmap.sim.pipeline.Pipeline`), entries
   ``(arrival, sequence, units)`` sorted by arrival time (ties in placing
   order); the engine adds an entry when it schedules a receipt and removes
   it when the receipt arrives.
3. The promise is the arrival time of the scheduled receipt that brings the
   cumulative receipts to ``needed``.
4. The units of a production order of a made item still waiting for
   components (those not yet started as complete kits) get a *planned*
   finishing time when the order is placed (:func:`planned_finish`): when
   its last missing component is expected then (the same rule, applied to
   the component), then its turn on the line (``units / capacity``) and the
   mean assembly time. It sits in the pipeline with that date, for the units
   still waiting, until they start, when their real finishing time replaces
   it (kits that start early take their units out of it). The plan is not
   recomputed as things change, as in a planning system: a promise that
   relied on it and is missed gets revised.
5. Units all this does not cover (a periodic policy that orders at its next
   review) are promised at the next ordering opportunity (now under
   continuous review, the next review otherwise) plus the item's *planned
   lead time* (:func:`planned_lead_time`), and never before the last
   expected receipt.
6. Without any replenishment (no policy) no date is promised (``None``).

Cancellations of orders ahead are not anticipated (a promise is never
optimistic because of them), and neither are receipts that are not yet
placed. In a deterministic network where every unit ahead is already
scheduled (or made from components that are), the promise is exactly the
fill date.
"""

from __future__ import annotations

import math
from typing import Optional


def planned_lead_time(node, at: float) -> float:
    """The lead time riskmap plans with for a replenishment of ``node`` placed at ``at``.

    A bought item (while one of its sources can deliver): the mean lead time
    of the lanes an order placed at ``at`` would go to, times the delay
    factor in force, averaged over those lanes; when the lanes are down, the
    order also waits for the first of them to be back. A made item: the mean
    assembly time (line time is left out: it depends on the batch).
    """
    sourcing = node.sourcing
    if sourcing is not None and (not node.bom or sourcing.can_deliver(at)):
        lanes = sourcing.route(at)
        total = 0.0
        for lane in lanes:
            start = _up_again(lane, at)
            total += start - at + lane.source.lead_time.mean * lane.delay(at)
        return total / len(lanes)
    return node.item.assembly_time.mean


def _up_again(lane, at: float) -> float:
    """The first time at or after ``at`` when ``lane``'s supplier is not down."""
    for start, end in lane.down:
        if start <= at < end:
            return end
    return at


def next_review(period: Optional[float], now: float) -> float:
    """The next time the policy can order: ``now`` (continuous review) or the next ``k * R``.

    >>> next_review(None, 3.5), next_review(7.0, 3.5), next_review(7.0, 7.0)
    (3.5, 7.0, 14.0)
    """
    if period is None:
        return now
    # A review at exactly ``now`` may already have run: promise the next one.
    return (math.floor(now / period) + 1) * period


def units_through(stock, claim) -> int:
    """Units owed to the claims ahead of ``claim`` in ``stock``'s backlog, plus its own."""
    total = 0
    for other in stock.backlog:
        total += other.remaining
        if other is claim:
            break
    return total


def expected_time(node, needed: int, now: float) -> Optional[float]:
    """When ``node``'s item will have received ``needed`` more units (the ETA rule above).

    Parameters
    ----------
    node
        The item's node in the replication: its stock (with ``pipeline``),
        policy and sources.
    needed : int
        Units to be received.
    now : float
        The time of the estimate.

    Returns
    -------
    float or None
        The expected time; ``None`` when the item is never replenished.
    """
    pipeline = node.stock.pipeline
    when = pipeline.time_for(needed)
    if when is not None:
        return when
    policy = node.policy
    if policy is None:
        return None
    last = pipeline.last()
    base = next_review(policy.review_period, now)
    planned = base + planned_lead_time(node, base)
    return planned if last is None or planned > last else last


def planned_finish(node, ready: float, units: int) -> float:
    """The planned finishing time of a batch of ``units`` whose last component is expected at ``ready``.

    Batches of one item need the same components from first-come first-served
    queues, so they become ready in the order they are placed and take the
    line in that order: the batch starts at ``max(ready, line free, the
    planned end of the batches placed before it)``, occupies the line for
    ``units / capacity`` and finishes the mean assembly time later. Advances
    the node's planned line end.
    """
    line = node.line_free
    if node.planned_batches and node.line_plan > line:
        line = node.line_plan
    start = ready if ready > line else line
    end = start + (units / node.capacity if node.capacity else 0.0)
    node.line_plan = end
    return end + node.item.assembly_time.mean
