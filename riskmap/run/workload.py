"""How much work a run is, before it starts: refuse the enormous ones unless ``--force``.

A scenario typed with one zero too many (``replications: 100000``, ``horizon: 36500``, a
demand rate per minute in a file counted in days, a ``review_period`` of a minute) would
keep a laptop busy for days. riskmap estimates the number of simulated events from the
rates, the horizon and the replications, and refuses a run above :data:`MAX_EVENTS` with a
message that says what to lower.

The estimate (an order of magnitude, not a promise) counts every source of events of
docs/simulation.md per time unit of one replication:

* **customer orders**: each product's order rate (a seasonal one averaged over the
  horizon's calendar), raised by its demand surges (their extra factor, times their
  expected share of the horizon and their chance of happening);
* **replenishment orders**: an item orders at the rate its policy turns its demand into
  orders: one order per *demand event* reaching it under one-for-one base stock (a
  customer order of a product, a production order of an item made from it: orders, not
  units), its units rate over the batch for min-max and reorder-point policies, and at
  most once a review under periodic review. A component's demand events are the
  production orders of the items made from it, exploded through the bills of materials.
  Each order is one receipt, and a production order one run more;
* **periodic reviews**: one per review period of each item;
* **disruption occurrences**: expected per replication (``rate`` x horizon, or one with
  ``probability``); each is drawn and laid into the calendars of what it strikes, and
  the lanes and stages it stops are rescheduled around it, which costs about as much
  as :data:`EVENTS_PER_OCCURRENCE` events (measured: an outage striking one supplier
  100 times a day).

The counterfactual arms (docs/counterfactuals.md; ``--no-counterfactuals`` skips them)
repeat it.

Memory is bounded apart from time: every replication's figures are kept (a few dozen
numbers per product, 9 bytes each, :mod:`riskmap.run.samples`), so a run whose kept
figures would pass :data:`MAX_SAMPLE_BYTES` is refused even with ``--force``
(:func:`check_memory`).
"""

from __future__ import annotations

from riskmap.errors import Diagnostic, InputError, Pos
from riskmap.graph import supply_graph
from riskmap.model import Item, Scenario
from riskmap.season import DAYS_PER_UNIT, mean_factor

#: Most memory the kept per-replication figures of one run may take, ``--force`` or not.
MAX_SAMPLE_BYTES = 4 * 2**30
#: Bytes a kept figure takes (a float64 and a one-byte code, riskmap.run.samples.Column).
BYTES_PER_FIGURE = 9
#: Runs estimated above this many events are refused without ``--force``: about two
#: hours of one CPU at :data:`EVENTS_PER_SECOND`.
MAX_EVENTS = 1e9
#: The rate used to turn events into time in the message: the engine's rate on
#: industrial chains and the bundled scenarios (docs/performance.md), not its best case.
EVENTS_PER_SECOND = 150_000
#: What one disruption occurrence costs, counted in events (see the module docstring).
EVENTS_PER_OCCURRENCE = 3


def orders_per_time_unit(item: Item, demand_events: float, units: float) -> float:
    """Replenishment orders per time unit of ``item`` given its demand events and units per time unit.

    >>> from riskmap.model import Policy
    >>> orders_per_time_unit(Item("x", "part", policy=Policy("base_stock", level=5)), 3.0, 90.0)
    3.0
    >>> orders_per_time_unit(Item("x", "part", policy=Policy("base_stock", level=5,
    ...                                                      review_period=1.0)), 3.0, 90.0)
    1.0
    >>> orders_per_time_unit(Item("x", "part", policy=Policy("reorder_point", point=5,
    ...                                                      quantity=30)), 3.0, 90.0)
    3.0
    """
    policy = item.policy
    if policy is None:
        return 0.0
    if policy.kind == "min_max":
        rate = units / max(1, policy.max - policy.min)
    elif policy.kind == "reorder_point":
        rate = units / max(1, policy.quantity)
    else:  # one for one: an order per demand event
        rate = demand_events
    if policy.review_period is not None:
        rate = min(rate, 1.0 / policy.review_period)
    return rate


def order_rate(scenario: Scenario, product) -> float:
    """The product's mean order rate over the horizon, its seasonal calendar included.

    Without seasonality, the demand's mean rate; with it, the base rate times the mean
    factor over ``[0, horizon)`` (:func:`riskmap.season.mean_factor`), the honest rate
    for a total over the run.
    """
    demand = product.demand
    season = demand.seasonality
    if season is None:
        return demand.mean_rate
    network = scenario.network
    return demand.base_rate * mean_factor(season, network.start, network.time_unit, 0.0,
                                          scenario.horizon)


def surge_factor(scenario: Scenario, product: str) -> float:
    """The mean factor the product's demand surges put on its order rate over the horizon."""
    horizon = scenario.horizon
    factor = 1.0
    for d in scenario.disruptions:
        if d.kind != "demand_surge" or d.target.id != product:
            continue
        duration = d.duration.mean if d.duration is not None else horizon
        factor += (d.factor - 1.0) * min(duration, horizon) / horizon * _occurrences(d, horizon)
    return factor


def _occurrences(d, horizon: float) -> float:
    return d.rate * horizon * d.probability if d.rate is not None else d.probability


