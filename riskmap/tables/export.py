"""A network to the tables of ``riskmap import``, so it can be edited in a spreadsheet.

:func:`network_tables` gives the ``network``, ``regions``, ``suppliers``, ``items``,
``bom`` and ``lanes`` tables of a :class:`~riskmap.model.Network` as rows of values;
:func:`csv_text` and :func:`riskmap.tables.workbook.write_workbook` write them. Importing
them again gives the same network (a property test holds it to that).

What a plain table has no column for is written in the columns riskmap reads beyond
the planner's basic ones (docs/import.md, "What export writes"):

* a lead time that is constant is a number in ``lead_time``; a triangular one fills
  ``lead_time_min``, ``lead_time_mode`` and ``lead_time_max``; any other distribution
  (of a lead time, a ``ttr``, an order size...) is written in its cell as in a network
  file, ``{dist: uniform, min: 3, max: 6}``;
* a product's demand goes in ``demand_rate`` or ``demand_interval``, ``order_size`` and
  ``patience``; its substitutes in ``substitutes`` (``city-ebike:0.3``);
* shares of primary lanes are written only when they differ (equal shares are the
  default).

A network holding something no column carries is refused, naming it, rather than
exported without it: :data:`EXPORTED` lists the fields of each model record the tables
carry, and a field outside it that differs from its default stops the export.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any, Optional, Sequence

from riskmap.dists import Constant, Dist, Triangular
from riskmap.errors import Diagnostic, InputError, Pos
from riskmap.model import DEFAULT_START, Demand, Item, Network, Policy, Region, Source, Supplier
from riskmap.tables.columns import TABLES

#: The tables export writes, in this order (``sales`` is history, not part of a network).
EXPORTED_TABLES = ("network", "regions", "suppliers", "items", "bom", "lanes")

#: The fields of each model record that the tables carry (``pos`` is where it was read).
EXPORTED: dict[type, tuple[str, ...]] = {
    Network: ("name", "time_unit", "regions", "suppliers", "items", "file", "start"),
    Region: ("id", "name", "pos"),
    Supplier: ("id", "name", "region", "capacity", "ttr", "depends_on", "cover", "pos"),
    Source: ("supplier", "lead_time", "capacity", "alternate", "activation_delay", "share",
             "unit_cost", "pos"),
    Policy: ("kind", "level", "min", "max", "point", "quantity", "review_period"),
    Demand: ("rate", "interval", "size", "patience", "seasonality"),
    Item: ("id", "kind", "name", "stock", "policy", "sources", "bom", "capacity",
           "assembly_time", "demand", "price", "margin", "substitutes", "backorder_cost",
           "lost_sale_cost", "production", "holding_cost", "pos"),
}

#: The fields no column carries yet: a network that sets one (away from its default) is
#: refused by name (:func:`refuse_unexported`) rather than exported without it. Customer
#: classes and the customer-service rules have no table of SPEC's yet.
REFUSED: dict[type, tuple[str, ...]] = {
    Demand: ("classes",),
    Item: ("allocation", "updates", "inquiries", "compensation"),
}

Table = tuple[str, tuple[str, ...], list[list[Any]]]


def network_tables(network: Network) -> list[Table]:
    """The tables of ``network``: ``(name, header, rows)``, values as Python objects.

    A value is ``None`` for an empty cell, a number, a boolean, text, or a
    :class:`~riskmap.dists.Dist` that is not constant (written by :func:`cell_text`).

    Raises
    ------
    InputError
        Naming what the network holds that no column carries.
    """
    refuse_unexported(network)
    rows: dict[str, list[list[Any]]] = {name: [] for name in EXPORTED_TABLES}
    start = None if network.start == DEFAULT_START else network.start.isoformat()
    rows["network"].append(_row("network", name=network.name, time_unit=network.time_unit,
                                start=start))
    for region in network.regions:
        rows["regions"].append(_row("regions", id=region.id, name=region.name))
    for supplier in network.suppliers:
        rows["suppliers"].append(_row(
            "suppliers", id=supplier.id, name=supplier.name, region=supplier.region,
            capacity=supplier.capacity, ttr=supplier.ttr,
            depends_on=";".join(supplier.depends_on) or None, cover=_unless_zero(supplier.cover)))
    for item in network.items:
        rows["items"].append(_item_row(item))
        for component, quantity in item.bom:
            rows["bom"].append(_row("bom", item=item.id, component=component, quantity=quantity))
        shares = _written_shares(item)
        for source in item.sources:
            rows["lanes"].append(_lane_row(item, source, shares))
    return [(name, tuple(c.name for c in TABLES[name]), rows[name]) for name in EXPORTED_TABLES]


def refuse_unexported(network: Network) -> None:
    """Raise :class:`InputError` naming each value of ``network`` that no column carries."""
    problems: list[str] = []

    def look(record: Any, where: str) -> None:
        for f in dataclasses.fields(record):
            if f.name in EXPORTED.get(type(record), ()):
                continue
            default = f.default if f.default is not dataclasses.MISSING else (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
            if getattr(record, f.name) != default:
                problems.append(f"{where}: {f.name}")

    look(network, "the network")
    for region in network.regions:
        look(region, f"region {region.id!r}")
    for supplier in network.suppliers:
        look(supplier, f"supplier {supplier.id!r}")
    for item in network.items:
        look(item, f"{item.kind} {item.id!r}")
        for source in item.sources:
            look(source, f"the lane of {item.id!r} from {source.supplier!r}")
        if item.policy is not None:
            look(item.policy, f"the policy of {item.id!r}")
        if item.demand is not None:
            look(item.demand, f"the demand of {item.id!r}")
    if problems:
        raise InputError([Diagnostic(Pos(network.file), "the tables have no column for "
                                     f"{'; '.join(problems)}; keep this network in its YAML "
                                     "file (riskmap export cannot write it to tables yet)")])


def _row(table: str, **values: Any) -> list[Any]:
    """A row of ``table``: each column's value from ``values``, ``None`` for the others."""
    names = {c.name for c in TABLES[table]}
    unknown = set(values) - names
    assert not unknown, f"{table} has no column {sorted(unknown)}"
    return [values.get(c.name) for c in TABLES[table]]


