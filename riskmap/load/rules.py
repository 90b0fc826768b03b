"""Rules relating the keys of one entity, and the values derived from them.

A rule runs once every key of its entity is well typed (:class:`~riskmap.load.checker.Checker`
calls it with the cleaned dict); it reports each problem at its position and returns
whether the entity is valid. Rules only read the cleaned dict.

Derived values
--------------
Some values of the model are not written in the file but follow from its keys. Each is
computed here, by one function of the cleaned values, for the stages that need it:

* :func:`expectation_subject`: what an ``expect:`` line is about (product, supplier, alert
  or network), read by the reference checks and the builder;
* :func:`what_if_subject`: what a ``what_if:`` entry changes (part, product or supplier);
* :func:`what_if_ids` and :func:`disruption_ids`: the ids of a scenario's what-ifs
  (``what-if-N``) and disruptions (``KIND-N``), given or defaulted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from riskmap.errors import did_you_mean
from riskmap.load.document import Path
from riskmap.load.schema import (DISRUPTION_FACTOR_KEYS, DISRUPTION_FACTORS, DISRUPTION_TARGETS,
                                 EXPECTATION_SUBJECTS, METRICS_BY_SUBJECT, POLICY_TYPE_PARAMETERS,
                                 POLICY_TYPED_KEYS, RAMP_KINDS, RECURRING_KINDS, WHAT_IF_CHANGES,
                                 WHAT_IF_SUBJECTS)

from riskmap.season import WEEKDAY_UNITS, factor_count_problem, mean_problem

#: The key under which each cleaned dict keeps the path of its mapping.
POS_KEY = "__pos__"

if TYPE_CHECKING:  # the checker imports the rules; the rules only use its methods
    from riskmap.load.checker import Checker


# --------------------------------------------------------------------------- derived values


def _given(entry: dict, keys: tuple[str, ...]) -> list[str]:
    """The keys of ``keys`` that ``entry`` gives a value to, in table order."""
    return [k for k in keys if entry[k] is not None]


def expectation_subject(e: dict) -> str:
    """What a checked ``expect:`` line is about.

    Parameters
    ----------
    e : dict
        The cleaned expectation (its rule has passed: at most one subject key given).

    Returns
    -------
    str
        ``"product"``, ``"supplier"`` or ``"alert"``, the subject key given, or ``"network"``
        for none.
    """
    subjects = _given(e, EXPECTATION_SUBJECTS)
    return subjects[0] if subjects else "network"


def what_if_subject(w: dict) -> str:
    """What a checked ``what_if:`` entry changes: ``"part"``, ``"product"`` or ``"supplier"``.

    Parameters
    ----------
    w : dict
        The cleaned what-if (its rule has passed: exactly one subject key given).
    """
    return _given(w, WHAT_IF_SUBJECTS)[0]


def what_if_ids(what_ifs: list[dict]) -> list[str]:
    """The id of each what-if of a scenario: the one written, else ``what-if-N``.

    ``N`` is the entry's place in ``what_if:``, counting from 1 (every entry counts, named or
    not), so an id stays put when an entry before it gains a name.
    """
    return [w["id"] or f"what-if-{number}" for number, w in enumerate(what_ifs, 1)]


def disruption_ids(disruptions: list[dict]) -> list[str]:
    """The id of each disruption of a scenario: the one written, else ``KIND-N``.

    ``N`` counts the disruptions of that kind so far, named or not, from 1.
    """
    counts: dict[str, int] = {}
    ids = []
    for d in disruptions:
        counts[d["kind"]] = counts.get(d["kind"], 0) + 1
        ids.append(d["id"] or f"{d['kind']}-{counts[d['kind']]}")
    return ids


# --------------------------------------------------------------------------- rules


def _rule_policy(ch: Checker, p: dict, path: Path) -> bool:
    ok = True
    needed = POLICY_TYPE_PARAMETERS[p["type"]]
    for key in needed:
        if p.get(key) is None:
            ch.error(path, f"{ch.where(path)}: a {p['type']} policy needs {key!r} "
                           f"(it takes {', '.join(needed)})", "missing-key")
            ok = False
    for key in POLICY_TYPED_KEYS:
        if key not in needed and p.get(key) is not None:
            ch.error(path + (key,), f"{ch.where(path + (key,))}: {key!r} does not apply to a "
                                    f"{p['type']} policy (it takes {', '.join(needed)})", "value")
            ok = False
    if ok and p["type"] == "min_max" and p["min"] > p["max"]:
        ch.error(path + ("max",), f"{ch.where(path)}: min_max needs min <= max, got "
                                  f"min={p['min']}, max={p['max']}", "value")
        ok = False
    return ok


def _rule_demand(ch: Checker, d: dict, path: Path) -> bool:
    if (d["rate"] is None) == (d["interval"] is None):
        ch.error(path, f"{ch.where(path)}: give exactly one of 'rate' (orders per time unit) and "
                       "'interval' (time between orders)", "value")
        return False
    if d["interval"] is not None and d["interval"].mean <= 0:
        ch.error(path + ("interval",), f"{ch.where(path + ('interval',))}: the time between orders "
                                       "must have a mean > 0", "value")
        return False
    return True


def _rule_seasonality(ch: Checker, s: dict, path: Path) -> bool:
    factors = tuple(s["factors"])
    where = ch.where(path + ("factors",))
    problem = factor_count_problem(s["by"], len(factors))
    if problem is None:
        problem = mean_problem(factors)
    if problem is not None:
        ch.error(path + ("factors",), f"{where}: {problem}", "value")
        return False
    return True


def _rule_network(ch: Checker, net: dict, path: Path) -> bool:
    """A weekday pattern needs time units no longer than a week."""
    if net["time_unit"] in WEEKDAY_UNITS:
        return True
    ok = True
    for product in net["products"]:
        demand = product["demand"] or {}
        for d in (demand if isinstance(demand, list) else [demand]):  # classes: each its own
            season = d.get("seasonality")
            if season is None or season["by"] != "weekday":
                continue
            at = season[POS_KEY] + ("by",)
            ch.error(at, f"{ch.where(at)}: by: weekday needs a time_unit of at most a week "
                         f"(minute, hour, day or week), not {net['time_unit']}: within each "
                         f"{net['time_unit']} the weekdays average out; use by: month", "value")
            ok = False
    return ok


def _rule_product(ch: Checker, p: dict, path: Path) -> bool:
    """Customer classes: unique ids; ``priority`` and ``allocation: priority`` used together."""
    classes = p["demand"] if isinstance(p["demand"], list) else []
    seen: dict[str, Path] = {}
    ok = True
    for k, c in enumerate(classes):
        where = path + ("demand", k, "class")
        if c["class"] in seen:
            ch.error(where, f"{ch.where(where)}: duplicate class id {c['class']!r} (also at "
                            f"{ch.where(seen[c['class']])}); give each class its own id",
                     "duplicate")
            ok = False
        else:
            seen[c["class"]] = where
    rules: dict[str, Path] = {}
    for k, c in enumerate(p["compensation"]):
        where = path + ("compensation", k, "id")
        if c["id"] in rules:
            ch.error(where, f"{ch.where(where)}: duplicate compensation id {c['id']!r} (also at "
                            f"{ch.where(rules[c['id']])})", "duplicate")
            ok = False
        rules.setdefault(c["id"], where)
        known = [cls["class"] for cls in classes]
        for j, cid in enumerate(c["classes"]):
            if cid not in known:
                where = path + ("compensation", k, "classes", j)
                ch.error(where, f"{ch.where(where)}: {cid!r} is not a customer class of the "
                                f"product (its demand lists {', '.join(known) or 'none'})"
                                f"{did_you_mean(cid, known)}", "reference")
                ok = False
        if c["share"] is not None and p["price"] is None:
            where = path + ("compensation", k, "share")
            ch.out.warning(ch.doc.pos(where), f"{ch.where(where)}: a share of the price costs "
                                              "nothing without the product's price; give the "
                                              "product a price, or the cost as amount",
                           "no-price")
    if p["allocation"] != "priority":
        for k, c in enumerate(classes):
            if c["priority"] is not None:
                where = path + ("demand", k, "priority")
                ch.out.warning(ch.doc.pos(where),
                               f"{ch.where(where)}: priority has no effect under allocation: "
                               f"{p['allocation']}; add 'allocation: priority' to the product",
                               "priority-unused")
                break
    elif len(classes) < 2:
        where = path + ("allocation",)
        ch.out.warning(ch.doc.pos(where), f"{ch.where(where)}: allocation: priority with one class "
                                          "of customers serves them first come first served; "
                                          "write demand as a list of classes with priorities",
                       "priority-unused")
    elif len({c["priority"] or 1 for c in classes}) == 1:
        where = path + ("allocation",)
        ch.out.warning(ch.doc.pos(where), f"{ch.where(where)}: every class has the same priority, "
                                          "so allocation: priority serves them first come first "
                                          "served; give the first served class priority: 1 and "
                                          "the others higher numbers", "priority-unused")
    return ok


def _article(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _rule_disruption(ch: Checker, d: dict, path: Path) -> bool:
    kind, target = d["kind"], d["target"]["kind"]
    allowed = DISRUPTION_TARGETS[kind]
    ok = True
    if target not in allowed:
        ch.error(path + ("target",), f"{ch.where(path + ('target',))}: {_article(kind)} strikes a "
                                     f"{' or a '.join(allowed)}, not a {target}", "value")
        ok = False
    needs = DISRUPTION_FACTORS.get(kind)
    if needs and d[needs] is None:
        ch.error(path, f"{ch.where(path)}: a {kind} needs {needs!r}", "missing-key")
        ok = False
    for key in DISRUPTION_FACTOR_KEYS:
        if key != needs and d[key] is not None:
            ch.error(path + (key,), f"{ch.where(path + (key,))}: {key!r} does not apply to "
                                    f"{_article(kind)}", "value")
            ok = False
    if d["rate"] is not None and d["probability"] != 1.0:
        ch.error(path + ("rate",), f"{ch.where(path)}: give 'rate' (recurring) or 'probability' "
                                   "(once), not both", "value")
        ok = False
    if d["reject"] is not None and d["reject"] >= 1:
        ch.error(path + ("reject",), f"{ch.where(path + ('reject',))}: reject must be below 1 "
                                     "(with everything rejected the re-orders never end; a "
                                     "supplier that delivers nothing usable is kind: outage)",
                 "value")
        ok = False
    if d["ramp"] is not None and kind not in RAMP_KINDS:
        ch.error(path + ("ramp",), f"{ch.where(path + ('ramp',))}: 'ramp' (capacity returning "
                                   f"gradually) applies to {', '.join(RAMP_KINDS[:-1])} or "
                                   f"{RAMP_KINDS[-1]}, not {_article(kind)}", "value")
        ok = False
    return _rule_every(ch, d, path) and ok


def _rule_every(ch: Checker, d: dict, path: Path) -> bool:
    """``every`` (an alternating up/down process): an outage's, without ``rate``, up time > 0."""
    if d["every"] is None:
        return True
    where = ch.where(path + ("every",))
    if d["kind"] not in RECURRING_KINDS:
        ch.error(path + ("every",), f"{where}: 'every' (recurring up and down) applies to "
                                    f"{' or '.join(_article(k) for k in RECURRING_KINDS)}, not "
                                    f"{_article(d['kind'])}", "value")
        return False
    if d["rate"] is not None:
        ch.error(path + ("every",), f"{where}: give 'every' (up time between outages) or 'rate' "
                                    "(outages as a Poisson process), not both", "value")
        return False
    if d["every"].mean <= 0:
        ch.error(path + ("every",), f"{where}: the up time between outages must have a mean > 0, "
                                    "or the supplier would never be up", "value")
        return False
    return True


