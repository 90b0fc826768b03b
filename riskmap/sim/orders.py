"""What happens to the customer orders of one product that could not ship at once.

An :class:`OrderBook` follows every such order of the cohort (placed at or
after ``warmup``) to its end: filled, cancelled when the customer's patience
ran out, still waiting at the horizon, taken by a substitute, or lost at once
(lost sales). From it come the per-replication figures of
docs/customers.md (waits, promises kept, slips, revisions) and, on request,
one flat :class:`~riskmap.sim.results.OrderRecord` per order.

The inventory (riskmap.sim.inventory) tells the book when a waiting order is
filled or cancelled; the engine tells it about promises, substitutions and
lost sales. Promises whose date passes while the order still waits are found
lazily, from a heap keyed by promised date, when the product's stock next
moves (:meth:`OrderBook.overdue`): no event per order.
"""

from __future__ import annotations

import heapq
from typing import Optional

import numpy as np

from riskmap.sim.results import (
    BACKORDER, LOST_SALE, SUBSTITUTION, OrderRecord,
)

#: slack when comparing a fill time with a promised time: both are sums of the
#: same floats, computed in different orders.
TOLERANCE = 1e-9


def late(t: float, promised: float) -> bool:
    """Whether ``t`` is after ``promised`` (beyond rounding)."""
    return t > promised + TOLERANCE * max(1.0, abs(promised))


class OrderBook:
    """Outcomes of one product's waiting, substituted and lost orders in one replication.

    Parameters
    ----------
    product : str
        The product id.
    keep_records : bool
        Whether to keep one record per order (for ``simulate(..., orders=True)``).
    """

    __slots__ = ("product", "keep", "claims", "instant", "waits", "judged", "kept", "slips",
                 "revisions", "due", "_seq", "substituted", "supplied", "desk")

    def __init__(self, product: str, keep_records: bool = False, desk=None):
        self.product = product
        self.keep = keep_records
        self.claims: list = []       # waiting claims of the cohort, for records
        self.instant: list[OrderRecord] = []  # substitutions and lost sales
        self.waits: list[float] = []  # one per finished cohort order (filled or cancelled)
        self.judged = 0
        self.kept = 0
        self.slips: list[float] = []
        self.revisions = 0
        self.due: list = []            # heap of (promised time, sequence, claim)
        self._seq = 0
        self.substituted = 0           # units of this product's orders taken by substitutes
        self.supplied = 0              # units this product shipped as a substitute
        # Updates and inquiries (riskmap.sim.service), for a product with either.
        self.desk = desk

    # -- promises ------------------------------------------------------------------------

    def promised(self, claim, when: Optional[float]) -> None:
        """``claim`` was promised ``when`` (its first promise, or a revision)."""
        claim.promised = when
        if claim.first_promise is None and not claim.revisions:
            claim.first_promise = when
            if claim.cohort and self.keep:
                self.claims.append(claim)
        if when is not None:
            self._seq += 1
            heapq.heappush(self.due, (when, self._seq, claim))

    def overdue(self, now: float) -> list:
        """Waiting claims whose current promise has passed; each counts one revision.

        The caller computes and records (:meth:`promised`) their new promises.
        """
        due = self.due
        out = []
        while due and late(now, due[0][0]):
            when, _, claim = heapq.heappop(due)
            if claim.remaining and claim.promised == when:
                claim.revisions += 1
                if self.desk is not None:
                    if claim.passes is None:
                        claim.passes = []
                    claim.passes.append((when, now))
                if claim.cohort:
                    self.revisions += 1
                if claim.ledger is not None:
                    claim.ledger.revised(claim)
                out.append(claim)
        return out

    # -- ends of waiting orders ------------------------------------------------------------

    def filled(self, claim, now: float) -> None:
        """The last unit of ``claim`` shipped at ``now``."""
        claim.ended_at = now
        if not claim.cohort:
            return
        if self.desk is not None:
            self.desk.ended(claim, now)
        self.waits.append(now - claim.ordered_at)
        promise = claim.first_promise
        if promise is not None:
            self.judged += 1
            if late(now, promise):
                self.slips.append(now - promise)
            else:
                self.kept += 1

    def cancelled(self, claim, now: float, units: int) -> None:
        """``units`` still owed on ``claim`` were cancelled at ``now``."""
        claim.ended_at = now
        claim.cancelled_units = units
        if not claim.cohort:
            return
        if self.desk is not None:
            self.desk.ended(claim, now)
        self.waits.append(now - claim.ordered_at)
        self._broken_if_passed(claim, now)

    def _broken_if_passed(self, claim, end: float) -> None:
        # An order that ends unfilled after its promised date broke the promise;
        # one that ends before it says nothing about the promise.
        promise = claim.first_promise
        if promise is not None and late(end, promise):
            self.judged += 1
            self.slips.append(end - promise)

    # -- orders that never waited ------------------------------------------------------------

    def substitution(self, now: float, ordered: int, units: int, substitute: str,
                     class_id: Optional[str] = None) -> None:
        self.substituted += units
        if self.keep:
            self.instant.append(OrderRecord(SUBSTITUTION, self.product, now, ordered, units,
                                            None, now, None, 0, 0, substitute, class_id))

    def lost_sale(self, now: float, ordered: int, units: int,
                  class_id: Optional[str] = None) -> None:
        if self.keep:
            self.instant.append(OrderRecord(LOST_SALE, self.product, now, ordered, units,
                                            None, None, now, units, 0, None, class_id))

    # -- end of run --------------------------------------------------------------------------

    def close(self, waiting_claims, horizon: float) -> None:
        """Count the cohort orders still waiting at ``horizon`` (their wait runs to it)."""
        for claim in waiting_claims:
            if self.desk is not None:
                self.desk.ended(claim, horizon)
            self.waits.append(horizon - claim.ordered_at)
            self._broken_if_passed(claim, horizon)

    def figures(self) -> dict:
        """The per-replication figures stored in :class:`~riskmap.sim.results.ProductOutcome`."""
        out = {
            "waited_orders": len(self.waits),
            "promises_judged": self.judged,
            "promises_kept": self.kept,
            "eta_revisions": self.revisions,
            "eta_slip": float(np.mean(self.slips)) if self.slips else None,
            "substituted_units": self.substituted,
            "substitute_units_supplied": self.supplied,
        }
        if self.waits:
            waits = np.asarray(self.waits)
            p50, p90, p95 = np.percentile(waits, (50, 90, 95)).tolist()
            out.update(wait_mean=float(waits.mean()), wait_p50=p50, wait_p90=p90, wait_p95=p95)
        return out

    def records(self) -> tuple[OrderRecord, ...]:
        """One record per cohort order that waited, was substituted or lost, by order time."""
        rows = list(self.instant)
        for claim in self.claims:
            cancelled = claim.cancelled_units > 0
            rows.append(OrderRecord(
                BACKORDER, self.product, claim.ordered_at, claim.units, claim.waited,
                claim.first_promise,
                claim.ended_at if claim.ended_at is not None and not cancelled else None,
                claim.ended_at if cancelled else None,
                claim.cancelled_units, claim.revisions, None,
                None if claim.ledger is None else claim.ledger.class_id,
                *(claim.service or (None, None))))
        rows.sort(key=lambda r: r.ordered_at)  # stable: same-time orders keep their order
        return tuple(rows)
