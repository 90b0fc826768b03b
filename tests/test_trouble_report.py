"""How the reports show the field-failure kinds: the assumptions table and the fan chart windows."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from riskmap.dists import Constant, Geometric
from riskmap.model import Disruption, Target, Trigger
from riskmap.report.charts.fans import disruption_windows
from riskmap.report.views.scenario import disruption_row

pytestmark = pytest.mark.hand

TYPHOON = Disruption("typhoon", "transit", Target("region", "tw"), at=Constant(240),
                     duration=Constant(6), triggers=(Trigger("flooding", 0.3, Constant(1)),))
FLOODING = Disruption("flooding", "outage", Target("supplier", "bms"), duration=Constant(14),
                      ramp=Constant(7))
FLAKY = Disruption("flaky", "outage", Target("supplier", "motor"), every=Geometric(0.04),
                   duration=Geometric(0.25), at=Constant(10))
BAD_LOT = Disruption("lot", "quality", Target("part", "bms"), at=Constant(100),
                     duration=Constant(56), reject=0.4)


def test_the_assumptions_table_says_what_each_new_kind_does():
    row = disruption_row(FLOODING, "day", [("typhoon", TYPHOON.triggers[0])])
    assert (row.at, row.chance) == ("when set off", "30% of the times typhoon happens, 1 later")
    assert row.effect == "capacity back gradually over 7"
    assert disruption_row(TYPHOON, "day").effect == "sets off flooding (30%, 1 later)"
    flaky = disruption_row(FLAKY, "day")
    assert flaky.chance == "again and again, up geometric (p 0.04) between outages"
    assert disruption_row(BAD_LOT, "day").effect == "reject 40% of the units received"


def test_fan_charts_draw_a_triggered_window_where_it_is_set_off_and_no_recurring_one():
    report = SimpleNamespace(scenario=SimpleNamespace(
        disruptions=(TYPHOON, FLOODING, FLAKY, BAD_LOT)))
    assert disruption_windows(report) == [
        ("lot", 100.0, 156.0, 156.0), ("typhoon", 240.0, 246.0, 246.0),
        ("flooding (30% after typhoon)", 241.0, 255.0, 255.0)]
