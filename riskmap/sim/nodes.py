"""The items of a replication: each item's stock, how it is replenished, who orders it.

:func:`build_nodes` makes one :class:`Node` per item of the network and wires
it: its bill of materials (the component nodes), its lanes
(:mod:`riskmap.sim.supply`), its policy and, for a product with demand, its
:class:`CustomerStream`. Nodes are the engine's working state; they live for
one replication.
"""

from __future__ import annotations

import math
from typing import Optional

from riskmap.dists import Uniform
from riskmap.model import Item, Network
from riskmap.season import factor_step
from riskmap.sim.classes import ClassLedger
from riskmap.sim.compensation import CompensationDesk
from riskmap.sim.demand import Arrivals
from riskmap.sim.inventory import Stock
from riskmap.sim.orders import OrderBook
from riskmap.sim.service import ServiceDesk
from riskmap.sim.streams import Draws
from riskmap.sim.supply import Sourcing, build_sourcing


class Node:
    """An item in the replication: its stock and how it is replenished."""

    __slots__ = ("item", "stock", "policy", "continuous", "sourcing", "bom", "capacity",
                 "line_free", "assembly", "planned_batches", "line_plan", "customers", "due",
                 "trigger", "incoming", "whole", "needs", "compensation", "rejected")

    def __init__(self, item: Item, stock: Stock):
        self.item = item
        self.stock = stock
        self.policy = item.policy
        self.continuous = False
        self.sourcing: Optional[Sourcing] = None
        self.bom: list[tuple["Node", int]] = []
        # units of each component one unit takes, in the order of ``bom``
        self.needs: list[int] = []
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
        self.customers: Optional["CustomerStream"] = None
        self.due = ()
        self.trigger: Optional[float] = None
        # The item's scheduled receipts as the schedule keeps them
        # (riskmap.sim.schedule.Schedule.source), set by build_nodes.
        self.incoming = None
        # Whether a production order waits for every unit of every component
        # before it starts (the item's ``production: whole``).
        self.whole = item.production == "whole"
        # The product's compensation rules in this replication (set by build_nodes).
        self.compensation: Optional[CompensationDesk] = None
        # Units received after warm-up that failed inspection (quality disruptions).
        self.rejected = 0


class CustomerStream:
    """The order stream of one product (or of one customer class of it): arrivals, sizes,
    patience, substitutes, promises.

    ``ledger`` is the class's :class:`~riskmap.sim.classes.ClassLedger` (None for a product
    written with one demand mapping) and ``rank`` its priority under ``allocation: priority``.
    """

    __slots__ = ("node", "stock", "policy", "trigger", "arrivals", "sizes", "patience",
                 "lost_sales", "substitutes", "acceptance", "book", "ledger", "rank",
                 "compensation")

    def __init__(self, node: Node, arrivals: Arrivals, sizes: Draws, patience: Optional[Draws],
                 lost_sales: bool, substitutes=(), acceptance: Optional[Draws] = None,
                 ledger: Optional[ClassLedger] = None, rank: int = 1):
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
        self.ledger = ledger
        self.rank = rank
        # the product's compensation rules (riskmap.sim.compensation), or None
        self.compensation = node.compensation
        if node.customers is None:
            # Any of a product's streams serves to revise its promises: they share
            # its node, stock and book.
            node.customers = self
        node.due = self.book.due


def trigger(policy) -> float:
    """The highest inventory position at which ``policy`` orders anything."""
    if policy.kind == "base_stock":
        return policy.level - 1
    if policy.kind == "min_max":
        return policy.min
    if policy.kind == "reorder_point":
        return policy.point
    return math.inf  # an unknown kind: always ask the policy