def _rule_expectation(ch: Checker, e: dict, path: Path) -> bool:
    ok = True
    if len(_given(e, EXPECTATION_SUBJECTS)) > 1:
        ch.error(path, f"{ch.where(path)}: an expectation is about one product, one supplier or "
                       "one alert, not several", "value")
        return False
    subject = expectation_subject(e)
    metrics = METRICS_BY_SUBJECT[subject]
    if e["metric"] not in metrics:
        ch.error(path + ("metric",), f"{ch.where(path + ('metric',))}: unknown {subject} metric "
                                     f"{e['metric']!r}; use one of {', '.join(metrics)}"
                                     f"{did_you_mean(e['metric'], metrics)}", "value")
        ok = False
    if e["min"] is None and e["max"] is None:
        ch.error(path, f"{ch.where(path)}: an expectation needs 'min', 'max' or both", "missing-key")
        ok = False
    elif e["min"] is not None and e["max"] is not None and e["min"] > e["max"]:
        ch.error(path + ("max",), f"{ch.where(path)}: min ({e['min']}) is above max ({e['max']})",
                 "value")
        ok = False
    return ok


def _rule_what_if(ch: Checker, w: dict, path: Path) -> bool:
    subjects = _given(w, WHAT_IF_SUBJECTS)
    if len(subjects) != 1:
        ch.error(path, f"{ch.where(path)}: a what_if changes exactly one part, product or "
                       f"supplier, got {len(subjects)}", "value")
        return False
    if not _given(w, WHAT_IF_CHANGES):
        ch.error(path, f"{ch.where(path)}: a what_if needs 'stock', 'policy' or 'capacity'",
                 "missing-key")
        return False
    ok = True
    if what_if_subject(w) == "supplier":
        for key in ("stock", "policy"):
            if w[key] is not None:
                ch.error(path + (key,), f"{ch.where(path + (key,))}: {key!r} does not apply to a "
                                        "supplier (it takes capacity)", "value")
                ok = False
    return ok


