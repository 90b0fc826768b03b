"""Which products are most at risk, and what the report says about each.

Everything here reads the ``report.json`` dictionary only (see
:mod:`riskmap.report.json`) and is shared by the terminal summary, the
Markdown report and the HTML report, so all three rank and word things the
same way.

Ranking
-------
Products are ranked riskiest first by

1. the mean backorder probability (higher first),
2. the mean backordered units (more first),
3. the product id (alphabetical), so ties never depend on dictionary order.

A missing or ``null`` figure counts as 0.

Money at risk
-------------
``revenue at risk`` = mean backordered units x ``price`` and ``margin at
risk`` = mean backordered units x ``margin``: the revenue (margin) of the
units that could not ship when ordered, whether they shipped late or were
cancelled. Both need the product's ``price`` / ``margin`` from the
``network`` block of the report; without it they are shown as a dash.

Conventions of the optional blocks this module reads (all may be absent;
nothing is invented when they are):

* ``network``: ``{regions: [{id, name}], suppliers: [{id, name, region,
  depends_on}], parts: [{id, name, sources: [{supplier, alternate}], bom}],
  products: [{id, name, price, margin, bom, sources}]}``, with ``bom`` a
  mapping ``{item id: quantity}``.
* ``scenario.disruptions``: ``[{id, kind, target: {<kind>: id}, at,
  duration, probability, rate, ...}]``, times as a number or a distribution
  mapping ``{dist: NAME, ...}`` as in the scenario file.
* ``scenario.command``: the command line that produced the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

from riskmap.report.text import MISSING
from riskmap.report.text import money as format_money  # noqa: F401 - used by the renderers
from riskmap.report.text import number as format_number
from riskmap.report.text import percent as format_percent

#: statistics that every product carries (SPEC section 3), in table order.
CORE_STATISTICS = ("backorder_probability", "backorder_units", "fill_rate",
                   "backlog_days", "lost_units")


# --------------------------------------------------------------------------
# Reading figures


def mean_of(statistic: Any) -> Optional[float]:
    """The mean of a ``{mean, ci95, ...}`` statistic, or a bare number; ``None`` when absent.

    >>> mean_of({"mean": 0.5, "ci95": [0.1, 0.9]}), mean_of(3), mean_of(None)
    (0.5, 3.0, None)
    """
    if isinstance(statistic, dict):
        statistic = statistic.get("mean")
    if isinstance(statistic, bool) or not isinstance(statistic, (int, float)):
        return None
    value = float(statistic)
    return value if math.isfinite(value) else None


def ci_of(statistic: Any) -> tuple[Optional[float], Optional[float]]:
    """The ``ci95`` bounds of a statistic; ``(None, None)`` when absent."""
    if not isinstance(statistic, dict):
        return (None, None)
    bounds = statistic.get("ci95")
    if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
        return (None, None)
    return (mean_of(bounds[0]), mean_of(bounds[1]))


def network_items(report: dict, kind: str) -> dict[str, dict]:
    """``{id: entry}`` of the ``network`` block's ``kind`` list (``regions``, ``suppliers``, ``parts``, ``products``)."""
    network = report.get("network")
    if not isinstance(network, dict):
        return {}
    entries = network.get(kind)
    if not isinstance(entries, list):
        return {}
    return {str(e["id"]): e for e in entries if isinstance(e, dict) and "id" in e}


def display_name(report: dict, kind: str, item_id: str) -> str:
    """The item's ``name`` from the ``network`` block, else its id."""
    entry = network_items(report, kind).get(item_id, {})
    name = entry.get("name")
    return str(name) if name else item_id


# --------------------------------------------------------------------------
# Ranking


def rank_key(report: dict, product_id: str) -> tuple:
    """Sort key of one product: riskiest first, ties broken by id."""
    stats = report.get("products", {}).get(product_id, {})
    probability = mean_of(stats.get("backorder_probability")) or 0.0
    units = mean_of(stats.get("backorder_units")) or 0.0
    return (-probability, -units, product_id)


