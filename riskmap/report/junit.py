"""JUnit XML: the test-report format CI services display (``riskmap check --junit``).

The structure is the common subset that Jenkins, GitLab, GitHub Actions
reporters and Azure Pipelines all read (the Ant ``junit`` task's format)::

    <testsuites name tests failures errors skipped time>
      <testsuite name tests failures errors skipped time timestamp>
        <testcase name classname time>
          <failure message type>details</failure>   (not met)
          <error message type>details</error>       (could not be evaluated)
          <system-out>text</system-out>             (passed, with a warning)
        </testcase>
      </testsuite>
    </testsuites>

Counts are computed from the cases, so they always agree. Times are seconds
with three decimals. Every attribute and text node passes through
:func:`riskmap.escape.xml` before ElementTree escapes ``<``, ``&`` and quotes:
a character XML 1.0 cannot hold (a control character in a scenario name,
say) is written as its escape (``\\x1b``), so the file always parses and
still shows where the character was. This module knows nothing about expectations: it writes
:class:`Suite` and :class:`Case` records that :mod:`riskmap.cli.check` fills.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from riskmap.escape import xml

#: values of a case's ``result``.
PASSED = "passed"
FAILURE = "failure"
ERROR = "error"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Case:
    """One test case.

    Attributes
    ----------
    name : str
        What was tested, unique within its suite.
    classname : str
        Dotted group name CI services show in front of ``name``.
    result : str
        :data:`PASSED`, :data:`FAILURE`, :data:`ERROR` or :data:`SKIPPED`.
    message : str
        One line for ``failure``/``error``/``skipped`` (the ``message`` attribute).
    kind : str
        The ``type`` attribute of ``failure``/``error``.
    details : str
        Body text of the ``failure``/``error`` element.
    output : str
        ``system-out`` text (a warning on a passed case, for instance).
    time : float
        Seconds.
    """

    name: str
    classname: str
    result: str = PASSED
    message: str = ""
    kind: str = ""
    details: str = ""
    output: str = ""
    time: float = 0.0


@dataclass(frozen=True)
class Suite:
    """A test suite: a named group of cases with its wall-clock time."""

    name: str
    cases: tuple[Case, ...] = ()
    time: float = 0.0
    timestamp: Optional[str] = None
    properties: tuple[tuple[str, str], ...] = field(default=())

    def count(self, result: str) -> int:
        return sum(1 for case in self.cases if case.result == result)


def _seconds(value: float) -> str:
    return f"{max(0.0, value):.3f}"


def _counts(element: ET.Element, cases: Sequence[Case]) -> None:
    element.set("tests", str(len(cases)))
    for result, attribute in ((FAILURE, "failures"), (ERROR, "errors"), (SKIPPED, "skipped")):
        element.set(attribute, str(sum(1 for c in cases if c.result == result)))


def _attributes(values: dict[str, str]) -> dict[str, str]:
    """Attribute values an XML 1.0 document can hold (:func:`riskmap.escape.xml`)."""
    return {key: xml(value) for key, value in values.items()}


def case_element(case: Case) -> ET.Element:
    """The ``<testcase>`` element of ``case``."""
    element = ET.Element("testcase", _attributes({"name": case.name, "classname": case.classname,
                                                  "time": _seconds(case.time)}))
    if case.result in (FAILURE, ERROR):
        child = ET.SubElement(element, case.result, _attributes(
            {"message": case.message, "type": case.kind or case.result}))
        child.text = xml(case.details or case.message)
    elif case.result == SKIPPED:
        ET.SubElement(element, "skipped", _attributes({"message": case.message}))
    if case.output:
        ET.SubElement(element, "system-out").text = xml(case.output)
    return element


def suite_element(suite: Suite) -> ET.Element:
    """The ``<testsuite>`` element of ``suite``, its counts taken from its cases."""
    element = ET.Element("testsuite", _attributes({"name": suite.name}))
    _counts(element, suite.cases)
    element.set("time", _seconds(suite.time))
    if suite.timestamp:
        element.set("timestamp", xml(suite.timestamp))
    if suite.properties:
        props = ET.SubElement(element, "properties")
        for key, value in suite.properties:
            ET.SubElement(props, "property", _attributes({"name": key, "value": value}))
    for case in suite.cases:
        element.append(case_element(case))
    return element


def build(suites: Sequence[Suite], name: str = "riskmap check") -> ET.ElementTree:
    """The whole document: ``<testsuites>`` with one ``<testsuite>`` per suite, in order."""
    root = ET.Element("testsuites", _attributes({"name": name}))
    cases = [case for suite in suites for case in suite.cases]
    _counts(root, cases)
    root.set("time", _seconds(sum(suite.time for suite in suites)))
    for suite in suites:
        root.append(suite_element(suite))
    ET.indent(root)
    return ET.ElementTree(root)


def dumps(suites: Sequence[Suite], name: str = "riskmap check") -> str:
    """The document as text, with an XML declaration and a final newline."""
    body = ET.tostring(build(suites, name).getroot(), encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def write(path: str | os.PathLike, suites: Sequence[Suite], name: str = "riskmap check") -> Path:
    """Write the JUnit file atomically (parent folders created); return its path."""
    from riskmap.output.atomic import write_atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, dumps(suites, name))


__all__ = ["PASSED", "FAILURE", "ERROR", "SKIPPED", "Case", "Suite", "case_element",
           "suite_element", "build", "dumps", "write"]
