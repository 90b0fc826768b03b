"""The counterfactual tables with the field-failure kinds: recurring outages, quality, transit."""

from __future__ import annotations

import json

import pytest

from riskmap.analysis.risk_map import risk_map
from riskmap.dists import Constant, Geometric
from riskmap.model import Disruption, Policy, Target, WhatIf
from riskmap.report.build import build_report
from tests.test_options_support import evaluated, pump_scenario, row

pytestmark = pytest.mark.hand


@pytest.fixture(scope="module")
def troubled():
    disruptions = (
        # the valve's primary fails and recovers again and again: the alternates take over
        Disruption("valve-breakdowns", "outage", Target("supplier", "valve-tw"),
                   every=Geometric(0.05), duration=Geometric(0.1)),
        Disruption("bad-seals", "quality", Target("part", "seal"), at=Constant(30),
                   duration=Constant(40), reject=0.3),
        Disruption("port", "transit", Target("region", "mx"), at=Constant(50),
                   duration=Constant(15)),
    )
    what_if = (WhatIf("pump-buffer", Target("product", "pump"), stock=40,
                      policy=Policy("base_stock", level=40)),)
    scenario = pump_scenario(disruptions=disruptions, what_if=what_if)
    baseline, tables = evaluated(scenario)
    return scenario, baseline, tables


def test_every_table_is_built_with_the_new_kinds(troubled):
    scenario, baseline, tables = troubled
    # The recurring outage stops valve-tw, so its alternates can take over and are valued;
    # the seal's alternate never can (quality and transit stop nothing): exactly 0.
    assert {(o.supplier, o.part) for o in tables.alternates} >= {("valve-mx", "valve"),
                                                                  ("seal-mx2", "seal")}
    assert row(tables, "valve-mx").alone.backorder_units_avoided.mean > 0
    assert row(tables, "seal-mx2").alone.backorder_units_avoided.mean == 0.0
    [buffer] = [w for w in tables.what_ifs if w.id == "pump-buffer"]
    assert buffer.effect.backorder_units_avoided.mean >= 0
    report = build_report(baseline, risk_map(scenario.network), tables).to_dict()
    json.dumps(report, allow_nan=False)  # the report set can be written
    assert report["parts"]["seal"]["rejected_units"]["mean"] > 0
    assert report["suppliers"]["seal-mx"]["rejected_units"]["mean"] > 0
    assert "supplier.rejected_units" in report["statistics"]
    assert report["scenario"]["disruptions"][0]["every"] == {"dist": "geometric", "p": 0.05}
    assert report["scenario"]["disruptions"][1]["reject"] == 0.3


def test_without_a_quality_disruption_the_report_has_no_rejected_units():
    scenario = pump_scenario(replications=3)
    baseline, _ = evaluated(scenario)
    report = build_report(baseline).to_dict()
    assert all("rejected_units" not in stats for stats in report["parts"].values())
    assert all("rejected_units" not in stats for stats in report["suppliers"].values())
    assert not any("rejected" in key for key in report["statistics"])
    assert all(set(d) >= {"id", "kind"} and "every" not in d and "reject" not in d
               for d in report["scenario"]["disruptions"])