def _unless_zero(dist: Dist) -> Optional[Dist]:
    """``None`` for a constant 0 (the default of a time), else ``dist``."""
    return None if dist == Constant(0) else dist


def _item_row(item: Item) -> list[Any]:
    policy = item.policy
    values: dict[str, Any] = dict(
        id=item.id, kind=item.kind, name=item.name, stock=item.stock,
        capacity=item.capacity, assembly_time=_unless_zero(item.assembly_time),
        production=None if item.production == "kits" else item.production,
        holding_cost=item.holding_cost)
    if policy is not None:
        values.update(policy=policy.kind, level=policy.level, min=policy.min, max=policy.max,
                      point=policy.point, quantity=policy.quantity,
                      review_period=policy.review_period)
    if item.is_product:
        values.update(price=item.price, margin=item.margin, backorder_cost=item.backorder_cost,
                      lost_sale_cost=item.lost_sale_cost,
                      substitutes="; ".join(f"{s.product}:{number_text(s.acceptance)}"
                                            for s in item.substitutes) or None)
        demand = item.demand
        if demand is not None:
            values.update(demand_rate=demand.rate, demand_interval=demand.interval,
                          order_size=None if demand.size == Constant(1) else demand.size,
                          patience=demand.patience)
            if demand.seasonality is not None:
                values.update(seasonality=demand.seasonality.by,
                              seasonality_factors="; ".join(
                                  number_text(f) for f in demand.seasonality.factors))
    return _row("items", **values)


def _written_shares(item: Item) -> bool:
    """Whether the shares of the item's primaries are written (they are not all equal)."""
    shares = {s.share for s in item.primaries}
    return len(shares) > 1


def _lane_row(item: Item, source: Source, shares: bool) -> list[Any]:
    values: dict[str, Any] = dict(
        item=item.id, supplier=source.supplier, capacity=source.capacity,
        alternate=True if source.alternate else None,
        activation_delay=_unless_zero(source.activation_delay),
        share=source.share if shares and not source.alternate else None,
        unit_cost=source.unit_cost)
    lead = source.lead_time
    if isinstance(lead, Triangular):
        values.update(lead_time_min=lead.min, lead_time_mode=lead.mode, lead_time_max=lead.max)
    else:
        values["lead_time"] = _unless_zero(lead)
    return _row("lanes", **values)


# ---------------------------------------------------------------------- cell text


def number_text(value: float) -> str:
    """A number as a cell writes it: ``12`` for 12.0, else the shortest exact form.

    >>> number_text(12.0), number_text(2.5), number_text(0.1)
    ('12', '2.5', '0.1')
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def cell_text(value: Any) -> str:
    """A value of :func:`network_tables` as the text of a CSV cell (``""`` for none)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, Dist):
        return dist_text(value)
    return str(value)


def dist_text(dist: Dist) -> str:
    """A distribution as a cell writes it: a number, or ``{dist: NAME, p: v, ...}``."""
    spec = dist.to_spec()
    if not isinstance(spec, dict):
        return number_text(spec)
    parts = []
    for key, value in spec.items():
        if isinstance(value, list):
            parts.append(f"{key}: [{', '.join(number_text(v) for v in value)}]")
        else:
            parts.append(f"{key}: {value if key == 'dist' else number_text(value)}")
    return "{" + ", ".join(parts) + "}"


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A table as CSV text: ``,``-separated, quoted where needed, ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return buffer.getvalue()


def workbook_value(value: Any) -> Any:
    """A value of :func:`network_tables` as a workbook cell holds it (numbers stay numbers)."""
    if isinstance(value, Dist):
        return dist_text(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value
