"""``report.html``: the report as one self-contained page for risk reviewers.

The page opens anywhere offline: the stylesheet is inline, every chart is
inline SVG, and a Content-Security-Policy forbids any network request and
every script but riskmap's own few lines that sort and filter the tables
(``templates/report.js``, allowed by its SHA-256 hash; without it the
tables are plain tables). It prints cleanly (each product starts a page; navigation is
hidden).

Escaping: the Jinja2 environment autoescapes every value; only the SVG
charts (whose text :mod:`riskmap.report.charts.canvas` escapes), the
stylesheet and the table script are marked safe. A product named
``<script>…</script>`` shows as text, in an attribute
(``"`` and ``'`` escaped too) as in the page; control and bidi characters
show as ``\\x1b``, ``\\u202e`` (:func:`riskmap.escape.terminal`), so a name
cannot reorder the text around it.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any, Optional

import jinja2
from markupsafe import Markup

from riskmap.escape import terminal
from riskmap.report import charts as report_charts
from riskmap.report import text
from riskmap.report.content import Report
from riskmap.output.atomic import write_atomic
from riskmap.report.views import report_sections

FILENAME = "report.html"


def _finalize(value: Any) -> Any:
    """What the template prints of ``value``: safe markup as is, text with control and bidi
    characters shown as escapes (autoescaping then escapes ``<``, ``&`` and quotes)."""
    if isinstance(value, Markup):
        return value
    return terminal(value, keep="\n\t")


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the HTML template (autoescaping on)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("riskmap.report", "templates"),
        autoescape=True, finalize=_finalize, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)


def stylesheet() -> str:
    """The report's CSS (``templates/report.css``)."""
    return resources.files("riskmap.report").joinpath("templates/report.css").read_text("utf-8")


def script() -> str:
    """The page's one script (``templates/report.js``): sorting and filtering of the tables."""
    return resources.files("riskmap.report").joinpath("templates/report.js").read_text("utf-8")


def script_hash(source: str) -> str:
    """The Content-Security-Policy source that allows the inline script ``source`` alone."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(report: Report, charts: Optional[report_charts.Charts] = None) -> str:
    """The HTML text of ``report``, its ``charts`` inline.

    ``charts`` are those :func:`~riskmap.report.charts.draw_all` draws for
    ``report``, drawn here when not given.
    """
    charts = report_charts.draw_all(report) if charts is None else charts
    sections = report_sections(report)
    info = report.scenario
    template = environment().get_template("report.html.j2")
    return template.render(
        s=sections, charts=charts, css=Markup(stylesheet()),
        script=Markup(script()), script_hash=script_hash(script()),
        replications=info.replications, seed=info.seed,
        version=info.riskmap_version or "", format=report.format,
        omitted=len(charts.fans) < len(sections.products),
        pct=text.percent, num=text.number, money=text.money,
        svg=lambda chart: Markup(chart.inline_svg))


def write(report: Report, directory: Path) -> Path:
    """Write ``report.html`` into ``directory`` atomically; return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return write_atomic(directory / FILENAME, render(report))
