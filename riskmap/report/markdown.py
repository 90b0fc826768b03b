"""``report.md``: the report as GitHub-flavoured Markdown, for pull requests and wikis.

The charts are SVG files in ``report-figures/`` beside ``report.md``, linked
by relative paths (GitHub does not show images embedded as data URIs).
Commit or copy the folder with the file.

Escaping: every value printed by the template passes through
:func:`escape` (the Jinja2 environment's ``finalize`` hook) unless the code
marks it safe, so a product named ``<script>`` or ``a|b`` shows as text and
cannot break a table. HTML special characters become entities, which GitHub
renders as the characters themselves.

Regenerating the golden file of the tests: see ``docs/reports.md``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from riskmap.report import plots
from riskmap.report.json import write_atomic
from riskmap.report.ranking import (format_money, format_number, format_percent,
                                    report_sections)

FILENAME = "report.md"
#: folder of the chart files, relative to report.md.
FIGURES = "report-figures"

#: characters with a meaning in Markdown inline text or tables.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def escape(value: Any) -> str:
    """``value`` as literal Markdown text: one line, HTML entities, special characters backslashed.

    >>> escape("<script>alert(1)</script> a|b *c*")
    '&lt;script&gt;alert(1)&lt;/script&gt; a\\\\|b \\\\*c\\\\*'
    """
    if isinstance(value, Markup):
        return str(value)
    text = " ".join(str(value).split())  # a newline would end a table row
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code_block(text: str, language: str = "") -> Markup:
    """A fenced code block longer than any run of backticks in ``text``, so it cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}{language}\n{text}\n{fence}")


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the Markdown template (escaping by default)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("riskmap.report", "templates"),
        autoescape=False, finalize=escape, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)


def render(report: dict, charts: plots.Charts | None = None) -> str:
    """The Markdown text of ``report`` (chart links point into :data:`FIGURES`)."""
    charts = plots.draw_all(report) if charts is None else charts
    sections = report_sections(report)
    template = environment().get_template("report.md.j2")
    text = template.render(
        s=sections, charts=charts, replications=report.get("scenario", {}).get("replications"),
        omitted=len(charts.fans) < len(sections["products"]),
        pct=format_percent, num=format_number, money=format_money, code_block=code_block,
        figure=lambda chart: Markup(f"{FIGURES}/{chart.name}.svg"))
    # blank lines collapse to one: templates stay readable without exact whitespace control
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def write(report: dict, directory: Path) -> Path:
    """Write ``report.md`` and its charts into ``directory``; return the path of ``report.md``.

    Every file is written atomically; charts of an earlier report that this
    one does not have are removed, so the folder matches the text.
    """
    directory = Path(directory)
    figures = directory / FIGURES
    figures.mkdir(parents=True, exist_ok=True)
    charts = plots.draw_all(report)
    names = set()
    for chart in charts.all():
        names.add(f"{chart.name}.svg")
        write_atomic(figures / f"{chart.name}.svg", chart.svg)
    for stale in sorted(figures.glob("*.svg")):
        if stale.name not in names:
            stale.unlink()
    return write_atomic(directory / FILENAME, render(report, charts))
