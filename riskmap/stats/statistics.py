"""The statistics riskmap reports: one table per subject (product, part, supplier, item stock).

Each :class:`Statistic` names a per-replication quantity of the records of
:mod:`riskmap.sim.results`, its unit and how it is estimated across
replications (:mod:`riskmap.stats.estimates`). report.json, the reports and
``riskmap check`` read every figure through these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Collection, Optional, Sequence

import numpy as np

from riskmap.stats.estimates import MEAN, PROPORTION, Estimate, estimate_mean, estimate_proportion

@dataclass(frozen=True)
class Statistic:
    """A per-replication quantity and how it is estimated across replications.

    Attributes
    ----------
    name : str
        The report key (``fill_rate``, ``backorder_units``...).
    subject : str
        ``product``, ``part``, ``supplier`` or ``alert``: the outcome record it reads.
    unit : str
        The unit; ``{time}`` stands for the scenario's time unit.
    description : str
        One line for the reference docs.
    value : callable
        ``value(outcome) -> float | bool | None``: the value in one
        replication, ``None`` where undefined.
    kind : str
        :data:`MEAN` (Student t) or :data:`PROPORTION` (Wilson).
    needs : str or None
        A disruption kind: the statistic is reported only for scenarios that
        have a disruption of that kind (it is 0 in every other run), so the
        reports of the others keep their shape. ``None``: always reported.
    """

    name: str
    subject: str
    unit: str
    description: str
    value: Callable[[object], object]
    kind: str = MEAN
    needs: Optional[str] = None

    def reported_for(self, kinds: Collection[str]) -> bool:
        """Whether a scenario with disruptions of ``kinds`` reports this statistic."""
        return self.needs is None or self.needs in kinds

    def unit_for(self, time_unit: str) -> str:
        """The unit with the scenario's time unit filled in."""
        return self.unit.replace("{time}", time_unit)

    def estimate(self, values: Sequence[object], time_unit: str = "day") -> Estimate:
        """Estimate over the per-replication ``values`` (``None`` entries are left out)."""
        defined = [v for v in values if v is not None]
        unit = self.unit_for(time_unit)
        if self.kind == PROPORTION:
            return estimate_proportion(np.array(defined, dtype=bool), unit)
        return estimate_mean(np.array(defined, dtype=float), unit)


PRODUCT_STATISTICS: tuple[Statistic, ...] = (
    Statistic("fill_rate", "product", "ratio",
              "units shipped from stock at the moment they were ordered / units ordered, "
              "per replication, then averaged over replications",
              # riskmap.sim.results.fill_rate: undefined (None, left out) without orders
              lambda o: o.fill_rate),
    Statistic("backorder_probability", "product", "probability",
              "share of replications in which at least one unit waited",
              lambda o: o.backorder_units > 0, PROPORTION),
    Statistic("backorder_units", "product", "units",
              "units that could not ship at once and waited in the backlog",
              lambda o: o.backorder_units),
    Statistic("backlog_days", "product", "unit-{time}s",
              "integral of the backlog over time (units waiting x time waited)",
              lambda o: o.backlog_unit_time),
    Statistic("lost_units", "product", "units",
              "units lost to lost sales or cancelled when the customer's patience ran out",
              lambda o: o.lost_units),
    Statistic("longest_wait", "product", "{time}s",
              "longest time an order waited for its last unit (to the horizon if still waiting)",
              lambda o: o.longest_wait),
    Statistic("time_to_first_backorder", "product", "{time}s",
              "time (from 0) of the first order that had to wait, over replications that had one",
              lambda o: o.first_backorder_time),
    Statistic("ordered_units", "product", "units", "units ordered by customers",
              lambda o: o.ordered_units),
    Statistic("shipped_units", "product", "units", "units shipped to customers",
              lambda o: o.shipped_units),
    Statistic("waiting_units_at_end", "product", "units",
              "units still waiting at the end of the horizon",
              lambda o: o.waiting_units_at_end),
    # Customers who wait (docs/customers.md): waits and promised dates are defined
    # only in replications where some order waited or some promise was judged.
    Statistic("wait", "product", "{time}s",
              "mean wait of the orders that waited (to their last unit, their cancellation or "
              "the horizon), over replications where some order waited",
              lambda o: o.wait_mean),
    Statistic("wait_p50", "product", "{time}s",
              "median wait of the orders that waited, within a replication",
              lambda o: o.wait_p50),
    Statistic("wait_p90", "product", "{time}s",
              "90th percentile of the waits of the orders that waited, within a replication",
              lambda o: o.wait_p90),
    Statistic("wait_p95", "product", "{time}s",
              "95th percentile of the waits of the orders that waited, within a replication",
              lambda o: o.wait_p95),
    Statistic("eta_kept", "product", "ratio",
              "share of promised dates kept: filled by the first date promised, among orders "
              "filled or still unfilled after that date",
              lambda o: o.eta_kept),
    Statistic("eta_slip", "product", "{time}s",
              "mean time by which broken promises were missed (to the fill, the cancellation or "
              "the horizon)",
              lambda o: o.eta_slip),
    Statistic("eta_revisions", "product", "revisions",
              "times a promised date passed with the order still waiting and a new one was given",
              lambda o: o.eta_revisions),
    Statistic("substituted_units", "product", "units",
              "units of the product's orders shipped at once by a substitute product",
              lambda o: o.substituted_units),
    Statistic("substitute_units_supplied", "product", "units",
              "units the product shipped at once in place of another product",
              lambda o: o.substitute_units_supplied),
    Statistic("lost_revenue", "product", "money", "lost_units x price",
              lambda o: o.lost_revenue),
    Statistic("lost_margin", "product", "money", "lost_units x margin",
              lambda o: o.lost_margin),
    Statistic("backorder_cost", "product", "money",
              "backlog_days x backorder_cost: the cost of customers waiting",
              lambda o: o.backorder_cost),
    Statistic("lost_sale_cost", "product", "money",
              "lost_units x lost_sale_cost: the penalty for units lost, beyond the margin",
              lambda o: o.lost_sale_cost),
    Statistic("total_cost", "product", "money",
              "lost_margin + backorder_cost + lost_sale_cost: what backorders cost",
              lambda o: o.total_cost),
)

