"""The file format as data: one table per entity, and the limits every value keeps to.

One table per entity (:data:`ENTITIES`) lists every key with its kind, default,
unit and description. The same tables drive validation (:mod:`riskmap.load.checker`
applies them, :mod:`riskmap.load.rules` relates the keys of one entity), defaults and
the file format reference (``docs/reference.md``, written by
:mod:`riskmap.load.reference` and checked by a test), so the docs and the validator
cannot drift apart.

Beside the tables: the limits (:data:`MAX_COUNT`, :data:`MAX_NUMBER`, id and text
lengths), the metrics an ``expect:`` line may name, the kinds of target a disruption
strikes and, for the rules, the parameters of each policy type and the targets and
factor of each disruption kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FORMAT_VERSION = 1
MAX_COUNT = 10**12
MAX_NUMBER = 1e15
# \Z, not $: "$" also matches before a final newline, which would let "bulb\n" through
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")
MAX_ID_LENGTH = 200
MAX_TEXT_LENGTH = 2000


@dataclass(frozen=True)
class Field:
    """One key of an entity.

    Attributes
    ----------
    key : str
        The key as written in a file.
    kind : str
        The name of a value kind of :data:`riskmap.load.checker.KINDS`, with its argument
        after a colon: ``"entity:supplier"`` and ``"list:source"`` nest other tables,
        ``"ref:part"`` names the entity referred to, ``"enum:a|b"`` lists the allowed values.
    required : bool
        Whether a file must give the key.
    default : Any
        The value of an omitted key (``None``: unset); a number for a ``dist``.
    unit : str
        The unit of the value, for the reference.
    doc : str
        What the key means, for the reference.
    """

    key: str
    kind: str
    required: bool = False
    default: Any = None
    unit: str = ""
    doc: str = ""


def _f(key, kind, doc, *, required=False, default=None, unit=""):
    return Field(key, kind, required, default, unit, doc)


TIME = "time unit"
RATE = "units / time unit"

ENTITIES: dict[str, tuple[Field, ...]] = {
    "network": (
        _f("riskmap", "version", "Format version; must be 1.", required=True),
        _f("name", "text", "Name of the network, shown in reports (defaults to the file name)."),
        _f("description", "text", "Free text."),
        _f("time_unit", "enum:minute|hour|day|week|month|year",
           "The unit of every time and rate in the file.", default="day"),
        _f("start", "date", "The calendar date of time 0 (ISO 8601, such as 2024-01-01): the "
                            "calendar that demand seasonality follows.", default="2000-01-01"),
        _f("regions", "list:region", "Regions where suppliers stand.", default=[]),
        _f("suppliers", "list:supplier", "Companies or plants that deliver items.", default=[]),
        _f("parts", "list:part", "Components and raw materials: items that are bought or made.",
           default=[]),
        _f("products", "list:product", "Items that customers order.", default=[]),
    ),
    "region": (
        _f("id", "id", "Unique id.", required=True),
        _f("name", "text", "Display name (defaults to the id)."),
    ),
    "supplier": (
        _f("id", "id", "Unique id.", required=True),
        _f("name", "text", "Display name (defaults to the id)."),
        _f("region", "ref:region", "Region the supplier stands in."),
        _f("capacity", "positive", "Units it can ship per time unit, shared by all its lanes; "
                                   "unbounded when omitted.", unit=RATE),
        _f("ttr", "dist", "Time to recover after a disruption.", unit=TIME),
        _f("depends_on", "refs:supplier", "Tier-2 suppliers it needs: it stops when one of them "
                                          "stops and its own cover runs out.", default=[]),
        _f("cover", "dist", "How long it keeps delivering after a tier-2 supplier stops.",
           default=0, unit=TIME),
        _f("description", "text", "Free text."),
    ),
    "source": (
        _f("supplier", "ref:supplier", "The supplier of this lane.", required=True),
        _f("lead_time", "dist", "Time from order to receipt, drawn per order.", default=0, unit=TIME),
        _f("capacity", "positive", "Units this lane can ship per time unit; unbounded when omitted.",
           unit=RATE),
        _f("alternate", "bool", "Used only when the primary sources cannot deliver.", default=False),
        _f("activation_delay", "dist", "Qualification or ramp-up time before an alternate's first "
                                       "order.", default=0, unit=TIME),
        _f("share", "positive", "Share of the item's orders among primary sources "
                                "(default: equal shares)."),
        _f("unit_cost", "number", "Price paid per unit.", unit="money / unit"),
    ),
    "policy": (
        _f("type", "enum:base_stock|min_max|reorder_point", "The replenishment rule.", required=True),
        _f("level", "count", "base_stock: order up to this inventory position, one for one.",
           unit="units"),
        _f("min", "count", "min_max: order when the inventory position falls to min or below.",
           unit="units"),
        _f("max", "count", "min_max: order up to max.", unit="units"),
        _f("point", "count", "reorder_point: order when the inventory position falls to point or "
                             "below.", unit="units"),
        _f("quantity", "count1", "reorder_point: order this many units (several batches when one "
                                 "is not enough to rise above point).", unit="units"),
        _f("review_period", "positive", "Review the position every review_period (periodic "
                                        "review); continuous review when omitted.", unit=TIME),
    ),
    "demand": (
        _f("rate", "number", "Customer orders per time unit (Poisson arrivals).", unit="orders / time unit"),
        _f("interval", "dist", "Time between orders (instead of rate); 1 is exactly one order per "
                               "time unit.", unit=TIME),
        _f("size", "dist", "Units per order, rounded to a whole number, at least 1.", default=1,
           unit="units"),
        _f("patience", "dist", "How long a waiting order waits before it is cancelled; 0 means "
                               "lost sales; customers wait for ever when omitted.", unit=TIME),
        _f("seasonality", "entity:seasonality", "The calendar pattern of the order rate: the rate "
                                                "in force is rate (or 1 / mean interval) times "
                                                "the factor of the calendar period, on the "
                                                "network's start calendar; the same rate all "
                                                "year round when omitted."),
    ),
    "seasonality": (
        _f("by", "enum:month|weekday", "The calendar period each factor covers (weekday only "
                                       "with time_unit minute, hour, day or week).",
           required=True),
        _f("factors", "numbers", "One factor per period: 12 for month (January first), 7 for "
                                 "weekday (Monday first); they average 1 (within 0.005; the "
                                 "engine divides them by their mean).", required=True),
    ),
    "customer_class": (),  # filled below: class, priority and the demand keys
    "updates": (
        _f("every", "positive", "Send every waiting order an update this long after it started "
                                "to wait, and again every this long while it waits.", unit=TIME),
        _f("on_revision", "bool", "Send an update each time the order's promised date is "
                                  "revised.", default=True),
    ),
    "compensation": (
        _f("id", "id", "Unique id among the product's rules.", required=True),
        _f("when", "enum:broken_promise|waited", "When the offer is made to an order still "
                                                 "waiting: broken_promise, the moment its first "
                                                 "promised date passes; waited, once it has "
                                                 "waited 'after'.", required=True),
        _f("after", "positive", "waited: how long the order has waited when the offer is made.",
           unit=TIME),
        _f("offer", "enum:discount|credit|refund|free_shipping|priority",
           "What is offered; priority also moves the order to the front of the queue.",
           required=True),
        _f("amount", "number", "Cost of an accepted offer, per order.", unit="money"),
        _f("share", "probability", "Cost of an accepted offer as a share of the price of the "
                                   "units still owed (instead of amount)."),
        _f("acceptance", "probability", "Chance that the customer accepts the offer.",
           required=True),
        _f("extends_patience", "positive", "An accepted offer makes the customer wait this much "
                                           "longer before cancelling.", unit=TIME),
        _f("prevents_cancellation", "bool", "An accepted offer makes the customer wait until "
                                            "the order is filled.", default=False),
        _f("classes", "refs:customer class", "The customer classes the rule is for (every "
                                              "order when omitted).",
           default=[]),
    ),
    "inquiries": (
        _f("rate", "number", "Contacts to the service desk per time unit from each waiting order "
                             "past its promised date and not updated within after_update.",
           required=True, unit="contacts / order / time unit"),
        _f("after_update", "number", "How long an update keeps a late customer from "
                                     "contacting the desk.", default=1, unit=TIME),
    ),
    "substitute": (
        _f("product", "ref:product", "The substitute product.", required=True),
        _f("acceptance", "probability", "Chance that a customer accepts it when the ordered "
                                        "product is out of stock.", required=True),
    ),
    "part": (),  # filled below: the item keys
    "product": (),
    "scenario": (
        _f("riskmap", "version", "Format version; must be 1.", required=True),
        _f("name", "text", "Name of the scenario; also the default output folder (defaults to "
                           "the file name)."),
        _f("description", "text", "Free text."),
        _f("network", "network", "Path of the network file, relative to this file, or the network "
                                 "inline (the keys of a network file, without riskmap:).",
           required=True),
        _f("horizon", "positive", "Simulated time.", required=True, unit=TIME),
        _f("warmup", "number", "Statistics start after this time.", default=0, unit=TIME),
        _f("replications", "count1", "Monte Carlo replications.", default=100),
        _f("seed", "seed", "Seed of the random streams.", default=0),
        _f("alternates", "enum:auto|off", "auto: alternates take over when primaries cannot "
                                          "deliver; off: never.", default="auto"),
        _f("disruptions", "list:disruption", "What goes wrong.", default=[]),
        _f("expect", "list:expectation", "The contingency plan that riskmap check enforces.",
           default=[]),
        _f("candidates", "list:candidate", "Suppliers not yet qualified, with the lanes they "
                                           "would add; each is evaluated against the scenario as "
                                           "written (docs/counterfactuals.md).", default=[]),
        _f("what_if", "list:what_if", "Stock, policy or capacity variations, each evaluated "
                                      "against the scenario as written (docs/counterfactuals.md).",
           default=[]),
        _f("alerts", "list:alert", "Low-stock warning rules, scored on the simulated runs "
                                   "(docs/alerts.md).", default=[]),
    ),
    "alert": (
        _f("id", "id", "Unique id of the rule.", required=True),
        _f("item", "ref:item", "The part or product it watches.", required=True),
        _f("below", "number", "It warns when the measure falls from at least this to below it.",
           required=True, unit="units; time units for days_of_cover"),
        _f("measure", "enum:on_hand|position|days_of_cover",
           "on_hand: units on hand; position: on hand + on order - backlog; days_of_cover: on "
           "hand / the item's mean demand per time unit through the bills of materials.",
           default="on_hand"),
        _f("window", "positive", "Look-back: a warning counts for a backorder episode that "
                                 "starts at most this long after it, and one followed by none "
                                 "within it is a false alarm (default: twice the item's "
                                 "replenishment lead time, docs/alerts.md).", unit=TIME),
        _f("description", "text", "Free text."),
    ),
    "candidate": (
        _f("id", "id", "Supplier id: a new supplier, or one of the network (then only supplies "
                       "may be given).", required=True),
        _f("name", "text", "Display name (defaults to the id)."),
        _f("region", "ref:region", "Region the supplier stands in (a region of the network)."),
        _f("capacity", "positive", "Units it can ship per time unit, shared by all its lanes; "
                                   "unbounded when omitted.", unit=RATE),
        _f("ttr", "dist", "Time to recover after a disruption.", unit=TIME),
        _f("depends_on", "refs:supplier", "Tier-2 suppliers of the network it needs.", default=[]),
        _f("cover", "dist", "How long it keeps delivering after a tier-2 supplier stops.",
           default=0, unit=TIME),
        _f("supplies", "list:candidate_source", "The lanes it would add.", required=True),
        _f("description", "text", "Free text."),
    ),
    "candidate_source": (
        _f("part", "ref:item", "The part (or product) this lane would supply.", required=True),
        _f("lead_time", "dist", "Time from order to receipt, drawn per order.", default=0, unit=TIME),
        _f("capacity", "positive", "Units this lane can ship per time unit; unbounded when omitted.",
           unit=RATE),
        _f("alternate", "bool", "Used only when the primary sources cannot deliver.", default=True),
        _f("activation_delay", "dist", "Qualification or ramp-up time before an alternate's first "
                                       "order.", default=0, unit=TIME),
        _f("share", "positive", "A primary lane: its weight among the item's primaries, each "
                                "existing primary weighing its share (default: the mean of "
                                "theirs)."),
        _f("unit_cost", "number", "Price paid per unit.", unit="money / unit"),
    ),
    "what_if": (
        _f("id", "id", "Unique id (defaults to what-if-N)."),
        _f("part", "ref:part", "The part to change."),
        _f("product", "ref:product", "The product to change."),
        _f("supplier", "ref:supplier", "The supplier to change (capacity only)."),
        _f("stock", "count", "Units on hand at the start, instead of the item's.", unit="units"),
        _f("policy", "entity:policy", "Replenishment policy, instead of the item's."),
        _f("capacity", "positive", "Units per time unit, instead of the item's or supplier's.",
           unit=RATE),
        _f("description", "text", "Free text."),
    ),
    "disruption": (
        _f("id", "id", "Unique id (defaults to KIND-N)."),
        _f("kind", "enum:outage|delay|shortage|disaster|demand_surge|quality|transit",
           "What happens.", required=True),
        _f("target", "target", "What it strikes: {supplier: ID}, {part: ID}, {product: ID} or "
                               "{region: ID}.", required=True),
        _f("at", "dist", "When it starts; uniformly random within the horizon when omitted.",
           unit=TIME),
        _f("duration", "dist", "How long it lasts; the supplier's ttr when omitted.", unit=TIME),
        _f("probability", "probability", "Chance that it happens in a replication.", default=1.0),
        _f("rate", "number", "Occurrences per time unit, as a Poisson process over the horizon "
                             "(instead of probability).", unit="1 / time unit"),
        _f("every", "dist", "outage: recur as an alternating process, up for a draw of every "
                            "between the end of one outage and the start of the next (from at, "
                            "else from 0), then down for duration (instead of rate).", unit=TIME),
        _f("lead_time_factor", "positive", "delay: lead times of orders placed during it are "
                                           "multiplied by this."),
        _f("capacity_factor", "number", "shortage: capacity is multiplied by this (0.4 leaves "
                                        "40%)."),
        _f("factor", "positive", "demand_surge: the demand rate is multiplied by this."),
        _f("ramp", "dist", "outage, disaster, shortage: after it ends, capacity returns "
                           "linearly over this time (from 0, or from capacity_factor) instead "
                           "of at once.", unit=TIME),
        _f("triggers", "list:trigger", "Disruptions this one sets off: each occurrence starts "
                                       "each of them, with its probability, after its delay.",
           default=[]),
        _f("reject", "probability", "quality: the share (below 1) of the units received while "
                                    "it lasts that fails inspection and is lost (a binomial "
                                    "draw per receipt)."),
        _f("description", "text", "Free text."),
    ),
    "trigger": (
        _f("id", "id", "The disruption it sets off (the id of another disruption of the "
                       "scenario, which then happens only when set off).", required=True),
        _f("probability", "probability", "Chance that it follows each occurrence of the "
                                         "disruption that triggers it.", default=1.0),
        _f("after", "dist", "Time from the start of the occurrence to the start of the "
                            "disruption it sets off.", default=0, unit=TIME),
    ),
    "expectation": (
        _f("product", "ref:product", "The product the metric is about."),
        _f("supplier", "ref:supplier", "The supplier the metric is about."),
        _f("alert", "ref:alert", "The alert rule (of alerts:) the metric is about."),
        _f("metric", "text", "The metric to check.", required=True),
        _f("min", "real", "Lowest acceptable value."),
        _f("max", "real", "Highest acceptable value."),
        _f("stat", "enum:mean|p50|p90|p95", "Which statistic across replications.", default="mean"),
    ),
}

_ITEM_FIELDS = (
    _f("id", "id", "Unique id among parts and products.", required=True),
    _f("name", "text", "Display name (defaults to the id)."),
    _f("stock", "count", "Units on hand at the start.", default=0, unit="units"),
    _f("policy", "entity:policy", "Replenishment policy; none means no replenishment."),
    _f("sources", "list:source", "Lanes it is bought on.", default=[]),
    _f("bom", "bom", "Bill of materials: component id to units per unit made.", default={}),
    _f("capacity", "positive", "Units it can be made per time unit; unbounded when omitted.",
       unit=RATE),
    _f("assembly_time", "dist", "Time from the start of a production run to its units on hand "
                                "(drawn per run), after its line time.", default=0, unit=TIME),
    _f("holding_cost", "number", "Cost of holding one unit on hand for one time unit.",
       unit="money / unit / time unit"),
    _f("production", "enum:kits|whole", "When an order to make the item starts: kits, as many "
                                        "units as there are complete kits of components (the rest "
                                        "as they arrive); whole, once every unit of every "
                                        "component is on hand.", default="kits"),
    _f("description", "text", "Free text."),
)
#: A network written inside a scenario: the network keys, ``riskmap:`` optional.
ENTITIES["inline_network"] = (_f("riskmap", "version", "Format version (optional inline)."),) + \
    ENTITIES["network"][1:]
ENTITIES["part"] = _ITEM_FIELDS
#: One customer class of a product whose ``demand:`` is a list (docs/customers.md, "Customer
#: classes"): the demand keys, with an id and a priority.
ENTITIES["customer_class"] = (
    _f("class", "id", "Id of the class, unique among the product's classes (key accounts, "
                      "web shop...).", required=True),
    _f("priority", "count1", "Under allocation: priority, classes with a lower number are served "
                             "first (1 first); 1 when omitted."),
) + ENTITIES["demand"]
ENTITIES["product"] = _ITEM_FIELDS + (
    _f("demand", "demand", "Customer demand: one mapping (one class of customers) or a list of "
                           "customer classes."),
    _f("allocation", "enum:fifo|priority|smallest_first",
       "Which waiting orders arriving stock serves first: fifo, in the order they were placed; "
       "priority, by class priority, in order placed within a class; smallest_first, the "
       "orders that were owed the fewest units when they started to wait first.",
       default="fifo"),
    _f("updates", "entity:updates", "The update policy for customers whose orders wait "
                                    "(docs/customers.md, \"Updates and inquiries\")."),
    _f("inquiries", "entity:inquiries", "Service-desk contacts from customers waiting past "
                                        "their promised date without a recent update."),
    _f("compensation", "list:compensation", "Offers made to waiting customers, each with its "
                                            "cost and its effect on their patience "
                                            "(docs/customers.md, \"Compensation\").",
       default=[]),
    _f("price", "number", "Revenue per unit sold.", unit="money / unit"),
    _f("margin", "number", "Margin per unit sold.", unit="money / unit"),
    _f("substitutes", "list:substitute", "Products a customer may accept instead.", default=[]),
    _f("backorder_cost", "number", "Cost per unit per time unit a customer waits.",
       unit="money / unit / time unit"),
    _f("lost_sale_cost", "number", "Cost per unit of a cancelled order, beyond the lost margin.",
       unit="money / unit"),
)

#: Metrics an ``expect:`` line may name, by subject.
PRODUCT_METRICS = (
    "fill_rate", "backorder_probability", "backorder_units", "backlog_days", "lost_units",
    "longest_wait", "time_to_first_backorder", "eta_kept", "wait", "substituted_units",
    "lost_revenue", "lost_margin", "backorder_cost",
    # of the products that model them (docs/customers.md): unavailable for the others
    "updates_missed", "inquiries", "inquiries_peak_day", "compensation_cost",
)
SUPPLIER_METRICS = ("tts", "ttr", "tts_minus_ttr", "pi", "rei", "down_time", "units_not_delivered")
NETWORK_METRICS = ("single_points_of_failure", "worst_fill_rate")
ALERT_METRICS = ("warned_share", "warning_lead_time", "false_alarms_per_year")

TARGET_KINDS = ("supplier", "part", "product", "region")

#: The metrics an ``expect:`` line may name, by its subject.
METRICS_BY_SUBJECT = {
    "product": PRODUCT_METRICS, "supplier": SUPPLIER_METRICS, "network": NETWORK_METRICS,
    "alert": ALERT_METRICS,
}

#: The keys of an ``expect:`` line naming its subject (none: the network).
EXPECTATION_SUBJECTS = ("product", "supplier", "alert")

#: What an alert rule may watch (``measure:``).
ALERT_MEASURES = ("on_hand", "position", "days_of_cover")

#: The keys of a ``what_if:`` entry naming what it changes (exactly one is given) ...
WHAT_IF_SUBJECTS = ("part", "product", "supplier")
#: ... and the changes it may make (at least one; a supplier takes only capacity).
WHAT_IF_CHANGES = ("stock", "policy", "capacity")

#: The parameters each policy type needs; the others of the ``policy`` table do not apply.
POLICY_TYPE_PARAMETERS = {
    "base_stock": ("level",),
    "min_max": ("min", "max"),
    "reorder_point": ("point", "quantity"),
}
#: The policy keys that belong to one type only (``review_period`` applies to every type).
POLICY_TYPED_KEYS = ("level", "min", "max", "point", "quantity")

#: The kinds of target each disruption kind may strike.
DISRUPTION_TARGETS = {
    "outage": ("supplier",), "delay": ("supplier", "part"),
    "shortage": ("supplier", "part"), "disaster": ("region",),
    "demand_surge": ("product",), "quality": ("supplier", "part"),
    "transit": ("supplier", "region"),
}
#: The factor key each disruption kind needs; the other factor keys do not apply to it.
DISRUPTION_FACTORS = {"delay": "lead_time_factor", "shortage": "capacity_factor",
                      "demand_surge": "factor", "quality": "reject"}
#: Every factor key of the ``disruption`` table.
DISRUPTION_FACTOR_KEYS = ("lead_time_factor", "capacity_factor", "factor", "reject")
#: The disruption kinds that may recur as an alternating up/down process (``every``).
RECURRING_KINDS = ("outage",)
#: The disruption kinds after which capacity may return gradually (``ramp``).
RAMP_KINDS = ("outage", "disaster", "shortage")
