"""The JUnit XML writer: structure, counts, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from riskmap.plans.results import case_names
from riskmap.model import Expectation
from riskmap.report import junit

pytestmark = pytest.mark.hand


def test_counts_and_structure(tmp_path):
    suites = [
        junit.Suite("first", (
            junit.Case("a", "x"),
            junit.Case("b", "x", junit.FAILURE, "b failed", "not-met", "details of b"),
            junit.Case("c", "x", junit.ERROR, "c broke", "unavailable"),
        ), time=1.23456),
        junit.Suite("second", (junit.Case("d", "y", junit.SKIPPED, "not run"),
                               junit.Case("e", "y", output="warning: close call")),
                    time=2.0, properties=(("seed", "7"),)),
    ]
    path = junit.write(tmp_path / "deep" / "j.xml", suites)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped", "time")} == \
        {"tests": "5", "failures": "1", "errors": "1", "skipped": "1", "time": "3.235"}
    first, second = root.findall("testsuite")
    assert (first.get("tests"), first.get("failures"), first.get("errors"),
            first.get("time")) == ("3", "1", "1", "1.235")
    failure = first.find("testcase[@name='b']/failure")
    assert failure.get("message") == "b failed" and failure.get("type") == "not-met"
    assert failure.text == "details of b"
    # an error without details repeats its message as body text
    assert first.find("testcase[@name='c']/error").text == "c broke"
    assert second.find("properties/property").attrib == {"name": "seed", "value": "7"}
    assert second.find("testcase[@name='d']/skipped").get("message") == "not run"
    assert second.find("testcase[@name='e']/system-out").text == "warning: close call"
    assert list(second.find("testcase[@name='e']")) == \
        second.find("testcase[@name='e']").findall("system-out")


def test_text_is_escaped_and_round_trips():
    tricky = 'fill_rate <= 0.5 & "quoted" — Zürich'
    text = junit.dumps([junit.Suite(tricky, (junit.Case(tricky, "c", junit.FAILURE, tricky),))])
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.find("testsuite").get("name") == tricky
    assert root.find("testsuite/testcase/failure").get("message") == tricky


def test_empty_report_is_valid():
    root = ET.fromstring(junit.dumps([]).encode("utf-8"))
    assert root.get("tests") == "0" and list(root) == []


def test_case_names_are_unique_within_a_scenario():
    plan = [Expectation("product", "p", "fill_rate", min=0.9)] * 3 + \
        [Expectation("supplier", "s", "tts", min=1, stat="p90")]
    assert case_names(plan) == [
        "product p fill_rate (mean) >= 0.9", "product p fill_rate (mean) >= 0.9 #2",
        "product p fill_rate (mean) >= 0.9 #3", "supplier s tts >= 1"]
