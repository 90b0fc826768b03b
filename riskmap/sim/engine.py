"""One replication of a scenario on a fresh SimPy environment.

:func:`simulate` is the whole public interface. It draws the replication's
disruptions up front (riskmap.sim.disruptions), builds the stock of every item
(riskmap.sim.inventory) and the lanes of every bought item
(riskmap.sim.supply), then runs events until the horizon. The only events are
customer order arrivals, replenishment arrivals, production completions,
periodic reviews and patience expiries: each is one entry in the SimPy
environment's queue with a callback (a slotted record scheduled exactly as a
Timeout would be, see :class:`_Event`), with no process per order and no
polling. A customer order that has
to wait is promised a date once, when it starts to wait (riskmap.sim.promises);
promises that pass unkept are found when the product's stock next moves
(riskmap.sim.orders). Supplier outages and
recoveries need no event, because an order's ship time is computed when it
is placed from the (already drawn) capacity calendar of its supplier.

The model never changes: a counterfactual (one alternate lane removed, say)
is a different :class:`~riskmap.model.Scenario` built with
:func:`dataclasses.replace`.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from dataclasses import replace
from heapq import heappush
from typing import Optional, Union

import numpy as np
import simpy
from simpy.events import NORMAL

from riskmap import gcpause
from riskmap.dists import Uniform
from riskmap.model import Item, Scenario
from riskmap.sim.calendar import measure
from riskmap.sim.demand import Arrivals
from riskmap.sim.disruptions import DisruptionPlan, draw_plan
from riskmap.sim.inventory import ProductionOrder, Stock
from riskmap.sim.orders import OrderBook
from riskmap.sim.promises import expected_time, planned_finish, units_through
from riskmap.sim.results import PartOutcome, ReplicationResult, SupplierOutcome
from riskmap.sim.streams import Draws, Streams
from riskmap.sim.supply import Sourcing, build_clocks, build_sourcing

__all__ = ["simulate"]


def simulate(
    scenario: Scenario,
    seed: np.random.SeedSequence,
    index: int = 0,
    *,
    series: Union[bool, str] = True,
    alternates: Optional[str] = None,
    log: Optional[list] = None,
    orders: bool = False,
) -> ReplicationResult:
    """Simulate one replication of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        What to simulate; never modified.
    seed : numpy.random.SeedSequence
        This replication's seed (a child of the scenario's seed sequence). Every
        source of randomness draws from its own named stream under it
        (docs/simulation.md, "Random streams").
    index : int
        The replication's number, copied into the result.
    series : bool or "products"
        Whether to record on-hand and backlog series at integer times: for
        every item (True), for products only (``"products"``, what Monte Carlo
        runs band), or for none (False).
    alternates : {"auto", "off"} or None
        Overrides ``scenario.alternates`` when given.
    log : list or None
        When a list, the event history is appended to it as tuples
        ``(time, kind, subject, units, ...)`` (docs/simulation.md, "Event log");
        for tests and debugging, it slows the run.
    orders : bool
        Whether to return one :class:`~riskmap.sim.results.OrderRecord` per
        customer order of the cohort that could not ship in full at once, in
        ``result.orders`` (docs/customers.md, "Order records";
        :func:`riskmap.sim.results.order_rows` turns them into rows).

    Returns
    -------
    ReplicationResult

    Examples
    --------
    >>> import numpy as np
    >>> from riskmap.model import Demand, Item, Network, Policy, Scenario, Source, Supplier
    >>> net = Network("tiny", suppliers=(Supplier("s", "S"),), items=(
    ...     Item("p", "product", stock=5, policy=Policy("base_stock", level=5),
    ...          sources=(Source("s"),), demand=Demand(rate=1.0)),))
    >>> result = simulate(Scenario("demo", net, horizon=100), np.random.SeedSequence(1))
    >>> result.products["p"].fill_rate
    1.0

    A product with no order after the warm-up has no fill rate (``None``,
    :func:`riskmap.sim.results.fill_rate`), not a perfect one:

    >>> idle = simulate(Scenario("demo", net, horizon=100, warmup=100), np.random.SeedSequence(1))
    >>> idle.products["p"].ordered_units, idle.products["p"].fill_rate
    (0, None)
    """
    mode = alternates if alternates is not None else scenario.alternates
    if mode not in ("auto", "off"):
        raise ValueError(f"alternates must be 'auto' or 'off', got {mode!r}")
    if series not in (True, False, "products"):
        raise ValueError(f"series must be True, False or 'products', got {series!r}")
    series = series if series == "products" else bool(series)
    run = _Replication(scenario, seed, series, mode == "auto", log, orders)
    run.run()
    return run.result(index)


class _Event:
    """A scheduled callback: the least an event needs for :meth:`simpy.Environment.step`.

    ``step`` pops ``(time, priority, id, event)`` from the environment's queue,
    calls every callback in ``event.callbacks`` with the event and checks
    ``event._ok``. A :class:`simpy.Timeout` does the same with more
    bookkeeping (an instance dictionary, a delay, a reference to the
    environment); the engine schedules several events per customer order, so
    it builds these slotted records instead and pushes them exactly as
    :meth:`simpy.Environment.schedule` does (same priority, same sequence
    numbers, same times), which keeps the order of events that of Timeouts.
    """

    __slots__ = ("callbacks", "_value", "_ok")

    def __init__(self, callback, value):
        self.callbacks = [callback]
        self._value = value
        self._ok = True


class _Node:
    """An item in the replication: its stock and how it is replenished."""

    __slots__ = ("item", "stock", "policy", "continuous", "sourcing", "bom", "capacity",
                 "line_free", "assembly", "planned_batches", "line_plan", "customers", "due",
                 "trigger")

    def __init__(self, item: Item, stock: Stock):
        self.item = item
        self.stock = stock
        self.policy = item.policy
        self.continuous = False
        self.sourcing: Optional[Sourcing] = None
        self.bom: list[tuple["_Node", int]] = []
        self.capacity = item.capacity
        self.line_free = 0.0
        self.assembly: Optional[Draws] = None
        # Batches placed but waiting for components, and the planned end of the last
        # one on the line (riskmap.sim.promises.planned_finish).
        self.planned_batches = 0
        self.line_plan = 0.0
        # The product's customers and their heap of promised dates (an empty tuple
        # for items nobody orders): a receipt checks overdue promises only when
        # there are promises.
        self.customers: Optional["_Customers"] = None
        self.due = ()


class _Customers:
    """One product's order stream: arrivals, sizes, patience, substitutes, promises."""

    __slots__ = ("node", "stock", "policy", "trigger", "arrivals", "sizes", "patience",
                 "lost_sales", "substitutes", "acceptance", "book")

    def __init__(self, node, arrivals, sizes, patience, lost_sales, substitutes=(),
                 acceptance=None):
        self.node = node
        self.stock = node.stock
        # The policy to apply after each order (continuous review), else None.
        self.policy = node.policy if node.continuous else None
        self.trigger = node.trigger
        self.arrivals = arrivals
        self.sizes = sizes
        self.patience = patience
        self.lost_sales = lost_sales
        # (substitute node, acceptance probability), in the order listed.
        self.substitutes = substitutes
        self.acceptance = acceptance
        self.book: OrderBook = node.stock.book
        node.customers = self
        node.due = self.book.due


