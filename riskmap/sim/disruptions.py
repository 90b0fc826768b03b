"""Drawing a replication's disruptions before the first event.

Disruptions do not depend on the state of the network, so each replication
draws all of them up front from their own streams (``disruption:<id>`` for
occurrence times and durations, ``cover:<supplier>`` for tier-2 cover) and the
engine reads the result as functions of time: which suppliers are down when,
the capacity and lead-time factors of each supplier and lane, and the demand
surge factors of each product. The engine schedules no polling events for any
of this.

Semantics (docs/simulation.md, "Disruptions"):

* An occurrence starts at ``at`` (a draw) or, without ``at``, uniformly within
  ``[0, horizon)``; it happens with ``probability``. With ``rate``,
  occurrences follow a Poisson process from ``at`` (or 0) to the horizon, each
  kept with ``probability``. With ``every`` (outages), the supplier alternates
  from ``at`` (or 0): up for a draw of ``every``, down for a duration, again
  and again to the horizon; the whole process happens with ``probability``.
* It lasts ``duration`` (one draw per occurrence) or, without it, the struck
  supplier's ``ttr`` (one draw per supplier, so each supplier of a region
  recovers on its own); a supplier without ``ttr`` stays down to the end.
* A supplier that ``depends_on`` another stops ``cover`` (one draw per
  stoppage of the tier-2) after the tier-2 stops, unless the tier-2 is back
  first, and restarts when the tier-2 restarts. Propagation follows the
  dependency chain tier by tier.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from riskmap.graph import supply_graph
from riskmap.model import Disruption, Network, Scenario, trigger_order
from riskmap.sim.calendar import Interval, merge
from riskmap.sim.streams import Streams

Window = tuple[float, float, float]  # start, end, factor

#: equal steps of a gradual recovery (``ramp``): each at the mean of the linear ramp over
#: it, so the capacity delivered by the end of every step is exactly the linear ramp's.
RAMP_STEPS = 10
LaneKey = tuple[str, str]  # item id, supplier id


@dataclass(frozen=True)
class Occurrence:
    """One drawn occurrence of a disruption on one subject (for logs and tests)."""

    disruption: str
    kind: str
    subject: str
    start: float
    end: float


@dataclass
class DisruptionPlan:
    """Everything the disruptions of one replication do, as functions of time.

    Attributes
    ----------
    down : dict
        Supplier id -> sorted disjoint ``[start, end)`` intervals when it ships
        nothing (outages, disasters and tier-2 stops).
    supplier_capacity, lane_capacity : dict
        Capacity factor windows ``(start, end, factor)`` by supplier id and by
        ``(item id, supplier id)`` lane.
    supplier_delay, lane_delay : dict
        Lead-time factor windows, by supplier and by lane.
    surge : dict
        Demand factor windows by item id.
    supplier_quality, lane_quality : dict
        Reject share windows ``(start, end, reject)`` of quality disruptions, by
        supplier and by lane.
    transit : dict
        Supplier id -> ``[start, end)`` intervals during which its shipments on
        their way are held (transit disruptions).
    occurrences : list of Occurrence
        What was drawn, in draw order (tier-2 stops have kind ``tier2``).
    """

    down: dict[str, tuple[Interval, ...]] = field(default_factory=dict)
    supplier_capacity: dict[str, list[Window]] = field(default_factory=dict)
    lane_capacity: dict[LaneKey, list[Window]] = field(default_factory=dict)
    supplier_delay: dict[str, list[Window]] = field(default_factory=dict)
    lane_delay: dict[LaneKey, list[Window]] = field(default_factory=dict)
    surge: dict[str, list[Window]] = field(default_factory=dict)
    supplier_quality: dict[str, list[Window]] = field(default_factory=dict)
    lane_quality: dict[LaneKey, list[Window]] = field(default_factory=dict)
    transit: dict[str, list[Interval]] = field(default_factory=dict)
    occurrences: list[Occurrence] = field(default_factory=list)


def draw_plan(scenario: Scenario, streams: Streams) -> DisruptionPlan:
    """Draw every disruption of ``scenario`` for one replication.

    Disruptions are drawn in file order, except that one set off by others
    (``triggers``) is drawn after all of them: it happens at the times they
    set it off, and not otherwise.
    """
    network = scenario.network
    horizon = scenario.horizon
    plan = DisruptionPlan()
    own_down: dict[str, list[Interval]] = {s.id: [] for s in network.suppliers}
    set_off: dict[str, list[float]] = {t.id: [] for d in scenario.disruptions
                                       for t in d.triggers}
    for d in trigger_order(scenario.disruptions):
        rng = streams.rng(f"disruption:{d.id}")
        if d.id in set_off:
            starts = sorted(t for t in set_off[d.id] if t < horizon)
        elif d.every is not None:
            starts = _recurring(d, rng, horizon, network, plan, own_down)
        else:
            starts = occurrence_starts(d, rng, horizon)
        if d.id in set_off or d.every is None:
            for start in starts:
                _apply(d, start, network, rng, plan, own_down)
        for trigger in d.triggers:
            set_off[trigger.id] += triggered_starts(d, trigger, starts, streams)
    for sid in scenario.spared:  # drawn as usual above, so the other suppliers' draws stay paired
        own_down[sid] = []
    plan.down = propagate_tier2(network, own_down, streams, plan.occurrences, scenario.spared)
    return plan


def _recurring(d, rng, horizon, network, plan, own_down) -> list[float]:
    """Record the down windows (and ramps) of an outage recurring with ``every``; their starts."""
    ramps: list[tuple[float, float]] = []
    windows = alternating_windows(d, rng, horizon, network, ramps)
    for start, end in windows:
        _record(plan, d, d.target.id, start, end)
        own_down[d.target.id].append((start, end))
    for end, length in ramps:
        plan.supplier_capacity.setdefault(d.target.id, []).extend(ramp_windows(end, length, 0.0))
    return [start for start, _ in windows]


def triggered_starts(d: Disruption, trigger, starts, streams: Streams) -> list[float]:
    """When the occurrences of ``d`` starting at ``starts`` set off ``trigger.id``.

    Per occurrence, in time order, from stream ``trigger:<d>:<triggered>``: a
    uniform (it sets it off when below ``trigger.probability``) and then a draw
    of ``trigger.after``, both drawn whether or not it sets it off.
    """
    rng = streams.rng(f"trigger:{d.id}:{trigger.id}")
    out = []
    for start in starts:
        u = rng.random()
        after = trigger.after.sample(rng)
        if u < trigger.probability:
            out.append(start + after)
    return out


def occurrence_starts(d: Disruption, rng: np.random.Generator, horizon: float) -> list[float]:
    """Start times of the occurrences of ``d`` in one replication.

    The same number of draws is taken whether or not the occurrence happens, so
    the probability of one disruption does not shift the rest of its stream.
    """
    if d.rate is not None:
        if d.rate <= 0:
            return []
        t = d.at.sample(rng) if d.at is not None else 0.0
        out = []
        while True:
            t += rng.exponential(1.0 / d.rate)
            if t >= horizon:
                return out
            if rng.random() < d.probability:
                out.append(t)
    u = rng.random()
    start = d.at.sample(rng) if d.at is not None else rng.uniform(0.0, horizon)
    return [start] if u < d.probability else []


def alternating_windows(d: Disruption, rng: np.random.Generator, horizon: float,
                        network: Network, ramps: Optional[list] = None) -> list[Interval]:
    """The down windows of an outage that recurs with ``every``, in time order.

    From ``at`` (a draw; 0 without it) the supplier is up for a draw of
    ``every``, then down for a draw of the duration (the supplier's ``ttr``
    without one), then up again, and so on until an outage would start at or
    after the horizon. The first draw decides with ``probability`` whether the
    process runs at all in this replication. A down time without end (no
    duration and no ``ttr``) is the last. With ``ramp``, a draw of it follows
    each down time's, and ``(end, ramp)`` goes to ``ramps``; the up time counts
    from the end of the outage, the ramp included.
    """
    ramps = [] if ramps is None else ramps
    u = rng.random()
    t = d.at.sample(rng) if d.at is not None else 0.0
    if u >= d.probability:
        return []
    windows = []
    while True:
        t += d.every.sample(rng)
        if t >= horizon:
            return windows
        end = t + _duration(d, d.target.id, network, rng)
        windows.append((t, end))
        if end == math.inf:
            return windows
        if d.ramp is not None:
            ramps.append((end, d.ramp.sample(rng)))
        t = end


def ramp_windows(end: float, length: float, low: float) -> list[Window]:
    """Capacity factor windows of a recovery from ``low`` (at ``end``) to 1 over ``length``.

    :data:`RAMP_STEPS` equal steps, step ``k`` at ``low + (1 - low)(k + 1/2) / RAMP_STEPS``,
    the linear ramp's mean over it; nothing for a ramp of length 0 or an end at infinity.

    >>> ramp_windows(10.0, 2.0, 0.0)[:2]
    [(10.0, 10.2, 0.05), (10.2, 10.4, 0.15)]
    """
    if not length > 0 or end == math.inf:
        return []
    step = length / RAMP_STEPS
    return [(end + k * step, end + length if k == RAMP_STEPS - 1 else end + (k + 1) * step,
             low + (1.0 - low) * (k + 0.5) / RAMP_STEPS) for k in range(RAMP_STEPS)]


def _ramp(d: Disruption, end: float, rng, low: float) -> list[Window]:
    """The recovery windows after an occurrence of ``d`` ending at ``end`` (a draw of ``ramp``)."""
    if d.ramp is None:
        return []
    return ramp_windows(end, d.ramp.sample(rng), low)


def _apply(d, start, network, rng, plan, own_down) -> None:
    """Record one occurrence of ``d`` starting at ``start`` on each subject it strikes."""
    kind, target = d.kind, d.target
    if kind == "demand_surge":
        end = start + _duration(d, None, network, rng)
        _record(plan, d, target.id, start, end)
        plan.surge.setdefault(target.id, []).append((start, end, d.factor))
        return
    if target.kind in ("part", "product"):
        lane_tables = {"delay": (plan.lane_delay, d.lead_time_factor),
                       "shortage": (plan.lane_capacity, d.capacity_factor),
                       "quality": (plan.lane_quality, d.reject)}
        if kind not in lane_tables:
            raise ValueError(f"disruption {d.id!r}: a {kind} cannot strike a {target.kind}")
        table, factor = lane_tables[kind]
        item = network.item(target.id)
        for source in sorted(item.sources, key=lambda s: s.supplier):
            end = start + _duration(d, source.supplier, network, rng)
            key = (item.id, source.supplier)
            _record(plan, d, f"{item.id}@{source.supplier}", start, end)
            table.setdefault(key, []).append((start, end, factor))
            if kind == "shortage":
                table[key].extend(_ramp(d, end, rng, factor))
        return
    for supplier in _suppliers(target, network):
        end = start + _duration(d, supplier, network, rng)
        _record(plan, d, supplier, start, end)
        if kind in ("outage", "disaster"):
            own_down[supplier].append((start, end))
            ramp = _ramp(d, end, rng, 0.0)
            if ramp:
                plan.supplier_capacity.setdefault(supplier, []).extend(ramp)
        elif kind == "delay":
            plan.supplier_delay.setdefault(supplier, []).append((start, end, d.lead_time_factor))
        elif kind == "shortage":
            plan.supplier_capacity.setdefault(supplier, []).append((start, end, d.capacity_factor))
            plan.supplier_capacity[supplier].extend(_ramp(d, end, rng, d.capacity_factor))
        elif kind == "quality":
            plan.supplier_quality.setdefault(supplier, []).append((start, end, d.reject))
        elif kind == "transit":
            plan.transit.setdefault(supplier, []).append((start, end))
        else:
            raise ValueError(f"disruption {d.id!r}: unknown kind {kind!r}")


def _record(plan, d, subject, start, end) -> None:
    plan.occurrences.append(Occurrence(d.id, d.kind, subject, start, end))


def _suppliers(target, network: Network) -> list[str]:
    """Supplier ids struck by a supplier or region target, sorted."""
    if target.kind == "supplier":
        return [target.id]
    if target.kind == "region":
        return sorted(s.id for s in network.suppliers if s.region == target.id)
    raise ValueError(f"unsupported target kind {target.kind!r}")


def _duration(d: Disruption, supplier: str | None, network: Network, rng) -> float:
    """One duration draw: ``d.duration``, else the supplier's ``ttr``, else for ever."""
    if d.duration is not None:
        return d.duration.sample(rng)
    if supplier is not None:
        ttr = network.supplier(supplier).ttr
        if ttr is not None:
            return ttr.sample(rng)
    return math.inf


