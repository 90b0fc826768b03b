"""What an alert rule watches, and the constants it is scored with (docs/alerts.md).

Everything here is a function of the model alone, computed once per run in
the process that starts it (:func:`rule_plans`) and sent to the workers with
the run's layout.

* The **replenishment lead time** of an item (:func:`replenishment_lead_times`):
  bought, the mean lead time of its primary lanes weighted by their shares
  (of its alternates, equally weighted, when it has no primary); made and not
  bought, its mean assembly time plus the longest replenishment lead time of
  its components (the cumulative lead time); neither, 0.
* The **demand rate** of an item: the mean units per time unit that product
  demand asks of it through the bills of materials
  (:attr:`riskmap.graph.SupplyGraph.demand_rates`).
* **days_of_cover** = on hand / demand rate, in time units; +infinity for an
  item no demand reaches (such a rule never warns; validation warns about it).
* The **window** of a rule: its ``window:``, else twice the item's
  replenishment lead time.
* A **year** is 365 days in the network's time unit (a month is a twelfth of
  a year).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from riskmap.graph import supply_graph
from riskmap.model import Alert, Network, Scenario

#: time units in 365 days, by time unit.
YEAR = {"minute": 365 * 24 * 60.0, "hour": 365 * 24.0, "day": 365.0, "week": 365 / 7,
        "month": 12.0, "year": 1.0}

#: most candidate thresholds tried per rule for the suggestion.
LEVELS = 64


def replenishment_lead_times(network: Network) -> dict[str, float]:
    """The replenishment lead time of every item, by id (see the module docstring)."""
    items = {item.id: item for item in network.items}
    lead: dict[str, float] = {}
    for item_id in supply_graph(network).items_in_bom_order:  # components first
        item = items[item_id]
        lanes = item.primaries or item.sources
        if item.primaries:
            lead[item_id] = sum(s.share * s.lead_time.mean for s in lanes)
        elif lanes:
            lead[item_id] = sum(s.lead_time.mean for s in lanes) / len(lanes)
        elif item.bom:
            lead[item_id] = item.assembly_time.mean + max(lead.get(c, 0.0) for c, _ in item.bom)
        else:
            lead[item_id] = 0.0
    return lead


def demand_rate(network: Network, item_id: str) -> float:
    """Mean units per time unit that product demand asks of ``item_id`` through the BOMs."""
    return float(supply_graph(network).demand_rates.get(item_id, 0.0))


def alert_window(alert: Alert, network: Network) -> float:
    """The rule's look-back window: ``window:``, else twice the item's replenishment lead time."""
    if alert.window is not None:
        return float(alert.window)
    return 2.0 * replenishment_lead_times(network)[alert.item]


def candidate_levels(alert: Alert, network: Network) -> tuple[float, ...]:
    """The thresholds the suggestion tries, lowest first.

    Units (``on_hand``, ``position``): every whole number from 1 to the top, or
    :data:`LEVELS` whole numbers spread evenly up to it, the top being the
    largest of the item's initial stock, its policy's target and the rule's
    ``below``. ``days_of_cover``: that top in days of cover, cut into
    :data:`LEVELS` even steps. Empty for ``days_of_cover`` of an item without
    demand.
    """
    item = network.item(alert.item)
    target = item.policy.target if item.policy is not None else 0
    top_units = max(item.stock, target, 1)
    if alert.measure == "days_of_cover":
        rate = demand_rate(network, alert.item)
        if rate <= 0:
            return ()
        top = max(top_units / rate, alert.below)
        return tuple(round(float(x), 6) for x in np.linspace(top / LEVELS, top, LEVELS))
    top = max(top_units, int(math.ceil(alert.below)))
    if top <= LEVELS:
        return tuple(float(x) for x in range(1, top + 1))
    return tuple(float(x) for x in np.unique(np.ceil(np.linspace(top / LEVELS, top, LEVELS))))


@dataclass(frozen=True)
class RulePlan:
    """One rule with the constants it is scored with (see the module docstring).

    Attributes
    ----------
    alert : Alert
        The rule as written.
    lead_time : float
        The item's replenishment lead time: the warning ahead the suggestion asks for.
    window : float
        The look-back window.
    rate : float
        The item's demand rate (units per time unit), for ``days_of_cover``.
    levels : tuple of float
        The candidate thresholds of the suggestion.
    warmup, horizon : float
        The statistics window.
    year : float
        Time units in 365 days.
    """

    alert: Alert
    lead_time: float
    window: float
    rate: float
    levels: tuple[float, ...]
    warmup: float
    horizon: float
    year: float

    @property
    def id(self) -> str:
        """The rule's id."""
        return self.alert.id

    def values(self, on_hand: np.ndarray, position: np.ndarray) -> np.ndarray:
        """The rule's measure at each point of a trace (floats; +inf where not defined)."""
        if self.alert.measure == "on_hand":
            return on_hand.astype(np.float64)
        if self.alert.measure == "position":
            return position.astype(np.float64)
        if self.rate <= 0:
            return np.full(len(on_hand), math.inf)
        return on_hand / self.rate


def rule_plans(scenario: Scenario) -> tuple[RulePlan, ...]:
    """The plan of every alert rule of ``scenario``, in file order (empty without ``alerts:``)."""
    if not scenario.alerts:
        return ()
    network = scenario.network
    leads = replenishment_lead_times(network)
    year = YEAR.get(network.time_unit, 365.0)
    plans = []
    for alert in scenario.alerts:
        window = float(alert.window) if alert.window is not None else 2.0 * leads[alert.item]
        plans.append(RulePlan(alert=alert, lead_time=leads[alert.item], window=window,
                              rate=demand_rate(network, alert.item),
                              levels=candidate_levels(alert, network),
                              warmup=float(scenario.warmup), horizon=float(scenario.horizon),
                              year=year))
    return tuple(plans)


def default_window_problem(alert: Alert, network: Network) -> Optional[str]:
    """Why the rule's window would be 0 (its item has no lead time), ``None`` when it is not."""
    if alert.window is not None or replenishment_lead_times(network)[alert.item] > 0:
        return None
    return (f"alert {alert.id!r}: item {alert.item!r} has no replenishment lead time, so the "
            "default window (twice it) is 0; give the rule a 'window'")
