"""Buying: lanes, supplier capacity clocks, routing among primaries and alternates.

Everything a supplier does in a replication is a known function of time once
the disruptions are drawn (riskmap.sim.disruptions), so an order's ship time
is computed when it is placed; the engine then schedules one event, its
arrival. Semantics (docs/simulation.md, "Replenishment"):

* **Capacity.** A supplier and each of its lanes are FCFS servers with a
  processing rate (units per time unit, ``inf`` when unbounded, 0 while the
  supplier is down, times any shortage factor in force). Each keeps a clock,
  the time it is free. An order of ``u`` units placed at ``t`` is processed
  by the supplier from ``max(t, supplier free)`` and by the lane from
  ``max(t, lane free)``; it ships when both are done, and each clock moves to
  its own finish time.
* **Lead time.** Drawn per order from the lane's stream, multiplied by the
  delay factors in force when the order is placed; the order arrives at
  ship time + lead time, the clock of its transit stopped while a transit
  disruption of its supplier holds it.
* **Inspection.** A receipt arriving while a quality disruption of its lane
  is in force loses a binomial draw of its units (:class:`Inspection`).
* **Routing.** Orders go to the primaries that are up, split by share. When
  every primary is down they still go to the primaries (they wait there)
  unless an alternate is active: with ``alternates: auto`` an alternate is
  active from ``activation_delay`` after every primary went down until the
  first primary is back. Orders placed with an alternate are delivered by it
  even after the primaries recover; orders waiting at a down primary stay
  there.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

from riskmap.graph import supply_graph
from riskmap.model import Item, Network, Source
from riskmap.sim.calendar import Interval, RateCalendar, Step, contains, intersect, merge
from riskmap.sim.disruptions import DisruptionPlan
from riskmap.sim.streams import Draws, Streams


class SupplierClock:
    """One supplier's shared capacity, down intervals and counters."""

    __slots__ = ("id", "calendar", "free", "down", "not_delivered", "rejected")

    def __init__(self, supplier_id: str, calendar: RateCalendar, down: tuple[Interval, ...]):
        self.id = supplier_id
        self.calendar = calendar
        self.free = 0.0
        self.down = down
        self.not_delivered = 0
        self.rejected = 0  # units received from it after warm-up that failed inspection


class Inspection:
    """What fails inspection on one lane: the reject share over time and its stream.

    Overlapping quality disruptions combine as independent inspections: a unit
    passes with the product of ``1 - reject`` of those in force. The rejected
    units of a receipt are one binomial draw, from stream
    ``quality:<item>:<supplier>`` (made on first use).
    """

    __slots__ = ("passing", "_streams", "_name", "_rng")

    def __init__(self, windows: Sequence[tuple[float, float, float]], streams: Streams,
                 name: str):
        self.passing = Step.product([(a, b, 1.0 - reject) for a, b, reject in windows])
        self._streams = streams
        self._name = name
        self._rng = None

    def rejected(self, arrival: float, units: int) -> int:
        """Units of a receipt of ``units`` arriving at ``arrival`` that fail inspection."""
        share = 1.0 - self.passing(arrival)
        if share <= 0.0:
            return 0
        if self._rng is None:
            self._rng = self._streams.rng(self._name)
        return int(self._rng.binomial(units, min(1.0, share)))


