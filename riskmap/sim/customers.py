"""Customer orders in a replication: shipping from stock, waiting, substitutes, promises, patience.

:class:`CustomerDesk` is the part of a replication
(:class:`riskmap.sim.engine.Replication`) that handles customer orders. It
works on the replication's state: ``schedule`` (:mod:`riskmap.sim.schedule`),
``log``, ``warmup``, and calls its replenishment (``_order``, ``_review``,
:class:`riskmap.sim.replenishment.Replenishment`).

An order ships what stock holds at once; the rest is offered to the listed
substitutes, then waits in the product's backlog (first come first served, or by class
priority under ``allocation: priority``; or is lost, with ``patience: 0``). A waiting order is promised a date once, when it starts to
wait (:mod:`riskmap.sim.promises`); promises that pass unkept are found when
the product's stock next moves and revised then (:mod:`riskmap.sim.orders`).
"""

from __future__ import annotations

from typing import Optional

from riskmap.sim.compensation import patience_holds
from riskmap.sim.nodes import CustomerStream
from riskmap.sim.promises import expected_time, units_through


class CustomerDesk:
    """Customer-order handling of a replication (see the module docstring)."""

    def _customer_handler(self, c: CustomerStream):
        """The callback of ``c``'s order arrivals, with everything it uses bound once.

        The hottest path of the engine (one call per customer order), so it is a
        closure over local names rather than a method reading attributes, and
        it leaves what waiting orders need to :meth:`_short`.
        """
        log, now_of = self.log, self.schedule.clock()
        stock, node, policy, trigger = c.stock, c.node, c.policy, c.trigger
        fill, next_size, next_arrival = stock.fill, c.sizes.next, c.arrivals.next
        order, promised, promise, revise = self._order, c.book.promised, self._promise, self._revise
        short = self._short
        due = c.book.due  # the heap itself: it is only ever changed in place
        item_id = stock.item_id
        ledger, ranked, compensation = c.ledger, stock.ranked, c.compensation

        def on_customer(_event) -> None:
            now = now_of()
            units = next_size()
            if log is not None:
                log.append((now, "order", item_id, units))
            rest = fill(now, units)
            if ledger is not None:
                ledger.order(now, units, rest)
            claim = short(c, units, rest, now) if rest else None
            if policy is not None:
                position = stock.on_hand + stock.on_order - stock.backlog_units
                if position <= trigger:
                    units = policy.order_quantity(position)
                    if units > 0:
                        order(node, units, now)
            if claim is not None:
                # After the policy has ordered: the promise counts the order it just placed.
                # Under priority the order waits only for the claims ahead of it.
                needed = units_through(stock, claim) if ranked else stock.backlog_units
                promised(claim, promise(c, needed, now))
                if compensation is not None:
                    compensation.waiting(stock, claim)
            if due:
                revise(c, now)
            next_order(next_arrival())

        next_order = self.schedule.repeating(on_customer)
        return on_customer, next_order

    def _short(self, c: CustomerStream, units: int, rest: int, now: float):
        """The ``rest`` of an order of ``units`` that stock could not ship: substitute, queue or lose it.

        Returns the claim left waiting in the backlog, or None.
        """
        if c.substitutes:
            rest = self._substitute(c, units, rest, now)
            if not rest:
                return None
        stock = c.stock
        claim = stock.shortfall(now, units, rest, c.lost_sales, c.ledger, c.rank)
        if claim is not None:
            if self.log is not None:
                self.log.append((now, "backorder", stock.item_id, claim.remaining))
            if c.patience is not None:
                self.schedule.at(now + c.patience.next(), self._on_patience, (stock, claim))
        return claim

    def _substitute(self, c: CustomerStream, ordered: int, rest: int, now: float) -> int:
        """Offer the listed substitutes for the ``rest`` of an order; returns what is still missing.

        One acceptance draw per listed substitute for every order that needs
        one, whatever the stocks, so the draws stay aligned across scenarios.
        The first substitute accepted with the whole ``rest`` on hand ships it.
        """
        taken = None
        for node, acceptance in c.substitutes:
            accepted = c.acceptance.next() < acceptance
            if taken is None and accepted and node.stock.on_hand >= rest:
                taken = node
        if taken is None:
            return rest
        stock = c.stock
        taken.stock.supply_substitute(now, rest, now >= self.warmup)
        stock.substitute_taken(now, rest, taken.item.id, ordered, c.ledger)
        if self.log is not None:
            self.log.append((now, "substitute", stock.item_id, rest, taken.item.id))
        if taken.continuous:
            self._review(taken, now)
        return 0

    def _promise(self, c: CustomerStream, needed: int, now: float) -> Optional[float]:
        """The date promised to an order filled once ``needed`` more units arrive."""
        when = expected_time(c.node, needed, now)
        if self.log is not None:
            self.log.append((now, "promise", c.stock.item_id, needed, when))
        return when

    def _revise(self, c: CustomerStream, now: float) -> None:
        """Give a new promise to every waiting order whose promised date has passed."""
        for claim in c.book.overdue(now):
            c.book.promised(claim, self._promise(c, units_through(c.stock, claim), now))

    def _on_patience(self, event) -> None:
        stock, claim = event.value
        now = self.schedule.now
        extra = patience_holds(claim)
        if extra is not None:
            # an accepted compensation offer: wait longer, or until filled
            if extra != float("inf") and claim.remaining:
                self.schedule.at(now + extra, self._on_patience, (stock, claim))
            return
        lost = stock.cancel(now, claim)
        if lost and self.log is not None:
            self.log.append((now, "cancel", stock.item_id, lost))
