"""Checks across entities: unique ids, references that exist, no cycles.

:func:`check_network` runs on the cleaned values of a network (:mod:`riskmap.load.checker`:
every key well typed), before it is built. :func:`check_scenario` runs on the cleaned
values of a scenario and the :class:`~riskmap.model.Network` already built for it, whether
from its network file or inline. Both only read their input and report each problem at
the position of the offending value, with the nearest valid id for a misspelt one.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

import networkx as nx

from riskmap.errors import Collector
from riskmap.load.checker import POS_KEY
from riskmap.load.document import Document, Path
from riskmap.load.rules import disruption_ids, expectation_subject, what_if_ids, what_if_subject
from riskmap.model import Network


class Refs:
    """Reference checks of one document, reporting to one collector.

    Parameters
    ----------
    doc : Document
        The parsed file the checked values come from (for positions).
    out : Collector
        Receives every problem.
    """

    def __init__(self, doc: Document, out: Collector):
        self.doc = doc
        self.out = out

    def error(self, path: Path, message: str, check: str) -> None:
        """Report an error at the position of the value at ``path``."""
        self.out.error(self.doc.pos(path), message, check)

    def unique(self, entries: Iterable[dict], what: str,
               ids: Optional[Iterable[str]] = None) -> dict[str, dict]:
        """Index cleaned entries by id, reporting every repeated id.

        Parameters
        ----------
        entries : iterable of dict
            Cleaned entries, in file order.
        what : str
            What they are, for the message (``"supplier"``).
        ids : iterable of str, optional
            Their ids when they are not the written ones (defaulted ids); by default each
            entry's ``id``.
        """
        entries = list(entries)
        index: dict[str, dict] = {}
        for entry, eid in zip(entries, [e["id"] for e in entries] if ids is None else ids):
            path = entry[POS_KEY]
            if eid in index:
                first = self.doc.pos(index[eid][POS_KEY] + ("id",))
                self.error(path + ("id",), f"duplicate {what} id {eid!r} (first at "
                                           f"{self.doc.line_word} {first.line}); ids must be "
                                           "unique", "duplicate-id")
            else:
                index[eid] = entry
        return index

    def key_error(self, path: Path, message: str, check: str) -> None:
        """Report an error at the position of the key naming ``path``."""
        self.out.error(self.doc.key_pos(path), message, check)

    def known(self, value: str, path: Path, index: dict, what: str, hint: str = "",
              at_key: bool = False) -> bool:
        """True if ``value`` is an id of ``index``; else report it at ``path`` (or its key)."""
        if value in index:
            return True
        report = self.key_error if at_key else self.error
        report(path, f"unknown {what} {value!r}{self.doc.hints.did_you_mean(value, index) or hint}",
               "unknown-reference")
        return False


def check_network(doc: Document, net: dict, out: Collector) -> None:
    """Ids unique, every reference known, no cycle in bills of materials or depends_on.

    Parameters
    ----------
    doc : Document
        The file the network stands in (a network file, or a scenario with it inline).
    net : dict
        The cleaned network.
    out : Collector
        Receives every problem.
    """
    refs = Refs(doc, out)
    regions = refs.unique(net["regions"], "region")
    suppliers = refs.unique(net["suppliers"], "supplier")
    items = refs.unique(net["parts"] + net["products"], "part or product")
    products = {p["id"]: p for p in net["products"]}
    no_regions = "; list it under regions:" if not regions else ""

    for s in net["suppliers"]:
        path = s[POS_KEY]
        if s["region"] is not None:
            refs.known(s["region"], path + ("region",), regions, "region", no_regions)
        for i, dep in enumerate(s["depends_on"]):
            dpath = path + ("depends_on", i)
            if dep == s["id"]:
                refs.error(dpath, f"supplier {dep!r} depends on itself", "cycle")
            else:
                refs.known(dep, dpath, suppliers, "supplier")
    for item in net["parts"] + net["products"]:
        path = item[POS_KEY]
        seen: dict[str, int] = {}
        for i, src in enumerate(item["sources"]):
            spath = path + ("sources", i, "supplier")
            refs.known(src["supplier"], spath, suppliers, "supplier")
            if src["supplier"] in seen:
                refs.error(spath, f"{item['id']!r} lists supplier {src['supplier']!r} twice in its "
                                  "sources; merge the two lanes", "duplicate-id")
            seen[src["supplier"]] = i
        for comp in item["bom"]:
            bpath = path + ("bom", comp)
            if comp == item["id"]:
                refs.key_error(bpath, f"{comp!r} lists itself in its bill of materials", "cycle")
            else:
                refs.known(comp, bpath, items, "part or product", at_key=True)
        for i, sub in enumerate(item.get("substitutes", [])):
            spath = path + ("substitutes", i, "product")
            if sub["product"] == item["id"]:
                refs.error(spath, f"{item['id']!r} lists itself as a substitute", "value")
            else:
                refs.known(sub["product"], spath, products, "product")
    _check_cycles(refs, {i["id"]: i for i in net["parts"] + net["products"]}, "bom",
                  "bill of materials")
    _check_cycles(refs, {s["id"]: s for s in net["suppliers"]}, "depends_on", "depends_on")


def _check_cycles(refs: Refs, nodes: dict[str, dict], key: str, what: str,
                  reason: str = "an item cannot need itself") -> None:
    """Report each cycle once, at the first node of the cycle in id order.

    Every strongly connected component of more than one node holds at least
    one cycle (self-references are reported by the caller); the one shown
    runs from the component's smallest id along the shortest way back to it,
    so the message is the same whatever the order of the file.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(nodes))
    for node in sorted(nodes):
        targets = nodes[node][key]
        for target in sorted(targets if isinstance(targets, (list, dict)) else []):
            if target in nodes and target != node:
                graph.add_edge(node, target)
    components = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    for component in sorted(components):
        first = component[0]
        inside = graph.subgraph(component)
        back = min((nx.shortest_path(inside, step, first) for step in sorted(inside.successors(first))),
                   key=lambda path: (len(path), path))
        cycle = [first] + back
        refs.error(nodes[first][POS_KEY] + (key,), f"{what} cycle: {' -> '.join(cycle)}; remove "
                                                   f"one of these links, {reason}", "cycle")


