"""How much work a run is, before it starts: refuse the enormous ones unless ``--force``.

A scenario typed with one zero too many (``replications: 100000``, ``horizon: 36500``, a
demand rate per minute in a file counted in days) would keep a laptop busy for days. riskmap
estimates the number of simulated events from the rates, the horizon and the replications,
and refuses a run above :data:`MAX_EVENTS` with a message that says what to lower.

The estimate (an order of magnitude, not a promise):

* every customer order is one event;
* every replenishment order of an item is about two events (placed, received), and an item
  is replenished about ``demand rate / typical order size`` times per time unit, where the
  demand rate of a part is the product demand exploded through the bills of materials and
  the typical order size is what the item's policy orders at a time;
* the counterfactual arms (docs/counterfactuals.md; ``--no-counterfactuals`` skips them)
  repeat it.
"""

from __future__ import annotations

from riskmap.errors import Diagnostic, InputError, Pos
from riskmap.graph import supply_graph
from riskmap.model import Item, Scenario

#: Runs estimated above this many events are refused without ``--force``.
MAX_EVENTS = 5e9
#: The rate used to turn events into time in the message (measured: docs/performance.md).
EVENTS_PER_SECOND = 500_000


def typical_order(item: Item) -> float:
    """Units an item's policy orders at a time (one-for-one when it has no batch)."""
    policy = item.policy
    if policy is None:
        return 1.0
    if policy.kind == "min_max":
        return float(max(1, policy.max - policy.min))
    if policy.kind == "reorder_point":
        return float(max(1, policy.quantity))
    return 1.0


def events_per_time_unit(scenario: Scenario) -> float:
    """Estimated simulated events per time unit of one replication."""
    network = scenario.network
    orders = sum(p.demand.mean_rate for p in network.products if p.demand is not None)
    replenishments = sum(
        2.0 * supply_graph(network).demand_rates.get(item.id, 0.0) / typical_order(item)
        for item in network.items if item.policy is not None
    )
    return orders + replenishments


def estimated_events(scenario: Scenario, replications: int, arms: int = 1) -> float:
    """Estimated simulated events of the whole run (every replication of every arm)."""
    return events_per_time_unit(scenario) * scenario.horizon * replications * max(1, arms)


def check_budget(scenario: Scenario, replications: int, arms: int = 1, force: bool = False) -> float:
    """The estimate; raises :class:`InputError` when it is above :data:`MAX_EVENTS`.

    ``force`` skips the refusal (the estimate is still returned).
    """
    events = estimated_events(scenario, replications, arms)
    if events > MAX_EVENTS and not force:
        hours = events / EVENTS_PER_SECOND / 3600
        arms_text = f" x {arms} arms (the runs that rank alternates)" if arms > 1 else ""
        raise InputError([Diagnostic(Pos(scenario.file), (
            f"this run would simulate about {events:.1e} events ({replications} replications"
            f"{arms_text} over a horizon of {scenario.horizon:g}), about {hours:.0f} hours of "
            f"one CPU; lower replications or horizon"
            f"{', or pass --no-counterfactuals' if arms > 1 else ''}, check that demand rates "
            f"are per {scenario.network.time_unit}, or pass --force to run it anyway"),
            check="too-much-work")])
    return events
