"""The figures of one customer class of a product, measured alongside the product's own.

A product whose demand is a list of customer classes (docs/customers.md,
"Customer classes") has one :class:`ClassLedger` per class. Every claim of a
class's orders points at its ledger, and the stock
(:class:`riskmap.sim.inventory.Stock`) and order book
(:class:`riskmap.sim.orders.OrderBook`) tell the ledger what they count for
the product: units ordered, filled at once, queued, shipped later, cancelled
or lost, substituted, promises revised. The ledger keeps the same counts for
its class alone, with the same conventions (cohort orders placed at or after
``warmup``, the backlog integrated over ``[warmup, horizon]``), and measures
the waits and promises of its class with an :class:`~riskmap.sim.orders.OrderBook`
of its own, so that :meth:`ClassLedger.outcome` is a
:class:`~riskmap.sim.results.ProductOutcome` read by the same statistics rows
as a product's.

A product written with one demand mapping has no ledger: its claims carry
``None`` and nothing here runs.
"""

from __future__ import annotations

from typing import Optional

from riskmap.sim.orders import OrderBook
from riskmap.sim.results import ProductOutcome


class ClassLedger:
    """Counts of one customer class in one replication (see the module docstring).

    Parameters
    ----------
    product : str
        The product id.
    class_id : str
        The class id.
    warmup : float
        Counts start at this time.
    """

    __slots__ = ("product", "class_id", "warmup", "book", "ordered", "filled", "backordered",
                 "lost", "served", "longest_wait", "first_backorder", "backlog_time", "waiting",
                 "_last", "claims")

    def __init__(self, product: str, class_id: str, warmup: float):
        self.product = product
        self.class_id = class_id
        self.warmup = warmup
        # Measures waits, promises kept and slips, revisions and substitutions of the
        # class; its heap of promised dates stays empty (the product's book keeps it).
        self.book = OrderBook(product)
        self.ordered = self.filled = self.backordered = self.lost = self.served = 0
        self.longest_wait = 0.0
        self.first_backorder: Optional[float] = None
        self.backlog_time = 0.0
        self.waiting = 0          # units of the class's claims waiting now (any cohort)
        self._last = 0.0
        self.claims: list = []    # the class's claims, to find those waiting at the horizon

    def _advance(self, now: float) -> None:
        """Integrate the class's backlog up to ``now`` (after warm-up only)."""
        if self.waiting:
            lo = self._last if self._last > self.warmup else self.warmup
            if now > lo:
                self.backlog_time += self.waiting * (now - lo)
        if now > self._last:
            self._last = now

    def order(self, now: float, units: int, rest: int) -> None:
        """An order of ``units`` arrived; ``rest`` of them could not ship from stock at once."""
        if now >= self.warmup:
            self.ordered += units
            self.filled += units - rest

    def queued(self, now: float, claim) -> None:
        """``claim`` joined the product's backlog."""
        self._advance(now)
        self.waiting += claim.remaining
        self.claims.append(claim)
        if claim.cohort:
            self.backordered += claim.remaining
            if self.first_backorder is None:
                self.first_backorder = now

    def lost_at_once(self, now: float, units: int) -> None:
        """``units`` were lost at once (lost sales)."""
        if now >= self.warmup:
            self.lost += units

    def shipped(self, now: float, claim, units: int) -> None:
        """``units`` of ``claim`` shipped from the backlog (``claim.remaining`` already lowered)."""
        self._advance(now)
        self.waiting -= units
        if claim.cohort:
            self.served += units
            if not claim.remaining:
                self.longest_wait = max(self.longest_wait, now - claim.ordered_at)
        if not claim.remaining:
            self.book.filled(claim, now)

    def cancelled(self, now: float, claim, units: int) -> None:
        """The ``units`` still owed on ``claim`` were cancelled."""
        self._advance(now)
        self.waiting -= units
        if claim.cohort:
            self.lost += units
            self.longest_wait = max(self.longest_wait, now - claim.ordered_at)
        self.book.cancelled(claim, now, units)

    def substituted(self, now: float, ordered: int, units: int, substitute: str) -> None:
        """A substitute shipped the ``units`` missing from an order of ``ordered``."""
        if now >= self.warmup:
            self.book.substitution(now, ordered, units, substitute)

    def revised(self, claim) -> None:
        """``claim``'s promise passed with the order still waiting (the product counted it)."""
        if claim.cohort:
            self.book.revisions += 1

    def outcome(self, horizon: float) -> ProductOutcome:
        """The class's figures, as a product's; call once, at the horizon."""
        self._advance(horizon)
        waiting = [c for c in self.claims if c.remaining and c.cohort]
        longest = self.longest_wait
        for claim in waiting:
            longest = max(longest, horizon - claim.ordered_at)
        self.book.close(waiting, horizon)
        return ProductOutcome(
            ordered_units=self.ordered,
            filled_from_stock_units=self.filled,
            backorder_units=self.backordered,
            backlog_unit_time=self.backlog_time,
            longest_wait=longest,
            lost_units=self.lost,
            shipped_units=self.filled + self.served,
            waiting_units_at_end=sum(c.remaining for c in waiting),
            first_backorder_time=self.first_backorder,
            **self.book.figures(),
        )
