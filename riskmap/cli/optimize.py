"""``riskmap optimize SCENARIO --out DIR``: least-cost stock levels that keep the targets under disruption.

Searches the parameters of the items' policies (each keeps its type;
``--items`` limits the search) for the least expected cost (holding +
backorder + lost-sale costs) such that every target holds under the
scenario's disruptions (:mod:`riskmap.optimize`, docs/optimize.md). Targets
come from ``--target PRODUCT:METRIC>=VALUE`` (or ``<=``), else from the
scenario's ``expect:`` product lines; with none, cost alone is minimised.

Writes ``optimize.json``, ``optimized.yaml`` (the scenario with the plan's
policies, its network in ``optimized-network.yaml``), ``report.md``,
``report.html`` and ``frontier.svg`` into ``--out DIR`` as one set
(:mod:`riskmap.report.publish`); the folder is locked for the whole search.
Every evaluation is kept in a journal in DIR (``.riskmap-optimize.jsonl``),
so ``--resume`` continues an interrupted search without simulating a plan
twice; it is removed when the set is published.

Exit codes: 0 a plan that meets every target (on fresh replications), 1 none
found (the files are written all the same, with ``met: false``), 2 bad
input, 3 a replication failed, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from riskmap.cli.common import add_simulation_options, positive_int
from riskmap.escape import terminal

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_SIMULATION_FAILED = 3


def add_parser(subparsers, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add ``riskmap optimize`` and its options."""
    from riskmap.optimize import DEFAULT_BUDGET

    parser = subparsers.add_parser(
        name, help=help_text, description=help_text,
        epilog="Writes optimize.json, optimized.yaml and report.md/report.html into --out DIR.")
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML)")
    parser.add_argument("--out", metavar="DIR", required=True, help="directory for the results")
    parser.add_argument("--target", metavar="PRODUCT:METRIC>=VALUE", action="append", default=[],
                        help="a service target (repeatable; <= for an upper bound); default: "
                             "the scenario's expect: product lines")
    parser.add_argument("--items", metavar="ID,...", default=None,
                        help="search only these items' policies (default: every item with one)")
    add_simulation_options(parser, "the scenario, for every candidate")
    parser.add_argument("--verify-replications", type=positive_int, metavar="N", default=None,
                        help="replications of the check on fresh seeds (default: twice the "
                             "search's)")
    parser.add_argument("--evaluations", type=positive_int, metavar="N", default=DEFAULT_BUDGET,
                        help=f"most candidate plans evaluated (default {DEFAULT_BUDGET})")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted search from the journal in --out DIR")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress or messages on stderr")
    return parser


def run(args: argparse.Namespace) -> int:
    """Search, verify and publish the set; print the verdict."""
    from riskmap.errors import SimulationError
    from riskmap.load import load_scenario
    from riskmap.optimize import Settings, expect_targets, optimize, parse_targets
    from riskmap.optimize.record import OPTIMIZE_SET, write
    from riskmap.optimize.space import searched_items
    from riskmap.report.optimize import verdict
    from riskmap.report.publish import OutputFolder
    from riskmap.run.executors import make_executor
    from riskmap.run.progress import Progress
    from riskmap.cli.run import check_work

    scenario = load_scenario(args.scenario, force=args.force)
    targets = parse_targets(args.target, scenario)
    items = None
    if args.items is not None:
        items = [i.strip() for i in args.items.split(",") if i.strip()]
    searched_items(scenario.network, items)  # bad ids are exit 2 before anything runs
    progress = Progress(label="candidate plans", quiet=args.quiet)
    if not args.target:
        targets, skipped = expect_targets(scenario)
        for line in skipped:
            progress.note(f"not a stock target, left out: {line}")
    settings = Settings(replications=args.replications, seed=args.seed,
                        verify_replications=args.verify_replications, budget=args.evaluations)
    events = check_work(scenario, args, arms=args.evaluations + 2)
    try:
        with OutputFolder(Path(args.out), "riskmap optimize") as folder:
            if folder.repaired:
                progress.note(folder.repaired)
            executor = make_executor(args.workers, args.scheduler, events,
                                     warn=lambda m: progress.note(f"warning: {m}"))
            try:
                prescription, planned = optimize(
                    scenario, targets, executor, items=items, settings=settings,
                    journal_folder=folder.path, resume=args.resume,
                    note=progress.note, progress=progress)
            except SimulationError as exc:
                progress.close()
                print(terminal(f"riskmap: error: {exc}"), file=sys.stderr)
                return EXIT_SIMULATION_FAILED
            finally:
                close = getattr(executor, "close", None)
                if close is not None:
                    close()
            progress.close()
            from riskmap.optimize.evaluation import JOURNAL

            journal = folder.path / JOURNAL
            written = folder.publish(OPTIMIZE_SET, lambda staging: write(prescription, planned,
                                                                         staging),
                                     then=lambda: journal.unlink(missing_ok=True))
    finally:
        progress.close()
    sys.stdout.write(terminal(verdict(prescription)) + "\n")
    for path in written:
        progress.note(f"wrote {path}")
    return EXIT_OK if prescription.met else EXIT_NOT_FOUND
