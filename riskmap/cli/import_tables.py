"""``riskmap import SOURCE --out NETWORK.yaml``: a planner's tables to a network file.

SOURCE is a folder of CSV files (suppliers.csv, items.csv, bom.csv, lanes.csv, sales.csv,
and optionally network.csv and regions.csv) or an .xlsx workbook whose sheets bear those
names (docs/import.md). Every problem of every table is printed at once as
FILE:ROW:COL: error: MESSAGE (BOOK.xlsx[SHEET]:ROW:COL for a workbook) and nothing is
written; warnings are printed and the file is written. What was fitted to each product's
sales lines, and how well, is printed on stdout, and drawn (history against the fitted
demand, and the backtest) in an HTML page beside the network file (--fit-page).

Exit codes: 0 written, 2 bad tables or an --out that cannot be written.
"""

from __future__ import annotations

import argparse
import os
import sys

from riskmap.cli.common import add_force_option, write_file
from riskmap.errors import display_path
from riskmap.escape import terminal


def add_parser(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add ``riskmap import`` and its options."""
    parser = sub.add_parser(name, help=help_text, description=__doc__.split("\n\n")[1],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", metavar="SOURCE",
                        help="a folder of CSV files or an .xlsx workbook")
    parser.add_argument("--out", metavar="NETWORK.yaml", required=True,
                        help="the network file to write")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no warnings or messages on stderr, nothing on stdout")
    parser.add_argument("--fit-page", metavar="PAGE.html",
                        help="the page of the demand fits (default: the network file's name "
                             "with .demand.html, written when the tables have sales)")
    parser.add_argument("--scenario", metavar="SCENARIO.yaml",
                        help="also write a starter scenario that runs the imported network "
                             "(no disruptions yet), so that riskmap run SCENARIO.yaml follows")
    parser.add_argument("--horizon", type=float, default=365.0, metavar="T",
                        help="the starter scenario's horizon, in the network's time unit "
                             "(default 365)")
    add_force_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Import the tables; write the network file only when they hold no error."""
    from riskmap.tables.importer import import_tables

    refuse_source_as_out(args.source, args.out)
    refuse_scenario_as_out(args.scenario, args.out, args.horizon)
    imported = import_tables(args.source, force=args.force)
    name = display_path(os.path.basename(os.path.normpath(args.source)))
    if args.scenario is not None:
        from riskmap.output.atomic import prepare_target

        prepare_target(args.scenario, "--scenario")  # refuses before anything is written
    page_text = page = None
    if imported.demands:
        from riskmap.history import fit_page
        from riskmap.output.atomic import prepare_target

        page = args.fit_page or fit_page_path(args.out)
        prepare_target(page, "--fit-page")  # a bad page path refuses before anything is written
        page_text = fit_page(imported.demands, f"Demand fitted to the sales of {name}")
    path = write_file(args.out, "--out", imported.text(name))
    if page is not None:
        page = write_file(page, "--fit-page", page_text)
    scenario = None
    if args.scenario is not None:
        scenario = write_file(args.scenario, "--scenario",
                              starter_scenario(args.out, args.scenario, name, args.horizon))
    if args.quiet:
        return 0
    for diagnostic in imported.warnings:
        print(diagnostic.format(), file=sys.stderr)
    for product in sorted(imported.demands):
        for line in imported.demands[product].describe():
            print(terminal(line))
    print(terminal(f"riskmap import: wrote {path}"), file=sys.stderr)
    if page is not None:
        print(terminal(f"riskmap import: the demand fits are drawn in {page}"), file=sys.stderr)
    if scenario is not None:
        print(terminal(f"riskmap import: wrote {scenario}; run it with: riskmap run {scenario}"),
              file=sys.stderr)
    return 0


def starter_scenario(network: str, scenario: str, name: str, horizon: float) -> str:
    """A scenario file that runs ``network`` as imported, for ``horizon``, with no disruption.

    The network is named by its path relative to the scenario's folder, as a scenario
    file writes it; the planner adds what goes wrong under ``disruptions:``.

    >>> print(starter_scenario("plans/net.yaml", "plans/base.yaml", "book.xlsx", 365.0))
    ... # doctest: +NORMALIZE_WHITESPACE
    # A starter scenario written by riskmap import: the imported network as it stands.
    # Add what goes wrong under disruptions: (docs/scenarios.md) and the plan to check
    # under expect: (docs/ci.md).
    riskmap: 1
    name: book.xlsx as imported
    network: net.yaml
    horizon: 365
    replications: 100
    seed: 0
    disruptions: []
    <BLANKLINE>
    """
    import yaml

    folder = os.path.dirname(os.path.abspath(scenario))
    relative = os.path.relpath(os.path.abspath(network), folder).replace(os.sep, "/")
    record = {"riskmap": 1, "name": f"{name} as imported", "network": relative,
              "horizon": int(horizon) if float(horizon).is_integer() else horizon,
              "replications": 100, "seed": 0, "disruptions": []}
    head = ("# A starter scenario written by riskmap import: the imported network as it stands.\n"
            "# Add what goes wrong under disruptions: (docs/scenarios.md) and the plan to check\n"
            "# under expect: (docs/ci.md).\n")
    return head + yaml.safe_dump(record, sort_keys=False, allow_unicode=True)


def refuse_scenario_as_out(scenario, out: str, horizon: float) -> None:
    """An :class:`InputError` for a ``--scenario`` that is ``--out``, or a horizon not above 0."""
    from riskmap.errors import Diagnostic, InputError, Pos

    problems = []
    if scenario is not None and os.path.abspath(scenario) == os.path.abspath(out):
        problems.append(Diagnostic(Pos(scenario), "--scenario names the network file --out "
                                                  "writes; give the scenario a file of its own"))
    if not (horizon > 0 and horizon < float("inf")):
        problems.append(Diagnostic(Pos("--horizon"), f"--horizon must be a number above 0, "
                                                     f"got {horizon:g}"))
    if problems:
        raise InputError(problems)


def fit_page_path(out: str) -> str:
    """The fit page's default path: ``net.yaml`` -> ``net.demand.html``.

    >>> fit_page_path("plans/net.yaml")
    'plans/net.demand.html'
    """
    stem, ext = os.path.splitext(out)
    return (stem if ext.lower() in (".yaml", ".yml") else out) + ".demand.html"


def refuse_source_as_out(source: str, out: str) -> None:
    """An :class:`InputError` when ``--out`` names the workbook being read (it would be lost)."""
    from riskmap.errors import Diagnostic, InputError, Pos

    try:
        same = os.path.isfile(source) and os.path.samefile(source, out)
    except OSError:  # --out does not exist yet
        same = False
    if same:
        raise InputError([Diagnostic(Pos(out), "--out names the workbook being imported; "
                                               "write the network to a file of its own, such as "
                                               "network.yaml")])
