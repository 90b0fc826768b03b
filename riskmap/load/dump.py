"""Model objects back to the mappings of the file format (docs/reference.md).

Two forms of one network:

* :func:`network_record`: every key, ``None`` where a value is unset (what ``report.json``
  holds under ``network``, so a reader finds the same keys for every item), and its
  inverse :func:`network_from_record`, which reads it back;
* :func:`network_file`: a valid network file, unset and default values left out (what the
  synthetic-network generator and ``riskmap import`` write), and :func:`network_text`, its
  YAML text.

And a scenario's ``alerts:`` entry in file form (:func:`alert_file`), for a command that
writes a scenario back.
"""

from __future__ import annotations

import datetime
from typing import Any, Optional

from riskmap.dists import Constant, Dist, from_spec
from riskmap.model import (DEFAULT_START, PART, PRODUCT, Alert, Compensation, CustomerClass,
                           Demand, Inquiries, Item, Network, Policy, Region, Seasonality,
                           Source, Substitute, Supplier, Updates)

POLICY_PARAMETERS = ("level", "min", "max", "point", "quantity", "review_period")


def spec(dist: Optional[Dist]) -> Any:
    """A distribution in its file form (a number for a constant), ``None`` when absent."""
    return None if dist is None else dist.to_spec()


def policy_record(policy: Optional[Policy]) -> Optional[dict]:
    """``{type, <its parameters>}``; parameters that do not apply are left out."""
    if policy is None:
        return None
    record: dict[str, Any] = {"type": policy.kind}
    for key in POLICY_PARAMETERS:
        value = getattr(policy, key)
        if value is not None:
            record[key] = value
    return record


def policy_from_record(record: Optional[dict]) -> Optional[Policy]:
    """The policy of :func:`policy_record`'s mapping (``None`` for none)."""
    if not record:
        return None
    return Policy(kind=str(record["type"]), **{key: record.get(key) for key in POLICY_PARAMETERS})


def supplier_record(supplier: Supplier) -> dict:
    return {
        "id": supplier.id, "name": supplier.name, "region": supplier.region,
        "capacity": supplier.capacity, "ttr": spec(supplier.ttr),
        "depends_on": list(supplier.depends_on), "cover": spec(supplier.cover),
    }


def source_record(source: Source) -> dict:
    return {
        "supplier": source.supplier, "lead_time": spec(source.lead_time),
        "capacity": source.capacity, "alternate": source.alternate,
        "activation_delay": spec(source.activation_delay), "share": source.share,
        "unit_cost": source.unit_cost,
    }


def demand_record(demand: Optional[Demand]):
    """One mapping, or for customer classes a list of them (with ``class`` and ``priority``).

    ``seasonality`` only when the demand has one (older reports stay as they were).
    """
    if demand is None:
        return None
    if demand.classes:
        return [{"class": c.id, "priority": c.priority, **demand_record(c.demand)}
                for c in demand.classes]
    record = {"rate": demand.rate, "interval": spec(demand.interval), "size": spec(demand.size),
              "patience": spec(demand.patience)}
    if demand.seasonality is not None:
        record["seasonality"] = {"by": demand.seasonality.by,
                                 "factors": list(demand.seasonality.factors)}
    return record


def compensation_record(rule: Compensation) -> dict:
    """A compensation rule with every key."""
    return {"id": rule.id, "when": rule.when, "after": rule.after, "offer": rule.offer,
            "amount": rule.amount, "share": rule.share, "acceptance": rule.acceptance,
            "extends_patience": rule.extends_patience,
            "prevents_cancellation": rule.prevents_cancellation, "classes": list(rule.classes)}


def item_record(item: Item) -> dict:
    """A part or product: stock, policy, sources, bill of materials and, for products, demand."""
    record = {
        "id": item.id, "name": item.name, "stock": item.stock,
        "policy": policy_record(item.policy),
        "sources": [source_record(s) for s in item.sources],
        "bom": dict(item.bom), "capacity": item.capacity,
        "assembly_time": spec(item.assembly_time), "production": item.production,
        "holding_cost": item.holding_cost,
    }
    if item.is_product:
        record.update(
            demand=demand_record(item.demand), price=item.price, margin=item.margin,
            backorder_cost=item.backorder_cost, lost_sale_cost=item.lost_sale_cost,
            substitutes=[{"product": s.product, "acceptance": s.acceptance}
                         for s in item.substitutes])
        # written only when used: the records of products without them stay as they were
        if item.allocation != "fifo":
            record["allocation"] = item.allocation
        if item.updates is not None:
            record["updates"] = {"every": item.updates.every,
                                 "on_revision": item.updates.on_revision}
        if item.inquiries is not None:
            record["inquiries"] = {"rate": item.inquiries.rate,
                                   "after_update": item.inquiries.after_update}
        if item.compensation:
            record["compensation"] = [compensation_record(c) for c in item.compensation]
    return record