class Lane:
    """One source of one item: its capacity clock, lead times and activation windows.

    ``transit`` is the clock of goods on their way (rate 1, 0 while a transit
    disruption holds them; ``None`` when none does) and ``inspection`` the
    lane's quality disruptions (``None`` without any).
    """

    __slots__ = (
        "item", "supplier", "source", "clock", "calendar", "free", "lead", "delay",
        "share", "assigned", "down", "down_starts", "active", "active_starts", "immediate",
        "transit", "inspection",
    )

    def __init__(self, item: str, source: Source, clock: SupplierClock, calendar: RateCalendar,
                 lead: Draws, delay: Step):
        self.item = item
        self.supplier = source.supplier
        self.source = source
        self.clock = clock
        self.calendar = calendar
        self.free = 0.0
        self.lead = lead
        self.delay = delay
        self.share = source.share
        self.assigned = 0
        self.down = clock.down
        self.down_starts = [a for a, _ in clock.down]
        self.active: tuple[Interval, ...] = ()
        self.active_starts: list[float] = []
        # Never down and no capacity limit in force: every order ships when placed.
        self.immediate = clock.calendar.unbounded and calendar.unbounded
        self.transit: Optional[RateCalendar] = None
        self.inspection: Optional[Inspection] = None

    def arrival(self, ship: float, lead: float) -> float:
        """When an order shipped at ``ship`` with lead time ``lead`` arrives.

        Its transit time runs only while no transit disruption of the supplier
        holds it: a shipment on its way when one starts arrives that much later,
        one shipped during it leaves when it ends.
        """
        if self.transit is None:
            return ship + lead
        return self.transit.finish(ship, lead)

    def lead_time(self, now: float) -> float:
        """A lead time for an order placed at ``now``: a draw times the delay factor in force."""
        delay = self.delay
        factor = delay.values[0] if delay.constant else delay(now)
        return self.lead.next() * factor

    def is_down(self, t: float) -> bool:
        return bool(self.down) and contains(self.down, self.down_starts, t)

    def is_active(self, t: float) -> bool:
        """For an alternate: whether it takes orders at ``t``."""
        return bool(self.active) and contains(self.active, self.active_starts, t)

    def ship_time(self, now: float, units: int) -> float:
        """When an order of ``units`` placed at ``now`` ships; advances both clocks."""
        if self.immediate:
            return now
        clock = self.clock
        start = clock.free if clock.free > now else now
        done = clock.calendar.finish(start, units)
        clock.free = done
        start = self.free if self.free > now else now
        lane_done = self.calendar.finish(start, units)
        self.free = lane_done
        return done if done > lane_done else lane_done


class Sourcing:
    """How one bought item's orders are routed and split among its lanes."""

    __slots__ = ("item", "primaries", "alternates", "use_alternates", "only")

    def __init__(self, item: str, primaries: list[Lane], alternates: list[Lane],
                 use_alternates: bool):
        self.item = item
        self.primaries = primaries
        self.alternates = alternates
        self.use_alternates = use_alternates and bool(alternates)
        # One primary that is never down takes every order (the common case, routed at no cost).
        self.only = primaries[0] if len(primaries) == 1 and not primaries[0].down else None

    def route(self, now: float) -> list[Lane]:
        """The lanes that receive an order placed at ``now``."""
        primaries = self.primaries
        up = [lane for lane in primaries if not lane.is_down(now)]
        if up:
            return up
        if self.use_alternates:
            active = [lane for lane in self.alternates
                      if lane.is_active(now) and not lane.is_down(now)]
            if active:
                return active
        # Nothing that may take the order is up: it waits at the primaries, as it would
        # without alternates. An alternate struck by the same disaster as its primary is
        # sent nothing while it is down, so it cannot strand orders there.
        return primaries

    def can_deliver(self, now: float) -> bool:
        """Whether a primary is up or an alternate is active at ``now``."""
        if self.only is not None or any(not lane.is_down(now) for lane in self.primaries):
            return True
        return self.use_alternates and any(lane.is_active(now) for lane in self.alternates)

    def split(self, lanes: Sequence[Lane], units: int) -> list[int]:
        """Units of one order per lane.

        Each lane gets ``floor(units * share)`` (shares renormalised over
        ``lanes``; alternates share equally); the leftover units go one each to
        the lanes furthest behind their share of everything these lanes were
        sent so far, ties to the first lane by supplier id.
        """
        if len(lanes) == 1:
            lanes[0].assigned += units
            return [units]
        weights = [lane.share if lane.share > 0 else 1.0 for lane in lanes]
        if lanes[0].source.alternate:
            weights = [1.0] * len(lanes)
        total_w = sum(weights)
        fractions = [w / total_w for w in weights]
        out = [int(math.floor(units * f)) for f in fractions]
        left = units - sum(out)
        if left:
            cumulative = sum(lane.assigned for lane in lanes) + units
            deficit = [fractions[i] * cumulative - (lanes[i].assigned + out[i])
                       for i in range(len(lanes))]
            for i in sorted(range(len(lanes)), key=lambda i: (-deficit[i], i))[:left]:
                out[i] += 1
        for lane, u in zip(lanes, out):
            lane.assigned += u
        return out


def build_clocks(network: Network, plan: DisruptionPlan) -> dict[str, SupplierClock]:
    """A capacity clock per supplier, from its capacity, shortages and down intervals."""
    nominal = _nominal_supplier_rates(network)
    clocks = {}
    for supplier in sorted(network.suppliers, key=lambda s: s.id):
        down = plan.down.get(supplier.id, ())
        rate = _rate_step(supplier.capacity, nominal.get(supplier.id, 0.0),
                          plan.supplier_capacity.get(supplier.id, ()), down)
        clocks[supplier.id] = SupplierClock(supplier.id, RateCalendar(rate), down)
    return clocks