def rank_products(report: dict) -> list[str]:
    """Product ids of a report, riskiest first (see the module docstring).

    Parameters
    ----------
    report : dict
        A ``report.json`` dictionary.

    Returns
    -------
    list of str
        Every id of ``report["products"]``.

    Examples
    --------
    >>> report = {"products": {
    ...     "a": {"backorder_probability": {"mean": 0.2}, "backorder_units": {"mean": 5}},
    ...     "b": {"backorder_probability": {"mean": 0.9}, "backorder_units": {"mean": 1}},
    ...     "c": {"backorder_probability": {"mean": 0.2}, "backorder_units": {"mean": 5}}}}
    >>> rank_products(report)
    ['b', 'a', 'c']
    """
    products = report.get("products") or {}
    return sorted(products, key=lambda pid: rank_key(report, pid))


# --------------------------------------------------------------------------
# Summary rows


@dataclass(frozen=True)
class ProductSummary:
    """One row of the summary table, figures already reduced to means.

    ``None`` marks a figure the report does not hold.
    """

    rank: int
    id: str
    name: str
    backorder_probability: Optional[float]
    backorder_units: Optional[float]
    fill_rate: Optional[float]
    longest_wait: Optional[float]
    lost_units: Optional[float]
    revenue_at_risk: Optional[float]
    margin_at_risk: Optional[float]
    sentence: str


def summarize_products(report: dict) -> list[ProductSummary]:
    """The summary rows, ranked by :func:`rank_products`."""
    products = report.get("products") or {}
    catalogue = network_items(report, "products")
    time_unit = str(report.get("scenario", {}).get("time_unit") or "time unit")
    replications = report.get("scenario", {}).get("replications")
    rows = []
    for rank, pid in enumerate(rank_products(report), start=1):
        stats = products[pid]
        entry = catalogue.get(pid, {})
        units = mean_of(stats.get("backorder_units"))
        row = ProductSummary(
            rank=rank, id=pid, name=display_name(report, "products", pid),
            backorder_probability=mean_of(stats.get("backorder_probability")),
            backorder_units=units,
            fill_rate=mean_of(stats.get("fill_rate")),
            longest_wait=mean_of(stats.get("longest_wait")),
            lost_units=mean_of(stats.get("lost_units")),
            revenue_at_risk=_times(units, mean_of(entry.get("price"))),
            margin_at_risk=_times(units, mean_of(entry.get("margin"))),
            sentence="",
        )
        rows.append(_with_sentence(row, time_unit, replications))
    return rows


def _times(units: Optional[float], money: Optional[float]) -> Optional[float]:
    if units is None or money is None:
        return None
    return units * money


def _with_sentence(row: ProductSummary, time_unit: str, replications: Any) -> ProductSummary:
    from dataclasses import replace

    return replace(row, sentence=product_sentence(row, time_unit, replications))


def product_sentence(row: ProductSummary, time_unit: str, replications: Any = None) -> str:
    """One plain-words sentence about a product's backorder risk.

    >>> row = ProductSummary(1, "p", "Pedal", 0.25, 12.0, 0.97, 4.0, 2.0, None, None, "")
    >>> product_sentence(row, "day", 40)
    'Pedal falls into backorder in 25% of the 40 simulated runs: on average 12 units wait, the longest wait is 4 days, 2 units are cancelled, and 97.0% of units ship from stock.'
    """
    runs = (f"the {replications} simulated runs" if isinstance(replications, int)
            else "the simulated runs")
    probability = row.backorder_probability
    if probability is None:
        return f"{row.name}: the report holds no backorder figures."
    if probability == 0:
        tail = (f"; {format_percent(row.fill_rate, 1)} of units ship from stock."
                if row.fill_rate is not None else ".")
        return f"{row.name} never falls into backorder in {runs}{tail}"
    clauses = []
    if row.backorder_units is not None:
        clauses.append(f"on average {format_number(row.backorder_units)} "
                       f"{_plural(row.backorder_units, 'unit')} wait")
    if row.longest_wait is not None:
        clauses.append(f"the longest wait is {format_number(row.longest_wait)} "
                       f"{_plural(row.longest_wait, time_unit)}")
    if row.lost_units is not None:
        clauses.append(f"{format_number(row.lost_units)} {_plural(row.lost_units, 'unit')} "
                       f"{'is' if _is_one(row.lost_units) else 'are'} cancelled")
    if row.fill_rate is not None:
        clauses.append(f"{format_percent(row.fill_rate, 1)} of units ship from stock")
    text = f"{row.name} falls into backorder in {format_percent(probability)} of {runs}"
    if clauses:
        body = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + ", and " + clauses[-1]
        text += ": " + body
    return text + "."


