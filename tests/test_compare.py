"""``riskmap compare``: hand-computed intervals, what pairing buys, exit codes and the files written."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from riskmap.cli.main import main
from riskmap.compare import compare_reports, compare_runs, input_changes
from riskmap.compare.figures import report_changes, unpaired_change, worsening
from riskmap.load import load_scenario
from riskmap.report.json import read_report
from riskmap.run.montecarlo import run_scenario
from riskmap.stats import Estimate
from riskmap.stats.differences import (mean_difference, paired_ratio_difference,
                                       proportion_difference, welch_interval)

T975_4 = 2.7764451051977987   # t(0.975, 4)
T975_8 = 2.306004135033371    # t(0.975, 8)


def t_estimate(mean: float, se: float, n: int, t: float) -> Estimate:
    """An estimate whose Student t interval has standard error ``se``."""
    return Estimate(mean, (mean - t * se, mean + t * se), n, "units")


def with_lamp_stock(scenario, stock: int):
    """The scenario with the lamp's starting stock changed (its policy kept)."""
    items = tuple(dataclasses.replace(i, stock=stock) if i.id == "lamp" else i
                  for i in scenario.network.items)
    return dataclasses.replace(scenario, network=dataclasses.replace(scenario.network, items=items))


def run(scenario, replications: int = 8):
    return run_scenario(scenario, replications=replications, workers=1, series=False)


# --------------------------------------------------------------------------- hand


@pytest.mark.hand
def test_welch_interval_of_two_t_estimates_by_hand():
    # se 1 each, n 5 each: difference 2, se sqrt(2), Welch df = 2^2 / (1/4 + 1/4) = 8
    base, head = t_estimate(10.0, 1.0, 5, T975_4), t_estimate(12.0, 1.0, 5, T975_4)
    low, high = mean_difference(base, head)
    half = T975_8 * 2 ** 0.5  # 3.261182
    assert low == pytest.approx(2 - half, abs=1e-9)
    assert high == pytest.approx(2 + half, abs=1e-9)


@pytest.mark.hand
def test_welch_degrees_of_freedom_with_unequal_errors_by_hand():
    # var 4/10 and 1/10 -> df = 0.25 / (0.16/9 + 0.01/9) = 13.235 -> 13; t(0.975, 13) = 2.160369
    low, high = welch_interval(1.0, 0.4, 10, 0.1, 10)
    assert high - 1.0 == pytest.approx(2.160368656461013 * 0.5 ** 0.5, abs=1e-9)
    assert low == pytest.approx(2.0 - high, abs=1e-12)


@pytest.mark.hand
def test_difference_of_two_proportions_by_hand():
    # se = sqrt(0.2*0.8/50 + 0.4*0.6/50) = sqrt(0.008); half = 1.959964 * 0.0894427 = 0.175305
    base = Estimate(0.2, (0.11, 0.33), 50, "probability")
    head = Estimate(0.4, (0.28, 0.54), 50, "probability")
    low, high = proportion_difference(base, head)
    assert (low, high) == (pytest.approx(0.024695, abs=1e-6), pytest.approx(0.375305, abs=1e-6))
    change = unpaired_change("backorder_probability", base, head)
    assert change.distinguishable and worsening("backorder_probability", change) == pytest.approx(0.2)


@pytest.mark.hand
def test_an_unknown_interval_is_never_distinguishable():
    base = Estimate(1.0, (None, None), 1, "units")
    head = t_estimate(5.0, 0.1, 5, T975_4)
    change = unpaired_change("backorder_units", base, head)
    assert change.mean == 4.0 and change.ci95 == (None, None) and not change.distinguishable