def build_nodes(network, plan, clocks, streams, warmup: float, samples: int, series,
                log, keep_orders: bool, use_alternates: bool, schedule,
                horizon: float = math.inf) -> dict[str, Node]:
    """One wired :class:`Node` per item, by id (sorted).

    ``samples`` is the length of the recorded series; they are kept for every
    item (``series`` True) or for products only (``"products"``).
    """
    nodes: dict[str, Node] = {}
    for item_id in sorted(i.id for i in network.items):
        item = network.item(item_id)
        desk = (ServiceDesk(item, streams, warmup, horizon)
                if item.is_product and (item.updates or item.inquiries) else None)
        book = OrderBook(item_id, keep_orders, desk) if item.is_product else None
        recorded = samples if series is True or item.is_product else 0
        stock = Stock(item_id, item.stock, warmup, recorded, log, book,
                      ranked=item.allocation != "fifo",
                      by_size=item.allocation == "smallest_first")
        nodes[item_id] = Node(item, stock)
        nodes[item_id].incoming = schedule.source()
        if item.is_product and item.compensation:
            nodes[item_id].compensation = CompensationDesk(item, streams, schedule, log)
    for node in nodes.values():
        _wire(node, nodes, network, plan, clocks, streams, use_alternates)
    return nodes


def _wire(node: Node, nodes, network, plan, clocks, streams, use_alternates: bool) -> None:
    item = node.item
    if item.bom:
        node.bom = [(nodes[c], q) for c, q in sorted(item.bom)]
        node.needs = [q for _, q in node.bom]
        node.assembly = streams.draws(f"assembly:{item.id}", item.assembly_time)
    if item.sources:
        node.sourcing = build_sourcing(item, network, plan, clocks, streams, use_alternates)
    replenishable = bool(node.bom) or node.sourcing is not None
    if not replenishable:
        node.policy = None
    node.continuous = node.policy is not None and node.policy.review_period is None
    # The policy orders only when the position is at or below this: a review
    # above it needs no call to the policy.
    node.trigger = trigger(node.policy) if node.policy is not None else None


def customer_streams(node: Node, nodes: dict[str, Node], plan, streams, horizon: float,
                     warmup: float, network: Optional[Network] = None) -> list[CustomerStream]:
    """The order streams of a product with demand: one per customer class, in file order.

    Each class draws on its own named streams (docs/simulation.md, "Random
    streams"): ``demand:<product>:<class>`` and so on; the unnamed class of a
    product written with one demand mapping keeps ``demand:<product>``, so its
    draws are those of a product without classes. A seasonal demand (of the product
    or of a class) follows ``network``'s calendar (its ``start`` and ``time_unit``).
    """
    item = node.item
    named = bool(item.demand.classes)
    out = []
    for c in item.demand.customer_classes:
        suffix = f":{c.id}" if named else ""
        ledger = ClassLedger(item.id, c.id, warmup) if named else None
        out.append(customer_stream(node, nodes, plan, streams, horizon, c.demand, suffix,
                                   ledger, c.priority, network))
    return out


def customer_stream(node: Node, nodes: dict[str, Node], plan, streams, horizon: float,
                    demand=None, suffix: str = "", ledger: Optional[ClassLedger] = None,
                    rank: int = 1, network: Optional[Network] = None) -> CustomerStream:
    """One order stream of a product, its draws on their own named streams (``<kind>:<product><suffix>``).

    ``demand`` defaults to the product's (written as one mapping); a seasonal one needs
    ``network``, whose calendar it follows.
    """
    demand = node.item.demand if demand is None else demand
    item_id = node.item.id
    name = item_id + suffix
    season = None
    if demand.seasonality is not None:
        season = factor_step(demand.seasonality, network.start, network.time_unit, horizon)
    arrivals = Arrivals(demand, plan.surge.get(item_id, ()), streams, f"demand:{name}",
                        horizon, season)
    sizes = streams.draws(f"size:{name}", demand.size, units=True)
    patience = None
    lost_sales = False
    if demand.patience is not None:
        if demand.patience.is_constant and demand.patience.mean <= 0:
            lost_sales = True
        else:
            patience = streams.draws(f"patience:{name}", demand.patience)
    substitutes = tuple((nodes[s.product], float(s.acceptance))
                        for s in node.item.substitutes
                        if s.product in nodes and s.product != item_id)
    acceptance = (streams.draws(f"substitute:{name}", Uniform(0.0, 1.0))
                  if substitutes else None)
    return CustomerStream(node, arrivals, sizes, patience, lost_sales, substitutes, acceptance,
                          ledger, rank)
