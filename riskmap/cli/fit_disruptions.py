"""``riskmap fit-disruptions TABLE.csv``: scenario lines fitted from past outages.

Reads a table of past outages (``supplier``, ``start``, ``end``;
:mod:`riskmap.history.outages`), fits each supplier's up time between outages
(or their rate) and their duration, and prints the ``disruptions:`` block of a
scenario file on stdout, or writes it to ``--out FILE`` (whole or not at all).

Exit codes: 0 written, 2 bad input (a missing or malformed table, a bad
``--from``/``--to``, an unwritable ``--out``), with ``FILE:LINE:COL: error:
MESSAGE`` on stderr.
"""

from __future__ import annotations

import argparse
import sys

from riskmap.cli.common import add_force_option


def add_parser(subparsers, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add ``riskmap fit-disruptions`` and its options."""
    parser = subparsers.add_parser(
        name, help=help_text, description=help_text,
        epilog="The table has a header row naming supplier, start and end; times are numbers "
               "in the network's time unit or ISO dates (days). docs/history.md.")
    parser.add_argument("table", metavar="TABLE.csv", help="past outages, one a row")
    parser.add_argument("--from", dest="since", metavar="T", default=None,
                        help="start of the observation window (default: the first start)")
    parser.add_argument("--to", dest="until", metavar="T", default=None,
                        help="end of the observation window (default: the last end)")
    parser.add_argument("--form", choices=("every", "rate"), default="every",
                        help="every: up time between outages (the default); rate: outages per "
                             "time unit as a Poisson process")
    parser.add_argument("--time-unit", default="day", metavar="UNIT",
                        help="the unit of numeric times, for the comment line (default: day)")
    parser.add_argument("--out", metavar="FILE", default=None,
                        help="write the lines to FILE instead of stdout")
    add_force_option(parser)
    return parser


def given_text(window) -> str:
    return f"{window[0]:g}, {window[1]:g}"


def run(args: argparse.Namespace) -> int:
    """Fit the table's outages and write the scenario lines."""
    from riskmap.errors import Diagnostic, InputError, Pos
    from riskmap.history.outages import fit_outages, parse_time, read_events, scenario_lines
    from riskmap.load.document import read_text

    text = read_text(args.table, force=args.force)
    events, dates = read_events(args.table, text)
    window = [min(e.start for e in events), max(e.end for e in events)]
    for i, (option, given) in enumerate((("--from", args.since), ("--to", args.until))):
        if given is None:
            continue
        value = parse_time(given, dates)
        if value is None:
            kind = "an ISO date such as 2024-03-01, as the table's" if dates else "a number"
            raise InputError([Diagnostic(Pos(option), f"expected {kind}, got {given!r}")])
        window[i] = value
    if not window[1] > window[0]:
        raise InputError([Diagnostic(Pos("--to"), f"the observation window [{given_text(window)}] "
                                                  "is empty; --to must be after --from")])
    outside = [e for e in events if not window[0] <= e.start < window[1]]
    if outside:
        raise InputError([Diagnostic(e.pos, f"the outage of {e.supplier!r} starts outside the "
                                            f"observation window [{given_text(window)}]; widen "
                                            "--from/--to or leave the row out")
                          for e in outside])
    try:
        fits = fit_outages(events, (window[0], window[1]))
    except ValueError as exc:
        raise InputError([Diagnostic(Pos(args.table), str(exc))]) from None
    lines = scenario_lines(fits, args.form, source=args.table,
                           time_unit="day" if dates else args.time_unit)
    if args.out is None:
        sys.stdout.write(lines)
        return 0
    from riskmap.output.atomic import prepare_target, write_atomic
    from riskmap.output.faults import output_faults

    path = prepare_target(args.out, "--out")
    with output_faults(path, "--out"):
        write_atomic(path, lines)
    print(f"riskmap: wrote {path}", file=sys.stderr)
    return 0
