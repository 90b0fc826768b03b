"""``riskmap check``: exit codes, terminal lines, JUnit XML and the Markdown summary."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from riskmap.cli.main import main

pytestmark = pytest.mark.cli

#: one shop, one supplier, Poisson demand: a few hundredths of a second per replication.
SHOP = """\
riskmap: 1
name: {name}
horizon: 60
replications: 8
seed: 3
network:
  name: shop
  suppliers:
    - {{id: maker, ttr: 5}}
  products:
    - id: widget
      stock: 10
      policy: {{type: base_stock, level: 10}}
      sources: [{{supplier: maker, lead_time: 3}}]
      demand: {{rate: 2}}
expect:
{expect}
"""

HOLDS = """\
  - {product: widget, metric: fill_rate, min: 0.5}
  - {product: widget, metric: backorder_units, max: 1000}
  - {supplier: maker, metric: tts_minus_ttr, min: -1}
  - {metric: single_points_of_failure, max: 1}
  - {metric: worst_fill_rate, min: 0.5}
"""

BROKEN = """\
  - {product: widget, metric: fill_rate, min: 0.5}
  - {product: widget, metric: fill_rate, max: 0.1}
  - {product: widget, metric: lost_units, max: 1000}
  - {supplier: maker, metric: ttr, max: 2}
  - {metric: single_points_of_failure, max: 0}
