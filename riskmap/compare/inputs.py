"""What changed in the inputs of two plans: suppliers, parts, products, lanes, stocks, policies, disruptions.

Both sides are model objects (:mod:`riskmap.model`): the loaded scenarios,
or the network and disruptions a report.json carries
(:class:`riskmap.report.content.Report`). Each entity is compared in its file
form (:mod:`riskmap.load.dump`), by id; a lane is a part's or product's
source, named by its supplier.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

from riskmap.load.dump import item_record, policy_record, source_record, supplier_record
from riskmap.model import Disruption, Network

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class InputChange:
    """One entity added, removed or changed.

    Attributes
    ----------
    what : str
        ``region``, ``supplier``, ``part``, ``product``, ``lane``, ``stock``,
        ``policy`` or ``disruption``.
    id : str
        The entity (a lane is ``item <- supplier``).
    change : str
        ``added``, ``removed`` or ``changed``.
    detail : str
        For a change, what changed (``6 → 20``; the keys otherwise).
    """

    what: str
    id: str
    change: str
    detail: str = ""

    def to_dict(self) -> dict:
        """The compare.json form."""
        return {"what": self.what, "id": self.id, "change": self.change, "detail": self.detail}

    def text(self) -> str:
        """One line: ``supplier acme: changed (ttr 10 → 12)``."""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.what} {self.id}: {self.change}{detail}"


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(", ", ": "))
    return "none" if value is None else str(value)


def _changed_keys(old: dict, new: dict, skip: Iterable[str] = ()) -> str:
    """``key old -> new`` for each key whose value differs, sorted, joined by ``; ``."""
    keys = sorted(k for k in set(old) | set(new) if k not in skip and old.get(k) != new.get(k))
    return "; ".join(f"{k} {_show(old.get(k))} → {_show(new.get(k))}" for k in keys)


def _compare(what: str, base: dict[str, dict], head: dict[str, dict],
             skip: tuple[str, ...] = ()) -> list[InputChange]:
    out = [InputChange(what, i, REMOVED) for i in sorted(set(base) - set(head))]
    out += [InputChange(what, i, ADDED) for i in sorted(set(head) - set(base))]
    for i in sorted(set(base) & set(head)):
        detail = _changed_keys(base[i], head[i], skip)
        if detail:
            out.append(InputChange(what, i, CHANGED, detail))
    return out


def _item_changes(base: Network, head: Network) -> list[InputChange]:
    """Parts and products added or removed; for the others, their lanes, stock, policy and the rest."""
    out: list[InputChange] = []
    for kind, old_items, new_items in (("part", base.parts, head.parts),
                                       ("product", base.products, head.products)):
        old = {i.id: i for i in old_items}
        new = {i.id: i for i in new_items}
        out += _compare(kind, {i: item_record(old[i]) for i in old if i not in new},
                        {i: item_record(new[i]) for i in new if i not in old})
        for item_id in sorted(set(old) & set(new)):
            a, b = old[item_id], new[item_id]
            lanes = _compare("lane", {f"{item_id} <- {s.supplier}": source_record(s) for s in a.sources},
                             {f"{item_id} <- {s.supplier}": source_record(s) for s in b.sources})
            out += lanes
            if a.stock != b.stock:
                out.append(InputChange("stock", item_id, CHANGED, f"{a.stock} → {b.stock}"))
            if a.policy != b.policy:
                out.append(InputChange("policy", item_id, CHANGED,
                                       f"{_show(policy_record(a.policy))} → "
                                       f"{_show(policy_record(b.policy))}"))
            rest = _changed_keys(item_record(a), item_record(b),
                                 skip=("sources", "stock", "policy"))
            if rest:
                out.append(InputChange(kind, item_id, CHANGED, rest))
    return out


def network_changes(base: Network, head: Network) -> list[InputChange]:
    """Regions, suppliers, parts, products, lanes, stocks and policies that differ."""
    regions = _compare("region", {r.id: {"name": r.name} for r in base.regions},
                       {r.id: {"name": r.name} for r in head.regions})
    suppliers = _compare("supplier", {s.id: supplier_record(s) for s in base.suppliers},
                         {s.id: supplier_record(s) for s in head.suppliers})
    return regions + suppliers + _item_changes(base, head)


def disruption_changes(base: Iterable[Disruption], head: Iterable[Disruption]) -> list[InputChange]:
    """Disruptions added, removed or changed, by id."""
    from riskmap.report.content import disruption_record

    return _compare("disruption", {d.id: disruption_record(d) for d in base},
                    {d.id: disruption_record(d) for d in head})


def input_changes(base: Network, head: Network, base_disruptions: Iterable[Disruption],
                  head_disruptions: Iterable[Disruption]) -> list[InputChange]:
    """Everything that differs between the two plans' networks and disruptions, in a fixed order."""
    return network_changes(base, head) + disruption_changes(base_disruptions, head_disruptions)