def network_record(network: Network) -> dict:
    """The network with every key (lists in file order)."""
    return {
        "name": network.name,
        "time_unit": network.time_unit,
        "start": network.start.isoformat(),
        "regions": [{"id": r.id, "name": r.name} for r in network.regions],
        "suppliers": [supplier_record(s) for s in network.suppliers],
        "parts": [item_record(i) for i in network.parts],
        "products": [item_record(i) for i in network.products],
    }


# --------------------------------------------------------------------------- reading back


def network_from_record(record: dict) -> Network:
    """The network of a :func:`network_record` mapping (report.json's ``network``).

    Keys that are missing take their defaults, so a report written by an
    older riskmap still reads. Raises ``KeyError``, ``TypeError`` or
    ``ValueError`` for a mapping that is not a network record.
    """
    if not isinstance(record, dict):
        raise TypeError("expected a mapping")
    items = tuple(_item_from(PART, r) for r in _list(record, "parts")) + \
        tuple(_item_from(PRODUCT, r) for r in _list(record, "products"))
    return Network(
        name=str(record.get("name") or ""), time_unit=str(record.get("time_unit") or "day"),
        regions=tuple(Region(str(r["id"]), _name(r))
                      for r in _list(record, "regions")),
        suppliers=tuple(_supplier_from(r) for r in _list(record, "suppliers")),
        items=items,
        start=datetime.date.fromisoformat(str(record.get("start") or DEFAULT_START.isoformat())))


def _list(record: dict, key: str) -> list:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TypeError(f"{key}: expected a list of mappings")
    return value


def _name(record: dict) -> str:
    """The record's name as written (an empty one stays empty); its id when it has none."""
    name = record.get("name")
    return str(record["id"] if name is None else name)


def _dist(value: Any) -> Optional[Dist]:
    return None if value is None else from_spec(value)


def _supplier_from(r: dict) -> Supplier:
    return Supplier(id=str(r["id"]), name=_name(r), region=r.get("region"),
                    capacity=r.get("capacity"), ttr=_dist(r.get("ttr")),
                    depends_on=tuple(str(d) for d in r.get("depends_on") or ()),
                    cover=_dist(r.get("cover")) or Constant(0))


def _source_from(r: dict) -> Source:
    return Source(supplier=str(r["supplier"]), lead_time=_dist(r.get("lead_time")) or Constant(0),
                  capacity=r.get("capacity"), alternate=bool(r.get("alternate")),
                  activation_delay=_dist(r.get("activation_delay")) or Constant(0),
                  share=float(r.get("share", 1.0)), unit_cost=r.get("unit_cost"))


def _demand_from(r) -> Optional[Demand]:
    if r is None:
        return None
    if isinstance(r, list):
        return Demand(classes=tuple(CustomerClass(str(c["class"]), int(c.get("priority") or 1),
                                                  _demand_from(c)) for c in r))
    season = r.get("seasonality")
    return Demand(rate=r.get("rate"), interval=_dist(r.get("interval")),
                  size=_dist(r.get("size")) or Constant(1), patience=_dist(r.get("patience")),
                  seasonality=None if season is None else
                  Seasonality(str(season["by"]), tuple(float(f) for f in season["factors"])))


