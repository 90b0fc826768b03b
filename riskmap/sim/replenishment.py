"""Replenishment in a replication: reviews, purchases over lanes, production from the BOM, receipts.

:class:`Replenishment` is the part of a replication
(:class:`riskmap.sim.engine.Replication`) that keeps items stocked. It works
on the replication's state: ``schedule``, ``log``, ``warmup``, ``horizon`` and
a sequence number for pipeline entries, and tells the customer desk
(``_revise``, :class:`riskmap.sim.customers.CustomerDesk`) when a product's
stock moves.

A policy looks at the inventory position after every change (continuous
review) or every ``review_period``. An order is bought while a source can
deliver (its ship time is computed from the supplier's capacity calendar when
it is placed, :mod:`riskmap.sim.supply`, and one event, its arrival, is
scheduled) or made from the bill of materials: the batch claims its
components, starts on the item's line once it has them all, and arrives when
line time and assembly time have passed. Every scheduled receipt sits in the
item's pipeline, which promises read (:mod:`riskmap.sim.promises`).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort

from riskmap.sim.calendar import measure
from riskmap.sim.inventory import ProductionOrder
from riskmap.sim.nodes import Node
from riskmap.sim.promises import expected_time, planned_finish, units_through


class Replenishment:
    """Replenishment of a replication's items (see the module docstring)."""

    # -- events ------------------------------------------------------------------------

    def _on_receipt(self, receipt) -> None:
        node, units, entry = receipt
        now = self.schedule.now
        if self.log is not None:
            self.log.append((now, "receive", node.item.id, units))
        stock = node.stock
        pipeline = stock.pipeline
        del pipeline[bisect_left(pipeline, entry)]
        ready = stock.receive(now, units)
        if node.due:
            self._revise(node.customers, now)
        if ready:
            for order in ready:
                self._unplan(order)
                self._start_production(order.node, order.units, now)

    def _on_review(self, event) -> None:
        node, k = event.value
        self._periodic(node, k)

    def _periodic(self, node: Node, k: int = 0) -> None:
        """The ``k``-th periodic review, at ``k * review_period`` (no drift from repeated sums)."""
        self._review(node, self.schedule.now)
        self.schedule.at((k + 1) * node.policy.review_period, self._on_review, (node, k + 1))

    # -- ordering ----------------------------------------------------------------------

    def _review(self, node: Node, now: float) -> None:
        """Apply the node's policy to its inventory position."""
        s = node.stock
        position = s.on_hand + s.on_order - s.backlog_units
        if position <= node.trigger:
            units = node.policy.order_quantity(position)
            if units > 0:
                self._order(node, units, now)

    def _order(self, node: Node, units: int, now: float) -> None:
        """Replenish ``units`` of the node's item: buy or make them."""
        node.stock.on_order += units
        if self.log is not None:
            self.log.append((now, "replenish", node.item.id, units))
        # Bought while a source can deliver; made from the BOM otherwise (an item with
        # both is available either way, as in the static analysis).
        sourcing = node.sourcing
        if sourcing is not None and sourcing.only is not None:
            self._send(node, sourcing.only, units, now)  # one lane, never down: no routing
        elif sourcing is not None and (not node.bom or sourcing.can_deliver(now)):
            self._purchase(node, units, now)
        else:
            self._production_order(node, units, now)

    # -- buying ------------------------------------------------------------------------

    def _purchase(self, node: Node, units: int, now: float) -> None:
        """Route an order over the lanes that can take it now and split it among them."""
        sourcing = node.sourcing
        lanes = sourcing.route(now)
        for lane, u in zip(lanes, sourcing.split(lanes, units)):
            if u:
                self._send(node, lane, u, now)

    def _send(self, node: Node, lane, units: int, now: float) -> None:
        """Place an order of ``units`` on ``lane`` and schedule its arrival."""
        ship = now if lane.immediate else lane.ship_time(now, units)
        arrival = ship + lane.lead_time(now)
        if ship > now and lane.down:
            self._count_held(lane, now, ship, units)
        if self.log is not None:
            self.log.append((now, "place", node.item.id, units, lane.supplier, ship, arrival))
        self._seq += 1
        entry = (arrival, self._seq, units)
        insort(node.stock.pipeline, entry)
        self.schedule.in_order(node.incoming, arrival, self._receipt_cb, (node, units, entry))

    def _count_held(self, lane, now: float, ship: float, units: int) -> None:
        """Count units held at a down supplier (after warmup) as not delivered."""
        lo = max(now, self.warmup)
        if measure(lane.down, lo, min(ship, self.horizon)) > 0:
            lane.clock.not_delivered += units

    # -- making ------------------------------------------------------------------------

    def _production_order(self, node: Node, units: int, now: float) -> None:
        """Claim the bill of materials for a batch; start it if everything is on hand."""
        order = ProductionOrder(node, units, now)
        missing = []
        for component, qty in node.bom:
            if not component.stock.request(now, order, qty * units):
                order.pending += 1
                missing.append((component, component.stock.backlog[-1]))
            if component.continuous:
                self._review(component, now)
        if not order.pending:
            self._start_production(node, units, now)
        else:
            self._plan(order, missing, now)

    def _plan(self, order: ProductionOrder, missing, now: float) -> None:
        """Put a batch waiting for ``missing`` components in the pipeline at its planned time.

        Computed after the components' policies have ordered, so their new
        purchases count (riskmap.sim.promises).
        """
        ready = now
        for component, claim in missing:
            stock = component.stock
            # The claim is normally the last in the component's queue: no walk needed.
            needed = stock.backlog_units if stock.backlog[-1] is claim else units_through(
                stock, claim)
            t = expected_time(component, needed, now)
            ready = math.inf if t is None else max(ready, t)
        node = order.node
        self._seq += 1
        order.entry = (planned_finish(node, ready, order.units), self._seq, order.units)
        node.planned_batches += 1
        insort(node.stock.pipeline, order.entry)

    def _unplan(self, order: ProductionOrder) -> None:
        """The batch has all its components: its planned entry leaves the pipeline."""
        pipeline = order.node.stock.pipeline
        del pipeline[bisect_left(pipeline, order.entry)]
        order.node.planned_batches -= 1

    def _start_production(self, node: Node, units: int, now: float) -> None:
        """Run a batch on the item's line: ``units / capacity`` of line time, then assembly."""
        start = node.line_free if node.line_free > now else now
        busy = units / node.capacity if node.capacity else 0.0
        node.line_free = start + busy
        done = start + busy + node.assembly.next()
        if self.log is not None:
            self.log.append((now, "produce", node.item.id, units, start, done))
        self._seq += 1
        entry = (done, self._seq, units)
        insort(node.stock.pipeline, entry)
        self.schedule.in_order(node.incoming, done, self._receipt_cb, (node, units, entry))
