"""The network at a glance: tiers, groups by tier and region, and the riskiest paths.

A network of a few dozen nodes is drawn node by node
(:func:`riskmap.report.charts.risk_map.risk_map_chart`); past
:data:`DETAIL_LIMIT` nodes that picture is unreadable, so the reports show
the network aggregated instead:

* **tier**: the distance from the products in the bill of materials. A
  product is tier 0, a component of a tier-``k`` item is tier ``k + 1``
  (the shortest distance when an item feeds several), a supplier is one more
  than the nearest item it delivers, and a tier-2 supplier one more than the
  nearest supplier that depends on it;
* **groups**: per tier, the items, or the suppliers of each region, counted,
  with how many suppliers are at risk (TTS < TTR) or a single point of failure;
* **riskiest paths**: from the riskiest suppliers (highest performance impact
  PI first, then the shortest TTS − TTR margin, then id) along the shortest
  chain of bills of materials to a product.

Ties are broken by id everywhere, so the result depends on the report only.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Optional

from riskmap.report.content import Report
from riskmap.report.text import number

#: nodes (suppliers and items) drawn one by one; larger networks are aggregated.
DETAIL_LIMIT = 60
#: riskiest paths shown in an aggregated picture and its table.
PATH_LIMIT = 10
#: the label of suppliers without a region.
NO_REGION = "no region"


@dataclass(frozen=True)
class Group:
    """The nodes of one tier (and, for suppliers, one region), counted."""

    tier: int
    kind: str  # "item" or "supplier"
    region: str
    count: int
    at_risk: int
    single_points: int


@dataclass(frozen=True)
class RiskPath:
    """A path from a risky supplier to a product, as ids and text."""

    supplier: str
    nodes: tuple[str, ...]  # supplier, items..., product
    pi: Optional[float]
    margin: Optional[float]  # TTS - TTR
    at_risk: bool

    @property
    def text(self) -> str:
        """The path as ``a → b → c``."""
        return " → ".join(self.nodes)

    @property
    def pi_text(self) -> str:
        return number(self.pi)

    @property
    def margin_text(self) -> str:
        return number(self.margin)


def node_count(report: Report) -> int:
    """Suppliers and items of the report's network (or of its figures, without a network)."""
    network = report.network
    suppliers = set(report.suppliers) | {s.id for s in network.suppliers}
    items = {i.id for i in network.items} | set(report.products)
    return len(suppliers) + len(items)


def is_large(report: Report) -> bool:
    """Whether the report's network is drawn aggregated (more than :data:`DETAIL_LIMIT` nodes)."""
    return node_count(report) > DETAIL_LIMIT


def item_tiers(report: Report) -> dict[str, int]:
    """``{item id: tier}``: the products 0, then breadth first down the bills of materials."""
    network = report.network
    boms = {i.id: sorted(c for c, _ in i.bom) for i in network.items}
    tiers: dict[str, int] = {}
    queue = deque(sorted({i.id for i in network.products} | set(report.products)))
    for pid in queue:
        tiers[pid] = 0
    while queue:
        item = queue.popleft()
        for component in boms.get(item, ()):
            if component not in tiers:
                tiers[component] = tiers[item] + 1
                queue.append(component)
    for item in sorted(boms):  # an item feeding no product: below the deepest tier
        tiers.setdefault(item, 1 + max(tiers.values(), default=0))
    return tiers


def supplier_tiers(report: Report, items: dict[str, int]) -> dict[str, int]:
    """``{supplier id: tier}``: one more than the nearest item it delivers (or dependent)."""
    network = report.network
    tiers: dict[str, int] = {}
    for item in sorted(network.items, key=lambda i: i.id):
        for source in item.sources:
            tier = items.get(item.id, 0) + 1
            tiers[source.supplier] = min(tiers.get(source.supplier, tier), tier)
    for sid, figures in sorted(report.suppliers.items()):  # no network: from the static map
        if sid not in tiers and figures.exposure is not None and figures.exposure.products:
            tiers[sid] = 1
    dependants = {s.id: sorted(s.depends_on) for s in network.suppliers}
    # tier-2 links: a supplier is one tier beyond the nearest supplier depending on it
    changed = True
    while changed:
        changed = False
        for sid in sorted(dependants):
            for upstream in dependants[sid]:
                if sid in tiers and tiers.get(upstream, math.inf) > tiers[sid] + 1:
                    tiers[upstream] = tiers[sid] + 1
                    changed = True
    for sid in sorted(set(report.suppliers) | set(dependants)):
        tiers.setdefault(sid, 1 + max(list(tiers.values()) + list(items.values()), default=0))
    return tiers


