"""``riskmap check SCENARIO...``: run scenarios and enforce their ``expect:`` plans.

Every file (and every ``*.yaml``/``*.yml`` in a named folder, walked in
sorted order) is loaded *before* anything runs, so a typo in the last file
fails the build at once, with every diagnostic, and exit code 2. Network
files found in a folder are skipped (they have no plan); a network file named
on the command line is an error. A scenario without ``expect:`` is not run.

Each scenario then runs on all local workers (``--workers`` to change it),
its typed report is built as ``riskmap run`` builds it, and each
expectation is judged on it by :mod:`riskmap.plans`. One line per
expectation goes to stdout, in the format editors and CI logs recognise::

    scenarios/tutorial.yaml:18:5: met: product ebike: fill_rate (mean) is 0.963
    [95% CI 0.952, 0.974]; required >= 0.9

(one line, folded here).

Exit codes: 0 every expectation passed, 1 some did not (not met,
unavailable, or inconclusive under ``--strict-confidence``), 2 bad input,
3 a simulation failed (the other scenarios are still checked and reported),
130 interrupted.

An inconclusive expectation (its 95 % confidence interval contains the
threshold) passes with a warning that estimates the replications that would
settle it; ``--strict-confidence`` makes it fail. docs/ci.md explains why.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, TextIO

from riskmap.cli.common import add_simulation_options
from riskmap.cli.run import check_work, safe_name
from riskmap.model import Expectation, Scenario
from riskmap.plans import (INCONCLUSIVE, MET, NOT_MET, STATUSES, UNAVAILABLE, Outcome, advice,
                           evaluate_all, expectation_label, figure_text, subject_text)

EXIT_OK = 0
EXIT_NOT_MET = 1
EXIT_SIMULATION_FAILED = 3


def add_parser(subparsers, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add ``riskmap check`` and its options."""
    parser = subparsers.add_parser(
        name, help=help_text, description=help_text,
        epilog="Exit codes: 0 all expectations met, 1 some not met, 2 bad input, "
               "3 a simulation failed.")
    parser.add_argument("scenarios", metavar="SCENARIO", nargs="+",
                        help="scenario files, or folders of them (walked in sorted order)")
    parser.add_argument("--junit", metavar="FILE", default=None,
                        help="write a JUnit XML report: one test suite per scenario, "
                             "one test case per expectation")
    parser.add_argument("--summary", metavar="FILE", default=None,
                        help="write a Markdown summary (for a pull-request comment)")
    parser.add_argument("--strict-confidence", action="store_true",
                        help="fail inconclusive expectations (95%% interval containing the "
                             "threshold) instead of passing them with a warning")
    add_simulation_options(parser, "each scenario")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress on stderr")
    return parser


# --------------------------------------------------------------------------
# What one scenario's check produced


@dataclass(frozen=True)
class ScenarioCheck:
    """The checked plan of one scenario file.

    ``outcomes`` is empty and ``error`` set when the simulation failed.
    """

    path: str
    scenario: Scenario
    outcomes: tuple[Outcome, ...]
    seconds: float
    replications: int
    seed: int
    error: Optional[str] = None


def exit_code(checks: Sequence[ScenarioCheck], strict_confidence: bool) -> int:
    """3 if a simulation failed, else 1 if any expectation did not pass, else 0."""
    if any(c.error for c in checks):
        return EXIT_SIMULATION_FAILED
    passed = all(o.passed(strict_confidence) for c in checks for o in c.outcomes)
    return EXIT_OK if passed else EXIT_NOT_MET


def run(args: argparse.Namespace) -> int:
    """Load every plan, run the scenarios, report, return the exit code."""
    from riskmap.cli.common import expand_inputs
    from riskmap.run.executors import make_executor

    paths = expand_inputs(args.scenarios)
    plans = load_plans(paths, explicit=set(args.scenarios), quiet=args.quiet)
    events = sum(check_work(scenario, args) for _, scenario in plans)
    executor = make_executor(args.workers, args.scheduler, events)
    checks = []
    for path, scenario in plans:
        if not scenario.expect:
            if not args.quiet:
                print(f"riskmap: {path}: no expect: plan, not run", file=sys.stderr)
            continue
        check = check_scenario(path, scenario, executor, replications=args.replications,
                               seed=args.seed, quiet=args.quiet)
        print_check(check, args.strict_confidence, sys.stdout)
        checks.append(check)
    print(totals_line(checks, args.strict_confidence), file=sys.stdout)
    if args.junit:
        from riskmap.report import junit

        junit.write(args.junit, junit_suites(checks, args.strict_confidence))
    if args.summary:
        from riskmap.report.json import write_atomic

        target = Path(args.summary)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, summary_markdown(checks, args.strict_confidence))
    return exit_code(checks, args.strict_confidence)


# --------------------------------------------------------------------------
# Loading


