"""Stage 3 of loading: cleaned, checked values to immutable model objects.

It reads the cleaned dicts of :mod:`riskmap.load.checker` once the reference checks have
passed; what the model holds that a file does not write (subjects, default ids) comes from
the functions of :mod:`riskmap.load.rules`, the ones the reference checks use.
"""

from __future__ import annotations

from typing import Any, Optional

from riskmap import model
from riskmap.errors import Collector, Pos
from riskmap.load.checker import POS_KEY
from riskmap.load.document import Document
from riskmap.load.rules import disruption_ids, expectation_subject, what_if_ids, what_if_subject


def network(doc: Document, net: dict, default_name: str, out: Collector) -> Optional[model.Network]:
    """Build a :class:`~riskmap.model.Network` from a cleaned, reference-checked network.

    Parameters
    ----------
    doc : Document
        The file the network stands in (for positions).
    net : dict
        The cleaned network.
    default_name : str
        Its name when the file gives none.
    out : Collector
        Receives share problems (some primary sources with a share, some without).
    """
    pos = doc.pos
    regions = tuple(model.Region(r["id"], r["name"] or r["id"], pos(r[POS_KEY]))
                    for r in net["regions"])
    suppliers = tuple(_supplier(s, pos(s[POS_KEY])) for s in net["suppliers"])
    items = []
    for kind, entries in ((model.PART, net["parts"]), (model.PRODUCT, net["products"])):
        for entry in entries:
            sources = _sources(doc, entry, out)
            items.append(_item(kind, entry, sources, pos(entry[POS_KEY])))
    return model.Network(
        name=net["name"] or default_name,
        time_unit=net["time_unit"],
        regions=regions,
        suppliers=suppliers,
        items=tuple(items),
        file=doc.file,
        start=net["start"],
    )


def _supplier(s: dict, where: Pos) -> model.Supplier:
    return model.Supplier(
        id=s["id"], name=s["name"] or s["id"], region=s["region"], capacity=s["capacity"],
        ttr=s["ttr"], depends_on=tuple(s["depends_on"]), cover=s["cover"], pos=where,
    )


def _sources(doc: Document, item: dict, out: Collector) -> tuple[model.Source, ...]:
    """Lanes with primary shares normalised to sum to 1 (equal when none is given)."""
    entries = item["sources"]
    primaries = [s for s in entries if not s["alternate"]]
    given = [s for s in primaries if s["share"] is not None]
    if given and len(given) != len(primaries):
        out.error(doc.pos(item[POS_KEY] + ("sources",)),
                  f"{item['id']!r}: give a 'share' to every primary source or to none "
                  f"({len(given)} of {len(primaries)} have one)", "value")
    total = sum(s["share"] for s in given) if given and len(given) == len(primaries) else None
    lanes = []
    for s in entries:
        if s["alternate"]:
            share = 0.0
        elif total:
            share = s["share"] / total
        else:
            share = 1.0 / len(primaries)
        lanes.append(model.Source(
            supplier=s["supplier"], lead_time=s["lead_time"], capacity=s["capacity"],
            alternate=s["alternate"], activation_delay=s["activation_delay"], share=share,
            unit_cost=s["unit_cost"], pos=doc.pos(s[POS_KEY]),
        ))
    return tuple(lanes)


def _policy(p: Optional[dict]) -> Optional[model.Policy]:
    if p is None:
        return None
    return model.Policy(kind=p["type"], level=p["level"], min=p["min"], max=p["max"],
                        point=p["point"], quantity=p["quantity"], review_period=p["review_period"])


def _demand(d) -> Optional[model.Demand]:
    """The product's demand: one mapping, or a list of customer classes (priority 1 if omitted)."""
    if d is None:
        return None
    if isinstance(d, list):
        return model.Demand(classes=tuple(
            model.CustomerClass(c["class"], c["priority"] or 1, _demand(c)) for c in d))
    season = d["seasonality"]
    return model.Demand(rate=d["rate"], interval=d["interval"], size=d["size"],
                        patience=d["patience"],
                        seasonality=None if season is None else
                        model.Seasonality(season["by"], tuple(season["factors"])))


