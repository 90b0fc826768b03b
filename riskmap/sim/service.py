"""Updates to waiting customers and the service-desk contacts of those left without news.

A product with ``updates:`` or ``inquiries:`` has one :class:`ServiceDesk` in
a replication (docs/customers.md, "Updates and inquiries"). Nothing runs while
an order waits: the product's :class:`~riskmap.sim.orders.OrderBook` notes
each promised date that passes with the order still waiting (with the time
the promise was revised, when it was), and when the order's wait ends (filled,
cancelled, or the horizon) the desk works out its timeline at once:

* **updates sent**: one ``every`` after the order started to wait and every
  ``every`` after that, while it still waits; and, with ``on_revision``, one
  at each revision of its promise;
* **updates missed**: each promised date that passed with the order waiting
  and was followed by no update until the promise was revised or the wait
  ended: the customer's date went by and the customer heard nothing;
* **inquiries**: while the order waits past its current promised date, and
  no update came within the last ``after_update``, the customer contacts the
  desk as a Poisson process of ``rate`` per time unit. The contacts of each
  such stretch are drawn at its end from the stream ``inquiry:<product>``:
  their number is Poisson with mean ``rate x length`` and their times are
  uniform over the stretch (the same law as the process itself), so the
  daily counts and their peak are exact.

Only the cohort's orders (placed at or after ``warmup``) count. An order
without a promised date (a product never replenished) is never late.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from riskmap.sim.orders import late


@dataclass(frozen=True)
class ServiceOutcome:
    """One product's updates and inquiries in one replication (figures ``None`` where not modelled)."""

    record_type = "service_outcome"

    updates_sent: Optional[int]
    updates_missed: Optional[int]
    inquiries: Optional[int]
    inquiries_per_day: Optional[float]
    inquiries_peak_day: Optional[int]
    #: accepted compensation offers and their cost (None without compensation rules).
    compensated_orders: Optional[int] = None
    compensation_cost: Optional[float] = None


class ServiceDesk:
    """Updates and inquiries of one product's waiting orders (see the module docstring).

    Parameters
    ----------
    product : riskmap.model.Item
        The product (its ``updates`` and ``inquiries``).
    streams : riskmap.sim.streams.Streams
        The replication's streams (``inquiry:<product>`` is made on first use).
    warmup, horizon : float
        The window of the figures.
    """

    __slots__ = ("product", "updates", "inquiry", "streams", "warmup", "horizon", "sent",
                 "missed", "times", "_rng")

    def __init__(self, product, streams, warmup: float, horizon: float):
        self.product = product.id
        self.updates = product.updates
        self.inquiry = product.inquiries
        self.streams = streams
        self.warmup = warmup
        self.horizon = horizon
        self.sent = 0
        self.missed = 0
        self.times: list[float] = []
        self._rng = None

    def ended(self, claim, end: float) -> None:
        """``claim`` stopped waiting at ``end``: count its updates, missed updates and inquiries."""
        if not claim.cohort:
            return
        passes = list(claim.passes or ())  # (promised date that passed, revised at)
        if claim.promised is not None and late(end, claim.promised):
            passes.append((claim.promised, None))
        updates = self._updates(claim, passes, end)
        self.sent += len(updates)
        before = len(self.times)
        for date, revised in passes:
            stop = end if revised is None else revised
            if not any(date <= u <= stop for u in updates):
                self.missed += 1
        if self.inquiry is not None and self.inquiry.rate > 0:
            for date, revised in passes:
                self._inquiries(date, end if revised is None else revised, updates)
        claim.service = (len(updates) if self.updates is not None else None,
                         len(self.times) - before if self.inquiry is not None else None)

    def _updates(self, claim, passes, end: float) -> list[float]:
        """The times of the updates ``claim`` received while it waited, in order."""
        out = []
        policy = self.updates
        if policy is None:
            return out
        if policy.every:
            k = 1
            while claim.ordered_at + k * policy.every < end:
                out.append(claim.ordered_at + k * policy.every)
                k += 1
        if policy.on_revision:
            out.extend(revised for _, revised in passes if revised is not None)
        out.sort()
        return out

    def _inquiries(self, start: float, stop: float, updates: list[float]) -> None:
        """Draw the contacts of ``[start, stop)``, outside ``after_update`` of every update."""
        quiet = self.inquiry.after_update
        t = start
        for u in updates:
            if u + quiet <= t:
                continue
            if u >= stop:
                break
            if u > t:
                self._draw(t, u)
            t = max(t, u + quiet)
            if t >= stop:
                return
        if stop > t:
            self._draw(t, stop)

    def _draw(self, a: float, b: float) -> None:
        if self._rng is None:
            self._rng = self.streams.rng(f"inquiry:{self.product}")
        n = int(self._rng.poisson(self.inquiry.rate * (b - a)))
        if n:
            self.times.extend((a + (b - a) * self._rng.random(n)).tolist())

    def outcome(self) -> ServiceOutcome:
        """The product's figures; call after every waiting order has ended."""
        sent = missed = None
        if self.updates is not None:
            sent, missed = self.sent, self.missed
        if self.inquiry is None:
            return ServiceOutcome(sent, missed, None, None, None)
        window = self.horizon - self.warmup
        per_day: dict[int, int] = {}
        for t in self.times:
            if t < self.horizon:
                day = math.floor(t)
                per_day[day] = per_day.get(day, 0) + 1
        count = sum(per_day.values())
        return ServiceOutcome(sent, missed, count, count / window if window > 0 else None,
                              max(per_day.values(), default=0))