def load_plans(paths: Sequence[str], explicit: set[str],
               quiet: bool = False) -> list[tuple[str, Scenario]]:
    """Load every file; raise one :class:`InputError` with the diagnostics of all bad ones.

    Network files are skipped when they were found in a folder and are an
    error when named in ``explicit``.
    """
    from riskmap.errors import Diagnostic, InputError, Pos
    from riskmap.load import check_file

    plans, problems = [], []
    for path in paths:
        loaded = check_file(path)
        if loaded.errors:
            problems.extend(loaded.diagnostics)
        elif isinstance(loaded.model, Scenario):
            plans.append((path, loaded.model))
        elif path in explicit:
            problems.append(Diagnostic(Pos(path), "this is a network file; riskmap check runs "
                                                  "scenario files (with an expect: plan)"))
        elif not quiet:
            print(f"riskmap: {path}: a network file, skipped", file=sys.stderr)
    if problems:
        raise InputError(problems)
    return plans


# --------------------------------------------------------------------------
# Running one scenario


def check_scenario(path: str, scenario: Scenario, executor, *,
                   replications: Optional[int] = None, seed: Optional[int] = None,
                   quiet: bool = False, simulator=None) -> ScenarioCheck:
    """Run ``scenario`` as ``riskmap run`` does and judge its plan.

    A failed replication is recorded in ``error`` (the other scenarios still
    run); bad input raises :class:`~riskmap.errors.InputError`.
    """
    from riskmap.analysis import risk_map
    from riskmap.report.build import build_report
    from riskmap.run.montecarlo import ReplicationError, run_scenario
    from riskmap.run.progress import Progress

    started = time.perf_counter()
    n = scenario.replications if replications is None else replications
    root_seed = scenario.seed if seed is None else seed
    progress = Progress(f"replications of {scenario.name}", quiet=quiet)
    try:
        summary = run_scenario(scenario, replications=n, seed=root_seed, executor=executor,
                               progress=progress, series=False, simulator=simulator)
    except ReplicationError as exc:
        return ScenarioCheck(path, scenario, (), time.perf_counter() - started, n, root_seed,
                             error=str(exc))
    finally:
        progress.close()
    report = build_report(summary, risk_map(scenario.network))
    outcomes = evaluate_all(report, scenario.expect)
    return ScenarioCheck(path, scenario, outcomes, time.perf_counter() - started, n, root_seed)


# --------------------------------------------------------------------------
# Terminal lines


def status_word(outcome: Outcome, strict_confidence: bool) -> str:
    """The tag of the terminal line.

    ``met``, ``not met``, ``warning: inconclusive`` (passes),
    ``inconclusive`` (fails, under ``--strict-confidence``) or ``error``
    (unavailable).
    """
    if outcome.status == UNAVAILABLE:
        return "error"
    if outcome.status == INCONCLUSIVE and not strict_confidence:
        return "warning: inconclusive"
    return outcome.status


def outcome_line(outcome: Outcome, strict_confidence: bool) -> str:
    """``FILE:LINE:COL: STATUS: SUBJECT: figure; required BOUND[; advice]``."""
    e = outcome.expectation
    status = status_word(outcome, strict_confidence)
    text = f"{e.pos}: {status}: {subject_text(e)}: {outcome.message}"
    if outcome.status == INCONCLUSIVE:
        text += ("; fails under --strict-confidence" if strict_confidence
                 else "; passes with this warning (--strict-confidence fails it)")
    return text


def print_check(check: ScenarioCheck, strict_confidence: bool, stream: TextIO) -> None:
    """The scenario's heading line, then one line per expectation."""
    print(f"{check.path}: {check.scenario.name}: {check.replications} replications, "
          f"seed {check.seed}, {check.seconds:.1f} s", file=stream)
    if check.error:
        print(f"{check.path}: error: {check.error}", file=stream)
    for outcome in check.outcomes:
        print(outcome_line(outcome, strict_confidence), file=stream)
    stream.flush()  # a CI log shows each scenario as it finishes, not at the end


