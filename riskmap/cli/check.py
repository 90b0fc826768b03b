"""``riskmap check SCENARIO...``: run scenarios and enforce their ``expect:`` plans.

Every file (and every ``*.yaml``/``*.yml`` in a named folder, walked in
sorted order) is loaded *before* anything runs, so a typo in the last file
fails the build at once, with every diagnostic, and exit code 2. Network
files found in a folder are skipped (they have no plan); a network file named
on the command line is an error. A scenario without ``expect:`` is not run.

Each scenario then runs on all local workers (``--workers`` to change it),
its :class:`~riskmap.report.content.Report` is built as ``riskmap run``
builds it, and each expectation is judged on it by :mod:`riskmap.plans`. One
line per expectation goes to stdout (:mod:`riskmap.plans.results` writes the
lines, the JUnit cases and the Markdown summary), in the format editors and
CI logs recognise::

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
from typing import Optional, Sequence, TextIO

from riskmap.cli.common import add_simulation_options, stderr_warning, write_file
from riskmap.cli.run import check_work, safe_name
from riskmap.escape import terminal
from riskmap.model import Scenario
from riskmap.plans import evaluate_all
from riskmap.plans.results import (ScenarioCheck, all_passed, error_line, heading_line,
                                   junit_suites, outcome_line, summary_markdown, totals_line)

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
# The command


def exit_code(checks: Sequence[ScenarioCheck], strict_confidence: bool) -> int:
    """3 if a simulation failed, else 1 if any expectation did not pass, else 0."""
    if any(c.error for c in checks):
        return EXIT_SIMULATION_FAILED
    return EXIT_OK if all_passed(checks, strict_confidence) else EXIT_NOT_MET


def run(args: argparse.Namespace) -> int:
    """Load every plan, run the scenarios, report, return the exit code."""
    from riskmap.cli.common import expand_inputs
    from riskmap.run.executors import make_executor

    paths = expand_inputs(args.scenarios)
    plans = load_plans(paths, explicit=set(args.scenarios), quiet=args.quiet, force=args.force)
    ready_targets(args)  # a bad --junit or --summary path fails now, not after the runs
    events = sum(check_work(scenario, args) for _, scenario in plans)
    executor = make_executor(args.workers, args.scheduler, events,
                             warn=stderr_warning(args))
    checks = []
    for path, scenario in plans:
        if not scenario.expect:
            if not args.quiet:
                print(terminal(f"riskmap: {path}: no expect: plan, not run"), file=sys.stderr)
            continue
        check = check_scenario(path, scenario, executor, replications=args.replications,
                               seed=args.seed, quiet=args.quiet)
        print_check(check, args.strict_confidence, sys.stdout)
        checks.append(check)
    print(totals_line(checks, args.strict_confidence), file=sys.stdout)
    if args.junit:
        from riskmap.report import junit

        write_file(args.junit, "--junit",
                   junit.dumps(junit_suites(checks, args.strict_confidence, junit_classname)))
    if args.summary:
        write_file(args.summary, "--summary", summary_markdown(checks, args.strict_confidence))
    return exit_code(checks, args.strict_confidence)


def ready_targets(args: argparse.Namespace) -> None:
    """Make the ``--junit`` and ``--summary`` files' folders ready (exit 2 naming the fix)."""
    from riskmap.output.atomic import prepare_target

    for option, target in (("--junit", args.junit), ("--summary", args.summary)):
        if target:
            prepare_target(target, option)


# --------------------------------------------------------------------------
# Loading


def load_plans(paths: Sequence[str], explicit: set[str],
               quiet: bool = False, force: bool = False) -> list[tuple[str, Scenario]]:
    """Load every file; raise one :class:`InputError` with the diagnostics of all bad ones.

    Network files are skipped when they were found in a folder and are an
    error when named in ``explicit``. ``force`` reads files beyond the size bound.
    """
    from riskmap.errors import Diagnostic, InputError, Pos, display_path
    from riskmap.load import check_file

    plans, problems = [], []
    for path in paths:
        loaded = check_file(path, force=force)
        if loaded.errors:
            problems.extend(loaded.diagnostics)
        elif isinstance(loaded.model, Scenario):
            plans.append((path, loaded.model))
        elif path in explicit:
            problems.append(Diagnostic(Pos(path), "this is a network file; riskmap check runs "
                                                  "scenario files (with an expect: plan)"))
        elif not quiet:
            print(terminal(f"riskmap: {display_path(path)}: a network file, skipped"),
                  file=sys.stderr)
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
    from riskmap.errors import SimulationError
    from riskmap.run.montecarlo import run_scenario
    from riskmap.run.progress import Progress

    started = time.perf_counter()
    n = scenario.replications if replications is None else replications
    root_seed = scenario.seed if seed is None else seed
    progress = Progress(terminal(f"replications of {scenario.name}"), quiet=quiet)
    try:
        summary = run_scenario(scenario, replications=n, seed=root_seed, executor=executor,
                               progress=progress, series=False, simulator=simulator)
    except SimulationError as exc:  # a replication failed, or a worker was lost
        return ScenarioCheck(path, scenario, (), time.perf_counter() - started, n, root_seed,
                             error=str(exc))
    finally:
        progress.close()
    report = build_report(summary, risk_map(scenario.network))
    outcomes = evaluate_all(report, scenario.expect)
    return ScenarioCheck(path, scenario, outcomes, time.perf_counter() - started, n, root_seed)


# --------------------------------------------------------------------------
# Terminal


def print_check(check: ScenarioCheck, strict_confidence: bool, stream: TextIO) -> None:
    """The scenario's heading line, then one line per expectation."""
    print(heading_line(check), file=stream)
    if check.error:
        print(error_line(check), file=stream)
    for outcome in check.outcomes:
        print(outcome_line(outcome, strict_confidence), file=stream)
    stream.flush()  # a CI log shows each scenario as it finishes, not at the end


def junit_classname(path: str) -> str:
    """The JUnit class name of a scenario file: its name without extension, made portable."""
    return safe_name(os.path.splitext(os.path.basename(path))[0])
