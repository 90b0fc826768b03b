"""One replication of a scenario on a fresh SimPy environment.

:func:`simulate` is the whole public interface. It draws the replication's
disruptions up front (riskmap.sim.disruptions), builds the stock of every item
and wires its lanes and bill of materials (riskmap.sim.nodes), then runs
events until the horizon. The only events are customer order arrivals
(riskmap.sim.customers), replenishment arrivals and production completions,
periodic reviews (riskmap.sim.replenishment) and patience expiries: each is a
callback scheduled at its time (riskmap.sim.schedule), with no process per
order and no polling. A customer order that has to wait is promised a date
once, when it starts to wait (riskmap.sim.promises); promises that pass unkept
are found when the product's stock next moves (riskmap.sim.orders). Supplier
outages and recoveries need no event, because an order's ship time is
computed when it is placed from the (already drawn) capacity calendar of its
supplier.

The model never changes: a counterfactual (one alternate lane removed, say)
is a different :class:`~riskmap.model.Scenario` built with
:func:`dataclasses.replace`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Optional, Union

import numpy as np

from riskmap import gcpause
from riskmap.model import Scenario
from riskmap.sim.calendar import measure
from riskmap.sim.customers import CustomerDesk
from riskmap.sim.disruptions import DisruptionPlan, draw_plan
from riskmap.sim.money import with_holding, with_money
from riskmap.sim.nodes import build_nodes, customer_streams
from riskmap.sim.replenishment import Replenishment
from riskmap.sim.results import PartOutcome, ReplicationResult, RuleOutcome, SupplierOutcome
from riskmap.sim.service import ServiceOutcome
from riskmap.sim.schedule import DEFAULT, SCHEDULES
from riskmap.sim.streams import Streams
from riskmap.sim.supply import build_clocks
from riskmap.sim.watch import StockWatch

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
    schedule: str = DEFAULT,
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
    schedule : {"queue", "public"}
        How events reach SimPy (:mod:`riskmap.sim.schedule`); the results are
        the same with either.

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
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {sorted(SCHEDULES)}, got {schedule!r}")
    series = series if series == "products" else bool(series)
    run = Replication(scenario, seed, series, mode == "auto", log, orders, schedule)
    run.run()
    return run.result(index)


class Replication(CustomerDesk, Replenishment):
    """The state of one replication; discarded after :meth:`result`.

    Customer orders (:class:`~riskmap.sim.customers.CustomerDesk`) and
    replenishment (:class:`~riskmap.sim.replenishment.Replenishment`) are its
    two halves, each in a module of its own, working on this state.
    """

    def __init__(self, scenario: Scenario, seed, series, use_alternates: bool, log,
                 keep_orders: bool = False, schedule: str = DEFAULT):
        self.scenario = scenario
        self.network = network = scenario.network
        self.horizon = float(scenario.horizon)
        self.warmup = float(scenario.warmup)
        self.log = log
        # Numbers scheduled receipts, so pipeline entries are unique (riskmap.sim.promises).
        self._seq = 0
        self.schedule = SCHEDULES[schedule](self.horizon)
        self.streams = streams = Streams(seed)
        self.plan: DisruptionPlan = draw_plan(scenario, streams)
        self.clocks = build_clocks(network, self.plan)
        samples = int(math.floor(self.horizon)) + 1 if series else 0
        self.nodes = build_nodes(network, self.plan, self.clocks, streams, self.warmup,
                                 samples, series, log, keep_orders, use_alternates,
                                 self.schedule, self.horizon)
        self.customers = [c for n in self.nodes.values() if n.item.demand
                          for c in customer_streams(n, self.nodes, self.plan, streams,
                                                    self.horizon, self.warmup, network)]
        # alert rules only watch: they draw nothing and change no event
        for item_id in sorted({alert.item for alert in scenario.alerts}):
            self.nodes[item_id].stock.watch = StockWatch()
        self.keep_orders = keep_orders
        # Bound once: the hot paths schedule this callback hundreds of thousands of times.
        self._receipt_cb = self._on_receipt
        self._inspected_receipt_cb = self._on_inspected_receipt

    def run(self) -> None:
        for node in self.nodes.values():
            if node.continuous:
                self._review(node, 0.0)
            elif node.policy is not None:
                self._periodic(node)
        for customers in self.customers:
            _, next_order = self._customer_handler(customers)
            next_order(customers.arrivals.next())
        # The events allocate and free millions of small objects, which would
        # trigger collections that scan the whole live state (every receipt in
        # transit, order and record) again and again: about 15 % of a large
        # replication's time. The engine frees what it makes by reference counting
        # as it goes (a test checks that no cyclic garbage is made per event); the
        # cycles of a replication's state are freed together once it is discarded.
        with gcpause.paused():
            self.events = self.schedule.run()
        for node in self.nodes.values():
            node.stock.close(self.horizon)

    def result(self, index: int) -> ReplicationResult:
        """The replication's outcome records (products, parts, suppliers, series, orders)."""
        network, horizon, warmup = self.network, self.horizon, self.warmup
        products = {p.id: with_money(self.nodes[p.id].stock.outcome(horizon), p)
                    for p in sorted(network.products, key=lambda i: i.id)}
        classes: dict[str, dict] = {}
        for c in self.customers:  # products with customer classes: each class alone
            if c.ledger is not None:
                item = c.node.item
                classes.setdefault(item.id, {})[c.ledger.class_id] = with_money(
                    c.ledger.outcome(horizon), item)
        # after the products' outcomes: they end the orders still waiting at the horizon
        service = {p.id: self.nodes[p.id].stock.book.desk.outcome()
                   for p in sorted(network.products, key=lambda i: i.id)
                   if self.nodes[p.id].stock.book.desk is not None}
        rules: dict[str, dict] = {}
        for pid in sorted(products):
            desk = self.nodes[pid].compensation
            if desk is None:
                continue
            compensated, cost, per_rule = desk.figures()
            products[pid] = replace(products[pid], compensation_cost=cost)
            base = service.get(pid) or ServiceOutcome(None, None, None, None, None)
            service[pid] = replace(base, compensated_orders=compensated, compensation_cost=cost)
            rules[pid] = {rule_id: RuleOutcome(*figures) for rule_id, figures in per_rule.items()}
        orders: tuple = ()
        if self.keep_orders:
            orders = tuple(r for pid in sorted(products)
                           for r in self.nodes[pid].stock.book.records())
        parts = {p.id: with_holding(self.nodes[p.id].stock.part_outcome(
                     horizon, self.nodes[p.id].rejected), p)
                 for p in sorted(network.parts, key=lambda i: i.id)}
        suppliers = {
            sid: SupplierOutcome(
                down_time=measure(clock.down, warmup, horizon),
                units_not_delivered=clock.not_delivered,
                rejected_units=clock.rejected,
            )
            for sid, clock in sorted(self.clocks.items())
        }
        on_hand, backlog = {}, {}
        for item_id, node in self.nodes.items():
            if node.stock.series_on_hand is not None:
                on_hand[item_id] = node.stock.series_on_hand
                backlog[item_id] = node.stock.series_backlog
        traces = {item_id: node.stock.watch.trace(horizon)
                  for item_id, node in sorted(self.nodes.items()) if node.stock.watch is not None}
        return ReplicationResult(index=index, products=products, parts=parts,
                                 suppliers=suppliers, on_hand=on_hand, backlog=backlog,
                                 events=self.events, orders=orders, traces=traces,
                                 classes=classes, service=service, rules=rules)