def tally(checks: Sequence[ScenarioCheck]) -> dict[str, int]:
    """Expectations per status over all checks (every status present, 0 if none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for check in checks:
        for outcome in check.outcomes:
            counts[outcome.status] += 1
    return counts


def totals_line(checks: Sequence[ScenarioCheck], strict_confidence: bool) -> str:
    """``riskmap check: 3 scenarios, 10 expectations: 7 met, 2 not met, ...: FAILED``."""
    counts = tally(checks)
    total = sum(counts.values())
    failed_runs = sum(1 for c in checks if c.error)
    inconclusive = (f"{counts[INCONCLUSIVE]} inconclusive "
                    f"({'failed' if strict_confidence else 'passed with a warning'})")
    parts = [f"{counts[MET]} met", f"{counts[NOT_MET]} not met", inconclusive,
             f"{counts[UNAVAILABLE]} unavailable"]
    if failed_runs:
        parts.append(f"{_plural(failed_runs, 'scenario')} failed to run")
    verdict = "passed" if exit_code(checks, strict_confidence) == EXIT_OK else "FAILED"
    return (f"riskmap check: {_plural(len(checks), 'scenario')}, "
            f"{_plural(total, 'expectation')}: "
            f"{', '.join(parts)}: {verdict}")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --------------------------------------------------------------------------
# JUnit


def junit_suites(checks: Sequence[ScenarioCheck], strict_confidence: bool) -> list:
    """One :class:`~riskmap.report.junit.Suite` per scenario, one case per expectation."""
    from riskmap.report import junit

    suites = []
    for check in checks:
        classname = safe_name(os.path.splitext(os.path.basename(check.path))[0])
        names = case_names(check.scenario.expect)
        if check.error:
            # every expectation of a scenario that could not run is an error, not a pass
            cases = [junit.Case(name, classname, junit.ERROR, "the simulation failed",
                                "simulation-failed", check.error) for name in names]
        else:
            cases = [junit_case(outcome, name, classname, check, strict_confidence)
                     for outcome, name in zip(check.outcomes, names)]
        properties = (("file", check.path), ("replications", str(check.replications)),
                      ("seed", str(check.seed)))
        suites.append(junit.Suite(check.scenario.name, tuple(cases), check.seconds,
                                  properties=properties))
    return suites


def case_names(plan: Sequence[Expectation]) -> list[str]:
    """Test case names, unique within a scenario: a repeated line gets `` #2``, `` #3``."""
    seen: dict[str, int] = {}
    names = []
    for e in plan:
        name = expectation_label(e)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return names


def junit_case(outcome: Outcome, name: str, classname: str, check: ScenarioCheck,
               strict_confidence: bool):
    """The test case of one outcome: a failure when not met, an error when unavailable."""
    from riskmap.report import junit

    e = outcome.expectation
    # the message names its subject: CI services often show it without the case name
    message = f"{subject_text(e)}: {outcome.message}"
    where = f"{e.pos}: {message}"
    rerun = (f"Reproduce with: riskmap run {check.path} --seed {check.seed} "
             f"--replications {check.replications}")
    if outcome.status == UNAVAILABLE:
        return junit.Case(name, classname, junit.ERROR, message, "unavailable", where)
    if outcome.status == NOT_MET or (outcome.status == INCONCLUSIVE and strict_confidence):
        kind = "not-met" if outcome.status == NOT_MET else "inconclusive"
        return junit.Case(name, classname, junit.FAILURE, message, kind, f"{where}\n{rerun}")
    output = f"warning: {where}" if outcome.status == INCONCLUSIVE else where
    return junit.Case(name, classname, junit.PASSED, output=output)


# --------------------------------------------------------------------------
# Markdown summary

_MARKS = {MET: "✅ met", NOT_MET: "❌ not met", INCONCLUSIVE: "⚠️ inconclusive",
          UNAVAILABLE: "⛔ unavailable"}


def summary_markdown(checks: Sequence[ScenarioCheck], strict_confidence: bool) -> str:
    """A Markdown summary for a pull-request comment: a headline, then a table per scenario."""
    code = exit_code(checks, strict_confidence)
    counts = tally(checks)
    total = sum(counts.values())
    passed = sum(1 for c in checks for o in c.outcomes if o.passed(strict_confidence))
    headline = "✅ all expectations pass" if code == EXIT_OK else "❌ the contingency plans fail"
    lines = [f"## riskmap check: {headline}", "",
             f"{passed} of {_plural(total, 'expectation')} pass in "
             f"{_plural(len(checks), 'scenario')} "
             f"({counts[MET]} met, {counts[NOT_MET]} not met, {counts[INCONCLUSIVE]} "
             f"inconclusive, {counts[UNAVAILABLE]} unavailable). Inconclusive means the 95% "
             "confidence interval contains the threshold; it "
             + ("fails (`--strict-confidence`)." if strict_confidence
                else "passes with a warning."), ""]
    for check in checks:
        lines += [f"### {_md(check.scenario.name)}", "",
                  f"`{_md(check.path)}`: {check.replications} replications, seed {check.seed}, "
                  f"{check.seconds:.1f} s", ""]
        if check.error:
            lines += [f"**The simulation failed:** {_md(check.error)}", ""]
            continue
        lines += ["| result | expectation | figure | note |", "|---|---|---|---|"]
        for o in check.outcomes:
            lines.append(f"| {_MARKS[o.status]} | {_md(expectation_label(o.expectation))} | {_md(_figure_cell(o))} | "
                         f"{_md(_note_cell(o))} |")
        lines.append("")
    return "\n".join(lines)


def _figure_cell(outcome: Outcome) -> str:
    return figure_text(outcome.figure) if outcome.figure is not None else "-"


def _note_cell(outcome: Outcome) -> str:
    if outcome.status == UNAVAILABLE:
        return outcome.message
    if outcome.status == INCONCLUSIVE:
        return advice(outcome.figure, outcome.replications_needed)
    return ""


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