"""

#: attributes the JUnit schema requires (or CI services read) on each element.
SUITE_ATTRIBUTES = {"name", "tests", "failures", "errors", "skipped", "time"}
CASE_ATTRIBUTES = {"name", "classname", "time"}
CASE_CHILDREN = {"failure", "error", "skipped", "system-out", "system-err"}


def shop(write, name="shop.yaml", expect=HOLDS, title="One shop"):
    return write(name, SHOP.format(name=title, expect=expect))


def check(*argv):
    return main(["check", "--workers", "1", "-q", *argv])


def parse_junit(path) -> ET.Element:
    """Parse a JUnit file and assert its structure: testsuites/testsuite/testcase."""
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert SUITE_ATTRIBUTES <= set(root.attrib)
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        assert suite.tag == "testsuite"
        assert SUITE_ATTRIBUTES <= set(suite.attrib)
        float(suite.get("time"))
        cases = suite.findall("testcase")
        assert [c for c in suite if c.tag not in ("testcase", "properties")] == []
        counts = {"tests": len(cases),
                  "failures": sum(c.find("failure") is not None for c in cases),
                  "errors": sum(c.find("error") is not None for c in cases),
                  "skipped": sum(c.find("skipped") is not None for c in cases)}
        for key, value in counts.items():
            assert int(suite.get(key)) == value, key
            totals[key] += value
        names = [c.get("name") for c in cases]
        assert len(set(names)) == len(names)
        for case in cases:
            assert CASE_ATTRIBUTES <= set(case.attrib)
            float(case.get("time"))
            assert {child.tag for child in case} <= CASE_CHILDREN
            for child in case.findall("failure") + case.findall("error"):
                assert child.get("message") and child.get("type")
    for key, value in totals.items():
        assert int(root.get(key)) == value, key
    return root


def failing_cases(root: ET.Element) -> dict[str, str]:
    """``{case name: failure type}`` for every case with a failure or an error."""
    out = {}
    for case in root.iter("testcase"):
        for tag in ("failure", "error"):
            child = case.find(tag)
            if child is not None:
                out[case.get("name")] = f"{tag}:{child.get('type')}"
    return out


# --------------------------------------------------------------------------
# Plans that hold and plans that do not


def test_plan_that_holds_exits_0(write, tmp_path, capsys):
    path = shop(write)
    junit = tmp_path / "out" / "junit.xml"
    assert check(path, "--junit", str(junit)) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith(f"{path}:")]
    assert len(lines) == 1 + 5  # the heading and one line per expectation
    assert all(": met: " in line for line in lines[1:])
    assert f"{path}:17:5: met: product widget: fill_rate (mean) is " in out
    assert "5 met, 0 not met" in out and out.rstrip().endswith("passed")
    root = parse_junit(junit)
    assert root.get("tests") == "5" and root.get("failures") == "0"
    assert failing_cases(root) == {}
    suite = root.find("testsuite")
    assert suite.get("name") == "One shop"
    assert {c.get("classname") for c in suite.iter("testcase")} == {"shop"}


def test_broken_plan_exits_1_and_marks_exactly_the_broken_expectations(write, tmp_path, capsys):
    path = shop(write, expect=BROKEN)
    junit = tmp_path / "junit.xml"
    assert check(path, "--junit", str(junit)) == 1
    out = capsys.readouterr().out
    assert f"{path}:18:5: not met: product widget: fill_rate (mean) is " in out
    assert f"{path}:20:5: not met: supplier maker: ttr is 5 days (exact); required <= 2" in out
    root = parse_junit(junit)
    assert failing_cases(root) == {
        "product widget fill_rate (mean) <= 0.1": "failure:not-met",
        "supplier maker ttr <= 2": "failure:not-met",
        "network single_points_of_failure <= 0": "failure:not-met",
    }
    failure = next(c for c in root.iter("testcase")
                   if c.get("name") == "supplier maker ttr <= 2").find("failure")
    assert failure.get("message") == "supplier maker: ttr is 5 days (exact); required <= 2"
    assert f"riskmap run {path} --seed 3 --replications 8" in failure.text
    assert root.get("tests") == "5" and root.get("failures") == "3" and root.get("errors") == "0"


def test_unavailable_figure_is_an_error_and_counts_as_not_met(write, tmp_path, capsys):
    # A yes/no figure has no percentile across replications: unavailable, never passed.
    path = shop(write, expect="  - {product: widget, metric: backorder_probability, stat: p90, "
                              "max: 0.5}\n")
    junit = tmp_path / "junit.xml"
    assert check(path, "--junit", str(junit)) == 1
    out = capsys.readouterr().out
    assert f"{path}:17:5: error: product widget: backorder_probability has no p90" in out
    root = parse_junit(junit)
    assert failing_cases(root) == {
        "product widget backorder_probability (p90) <= 0.5": "error:unavailable"}
    assert root.get("errors") == "1" and root.get("failures") == "0"


# --------------------------------------------------------------------------
# Inconclusive: passes with a warning, fails under --strict-confidence


@pytest.fixture
def straddling(write, tmp_path):
    """A plan whose fill-rate threshold sits inside the run's 95% interval."""
    from riskmap.cli.check import check_scenario
    from riskmap.run.executors import SerialExecutor
    from riskmap.load import load_scenario

    probe = shop(write, name="probe.yaml")
    outcome = check_scenario(probe, load_scenario(probe), SerialExecutor(), quiet=True).outcomes[0]
    figure = outcome.figure
    threshold = round(figure.value + (figure.high - figure.value) / 2, 6)
    assert figure.low < threshold < figure.high
    return shop(write, name="straddle.yaml",
                expect=f"  - {{product: widget, metric: fill_rate, min: {threshold}}}\n")


def test_inconclusive_passes_with_a_warning_by_default(straddling, tmp_path, capsys):
    junit = tmp_path / "junit.xml"
    assert check(straddling, "--junit", str(junit)) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if ":17:5:" in line)
    assert ": warning: inconclusive: product widget: fill_rate (mean)" in line
    assert "replications would settle it" in line
    assert "passes with this warning" in line
    assert "1 inconclusive (passed with a warning)" in out
    root = parse_junit(junit)
    assert failing_cases(root) == {}
    assert root.find("testsuite/testcase/system-out").text.startswith("warning: ")


def test_inconclusive_fails_under_strict_confidence(straddling, tmp_path, capsys):
    junit = tmp_path / "junit.xml"
    assert check(straddling, "--strict-confidence", "--junit", str(junit)) == 1
    out = capsys.readouterr().out
    assert ": inconclusive: product widget: fill_rate (mean)" in out
    assert "fails under --strict-confidence" in out
    root = parse_junit(junit)
    assert list(failing_cases(root).values()) == ["failure:inconclusive"]


def test_more_replications_can_settle_it(straddling, capsys):
    # the run is reproducible, so the advice can be followed: a threshold inside the
    # interval at 8 replications is either met or not met once the interval is narrow
    assert check(straddling, "--replications", "400") in (0, 1)
    out = capsys.readouterr().out
    assert "inconclusive" not in out.splitlines()[1]
    assert ": 400 replications, seed 3" in out


