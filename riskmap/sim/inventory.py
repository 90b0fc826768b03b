"""Stock of one item: on hand, on order, the backlog, and what is measured.

The backlog is a queue of :class:`Claim` records, one per customer order or
production order that could not be filled at once, served first-come
first-served as stock arrives with partial shipments (under a product's
``allocation: priority``, by class priority first: a claim joins the queue
behind the claims of its priority and of the priorities before it; under
``allocation: smallest_first``, by the units it is owed when it joins). A claim that is
cancelled (patience ran out) is emptied in place and dropped when it reaches
the head of the queue, so cancelling costs no search.

Statistics follow docs/simulation.md, "Metrics": customer-order counts are by
*cohort* (orders placed at or after ``warmup``, followed to the end of the
horizon), time integrals (backlog, stock-out time, on hand) run over
``[warmup, horizon]``.
"""

from __future__ import annotations

import math
from collections import deque
from operator import floordiv
from typing import Optional

import numpy as np

from riskmap.sim.pipeline import Pipeline
from riskmap.sim.results import PartOutcome, ProductOutcome


class ProductionOrder:
    """An order to make ``units`` of an item from its bill of materials.

    ``received[i]`` counts the units of the ``i``-th component (in the order
    of ``node.bom``) issued to the order so far, ``needs[i]`` the units of it
    each unit made takes. A kit is one unit's worth of every component: the
    order has ``kits()`` complete kits, and ``started`` units are on the line.
    With ``whole`` the order starts only once every kit is complete (the
    item's ``production: whole``); otherwise every complete kit starts as soon
    as the line takes it. ``entry`` is the provisional pipeline entry of the
    units not started yet (riskmap.sim.promises: their planned finishing time).
    """

    __slots__ = ("node", "units", "started", "received", "needs", "whole", "ordered_at",
                 "entry", "_low", "_at_low")

    def __init__(self, node, units: int, ordered_at: float, whole: bool = False):
        self.node = node
        self.units = units
        self.started = 0
        self.needs = node.needs  # shared by the item's orders, never changed
        self.received = [0] * len(self.needs)
        self.whole = whole
        self.ordered_at = ordered_at
        self.entry = None
        # The complete kits are the lowest component's kits; they are kept with the
        # number of components at that level, so an issue to a component above it
        # costs O(1) and the minimum is taken again only when the last one at the
        # lowest level rises (items with many components get many issues per order).
        self._low = 0
        self._at_low = len(self.needs)

    def recount(self) -> None:
        """Take the complete kits afresh after ``received`` was set directly."""
        levels = list(map(floordiv, self.received, self.needs))
        self._low = low = min(levels)
        self._at_low = levels.count(low)

    def issue(self, component: int, units: int) -> None:
        """``units`` of the ``component``-th component were issued to the order."""
        received = self.received
        need = self.needs[component]
        before = received[component] // need
        received[component] += units
        if before == self._low and received[component] // need > before:
            self._at_low -= 1
            if not self._at_low:
                self.recount()

    def kits(self) -> int:
        """Complete kits issued so far: units of the item that can be made."""
        return self._low

    def startable(self) -> int:
        """Units that can start now: the complete kits not started (all or none when ``whole``)."""
        kits = self.kits()
        if self.whole and kits < self.units:
            return 0
        return kits - self.started


class Claim:
    """Units owed to a customer order (``production`` None) or to a production order.

    ``units`` is the order's size, ``waited`` the units that joined the
    backlog, ``remaining`` those still owed. The promise fields are kept by
    riskmap.sim.orders for customer orders of products. ``ledger`` is the
    :class:`~riskmap.sim.classes.ClassLedger` of the order's customer class
    (None for a product written with one demand mapping, and for production
    orders); ``rank`` its place under ``allocation: priority`` (the class
    priority; 0 for production orders, which go first).
    """

    __slots__ = ("units", "remaining", "ordered_at", "cohort", "production", "component",
                 "waited", "promised", "first_promise", "revisions", "ended_at",
                 "cancelled_units", "ledger", "rank", "passes", "service", "extension",
                 "no_cancel")

    def __init__(self, units: int, remaining: int, ordered_at: float, cohort: bool,
                 production: Optional[ProductionOrder] = None, component: int = 0,
                 ledger=None, rank: int = 0):
        self.units = units
        self.remaining = remaining
        self.waited = remaining
        self.ordered_at = ordered_at
        self.cohort = cohort
        self.production = production
        # for a production order: the index of this stock's item in the order's bill
        self.component = component
        self.promised: Optional[float] = None
        self.first_promise: Optional[float] = None
        self.revisions = 0
        self.ended_at: Optional[float] = None
        self.cancelled_units = 0
        self.ledger = ledger
        self.rank = rank
        # (promised date that passed, revised at): kept for updates and inquiries only
        self.passes: Optional[list] = None
        # (updates sent, inquiries) once the wait ended, for the order records
        self.service: Optional[tuple] = None
        # accepted compensation (riskmap.sim.compensation): patience extended, or removed
        self.extension = 0.0
        self.no_cancel = False


