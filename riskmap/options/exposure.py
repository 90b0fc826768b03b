"""Why an option is (not) worth much: what can stop, what fails together, in one sentence.

The structure comes from the network's one graph
(:func:`riskmap.graph.supply_graph`): which suppliers an outage or a region
disaster can stop (tier by tier), and which tier-2 suppliers an alternate
shares with the primaries it stands in for. Planning uses the first to leave
out arms that cannot differ (:mod:`riskmap.options.plan`); the rows use the
second, and :func:`explain`, to say why a value is what it is.
"""

from __future__ import annotations

from typing import Sequence

from riskmap.graph import supply_graph
from riskmap.model import Scenario
from riskmap.options.tables import Effect


def suppliers_that_can_stop(scenario: Scenario) -> set[str]:
    """Suppliers that some replication of ``scenario`` may see down.

    Struck by an outage or a region disaster, or depending (tier by tier)
    on such a supplier. Delays, shortages and surges never stop a supplier.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    set of str
        Supplier ids of the network.
    """
    network = scenario.network
    struck = set()
    for d in scenario.disruptions:
        if d.kind == "outage" and d.target.kind == "supplier":
            struck.add(d.target.id)
        elif d.kind == "disaster" and d.target.kind == "region":
            struck.update(s.id for s in network.suppliers if s.region == d.target.id)
    return set(supply_graph(network).dependents(struck) & {s.id for s in network.suppliers})


def never_activated(scenario: Scenario, item_id: str, stoppable: set[str]) -> bool:
    """Whether the alternates of ``item_id`` can never take over in ``scenario``.

    An alternate takes orders only while every primary of its item is down
    (docs/simulation.md, "Buying"); when one primary can never stop, the
    alternate never receives an order and removing it changes no
    replication. An item without primaries buys from its alternates
    directly: never pruned.

    Parameters
    ----------
    scenario : Scenario
    item_id : str
        The item whose alternates are asked about.
    stoppable : set of str
        The suppliers that can stop (:func:`suppliers_that_can_stop`).
    """
    primaries = scenario.network.item(item_id).primaries
    return bool(primaries) and any(s.supplier not in stoppable for s in primaries)


def shared_exposure(scenario: Scenario, item_id: str, supplier_id: str) -> list[str]:
    """Reasons the lane ``supplier_id -> item_id`` fails when the item's primaries fail.

    Same region as a primary (and the region disasters of the scenario that
    strike both), a tier-2 supplier shared with a primary (or the primary
    itself a tier-2 of the alternate).

    Parameters
    ----------
    scenario : Scenario
    item_id, supplier_id : str
        The lane: the item and its alternate supplier.

    Returns
    -------
    list of str
        One sentence per reason, sorted; empty when the lane fails alone.
    """
    network = scenario.network
    graph = supply_graph(network)
    alternate = network.supplier(supplier_id)
    disasters = {}
    for d in scenario.disruptions:
        if d.kind == "disaster" and d.target.kind == "region":
            disasters.setdefault(d.target.id, []).append(d.id)
    reasons = []
    for source in sorted(network.item(item_id).primaries, key=lambda s: s.supplier):
        primary = network.supplier(source.supplier)
        if alternate.region is not None and alternate.region == primary.region:
            struck = sorted(disasters.get(alternate.region, []))
            text = f"same region as primary {primary.id!r} ({alternate.region})"
            if struck:
                text += f", struck together by disaster {', '.join(repr(d) for d in struck)}"
            reasons.append(text)
        shared = sorted((graph.upstream(supplier_id) & graph.upstream(primary.id))
                        - {supplier_id})
        if shared:
            reasons.append(f"shares tier-2 {', '.join(repr(s) for s in shared)} with primary "
                           f"{primary.id!r}")
    return sorted(set(reasons))


def explain(effect: Effect, exposure: Sequence[str], what: str = "it") -> str:
    """One sentence a reviewer reads next to the figures: why the value is what it is.

    Parameters
    ----------
    effect : Effect
        The option's paired effect.
    exposure : sequence of str
        Reasons it fails with its primaries (:func:`shared_exposure`), appended.
    what : str
        The option in words (``alternate 'valve-mx' for 'valve'``).

    Returns
    -------
    str

    Examples
    --------
    >>> from riskmap.stats import Estimate
    >>> zero = Estimate(0.0, (0.0, 0.0), 4, "units")
    >>> explain(Effect(zero, zero, {}, None, (0.0, 0.0)), (), "holding 5 more units")[:53]
    'no replication changed with or without holding 5 more'
    """
    est = effect.backorder_units_avoided
    mean = est.mean or 0.0
    if effect.changed_replications == 0:
        text = (f"no replication changed with or without {what}: it was never needed "
                "(its primaries kept delivering or stock covered the gaps)")
    elif effect.significant and mean > 0:
        text = f"{what} avoids {mean:.1f} backordered units per run, distinguishable from zero"
    elif effect.significant:
        text = f"{what} adds {-mean:.1f} backordered units per run, distinguishable from zero"
    else:
        text = f"{what} changes backorders by {mean:.1f} units per run, not distinguishable from zero"
    if exposure:
        text += "; exposed together with its primary: " + "; ".join(exposure)
    return text