# --------------------------------------------------------------------------
# Bad input: exit 2, no traceback, nothing run


def test_missing_file_exits_2_without_traceback(capsys, tmp_path):
    junit = tmp_path / "junit.xml"
    assert check("no/such/plan.yaml", "--junit", str(junit)) == 2
    captured = capsys.readouterr()
    assert "no/such/plan.yaml: error: file not found" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not junit.exists()


def test_invalid_file_exits_2_with_its_position_and_runs_nothing(write, capsys):
    good = shop(write, name="a.yaml")
    bad = shop(write, name="b.yaml",
               expect="  - {product: widget, metric: fill_rat, min: 0.9}\n")
    assert check(good, bad) == 2
    captured = capsys.readouterr()
    assert f"{bad}:17:" in captured.err and "did you mean 'fill_rate'?" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""  # the valid file was not run either


def test_network_file_named_explicitly_is_bad_input(write, capsys):
    path = write("net.yaml", "riskmap: 1\nname: n\nsuppliers: [{id: s}]\n")
    assert check(path) == 2
    assert "this is a network file" in capsys.readouterr().err


def test_unreadable_yaml_exits_2(write, capsys):
    path = write("broken.yaml", "riskmap: 1\nname: [unclosed\n")
    assert main(["check", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:") and "Traceback" not in err


# --------------------------------------------------------------------------
# Folders, workers, overrides, failures


def test_folder_is_walked_in_sorted_order_and_networks_skipped(write, tmp_path, capsys):
    shop(write, name="plans/b.yaml", title="Second")
    shop(write, name="plans/a.yaml", title="First")
    shop(write, name="plans/sub/c.yaml", title="Third")
    write("plans/networks/net.yaml", "riskmap: 1\nname: n\nsuppliers: [{id: s}]\n")
    write("plans/c-no-plan.yaml", SHOP.format(name="No plan", expect="").replace("expect:\n", ""))
    junit = tmp_path / "junit.xml"
    assert main(["check", "--workers", "1", str(tmp_path / "plans"), "--junit", str(junit)]) == 0
    captured = capsys.readouterr()
    headings = [line.split(": ")[1] for line in captured.out.splitlines()
                if line.endswith(" s") and "replications" in line]
    assert headings == ["First", "Second", "Third"]
    assert "net.yaml: a network file, skipped" in captured.err
    assert "c-no-plan.yaml: no expect: plan, not run" in captured.err
    root = parse_junit(junit)
    assert [s.get("name") for s in root] == ["First", "Second", "Third"]
    assert "3 scenarios, 15 expectations" in captured.out


def test_workers_default_to_all_and_do_not_change_the_outcome(write, monkeypatch, capsys):
    import riskmap.run.executors as executors

    path = shop(write, expect=BROKEN)
    asked = []
    real = executors.make_executor
    monkeypatch.setattr(executors, "make_executor",
                        lambda workers=None, scheduler=None, events=None, warn=None:
                        asked.append(workers) or real(1))
    assert main(["check", "-q", path]) == 1
    assert asked == [None]  # None: one worker per CPU
    serial = capsys.readouterr().out
    monkeypatch.undo()
    assert main(["check", "-q", "--workers", "2", path]) == 1
    parallel = capsys.readouterr().out

    def strip_times(text):
        return [line.rsplit(",", 1)[0] for line in text.splitlines()]

    assert strip_times(serial) == strip_times(parallel)


def test_seed_and_replications_override(write, capsys):
    path = shop(write)
    assert check(path, "--seed", "11", "--replications", "5") == 0
    assert ": 5 replications, seed 11, " in capsys.readouterr().out


def test_failed_simulation_exits_3_and_reports_errors(write, tmp_path, monkeypatch, capsys):
    import riskmap.run.montecarlo as montecarlo

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(montecarlo, "default_simulator", lambda: broken)
    junit = tmp_path / "junit.xml"
    assert check(shop(write), "--junit", str(junit)) == 3
    out = capsys.readouterr().out
    assert "replication 0" in out and "ZeroDivisionError: boom" in out
    root = parse_junit(junit)
    assert root.get("errors") == "5"
    assert set(failing_cases(root).values()) == {"error:simulation-failed"}


def test_markdown_summary(write, tmp_path, capsys):
    path = shop(write, expect=BROKEN)
    summary = tmp_path / "pr" / "summary.md"
    assert check(path, "--summary", str(summary)) == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## riskmap check: ❌")
    assert "2 of 5 expectations pass in 1 scenario (2 met, 3 not met" in text
    assert "### One shop" in text
    assert "| ❌ not met | supplier maker ttr <= 2 | 5 days (exact) |  |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 5


def test_markdown_summary_writes_user_strings_as_text(write, tmp_path):
    # names and ids reach a pull-request comment: they must not become links, emphasis or HTML
    hostile = "[click](https://evil.example) *bold* <img src=x> a|b `x`"
    path = write("my_pl`an.yaml", SHOP.format(name=json.dumps(hostile), expect=HOLDS)
                 .replace("widget", "w-_x_-1"))
    summary = tmp_path / "summary.md"
    assert check(path, "--summary", str(summary)) == 0
    text = summary.read_text(encoding="utf-8")
    # the bare URL is broken by a word joiner, so GitHub does not link it either
    assert ("### \\[click\\](https:&#8288;//evil.example) \\*bold\\* &lt;img src=x&gt; a\\|b "
            "\\`x\\`") in text
    assert "[click](" not in text and "<img" not in text and "*bold*" not in text
    # a code span fenced by more backticks than the path holds; its underscore stays as it is
    assert f"``{path}``: 8 replications" in text
    assert "| ✅ met | product w-\\_x\\_-1 fill_rate (mean) >= 0.5 | " in text
    assert "] (worst: w-\\_x\\_-1) |" in text


def test_markdown_summary_escapes_unavailable_reasons_and_errors(write, tmp_path, monkeypatch):
    import riskmap.run.montecarlo as montecarlo

    expect = "  - {product: w-_x_-1, metric: backorder_probability, stat: p90, max: 0.5}\n"
    ok = write("a.yaml", SHOP.format(name="A", expect=expect).replace("widget", "w-_x_-1"))
    summary = tmp_path / "summary.md"
    assert check(ok, "--summary", str(summary)) == 1
    assert "| ⛔ unavailable | product w-\\_x\\_-1 backorder_probability (p90) <= 0.5 | - | " \
        "backorder_probability has no p90" in summary.read_text(encoding="utf-8")

    def broken(*args, **kwargs):
        raise ValueError("bad *input* [here](x)")

    monkeypatch.setattr(montecarlo, "default_simulator", lambda: broken)
    assert check(ok, "--summary", str(summary)) == 3
    text = summary.read_text(encoding="utf-8")
    assert "**The simulation failed:** " in text
    assert "bad \\*input\\* \\[here\\](x)" in text and "[here](x)" not in text


def test_plan_is_judged_on_the_typed_report_as_on_its_report_json(write):
    # check judges the Report it builds; riskmap run writes it: both must agree
    from riskmap.analysis import risk_map
    from riskmap.load import load_scenario
    from riskmap.plans import evaluate_all
    from riskmap.report.build import build_report
    from riskmap.report.content import Report
    from riskmap.run.executors import SerialExecutor
    from riskmap.run.montecarlo import run_scenario

    scenario = load_scenario(shop(write, expect=HOLDS + BROKEN))
    summary = run_scenario(scenario, replications=8, seed=3, executor=SerialExecutor(),
                           series=False)
    report = build_report(summary, risk_map(scenario.network))
    typed = evaluate_all(report, scenario.expect)
    assert typed == evaluate_all(Report.from_dict(report.to_dict()), scenario.expect)
    assert len(typed) == 10


def test_summary_paths_are_code_spans_that_cannot_close_early():
    from riskmap.report.text import markdown_code

    assert markdown_code("scenarios/a_b.yaml") == "`scenarios/a_b.yaml`"
    assert markdown_code("`x``y") == "``` `x``y ```"  # CommonMark strips the padding spaces
    assert markdown_code("a\n# b") == "`a # b`"  # a line break would start a heading