def _is_one(value: float) -> bool:
    return format_number(value) == "1"


def _plural(value: float, word: str) -> str:
    return word if _is_one(value) else word + "s"


# --------------------------------------------------------------------------
# Estimates as text (numbers themselves are formatted by riskmap.report.text)


def format_estimate(statistic: Any, percent: bool = False, digits: int = 0) -> str:
    """``mean [low, high]`` of a statistic, a dash when absent.

    >>> format_estimate({"mean": 0.8, "ci95": [0.38, 0.96]}, percent=True)
    '80% [38%, 96%]'
    """
    def fmt(value):
        return format_percent(value, digits) if percent else format_number(value)

    mean = mean_of(statistic)
    if mean is None:
        return MISSING
    low, high = ci_of(statistic)
    if low is None or high is None:
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


# --------------------------------------------------------------------------
# The other sections of a report, in the words both renderers print.
# (They live beside the ranking so that the Markdown and HTML renderers share
# one reading of report.json.)


#: product statistics shown first in a product's table, in this order; the
#: rest follow alphabetically.
STATISTIC_ORDER = CORE_STATISTICS + ("longest_wait", "time_to_first_backorder",
                                     "ordered_units", "shipped_units", "waiting_units_at_end")


@dataclass(frozen=True)
class StatisticRow:
    """One statistic of one product as text: ``value`` is ``mean [95 % CI]``."""

    name: str
    value: str
    p50: str
    p90: str
    p95: str
    unit: str
    description: str


def statistic_rows(report: dict, product_id: str) -> list[StatisticRow]:
    """Every statistic the report holds for a product (nothing added), in :data:`STATISTIC_ORDER`."""
    stats = (report.get("products") or {}).get(product_id) or {}
    meta = report.get("statistics") or {}
    order = {name: k for k, name in enumerate(STATISTIC_ORDER)}
    rows = []
    for name in sorted(stats, key=lambda n: (order.get(n, len(order)), n)):
        stat = stats[name]
        if not isinstance(stat, dict) or "mean" not in stat:
            continue
        info = meta.get(f"product.{name}") or {}
        unit = str(stat.get("unit") or info.get("unit") or "")
        percent = unit in ("probability", "ratio")
        fmt = (lambda v: format_percent(mean_of(v), 1)) if percent else (
            lambda v: format_number(mean_of(v)))
        rows.append(StatisticRow(
            name=name.replace("_", " "),
            value=format_estimate(stat, percent=percent, digits=1),
            p50=fmt(stat.get("p50")), p90=fmt(stat.get("p90")), p95=fmt(stat.get("p95")),
            unit="share" if percent else unit,
            description=str(info.get("description") or "")))
    return rows


@dataclass(frozen=True)
class ExposureRow:
    """TTS against TTR of one supplier or region, as text."""

    id: str
    name: str
    region: str
    tts: str
    ttr: str
    margin: str
    at_risk: bool
    pi: str
    rei: str
    single_point_of_failure_for: str


