"""Validation of the field-failure keys: every, reject, the quality and transit kinds, geometric."""

from __future__ import annotations

import pytest

from riskmap.dists import Geometric, from_spec
from riskmap.load import load_scenario
from tests.test_validate import NETWORK, SCENARIO, one_error

pytestmark = pytest.mark.cli

OUTAGE = "  - {kind: outage, target: {supplier: s1}, at: 10, duration: 20}"


def scenario_with(write, line: str) -> str:
    write("n.yaml", NETWORK)
    return write("s.yaml", SCENARIO.replace(OUTAGE, line))


def test_the_new_keys_load(write):
    path = scenario_with(write, "\n".join([
        "  - {kind: outage, target: {supplier: s1}, every: {dist: geometric, p: 0.05},"
        " duration: {dist: geometric, p: 0.2}}",
        "  - {kind: quality, target: {part: cell}, reject: 0.25, at: 5, duration: 10}",
        "  - {kind: transit, target: {region: tw}, at: 5, duration: 10}",
    ]))
    outage, quality, transit = load_scenario(path).disruptions
    assert outage.every == Geometric(0.05) and outage.duration == Geometric(0.2)
    assert (quality.kind, quality.reject, quality.target.kind) == ("quality", 0.25, "part")
    assert (transit.kind, transit.target.kind, transit.id) == ("transit", "region", "transit-1")


@pytest.mark.parametrize("line,where,message", [
    ("  - {kind: delay, target: {supplier: s1}, lead_time_factor: 2, every: 30}",
     "8:71", "'every' (recurring up and down) applies to an outage, not a delay"),
    ("  - {kind: outage, target: {supplier: s1}, rate: 0.1, every: 30}",
     "8:62", "give 'every' (up time between outages) or 'rate'"),
    ("  - {kind: outage, target: {supplier: s1}, every: 0}",
     "8:51", "the up time between outages must have a mean > 0"),
    ("  - {kind: outage, target: {supplier: s1}, every: {dist: geometric, p: 0}}",
     "8:72", "geometric needs 0 < p <= 1"),
    ("  - {kind: outage, target: {supplier: s1}, every: {dist: geometric, p: 1.5}}",
     "8:72", "geometric needs 0 < p <= 1"),
    ("  - {kind: quality, target: {supplier: s1}, at: 3}",
     "8:5", "a quality needs 'reject'"),
    ("  - {kind: quality, target: {region: tw}, reject: 0.1}",
     "8:29", "a quality strikes a supplier or a part, not a region"),
    ("  - {kind: outage, target: {supplier: s1}, reject: 0.1}",
     "8:52", "'reject' does not apply to an outage"),
    ("  - {kind: delay, target: {supplier: s1}, lead_time_factor: 2, ramp: 5}",
     "8:70", "'ramp' (capacity returning gradually) applies to outage, disaster or shortage, "
             "not a delay"),
    ("  - {kind: transit, target: {part: cell}}",
     "8:29", "a transit strikes a supplier or a region, not a part"),
    ("  - {kind: quality, target: {part: cell}, reject: 1.2}",
     "8:51", "probability"),
    ("  - {kind: quality, target: {part: cell}, reject: 1}",
     "8:51", "reject must be below 1"),
])
def test_bad_combinations_are_refused_with_their_position(write, line, where, message):
    path = scenario_with(write, line)
    err = one_error(path)
    assert err.startswith(f"{path}:{where}: error: "), err
    assert message in err, err


def test_geometric_reads_back_from_its_file_form():
    assert from_spec({"dist": "geometric", "p": 0.25}) == Geometric(0.25)
    assert Geometric(0.25).to_spec() == {"dist": "geometric", "p": 0.25}
    assert Geometric(0.25).mean == 4.0
    with pytest.raises(ValueError):
        from_spec({"dist": "geometric", "p": 0})


TYPHOON = ("  - {id: typhoon, kind: outage, target: {supplier: s1}, at: 10, duration: 20, "
           "triggers: [{id: %s, probability: 0.3, after: 5}]}")
PLANT = "  - {id: plant, kind: outage, target: {supplier: s2}, duration: 9%s}"


def test_triggers_load(write):
    path = scenario_with(write, "\n".join([TYPHOON % "plant", PLANT % ""]))
    typhoon, plant = load_scenario(path).disruptions
    [trigger] = typhoon.triggers
    assert (trigger.id, trigger.probability, trigger.after.mean) == ("plant", 0.3, 5.0)
    assert plant.triggers == ()


@pytest.mark.parametrize("lines,where,message", [
    ([TYPHOON % "plnt", PLANT % ""], "8:95", "unknown disruption 'plnt'; did you mean 'plant'?"),
    ([TYPHOON % "typhoon"], "8:95", "disruption 'typhoon' triggers itself"),
    ([TYPHOON % "plant", PLANT % ", at: 30"], "9:72",
     "disruption 'plant' happens only when 'typhoon' sets it off"),
    ([TYPHOON % "plant", PLANT % ", probability: 0.5"], "9:81", "remove 'probability'"),
])
def test_bad_triggers_are_refused_with_their_position(write, lines, where, message):
    path = scenario_with(write, "\n".join(lines))
    err = one_error(path)
    assert err.startswith(f"{path}:{where}: error: "), err
    assert message in err, err


def test_a_cycle_of_triggers_is_refused_at_its_first_disruption(write):
    from tests.test_validate import errors_of

    path = scenario_with(write, "\n".join([
        "  - {id: typhoon, kind: outage, target: {supplier: s1}, duration: 5, "
        "triggers: [{id: plant}]}", PLANT % ", triggers: [{id: typhoon}]"]))
    [err] = errors_of(path)
    assert err.startswith(f"{path}:9:"), err
    assert "trigger cycle: plant -> typhoon -> plant; remove one of these links" in err, err