def propagate_tier2(
    network: Network,
    own_down: dict[str, list[Interval]],
    streams: Streams,
    occurrences: list[Occurrence] | None = None,
    spared: tuple[str, ...] = (),
) -> dict[str, tuple[Interval, ...]]:
    """Down intervals of every supplier, tier-2 stops included.

    A supplier whose tier-2 is down over ``[a, b)`` is down over ``[a + c, b)``
    where ``c`` is a draw of its ``cover`` (nothing if ``a + c >= b``). Tier-2
    suppliers are resolved before the suppliers that depend on them. The
    ``spared`` suppliers are never down (their cover stream is their own).
    """
    down: dict[str, tuple[Interval, ...]] = {}
    for sid in supply_graph(network).suppliers_in_tier_order:
        if sid in spared:
            down[sid] = ()
            continue
        supplier = network.supplier(sid)
        intervals = list(own_down.get(sid, ()))
        cover = streams.draws(f"cover:{sid}", supplier.cover)
        for dep in sorted(set(supplier.depends_on)):
            for a, b in down.get(dep, ()):
                stop = a + cover.next()
                if stop < b:
                    intervals.append((stop, b))
                    if occurrences is not None:
                        occurrences.append(Occurrence(f"tier2:{dep}", "tier2", sid, stop, b))
        down[sid] = merge(intervals)
    return down
