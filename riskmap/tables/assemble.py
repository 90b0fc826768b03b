"""The tables assembled into the mapping of a network file, every value placed at its cell.

:func:`assemble` reads the :class:`~riskmap.tables.source.Source` table by table into
the mapping a network file would hold (``suppliers:``, ``parts:``, ``products:`` with
their ``sources``, ``bom``, ``policy`` and ``demand``) inside a
:class:`~riskmap.tables.document.TableDocument` that knows the cell of every value.
The network file's own checks then judge that mapping (:mod:`riskmap.tables.importer`).

What only the tables can get wrong is checked here, each at its cell: a missing table
or required column, an empty required cell, an unknown column (a warning), an item
``kind`` that is neither part nor product, a ``bom`` or ``lanes`` row naming an unknown
item, a component listed twice for one item, policy parameters without a policy, a
lead time given both ways, product columns on a part (a warning), and the ``sales``
rows (:mod:`riskmap.tables.sales`).

Order: entities keep the order of their table's rows (parts and products each in the
order of ``items``, lanes in the order of ``lanes``); regions named only by suppliers
are sorted by id; a bill of materials is sorted by component (as the model keeps it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from riskmap.errors import Collector, Pos
from riskmap.load.schema import FORMAT_VERSION, POLICY_TYPE_PARAMETERS
from riskmap.tables.cells import cell_value
from riskmap.tables.columns import COLUMNS, REQUIRED_TABLES, TABLES, TRIANGULAR_COLUMNS, Column
from riskmap.history.demand import DemandFit, fit_demand
from riskmap.tables.document import TableChecker, TableDocument
from riskmap.tables.sales import SalesHistory, read_sales
from riskmap.tables.source import Row, Source, Table

#: The policy columns of ``items``, after ``policy`` (the type).
POLICY_COLUMNS = ("level", "min", "max", "point", "quantity", "review_period")
#: The ``items`` columns that make a product's ``demand:``, by demand key.
DEMAND_COLUMNS = {"rate": "demand_rate", "interval": "demand_interval", "size": "order_size",
                  "patience": "patience"}
#: The ``items`` columns that a product's sales lines replace.
FITTED_COLUMNS = ("demand_rate", "demand_interval", "order_size", "seasonality",
                  "seasonality_factors")
#: The columns of a demand's seasonality (``by`` and ``factors``), given together.
SEASONALITY_COLUMNS = {"by": "seasonality", "factors": "seasonality_factors"}
#: The plain ``items`` columns of a part or product, by network key.
PART_KEYS = ("id", "name", "stock", "capacity", "assembly_time", "production", "holding_cost",
             "description")
PRODUCT_KEYS = PART_KEYS + ("price", "margin", "backorder_cost", "lost_sale_cost")
SUPPLIER_KEYS = tuple(c.name for c in TABLES["suppliers"])
LANE_KEYS = ("supplier", "lead_time", "capacity", "alternate", "activation_delay", "share",
             "unit_cost")
KINDS = ("part", "product")


@dataclass
class Assembled:
    """The assembled network: its document, the sales history and the demand made of it."""

    doc: TableDocument
    sales: Optional[SalesHistory] = None
    demands: dict[str, DemandFit] = field(default_factory=dict)


class _Assembler:
    """Reads one source into one document, reporting to one collector."""

    def __init__(self, source: Source, out: Collector):
        self.source = source
        self.out = out
        self.doc = TableDocument(source.path, None)
        self.doc.positions[()] = Pos(source.path)
        self.checker = TableChecker(self.doc, out)
        self.usable: dict[str, Table] = {}
        self.first_sale: dict[str, Pos] = {}

    # ------------------------------------------------------------------ tables and cells

    def check_layout(self) -> None:
        """Required tables and columns there, unknown columns named; usable tables kept."""
        for name in REQUIRED_TABLES:
            if name not in self.source.tables and name not in self.source.unread:
                self.out.error(Pos(self.source.path), f"no {name!r} table: add {name}.csv to the "
                                                      f"folder, or a sheet named {name} to the "
                                                      "workbook", "table")
        for name, table in self.source.tables.items():
            known = COLUMNS[name]
            for column, pos in table.header.items():
                if column not in known:
                    self.out.warning(pos, f"{name}: unknown column {column!r}; it is left out"
                                          f"{self.doc.hints.did_you_mean(column, known)}",
                                     "unknown-column")
            missing = [c.name for c in TABLES[name] if c.required and c.name not in table.header]
            for column in missing:
                self.out.error(table.pos, f"{name}: missing required column {column!r} (the "
                                          f"header row names the columns)", "missing-column")
            if not missing:
                self.usable[name] = table

    def rows(self, name: str) -> list[tuple[int, Row]]:
        """The rows of a usable table with every required cell given (the others reported)."""
        table = self.usable.get(name)
        if table is None:
            return []
        good = []
        for index, row in enumerate(table.rows):
            empty = [c for c in TABLES[name] if c.required and row.get(c.name) is None]
            for c in empty:
                self.out.error(Pos(table.file, row.number, table.header[c.name].col),
                               f"{name}: {c.name!r} is empty; every row needs one", "missing-key")
            if not empty:
                good.append((index, row))
        return good

    def value(self, table: str, row: Row, column: str, path: tuple) -> Any:
        """Read the cell of ``column`` into the document at ``path``; ``None`` when empty."""
        cell = row.get(column)
        if cell is None:
            return None
        col: Column = COLUMNS[table][column]
        self.doc.place(path, cell.pos, column)
        return cell_value(cell, col.kind, self.out, self.usable[table].decimal_comma)

    def fill(self, entry: dict, table: str, row: Row, keys: tuple[str, ...], path: tuple) -> None:
        """Set ``entry[key]`` from the cell of the column named ``key``, for each one given."""
        for key in keys:
            value = self.value(table, row, key, path + (key,))
            if value is not None:
                entry[key] = value

    # ------------------------------------------------------------------ the network

    def network(self) -> dict:
        net: dict[str, Any] = {"riskmap": FORMAT_VERSION}
        rows = self.rows("network")
        if len(rows) > 1:
            self.out.error(rows[1][1].pos, "network: the table holds one row (the network's "
                                           "name, time_unit, start); remove the others", "table")
        if rows:
            self.fill(net, "network", rows[0][1], ("name", "time_unit", "start", "description"),
                      ())
        net.setdefault("name", self.source.stem)
        return net

    def regions(self, suppliers: list[tuple[dict, Row]]) -> list[dict]:
        if "regions" in self.source.tables:
            out = []
            for index, row in self.rows("regions"):
                path = ("regions", len(out))
                self.doc.place(path, row.pos, "regions")
                entry: dict[str, Any] = {}
                self.fill(entry, "regions", row, ("id", "name"), path)
                out.append(entry)
            return out
        # No regions table: the regions are those the suppliers name, sorted by id.
        first: dict[str, Pos] = {}
        for entry, row in suppliers:
            region = entry.get("region")
            if isinstance(region, str) and region not in first:
                first[region] = row.get("region").pos
        out = []
        for region in sorted(first):
            path = ("regions", len(out))
            self.doc.place(path, first[region], "region")
            self.doc.place(path + ("id",), first[region], "region")
            out.append({"id": region})
        return out

    def suppliers(self) -> list[tuple[dict, Row]]:
        out = []
        for index, row in self.rows("suppliers"):
            path = ("suppliers", len(out))
            self.doc.place(path, row.pos, "suppliers")
            entry: dict[str, Any] = {}
            self.fill(entry, "suppliers", row, SUPPLIER_KEYS, path)
            out.append((entry, row))
        return out

    def items(self) -> tuple[dict[str, list], dict[str, tuple[str, int]], dict[str, Row], set[str]]:
        """Parts and products from ``items``: their place by id, each item's row, every id."""
        lists: dict[str, list] = {"parts": [], "products": []}
        place: dict[str, tuple[str, int]] = {}
        item_rows: dict[str, Row] = {}
        known: set[str] = set()
        for index, row in self.rows("items"):
            known.add(cell_value(row.get("id"), "text", self.out))
            kind_cell = row.get("kind")
            kind = cell_value(kind_cell, "text", self.out).lower()
            if kind not in KINDS:
                self.out.error(kind_cell.pos, f"kind: {kind_cell.value!r} is neither part nor "
                                              f"product{self.doc.hints.did_you_mean(kind, KINDS)}",
                               "value")
                continue
            group = kind + "s"
            path = (group, len(lists[group]))
            self.doc.place(path, row.pos, "items")
            entry: dict[str, Any] = {}
            self.fill(entry, "items", row, PRODUCT_KEYS if kind == "product" else PART_KEYS, path)
            if kind == "part":
                self.product_columns_on_part(row, entry.get("id"))
            policy = self.policy(row, path + ("policy",))
            if policy is not None:
                entry["policy"] = policy
            if kind == "product":
                substitutes = self.value("items", row, "substitutes", path + ("substitutes",))
                if substitutes:
                    for k in range(len(substitutes)):
                        self.doc.place(path + ("substitutes", k), row.get("substitutes").pos,
                                       "substitutes")
                    entry["substitutes"] = substitutes
            lists[group].append(entry)
            item_id = entry.get("id")
            if isinstance(item_id, str) and item_id not in place:
                place[item_id] = path
                item_rows[item_id] = row
        return lists, place, item_rows, known

    def product_columns_on_part(self, row: Row, item_id: Any) -> None:
        for column in TABLES["items"]:
            cell = row.get(column.name)
            if column.products_only and cell is not None:
                self.out.warning(cell.pos, f"{column.name}: applies to products only and "
                                           f"{item_id!r} is a part; the cell is left out",
                                 "unknown-key")

    def policy(self, row: Row, path: tuple) -> Optional[dict]:
        if row.get("policy") is None:
            given = [c for c in POLICY_COLUMNS if row.get(c) is not None]
            if given:
                self.out.error(row.get(given[0]).pos,
                               f"{given[0]}: a policy parameter with no policy: name the policy "
                               f"type in the policy column ({', '.join(POLICY_TYPE_PARAMETERS)})",
                               "missing-key")
            return None
        policy: dict[str, Any] = {"type": self.value("items", row, "policy", path + ("type",))}
        self.doc.place(path, row.get("policy").pos, "policy")
        self.fill(policy, "items", row, POLICY_COLUMNS, path)
        return policy

    def bom(self, lists: dict[str, list], place: dict[str, tuple[str, int]],
            known: set[str]) -> None:
        first: dict[tuple[str, str], int] = {}
        for index, row in self.rows("bom"):
            item = self.reference(row, "bom", "item", place, known)
            if item is None:
                continue
            component = cell_value(row.get("component"), "text", self.out)
            path = place[item]
            entry = lists[path[0]][path[1]]
            if (item, component) in first:
                self.out.error(row.get("component").pos,
                               f"component: {component!r} is listed twice for {item!r} (first "
                               f"in row {first[item, component]}); keep one row with the units "
                               "per unit made", "duplicate-id")
                continue
            first[item, component] = row.number
            bom = entry.setdefault("bom", {})
            if len(bom) == 0:
                self.doc.place(path + ("bom",), row.get("item").pos, "bom")
            quantity = self.value("bom", row, "quantity", path + ("bom", component))
            self.doc.key_positions[path + ("bom", component)] = row.get("component").pos
            bom[component] = quantity
        for group in lists.values():  # the model sorts a bill of materials by component
            for entry in group:
                if "bom" in entry:
                    entry["bom"] = dict(sorted(entry["bom"].items()))

    def reference(self, row: Row, table: str, column: str, place: dict, known: set[str]
                  ) -> Optional[str]:
        """The item a ``bom`` or ``lanes`` row is about, when it is a known item; else None."""
        cell = row.get(column)
        item = cell_value(cell, "text", self.out)
        if item in place:
            return item
        if item not in known:  # an item whose own row is wrong has been reported there
            self.out.error(cell.pos, f"{column}: unknown item {item!r} (the items table has no "
                                     f"row with this id){self.doc.hints.did_you_mean(item, place)}",
                           "unknown-reference")
        return None

    def lanes(self, lists: dict[str, list], place: dict[str, tuple[str, int]],
              known: set[str]) -> None:
        for index, row in self.rows("lanes"):
            item = self.reference(row, "lanes", "item", place, known)
            if item is None:
                continue
            path = place[item]
            entry = lists[path[0]][path[1]]
            sources = entry.setdefault("sources", [])
            if not sources:
                self.doc.place(path + ("sources",), row.pos, "lanes")
            lane_path = path + ("sources", len(sources))
            self.doc.place(lane_path, row.pos, "lanes")
            lane: dict[str, Any] = {}
            self.fill(lane, "lanes", row, LANE_KEYS, lane_path)
            triangular = self.triangular(row, lane_path + ("lead_time",))
            if triangular is not None:
                if "lead_time" in lane:
                    self.out.error(row.get("lead_time").pos,
                                   "lead_time: give lead_time or lead_time_min, lead_time_mode "
                                   "and lead_time_max, not both", "value")
                lane["lead_time"] = triangular
            sources.append(lane)

    def triangular(self, row: Row, path: tuple) -> Optional[dict]:
        """The triangular lead time of the three columns, ``None`` when none is given."""
        given = {p: c for p, c in TRIANGULAR_COLUMNS.items() if row.get(c) is not None}
        if not given:
            return None
        if len(given) < 3:
            missing = [c for p, c in TRIANGULAR_COLUMNS.items() if p not in given]
            first = next(iter(given.values()))
            self.out.error(row.get(first).pos, f"{first}: a triangular lead time needs "
                                               f"lead_time_min, lead_time_mode and lead_time_max; "
                                               f"{' and '.join(missing)} empty", "missing-key")
            return None
        self.doc.place(path, row.get(TRIANGULAR_COLUMNS["min"]).pos, "lead_time")
        dist: dict[str, Any] = {"dist": "triangular"}
        for p, column in TRIANGULAR_COLUMNS.items():
            dist[p] = self.value("lanes", row, column, path + (p,))
        return dist

    # ------------------------------------------------------------------ demand

    def demands(self, lists: dict[str, list], item_rows: dict[str, Row],
                sales: Optional[SalesHistory]) -> dict[str, DemandFit]:
        fitted: dict[str, DemandFit] = {}
        for index, entry in enumerate(lists["products"]):
            pid = entry.get("id")
            if not isinstance(pid, str) or item_rows.get(pid) is None:
                continue
            row = item_rows[pid]
            path = ("products", index, "demand")
            lines = sales.orders.get(pid) if sales is not None else None
            demand: dict[str, Any] = {}
            if lines:
                fit = fit_demand(lines, first=sales.first, last=sales.last, product=pid)
                fitted[pid] = fit
                demand = dict(fit.demand_mapping())
                self.doc.place(path, self.sales_pos(pid), "sales")
                for column in FITTED_COLUMNS:
                    cell = row.get(column)
                    if cell is not None:
                        self.out.warning(cell.pos, f"{column}: not used, the demand of {pid!r} "
                                                   f"is made from its {len(lines)} sales lines; "
                                                   "clear the cell", "unknown-key")
                columns_used = ("patience",)
            else:
                columns_used = tuple(DEMAND_COLUMNS.values())
            for key, column in DEMAND_COLUMNS.items():
                if column in columns_used:
                    value = self.value("items", row, column, path + (key,))
                    if value is not None:
                        demand[key] = value
            if not lines and "rate" not in demand and "interval" not in demand:
                for column in ("order_size", "patience"):
                    if row.get(column) is not None:
                        self.out.warning(row.get(column).pos,
                                         f"{column}: {pid!r} has no demand (no sales lines, no "
                                         "demand_rate or demand_interval); the cell is left out",
                                         "no-demand")
                if row.get("order_size") is None and row.get("patience") is None:
                    self.out.warning(row.pos, f"product {pid!r} has no demand: no sales lines "
                                              "and no demand_rate or demand_interval",
                                     "no-demand")
                continue
            if not lines:
                first = next(DEMAND_COLUMNS[k] for k in DEMAND_COLUMNS if k in demand)
                self.doc.place(path, row.get(first).pos, "demand")
                self.seasonality(demand, row, path)
            entry["demand"] = demand
        return fitted

    def seasonality(self, demand: dict, row: Row, path: tuple) -> None:
        """``demand["seasonality"]`` from the two seasonality columns, which go together."""
        given = {key: column for key, column in SEASONALITY_COLUMNS.items()
                 if row.get(column) is not None}
        if not given:
            return
        if len(given) == 1:
            (key, column), = given.items()
            other = SEASONALITY_COLUMNS["factors" if key == "by" else "by"]
            self.out.error(row.get(column).pos, f"{column}: give {other} too (a seasonality "
                                                "is its period and its factors)", "missing-key")
            return
        season = {key: self.value("items", row, column, path + ("seasonality", key))
                  for key, column in SEASONALITY_COLUMNS.items()}
        self.doc.place(path + ("seasonality",), row.get("seasonality").pos, "seasonality")
        demand["seasonality"] = season

    def sales_pos(self, product: str) -> Pos:
        """The first sales row of ``product``, where a message about its demand points."""
        return self.first_sale.get(product, self.usable["sales"].pos)

    def sales(self, lists: dict[str, list], net: dict) -> Optional[SalesHistory]:
        if "sales" not in self.usable:
            return None
        kinds = {e["id"]: kind[:-1] for kind, group in lists.items() for e in group
                 if isinstance(e.get("id"), str)}
        # only rows with every cell given are read; the others are reported by rows()
        table = self.usable["sales"]
        complete = tuple(row for _, row in self.rows("sales"))
        for row in complete:
            self.first_sale.setdefault(cell_value(row.get("product"), "text", self.out), row.pos)
        history = read_sales(Table(table.name, table.file, table.header, complete,
                                   table.decimal_comma), kinds, self.doc, self.checker, self.out)
        if history.first is None:
            return history
        unit = net.get("time_unit", "day")
        if unit != "day":
            self.out.error(self.doc.pos(("time_unit",)),
                           f"time_unit: sales give demand per day, so a network with sales has "
                           f"time_unit day (got {unit!r}); clear the cell", "value")
        net.setdefault("start", history.first.isoformat())
        if "start" not in self.doc.positions:
            self.doc.place(("start",), table.pos, "sales")
        return history


def assemble(source: Source, out: Collector) -> Assembled:
    """The network mapping of ``source``'s tables, in a document placing each value at its cell.

    Every problem of the tables themselves goes to ``out``; the values are checked
    afterwards, as a network file's are (:func:`riskmap.tables.importer.import_tables`).
    """
    a = _Assembler(source, out)
    a.check_layout()
    net = a.network()
    suppliers = a.suppliers()
    net["regions"] = a.regions(suppliers)
    net["suppliers"] = [entry for entry, _ in suppliers]
    lists, place, item_rows, known = a.items()
    a.bom(lists, place, known)
    a.lanes(lists, place, known)
    history = a.sales(lists, net)
    demands = a.demands(lists, item_rows, history)
    net["parts"] = lists["parts"]
    net["products"] = lists["products"]
    a.doc.value = net
    return Assembled(a.doc, history, demands)
