"""The risk matrix's likelihood of the field-failure kinds, worked out by hand."""

from __future__ import annotations

import pytest

from riskmap.analysis.matrix import occurrence_probabilities, occurrence_probability, supplier_causes
from riskmap.dists import Constant, Geometric
from riskmap.model import Disruption, Network, Scenario, Supplier, Target, Trigger

pytestmark = pytest.mark.hand


def test_a_recurring_outage_is_likely_as_its_first_down_period():
    # Up a geometric time with p = 0.1 from at = 5: the first outage starts before the
    # horizon 20 when the up time is below 15, that is at most 14: 1 - 0.9^14.
    flaky = Disruption("f", "outage", Target("supplier", "s"), every=Geometric(0.1),
                       duration=Constant(3), at=Constant(5))
    assert occurrence_probability(flaky, 20.0) == pytest.approx(1 - 0.9 ** 14)
    half = Disruption("f", "outage", Target("supplier", "s"), every=Constant(30),
                      duration=Constant(3), probability=0.5)
    assert occurrence_probability(half, 20.0) == 0.0  # the first outage would start at 30
    assert occurrence_probability(half, 40.0) == 0.5


def test_a_triggered_disruption_is_as_likely_as_what_sets_it_off():
    # typhoon (probability 0.5) sets off the flooding with 0.4; the flooding sets off the
    # port with 0.5, and a second, certain storm sets off the port with 0.1:
    # flooding 0.5 x 0.4 = 0.2; port 1 - (1 - 0.2 x 0.5)(1 - 0.1) = 0.19.
    network = Network("n", suppliers=(Supplier("a", "A"), Supplier("b", "B"),
                                      Supplier("c", "C")))
    disruptions = (
        Disruption("port", "outage", Target("supplier", "c"), duration=Constant(2)),
        Disruption("typhoon", "outage", Target("supplier", "a"), at=Constant(3),
                   duration=Constant(5), probability=0.5, triggers=(Trigger("flooding", 0.4),)),
        Disruption("flooding", "outage", Target("supplier", "b"), duration=Constant(9),
                   triggers=(Trigger("port", 0.5, Constant(1)),)),
        Disruption("storm", "outage", Target("supplier", "a"), at=Constant(9),
                   duration=Constant(1), triggers=(Trigger("port", 0.1),)),
    )
    scenario = Scenario("s", network, horizon=50, disruptions=disruptions)
    chances = occurrence_probabilities(scenario)
    assert chances == pytest.approx({"typhoon": 0.5, "flooding": 0.2, "storm": 1.0,
                                     "port": 1 - 0.9 * 0.9})
    causes = supplier_causes(scenario)
    assert [(c.disruption, c.probability) for c in causes["b"]] == [("flooding", 0.2)]
