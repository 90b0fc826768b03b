"""The renderings of a comparison: the terminal table, compare.md and compare.html.

compare.md leads with a one-screen summary (the verdict, how the intervals
were formed, the headline figures per product, what changed in the inputs):
it is meant to be posted as a pull-request comment. Every user string passes
through :func:`riskmap.escape.markdown` there, through
:func:`riskmap.escape.terminal` in the table, and compare.html is a Jinja2
template with autoescaping and the Content-Security-Policy of report.html
(no network, and here no script at all).

The set ``compare.json``, ``compare.md``, ``compare.html`` (:data:`COMPARE_SET`)
is written as one by :mod:`riskmap.report.publish`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from riskmap.compare import Comparison
from riskmap.compare.figures import Change
from riskmap.escape import markdown, markdown_code, terminal
from riskmap.output.atomic import write_atomic
from riskmap.report import text

#: the members of the set ``riskmap compare`` writes.
COMPARE_SET = ("compare.json", "compare.md", "compare.html")

#: the figures of the one-screen summary, in order.
HEADLINE = ("fill_rate", "backorder_probability", "backorder_units", "lost_units", "wait")


@dataclass(frozen=True)
class Row:
    """One figure of one product, formatted."""

    product: str
    metric: str
    base: str
    head: str
    change: str
    ci95: str
    distinguishable: bool
    worse: bool


def _value(value, unit: str) -> str:
    if value is None:
        return text.MISSING
    if unit in ("ratio", "probability"):
        return text.percent(value, 1)
    return text.compact(value)


def _signed(value, unit: str) -> str:
    if value is None:
        return text.MISSING
    if unit in ("ratio", "probability"):
        return f"{text.points(value)} pts"
    shown = text.compact(value)
    return shown if shown.startswith("-") else f"+{shown}"


def _interval(change: Change) -> str:
    low, high = change.ci95
    if low is None or high is None:
        return "[–]"
    return f"[{_signed(low, change.unit)}, {_signed(high, change.unit)}]"


def rows(comparison: Comparison, headline_only: bool = False) -> list[Row]:
    """Per product (sorted), its distinguishable changes first, then the others.

    With ``headline_only``, the figures of :data:`HEADLINE` and the other
    distinguishable ones.
    """
    worse = comparison.worse()
    out: list[Row] = []
    for product in sorted(comparison.products):
        changes = comparison.products[product]
        names = sorted(changes, key=lambda n: (not changes[n].distinguishable,
                                               HEADLINE.index(n) if n in HEADLINE else len(HEADLINE),
                                               n))
        for name in names:
            change = changes[name]
            if headline_only and name not in HEADLINE and not change.distinguishable:
                continue
            out.append(Row(product, name, _value(change.base, change.unit),
                           _value(change.head, change.unit), _signed(change.mean, change.unit),
                           _interval(change), change.distinguishable,
                           name in worse.get(product, {})))
    return out


def verdict(comparison: Comparison) -> str:
    """One sentence: worse or not, by the rule of ``--tolerance``."""
    worse = comparison.worse()
    rule = ("any distinguishable worsening of fill rate or backorder probability"
            if comparison.tolerance == 0 else
            f"a distinguishable worsening of fill rate or backorder probability by more than "
            f"{comparison.tolerance:g}")
    if worse:
        return f"worse: {', '.join(sorted(worse))} ({rule})"
    return f"not worse: no product shows {rule}"


def _mark(row: Row) -> str:
    return "worse" if row.worse else ("distinguishable" if row.distinguishable else "")


# --------------------------------------------------------------------------- terminal


def table(comparison: Comparison) -> str:
    """The terminal table: headline figures and every distinguishable change, per product."""
    shown = rows(comparison, headline_only=True)
    header = ("product", "figure", "base", "head", "change", "95% CI", "")
    cells = [header] + [(terminal(r.product), r.metric, r.base, r.head, r.change, r.ci95,
                         _mark(r)) for r in shown]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = [terminal(f"riskmap compare: {comparison.base.file} -> {comparison.head.file}"),
             ("paired" if comparison.paired else "unpaired") + f": {verdict(comparison)}"]
    lines += ["  ".join(c[i].ljust(widths[i]) for i in range(len(header))).rstrip()
              for c in cells]
    lines += _side_lines(comparison, terminal)
    return "\n".join(lines) + "\n"


def _side_lines(comparison: Comparison, escape) -> list[str]:
    out = []
    if comparison.added:
        out.append("products added: " + ", ".join(escape(p) for p in comparison.added))
    if comparison.removed:
        out.append("products removed: " + ", ".join(escape(p) for p in comparison.removed))
    if comparison.inputs:
        out.append(f"inputs changed ({len(comparison.inputs)}):")
        out += [f"- {escape(c.text())}" for c in comparison.inputs]
    elif comparison.inputs_note:
        out.append(f"inputs: {escape(comparison.inputs_note)}")
    else:
        out.append("inputs: no change in suppliers, parts, products, lanes, stocks, policies "
                   "or disruptions")
    return out


# --------------------------------------------------------------------------- compare.md

#: products the summary of compare.md shows at most (the worse first), so it fits a screen.
SUMMARY_PRODUCTS = 10


def summary_products(comparison: Comparison) -> tuple[list[str], list[str]]:
    """Products with a distinguishable change (worse first, then most changes first), and the rest."""
    worse = comparison.worse()
    counts = {p: sum(c.distinguishable for c in changes.values())
              for p, changes in comparison.products.items()}
    changed = sorted((p for p, n in counts.items() if n), key=lambda p: (p not in worse, -counts[p], p))
    return changed, sorted(p for p, n in counts.items() if not n)


def render_markdown(comparison: Comparison) -> str:
    """compare.md: the one-screen summary, then every figure of every product folded."""
    esc = markdown
    lines = [f"### riskmap compare: {esc(comparison.base.name)} → {esc(comparison.head.name)}", "",
             f"**{esc(verdict(comparison))}**", "", f"_{esc(comparison.note)}_", ""]
    changed, unchanged = summary_products(comparison)
    shown = changed[:SUMMARY_PRODUCTS]
    if shown:
        lines += ["| product | figure | base | head | change | 95 % CI | |",
                  "|---|---|--:|--:|--:|--:|---|"]
        for r in rows(comparison, headline_only=True):
            if r.product in shown:
                lines.append(f"| {esc(r.product)} | {r.metric} | {r.base} | {r.head} "
                             f"| {esc(r.change)} | {esc(r.ci95)} "
                             f"| {'**worse**' if r.worse else _mark(r)} |")
        if len(changed) > len(shown):
            lines += ["", f"{len(changed) - len(shown)} more products with a distinguishable "
                          "change: see every figure below."]
    else:
        lines.append("No figure of any product changed distinguishably.")
    if unchanged:
        names = ", ".join(esc(p) for p in unchanged[:SUMMARY_PRODUCTS])
        more = f" and {len(unchanged) - SUMMARY_PRODUCTS} more" if len(unchanged) > SUMMARY_PRODUCTS else ""
        lines += ["", f"Without a distinguishable change: {names}{more}."]
    lines += [""] + _side_lines(comparison, esc)
    lines += ["", "<details><summary>Every figure</summary>", "",
              "| product | figure | base | head | change | 95 % CI | |",
              "|---|---|--:|--:|--:|--:|---|"]
    for r in rows(comparison):
        lines.append(f"| {esc(r.product)} | {r.metric} | {r.base} | {r.head} | {esc(r.change)} "
                     f"| {esc(r.ci95)} | {_mark(r)} |")
    lines += ["", "</details>", "",
              f"Base: {markdown_code(comparison.base.file)}, head: "
              f"{markdown_code(comparison.head.file)}. "
              "Changes are head minus base; distinguishable means the 95 % interval "
              "excludes 0 (docs/compare.md)."]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- compare.html


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    return terminal(value, keep="\n\t")


def render_html(comparison: Comparison) -> str:
    """compare.html: the same content as compare.md, one self-contained page."""
    from riskmap.report.html import stylesheet

    env = jinja2.Environment(loader=jinja2.PackageLoader("riskmap.report", "templates"),
                             autoescape=True, finalize=_finalize, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("compare.html.j2").render(
        c=comparison, verdict=verdict(comparison), headline=rows(comparison, True),
        every=rows(comparison), worse=bool(comparison.worse()), css=Markup(stylesheet()))


def write(comparison: Comparison, directory: Path) -> list[Path]:
    """Write compare.json, compare.md and compare.html into ``directory``; return their paths."""
    directory = Path(directory)
    return [write_atomic(directory / "compare.json", comparison.dumps()),
            write_atomic(directory / "compare.md", render_markdown(comparison)),
            write_atomic(directory / "compare.html", render_html(comparison))]
