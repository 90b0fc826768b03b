"""Fitting recurring outages from past events (riskmap.history.outages, riskmap fit-disruptions)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from riskmap.cli.main import main
from riskmap.dists import Constant, Exponential, LogNormal
from riskmap.history.outages import Event, fit_outages, read_events, scenario_lines
from riskmap.model import Disruption, Network, Supplier, Target
from riskmap.sim.disruptions import alternating_windows
from tests.tolerance import normal_tolerance

TABLE = """supplier,start,end,cause
acme,10,14,fire
bulbco,20,21,strike
acme,50,56,flood
acme,54,58,same flood, reported twice
"""


@pytest.mark.hand
def test_a_small_table_is_fitted_by_hand():
    # acme: [10, 14) and [50, 58) (the last two rows overlap: one outage), so 2 outages,
    # down 4 + 8 = 12 of the window [0, 100]: mean up time (100 - 12) / 2 = 44; the log
    # durations ln 4 and ln 8 have mean ln(sqrt 32) and variance (ln 2 / 2)^2.
    events, dates = read_events("t.csv", TABLE)
    assert not dates and len(events) == 4
    acme, bulbco = fit_outages(events, (0.0, 100.0))
    assert (acme.supplier, acme.outages, acme.down) == ("acme", 2, 12.0)
    assert acme.every == Exponential(44.0)
    assert acme.rate == 0.02
    sigma2 = (math.log(2) / 2) ** 2
    mean = math.exp(math.log(math.sqrt(32)) + sigma2 / 2)
    assert acme.duration.mean == pytest.approx(mean, rel=1e-5)
    assert acme.duration.sd == pytest.approx(mean * math.sqrt(math.expm1(sigma2)), rel=1e-5)
    # bulbco: one outage of 1: a constant duration, up 99 of the window
    assert (bulbco.every, bulbco.duration) == (Exponential(99.0), Constant(1.0))


@pytest.mark.hand
def test_the_lines_are_a_valid_disruptions_block(write):
    from riskmap.load import load_scenario

    events, _ = read_events("t.csv", TABLE)
    lines = scenario_lines(fit_outages(events, (0.0, 100.0)), "every", source="t.csv")
    write("n.yaml", "riskmap: 1\nsuppliers: [{id: acme}, {id: bulbco}]\nproducts:\n"
                    "  - {id: p, sources: [{supplier: acme}], demand: {rate: 1}}\n")
    path = write("s.yaml", "riskmap: 1\nnetwork: n.yaml\nhorizon: 100\n" + lines)
    acme, bulbco = load_scenario(path).disruptions
    assert (acme.id, acme.kind, acme.target.id) == ("acme-outages", "outage", "acme")
    assert acme.every == Exponential(44.0) and isinstance(acme.duration, LogNormal)
    rate = scenario_lines(fit_outages(events, (0.0, 100.0)), "rate")
    assert "    rate: 0.02\n" in rate and "every" not in rate


@pytest.mark.theory
def test_known_parameters_are_recovered_within_their_standard_errors():
    # Outages simulated as riskmap simulates them (exponential up times of mean 30,
    # lognormal downs of mean 5 and sd 2) over 40,000 days: about 1,140 outages. The
    # estimates' standard errors: mean / sqrt(n) for the exponential mean; for the
    # lognormal's mean, by the delta method on (mu, sigma^2), s * sqrt((1 + s^2 / 2) / n)
    # times the mean, s^2 = ln(1 + (sd/mean)^2).
    truth = Disruption("d", "outage", Target("supplier", "s"), every=Exponential(30.0),
                       duration=LogNormal(5.0, 2.0))
    horizon = 40000.0
    network = Network("n", suppliers=(Supplier("s", "S"),))
    windows = alternating_windows(truth, np.random.default_rng(18), horizon, network)
    events = [Event("s", a, b) for a, b in windows]
    [fit] = fit_outages(events, (0.0, horizon))
    n = fit.outages
    assert abs(fit.every.mean - 30.0) <= normal_tolerance(30.0 / math.sqrt(n))
    s2 = math.log1p((2.0 / 5.0) ** 2)
    se_mean = 5.0 * math.sqrt(s2 * (1 + s2 / 2) / n)
    assert abs(fit.duration.mean - 5.0) <= normal_tolerance(se_mean)
    # the sd is looser: about sd x sqrt((something of order 1) / n); 4 % is ~5 of them
    assert fit.duration.sd == pytest.approx(2.0, rel=0.08)


@pytest.mark.cli
def test_the_command_prints_the_lines_and_writes_them_to_a_file(write, capsys, tmp_path):
    path = write("events.csv", TABLE)
    assert main(["fit-disruptions", path, "--from", "0", "--to", "100"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# fitted by riskmap fit-disruptions from ")
    assert "  - id: acme-outages    # 2 outage(s), down 12 of 100\n" in out
    target = tmp_path / "out" / "lines.yaml"
    assert main(["fit-disruptions", path, "--from", "0", "--to", "100", "--form", "rate",
                 "--out", str(target)]) == 0
    assert "rate: 0.02" in target.read_text(encoding="utf-8")


@pytest.mark.cli
def test_dates_are_counted_in_days(write, capsys):
    path = write("events.csv", "supplier,start,end\nacme,2024-01-11,2024-01-15\n")
    assert main(["fit-disruptions", path, "--from", "2024-01-01", "--to", "2024-04-10"]) == 0
    out = capsys.readouterr().out
    assert "every: {dist: exponential, mean: 96}" in out  # 100 days, 4 of them down
    assert "over 100 days" in out


@pytest.mark.cli
@pytest.mark.parametrize("text,argv,message", [
    ("supplier,start,end\nacme,10,x\n", [], "t.csv:2:9: error: end: expected a number"),
    ("supplier,start,end\nacme,10,5\n", [], "t.csv:2:9: error: end (5) must be after start"),
    ("supplier,start,end\nacme,2024-01-01,5\n", [], "mixes dates and numbers"),
    ("who,start,end\nacme,1,2\n", [], "t.csv:1:1: error: the first row must name the columns"),
    ("supplier,start,end\n", [], "the table lists no outage"),
    ("supplier,start,end\nacme,1,2\n", ["--from", "2024-01-01"], "--from: error: expected a "
                                                                 "number"),
    ("supplier,start,end\nacme,1,2\n", ["--from", "1.5"],
     "t.csv:2:1: error: the outage of 'acme' starts outside the observation window [1.5, 2]"),
    ("supplier,start,end\nacme,1,2\n", ["--from", "5"], "--to: error: the observation window"),
])
def test_bad_tables_and_windows_are_exit_2_with_positions(write, capsys, text, argv, message):
    path = write("t.csv", text)
    assert main(["fit-disruptions", path, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err
