"""The renderings of ``riskmap optimize``: report.md, report.html and the frontier chart.

Both lead with the verdict (whether the plan meets every target on fresh
replications, at what cost against today's), then the targets with how sure
the plan is of each, what changed per item and why, and the cost against
service frontier (:mod:`riskmap.report.charts.frontier`). User strings pass
through :func:`riskmap.escape.markdown` in report.md; report.html is a
Jinja2 template with autoescaping and the Content-Security-Policy of
report.html (no network, no script).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from riskmap.escape import markdown, markdown_code, terminal
from riskmap.load.dump import policy_record
from riskmap.output.atomic import write_atomic
from riskmap.report import text
from riskmap.report.charts.frontier import frontier_chart

#: the chart's file beside report.md.
FRONTIER_FILE = "frontier.svg"


def policy_text(policy) -> str:
    """``base_stock level 12``, ``min_max min 5 max 20``, with ``every N`` for periodic review."""
    record = policy_record(policy)
    parts = [record.pop("type")]
    review = record.pop("review_period", None)
    parts += [f"{k} {v}" for k, v in record.items()]
    if review is not None:
        parts.append(f"every {review:g}")
    return " ".join(parts)


def _figure(estimate, unit: str = "") -> str:
    if estimate is None or estimate.mean is None:
        return text.MISSING
    low, high = estimate.ci95
    if unit == "ratio":
        shown = f"{estimate.mean:.3f}"
        ci = "" if low is None else f" [{low:.3f}, {high:.3f}]"
    else:
        shown = f"{estimate.mean:,.2f}"
        ci = "" if low is None else f" [{low:,.2f}, {high:,.2f}]"
    return shown + ci


def verdict(p) -> str:
    """One sentence: met or not, and the cost against today's."""
    change = ""
    if p.cost.mean is not None and p.today_cost.mean is not None:
        delta = p.cost.mean - p.today_cost.mean
        change = (f"; expected cost {p.cost.mean:,.2f} against {p.today_cost.mean:,.2f} today "
                  f"({'+' if delta >= 0 else '-'}{abs(delta):,.2f})")
    if not p.targets:
        head = "Least-cost plan found (no service target)"
    elif p.met:
        head = "The plan meets every target on fresh replications"
    else:
        head = "No plan found that meets every target"
    return head + change + "."


def target_rows(p) -> list[dict]:
    rows = []
    for t in p.targets:
        bound = ">=" if t.target.bound == "min" else "<="
        conf = t.confidence
        rows.append({"product": t.target.product, "metric": t.target.metric,
                     "target": f"{bound} {t.target.value:g}",
                     "value": _figure(t.value, t.value.unit if t.value else ""),
                     "met": "met" if t.met else "**missed**",
                     "sure": text.MISSING if conf is None else text.percent(conf, 1)})
    return rows


def item_rows(p) -> list[dict]:
    return [{"item": i.id, "today": policy_text(i.today), "plan": policy_text(i.policy),
             "stock": f"{i.today_stock} → {i.stock}", "why": "; ".join(i.why),
             "changed": i.changed}
            for i in sorted(p.items, key=lambda i: (not i.changed, i.id))]


def render_markdown(p) -> str:
    """report.md of a prescription."""
    esc = markdown
    s = p.search
    lines = [f"# riskmap optimize: {esc(p.scenario.name)}", "", f"**{esc(verdict(p))}**", "",
             f"Cost is the expected holding + backorder + lost-sale cost over the statistics "
             f"window (docs/optimize.md), in money; the plan's and today's are measured on "
             f"{s['verify']['replications']} fresh replications (seed {s['verify']['seed']}), "
             f"which the search never saw. Holding part of the plan's cost: "
             f"{_figure(p.holding)}.", ""]
    if p.targets:
        lines += ["## Targets", "",
                  "A target is met when the bad end of its 95 % interval on the fresh "
                  "replications satisfies it; *sure* is the one-sided confidence that the "
                  "true mean does.", "",
                  "| product | metric | target | plan: mean [95 % CI] | | sure |",
                  "|---|---|---|--:|---|--:|"]
        for r in target_rows(p):
            lines.append(f"| {esc(r['product'])} | {r['metric']} | {esc(r['target'])} "
                         f"| {r['value']} | {r['met']} | {r['sure']} |")
        lines.append("")
    lines += ["## What changed per item, and why", "",
              "| item | today | plan | initial stock | why |", "|---|---|---|---|---|"]
    for r in item_rows(p):
        lines.append(f"| {esc(r['item'])} | {esc(r['today'])} | {esc(r['plan'])} "
                     f"| {esc(r['stock'])} | {esc(r['why'])} |")
    lines += ["", "## Cost against service", ""]
    if frontier_chart(p) is not None:
        lines += [f"![Cost against service frontier]({FRONTIER_FILE})", ""]
    lines += [f"{p.evaluations} plans evaluated on {s['replications']} replications each "
              f"(seed {s['seed']}, common random numbers); started from "
              f"{esc(s['start'])}; the search {esc(_stopped(s['stopped']))}. Service is the "
              "worst mean fill rate of the products the targets name (of every product "
              "without a fill-rate target).", "",
              "| expected cost | service | meets the targets |", "|--:|--:|---|"]
    for point in p.frontier:
        if point.on_frontier:
            lines.append(f"| {point.cost:,.2f} | {text.MISSING if point.service is None else f'{point.service:.3f}'} "
                         f"| {'yes' if point.meets else 'no'} |")
    lines += ["", f"Scenario: {markdown_code(p.scenario.file)}. The plan as a scenario: "
                  "`optimized.yaml`; every figure: `optimize.json`."]
    return "\n".join(lines) + "\n"


def _stopped(reason: str) -> str:
    return {"converged": "converged (no single move lowers the cost with steps of 1)",
            "budget": "stopped at its evaluation budget",
            "no raise helps": "found no raise that helps the missed targets"}.get(reason, reason)


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    return terminal(value, keep="\n\t")


def render_html(p) -> str:
    """report.html: the same content as report.md, one self-contained page."""
    from riskmap.report.html import stylesheet

    env = jinja2.Environment(loader=jinja2.PackageLoader("riskmap.report", "templates"),
                             autoescape=True, finalize=_finalize, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    chart = frontier_chart(p)
    frontier_rows = [{"cost": f"{q.cost:,.2f}",
                      "service": text.MISSING if q.service is None else f"{q.service:.3f}",
                      "meets": "yes" if q.meets else "no"} for q in p.frontier if q.on_frontier]
    targets = [dict(r, met=r["met"].strip("*")) for r in target_rows(p)]
    return env.get_template("optimize.html.j2").render(
        p=p, verdict=verdict(p), targets=targets, items=item_rows(p),
        chart=Markup(chart.inline_svg) if chart is not None else None,
        frontier=frontier_rows, stopped=_stopped(p.search["stopped"]),
        holding=_figure(p.holding), css=Markup(stylesheet()))


def write(p, directory: Path) -> list[Path]:
    """Write report.md, report.html (and frontier.svg when there is a chart) into ``directory``."""
    directory = Path(directory)
    paths = []
    chart = frontier_chart(p)
    if chart is not None:
        paths.append(write_atomic(directory / FRONTIER_FILE, chart.svg))
    paths.append(write_atomic(directory / "report.md", render_markdown(p)))
    paths.append(write_atomic(directory / "report.html", render_html(p)))
    return paths