def _item_from(kind: str, r: dict) -> Item:
    bom = r.get("bom") or {}
    if not isinstance(bom, dict):
        raise TypeError(f"{r.get('id')}: bom: expected a mapping")
    extra: dict[str, Any] = {}
    if kind == PRODUCT:
        extra = dict(demand=_demand_from(r.get("demand")), price=r.get("price"),
                     margin=r.get("margin"), backorder_cost=r.get("backorder_cost"),
                     lost_sale_cost=r.get("lost_sale_cost"),
                     substitutes=tuple(Substitute(str(s["product"]), float(s["acceptance"]))
                                       for s in r.get("substitutes") or ()),
                     allocation=str(r.get("allocation") or "fifo"),
                     updates=(None if not r.get("updates") else Updates(
                         r["updates"].get("every"), bool(r["updates"].get("on_revision", True)))),
                     inquiries=(None if not r.get("inquiries") else Inquiries(
                         float(r["inquiries"]["rate"]),
                         float(r["inquiries"].get("after_update", 1.0)))),
                     compensation=tuple(Compensation(
                         str(c["id"]), str(c["when"]), str(c["offer"]), float(c["acceptance"]),
                         after=c.get("after"), amount=c.get("amount"), share=c.get("share"),
                         extends_patience=c.get("extends_patience"),
                         prevents_cancellation=bool(c.get("prevents_cancellation")),
                         classes=tuple(str(x) for x in c.get("classes") or ()))
                         for c in r.get("compensation") or ()))
    return Item(id=str(r["id"]), kind=kind, name=_name(r),
                stock=int(r.get("stock") or 0), policy=policy_from_record(r.get("policy")),
                sources=tuple(_source_from(s) for s in _list(r, "sources")),
                bom=tuple(sorted((str(c), int(q)) for c, q in bom.items())),
                capacity=r.get("capacity"),
                assembly_time=_dist(r.get("assembly_time")) or Constant(0),
                production=str(r.get("production") or "kits"),
                holding_cost=r.get("holding_cost"), **extra)


# --------------------------------------------------------------------------- file form

_ZERO = Constant(0).to_spec()


def _pruned(record: dict, defaults: dict[str, Any]) -> dict:
    """``record`` without unset values, empty collections and values equal to a default."""
    return {k: v for k, v in record.items()
            if v is not None and v != [] and v != {}
            and not (k in defaults and v == defaults[k])}


def _source_file(source: Source, primaries: int) -> dict:
    record = source_record(source)
    if not source.alternate:
        record["activation_delay"] = None
        if primaries <= 1:
            record["share"] = None  # one primary: its share is implied
    else:
        record["share"] = None
    return _pruned(record, {"alternate": False, "activation_delay": _ZERO})


def _item_file(item: Item) -> dict:
    primaries = len(item.primaries)
    record = item_record(item)
    record["name"] = item.name or None
    record["sources"] = [_source_file(s, primaries) for s in item.sources]
    if item.demand is not None:
        size = {"size": Constant(1).to_spec()}
        record["demand"] = ([_pruned(c, size) for c in demand_record(item.demand)]
                            if item.demand.classes else _pruned(demand_record(item.demand), size))
    if item.compensation:
        record["compensation"] = [_pruned(c, {"prevents_cancellation": False})
                                  for c in record["compensation"]]
    if item.updates is not None:
        record["updates"] = _pruned(record["updates"], {"on_revision": True}) or \
            {"on_revision": True}
    return _pruned(record, {"assembly_time": _ZERO, "production": "kits", "allocation": "fifo"})


def network_file(network: Network) -> dict:
    """The mapping of a network file describing ``network``; unset optional keys left out."""
    record = {
        "riskmap": 1,
        "name": network.name,
        "time_unit": network.time_unit,
        "start": network.start.isoformat(),
        "regions": [{"id": r.id, "name": r.name} for r in network.regions],
        "suppliers": [_pruned(supplier_record(s), {"cover": _ZERO}) for s in network.suppliers],
        "parts": [_item_file(i) for i in network.parts],
        "products": [_item_file(i) for i in network.products],
    }
    if network.start == DEFAULT_START:
        del record["start"]
    return record


def network_text(network: Network, comment: str = "") -> str:
    """The YAML text of :func:`network_file`, keys in file order, ``comment`` lines on top.

    The same network gives the same text: the mapping's order is the model's, never a
    set's or a dict's of another making.
    """
    import yaml

    head = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return head + yaml.safe_dump(network_file(network), sort_keys=False, default_flow_style=None,
                                 allow_unicode=True)


def alert_file(alert: Alert) -> dict:
    """An alert rule as an entry of a scenario's ``alerts:``; the default measure and an unset
    window are left out.

    >>> alert_file(Alert("low", "cell", below=500.0))
    {'id': 'low', 'item': 'cell', 'below': 500}
    """
    below = int(alert.below) if float(alert.below).is_integer() else alert.below
    record = {"id": alert.id, "item": alert.item, "below": below, "measure": alert.measure,
              "window": alert.window}
    return _pruned(record, {"measure": "on_hand"})