def build_sourcing(
    item: Item,
    network: Network,
    plan: DisruptionPlan,
    clocks: dict[str, SupplierClock],
    streams: Streams,
    use_alternates: bool,
) -> Optional[Sourcing]:
    """The lanes of a bought item, with their calendars, lead times and activation windows."""
    if not item.sources:
        return None
    demand_rate = supply_graph(network).demand_rates.get(item.id, 0.0)
    lanes = []
    for source in sorted(item.sources, key=lambda s: s.supplier):
        key = (item.id, source.supplier)
        clock = clocks[source.supplier]
        nominal = demand_rate * (source.share if not source.alternate else 1.0)
        rate = _rate_step(source.capacity, nominal, plan.lane_capacity.get(key, ()), clock.down)
        delay = Step.product(
            list(plan.supplier_delay.get(source.supplier, ())) + list(plan.lane_delay.get(key, ()))
        )
        lead = streams.draws(f"lead:{item.id}:{source.supplier}", source.lead_time)
        lane = Lane(item.id, source, clock, RateCalendar(rate), lead, delay)
        held = plan.transit.get(source.supplier)
        if held:
            lane.transit = RateCalendar(_zero_during(Step([-math.inf], [1.0]), merge(held)))
        quality = (list(plan.supplier_quality.get(source.supplier, ()))
                   + list(plan.lane_quality.get(key, ())))
        if quality:
            lane.inspection = Inspection(quality, streams, f"quality:{item.id}:{source.supplier}")
        lanes.append(lane)
    primaries = [lane for lane in lanes if not lane.source.alternate]
    alternates = [lane for lane in lanes if lane.source.alternate]
    if not primaries:
        # Only alternates: there is nothing to fall back from, they are the sources.
        return Sourcing(item.id, alternates, [], False)
    if use_alternates and alternates:
        _activation_windows(item.id, primaries, alternates, streams)
    return Sourcing(item.id, primaries, alternates, use_alternates)


def _activation_windows(item_id, primaries, alternates, streams) -> None:
    """Set each alternate's active intervals: ``activation_delay`` after all primaries are down."""
    all_down = primaries[0].down
    for lane in primaries[1:]:
        all_down = intersect(all_down, lane.down)
    for lane in alternates:
        name = f"activation:{item_id}:{lane.supplier}"
        delays = streams.draws(name, lane.source.activation_delay)
        active = []
        for a, b in all_down:
            start = a + delays.next()
            if start < b:
                active.append((start, b))
        lane.active = merge(active)
        lane.active_starts = [a for a, _ in lane.active]


def _rate_step(capacity, nominal, windows, down) -> Step:
    """Processing rate over time: capacity (or ``inf``) x shortage factors, 0 while down.

    A shortage on something without a capacity caps it at the factor times its
    nominal rate (the mean demand it serves); with no demand it has no effect.
    """
    base = float(capacity) if capacity is not None else math.inf
    windows = list(windows)
    if capacity is None and windows:
        if nominal > 0:
            factors = Step.product(windows)
            edges = factors.times
            values = [math.inf if f == 1.0 else f * nominal for f in factors.values]
            rate = Step(edges, values)
        else:
            rate = Step([-math.inf], [math.inf])
    else:
        rate = Step.product(windows, base)
    if not down:
        return rate
    return _zero_during(rate, down)


def _zero_during(rate: Step, down: Sequence[Interval]) -> Step:
    """``rate`` with value 0 over the ``down`` intervals."""
    edges = sorted(set(rate.times[1:]) | {e for iv in down for e in iv if e != math.inf})
    starts = [a for a, _ in down]
    times = [-math.inf]
    values = [0.0 if contains(down, starts, -math.inf) else rate.values[0]]
    for t in edges:
        value = 0.0 if contains(down, starts, t) else rate(t)
        if value != values[-1]:
            times.append(t)
            values.append(value)
    return Step(times, values)


def _nominal_supplier_rates(network: Network) -> dict[str, float]:
    """Mean units per time unit each supplier delivers on its primary lanes."""
    rates: dict[str, float] = {}
    demand = supply_graph(network).demand_rates
    for item in network.items:
        for source in item.sources:
            if not source.alternate:
                rates[source.supplier] = (
                    rates.get(source.supplier, 0.0) + demand.get(item.id, 0.0) * source.share
                )
    return rates
