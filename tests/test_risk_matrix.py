"""The supplier risk matrix: likelihood, impact, score and spend, in report.json and both reports."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap.analysis import risk_map
from riskmap.analysis.matrix import Cause, likelihood, risk_matrix, supplier_causes
from riskmap.cli.main import main
from riskmap.dists import Constant
from riskmap.load.pipeline import load_scenario
from riskmap.model import Disruption, Target
from riskmap.report.content import Report, ReportFormatError, check_shape
from tests.conftest import LAMP_NETWORK, LAMP_SCENARIO


@pytest.fixture(scope="module")
def lamp(tmp_path_factory):
    """The lamp scenario of tests/conftest.py, loaded once (the model is immutable)."""
    folder = tmp_path_factory.mktemp("lamp")
    (folder / "network.yaml").write_text(LAMP_NETWORK)
    (folder / "fire.yaml").write_text(LAMP_SCENARIO)
    return load_scenario(str(folder / "fire.yaml"))


def _with(scenario, disruptions=None, **suppliers):
    """The scenario with suppliers changed (``bulbco={"depends_on": ...}``) and new disruptions."""
    network = scenario.network
    changed = tuple(dataclasses.replace(s, **suppliers.get(s.id, {})) for s in network.suppliers)
    network = dataclasses.replace(network, suppliers=changed)
    return dataclasses.replace(scenario, network=network,
                               disruptions=scenario.disruptions if disruptions is None
                               else tuple(disruptions))


@pytest.mark.hand
def test_lamp_likelihood_impact_score_and_spend(lamp):
    # acme's outage at day 10 (< horizon 60) happens for sure and lasts 20 days; nothing
    # strikes bulbco. PI of that outage, acme down for its 20 days: lamp needs 2 a day, 6 in stock:
    # 40 - 6 = 34 units lost (bulb-pack is made of bulbs from bulbco, acme only an alternate
    # there); the static map's PI over its TTR of 10 days is 20 - 6 = 14. bulbco, stopped by
    # nothing, keeps the PI over its TTR: 0 (bulbs in stock last).
    # Spend in units (no unit_cost): lamp 2 a day x 60 days from acme; 2 bulbs per bulb-pack,
    # 1 a day: 2 x 60 from bulbco.
    matrix = risk_matrix(lamp, risk_map(lamp.network))
    acme, bulbco = matrix.suppliers["acme"], matrix.suppliers["bulbco"]
    assert (acme.likelihood, acme.impact, acme.score, acme.spend) == (1.0, 34.0, 34.0, 120.0)
    assert (acme.window, acme.pi) == (20.0, 14.0)
    assert acme.causes == (Cause("outage-1", 1.0, None, 20.0, 34.0),)
    assert (bulbco.likelihood, bulbco.impact, bulbco.score, bulbco.spend) == (0.0, 0.0, 0.0, 120.0)
    assert bulbco.window == 5.0
    assert matrix.impact_unit == "units" and matrix.spend_unit == "units"
    assert matrix.products["lamp"].score == 34.0
    assert matrix.products["lamp"].suppliers == (("acme", 34.0),)
    assert matrix.products["bulb-pack"].score == 0.0
    assert matrix.parts["bulb"].suppliers == (("bulbco", 0.0),)


@pytest.mark.hand
def test_tier2_link_rate_and_probability_combine_as_independent_causes(lamp):
    # acme's outage now happens with probability 0.5; bulbco depends on acme with 2 days of
    # cover, shorter than the 20-day outage, so it stops too; a recurring outage of bulbco
    # (rate 0.01 a day, each occurrence with probability 0.5) adds 1 - exp(-0.01 x 0.5 x 60).
    fire = dataclasses.replace(lamp.disruptions[0], probability=0.5)
    recurring = Disruption("wobble", "outage", Target("supplier", "bulbco"), rate=0.01,
                           probability=0.5, duration=Constant(1))
    scenario = _with(lamp, [fire, recurring],
                     bulbco={"depends_on": ("acme",), "cover": Constant(2)})
    causes = supplier_causes(scenario)
    p_rate = round(1 - math.exp(-0.3), 6)  # figures of the matrix have 6 decimals
    # bulbco stops 2 days after acme, until acme is back: 18 days; the wobble lasts 1 day
    assert causes["bulbco"] == (Cause("outage-1", 0.5, "acme", 18.0),
                                Cause("wobble", p_rate, None, 1.0))
    assert likelihood(causes["bulbco"]) == pytest.approx(1 - 0.5 * math.exp(-0.3), abs=1e-6)
    assert likelihood(causes["acme"]) == 0.5


@pytest.mark.hand
def test_cover_outlasting_the_outage_and_starts_beyond_the_horizon(lamp):
    # 30 days of cover outlast the 20-day outage: bulbco does not stop. An outage starting
    # at day 70 is beyond the 60-day horizon. A region outage strikes its members.
    late = Disruption("late", "outage", Target("supplier", "acme"), at=Constant(70),
                      duration=Constant(5))
    flood = Disruption("flood", "disaster", Target("region", "north"), at=Constant(1),
                       duration=Constant(3), probability=0.25)
    scenario = _with(lamp, [lamp.disruptions[0], late, flood],
                     bulbco={"depends_on": ("acme",), "cover": Constant(30), "region": "north"})
    causes = supplier_causes(scenario)
    assert causes["acme"] == (Cause("outage-1", 1.0, None, 20.0),)
    assert causes["bulbco"] == (Cause("flood", 0.25, None, 3.0),)


@pytest.mark.property
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.one_of(st.none(), st.floats(0, 0.5)),
                          st.sampled_from(["acme", "bulbco"])), max_size=5),
       st.floats(0, 1))
def test_likelihood_in_unit_interval_and_never_lowered_by_a_disruption(lamp, entries, extra):
    disruptions = [Disruption(f"d{k}", "outage", Target("supplier", target), probability=p,
                              rate=rate, duration=Constant(3))
                   for k, (p, rate, target) in enumerate(entries)]
    base = supplier_causes(_with(lamp, disruptions))
    more = supplier_causes(_with(lamp, disruptions + [
        Disruption("more", "outage", Target("supplier", "acme"), probability=extra,
                   duration=Constant(3))]))
    for sid in ("acme", "bulbco"):
        assert 0.0 <= likelihood(base[sid]) <= 1.0
        assert likelihood(more[sid]) >= likelihood(base[sid]) - 1e-12
    # the score grows with the likelihood at a fixed impact
    assert likelihood(more["acme"]) * 14.0 >= likelihood(base["acme"]) * 14.0 - 1e-9


@pytest.mark.cli
def test_run_writes_the_matrix_in_every_report(scenario_file, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(scenario_file), "--out", str(out), "--workers", "1", "-q"]) == 0
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    acme = data["risk_matrix"]["suppliers"]["acme"]
    assert (acme["likelihood"], acme["impact"], acme["score"]) == (1.0, 34.0, 34.0)
    assert acme["down_time"] == 20.0  # simulated: down for the outage's 20 days every run
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Supplier risk matrix" in md
    assert "| 1 | Acme | 100.0% | 34 | 34 | 120 | – | outage-1 (direct, 100%) |" in md
    assert (out / "report-figures" / "risk-matrix.svg").is_file()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<section id="risk-matrix">' in page
    assert "Supplier risk matrix of 2 suppliers" in page
    # read back: the same matrix
    assert Report.from_dict(data).risk_matrix.suppliers["acme"].score == 34.0


@pytest.mark.cli
def test_a_report_without_the_matrix_still_renders(scenario_file, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(scenario_file), "--out", str(out), "--workers", "1", "-q"]) == 0
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    del data["risk_matrix"]
    old = tmp_path / "old" / "report.json"
    old.parent.mkdir()
    old.write_text(json.dumps(data), encoding="utf-8")
    assert main(["report", str(old), "-q"]) == 0
    md = (old.parent / "report.md").read_text(encoding="utf-8")
    assert "The report holds no supplier risk matrix" in md
    assert not (old.parent / "report-figures" / "risk-matrix.svg").exists()
    data["risk_matrix"] = {"suppliers": {"acme": {"likelihood": "high"}}}
    with pytest.raises(ReportFormatError, match=r"risk_matrix\.suppliers\.acme\.likelihood"):
        check_shape(data)


@pytest.mark.cli
def test_names_in_the_matrix_are_escaped(tmp_path):
    (tmp_path / "network.yaml").write_text(
        LAMP_NETWORK.replace("name: Acme,", "name: \"<script>x</script> a|b\","))
    (tmp_path / "fire.yaml").write_text(LAMP_SCENARIO)
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "fire.yaml"), "--out", str(out), "--workers", "1",
                 "-q"]) == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    section = md[md.index("## Supplier risk matrix"):md.index("## Products")]
    assert "| 1 | &lt;script&gt;x&lt;/script&gt; a\\|b | 100.0% |" in section
    page = (out / "report.html").read_text(encoding="utf-8")
    matrix = page[page.index('<section id="risk-matrix">'):page.index('<section id="products">')]
    assert "<script>" not in matrix
    assert "&lt;script&gt;x&lt;/script&gt; a|b" in matrix


@pytest.mark.hand
def test_impact_is_the_worst_disruption_with_every_supplier_it_stops(lamp):
    # A region outage of 10 days stops acme and bulbco together: lamp loses 2 x 10 - 6 = 14;
    # bulb-pack (1 a day, 4 in stock, 30 bulbs = 15 packs in stock: 19 packs for 10 days)
    # loses nothing. acme's worst cause stays its own 20-day fire (34); bulbco's is the
    # region outage (14), though bulbco alone loses nothing.
    flood = Disruption("flood", "outage", Target("region", "north"), at=Constant(1),
                       duration=Constant(10), probability=0.5)
    scenario = _with(lamp, [lamp.disruptions[0], flood],
                     acme={"region": "north"}, bulbco={"region": "north"})
    matrix = risk_matrix(scenario, risk_map(scenario.network))
    acme, bulbco = matrix.suppliers["acme"], matrix.suppliers["bulbco"]
    assert [(c.disruption, c.impact) for c in acme.causes] == [("outage-1", 34.0),
                                                               ("flood", 14.0)]
    assert (acme.likelihood, acme.impact, acme.window) == (1.0, 34.0, 20.0)
    assert (bulbco.likelihood, bulbco.impact, bulbco.score, bulbco.window) == (0.5, 14.0, 7.0,
                                                                                10.0)
    assert matrix.products["bulb-pack"].score == 7.0