def _trigger(policy) -> float:
    """The highest inventory position at which ``policy`` orders anything."""
    if policy.kind == "base_stock":
        return policy.level - 1
    if policy.kind == "min_max":
        return policy.min
    if policy.kind == "reorder_point":
        return policy.point
    return math.inf  # an unknown kind: always ask the policy


class _Replication:
    """The state of one replication; discarded after :meth:`result`."""

    def __init__(self, scenario: Scenario, seed, series: bool, use_alternates: bool, log,
                 keep_orders: bool = False):
        self.scenario = scenario
        self.network = network = scenario.network
        self.horizon = float(scenario.horizon)
        self.warmup = float(scenario.warmup)
        self.log = log
        # Numbers scheduled receipts, so pipeline entries are unique (riskmap.sim.promises).
        self._seq = 0
        self.env = simpy.Environment()
        self.streams = streams = Streams(seed)
        self.plan: DisruptionPlan = draw_plan(scenario, streams)
        self.clocks = build_clocks(network, self.plan)
        samples = int(math.floor(self.horizon)) + 1 if series else 0
        self.nodes: dict[str, _Node] = {}
        for item_id in sorted(i.id for i in network.items):
            item = network.item(item_id)
            book = OrderBook(item_id, keep_orders) if item.is_product else None
            recorded = samples if series is True or item.is_product else 0
            stock = Stock(item_id, item.stock, self.warmup, recorded, log, book, [])
            self.nodes[item_id] = _Node(item, stock)
        for node in self.nodes.values():
            self._wire(node, use_alternates)
        self.customers = [self._customers(n) for n in self.nodes.values() if n.item.demand]
        self.keep_orders = keep_orders
        # Bound once: the hot paths schedule these callbacks hundreds of thousands of times.
        self._receipt_cb = self._on_receipt
        self._queue = self.env._queue
        self._eid = self.env._eid

    def _wire(self, node: _Node, use_alternates: bool) -> None:
        item = node.item
        if item.bom:
            node.bom = [(self.nodes[c], q) for c, q in sorted(item.bom)]
            node.assembly = self.streams.draws(f"assembly:{item.id}", item.assembly_time)
        if item.sources:
            node.sourcing = build_sourcing(item, self.network, self.plan, self.clocks,
                                           self.streams, use_alternates)
        replenishable = bool(node.bom) or node.sourcing is not None
        if not replenishable:
            node.policy = None
        node.continuous = node.policy is not None and node.policy.review_period is None
        # The policy orders only when the position is at or below this: a review
        # above it needs no call to the policy.
        node.trigger = _trigger(node.policy) if node.policy is not None else None

    def _customers(self, node: _Node) -> _Customers:
        demand = node.item.demand
        item_id = node.item.id
        arrivals = Arrivals(demand, self.plan.surge.get(item_id, ()), self.streams,
                            f"demand:{item_id}", self.horizon)
        sizes = self.streams.draws(f"size:{item_id}", demand.size, units=True)
        patience = None
        lost_sales = False
        if demand.patience is not None:
            if demand.patience.is_constant and demand.patience.mean <= 0:
                lost_sales = True
            else:
                patience = self.streams.draws(f"patience:{item_id}", demand.patience)
        substitutes = tuple((self.nodes[s.product], float(s.acceptance))
                            for s in node.item.substitutes
                            if s.product in self.nodes and s.product != item_id)
        acceptance = (self.streams.draws(f"substitute:{item_id}", Uniform(0.0, 1.0))
                      if substitutes else None)
        return _Customers(node, arrivals, sizes, patience, lost_sales, substitutes, acceptance)

    # -- scheduling --------------------------------------------------------------------

    def _at(self, time: float, callback, value) -> None:
        """Run ``callback(event)`` at ``time`` (not at all if it is past the horizon)."""
        if time < self.horizon:
            now = self.env._now
            # ``now + (time - now)``: the time a Timeout of that delay would get.
            heappush(self._queue, (now + (time - now), NORMAL, next(self._eid),
                                   _Event(callback, value)))

    def run(self) -> None:
        for node in self.nodes.values():
            if node.continuous:
                self._review(node, 0.0)
            elif node.policy is not None:
                self._periodic(node)
        for customers in self.customers:
            on_customer = self._customer_handler(customers)
            self._at(customers.arrivals.next(), on_customer, None)
        # The events allocate and free millions of small objects, which would
        # trigger collections that scan the whole live state (every receipt in
        # transit, order and record) again and again: about 15 % of a large
        # replication's time. The engine frees what it makes by reference counting
        # as it goes (a test checks that no cyclic garbage is made per event); the
        # cycles of a replication's state are freed together once it is discarded.
        with gcpause.paused():
            self.env.run(until=self.horizon)
        self.events = self._processed()
        for node in self.nodes.values():
            node.stock.close(self.horizon)

    def _processed(self) -> int:
        """Events processed by :meth:`run`, counted without a counter on the hot paths.

        Every event is scheduled with a number from the environment's sequence,
        including the stop event that ``env.run(until=...)`` adds and processes at
        the horizon; the events processed are those numbered and not left queued.
        """
        issued = next(self._eid)  # the next free number: numbers 0..issued-1 were used
        return issued - len(self._queue) - 1

    # -- event callbacks ---------------------------------------------------------------

    def _customer_handler(self, c: _Customers):
        """The callback of ``c``'s order arrivals, with everything it uses bound once.

        The hottest path of the engine (one call per customer order), so it is a
        closure over local names rather than a method reading attributes, it
        reuses one event record for the product's next arrivals (a product has
        one arrival pending at a time; the first is scheduled by :meth:`run`),
        and it leaves what waiting orders need to :meth:`_short`.
        """
        env = self.env
        queue, eid, horizon, log = self._queue, self._eid, self.horizon, self.log
        stock, node, policy, trigger = c.stock, c.node, c.policy, c.trigger
        fill, next_size, next_arrival = stock.fill, c.sizes.next, c.arrivals.next
        order, promised, promise, revise = self._order, c.book.promised, self._promise, self._revise
        due = c.book.due  # the heap itself: it is only ever changed in place
        item_id = stock.item_id
        event = _Event(None, None)

        def on_customer(_event) -> None:
            now = env._now
            units = next_size()
            if log is not None:
                log.append((now, "order", item_id, units))
            rest = fill(now, units)
            claim = self._short(c, units, rest, now) if rest else None
            if policy is not None:
                position = stock.on_hand + stock.on_order - stock.backlog_units
                if position <= trigger:
                    units = policy.order_quantity(position)
                    if units > 0:
                        order(node, units, now)
            if claim is not None:
                # After the policy has ordered: the promise counts the order it just placed.
                promised(claim, promise(c, stock.backlog_units, now))
            if due:
                revise(c, now)
            t = next_arrival()
            if t < horizon:
                event.callbacks = callbacks
                # as _at: the time and sequence number a Timeout would get
                heappush(queue, (now + (t - now), NORMAL, next(eid), event))

        callbacks = [on_customer]
        return on_customer

    def _short(self, c: _Customers, units: int, rest: int, now: float):
        """The ``rest`` of an order of ``units`` that stock could not ship: substitute, queue or lose it.

        Returns the claim left waiting in the backlog, or None.
        """
        if c.substitutes:
            rest = self._substitute(c, units, rest, now)
            if not rest:
                return None
        stock = c.stock
        claim = stock.shortfall(now, units, rest, c.lost_sales)
        if claim is not None:
            if self.log is not None:
                self.log.append((now, "backorder", stock.item_id, claim.remaining))
            if c.patience is not None:
                self._at(now + c.patience.next(), self._on_patience, (stock, claim))
        return claim

    # -- customers who wait ---------------------------------------------------------------

    def _substitute(self, c: _Customers, ordered: int, rest: int, now: float) -> int:
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
        stock.substitute_taken(now, rest, taken.item.id, ordered)
        if self.log is not None:
            self.log.append((now, "substitute", stock.item_id, rest, taken.item.id))
        if taken.continuous:
            self._review(taken, now)
        return 0

    def _promise(self, c: _Customers, needed: int, now: float) -> Optional[float]:
        """The date promised to an order filled once ``needed`` more units arrive."""
        when = expected_time(c.node, needed, now)
        if self.log is not None:
            self.log.append((now, "promise", c.stock.item_id, needed, when))
        return when

    def _revise(self, c: _Customers, now: float) -> None:
        """Give a new promise to every waiting order whose promised date has passed."""
        for claim in c.book.overdue(now):
            c.book.promised(claim, self._promise(c, units_through(c.stock, claim), now))

    def _on_patience(self, event) -> None:
        stock, claim = event._value
        lost = stock.cancel(self.env.now, claim)
        if lost and self.log is not None:
            self.log.append((self.env.now, "cancel", stock.item_id, lost))

    def _on_receipt(self, event) -> None:
        node, units, entry = event._value
        now = self.env.now
        if self.log is not None:
            self.log.append((now, "receive", node.item.id, units))
        stock = node.stock
        pipeline = stock.pipeline
        del pipeline[bisect_left(pipeline, entry)]
        ready = stock.receive(now, units)
        if node.due:
            self._revise(node.customers, now)
        if ready:
            for order in ready:
                self._unplan(order)
                self._start_production(order.node, order.units, now)

    def _on_review(self, event) -> None:
        node, k = event._value
        self._periodic(node, k)

    def _periodic(self, node: _Node, k: int = 0) -> None:
        """The ``k``-th periodic review, at ``k * review_period`` (no drift from repeated sums)."""
        self._review(node, self.env.now)
        self._at((k + 1) * node.policy.review_period, self._on_review, (node, k + 1))

    # -- replenishment -----------------------------------------------------------------

    def _review(self, node: _Node, now: float) -> None:
        """Apply the node's policy to its inventory position."""
        s = node.stock
        position = s.on_hand + s.on_order - s.backlog_units
        if position <= node.trigger:
            units = node.policy.order_quantity(position)
            if units > 0:
                self._order(node, units, now)

    def _order(self, node: _Node, units: int, now: float) -> None:
        """Replenish ``units`` of the node's item: buy or make them."""
        node.stock.on_order += units
        if self.log is not None:
            self.log.append((now, "replenish", node.item.id, units))
        # Bought while a source can deliver; made from the BOM otherwise (an item with
        # both is available either way, as in the static analysis).
        sourcing = node.sourcing
        if sourcing is not None and sourcing.only is not None:
            self._send(node, sourcing.only, units, now)  # one lane, never down: no routing
        elif sourcing is not None and (not node.bom or sourcing.can_deliver(now)):
            self._purchase(node, units, now)
        else:
            self._production_order(node, units, now)

    def _purchase(self, node: _Node, units: int, now: float) -> None:
        """Route an order over the lanes that can take it now and split it among them."""
        sourcing = node.sourcing
        lanes = sourcing.route(now)
        for lane, u in zip(lanes, sourcing.split(lanes, units)):
            if u:
                self._send(node, lane, u, now)

    def _send(self, node: _Node, lane, units: int, now: float) -> None:
        """Place an order of ``units`` on ``lane`` and schedule its arrival."""
        ship = now if lane.immediate else lane.ship_time(now, units)
        arrival = ship + lane.lead_time(now)
        if ship > now and lane.down:
            self._count_held(lane, now, ship, units)
        if self.log is not None:
            self.log.append((now, "place", node.item.id, units, lane.supplier, ship, arrival))
        self._seq += 1
        entry = (arrival, self._seq, units)
        insort(node.stock.pipeline, entry)
        self._at(arrival, self._receipt_cb, (node, units, entry))

    def _count_held(self, lane, now: float, ship: float, units: int) -> None:
        """Count units held at a down supplier (after warmup) as not delivered."""
        lo = max(now, self.warmup)
        if measure(lane.down, lo, min(ship, self.horizon)) > 0:
            lane.clock.not_delivered += units

    def _production_order(self, node: _Node, units: int, now: float) -> None:
        """Claim the bill of materials for a batch; start it if everything is on hand."""
        order = ProductionOrder(node, units, now)
        missing = []
        for component, qty in node.bom:
            if not component.stock.request(now, order, qty * units):
                order.pending += 1
                missing.append((component, component.stock.backlog[-1]))
            if component.continuous:
                self._review(component, now)
        if not order.pending:
            self._start_production(node, units, now)
        else:
            self._plan(order, missing, now)

    def _plan(self, order: ProductionOrder, missing, now: float) -> None:
        """Put a batch waiting for ``missing`` components in the pipeline at its planned time.

        Computed after the components' policies have ordered, so their new
        purchases count (riskmap.sim.promises).
        """
        ready = now
        for component, claim in missing:
            stock = component.stock
            # The claim is normally the last in the component's queue: no walk needed.
            needed = stock.backlog_units if stock.backlog[-1] is claim else units_through(
                stock, claim)
            t = expected_time(component, needed, now)
            ready = math.inf if t is None else max(ready, t)
        node = order.node
        self._seq += 1
        order.entry = (planned_finish(node, ready, order.units), self._seq, order.units)
        node.planned_batches += 1
        insort(node.stock.pipeline, order.entry)

    def _unplan(self, order: ProductionOrder) -> None:
        """The batch has all its components: its planned entry leaves the pipeline."""
        pipeline = order.node.stock.pipeline
        del pipeline[bisect_left(pipeline, order.entry)]
        order.node.planned_batches -= 1

    def _start_production(self, node: _Node, units: int, now: float) -> None:
        """Run a batch on the item's line: ``units / capacity`` of line time, then assembly."""
        start = node.line_free if node.line_free > now else now
        busy = units / node.capacity if node.capacity else 0.0
        node.line_free = start + busy
        done = start + busy + node.assembly.next()
        if self.log is not None:
            self.log.append((now, "produce", node.item.id, units, start, done))
        self._seq += 1
        entry = (done, self._seq, units)
        insort(node.stock.pipeline, entry)
        self._at(done, self._on_receipt, (node, units, entry))

    # -- results -----------------------------------------------------------------------

    def result(self, index: int) -> ReplicationResult:
        network, horizon, warmup = self.network, self.horizon, self.warmup
        products = {p.id: with_money(self.nodes[p.id].stock.outcome(horizon), p)
                    for p in sorted(network.products, key=lambda i: i.id)}
        orders: tuple = ()
        if self.keep_orders:
            orders = tuple(r for pid in sorted(products)
                           for r in self.nodes[pid].stock.book.records())
        parts = {p.id: PartOutcome(stock_out_time=self.nodes[p.id].stock.stockout_time)
                 for p in sorted(network.parts, key=lambda i: i.id)}
        suppliers = {
            sid: SupplierOutcome(
                down_time=measure(clock.down, warmup, horizon),
                units_not_delivered=clock.not_delivered,
            )
            for sid, clock in sorted(self.clocks.items())
        }
        on_hand, backlog = {}, {}
        for item_id, node in self.nodes.items():
            if node.stock.series_on_hand is not None:
                on_hand[item_id] = node.stock.series_on_hand
                backlog[item_id] = node.stock.series_backlog
        return ReplicationResult(index=index, products=products, parts=parts,
                                 suppliers=suppliers, on_hand=on_hand, backlog=backlog,
                                 events=self.events, orders=orders)


def with_money(outcome, item: Item):
    """``outcome`` with its money figures: what the product's lost and late units cost.

    A missing ``price``, ``margin``, ``backorder_cost`` or ``lost_sale_cost``
    counts as 0 (docs/customers.md, "Money").
    """
    lost = outcome.lost_units
    return replace(
        outcome,
        lost_revenue=float(lost * (item.price or 0.0)),
        lost_margin=float(lost * (item.margin or 0.0)),
        backorder_cost=outcome.backlog_unit_time * (item.backorder_cost or 0.0),
        lost_sale_cost=float(lost * (item.lost_sale_cost or 0.0)),
    )
