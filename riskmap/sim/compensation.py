"""Compensation offered to waiting customers: when, at what cost, with what effect.

A product with ``compensation:`` rules has one :class:`CompensationDesk` in a
replication (docs/customers.md, "Compensation"). When one of its orders
starts to wait, the desk schedules, for each rule, the moment of the offer:

* ``when: waited``: ``after`` time units after the order was placed;
* ``when: broken_promise``: the order's first promised date (none without a
  promise).

At that moment, if the order still waits, the customer is made the offer and
accepts it with the rule's ``acceptance`` probability: one draw per offer
from the stream ``compensation:<product>:<rule>``. An accepted offer costs
``amount``, or ``share`` of the product's price for each unit still owed, and
takes effect: the customer's patience is extended by ``extends_patience``
(the cancellation, when it comes, is put off by that much) or, with
``prevents_cancellation``, the customer waits until the order is filled; the
offer ``priority`` moves the order to the front of the product's queue
(behind production orders and earlier upgrades). A rule makes at most one
offer per order; a rule with ``classes`` is for the orders of those customer
classes only. Offers and their costs are counted for the orders placed after
warm-up.
"""

from __future__ import annotations

from typing import Optional


class RuleTally:
    """What one rule did in one replication: offers made, accepted, and their cost."""

    __slots__ = ("offers", "accepted", "cost")

    def __init__(self):
        self.offers = 0
        self.accepted = 0
        self.cost = 0.0


class CompensationDesk:
    """The compensation rules of one product in one replication (see the module docstring).

    Parameters
    ----------
    item : riskmap.model.Item
        The product (its ``compensation`` rules and ``price``).
    streams : riskmap.sim.streams.Streams
        The replication's streams.
    schedule
        The replication's schedule (:mod:`riskmap.sim.schedule`).
    log : list or None
        The event log: offers are logged as ``(time, "offer", product, units, rule, accepted)``.
    """

    __slots__ = ("item", "rules", "tallies", "streams", "schedule", "log", "_rngs", "_offer_cb")

    def __init__(self, item, streams, schedule, log=None):
        self.item = item
        self.rules = item.compensation
        self.tallies = {rule.id: RuleTally() for rule in self.rules}
        self.streams = streams
        self.schedule = schedule
        self.log = log
        self._rngs: dict[str, object] = {}
        self._offer_cb = self._on_offer

    def waiting(self, stock, claim) -> None:
        """``claim`` has just started to wait (and been promised): schedule its offers."""
        for rule in self.rules:
            if rule.classes and (claim.ledger is None or claim.ledger.class_id not in rule.classes):
                continue
            if rule.when == "waited":
                at = claim.ordered_at + rule.after
            elif claim.first_promise is not None:
                at = claim.first_promise
            else:
                continue
            self.schedule.at(at, self._offer_cb, (stock, claim, rule))

    def _on_offer(self, event) -> None:
        stock, claim, rule = event.value
        if not claim.remaining:
            return
        now = self.schedule.now
        accepted = self._rng(rule).random() < rule.acceptance
        tally = self.tallies[rule.id]
        cost = self.cost(rule, claim.remaining) if accepted else 0.0
        if claim.cohort:
            tally.offers += 1
            if accepted:
                tally.accepted += 1
                tally.cost += cost
        if self.log is not None:
            self.log.append((now, "offer", stock.item_id, claim.remaining, rule.id, accepted))
        if not accepted:
            return
        if rule.prevents_cancellation:
            claim.no_cancel = True
        elif rule.extends_patience:
            claim.extension += rule.extends_patience
        if rule.offer == "priority":
            stock.to_front(now, claim)

    def cost(self, rule, units: int) -> float:
        """What an accepted offer of ``rule`` costs for an order still owed ``units``."""
        if rule.amount is not None:
            return float(rule.amount)
        if rule.share is not None:
            return float(rule.share * (self.item.price or 0.0) * units)
        return 0.0

    def _rng(self, rule):
        rng = self._rngs.get(rule.id)
        if rng is None:
            rng = self.streams.rng(f"compensation:{self.item.id}:{rule.id}")
            self._rngs[rule.id] = rng
        return rng

    def figures(self) -> tuple[int, float, dict[str, tuple[int, int, float]]]:
        """Compensated orders and cost over every rule, and ``{rule: (offers, accepted, cost)}``."""
        per_rule = {rule_id: (t.offers, t.accepted, t.cost) for rule_id, t in self.tallies.items()}
        return (sum(t.accepted for t in self.tallies.values()),
                sum(t.cost for t in self.tallies.values()), per_rule)


def patience_holds(claim) -> Optional[float]:
    """At a patience expiry: ``None`` to cancel now, else how much longer the customer waits.

    ``inf`` when an accepted offer prevents the cancellation; the extension
    otherwise (then used up).
    """
    if claim.no_cancel:
        return float("inf")
    if claim.extension:
        extra, claim.extension = claim.extension, 0.0
        return extra
    return None