def supplier_region(report: Report, supplier: str) -> str:
    """The supplier's region: the static map's, else the network's, else :data:`NO_REGION`."""
    figures = report.suppliers.get(supplier)
    region = figures.exposure.region if figures is not None and figures.exposure else None
    if not region:
        region = next((s.region for s in report.network.suppliers if s.id == supplier), None)
    return str(region) if region else NO_REGION


def groups(report: Report) -> list[Group]:
    """The nodes by tier (and region for suppliers), deepest tier first, then kind and region."""
    items = item_tiers(report)
    suppliers = supplier_tiers(report, items)
    counts: dict[tuple[int, str, str], list[int]] = {}
    for tier in items.values():
        counts.setdefault((tier, "item", ""), [0, 0, 0])[0] += 1
    for sid, tier in suppliers.items():
        figures = report.suppliers.get(sid)
        exposure = figures.exposure if figures is not None else None
        entry = counts.setdefault((tier, "supplier", supplier_region(report, sid)), [0, 0, 0])
        entry[0] += 1
        entry[1] += bool(exposure is not None and exposure.at_risk)
        entry[2] += bool(exposure is not None and exposure.single_point_of_failure_for)
    return [Group(tier, kind, region, *counts[(tier, kind, region)])
            for tier, kind, region in sorted(counts, key=lambda k: (-k[0], k[1], k[2]))]


def risk_order(report: Report) -> list[str]:
    """Supplier ids, riskiest first: highest PI, then shortest TTS − TTR, then id."""
    def key(sid: str):
        figures = report.suppliers[sid]
        exposure = figures.exposure
        if exposure is None:
            return (1, 0.0, math.inf, sid)
        margin = math.inf if exposure.tts_minus_ttr is None else exposure.tts_minus_ttr
        return (0, -(exposure.pi or 0.0), margin, sid)
    return sorted(report.suppliers, key=key)


def riskiest_paths(report: Report, limit: int = PATH_LIMIT) -> list[RiskPath]:
    """Paths from the :func:`risk_order` first ``limit`` suppliers to the nearest product."""
    network = report.network
    users: dict[str, list[str]] = {}
    for item in network.items:
        for component, _ in item.bom:
            users.setdefault(component, []).append(item.id)
    delivered: dict[str, list[str]] = {}
    for item in network.items:
        for source in item.sources:
            delivered.setdefault(source.supplier, []).append(item.id)
    products = {i.id for i in network.products} | set(report.products)
    paths = []
    for sid in risk_order(report)[:limit]:
        exposure = report.suppliers[sid].exposure
        chain = _to_product(sorted(set(delivered.get(sid, ()))), users, products)
        if chain is None and exposure is not None and exposure.products:
            chain = (sorted(exposure.products)[0],)
        paths.append(RiskPath(
            supplier=sid, nodes=(sid,) + (chain or ()),
            pi=None if exposure is None else exposure.pi,
            margin=None if exposure is None else exposure.tts_minus_ttr,
            at_risk=bool(exposure is not None and exposure.at_risk)))
    return paths


def _to_product(starts: list[str], users: dict[str, list[str]],
                products: set[str]) -> Optional[tuple[str, ...]]:
    """The shortest chain of items from one of ``starts`` up to a product (breadth first, by id)."""
    previous: dict[str, Optional[str]] = {s: None for s in starts}
    queue = deque(starts)
    while queue:
        item = queue.popleft()
        if item in products:
            chain = [item]
            while previous[chain[-1]] is not None:
                chain.append(previous[chain[-1]])
            return tuple(reversed(chain))
        for user in sorted(users.get(item, ())):
            if user not in previous:
                previous[user] = item
                queue.append(user)
    return None