def exposure_rows(report: dict, block: str) -> list[ExposureRow]:
    """Rows of ``report[block]`` (``suppliers`` or ``regions``): at risk first, then by margin, then id."""
    entries = report.get(block) or {}
    kind = "suppliers" if block == "suppliers" else "regions"
    rows = []
    for item_id in sorted(entries):
        entry = entries[item_id] or {}
        tts, ttr = mean_of(entry.get("tts")), mean_of(entry.get("ttr"))
        unbounded = tts is None and entry.get("tts_unbounded") is True
        margin = None if tts is None or ttr is None else tts - ttr
        at_risk = is_at_risk(entry)
        rows.append((
            (not at_risk, math.inf if margin is None else margin, item_id),
            ExposureRow(
                id=item_id, name=display_name(report, kind, item_id),
                region=str(entry.get("region") or ""),
                tts="unbounded" if unbounded else format_number(tts),
                ttr=format_number(ttr), margin=format_number(margin),
                at_risk=at_risk,
                pi=format_number(mean_of(entry.get("pi"))),
                rei=format_number(mean_of(entry.get("rei"))),
                single_point_of_failure_for=", ".join(
                    str(p) for p in entry.get("single_point_of_failure_for") or []))))
    return [row for _, row in sorted(rows, key=lambda r: r[0])]


def is_at_risk(entry: dict) -> bool:
    """The analysis's ``at_risk`` flag (TTS < TTR within its tolerance); else ``tts < ttr``."""
    flag = entry.get("at_risk")
    if isinstance(flag, bool):
        return flag
    tts, ttr = mean_of(entry.get("tts")), mean_of(entry.get("ttr"))
    return tts is not None and ttr is not None and tts < ttr


@dataclass(frozen=True)
class AlternateRow:
    """One entry of ``alternates`` (or of the option tables) as text, in the report's order.

    ``significant`` is ``yes``, ``no`` or a dash when the report does not
    say; ``why`` is the report's one-sentence explanation (docs/counterfactuals.md).
    """

    rank: int
    supplier: str
    part: str
    backorder_units_avoided: str
    fill_rate_gain: str
    lost_revenue_avoided: str = MISSING
    significant: str = MISSING
    why: str = ""
    label: str = ""
    per_extra_unit: str = MISSING


def _yes_no(value: Any) -> str:
    return MISSING if not isinstance(value, bool) else ("yes" if value else "no")


def _option_label(entry: dict) -> str:
    """What a row of an option table changes, in words."""
    if entry.get("extra_stock"):
        items = entry["extra_stock"].get("items") or {}
        held = ", ".join(f"{format_number(units)} {item}" for item, units in sorted(items.items()))
        return f"hold {held} more (against {entry.get('supplier', MISSING)})"
    if entry.get("change") is not None:
        target = entry.get("target") or {}
        subject = " ".join(f"{kind} {ident}" for kind, ident in sorted(target.items()))
        change = ", ".join(f"{key} {describe_value(value)}"
                           for key, value in sorted(entry["change"].items()))
        return f"{entry.get('id', MISSING)}: {subject}: {change}"
    parts = entry.get("parts") or [entry.get("part")]
    return f"qualify {entry.get('supplier', MISSING)} for {', '.join(str(p) for p in parts)}"


def _row(rank: int, entry: dict) -> AlternateRow:
    per_unit = entry.get("backorder_units_avoided_per_extra_unit")
    return AlternateRow(
        rank=rank, supplier=str(entry.get("supplier") or MISSING),
        part=str(entry.get("part") or MISSING),
        backorder_units_avoided=format_estimate(entry.get("backorder_units_avoided")),
        fill_rate_gain=_points(entry.get("fill_rate_gain")),
        lost_revenue_avoided=format_estimate(entry.get("lost_revenue_avoided")),
        significant=_yes_no(entry.get("significant")),
        why=str(entry.get("why") or ""),
        label=_option_label(entry),
        per_extra_unit=format_number(per_unit, 2) if isinstance(per_unit, (int, float)) else MISSING)