def check_scenario(doc: Document, sc: dict, network: Optional[Network], out: Collector) -> None:
    """Disruption targets, expectation subjects and option subjects exist; durations can be known.

    Parameters
    ----------
    doc : Document
        The scenario file.
    sc : dict
        Its cleaned values.
    network : Network or None
        The network built for it; ``None`` when the network is broken (its own messages say
        why), and then only the checks within the scenario run.
    out : Collector
        Receives every problem.
    """
    refs = Refs(doc, out)
    refs.unique([d for d in sc["disruptions"] if d.get("id")], "disruption")
    _check_triggers(refs, sc["disruptions"])
    if sc["warmup"] >= sc["horizon"]:
        refs.error(sc[POS_KEY] + ("warmup",), f"warmup ({sc['warmup']}) must be shorter than the "
                                              f"horizon ({sc['horizon']})", "value")
    if network is None:
        return
    index: dict[str, dict[str, Any]] = {
        "region": {r.id: r for r in network.regions},
        "supplier": {s.id: s for s in network.suppliers},
        "part": {p.id: p for p in network.parts},
        "product": {p.id: p for p in network.products},
    }
    for d in sc["disruptions"]:
        target = d["target"]
        if not refs.known(target["id"], target[POS_KEY], index[target["kind"]], target["kind"]):
            continue
        if d["duration"] is None:
            _check_default_duration(refs, d, network)
    alerts = _check_alerts(refs, sc["alerts"], index, network)
    for e in sc["expect"]:
        subject = expectation_subject(e)
        if subject in ("product", "supplier"):
            refs.known(e[subject], e[POS_KEY] + (subject,), index[subject], subject)
        elif subject == "alert":
            hint = "" if alerts else "; the scenario has no alerts: list the rule under alerts:"
            refs.known(e["alert"], e[POS_KEY] + ("alert",), alerts, "alert", hint)
    _check_candidates(refs, sc["candidates"], index)
    _check_what_ifs(refs, sc["what_if"], index)


#: keys of a disruption that say when it happens on its own, which a triggered one does not.
_OWN_TIMING_KEYS = ("at", "rate", "every")


def _check_triggers(refs: Refs, disruptions: list[dict]) -> None:
    """Each trigger names another disruption; a triggered one has no timing of its own; no cycle.

    A disruption that another one triggers happens only when set off (its
    triggers say when and how likely), so its own ``at``, ``rate``, ``every``
    and ``probability`` would mean nothing and are refused.
    """
    ids = disruption_ids(disruptions)
    index = dict(zip(ids, disruptions))
    triggered: dict[str, str] = {}
    for d, did in zip(disruptions, ids):
        for t in d["triggers"]:
            path = t[POS_KEY] + ("id",)
            if t["id"] == did:
                refs.error(path, f"disruption {did!r} triggers itself; a disruption that recurs "
                                 "takes 'rate' or 'every'", "cycle")
            elif refs.known(t["id"], path, index, "disruption"):
                triggered.setdefault(t["id"], did)
    for did, by in sorted(triggered.items()):
        d = index[did]
        given = [k for k in _OWN_TIMING_KEYS if d[k] is not None]
        given += ["probability"] if d["probability"] != 1.0 else []
        for key in given:
            refs.error(d[POS_KEY] + (key,), f"disruption {did!r} happens only when {by!r} sets "
                                            f"it off, which says when and how likely: remove "
                                            f"{key!r} (or the trigger's 'after' and "
                                            f"'probability' say it)", "value")
    nodes = {did: {"triggers": [t["id"] for t in d["triggers"]], POS_KEY: d[POS_KEY]}
             for did, d in index.items()}
    _check_cycles(refs, nodes, "triggers", "trigger",
                  "a disruption cannot set itself off through others")


