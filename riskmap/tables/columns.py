"""The tables of ``riskmap import`` as data: each table's columns, their kinds and meanings.

Most columns are keys of the network file: such a column takes the kind, unit and
description of its key in :data:`riskmap.load.schema.ENTITIES`, so the table reference
(``docs/reference.md``, "Tables of riskmap import") and the network reference cannot
drift apart, and the value is checked by the network's own validator once the
network is assembled (:mod:`riskmap.tables.assemble`). The other columns (an item's
``kind``, the three lead-time columns of a triangular distribution, the ``bom`` and
``sales`` columns) are described here.

A column's *kind* says how a cell is read (:mod:`riskmap.tables.cells`); it is the
``Field.kind`` of its key. :mod:`riskmap.load.reference` writes these tables into
``docs/reference.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from riskmap.load.schema import ENTITIES, POLICY_TYPE_PARAMETERS, Field


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Attributes
    ----------
    name : str
        The header text.
    kind : str
        A ``Field.kind`` of :mod:`riskmap.load.schema` (``"dist"``, ``"count"``...), or
        ``"substitutes"`` (``product:acceptance`` pairs).
    required : bool
        Whether the table must have the column, and every row a value in it.
    doc : str
        What it means, for the reference.
    unit : str
        Its unit, for the reference.
    products_only : bool
        An ``items`` column that applies to products only.
    """

    name: str
    kind: str
    required: bool = False
    doc: str = ""
    unit: str = ""
    products_only: bool = False


def _field(entity: str, key: str) -> Field:
    return next(f for f in ENTITIES[entity] if f.key == key)


def _key(entity: str, key: str, name: str = "", *, required: bool = False, doc: str = "",
         products_only: bool = False) -> Column:
    """The column of the network key ``entity.key`` (named ``name`` when it is not ``key``)."""
    f = _field(entity, key)
    return Column(name or key, f.kind, required, doc or f.doc, f.unit, products_only)


def _own(name: str, kind: str, doc: str, *, required: bool = False, unit: str = "") -> Column:
    return Column(name, kind, required, doc, unit)


_POLICY_TYPES = ", ".join(POLICY_TYPE_PARAMETERS)

#: The columns of each table, in the order ``riskmap export`` writes them.
TABLES: dict[str, tuple[Column, ...]] = {
    "network": (
        _key("network", "name", doc="Name of the network, shown in reports (defaults to the "
                                    "name of the folder or workbook)."),
        _key("network", "time_unit"),
        _key("network", "start", doc="The calendar date of time 0 (ISO 8601); defaults to the "
                                     "first date of the sales table, else 2000-01-01."),
        _key("network", "description"),
    ),
    "regions": (
        _key("region", "id", required=True),
        _key("region", "name"),
    ),
    "suppliers": tuple(_key("supplier", f.key, required=f.required)
                       for f in ENTITIES["supplier"]),
    "items": (
        _key("part", "id", required=True),
        _own("kind", "enum:part|product", "part (a component or raw material) or product (what "
                                          "customers order).", required=True),
        _key("part", "name"),
        _key("part", "stock"),
        _own("policy", "enum:" + "|".join(POLICY_TYPE_PARAMETERS),
             f"The replenishment rule: {_POLICY_TYPES}; empty for no replenishment. Its "
             "parameters are the columns that follow."),
        *(_key("policy", key) for key in ("level", "min", "max", "point", "quantity",
                                          "review_period")),
        _key("part", "capacity"),
        _key("part", "assembly_time"),
        _key("part", "production"),
        _key("part", "holding_cost"),
        _key("product", "price", products_only=True),
        _key("product", "margin", products_only=True),
        _key("product", "backorder_cost", products_only=True),
        _key("product", "lost_sale_cost", products_only=True),
        _key("demand", "rate", "demand_rate", products_only=True,
             doc="Customer orders per time unit (Poisson arrivals), for a product without "
                 "sales."),
        _key("demand", "interval", "demand_interval", products_only=True,
             doc="Time between orders (instead of demand_rate), for a product without sales."),
        _key("demand", "size", "order_size", products_only=True,
             doc="Units per order, for a product without sales."),
        _key("demand", "patience", products_only=True),
        _key("seasonality", "by", "seasonality", products_only=True,
             doc="The calendar period of the seasonality factors (month or weekday), for a "
                 "product without sales (with sales, the fit decides)."),
        _key("seasonality", "factors", "seasonality_factors", products_only=True,
             doc="The seasonality factors separated by ';' (12 from January, or 7 from "
                 "Monday), averaging 1; given with seasonality."),
        Column("substitutes", "substitutes", doc="Products a customer may accept instead, as "
                                                 "product:acceptance pairs separated by ';' "
                                                 "(city-ebike:0.3).", products_only=True),
        _key("part", "description"),
    ),
    "bom": (
        _own("item", "ref:item", "The item made (a part or a product).", required=True),
        _own("component", "ref:item", "A part (or product) it is made from.", required=True),
        _own("quantity", "count1", "Units of the component per unit made.", required=True,
             unit="units"),
    ),
    "lanes": (
        _own("item", "ref:item", "The item bought on this lane (a part or a product).",
             required=True),
        _key("source", "supplier", required=True),
        _key("source", "lead_time"),
        *(_own(f"lead_time_{p}", "number", f"The {p} of a triangular lead time (the three "
                                          "columns together, instead of lead_time).",
               unit="time unit") for p in ("min", "mode", "max")),
        *(_key("source", key) for key in ("capacity", "alternate", "activation_delay", "share",
                                          "unit_cost")),
    ),
    "sales": (
        _own("date", "date", "The day of the order line (ISO 8601, such as 2024-03-01).",
             required=True),
        _own("product", "ref:product", "The product ordered.", required=True),
        _own("quantity", "count1", "Units ordered on the line.", required=True, unit="units"),
    ),
}

#: The kinds (``Field.kind`` heads) of the columns whose cells may hold numbers.
NUMERIC_KINDS = ("number", "real", "positive", "probability", "count", "count1", "dist")

#: The tables every source must hold; the others may be left out.
REQUIRED_TABLES = ("items",)

#: The three columns of a triangular lead time, by the distribution's parameter.
TRIANGULAR_COLUMNS = {"min": "lead_time_min", "mode": "lead_time_mode", "max": "lead_time_max"}


#: The columns of each table by name.
COLUMNS: dict[str, dict[str, Column]] = {name: {c.name: c for c in cols}
                                         for name, cols in TABLES.items()}


def columns(table: str) -> dict[str, Column]:
    """The columns of ``table`` by name."""
    return COLUMNS[table]
