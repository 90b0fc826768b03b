"""Structure of report.md and report.html, escaping, determinism and legibility."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from riskmap.dists import Constant, Uniform
from riskmap.model import Disruption, Network, Target
from riskmap.options.tables import AlternateRow, Effect, OptionTables
from riskmap.report import charts as report_charts
from riskmap.report import html, markdown
from riskmap.report.charts.fans import PRODUCT_CHART_LIMIT, disruption_windows
from riskmap.report.charts.survival import survival_chart
from riskmap.report.content import Report, RunInfo
from riskmap.stats import Estimate
from tests.test_report_support import ROOT, synthetic_report, tutorial_report

pytestmark = pytest.mark.hand

HOSTILE = '<script>document.title="PWNED"</script>'
HOSTILE_IMG = "<img src=x onerror=alert(1)>|*x*"

SECTION_IDS = ["summary", "risk-map", "survival", "risk-matrix", "products", "alternates",
               "assumptions"]
MD_HEADINGS = ["# Risk report: ", "## Summary", "## Risk map",
               "## Time to survive and time to recover", "## Supplier risk matrix",
               "## Products",
               "## Alternates and stocks that help", "## Scenario and assumptions"]


class Outline(HTMLParser):
    """Tags, section ids, table rows and text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.sections: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
        if tag == "section":
            ident = dict(attrs).get("id", "")
            if not ident.startswith("product-"):
                self.sections.append(ident)

    def handle_data(self, data):
        self.text.append(data)


def outline(text: str) -> Outline:
    parser = Outline()
    parser.feed(text)
    return parser


@pytest.fixture(scope="module")
def tutorial():
    return tutorial_report()


@pytest.fixture(scope="module")
def tutorial_html(tutorial):
    return html.render(tutorial)


@pytest.fixture(scope="module")
def tutorial_md(tutorial):
    return markdown.render(tutorial)


def test_html_sections_in_reading_order(tutorial_html):
    assert outline(tutorial_html).sections == SECTION_IDS


def test_html_tables_and_pictures(tutorial_html):
    page = outline(tutorial_html)
    # summary, suppliers, product, facts, disruptions, policies
    assert page.tags.count("table") >= 5
    # risk map, TTS/TTR, risk matrix, waits and one fan chart, each inline
    assert page.tags.count("svg") == 5
    assert page.tags.count("figure") == 5
    text = "".join(page.text)
    assert "Tiny e-bike falls into backorder in 80% of the 5 simulated runs" in text
    assert "riskmap run tutorial.yaml --seed 1 --replications 5" in text
    assert "motorco-fire" in text


def own_script_removed(page_text: str) -> str:
    """The page without riskmap's one table script, which must be there exactly once."""
    own = f"<script>{html.script()}</script>"
    assert page_text.count("<script") == 1 and page_text.count(own) == 1
    return page_text.replace(own, "")


def test_html_is_self_contained(tutorial_html):
    page = outline(own_script_removed(tutorial_html))
    assert "script" not in page.tags
    assert "link" not in page.tags
    for tag, name, value in page.attrs:
        if name in ("src", "href") or (name == "xlink:href"):
            assert not re.match(r"\s*(https?:)?//", value), (tag, name, value)
    assert "@import" not in tutorial_html
    assert "Content-Security-Policy" in tutorial_html


def test_markdown_headings_tables_and_images(tutorial_md, tmp_path, tutorial):
    headings = [line for line in tutorial_md.splitlines() if line.startswith("#")]
    for expected in MD_HEADINGS:
        assert any(h.startswith(expected) for h in headings), expected
    order = [next(k for k, h in enumerate(headings) if h.startswith(e)) for e in MD_HEADINGS]
    assert order == sorted(order)
    assert "| 1 | Tiny e-bike | 80% | 52.8 | 96.0% |" in tutorial_md
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", tutorial_md)
    assert images == ["report-figures/risk-map.svg", "report-figures/tts-ttr.svg",
                      "report-figures/risk-matrix.svg", "report-figures/waits.svg",
                      "report-figures/fan-01-ebike.svg"]
    path = markdown.write(tutorial, tmp_path)
    assert path == tmp_path / "report.md"
    for image in images:
        assert (tmp_path / image).read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_markdown_tables_are_well_formed(tutorial_md):
    lines = tutorial_md.splitlines()
    for k, line in enumerate(lines):
        if re.fullmatch(r"\|(-+:?|-*:?-+:?|)\|.*", line) and set(line) <= set("|-: "):
            header = lines[k - 1]
            cells = len(re.findall(r"(?<!\\)\|", header))
            row = k + 1
            while row < len(lines) and lines[row].startswith("|"):
                assert len(re.findall(r"(?<!\\)\|", lines[row])) == cells, lines[row]
                row += 1


def test_user_strings_are_escaped_in_html():
    report = synthetic_report([HOSTILE, HOSTILE_IMG, "plain"], title=HOSTILE, disruption=HOSTILE)
    page_text = own_script_removed(html.render(report))
    page = outline(page_text)
    assert "script" not in page.tags and "img" not in page.tags
    assert HOSTILE not in page_text and HOSTILE_IMG not in page_text
    assert "&lt;script&gt;document.title=&#34;PWNED&#34;&lt;/script&gt;" in page_text
    assert HOSTILE in "".join(page.text)  # shown to the reader as text