@pytest.mark.hand
def test_input_changes_name_lanes_stocks_policies_suppliers_and_disruptions(scenario_file, tmp_path):
    network = (tmp_path / "network.yaml").read_text()
    changed = (network.replace("stock: 6\n", "stock: 9\n")
               .replace("      - {supplier: acme, alternate: true, lead_time: 4}\n", "")
               .replace("{id: bulbco, name: BulbCo, ttr: 5}", "{id: bulbco, name: BulbCo, ttr: 7}")
               .replace("policy: {type: base_stock, level: 4}", "policy: {type: base_stock, level: 5}"))
    (tmp_path / "network2.yaml").write_text(changed)
    head_file = tmp_path / "head.yaml"
    head_file.write_text(scenario_file.read_text().replace("network.yaml", "network2.yaml")
                         .replace("duration: 20", "duration: 25"))
    base, head = load_scenario(str(scenario_file)), load_scenario(str(head_file))
    lines = [c.text() for c in input_changes(base.network, head.network,
                                             base.disruptions, head.disruptions)]
    assert lines == [
        "supplier bulbco: changed (ttr 5 → 7)",
        "lane bulb <- acme: removed",
        'policy bulb-pack: changed ({"level": 4, "type": "base_stock"} → '
        '{"level": 5, "type": "base_stock"})',
        "stock lamp: changed (6 → 9)",
        "disruption outage-1: changed (duration 20 → 25)",
    ]


# --------------------------------------------------------------------------- theory


@pytest.mark.theory
def test_a_report_compared_with_itself_changes_nothing(scenario_file, tmp_path):
    assert main(["run", str(scenario_file), "--out", str(tmp_path / "out"), "--workers", "1",
                 "-q", "--no-counterfactuals"]) == 0
    report = read_report(str(tmp_path / "out" / "report.json"))
    comparison = compare_reports(report, report, "a", "a")
    assert comparison.products and not comparison.worse() and not comparison.inputs
    for changes in comparison.products.values():
        for change in changes.values():
            assert not change.distinguishable
            assert change.mean in (0, None)


@pytest.mark.theory
def test_a_scenario_paired_with_itself_changes_nothing(scenario_file):
    scenario = load_scenario(str(scenario_file))
    runs = run(scenario), run(scenario)
    comparison = compare_runs(scenario, scenario, *runs, "a", "a")
    for changes in comparison.products.values():
        for change in changes.values():
            assert not change.distinguishable
            assert change.mean in (0, None) and change.ci95 in ((0, 0), (None, None))


@pytest.mark.theory
def test_pairing_sees_a_small_stock_increase_an_unpaired_comparison_cannot(scenario_file):
    # 8 more lamps at the start: every replication of the head backorders a few units fewer,
    # which the paired differences show; the outcomes themselves vary by dozens of units
    # between replications, so the unpaired interval of the same 8 + 8 replications spans 0.
    base = load_scenario(str(scenario_file))
    head = with_lamp_stock(base, 14)
    base_run, head_run = run(base), run(head)
    paired = compare_runs(base, head, base_run, head_run, "a", "b").products["lamp"]
    unpaired = report_changes(base_run.products["lamp"], head_run.products["lamp"])
    for name in ("fill_rate", "backorder_units"):
        assert paired[name].distinguishable, name
        assert not unpaired[name].distinguishable, name
        assert paired[name].mean == pytest.approx(unpaired[name].mean, abs=1e-9)


# --------------------------------------------------------------------------- cli


@pytest.fixture()
def two_scenarios(scenario_file, tmp_path):
    """The lamp scenario and one with 20 lamps in stock and as the base-stock level."""
    network = (tmp_path / "network.yaml").read_text()
    (tmp_path / "more.yaml").write_text(
        network.replace("stock: 6\n", "stock: 20\n").replace("level: 6}", "level: 20}"))
    more = tmp_path / "more-lamps.yaml"
    more.write_text(scenario_file.read_text().replace("network.yaml", "more.yaml"))
    return str(scenario_file), str(more)


def compare(*argv) -> int:
    return main(["compare", *argv, "--workers", "1"])