def _item(kind: str, e: dict, sources: tuple[model.Source, ...], where: Pos) -> model.Item:
    extra: dict[str, Any] = {}
    if kind == model.PRODUCT:
        extra = dict(
            demand=_demand(e["demand"]), price=e["price"], margin=e["margin"],
            substitutes=tuple(model.Substitute(s["product"], s["acceptance"])
                              for s in e["substitutes"]),
            backorder_cost=e["backorder_cost"], lost_sale_cost=e["lost_sale_cost"],
            allocation=e["allocation"],
            updates=(None if e["updates"] is None else model.Updates(
                e["updates"]["every"], e["updates"]["on_revision"])),
            inquiries=(None if e["inquiries"] is None else model.Inquiries(
                e["inquiries"]["rate"], e["inquiries"]["after_update"])),
            compensation=tuple(model.Compensation(
                c["id"], c["when"], c["offer"], c["acceptance"], after=c["after"],
                amount=c["amount"], share=c["share"], extends_patience=c["extends_patience"],
                prevents_cancellation=c["prevents_cancellation"], classes=tuple(c["classes"]))
                for c in e["compensation"]),
        )
    return model.Item(
        id=e["id"], kind=kind, name=e["name"] or e["id"], stock=e["stock"],
        policy=_policy(e["policy"]), sources=sources, bom=tuple(sorted(e["bom"].items())),
        capacity=e["capacity"], assembly_time=e["assembly_time"],
        production=e["production"], holding_cost=e["holding_cost"], pos=where, **extra,
    )


def scenario(doc: Document, sc: dict, net: model.Network, default_name: str) -> model.Scenario:
    """Build a :class:`~riskmap.model.Scenario` around an already built network.

    Parameters
    ----------
    doc : Document
        The scenario file (for positions).
    sc : dict
        Its cleaned, reference-checked values.
    net : Network
        The network it runs on.
    default_name : str
        Its name when the file gives none.
    """
    disruptions = tuple(
        model.Disruption(
            id=did, kind=d["kind"], target=model.Target(d["target"]["kind"], d["target"]["id"]),
            at=d["at"], duration=d["duration"], probability=d["probability"], rate=d["rate"],
            lead_time_factor=d["lead_time_factor"] if d["lead_time_factor"] is not None else 1.0,
            capacity_factor=d["capacity_factor"] if d["capacity_factor"] is not None else 1.0,
            factor=d["factor"] if d["factor"] is not None else 1.0,
            every=d["every"], reject=d["reject"] if d["reject"] is not None else 0.0,
            triggers=tuple(model.Trigger(t["id"], t["probability"], t["after"])
                           for t in d["triggers"]),
            ramp=d["ramp"],
            pos=doc.pos(d[POS_KEY]),
        )
        for d, did in zip(sc["disruptions"], disruption_ids(sc["disruptions"]))
    )
    expect = tuple(_expectation(doc, e) for e in sc["expect"])
    what_ifs = sc["what_if"]
    return model.Scenario(
        name=sc["name"] or default_name, network=net, horizon=float(sc["horizon"]),
        warmup=float(sc["warmup"]), replications=sc["replications"], seed=sc["seed"],
        alternates=sc["alternates"], disruptions=disruptions, expect=expect, file=doc.file,
        candidates=tuple(_candidate(doc, c, net) for c in sc["candidates"]),
        what_if=tuple(_what_if(doc, w, wid) for w, wid in zip(what_ifs, what_if_ids(what_ifs))),
        alerts=tuple(alert_record(a, doc.pos(a[POS_KEY])) for a in sc["alerts"]),
    )


def alert_record(a: dict, where: Pos = Pos("<memory>")) -> model.Alert:
    """The :class:`~riskmap.model.Alert` of a cleaned ``alerts:`` entry (the references use it too)."""
    return model.Alert(id=a["id"], item=a["item"], below=float(a["below"]), measure=a["measure"],
                       window=None if a["window"] is None else float(a["window"]), pos=where)


def _expectation(doc: Document, e: dict) -> model.Expectation:
    subject = expectation_subject(e)
    return model.Expectation(subject=subject, id=e[subject] if subject != "network" else None,
                             metric=e["metric"], min=e["min"], max=e["max"], stat=e["stat"],
                             pos=doc.pos(e[POS_KEY]))


def _candidate(doc: Document, c: dict, net: model.Network) -> model.Candidate:
    """A candidate supplier: the network's own when its id is known, else the one written."""
    known = {s.id: s for s in net.suppliers}
    where = doc.pos(c[POS_KEY])
    supplier = known.get(c["id"]) or _supplier(c, where)
    lanes = []
    for s in c["supplies"]:
        lanes.append((s["part"], model.Source(
            supplier=c["id"], lead_time=s["lead_time"], capacity=s["capacity"],
            alternate=s["alternate"], activation_delay=s["activation_delay"],
            share=0.0 if s["alternate"] else (s["share"] or 0.0),
            unit_cost=s["unit_cost"], pos=doc.pos(s[POS_KEY]),
        )))
    return model.Candidate(supplier=supplier, sources=tuple(lanes), pos=where)


def _what_if(doc: Document, w: dict, wid: str) -> model.WhatIf:
    subject = what_if_subject(w)
    return model.WhatIf(
        id=wid, target=model.Target(subject, w[subject]),
        stock=w["stock"], policy=_policy(w["policy"]), capacity=w["capacity"],
        pos=doc.pos(w[POS_KEY]),
    )