def test_user_strings_are_escaped_in_markdown():
    report = synthetic_report([HOSTILE, HOSTILE_IMG, "plain"], title=HOSTILE)
    text = markdown.render(report)
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    # the pipe inside a name is escaped, so every summary row keeps its cell count
    rows = [line for line in text.splitlines() if line.startswith("| ") and "simulated" not in line]
    assert any("&lt;img src=x onerror=alert(1)&gt;\\|\\*x\\*" in row for row in rows)


def test_code_block_cannot_be_closed_by_the_command():
    block = str(markdown.code_block("riskmap run ```evil```.yaml", "sh"))
    assert block.startswith("````sh\n") and block.endswith("\n````")


def test_same_report_gives_the_same_bytes(tutorial):
    assert html.render(tutorial) == html.render(tutorial)
    assert markdown.render(tutorial) == markdown.render(tutorial)


def test_bytes_do_not_depend_on_the_hash_seed(tmp_path):
    """Rendering in two interpreters with different PYTHONHASHSEED gives identical files."""
    script = ("import json,sys; from riskmap.report import html, markdown;"
              "from tests.test_report_support import synthetic_report as s;"
              "r=s(['b','a']); d=sys.argv[1];"
              "html.write(r,d); markdown.write(r,d)")
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, cwd=ROOT, env=env)
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*"))
                        if p.is_file()})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) >= 5


def test_svg_has_no_date_and_ids_differ_between_charts(tutorial):
    charts = report_charts.draw_all(tutorial).all()
    for chart in charts:
        assert "<dc:date>" not in chart.svg
    ids = [set(re.findall(r'id="([^"]+)"', c.inline_svg)) for c in charts]
    for k in range(len(ids)):
        for j in range(k + 1, len(ids)):
            assert not (ids[k] & ids[j]), (charts[k].name, charts[j].name, ids[k] & ids[j])


def test_fifty_products_stay_legible():
    names = [f"product-{k:02d}" for k in range(50)]
    report = synthetic_report(names, suppliers=40)
    charts = report_charts.draw_all(report)
    assert len(charts.fans) == PRODUCT_CHART_LIMIT
    assert list(charts.fans) == names[:PRODUCT_CHART_LIMIT]  # the riskiest
    text = markdown.render(report, charts)
    assert "Charts are drawn for the 12 riskiest products; the tables cover the 25 riskiest." in text
    # every statistic for the 25 riskiest (views.PRODUCT_DETAIL_LIMIT); report.json has all
    assert text.count("\n### ") == 25
    assert "25 more are left out here (report.json has every product)" in text
    # bar charts grow with their rows instead of squeezing them
    small = survival_chart(synthetic_report(["a"], suppliers=3))
    large = survival_chart(report)
    assert _svg_height(large) > 5 * _svg_height(small)


def _svg_height(chart) -> float:
    return float(re.search(r'height="([\d.]+)pt"', chart.svg).group(1))


def test_empty_alternates_say_so_in_one_sentence(tutorial_md):
    assert ("No alternate source or stock was evaluated in this run, so none is ranked."
            in tutorial_md)


def test_alternates_table_and_chart_when_present(tutorial):
    units = Estimate(40.0, (30.0, 50.0), 5, "units")
    gain = Estimate(0.03, (0.02, 0.04), 5, "ratio")
    effect = Effect(units, gain, {}, None, (None, None))
    lane = AlternateRow("motoralt", "motor", None, ("ebike",), ("motorco",), (), effect, "",
                        effect)
    report = dataclasses.replace(tutorial, options=OptionTables(alternates=(lane,)))
    text = markdown.render(report)
    assert "| 1 | motoralt | motor | 40 \\[30, 50\\] | +3.0 pp \\[+2.0, +4.0\\] |" in text
    assert "report-figures/alternates.svg" in text
    assert outline(html.render(report)).tags.count("svg") == 6


def _with_ebike_statistics(report: Report, **changed) -> Report:
    """``report`` with the e-bike's statistics changed (``None`` removes one)."""
    stats = {**report.products["ebike"], **changed}
    stats = {name: e for name, e in stats.items() if e is not None}
    return dataclasses.replace(report, products={**report.products, "ebike": stats})


def test_customer_metrics_render_only_when_present(tutorial):
    assert "eta kept" not in markdown.render(_with_ebike_statistics(tutorial, eta_kept=None))
    kept = Estimate(0.75, (0.7, 0.8), 5, "ratio", has_percentiles=False)
    assert "| eta kept | 75.0% \\[70.0%, 80.0%\\] |" in \
        markdown.render(_with_ebike_statistics(tutorial, eta_kept=kept))


def test_minimal_report_renders():
    """Only the guaranteed keys: every section still renders and says what is missing."""
    report = Report.from_dict({"format": 1, "scenario": {"name": "bare", "seed": 1,
                                                         "replications": 2, "horizon": 10},
                               "products": {}, "suppliers": {}, "alternates": []})
    text = markdown.render(report)
    assert "The report holds no products." in text
    assert outline(html.render(report)).sections == SECTION_IDS


def test_disruption_windows_from_fixed_starts():
    def outage(ident, at=None, duration=None):
        return Disruption(ident, "outage", Target("supplier", "s"), at=at, duration=duration)

    report = Report(RunInfo(disruptions=(
        outage("b", Constant(30), Uniform(5, 15)), outage("a", Constant(10), Constant(4)),
        outage("random-start", duration=Constant(4)), outage("ttr", at=Constant(3)),
        outage("uncertain-start", Uniform(1, 2), Constant(4)))), Network("n"), {})
    assert disruption_windows(report) == [("a", 10, 14, 14), ("b", 30, 35, 45)]
