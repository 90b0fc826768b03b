"""Changed copies of a scenario: the scenarios the counterfactual arms run.

Each function returns a new :class:`~riskmap.model.Scenario` and leaves its
argument alone (the model is frozen dataclasses; copies are made with
:func:`dataclasses.replace`). A copy changes one thing -- an alternate lane
switched off, a candidate supplier added, extra stock held, one ``what_if:``
applied -- and keeps every draw the engine makes for the rest, so that
replication ``i`` of the copy is paired with replication ``i`` of the
scenario as written (docs/counterfactuals.md, "Why pairing matters").
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable, Iterable, Optional, Sequence

from riskmap.dists import Constant
from riskmap.model import Candidate, Item, Policy, Scenario, WhatIf

#: ``(item id, supplier id)``: one lane.
Lane = tuple[str, str]


def alternate_sources(scenario: Scenario) -> list[Lane]:
    """``(item id, supplier id)`` of every alternate lane of the network, sorted."""
    return sorted((item.id, source.supplier) for item in scenario.network.items
                  for source in item.alternates)


def _with_items(scenario: Scenario, change: Callable[[Item], Item]) -> Scenario:
    network = replace(scenario.network, items=tuple(change(i) for i in scenario.network.items))
    return replace(scenario, network=network)


def without_alternate(scenario: Scenario, item_id: str, supplier_id: str) -> Scenario:
    """``scenario`` with the alternate lane ``supplier_id -> item_id`` removed (a new object)."""
    return without_alternates(scenario, keep=set(alternate_sources(scenario))
                              - {(item_id, supplier_id)})


def without_alternates(scenario: Scenario, keep: Iterable[Lane] = ()) -> Scenario:
    """``scenario`` with every alternate lane removed except those in ``keep``."""
    kept = set(keep)

    def strip(item: Item) -> Item:
        sources = tuple(s for s in item.sources
                        if not s.alternate or (item.id, s.supplier) in kept)
        return item if len(sources) == len(item.sources) else replace(item, sources=sources)

    return _with_items(scenario, strip)


#: the activation delay of a switched-off alternate: it never takes over.
NEVER = Constant(math.inf)


def switched_off(scenario: Scenario, lanes: Iterable[Lane]) -> Scenario:
    """``scenario`` with the alternate ``lanes`` switched off: they never take an order.

    The lane stays in the network with an infinite activation delay rather
    than being removed, so that every draw the engine makes per lane (a part
    delay or shortage draws one duration per lane of the part, in supplier
    order, from one stream) is the same in both arms of a comparison. An
    item without primaries buys from its alternates directly; there the lane
    is removed.
    """
    off = set(lanes)

    def change(item: Item) -> Item:
        if not any((item.id, s.supplier) in off for s in item.alternates):
            return item
        if not item.primaries:
            return replace(item, sources=tuple(s for s in item.sources
                                               if (item.id, s.supplier) not in off))
        return replace(item, sources=tuple(
            replace(s, activation_delay=NEVER) if s.alternate and (item.id, s.supplier) in off
            else s for s in item.sources))

    return _with_items(scenario, change)


def with_suppliers(scenario: Scenario, candidates: Sequence[Candidate]) -> Scenario:
    """``scenario`` with the candidates' suppliers that are new added, without any lane.

    A supplier with no lane changes no flow of units; it is registered so that
    the disruption draws are the same with and without a candidate's lanes (a
    region disaster without ``duration`` draws one recovery time per supplier
    of the region, in id order, from one stream).
    """
    known = {s.id for s in scenario.network.suppliers}
    new = sorted({c.supplier.id: c.supplier for c in candidates
                  if c.supplier.id not in known}.items())
    if not new:
        return scenario
    network = replace(scenario.network,
                      suppliers=scenario.network.suppliers + tuple(s for _, s in new))
    return replace(scenario, network=network)


def with_candidates_off(scenario: Scenario, candidates: Sequence[Candidate]) -> Scenario:
    """The reference of the candidate comparisons: the candidates' new suppliers and
    alternate lanes present but switched off (:func:`switched_off`), no primary lane."""
    scenario = with_suppliers(scenario, candidates)
    lanes = {}
    for candidate in candidates:
        for item_id, source in candidate.sources:
            if source.alternate:
                lanes.setdefault(item_id, []).append(replace(source, activation_delay=NEVER))

    def add(item: Item) -> Item:
        extra = sorted(lanes.get(item.id, ()), key=lambda s: s.supplier)
        return replace(item, sources=item.sources + tuple(extra)) if extra else item

    return _with_items(scenario, add)


def with_candidate(scenario: Scenario, candidate: Candidate,
                   others: Sequence[Candidate] = ()) -> Scenario:
    """``scenario`` with the candidate's supplier and lanes added.

    The other candidates (``others``) are present but switched off, as in
    :func:`with_candidates_off`, so the arm differs from that reference by
    this candidate's lanes alone. A primary lane joins the item's primaries
    with weight ``share`` (default: the mean share of the existing
    primaries), and all primary shares are normalised to sum to 1 again.
    """
    scenario = with_candidates_off(scenario, [candidate, *[c for c in others
                                                            if c.id != candidate.id]])
    lanes = dict(candidate.sources)

    def add(item: Item) -> Item:
        source = lanes.get(item.id)
        if source is None:
            return item
        if source.alternate:
            return replace(item, sources=tuple(
                source if s.alternate and s.supplier == candidate.id else s
                for s in item.sources))
        primaries = item.primaries
        weight = source.share or (1.0 / len(primaries) if primaries else 1.0)
        total = 1.0 + weight if primaries else weight
        rescaled = tuple(s if s.alternate else replace(s, share=s.share / total)
                         for s in item.sources)
        return replace(item, sources=rescaled + (replace(source, share=weight / total),))

    return _with_items(scenario, add)


def with_what_if(scenario: Scenario, what_if: WhatIf) -> Scenario:
    """``scenario`` with one ``what_if:`` variation applied."""
    target = what_if.target
    if target.kind == "supplier":
        suppliers = tuple(replace(s, capacity=what_if.capacity) if s.id == target.id else s
                          for s in scenario.network.suppliers)
        return replace(scenario, network=replace(scenario.network, suppliers=suppliers))

    def change(item: Item) -> Item:
        if item.id != target.id:
            return item
        updates = {}
        if what_if.stock is not None:
            updates["stock"] = what_if.stock
        if what_if.policy is not None:
            updates["policy"] = what_if.policy
        if what_if.capacity is not None:
            updates["capacity"] = what_if.capacity
        return replace(item, **updates)

    return _with_items(scenario, change)


def without_rule(scenario: Scenario, product: str, rule: str) -> Scenario:
    """``scenario`` without the compensation rule ``rule`` of ``product``.

    The rule draws on a stream of its own (``compensation:<product>:<rule>``),
    so removing it shifts no other draw: the two runs share their customers,
    lead times and disruptions.
    """
    def change(item: Item) -> Item:
        if item.id != product:
            return item
        return replace(item, compensation=tuple(c for c in item.compensation if c.id != rule))

    return _with_items(scenario, change)


def raised_policy(policy: Optional[Policy], units: int) -> Optional[Policy]:
    """``policy`` with every level raised by ``units``, so the extra stock is held, not spent once.

    >>> raised_policy(Policy("min_max", min=5, max=20), 3)
    Policy(kind='min_max', level=None, min=8, max=23, point=None, quantity=None, review_period=None)
    """
    if policy is None:
        return None
    updates = {key: getattr(policy, key) + units for key in ("level", "min", "max", "point")
               if getattr(policy, key) is not None}
    return replace(policy, **updates)


def with_extra_stock(scenario: Scenario, units: dict[str, int]) -> Scenario:
    """``scenario`` with ``units[item]`` more units on hand at the start and in every policy level."""
    def change(item: Item) -> Item:
        extra = units.get(item.id, 0)
        if not extra:
            return item
        return replace(item, stock=item.stock + extra, policy=raised_policy(item.policy, extra))

    return _with_items(scenario, change)


def spared(scenario: Scenario, supplier_id: str) -> Scenario:
    """``scenario`` in which supplier ``supplier_id`` never stops (a new object).

    Its outages, its share of a region disaster and its tier-2 stops are
    still drawn but never take it down (:attr:`riskmap.model.Scenario.spared`),
    so every other supplier is down exactly when it is in the scenario as
    written, and replication ``i`` of the copy pairs with replication ``i``
    of the scenario; suppliers that depend on it no longer stop through it.
    """
    return replace(scenario, spared=tuple(sorted(set(scenario.spared) | {supplier_id})))
