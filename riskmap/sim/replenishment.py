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
        stock.pipeline.remove(entry)
        issued = stock.receive(now, units)
        if node.due:
            self._revise(node.customers, now)
        if issued:
            for order in issued:
                self._advance(order, now)

    def _on_inspected_receipt(self, receipt) -> None:
        """A receipt of which some units fail inspection (a quality disruption).

        The rejected units leave the pipeline with the rest but never reach the
        stock: on order falls by every unit, on hand rises by those that pass,
        so the inventory position drops by the rejected units and a continuous
        review orders them again at once.
        """
        node, units, entry, rejected, lane = receipt
        now = self.schedule.now
        if self.log is not None:
            self.log.append((now, "reject", node.item.id, rejected, lane.supplier))
        if now >= self.warmup:
            lane.clock.rejected += rejected
            node.rejected += rejected
        node.stock.on_order -= rejected
        self._on_receipt((node, units - rejected, entry))
        if node.continuous:
            self._review(node, now)

    def _periodic(self, node: Node) -> None:
        """Review ``node`` now (time 0) and then at every ``k * review_period`` (no drift from sums).

        One event record serves all of the node's reviews (a node has one review
        pending at a time), and the callback has what it uses bound once: with a
        daily review on thousands of items, reviews are most of a run's events.
        """
        period = node.policy.review_period
        stock, policy, trigger = node.stock, node.policy, node.trigger
        order, now_of = self._order, self.schedule.clock()
        done = 0

        def on_review(_event) -> None:
            nonlocal done
            position = stock.on_hand + stock.on_order - stock.backlog_units
            if position <= trigger:
                units = policy.order_quantity(position)
                if units > 0:
                    order(node, units, now_of())
            done += 1
            next_review((done + 1) * period)

        next_review = self.schedule.repeating(on_review)
        self._review(node, self.schedule.now)
        next_review(period)

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
        stock = node.stock
        if stock.watch is not None:
            stock.watch.moving(now, stock)  # the position rises now: keep what held before
        stock.on_order += units
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
        lead = lane.lead_time(now)
        # Lane.arrival inlined for the common case: no transit disruption holds the lane.
        arrival = ship + lead if lane.transit is None else lane.arrival(ship, lead)
        if ship > now and lane.down:
            self._count_held(lane, now, ship, units)
        if self.log is not None:
            self.log.append((now, "place", node.item.id, units, lane.supplier, ship, arrival))
        self._seq += 1
        entry = (arrival, self._seq, units)
        node.stock.pipeline.add(entry)
        # Inspection is drawn when the order is placed, its arrival being known then; the
        # pipeline holds every unit, so promises do not foresee the rejects.
        rejected = lane.inspection.rejected(arrival, units) if lane.inspection else 0
        if rejected:
            self.schedule.in_order(node.incoming, arrival, self._inspected_receipt_cb,
                                   (node, units, entry, rejected, lane))
        else:
            self.schedule.in_order(node.incoming, arrival, self._receipt_cb, (node, units, entry))

    def _count_held(self, lane, now: float, ship: float, units: int) -> None:
        """Count units held at a down supplier (after warmup) as not delivered."""
        lo = max(now, self.warmup)
        if measure(lane.down, lo, min(ship, self.horizon)) > 0:
            lane.clock.not_delivered += units

    # -- making ------------------------------------------------------------------------

    def _production_order(self, node: Node, units: int, now: float) -> None:
        """Claim the bill of materials for ``units``; start the complete kits at once.

        Each component issues what it has on hand and queues the rest (FCFS
        with every other claim on it). As many units start as there are
        complete kits (``production: kits``, the default), or all of them
        once every kit is complete (``production: whole``); the units that
        wait get a planned finishing time (riskmap.sim.promises).
        """
        order = ProductionOrder(node, units, now, node.whole)
        received = order.received
        missing = []
        index = 0
        for component, qty in node.bom:
            stock = component.stock
            need = qty * units
            if need <= stock.on_hand and stock.series_on_hand is None and self.log is None \
                    and stock.watch is None:
                # The common case, Stock.request inlined: the stock issues every unit, and
                # as it has units on hand nothing waits for it, so only the on-hand
                # integral advances (Stock.hold).
                if now > stock._last:
                    stock.hold(now)
                stock.on_hand -= need
                received[index] = need
            elif not stock.request(now, order, index, need):
                missing.append((component, stock.backlog[-1]))
            if component.continuous:
                self._review(component, now)
            index += 1
        order.recount()
        ready = order.startable()
        if ready:
            order.started = ready
            self._start_production(node, ready, now)
        if order.started < units:
            self._plan(order, missing, now)

    def _advance(self, order: ProductionOrder, now: float) -> None:
        """Components were issued to ``order``: start the kits they complete."""
        ready = order.startable()
        if not ready:
            return
        order.started += ready
        if order.started == order.units:
            self._unplan(order)
        else:
            self._replan(order)
        self._start_production(order.node, ready, now)

    def _plan(self, order: ProductionOrder, missing, now: float) -> None:
        """Put the units of ``order`` waiting for ``missing`` components in the pipeline at their planned time.

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
        waiting = order.units - order.started
        self._seq += 1
        order.entry = (planned_finish(node, ready, waiting), self._seq, waiting)
        node.planned_batches += 1
        node.stock.pipeline.plan(order.entry)

    def _replan(self, order: ProductionOrder) -> None:
        """Some of the order's units started: its planned entry covers the others, at the same time."""
        old = order.entry
        order.entry = (old[0], old[1], order.units - order.started)
        order.node.stock.pipeline.replan(old, order.entry)

    def _unplan(self, order: ProductionOrder) -> None:
        """Every unit of the order started: its planned entry leaves the pipeline."""
        order.node.stock.pipeline.unplan(order.entry)
        order.node.planned_batches -= 1

    def _start_production(self, node: Node, units: int, now: float) -> None:
        """Run ``units`` on the item's line: ``units / capacity`` of line time, then assembly."""
        start = node.line_free if node.line_free > now else now
        busy = units / node.capacity if node.capacity else 0.0
        node.line_free = start + busy
        done = start + busy + node.assembly.next()
        if self.log is not None:
            self.log.append((now, "produce", node.item.id, units, start, done))
        self._seq += 1
        entry = (done, self._seq, units)
        node.stock.pipeline.add(entry)
        self.schedule.in_order(node.incoming, done, self._receipt_cb, (node, units, entry))