class Stock:
    """The inventory of one item in one replication.

    Parameters
    ----------
    item_id : str
        The item.
    on_hand : int
        Initial stock.
    warmup : float
        Statistics start at this time.
    samples : int
        Length of the on-hand and backlog series (sampled at integer times
        ``0..samples-1``); 0 for none.
    log : list or None
        When a list, shipments are appended to it as ``(time, "ship", item, units)``.
    book : OrderBook or None
        For a product: follows its waiting orders (riskmap.sim.orders).
    ranked : bool
        Whether the backlog is served by claim rank, first come first served
        within a rank (``allocation: priority`` or ``smallest_first``), rather
        than first come first served.
    by_size : bool
        Whether a customer claim's rank is the units it is owed when it joins
        (``allocation: smallest_first``) rather than its class priority.

    ``pipeline`` holds the item's scheduled receipts, kept by the engine
    (:class:`riskmap.sim.pipeline.Pipeline`, read by riskmap.sim.promises).
    """

    __slots__ = (
        "item_id", "on_hand", "on_order", "backlog", "backlog_units", "warmup", "log",
        "_last", "_next_k", "_samples", "series_on_hand", "series_backlog",
        "backlog_time", "stockout_time", "on_hand_time",
        "ordered", "filled", "backordered", "lost", "served", "longest_wait", "first_backorder",
        "book", "pipeline", "watch", "ranked", "by_size",
    )

    def __init__(self, item_id: str, on_hand: int, warmup: float, samples: int = 0, log=None,
                 book=None, ranked: bool = False, by_size: bool = False):
        self.item_id = item_id
        self.on_hand = int(on_hand)
        self.on_order = 0
        self.backlog: deque[Claim] = deque()
        self.backlog_units = 0
        self.warmup = warmup
        self.log = log
        self._last = 0.0
        self._next_k = 0
        # Python lists while the run goes (an append is far cheaper than writing
        # into a numpy array, and touch() samples once per integer time crossed);
        # numpy arrays after close().
        self._samples = samples
        self.series_on_hand = [] if samples else None
        self.series_backlog = [] if samples else None
        self.backlog_time = 0.0
        self.stockout_time = 0.0
        # integral of on hand over [warmup, horizon] (unit-time): the holding cost's base
        self.on_hand_time = 0.0
        # Cohort units: ordered, shipped from stock at once, queued, lost, and shipped
        # from the backlog later (units shipped in all = filled + served).
        self.ordered = self.filled = self.backordered = self.lost = self.served = 0
        self.longest_wait = 0.0
        self.first_backorder: Optional[float] = None
        self.book = book
        self.pipeline = Pipeline()
        # The item's alert watch (riskmap.sim.watch), only when an alert rule watches it.
        self.watch = None
        self.ranked = ranked
        self.by_size = by_size

    @property
    def position(self) -> int:
        """Inventory position: on hand + on order - backlog."""
        return self.on_hand + self.on_order - self.backlog_units

    def touch(self, now: float) -> None:
        """Account for the time since the last change; call before changing on hand or backlog.

        Series samples are right-continuous: the value at integer time ``k`` is
        the state after every event at times ``<= k``.
        """
        if self.watch is not None:
            # what is about to change held since the last change: the state every event at
            # that time left, so an instant's passing dip is never taken for a warning
            self.watch.moving(now, self)
        last = self._last
        if now <= last:
            return
        lo = last if last > self.warmup else self.warmup
        if now > lo:
            if self.on_hand:
                self.on_hand_time += self.on_hand * (now - lo)
            if self.backlog_units:
                self.backlog_time += self.backlog_units * (now - lo)
                self.stockout_time += now - lo
        if self.series_on_hand is not None:
            k = self._next_k
            if k < now:
                end = min(math.ceil(now), self._samples)
                if end > k:
                    self._sample(end - k)
                    self._next_k = end
        self._last = now

    def hold(self, now: float) -> None:
        """:meth:`touch` for its commonest case, nothing waiting and no series: only on hand is integrated.

        The caller checked ``now > self._last``.
        """
        if self.on_hand and now > self.warmup:
            last = self._last
            self.on_hand_time += self.on_hand * (now - (last if last > self.warmup
                                                         else self.warmup))
        self._last = now

    def _sample(self, count: int) -> None:
        """Append the current on hand and backlog ``count`` times to the series."""
        if count == 1:
            self.series_on_hand.append(self.on_hand)
            self.series_backlog.append(self.backlog_units)
        else:
            self.series_on_hand.extend([self.on_hand] * count)
            self.series_backlog.extend([self.backlog_units] * count)

    # -- customer orders ---------------------------------------------------------------

    def customer_order(self, now: float, units: int, lost_sales: bool) -> Optional[Claim]:
        """A customer order of ``units``: ship from stock what can be, queue or lose the rest.

        Returns the claim now waiting in the backlog, or None.
        """
        rest = self.fill(now, units)
        return self.shortfall(now, units, rest, lost_sales) if rest else None

    def fill(self, now: float, units: int) -> int:
        """Ship what can be of a customer order of ``units`` from stock; returns the rest."""
        if now > self._last:
            # touch() inlined for its commonest case (nothing waits, no series): only on
            # hand is integrated (Stock.hold, one call per customer order saved)
            if self.backlog_units or self.series_on_hand is not None or self.watch is not None:
                self.touch(now)
            else:
                if self.on_hand and now > self.warmup:
                    last = self._last
                    self.on_hand_time += self.on_hand * (
                        now - (last if last > self.warmup else self.warmup))
                self._last = now
        on_hand = self.on_hand
        give = units if units <= on_hand else on_hand
        self.on_hand = on_hand - give
        if now >= self.warmup:
            self.ordered += units
            self.filled += give
        return units - give

    def shortfall(self, now: float, units: int, rest: int, lost_sales: bool, ledger=None,
                  rank: int = 0) -> Optional[Claim]:
        """The ``rest`` of an order of ``units`` that no stock could ship: queue it or lose it.

        ``ledger`` and ``rank``: the order's customer class (see :class:`Claim`).
        """
        cohort = now >= self.warmup
        if lost_sales:
            if cohort:
                self.lost += rest
                if self.book is not None:
                    self.book.lost_sale(now, units, rest,
                                        None if ledger is None else ledger.class_id)
            if ledger is not None:
                ledger.lost_at_once(now, rest)
            return None
        if self.by_size:
            rank = rest  # the smallest order first (ties: first come first served)
        claim = Claim(units, rest, now, cohort, ledger=ledger, rank=rank)
        self._enqueue(claim)
        self.backlog_units += rest
        if cohort:
            self.backordered += rest
            if self.first_backorder is None:
                self.first_backorder = now
        if ledger is not None:
            ledger.queued(now, claim)
        return claim

    def _enqueue(self, claim: Claim) -> None:
        """Put ``claim`` at the end of the backlog or, when ranked, behind every claim of its rank or a lower one."""
        backlog = self.backlog
        if not self.ranked or not backlog or backlog[-1].rank <= claim.rank:
            backlog.append(claim)
            return
        i = len(backlog) - 1
        while i > 0 and backlog[i - 1].rank > claim.rank:
            i -= 1
        backlog.insert(i, claim)

    def to_front(self, now: float, claim: Claim) -> None:
        """Move a waiting ``claim`` to the front of the backlog, behind the claims of rank 0 there.

        Its rank becomes 0 (an order upgraded to priority by a compensation offer).
        """
        backlog = self.backlog
        backlog.remove(claim)
        claim.rank = 0
        i = 0
        while i < len(backlog) and backlog[i].rank <= 0:
            i += 1
        backlog.insert(i, claim)

    def substitute_taken(self, now: float, units: int, substitute: str, ordered: int,
                         ledger=None) -> None:
        """``units`` of an order of ``ordered`` were shipped by the product ``substitute``."""
        if now >= self.warmup and self.book is not None:
            self.book.substitution(now, ordered, units, substitute,
                                   None if ledger is None else ledger.class_id)
        if ledger is not None:
            ledger.substituted(now, ordered, units, substitute)

    def supply_substitute(self, now: float, units: int, cohort: bool) -> None:
        """Ship ``units`` from stock in place of another product (the caller checked they are on hand)."""
        self.touch(now)
        self.on_hand -= units
        if cohort and self.book is not None:
            self.book.supplied += units

    def cancel(self, now: float, claim: Claim) -> int:
        """Cancel what is still owed on ``claim`` (patience ran out); returns the units lost."""
        rest = claim.remaining
        if not rest:
            return 0
        self.touch(now)
        self.backlog_units -= rest
        claim.remaining = 0
        if claim.cohort:
            self.lost += rest
            self.longest_wait = max(self.longest_wait, now - claim.ordered_at)
        if self.book is not None:
            self.book.cancelled(claim, now, rest)
        if claim.ledger is not None:
            claim.ledger.cancelled(now, claim, rest)
        return rest

    # -- internal demand ---------------------------------------------------------------

    def request(self, now: float, order: ProductionOrder, component: int, units: int) -> bool:
        """``units`` of this item for ``order`` (its ``component``-th): issue what is on hand, queue the rest.

        Returns True when every unit was on hand. The caller recounts the order's
        kits (ProductionOrder.recount) once every component was requested.
        """
        self.touch(now)
        give = units if units <= self.on_hand else self.on_hand
        self.on_hand -= give
        order.received[component] += give  # the caller recounts the new order's kits
        if give and self.log is not None:
            self.log.append((now, "issue", self.item_id, give, order.node.item.id))
        rest = units - give
        if not rest:
            return True
        self._enqueue(Claim(units, rest, now, now >= self.warmup, order, component))
        self.backlog_units += rest
        return False

    # -- receipts ----------------------------------------------------------------------

    def receive(self, now: float, units: int) -> Optional[list[ProductionOrder]]:
        """``units`` arrive: add them to stock and serve the backlog FCFS.

        Returns the production orders that were issued units of this item, in
        the order they were served (None when there are none).
        """
        self.touch(now)
        self.on_hand += units
        self.on_order -= units
        if self.backlog_units:
            return self._serve(now)
        return None

    def _serve(self, now: float) -> Optional[list[ProductionOrder]]:
        issued = None
        backlog = self.backlog
        log = self.log
        while self.on_hand and backlog:
            claim = backlog[0]
            rest = claim.remaining
            if not rest:
                backlog.popleft()
                continue
            give = rest if rest <= self.on_hand else self.on_hand
            self.on_hand -= give
            self.backlog_units -= give
            rest -= give
            claim.remaining = rest
            if claim.production is None:
                if log is not None:
                    log.append((now, "ship", self.item_id, give))
                if claim.cohort:
                    self.served += give
                    if not rest:
                        self.longest_wait = max(self.longest_wait, now - claim.ordered_at)
                if not rest and self.book is not None:
                    self.book.filled(claim, now)
                if claim.ledger is not None:
                    claim.ledger.shipped(now, claim, give)
            else:
                order = claim.production
                order.issue(claim.component, give)
                if log is not None:
                    log.append((now, "issue", self.item_id, give, order.node.item.id))
                # an order has one claim on each component's stock: it is listed once
                issued = [order] if issued is None else issued + [order]
            if not rest:
                backlog.popleft()
        return issued

    # -- end of run --------------------------------------------------------------------

    def close(self, horizon: float) -> None:
        """Account up to the horizon and complete the series (the watch sees the last state)."""
        self.touch(horizon)
        if self.series_on_hand is not None:
            if self._samples > self._next_k:
                self._sample(self._samples - self._next_k)
            self._next_k = self._samples
            self.series_on_hand = np.asarray(self.series_on_hand, dtype=np.int64)
            self.series_backlog = np.asarray(self.series_backlog, dtype=np.int64)

    def waiting_cohort_units(self) -> int:
        """Units of cohort customer orders still waiting."""
        return sum(c.remaining for c in self.backlog if c.production is None and c.cohort)

    def on_hand_mean(self, horizon: float) -> float:
        """Time-averaged on hand over ``[warmup, horizon]`` (0 for an empty window); after :meth:`close`."""
        window = horizon - self.warmup
        return self.on_hand_time / window if window > 0 else 0.0

    def part_outcome(self, horizon: float, rejected_units: int = 0) -> PartOutcome:
        """The part's outcome (``rejected_units``: failed inspection); call after :meth:`close`."""
        return PartOutcome(stock_out_time=self.stockout_time, on_hand_time=self.on_hand_time,
                           on_hand_mean=self.on_hand_mean(horizon), rejected_units=rejected_units)

    def outcome(self, horizon: float) -> ProductOutcome:
        """The product's outcome; call after :meth:`close`."""
        longest = self.longest_wait
        waiting = [c for c in self.backlog if c.remaining and c.cohort and c.production is None]
        for claim in waiting:
            longest = max(longest, horizon - claim.ordered_at)
        book = {}
        if self.book is not None:
            self.book.close(waiting, horizon)
            book = self.book.figures()
        return ProductOutcome(
            ordered_units=self.ordered,
            filled_from_stock_units=self.filled,
            backorder_units=self.backordered,
            backlog_unit_time=self.backlog_time,
            longest_wait=longest,
            lost_units=self.lost,
            shipped_units=self.filled + self.served,
            waiting_units_at_end=self.waiting_cohort_units(),
            first_backorder_time=self.first_backorder,
            on_hand_time=self.on_hand_time,
            on_hand_mean=self.on_hand_mean(horizon),
            **book,
        )
