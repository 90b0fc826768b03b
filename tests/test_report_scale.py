"""Reports of large networks stay readable: an aggregated picture, bounded tables, folded products.

And the parts of report.html that make that work: sortable, filterable tables (riskmap's one
inline script, allowed by its hash), products folded in ``<details>``, user strings escaped in
the new rows. The browser tests need Chromium and are skipped without it, like those of
tests/test_report_browser.py.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from riskmap.analysis import risk_map
from riskmap.report import charts as report_charts
from riskmap.report import html, markdown
from riskmap.report.charts.risk_map import risk_map_chart
from riskmap.report.content import SupplierFigures
from riskmap.report.views import PRODUCT_DETAIL_LIMIT, TABLE_LIMIT, report_sections
from riskmap.report.views.network import (DETAIL_LIMIT, PATH_LIMIT, groups, item_tiers,
                                          node_count)
from riskmap.testing.synthetic import synthetic_network
from tests.test_report_browser import BROWSER, browse, console_messages, needs_browser
from tests.test_report_support import synthetic_report, tutorial_report

HOSTILE = '<script>document.title="PWNED"</script>'


def large_report(products: int = 60, suppliers: int = 80, parts: int = 70):
    """A report of a synthetic network well past :data:`DETAIL_LIMIT` nodes, with its risk map."""
    network = synthetic_network(suppliers, parts, products, seed=3)
    static = risk_map(network)
    base = synthetic_report(sorted(i.id for i in network.products), suppliers=1)
    return dataclasses.replace(
        base, network=network,
        suppliers={e.id: SupplierFigures(e) for e in static.suppliers},
        regions={r.id: r for r in static.regions})


@pytest.fixture(scope="module")
def large():
    return large_report()


class Rows(HTMLParser):
    """The number of body rows of each table, and the elements opened."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[int] = []
        self.tags: list[tuple[str, dict]] = []
        self._body = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append(0)
        elif tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self.tables[-1] += 1

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._body = False


@pytest.mark.hand
def test_large_network_is_drawn_by_tier_and_region(large):
    assert node_count(large) > DETAIL_LIMIT
    chart = risk_map_chart(large)
    assert chart.alt.startswith("Risk map aggregated: ")
    # no node drawn one by one: one box per group, nothing per supplier or item
    assert chart.svg.count("<circle") == 0
    found = groups(large)
    assert chart.svg.count("<rect") == 1 + len(found)  # the background and the boxes
    assert sum(g.count for g in found) == len(large.network.suppliers) + len(large.network.items)
    # the riskiest paths are listed under the boxes, each from a supplier to a product
    sections = report_sections(large)
    assert sections.large_network and len(sections.paths) == PATH_LIMIT
    products = {i.id for i in large.network.products}
    for path in sections.paths:
        assert path.nodes[0] == path.supplier and path.nodes[-1] in products
        assert path.text in chart.svg or path.text[:20] in chart.svg


@pytest.mark.hand
def test_tiers_count_from_the_products():
    network = synthetic_network(4, 3, 2, seed=1)
    report = dataclasses.replace(synthetic_report([i.id for i in network.products]),
                                 network=network)
    tiers = item_tiers(report)
    for item in network.items:
        if item.is_product:
            assert tiers[item.id] == 0
        for component, _ in item.bom:
            assert tiers[component] <= tiers[item.id] + 1


@pytest.mark.hand
def test_small_network_is_drawn_node_by_node():
    report = tutorial_report()
    chart = risk_map_chart(report)
    assert chart.alt.startswith("Risk map: ")
    assert chart.svg.count("<circle") + 1 >= len(report.network.suppliers)


@pytest.mark.hand
def test_tables_are_bounded_and_say_what_they_leave_out(large):
    report = dataclasses.replace(large, products={
        **large.products, **{f"extra-{k:03d}": large.products[next(iter(large.products))]
                             for k in range(40)}})
    page = html.render(report)
    rows = Rows(page)
    assert rows.tables and max(rows.tables) <= TABLE_LIMIT
    assert page.count('<details class="product"') == PRODUCT_DETAIL_LIMIT
    left = len(report.products) - TABLE_LIMIT
    assert f"{left} more are left out here (report.json has every product)" in page
    assert "more are left out here (report.json has them all)" in page  # suppliers: 80 > 50
    text = markdown.render(report)
    assert text.count("\n### ") == PRODUCT_DETAIL_LIMIT
    assert f"{left} more are left out here (report.json has every product)" in text
    tables = re.findall(r"(?:^\|.*\n)+", text, re.M)
    assert tables and all(len(t.splitlines()) - 2 <= TABLE_LIMIT for t in tables)


