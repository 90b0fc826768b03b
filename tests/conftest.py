"""Shared fixtures: writing small YAML files and checking them."""

from __future__ import annotations

import os
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = os.path.join(ROOT, "scenarios")


@pytest.fixture
def write(tmp_path):
    """``write(name, text)``: a dedented file in a temporary folder; returns its path."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return str(path)

    return _write


#: A two-product desk-lamp network and a 60-day outage scenario for command-line tests.
LAMP_NETWORK = """\
riskmap: 1
name: Desk lamps
time_unit: day
suppliers:
  - {id: acme, name: Acme, ttr: 10}
  - {id: bulbco, name: BulbCo, ttr: 5}
parts:
  - id: bulb
    stock: 30
    policy: {type: base_stock, level: 30}
    sources:
      - {supplier: bulbco, lead_time: 2}
      - {supplier: acme, alternate: true, lead_time: 4}
products:
  - id: lamp
    stock: 6
    policy: {type: base_stock, level: 6}
    sources: [{supplier: acme, lead_time: 3}]
    demand: {rate: 2}
  - id: bulb-pack
    bom: {bulb: 2}
    capacity: 10
    stock: 4
    policy: {type: base_stock, level: 4}
    demand: {rate: 1}
"""

LAMP_SCENARIO = """\
riskmap: 1
name: "Acme fire: spring"
network: network.yaml
horizon: 60
replications: 8
seed: 5
disruptions:
  - {kind: outage, target: {supplier: acme}, at: 10, duration: 20}
"""


@pytest.fixture()
def scenario_file(tmp_path):
    """The lamp scenario and its network written to a temporary folder; the scenario's path."""
    (tmp_path / "network.yaml").write_text(LAMP_NETWORK)
    path = tmp_path / "fire.yaml"
    path.write_text(LAMP_SCENARIO)
    return path


#: the kinds of test (pytest markers): every test is exactly one of them.
KINDS = ("hand", "theory", "property", "golden", "cli")


def pytest_collection_modifyitems(config, items):
    """Refuse a test that is not labelled with exactly one kind, so the labels say what runs."""
    wrong = []
    for item in items:
        kinds = sorted({mark.name for mark in item.iter_markers() if mark.name in KINDS})
        if len(kinds) != 1:
            wrong.append(f"{item.nodeid}: {', '.join(kinds) or 'no kind'}")
    if wrong:
        raise pytest.UsageError("each test needs exactly one of the markers "
                                f"{', '.join(KINDS)}:\n  " + "\n  ".join(wrong))
