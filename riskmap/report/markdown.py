"""``report.md``: the report as GitHub-flavoured Markdown, for pull requests and wikis.

The charts are SVG files in ``report-figures/`` beside ``report.md``, linked
by relative paths (GitHub does not show images embedded as data URIs).
Commit or copy the folder with the file.

Escaping: every value printed by the template passes through
:func:`riskmap.report.text.markdown` (the Jinja2 environment's ``finalize``
hook) unless the code marks it safe (:class:`markupsafe.Markup`), so a
product named ``<script>`` or ``a|b`` shows as text and cannot break a
table. HTML special characters become entities, which GitHub renders as the
characters themselves.

Regenerating the golden file of the tests: see ``docs/reports.md``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import jinja2
from markupsafe import Markup

from riskmap.report import charts as report_charts
from riskmap.report import text
from riskmap.report.content import Report
from riskmap.output.atomic import write_atomic
from riskmap.report.views import report_sections

FILENAME = "report.md"
#: folder of the chart files, relative to report.md.
FIGURES = "report-figures"


def _finalize(value: Any) -> str:
    """What the template prints of ``value``: safe markup as is, anything else as literal text."""
    if isinstance(value, Markup):
        return str(value)
    return text.markdown(value)


def code_block(source: str, language: str = "") -> Markup:
    """A fenced code block, its fence longer than any run of backticks in ``source``."""
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}{language}\n{source}\n{fence}")


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the Markdown template (escaping by default)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("riskmap.report", "templates"),
        autoescape=False, finalize=_finalize, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)


def render(report: Report, charts: Optional[report_charts.Charts] = None) -> str:
    """The Markdown text of ``report``; links to its ``charts`` point into :data:`FIGURES`.

    ``charts`` are those :func:`~riskmap.report.charts.draw_all` draws for
    ``report``, drawn here when not given (:func:`write` passes the ones it wrote).
    """
    charts = report_charts.draw_all(report) if charts is None else charts
    sections = report_sections(report)
    template = environment().get_template("report.md.j2")
    rendered = template.render(
        s=sections, charts=charts, replications=report.scenario.replications,
        omitted=len(charts.fans) < len(sections.products),
        pct=text.percent, num=text.number, money=text.money, code_block=code_block,
        figure=lambda chart: Markup(f"{FIGURES}/{chart.name}.svg"))
    # blank lines collapse to one: templates stay readable without exact whitespace control
    return re.sub(r"\n{3,}", "\n\n", rendered).rstrip("\n") + "\n"


def write(report: Report, directory: Path) -> Path:
    """Write ``report.md`` and its charts into ``directory``; return the path of ``report.md``.

    Every file is written atomically; charts of an earlier report that this
    one does not have are removed, so the folder matches the text.
    """
    directory = Path(directory)
    figures = directory / FIGURES
    figures.mkdir(parents=True, exist_ok=True)
    charts = report_charts.draw_all(report)
    names = set()
    for chart in charts.all():
        names.add(f"{chart.name}.svg")
        write_atomic(figures / f"{chart.name}.svg", chart.svg)
    for stale in sorted(figures.glob("*.svg")):
        if stale.name not in names:
            stale.unlink()
    return write_atomic(directory / FILENAME, render(report, charts))