#: supplier keys of a candidate that only a new supplier may carry.
_NEW_SUPPLIER_KEYS = ("name", "region", "capacity", "ttr", "depends_on", "cover")


def _check_candidates(refs: Refs, candidates: list[dict], index: dict[str, dict]) -> None:
    """Candidate ids unique, their regions, tier-2s and items known, no lane already there."""
    refs.unique(candidates, "candidate")
    items = {**index["part"], **index["product"]}
    for c in candidates:
        path = c[POS_KEY]
        existing = c["id"] in index["supplier"]
        if existing:
            for key in _NEW_SUPPLIER_KEYS:
                if path + (key,) in refs.doc.positions:
                    refs.key_error(path + (key,), f"candidate {c['id']!r} is a supplier of the "
                                                  f"network: its {key!r} comes from the network; "
                                                  "remove it here or give the candidate a new id",
                                   "value")
        if c["region"] is not None:
            refs.known(c["region"], path + ("region",), index["region"], "region")
        for i, dep in enumerate(c["depends_on"]):
            if dep == c["id"]:
                refs.error(path + ("depends_on", i), f"candidate {dep!r} depends on itself",
                           "cycle")
            else:
                refs.known(dep, path + ("depends_on", i), index["supplier"], "supplier")
        seen: set[str] = set()
        for i, lane in enumerate(c["supplies"]):
            lpath = path + ("supplies", i, "part")
            if not refs.known(lane["part"], lpath, items, "part or product"):
                continue
            if lane["part"] in seen:
                refs.error(lpath, f"candidate {c['id']!r} lists {lane['part']!r} twice; merge "
                                  "the two lanes", "duplicate-id")
            seen.add(lane["part"])
            if existing and any(s.supplier == c["id"] for s in items[lane["part"]].sources):
                refs.error(lpath, f"{lane['part']!r} is already bought from {c['id']!r} in the "
                                  "network; a candidate adds a lane that does not exist yet",
                           "value")


def _check_alerts(refs: Refs, alerts: list[dict], index: dict[str, dict],
                  network: Network) -> dict[str, dict]:
    """Alert ids unique, their items known, a window they can have; returns them by id.

    A ``days_of_cover`` rule on an item no demand reaches never warns (its cover is
    infinite): a warning says so.
    """
    from riskmap.alerts.measures import default_window_problem, demand_rate
    from riskmap.load.build import alert_record

    by_id = refs.unique(alerts, "alert")
    items = {**index["part"], **index["product"]}
    for a in alerts:
        path = a[POS_KEY]
        if not refs.known(a["item"], path + ("item",), items, "part or product"):
            continue
        alert = alert_record(a)
        problem = default_window_problem(alert, network)
        if problem is not None:
            refs.error(path, problem, "missing-key")
        if alert.measure == "days_of_cover" and demand_rate(network, alert.item) <= 0:
            refs.out.warning(refs.doc.pos(path + ("measure",)),
                             f"alert {alert.id!r}: no product demand reaches {alert.item!r}, so "
                             "its days of cover are infinite and the rule never warns; watch "
                             "on_hand or position instead", "alert-no-demand")
    return by_id


def _check_what_ifs(refs: Refs, what_ifs: list[dict], index: dict[str, dict]) -> None:
    """What-if ids unique (given or defaulted) and their subject known."""
    refs.unique(what_ifs, "what_if", what_if_ids(what_ifs))
    for w in what_ifs:
        subject = what_if_subject(w)
        refs.known(w[subject], w[POS_KEY] + (subject,), index[subject], subject)


def _check_default_duration(refs: Refs, d: dict, network: Network) -> None:
    """A disruption without ``duration`` lasts its supplier's ``ttr``: that ttr must exist."""
    kind, tid = d["target"]["kind"], d["target"]["id"]
    path = d[POS_KEY]
    if kind == "supplier":
        lacking = [] if network.supplier(tid).ttr is not None else [tid]
    elif kind == "region":
        lacking = sorted(s.id for s in network.suppliers if s.region == tid and s.ttr is None)
    else:
        refs.error(path, f"disruption {d.get('id') or d['kind']!r} on {kind} {tid!r} needs a "
                         "'duration' (only a supplier or region disruption defaults to the ttr)",
                   "missing-key")
        return
    if lacking:
        refs.error(path, f"disruption has no 'duration' and supplier(s) {', '.join(lacking)} "
                         "have no 'ttr'; give the disruption a duration or the supplier a ttr",
                   "missing-key")