def alternate_rows(report: dict, section: str = "alternates") -> list[AlternateRow]:
    """A ranked table: ``alternates`` or an option table (``candidates``,
    ``stock_what_ifs``, ``what_ifs``). The report's order is kept: it is already best first."""
    entries = [e for e in report.get(section) or [] if isinstance(e, dict)]
    return [_row(rank, entry) for rank, entry in enumerate(entries, start=1)]


def option_rows(report: dict) -> list[tuple[str, list[AlternateRow]]]:
    """``(title, rows)`` of each non-empty option table: candidates, extra stock, what-ifs."""
    tables = (("Candidate suppliers", "candidates"),
              ("Extra stock where TTS is below TTR", "stock_what_ifs"),
              ("What-ifs of the scenario", "what_ifs"))
    out = []
    for title, section in tables:
        rows = alternate_rows(report, section)
        if rows:
            out.append((title, rows))
    return out


def _points(statistic: Any) -> str:
    """A fill-rate difference in percentage points, with its interval when known."""
    mean = mean_of(statistic)
    if mean is None:
        return MISSING
    low, high = ci_of(statistic)
    text = f"{100 * mean:+.1f} pp"
    if low is not None and high is not None:
        text += f" [{100 * low:+.1f}, {100 * high:+.1f}]"
    return text


#: parameters of distributions and policies in the order people read them
#: (the file is sorted alphabetically); others follow alphabetically.
PARAMETER_ORDER = ("min", "mode", "max", "mean", "sd", "values", "weights",
                   "level", "point", "quantity", "review_period")