@pytest.mark.hand
def test_products_lead_with_one_line_and_fold_their_statistics():
    report = synthetic_report(["a", "b", "c"])
    page = html.render(report)
    details = re.findall(r'<details class="product" id="product-(\d)"( open)?>\s*<summary>(.*?)'
                         r'</summary>', page, re.S)
    assert [(k, bool(o)) for k, o, _ in details] == [("1", True), ("2", False), ("3", False)]
    for _, _, summary in details:
        assert "fill rate" in summary and "P(backorder)" in summary and "worst wait" in summary
    # Markdown: the one-line table first, the full tables after it
    text = markdown.render(report)
    products = text.split("## Products", 1)[1]
    assert products.index("| product | fill rate | P(backorder) | worst wait |") < \
        products.index("### a")


@pytest.mark.hand
def test_the_page_allows_its_own_script_by_hash_and_nothing_else():
    page = html.render(synthetic_report(["a"]))
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == f"'{html.script_hash(html.script())}'"
    assert directives["default-src"] == "'none'"
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts == [("", html.script())]  # inline, no src
    assert "http" not in html.script()


@pytest.mark.hand
def test_user_strings_in_the_new_rows_are_escaped():
    report = large_report()
    # a hostile supplier id in the riskiest paths and a hostile product name in the key lines
    paths_first = report_sections(report).paths[0].supplier
    exposure = report.suppliers[paths_first].exposure
    hostile_id = HOSTILE + "|*x*"
    suppliers = dict(report.suppliers)
    suppliers[hostile_id] = SupplierFigures(dataclasses.replace(exposure, id=hostile_id))
    report = dataclasses.replace(report, suppliers=suppliers)
    products = dict(report.products)
    products[HOSTILE] = products[next(iter(products))]
    report = dataclasses.replace(report, products=products)
    page = html.render(report)
    assert HOSTILE not in page
    assert "&lt;script&gt;document.title=&#34;PWNED&#34;&lt;/script&gt;" in page
    chart = report_charts.draw_all(report).risk_map
    assert HOSTILE not in chart.svg and "&lt;script&gt;" in chart.svg
    text = markdown.render(report)
    assert "<script" not in text and "\\|\\*x\\*" in text


# ------------------------------------------------------------------ in a browser

#: appended to a copy of the page (its policy removed): clicks, types and opens, then
#: writes what it saw into the title, which --dump-dom shows.
PROBE = """<script>
(function () {
  var out = [];
  var table = document.querySelector("#summary table.sortable");
  var cells = function () {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) {
      return r.cells[1].textContent.trim(); });
  };
  out.push("before=" + cells().join(","));
  var rank = table.tHead.rows[0].cells[0];
  rank.click(); rank.click();
  out.push("rank-down=" + cells().join(","));
  var name = table.tHead.rows[0].cells[1];
  name.click();
  out.push("name-up=" + cells().join(","));
  var filter = table.parentNode.previousElementSibling;
  filter.value = "bravo";
  filter.dispatchEvent(new Event("input"));
  var shown = Array.prototype.filter.call(table.tBodies[0].rows, function (r) {
    return !r.hidden; });
  out.push("filtered=" + shown.map(function (r) { return r.cells[1].textContent.trim(); }));
  var details = document.querySelectorAll("details.product");
  var closed = details[1].getBoundingClientRect().height;
  var header = details[1].querySelector("summary").getBoundingClientRect().height;
  out.push("closed-is-summary=" + (Math.abs(closed - header) < 12));
  details[1].open = true;
  out.push("opened-grows=" + (details[1].getBoundingClientRect().height > closed + 100));
  out.push("first-open=" + details[0].open);
  document.title = out.join(";");
}());
</script>"""


@pytest.fixture(scope="module")
def probed_page(tmp_path_factory):
    report = synthetic_report(["charlie", "alpha", "bravo"])
    folder = tmp_path_factory.mktemp("probe")
    text = html.render(report)
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    page = Path(folder) / "probe.html"
    page.write_text(text.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    return page


@pytest.mark.golden
@needs_browser
def test_tables_sort_and_filter_and_products_fold_in_a_browser(probed_page):
    result = browse(probed_page, "--dump-dom")
    title = dict(part.split("=", 1) for part in
                 re.search(r"<title>(.*?)</title>", result.stdout, re.S).group(1).split(";"))
    assert title["before"] == "charlie,alpha,bravo"  # riskiest first, as written
    assert title["rank-down"] == "bravo,alpha,charlie"  # rank, descending
    assert title["name-up"] == "alpha,bravo,charlie"
    assert title["filtered"] == "bravo"
    assert title["closed-is-summary"] == "true"  # a folded product shows its one line only
    assert title["opened-grows"] == "true"
    assert title["first-open"] == "true"


@pytest.mark.golden
@needs_browser
def test_large_page_loads_nothing_and_logs_nothing(tmp_path, large):
    page = html.write(large, tmp_path)
    result = browse(page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []  # no CSP violation: nothing else ran or loaded
    assert 'class="filter"' in result.stdout  # the script ran: filters were added
    assert BROWSER is not None
