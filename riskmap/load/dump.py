"""Model objects back to the mappings of the file format (SPEC section 1).

Two forms of one network:

* :func:`network_record`: every key, ``None`` where a value is unset (what ``report.json``
  holds under ``network``, so a reader finds the same keys for every item);
* :func:`network_file`: a valid network file, unset and default values left out (what the
  synthetic-network generator writes).
"""

from __future__ import annotations

from typing import Any, Optional

from riskmap.dists import Constant, Dist
from riskmap.model import Demand, Item, Network, Policy, Source, Supplier

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


def demand_record(demand: Optional[Demand]) -> Optional[dict]:
    if demand is None:
        return None
    return {"rate": demand.rate, "interval": spec(demand.interval), "size": spec(demand.size),
            "patience": spec(demand.patience)}


def item_record(item: Item) -> dict:
    """A part or product: stock, policy, sources, bill of materials and, for products, demand."""
    record = {
        "id": item.id, "name": item.name, "stock": item.stock,
        "policy": policy_record(item.policy),
        "sources": [source_record(s) for s in item.sources],
        "bom": dict(item.bom), "capacity": item.capacity,
        "assembly_time": spec(item.assembly_time),
    }
    if item.is_product:
        record.update(
            demand=demand_record(item.demand), price=item.price, margin=item.margin,
            substitutes=[{"product": s.product, "acceptance": s.acceptance}
                         for s in item.substitutes])
    return record


def network_record(network: Network) -> dict:
    """The network with every key (lists in file order)."""
    return {
        "name": network.name,
        "time_unit": network.time_unit,
        "regions": [{"id": r.id, "name": r.name} for r in network.regions],
        "suppliers": [supplier_record(s) for s in network.suppliers],
        "parts": [item_record(i) for i in network.parts],
        "products": [item_record(i) for i in network.products],
    }


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
        record["demand"] = _pruned(demand_record(item.demand), {"size": Constant(1).to_spec()})
    return _pruned(record, {"assembly_time": _ZERO})


def network_file(network: Network) -> dict:
    """The mapping of a network file describing ``network``; unset optional keys left out."""
    return {
        "riskmap": 1,
        "name": network.name,
        "time_unit": network.time_unit,
        "regions": [{"id": r.id, "name": r.name} for r in network.regions],
        "suppliers": [_pruned(supplier_record(s), {"cover": _ZERO}) for s in network.suppliers],
        "parts": [_item_file(i) for i in network.parts],
        "products": [_item_file(i) for i in network.products],
    }