def _rule_updates(ch: Checker, u: dict, path: Path) -> bool:
    if u["every"] is None and not u["on_revision"]:
        ch.error(path, f"{ch.where(path)}: an update policy sends nothing without 'every' or "
                       "'on_revision: true'; give one, or leave updates out", "value")
        return False
    return True


def _rule_compensation(ch: Checker, c: dict, path: Path) -> bool:
    ok = True
    if c["when"] == "waited" and c["after"] is None:
        ch.error(path, f"{ch.where(path)}: an offer made when the order has waited needs "
                       "'after' (how long)", "missing-key")
        ok = False
    if c["when"] != "waited" and c["after"] is not None:
        ch.error(path + ("after",), f"{ch.where(path + ('after',))}: 'after' applies to "
                                    "when: waited only", "value")
        ok = False
    if c["amount"] is not None and c["share"] is not None:
        ch.error(path + ("share",), f"{ch.where(path)}: give the cost as 'amount' or 'share', "
                                    "not both", "value")
        ok = False
    if c["extends_patience"] is not None and c["prevents_cancellation"]:
        ch.error(path + ("extends_patience",), f"{ch.where(path)}: an offer either extends the "
                 "customer's patience or prevents the cancellation, not both", "value")
        ok = False
    return ok


#: The rule of each entity that has one, by table name.
RULES: dict[str, Callable[[Checker, dict, Path], bool]] = {
    "what_if": _rule_what_if,
    "policy": _rule_policy,
    "demand": _rule_demand,
    "seasonality": _rule_seasonality,
    "network": _rule_network,
    "inline_network": _rule_network,
    "customer_class": _rule_demand,
    "product": _rule_product,
    "updates": _rule_updates,
    "compensation": _rule_compensation,
    "disruption": _rule_disruption,
    "expectation": _rule_expectation,
}