#: product statistics also reported summed over all products (``totals`` in report.json).
TOTAL_STATISTICS = ("lost_units", "substituted_units", "lost_revenue", "lost_margin",
                    "backorder_cost", "lost_sale_cost", "total_cost")

#: figures of a product with ``updates:`` or ``inquiries:`` (docs/customers.md, "Updates and
#: inquiries"), reported under ``products.<id>`` for those products only; they read a
#: :class:`riskmap.sim.service.ServiceOutcome`.
SERVICE_STATISTICS: tuple[Statistic, ...] = (
    Statistic("updates_sent", "product", "updates",
              "updates sent to customers while their orders waited (scheduled and on revision)",
              lambda o: o.updates_sent),
    Statistic("updates_missed", "product", "updates",
              "promised dates that passed with the order waiting and no update until the "
              "promise was revised or the wait ended",
              lambda o: o.updates_missed),
    Statistic("inquiries", "product", "contacts",
              "service-desk contacts from customers waiting past their promised date without "
              "a recent update",
              lambda o: o.inquiries),
    Statistic("inquiries_per_day", "product", "contacts / {time}",
              "inquiries per time unit of the run after warm-up",
              lambda o: o.inquiries_per_day),
    Statistic("inquiries_peak_day", "product", "contacts",
              "most inquiries in one time unit (from one whole time unit to the next)",
              lambda o: o.inquiries_peak_day),
    Statistic("compensated_orders", "product", "orders",
              "waiting orders that accepted a compensation offer (one per rule accepted)",
              lambda o: o.compensated_orders),
    Statistic("compensation_cost", "product", "money",
              "what the accepted compensation offers cost (part of total_cost)",
              lambda o: o.compensation_cost),
)

#: figures of one compensation rule of a product (``products.<id>.compensation.<rule>``).
RULE_STATISTICS: tuple[Statistic, ...] = (
    Statistic("offers", "product", "orders", "offers the rule made to waiting orders",
              lambda o: o.offers),
    Statistic("compensated_orders", "product", "orders", "offers accepted",
              lambda o: o.compensated_orders),
    Statistic("compensation_cost", "product", "money", "what the accepted offers cost",
              lambda o: o.compensation_cost),
)