def describe_value(value: Any) -> str:
    """A number or a distribution mapping of a scenario file, in words.

    >>> describe_value(30), describe_value({"dist": "uniform", "min": 20, "max": 40}), describe_value(None)
    ('30', 'uniform (min 20, max 40)', '–')
    """
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return format_number(float(value), digits=2)
    if isinstance(value, dict):
        name = value.get("dist") or value.get("type") or value.get("kind")
        keys = sorted((k for k in value if k not in ("dist", "type", "kind")),
                      key=lambda k: (PARAMETER_ORDER.index(k) if k in PARAMETER_ORDER
                                     else len(PARAMETER_ORDER), k))
        params = ", ".join(f"{k} {describe_value(value[k])}" for k in keys)
        return f"{name} ({params})" if name else params
    if isinstance(value, (list, tuple)):
        return ", ".join(describe_value(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class DisruptionRow:
    """One disruption of the scenario, as text."""

    id: str
    kind: str
    target: str
    at: str
    duration: str
    chance: str
    effect: str


#: keys of a disruption that change what happens, shown as its effect.
EFFECT_KEYS = ("lead_time_factor", "capacity_factor", "factor")


def disruption_rows(report: dict) -> list[DisruptionRow]:
    """The scenario's disruptions in file order (``scenario.disruptions``)."""
    rows = []
    for entry in report.get("scenario", {}).get("disruptions") or []:
        if not isinstance(entry, dict):
            continue
        target = entry.get("target")
        if isinstance(target, dict):
            target = ", ".join(f"{k} {v}" for k, v in sorted(target.items()))
        if entry.get("rate") is not None:
            unit = report["scenario"].get("time_unit") or "time unit"
            chance = f"rate {describe_value(entry['rate'])} per {unit}"
        else:
            chance = format_percent(mean_of(entry.get("probability", 1.0)))
        effect = ", ".join(f"{k.replace('_', ' ')} {describe_value(entry[k])}"
                           for k in EFFECT_KEYS if entry.get(k) not in (None, 1, 1.0))
        rows.append(DisruptionRow(
            id=str(entry.get("id") or MISSING), kind=str(entry.get("kind") or MISSING),
            target=str(target or MISSING),
            at=describe_value(entry["at"]) if entry.get("at") is not None else "random",
            duration=(describe_value(entry["duration"]) if entry.get("duration") is not None
                      else "the supplier's TTR"),
            chance=chance, effect=effect or MISSING))
    return rows


def policy_rows(report: dict) -> list[tuple[str, str, str, str]]:
    """``(item, kind, policy, initial stock)`` of every part and product in the ``network`` block."""
    rows = []
    for kind in ("parts", "products"):
        for item_id, entry in sorted(network_items(report, kind).items()):
            policy = entry.get("policy")
            text = describe_value(policy) if policy else "no replenishment"
            rows.append((item_id, kind[:-1], text, describe_value(entry.get("stock"))))
    return rows


def scenario_facts(report: dict) -> list[tuple[str, str]]:
    """``(label, value)`` pairs describing what was run."""
    scenario = report.get("scenario") or {}
    unit = scenario.get("time_unit") or "time unit"
    facts = [("scenario", scenario.get("name")), ("network", scenario.get("network"))]
    if scenario.get("horizon") is not None:
        facts.append(("horizon", f"{describe_value(scenario['horizon'])} {unit}s"))
    if scenario.get("warmup") is not None:
        facts.append(("warm-up (not counted)", f"{describe_value(scenario['warmup'])} {unit}s"))
    facts += [("replications", scenario.get("replications")), ("seed", scenario.get("seed")),
              ("alternates", scenario.get("alternates"))]
    for role, record in sorted((scenario.get("files") or {}).items()):
        if isinstance(record, dict):
            facts.append((f"{role} file", f"{record.get('name')} (sha256 {record.get('sha256')})"))
    facts.append(("riskmap version", scenario.get("riskmap_version")))
    facts.append(("report format", report.get("format")))
    return [(label, str(value)) for label, value in facts if value is not None]


def reproduce_command(report: dict) -> str:
    """The command that reproduces the report: ``scenario.command`` or one built from the file name.

    >>> reproduce_command({"scenario": {"seed": 7, "replications": 50,
    ...                                  "files": {"scenario": {"name": "s.yaml"}}}})
    'riskmap run s.yaml --seed 7 --replications 50'
    """
    scenario = report.get("scenario") or {}
    if scenario.get("command"):
        return str(scenario["command"])
    record = (scenario.get("files") or {}).get("scenario") or {}
    name = record.get("name") or "SCENARIO.yaml"
    command = f"riskmap run {name}"
    if scenario.get("seed") is not None:
        command += f" --seed {scenario['seed']}"
    if scenario.get("replications") is not None:
        command += f" --replications {scenario['replications']}"
    if scenario.get("alternates") == "off":
        command += "  # with alternates: off in the scenario"
    return command


def report_sections(report: dict) -> dict:
    """Everything the Markdown and HTML templates print, as text and rows.

    Keys: ``title``, ``time_unit``, ``summary`` (:class:`ProductSummary`),
    ``has_money``, ``suppliers`` and ``regions`` (:class:`ExposureRow`),
    ``products`` (``{id, name, sentence, statistics}``), ``alternates``
    (:class:`AlternateRow`), ``options`` (``(title, rows)`` of the candidate,
    stock and what-if tables), ``disruptions`` (:class:`DisruptionRow`),
    ``policies``, ``facts``, ``command``.
    """
    scenario = report.get("scenario") or {}
    summary = summarize_products(report)
    return {
        "title": str(scenario.get("name") or "riskmap report"),
        "time_unit": str(scenario.get("time_unit") or "time unit"),
        "summary": summary,
        "has_money": any(r.revenue_at_risk is not None or r.margin_at_risk is not None
                         for r in summary),
        "suppliers": exposure_rows(report, "suppliers"),
        "regions": exposure_rows(report, "regions"),
        "products": [{"id": r.id, "name": r.name, "sentence": r.sentence,
                      "statistics": statistic_rows(report, r.id)} for r in summary],
        "alternates": alternate_rows(report),
        "options": option_rows(report),
        "disruptions": disruption_rows(report),
        "policies": policy_rows(report),
        "facts": scenario_facts(report),
        "command": reproduce_command(report),
    }
