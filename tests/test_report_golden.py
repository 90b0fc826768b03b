"""Golden report of the tutorial scenario, and both reports for every bundled scenario.

Regenerate the golden file after an intended change (then review the diff)::

    RISKMAP_REGENERATE_GOLDEN=1 python -m pytest tests/test_report_golden.py -k golden_markdown
"""

from __future__ import annotations

import glob
import os
import re

import pytest

from riskmap.report import html, markdown
from tests.test_report_support import GOLDEN_MD, ROOT, run_report, tutorial_report

pytestmark = pytest.mark.golden

#: replications per bundled scenario: enough to exercise every section, few enough to be quick.
BUNDLED_REPLICATIONS = 3


def normalise(text: str) -> str:
    """Input-file digests vary with comments in the bundled files; the rendering does not."""
    return re.sub(r"sha256 [0-9a-f]{64}", "sha256 <digest>", text)


def test_golden_markdown():
    text = normalise(markdown.render(tutorial_report()))
    if os.environ.get("RISKMAP_REGENERATE_GOLDEN"):
        with open(GOLDEN_MD, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    with open(GOLDEN_MD, encoding="utf-8") as handle:
        expected = handle.read()
    assert text == expected, (
        "report.md of the tutorial run changed; if intended, regenerate with "
        "RISKMAP_REGENERATE_GOLDEN=1 python -m pytest tests/test_report_golden.py "
        "-k golden_markdown and review the diff")


BUNDLED = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))


@pytest.mark.parametrize("path", BUNDLED, ids=[os.path.basename(p) for p in BUNDLED])
def test_every_bundled_scenario_produces_both_reports(path, tmp_path):
    report = run_report(path, BUNDLED_REPLICATIONS, seed=1)
    md_path = markdown.write(report, tmp_path)
    html_path = html.write(report, tmp_path)
    md_text = md_path.read_text(encoding="utf-8")
    html_text = html_path.read_text(encoding="utf-8")
    for product in report.products:
        assert product in md_text and product in html_text
    sections = 7 + bool(report.alerts)  # a scenario with alerts: the low-stock alerts too
    assert md_text.count("\n## ") == sections
    assert html_text.count('<section id="') == sections
    assert html_text.count("<svg") >= 3  # risk map, TTS/TTR, at least one fan chart
    images = re.findall(r"\]\((report-figures/[^)]+)\)", md_text)
    assert images and all((tmp_path / image).is_file() for image in images)
