"""report.html in a real browser: headless Chromium renders it, runs nothing, loads nothing.

Needs Chromium (Debian: ``apt-get install -y chromium``); the tests are
skipped with that reason where no Chromium or Chrome binary is found.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from riskmap.report import html
from tests.test_report_support import synthetic_report, tutorial_report

pytestmark = pytest.mark.golden

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: flags for a quiet, offline, sandbox-free headless run (containers have no user namespaces).
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0")
TIMEOUT = 120


def find_browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


BROWSER = find_browser()
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium/Chrome binary on PATH (apt-get install -y chromium)")


def browse(page: Path, *extra: str) -> subprocess.CompletedProcess:
    """Open ``page`` in a fresh profile; stdout holds what ``extra`` asks for."""
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [BROWSER, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
            capture_output=True, text=True, timeout=TIMEOUT, check=False)


def console_messages(stderr: str) -> list[str]:
    """The page's console output (errors, CSP violations) from Chromium's log."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def tutorial_page(tmp_path_factory):
    return html.write(tutorial_report(), tmp_path_factory.mktemp("tutorial"))


@needs_browser
def test_page_renders_every_section_without_console_errors(tutorial_page):
    result = browse(tutorial_page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    for section in ("summary", "risk-map", "survival", "risk-matrix", "products", "alternates",
                    "assumptions"):
        assert f'<section id="{section}">' in dom
    assert "<title>Risk report: Tiny workshop, motor supplier outage</title>" in dom
    assert dom.count("<svg") == 5  # risk map, TTS/TTR, risk matrix, waits, one fan chart
    assert console_messages(result.stderr) == []


@needs_browser
def test_screenshot_is_drawn(tutorial_page, tmp_path):
    shot = tmp_path / "page.png"
    result = browse(tutorial_page, f"--screenshot={shot}", "--window-size=1280,2000")
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a blank page is a few kilobytes
    assert console_messages(result.stderr) == []


HOSTILE = '<script>document.title="PWNED"</script>'
HOSTILE_IMG = '<img src=x onerror="document.title=\'PWNED\'">'


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    report = synthetic_report([HOSTILE, HOSTILE_IMG, "plain"], title=HOSTILE,
                              disruption=HOSTILE_IMG)
    return html.write(report, tmp_path_factory.mktemp("hostile"))


@needs_browser
def test_injected_names_show_as_text_and_do_not_run(hostile_page):
    result = browse(hostile_page, "--dump-dom")
    dom = result.stdout
    # a script that ran would have replaced the whole title
    assert _title(dom).startswith("Risk report: &lt;script&gt;")
    body = dom.split("<body>", 1)[1]
    # the one script is riskmap's own (sorting and filtering), after the footer
    assert body.count("<script") == 1 and body.index("<script") > body.index("<footer")
    assert "<img" not in body
    assert "&lt;script&gt;document.title=\"PWNED\"&lt;/script&gt;" in body
    # nothing was even attempted: a blocked script or image would log a CSP violation
    assert console_messages(result.stderr) == []


@needs_browser
def test_escaping_holds_without_the_content_security_policy(hostile_page, tmp_path):
    """The policy is a second line of defence; escaping alone must keep the names inert."""
    text = hostile_page.read_text(encoding="utf-8")
    open_page = tmp_path / "no-csp.html"
    open_page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text),
                         encoding="utf-8")
    result = browse(open_page, "--dump-dom")
    assert _title(result.stdout).startswith("Risk report: &lt;script&gt;")
    assert console_messages(result.stderr) == []


def _title(dom: str) -> str:
    match = re.search(r"<title>(.*?)</title>", dom, re.S)
    return match.group(1) if match else ""


def test_browser_flags_name_a_fresh_profile():
    """The command line never reuses a profile (a stale one could load extensions)."""
    assert not any(flag.startswith("--user-data-dir") for flag in FLAGS)
    assert os.path.basename(BROWSER or "chromium").startswith(("chromium", "google-chrome"))
