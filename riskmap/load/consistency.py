"""Named consistency checks: a valid file that describes a fragile or broken network.

Each check is a small function of the built :class:`~riskmap.model.Network`
yielding warnings that say how to fix what they find. They are warnings by
default (a single-sourced part is a fact of life, and the risk map exists to
show it) and errors under ``riskmap validate --strict``.

==========================  =====================================================
check                       finds
==========================  =====================================================
``single-source``           a bought item with one source and no alternate
``alternate-same-region``   an alternate in the same region as a primary
``alternate-shared-tier2``  an alternate that needs the same tier-2 as a primary
``no-replenishment``        an item with demand or users that nothing replenishes
``unbuildable-bom``         a made item whose bill of materials can never be built
``no-ttr``                  a supplier without ``ttr`` (no TTR, PI or REI for it)
==========================  =====================================================
"""

from __future__ import annotations

from typing import Callable, Iterator

from riskmap.errors import WARNING, Diagnostic
from riskmap.graph import supply_graph
from riskmap.model import Network


def _warn(item_or_supplier, message: str, check: str) -> Diagnostic:
    return Diagnostic(item_or_supplier.pos, message, WARNING, check)


def single_source(network: Network) -> Iterator[Diagnostic]:
    for item in network.items:
        if len(item.sources) == 1 and not item.bom:
            only = item.sources[0].supplier
            yield _warn(item, f"{item.kind} {item.id!r} has a single source ({only!r}) and no "
                              "alternate; qualify an alternate supplier or hold cover stock",
                        "single-source")


def alternate_same_region(network: Network) -> Iterator[Diagnostic]:
    for item in network.items:
        regions = {network.supplier(s.supplier).region for s in item.primaries}
        for alt in item.alternates:
            region = network.supplier(alt.supplier).region
            if region is not None and region in regions:
                yield Diagnostic(alt.pos, f"alternate {alt.supplier!r} for {item.id!r} is in "
                                          f"region {region!r} like a primary source: one regional "
                                          "disaster stops both; prefer an alternate elsewhere",
                                 WARNING, "alternate-same-region")


def alternate_shared_tier2(network: Network) -> Iterator[Diagnostic]:
    graph = supply_graph(network)
    for item in network.items:
        # What the alternate needs that a primary is or needs: one stop there stops both.
        primary_side = set().union(*(graph.upstream(s.supplier) for s in item.primaries))
        for alt in item.alternates:
            shared = (graph.upstream(alt.supplier) - {alt.supplier}) & primary_side
            if shared:
                yield Diagnostic(alt.pos, f"alternate {alt.supplier!r} for {item.id!r} depends on "
                                          f"{', '.join(sorted(shared))} like a primary source: a "
                                          "stop there stops both; find an alternate with its own "
                                          "supply", WARNING, "alternate-shared-tier2")


def no_replenishment(network: Network) -> Iterator[Diagnostic]:
    graph = supply_graph(network)
    for item in network.items:
        used = bool(graph.users(item.id)) or item.demand is not None
        if not used:
            continue
        if not item.sources and not item.bom:
            yield _warn(item, f"{item.kind} {item.id!r} is used but has neither sources nor a "
                              "bill of materials: only its starting stock can ever be used; add "
                              "sources: or bom:", "no-replenishment")
        elif item.policy is None:
            yield _warn(item, f"{item.kind} {item.id!r} is used but has no policy, so it is never "
                              "reordered; add a policy such as {type: base_stock, level: N}",
                        "no-replenishment")


def unbuildable_bom(network: Network) -> Iterator[Diagnostic]:
    obtainable: dict[str, bool] = {}
    for item_id in supply_graph(network).items_in_bom_order:
        item = network.item(item_id)
        made = bool(item.bom) and all(obtainable.get(c, False) for c, _ in item.bom)
        obtainable[item_id] = item.stock > 0 or bool(item.sources) or made
    for item in network.items:
        missing = [c for c, _ in item.bom if not obtainable.get(c, False)]
        if missing and not item.sources:
            yield _warn(item, f"{item.kind} {item.id!r} can never be made: "
                              f"{', '.join(missing)} can never be had (no stock, no source, no "
                              "buildable bill of materials); add a source or stock",
                        "unbuildable-bom")


def no_ttr(network: Network) -> Iterator[Diagnostic]:
    for s in network.suppliers:
        if s.ttr is None:
            yield _warn(s, f"supplier {s.id!r} has no 'ttr' (time to recover): the risk map "
                           "cannot give its TTR, PI or REI; add ttr:", "no-ttr")


#: The checks, by name, in the order they run.
CHECKS: dict[str, Callable[[Network], Iterator[Diagnostic]]] = {
    "single-source": single_source,
    "alternate-same-region": alternate_same_region,
    "alternate-shared-tier2": alternate_shared_tier2,
    "no-replenishment": no_replenishment,
    "unbuildable-bom": unbuildable_bom,
    "no-ttr": no_ttr,
}


def check_network(network: Network) -> list[Diagnostic]:
    """Run every named check; the warnings in a stable order."""
    return [d for check in CHECKS.values() for d in check(network)]
