"""``riskmap compare BASE HEAD [--out DIR] [--json] [--tolerance X]``: two plans side by side.

BASE and HEAD are two scenario files, or two ``report.json`` files (named by
their ``.json`` suffix). Two scenarios run with the same seed and
replications (BASE's, or ``--seed``/``--replications``), so each change is
estimated on paired per-replication differences; two reports are compared
unpaired (Welch), and every output says so. Prints a table per product (the
distinguishable changes first), or compare.json with ``--json``; writes
``compare.json``, ``compare.md`` and ``compare.html`` into ``--out DIR``
(default ``riskmap-out/compare``) as one set (:mod:`riskmap.report.publish`).
Two scenario runs show their progress on stderr as ``riskmap run`` does
(:mod:`riskmap.run.progress`), one line counting the replications of both.
``--seed`` and ``--replications`` say how to run two scenarios: with two
reports, whose figures are already drawn, they are refused (exit 2) rather
than silently ignored.

Exit codes: 0 no product is worse beyond ``--tolerance``; 1 one is (its fill
rate distinguishably lower or its backorder probability distinguishably
higher, by more than the tolerance); 2 bad input (a missing file, a
report.json that is not one, a scenario and a report mixed, an output folder
that cannot be written, ``--seed`` or ``--replications`` with two reports); 3 a
replication failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from riskmap.cli.common import add_simulation_options

EXIT_OK = 0
EXIT_WORSE = 1
EXIT_BAD_INPUT = 2
EXIT_SIMULATION_FAILED = 3

#: where the comparison goes without ``--out``.
DEFAULT_OUT = Path("riskmap-out") / "compare"


def tolerance(text: str) -> float:
    """An argparse type: a number >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number of at least 0, got {text}")
    return value


def add_parser(subparsers, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add ``riskmap compare`` and its options."""
    parser = subparsers.add_parser(
        name, help=help_text, description=help_text,
        epilog="Writes compare.json, compare.md and compare.html into --out DIR. Exit 1 when a "
               "product is worse beyond --tolerance.")
    parser.add_argument("base", metavar="BASE", help="the base plan: a scenario file or a report.json")
    parser.add_argument("head", metavar="HEAD", help="the head plan: the same kind of file as BASE")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help=f"directory for compare.json, .md, .html (default: {DEFAULT_OUT})")
    parser.add_argument("--json", action="store_true",
                        help="print compare.json on stdout instead of the table")
    parser.add_argument("--tolerance", type=tolerance, metavar="X", default=0.0,
                        help="a worsening of fill rate or backorder probability (as a share, "
                             "0.01 = 1 point) up to X is not counted (default 0: any "
                             "distinguishable worsening counts)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    add_simulation_options(parser, "BASE's, used for both runs; scenarios only")
    return parser


def _is_report(path: str) -> bool:
    return path.lower().endswith(".json")


def run(args: argparse.Namespace) -> int:
    """Compare the two plans, write the set, print the table; the exit code says worse or not."""
    from riskmap.errors import SimulationError
    from riskmap.escape import terminal
    from riskmap.report.comparison import COMPARE_SET, table, write
    from riskmap.report.publish import OutputFolder

    if _is_report(args.base) != _is_report(args.head):
        print(terminal(f"riskmap: error: {args.base} and {args.head} are not the same kind of "
                       "file; compare two scenario files or two report.json files"),
              file=sys.stderr)
        return EXIT_BAD_INPUT
    refused = _run_options(args) if _is_report(args.base) else []
    if refused:
        print(terminal(f"riskmap: error: {' and '.join(refused)} cannot apply to two "
                       "report.json files (their replications are already drawn); leave "
                       f"{'them' if len(refused) > 1 else 'it'} out, or compare the two "
                       "scenario files"), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        comparison = (compare_report_files(args) if _is_report(args.base)
                      else compare_scenario_files(args))
    except SimulationError as exc:
        print(terminal(f"riskmap: error: {exc}"), file=sys.stderr)
        return EXIT_SIMULATION_FAILED
    out_dir = Path(args.out) if args.out else DEFAULT_OUT
    with OutputFolder(out_dir, "riskmap compare") as folder:
        if folder.repaired and not args.quiet:
            print(f"riskmap: {folder.repaired}", file=sys.stderr)
        written = folder.publish(COMPARE_SET, lambda staging: write(comparison, staging))
    sys.stdout.write(comparison.dumps() if args.json else table(comparison))
    if not args.quiet:
        for path in written:
            print(terminal(f"riskmap: wrote {path}"), file=sys.stderr)
    return EXIT_WORSE if comparison.worse() else EXIT_OK


def _run_options(args: argparse.Namespace) -> list[str]:
    """The options given that only say how to run scenarios (``--seed``, ``--replications``)."""
    return [name for name, value in (("--seed", args.seed), ("--replications", args.replications))
            if value is not None]


def compare_report_files(args: argparse.Namespace):
    """Two report.json files, unpaired."""
    from riskmap.compare import compare_reports
    from riskmap.report.json import read_report

    base = read_report(args.base, force=args.force)
    head = read_report(args.head, force=args.force)
    return compare_reports(base, head, args.base, args.head, args.tolerance)


def compare_scenario_files(args: argparse.Namespace):
    """Two scenario files run with the same seed and replications, paired."""
    from riskmap.compare import compare_runs
    from riskmap.load import load_scenario
    from riskmap.run.executors import make_executor
    from riskmap.run.montecarlo import run_scenario
    from riskmap.run.progress import Progress
    from riskmap.run.workload import check_budget

    base = load_scenario(args.base, force=args.force)
    head = load_scenario(args.head, force=args.force)
    seed = base.seed if args.seed is None else args.seed
    replications = args.replications or base.replications
    events = max(check_budget(base, replications, 1, force=args.force),
                 check_budget(head, replications, 1, force=args.force))
    progress = Progress(f"replications ({replications} x 2 runs: base and head)",
                        quiet=args.quiet)
    progress.note(f"simulating {replications:,} replications of each scenario with seed "
                  f"{seed} (paired)...")
    executor = make_executor(args.workers, args.scheduler, events,
                             warn=lambda message: progress.note(f"warning: {message}"))
    progress.restart()
    try:
        runs = []
        for k, scenario in enumerate((base, head)):
            runs.append(run_scenario(
                scenario, replications=replications, seed=seed, executor=executor, series=False,
                progress=lambda done, _, k=k: progress(k * replications + done,
                                                       2 * replications)))
    finally:
        progress.close()  # ends the progress line before any later message
        close = getattr(executor, "close", None)
        if close is not None:
            close()
    return compare_runs(base, head, runs[0], runs[1], args.base, args.head, args.tolerance)