PART_STATISTICS: tuple[Statistic, ...] = (
    Statistic("stock_out_time", "part", "{time}s",
              "time after warm-up during which something waits for the part",
              lambda o: o.stock_out_time),
    Statistic("rejected_units", "part", "units",
              "units of the part received after warm-up that failed inspection",
              lambda o: o.rejected_units, needs="quality"),
)

SUPPLIER_STATISTICS: tuple[Statistic, ...] = (
    Statistic("down_time", "supplier", "{time}s",
              "time after warm-up the supplier is down (overlaps counted once)",
              lambda o: o.down_time),
    Statistic("units_not_delivered", "supplier", "units",
              "units of orders placed with the supplier that were held by it being down",
              lambda o: o.units_not_delivered),
    Statistic("rejected_units", "supplier", "units",
              "units received from the supplier after warm-up that failed inspection",
              lambda o: o.rejected_units, needs="quality"),
)

#: the figures of an alert rule (docs/alerts.md), read from its
#: :class:`~riskmap.sim.results.AlertOutcome`; reported under report.json's ``alerts``
#: for scenarios with ``alerts:``, so they are not in :data:`STATISTICS`.
ALERT_STATISTICS: tuple[Statistic, ...] = (
    Statistic("warned_share", "alert", "ratio",
              "share of the item's backorder episodes the rule warned of beforehand, per "
              "replication, over replications with an episode",
              lambda o: o.warned_share),
    Statistic("warning_lead_time", "alert", "{time}s",
              "mean time from the first warning to the start of the episodes warned of, over "
              "replications with one",
              lambda o: o.warning_lead_time),
    Statistic("false_alarms_per_year", "alert", "false alarms / year",
              "warnings followed by no episode within the rule's window, per 365 days of "
              "judged time",
              lambda o: o.false_alarms_per_year),
    Statistic("episodes", "alert", "episodes",
              "backorder episodes of the item (something waits for it) that start after warm-up",
              lambda o: o.episodes),
)

#: statistics of every item's stock (subject ``item``: a product's or a part's outcome).
#: Kept out of :data:`STATISTICS`, whose every row reaches every report.json: a
#: run gathers them for every item (``RunSummary.stock``), report.json shows them
#: only for items that set ``holding_cost`` (docs/reports.md), and
#: ``riskmap optimize`` prices its plans with them.
STOCK_STATISTICS: tuple[Statistic, ...] = (
    Statistic("on_hand_mean", "item", "units",
              "time-averaged units on hand over the statistics window (after warm-up)",
              lambda o: o.on_hand_mean),
    Statistic("holding_cost", "item", "money",
              "integral of on hand over the statistics window x holding_cost: the cost of "
              "holding stock",
              lambda o: o.holding_cost),
)

#: stock statistics also reported summed over all items (``totals`` in report.json).
STOCK_TOTAL_STATISTICS = ("holding_cost",)

STATISTICS: dict[str, tuple[Statistic, ...]] = {
    "product": PRODUCT_STATISTICS,
    "part": PART_STATISTICS,
    "supplier": SUPPLIER_STATISTICS,
}


def subject_statistics(subject: str) -> tuple[Statistic, ...]:
    """The statistics every id of ``subject`` has in a run's digests.

    ``product``, ``part``, ``supplier``: :data:`STATISTICS`; ``item``, every product's
    and part's stock: :data:`STOCK_STATISTICS`; ``class``, one customer class of a
    product: the product statistics; ``service``, a product with updates, inquiries or
    compensation: :data:`SERVICE_STATISTICS`; ``rule``, a compensation rule:
    :data:`RULE_STATISTICS`.
    """
    if subject == "item":
        return STOCK_STATISTICS
    if subject == "class":
        return PRODUCT_STATISTICS
    if subject == "service":
        return SERVICE_STATISTICS
    if subject == "rule":
        return RULE_STATISTICS
    return STATISTICS[subject]


def statistic(subject: str, name: str) -> Statistic:
    """The statistic ``name`` of ``subject`` (a subject of :func:`subject_statistics`).

    A product's statistics include those of the products that model updates,
    inquiries or compensation (:data:`SERVICE_STATISTICS`).
    """
    table = subject_statistics(subject) + (SERVICE_STATISTICS if subject == "product" else ())
    for stat in table:
        if stat.name == name:
            return stat
    raise KeyError(f"no {subject} statistic named {name!r}")
