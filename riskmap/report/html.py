"""``report.html``: the report as one self-contained page for risk reviewers.

The page opens anywhere offline: the stylesheet is inline, every chart is
inline SVG, and a Content-Security-Policy forbids scripts and any network
request. It prints cleanly (each product starts a page; navigation is
hidden).

Escaping: the Jinja2 environment autoescapes every value; only the SVG
charts (matplotlib escapes the text it writes) and the stylesheet are marked
safe. A product named ``<script>…</script>`` shows as text.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from riskmap.report import plots
from riskmap.report.json import write_atomic
from riskmap.report.ranking import (format_money, format_number, format_percent,
                                    report_sections)

FILENAME = "report.html"


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the HTML template (autoescaping on)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("riskmap.report", "templates"),
        autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def stylesheet() -> str:
    """The report's CSS (``templates/report.css``)."""
    return resources.files("riskmap.report").joinpath("templates/report.css").read_text("utf-8")


def render(report: dict, charts: plots.Charts | None = None) -> str:
    """The HTML text of ``report``."""
    charts = plots.draw_all(report) if charts is None else charts
    sections = report_sections(report)
    scenario = report.get("scenario") or {}
    template = environment().get_template("report.html.j2")
    return template.render(
        s=sections, charts=charts, css=Markup(stylesheet()),
        replications=scenario.get("replications"), seed=scenario.get("seed"),
        version=scenario.get("riskmap_version") or "", format=report.get("format"),
        omitted=len(charts.fans) < len(sections["products"]),
        pct=format_percent, num=format_number, money=format_money,
        svg=lambda chart: Markup(chart.inline_svg))


def write(report: dict, directory: Path) -> Path:
    """Write ``report.html`` into ``directory`` atomically; return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return write_atomic(directory / FILENAME, render(report))