@pytest.mark.cli
def test_compare_exits_0_when_the_head_is_better_and_writes_the_set(two_scenarios, tmp_path, capsys):
    fewer, more = two_scenarios
    out = tmp_path / "cmp"
    assert compare(fewer, more, "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert "paired" in captured.out and "lamp" in captured.out
    assert sorted(p.name for p in out.iterdir()) == ["compare.html", "compare.json", "compare.md"]
    data = json.loads((out / "compare.json").read_text())
    assert data["format"] == 1 and data["paired"] is True
    fill = data["products"]["lamp"]["fill_rate"]
    assert set(fill) >= {"base", "head", "change", "distinguishable"}
    assert set(fill["change"]) == {"mean", "ci95"} and fill["distinguishable"] is True
    assert fill["change"]["mean"] > 0
    assert "stock lamp: changed (6 → 20)" in (out / "compare.md").read_text()
    html = (out / "compare.html").read_text()
    assert "default-src 'none'" in html and "<script" not in html


@pytest.mark.cli
def test_compare_exits_1_when_a_product_is_worse_unless_tolerated(two_scenarios, tmp_path, capsys):
    fewer, more = two_scenarios
    assert compare(more, fewer, "--out", str(tmp_path / "a")) == 1
    assert "worse: lamp" in capsys.readouterr().out
    # the lamp's fill rate falls by about 40 points: a tolerance of 0.6 lets it pass
    assert compare(more, fewer, "--out", str(tmp_path / "b"), "--tolerance", "0.6") == 0


@pytest.mark.cli
def test_compare_of_two_reports_is_unpaired_and_json_goes_to_stdout(two_scenarios, tmp_path, capsys):
    fewer, more = two_scenarios
    for name, scenario in (("fewer", fewer), ("more", more)):
        assert main(["run", scenario, "--out", str(tmp_path / name), "--workers", "1", "-q",
                     "--no-counterfactuals"]) == 0
    capsys.readouterr()
    code = compare(str(tmp_path / "more" / "report.json"), str(tmp_path / "fewer" / "report.json"),
                   "--out", str(tmp_path / "cmp"), "--json")
    printed = capsys.readouterr().out
    assert code == 1
    assert printed == (tmp_path / "cmp" / "compare.json").read_text()
    data = json.loads(printed)
    assert data["paired"] is False and data["worse"] == ["lamp"]
    assert "unpaired" in data["note"]
    assert "fill_rate_pooled" in data["products"]["lamp"]
    assert {"what": "stock", "id": "lamp", "change": "changed", "detail": "20 → 6"} in data["inputs"]
    assert "unpaired" in (tmp_path / "cmp" / "compare.md").read_text()


@pytest.mark.cli
def test_compare_writes_the_same_bytes_twice(two_scenarios, tmp_path):
    fewer, more = two_scenarios
    for name in ("one", "two"):
        assert compare(fewer, more, "--out", str(tmp_path / name), "-q") == 0
    for member in ("compare.json", "compare.md", "compare.html"):
        assert (tmp_path / "one" / member).read_bytes() == (tmp_path / "two" / member).read_bytes()


@pytest.mark.cli
@pytest.mark.parametrize("case", ["missing", "mixed", "not-a-report"])
def test_compare_bad_input_exits_2_naming_the_file(case, scenario_file, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1}')
    argv = {"missing": [str(scenario_file), str(tmp_path / "nope.yaml")],
            "mixed": [str(scenario_file), str(bad)],
            "not-a-report": [str(bad), str(bad)]}[case]
    assert compare(*argv, "--out", str(tmp_path / "cmp")) == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err
    assert ("nope.yaml" if case == "missing" else "bad.json") in err
    assert not (tmp_path / "cmp").exists()


@pytest.mark.cli
def test_compare_shows_a_hostile_scenario_name_as_text(two_scenarios, tmp_path, capsys):
    fewer, more = two_scenarios
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(Path(more).read_text().replace('name: "Acme fire: spring"',
                                                 'name: "<script>x</script> | *b* \\u001b[31m"'))
    out = tmp_path / "cmp"
    assert compare(fewer, str(hostile), "--out", str(out)) == 0
    html = (out / "compare.html").read_text()
    md = (out / "compare.md").read_text()
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x" not in md and "\\|" in md and "\\*b\\*" in md
    assert "\x1b" not in html + md + capsys.readouterr().out


@pytest.mark.hand
def test_paired_pooled_fill_rate_by_hand():
    # base fills 8 and 9 of 10, head 9 and 10: pooled 0.85 and 0.95; every replication
    # gains exactly 1/10, so u_i = (yh_i - 0.95 x 10) / 10 - (yb_i - 0.85 x 10) / 10 = 0 for
    # both and the interval is the point.
    difference, (low, high) = paired_ratio_difference([8, 9], [10, 10], [9, 10], [10, 10])
    assert (difference, low, high) == pytest.approx((0.1, 0.1, 0.1))
    # gains of 0 and 2 of 10: pooled 0.8 and 0.9, u = (-0.1, 0.1), sd 0.1414,
    # t(0.975, 1) = 12.7062: 0.1 +- 12.7062 x 0.1414 / sqrt(2) = 0.1 +- 1.27062
    difference, (low, high) = paired_ratio_difference([8, 8], [10, 10], [8, 10], [10, 10])
    assert difference == pytest.approx(0.1)
    assert (low, high) == pytest.approx((0.1 - 1.270620, 0.1 + 1.270620), abs=1e-5)
    assert paired_ratio_difference([0], [0], [1], [1]) == (None, (None, None))


@pytest.mark.theory
def test_paired_comparison_carries_the_pooled_fill_rate_as_the_runs_estimate_it(scenario_file):
    base = load_scenario(str(scenario_file))
    head = with_lamp_stock(base, 14)
    base_run, head_run = run(base), run(head)
    pooled = compare_runs(base, head, base_run, head_run, "a", "b").products["lamp"][
        "fill_rate_pooled"]
    assert pooled.base == pytest.approx(base_run.fill_rate_pooled["lamp"].mean)
    assert pooled.head == pytest.approx(head_run.fill_rate_pooled["lamp"].mean)
    assert pooled.mean == pytest.approx(pooled.head - pooled.base)
    assert pooled.distinguishable and pooled.unit == "ratio"
    # the paired interval is narrower than the unpaired one of the same two estimates
    unpaired = unpaired_change("fill_rate_pooled", base_run.fill_rate_pooled["lamp"],
                               head_run.fill_rate_pooled["lamp"])
    assert pooled.ci95[1] - pooled.ci95[0] < unpaired.ci95[1] - unpaired.ci95[0]


@pytest.mark.cli
@pytest.mark.parametrize("given", [["--seed", "3"], ["--replications", "4"],
                                   ["--seed", "3", "--replications", "4"]])
def test_run_options_with_two_reports_exit_2(given, two_scenarios, tmp_path, capsys):
    fewer, _ = two_scenarios
    assert main(["run", fewer, "--out", str(tmp_path / "r"), "--workers", "1", "-q",
                 "--no-counterfactuals"]) == 0
    capsys.readouterr()
    report = str(tmp_path / "r" / "report.json")
    assert compare(report, report, "--out", str(tmp_path / "cmp"), *given) == 2
    err = capsys.readouterr().err
    names = " and ".join(g for g in given if g.startswith("--"))
    assert f"riskmap: error: {names} cannot apply to two report.json files" in err
    assert "Traceback" not in err and not (tmp_path / "cmp").exists()


@pytest.mark.cli
def test_paired_compare_shows_progress_on_stderr_and_pools_the_fill_rate(two_scenarios, tmp_path,
                                                                         capsys):
    fewer, more = two_scenarios
    assert compare(fewer, more, "--out", str(tmp_path / "cmp"), "--replications", "8") == 0
    err = capsys.readouterr().err
    assert "riskmap: simulating 8 replications of each scenario with seed 5 (paired)..." in err
    # not a terminal: a line at each quarter of the 16 replications of both runs
    for done in (4, 8, 12, 16):
        assert f"riskmap: {done}/16 replications (8 x 2 runs: base and head)" in err
    data = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    pooled = data["products"]["lamp"]["fill_rate_pooled"]
    assert pooled["distinguishable"] is True and pooled["change"]["mean"] > 0
    assert compare(fewer, more, "--out", str(tmp_path / "quiet"), "-q") == 0
    assert capsys.readouterr().err == ""