def events_per_time_unit(scenario: Scenario) -> float:
    """Estimated simulated events per time unit of one replication (see the module docstring)."""
    network = scenario.network
    graph = supply_graph(network)
    units = graph.demand_rates
    events: dict[str, float] = {}  # demand events per time unit reaching each item
    customers = 0.0
    for product in network.products:
        if product.demand is not None:
            rate = order_rate(scenario, product) * surge_factor(scenario, product.id)
            events[product.id] = rate
            customers += rate
    total = customers
    for item_id in reversed(graph.items_in_bom_order):  # users before their components
        item = network.item(item_id)
        orders = orders_per_time_unit(item, events.get(item_id, 0.0), units.get(item_id, 0.0))
        made = bool(item.bom) and not item.sources
        total += orders * (2.0 if made else 1.0)
        if item.policy is not None and item.policy.review_period is not None:
            total += 1.0 / item.policy.review_period
        if item.bom:
            production = orders if made else 0.0
            for component, _ in item.bom:
                events[component] = events.get(component, 0.0) + production
    disruptions = sum(_occurrences(d, scenario.horizon) for d in scenario.disruptions)
    return total + EVENTS_PER_OCCURRENCE * disruptions / scenario.horizon


def estimated_events(scenario: Scenario, replications: int, arms: int = 1) -> float:
    """Estimated simulated events of the whole run (every replication of every arm)."""
    return events_per_time_unit(scenario) * scenario.horizon * replications * max(1, arms)


def figures_per_replication(network) -> int:
    """How many figures one replication of ``network`` keeps (riskmap.run.samples.Samples)."""
    from riskmap.stats import STATISTICS, STOCK_STATISTICS

    return ((len(STATISTICS["product"]) + 2) * len(network.products)  # + ordered, filled
            + len(STATISTICS["part"]) * len(network.parts)
            + len(STATISTICS["supplier"]) * len(network.suppliers)
            + len(STOCK_STATISTICS) * len(network.items))


def check_memory(scenario: Scenario, replications: int, arms: int = 1) -> float:
    """The bytes the run's kept figures take; :class:`InputError` above :data:`MAX_SAMPLE_BYTES`.

    ``--force`` does not lift this bound: past it the run would fail for
    want of memory rather than merely take long.
    """
    _check_season_memory(scenario)
    per_replication = BYTES_PER_FIGURE * figures_per_replication(scenario.network) * max(1, arms)
    needed = float(per_replication) * replications
    if needed > MAX_SAMPLE_BYTES:
        most = max(1, MAX_SAMPLE_BYTES // max(1, per_replication))
        arms_text = f" in each of {arms} arms" if arms > 1 else ""
        raise InputError([Diagnostic(Pos(scenario.file), (
            f"{replications} replications would keep about {needed / 2**30:,.1f} GiB of "
            f"per-replication figures{arms_text} (riskmap keeps every replication's figures "
            f"for the statistics; the limit is {MAX_SAMPLE_BYTES / 2**30:g} GiB, and --force "
            f"does not lift it); lower replications to at most {most:,}"),
            check="too-much-memory")])
    return needed


#: Bytes one calendar period of a seasonal demand takes in memory (its knot of the
#: cumulative rate: two list entries and two array entries, riskmap.sim.demand).
BYTES_PER_SEASON_PERIOD = 120


def season_periods(scenario: Scenario) -> float:
    """The calendar periods the run's seasonal demands hold knots for (each distinct one once)."""
    days = scenario.horizon * DAYS_PER_UNIT[scenario.network.time_unit]
    seasons = {p.demand.seasonality for p in scenario.network.products
               if p.demand is not None and p.demand.seasonality is not None}
    return sum(days / (1.0 if s.by == "weekday" else 365.2425 / 12) for s in seasons)


def _check_season_memory(scenario: Scenario) -> None:
    """Refuse a horizon whose seasonal calendar would not fit in memory (even with --force)."""
    needed = BYTES_PER_SEASON_PERIOD * season_periods(scenario)
    if needed > MAX_SAMPLE_BYTES:
        raise InputError([Diagnostic(Pos(scenario.file), (
            f"the seasonal demand's calendar over a horizon of {scenario.horizon:g} "
            f"{scenario.network.time_unit}s has about {season_periods(scenario):.1e} periods, "
            f"one boundary each in memory (about {needed / 2**30:,.1f} GiB; the limit is "
            f"{MAX_SAMPLE_BYTES / 2**30:g} GiB); lower the horizon"), check="too-much-memory")])


def check_budget(scenario: Scenario, replications: int, arms: int = 1, force: bool = False) -> float:
    """The estimate; raises :class:`InputError` when it is above :data:`MAX_EVENTS`.

    ``force`` skips that refusal (the estimate is still returned), not the
    memory bound of :func:`check_memory`, checked next.
    """
    events = estimated_events(scenario, replications, arms)
    if events > MAX_EVENTS and not force:
        hours = events / EVENTS_PER_SECOND / 3600
        arms_text = f" x {arms} arms (the runs that value options)" if arms > 1 else ""
        raise InputError([Diagnostic(Pos(scenario.file), (
            f"this run would simulate about {events:.1e} events ({replications} replications"
            f"{arms_text} over a horizon of {scenario.horizon:g}), about {hours:.0f} hours of "
            f"one CPU; lower replications or horizon"
            f"{', or pass --no-counterfactuals' if arms > 1 else ''}, check that demand rates "
            f"are per {scenario.network.time_unit}, or pass --force to run it anyway"),
            check="too-much-work")])
    check_memory(scenario, replications, arms)
    return events
