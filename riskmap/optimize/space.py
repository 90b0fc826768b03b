"""The search space of ``riskmap optimize``: each searched item's policy parameters as whole numbers.

Every policy keeps its type and its review period; what moves is

* ``base_stock``: ``level``;
* ``min_max``: ``min`` and the gap ``max - min`` (so ``max`` moves with ``min``
  unless the gap itself moves);
* ``reorder_point``: ``point`` and ``quantity`` (at least 1).

A *plan* is a tuple of whole numbers, one per :class:`Coordinate`, in the
order of :func:`coordinates` (items sorted by id). An item's initial stock
moves with its trigger (``level``, ``min`` or ``point``): a plan that holds
three more units holds them from time 0, as today's stock relates to today's
policy (never below 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Optional, Sequence

from riskmap.errors import Diagnostic, InputError, Pos, did_you_mean
from riskmap.model import Item, Network, Policy, Scenario

#: the whole-number parameters searched per policy type, the trigger first.
PARAMETERS = {
    "base_stock": ("level",),
    "min_max": ("min", "gap"),
    "reorder_point": ("point", "quantity"),
}
#: the smallest value of each parameter.
LOWEST = {"level": 0, "min": 0, "gap": 0, "point": 0, "quantity": 1}
#: the safety factor of the analytic start: the standard normal's 95 % quantile.
SAFETY_FACTOR = 1.645


@dataclass(frozen=True)
class Coordinate:
    """One searched parameter of one item's policy."""

    item: str
    name: str

    @property
    def lowest(self) -> int:
        """The smallest value the parameter takes."""
        return LOWEST[self.name]

    @property
    def label(self) -> str:
        return f"{self.item}.{self.name}"


def searched_items(network: Network, items: Optional[Sequence[str]] = None) -> tuple[Item, ...]:
    """The items whose policies are searched: ``items`` (all items with a policy when None).

    Raises
    ------
    InputError
        An id that is not an item, or an item without a policy (nothing to search).
    """
    with_policy = {i.id: i for i in network.items if i.policy is not None}
    if items is None:
        return tuple(with_policy[k] for k in sorted(with_policy))
    problems = []
    for item_id in items:
        if item_id not in with_policy:
            known = [i.id for i in network.items]
            if item_id in known:
                message = (f"--items: {item_id!r} has no policy, so there is nothing to "
                           "search; give it a policy in the network file or leave it out")
            else:
                message = f"--items: no item {item_id!r}{did_you_mean(item_id, known)}"
            problems.append(Diagnostic(Pos("riskmap optimize"), message))
    if problems:
        raise InputError(problems)
    return tuple(with_policy[k] for k in sorted(set(items)))


def coordinates(items: Iterable[Item]) -> tuple[Coordinate, ...]:
    """The coordinates of ``items`` (already sorted), each policy's parameters in order."""
    return tuple(Coordinate(item.id, name) for item in items
                 for name in PARAMETERS[item.policy.kind])


def parameters(policy: Policy) -> tuple[int, ...]:
    """The searched values of ``policy`` (:data:`PARAMETERS`)."""
    if policy.kind == "base_stock":
        return (policy.level,)
    if policy.kind == "min_max":
        return (policy.min, policy.max - policy.min)
    return (policy.point, policy.quantity)


def with_parameters(policy: Policy, values: Sequence[int]) -> Policy:
    """``policy`` with the searched ``values``; its type and review period kept."""
    if policy.kind == "base_stock":
        return replace(policy, level=int(values[0]))
    if policy.kind == "min_max":
        return replace(policy, min=int(values[0]), max=int(values[0] + values[1]))
    return replace(policy, point=int(values[0]), quantity=int(values[1]))


def today(items: Sequence[Item]) -> tuple[int, ...]:
    """Today's plan: the values the network file gives."""
    return tuple(v for item in items for v in parameters(item.policy))


def split(items: Sequence[Item], plan: Sequence[int]) -> dict[str, tuple[int, ...]]:
    """``{item id: its values}`` of ``plan``."""
    out, k = {}, 0
    for item in items:
        width = len(PARAMETERS[item.policy.kind])
        out[item.id] = tuple(int(v) for v in plan[k:k + width])
        k += width
    return out


def planned_item(item: Item, values: Sequence[int]) -> Item:
    """``item`` with the plan's policy, its initial stock moved by as much as its trigger."""
    policy = with_parameters(item.policy, values)
    shift = values[0] - parameters(item.policy)[0]
    return replace(item, policy=policy, stock=max(0, item.stock + shift))


def apply(scenario: Scenario, items: Sequence[Item], plan: Sequence[int]) -> Scenario:
    """``scenario`` with the policies of ``plan``; the scenario given is unchanged."""
    values = split(items, plan)
    network = scenario.network
    changed = tuple(planned_item(i, values[i.id]) if i.id in values else i for i in network.items)
    return replace(scenario, network=replace(network, items=changed))


# --------------------------------------------------------------------------- analytic start


def lead_time(item: Item) -> float:
    """The item's mean replenishment time: its primaries' share-weighted mean lead time when
    bought, its assembly time when made, plus the review period."""
    if item.primaries:
        total = sum(s.share for s in item.primaries) or 1.0
        base = sum(s.share * s.lead_time.mean for s in item.primaries) / total
    else:
        base = item.assembly_time.mean
    return base + (item.policy.review_period or 0.0)


def analytic_trigger(item: Item, rate: float) -> int:
    """``ceil(mu + z sqrt(mu))``: lead-time demand ``mu`` and a safety stock of ``z`` = 1.645
    standard deviations, as for Poisson demand (the normal approximation)."""
    mu = rate * lead_time(item)
    return max(0, math.ceil(mu + SAFETY_FACTOR * math.sqrt(mu)))


def analytic(network: Network, items: Sequence[Item]) -> tuple[int, ...]:
    """The analytic start: each trigger from :func:`analytic_trigger`, other values as today."""
    from riskmap.graph import supply_graph

    rates = supply_graph(network).demand_rates
    plan = []
    for item in items:
        values = list(parameters(item.policy))
        values[0] = analytic_trigger(item, rates.get(item.id, 0.0))
        plan.extend(values)
    return tuple(plan)


def with_extra(items: Sequence[Item], plan: Sequence[int], extra: dict[str, int]) -> tuple[int, ...]:
    """``plan`` with ``extra[item]`` more units on each item's trigger."""
    values = split(items, plan)
    out = []
    for item in items:
        v = list(values[item.id])
        v[0] += int(extra.get(item.id, 0))
        out.extend(v)
    return tuple(out)
