"""``riskmap export NETWORK --out DIR`` (or ``--out BOOK.xlsx``): a network to tables.

Writes the tables riskmap import reads (network, regions, suppliers, items, bom, lanes)
as CSV files in DIR, or as the sheets of an .xlsx workbook, so a network can be edited
in a spreadsheet and imported again; importing them gives the same network. NETWORK
may be a scenario file: its network is exported. Other files in DIR (a sales.csv) are
left as they are; each table file is replaced whole or not at all.

Exit codes: 0 written, 2 bad input, a network the tables cannot carry (named), or an
--out that cannot be written.
"""

from __future__ import annotations

import argparse
import os
import sys

from riskmap.cli.common import add_force_option, write_file
from riskmap.escape import terminal


def add_parser(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add ``riskmap export`` and its options."""
    parser = sub.add_parser(name, help=help_text, description=__doc__.split("\n\n")[1],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="NETWORK", help="a network or scenario file")
    parser.add_argument("--out", metavar="DIR|BOOK.xlsx", required=True,
                        help="a folder for the CSV files, or a workbook ending in .xlsx")
    parser.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    add_force_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Export the network's tables to the folder or workbook of ``--out``."""
    from riskmap.load import load_file
    from riskmap.tables.export import csv_text, network_tables, workbook_value
    from riskmap.tables.source import WORKBOOK_SUFFIX
    from riskmap.tables.workbook import write_workbook

    loaded = load_file(args.file, force=args.force)
    network = getattr(loaded, "network", loaded)  # a Scenario carries its Network
    tables = network_tables(network)
    if args.out.lower().endswith(WORKBOOK_SUFFIX):
        sheets = [(name, [list(header)] + [[workbook_value(v) for v in row] for row in rows])
                  for name, header, rows in tables]
        written = [write_file(args.out, "--out", write_workbook(args.out, sheets))]
    else:
        written = [write_file(os.path.join(args.out, f"{name}.csv"), "--out",
                              csv_text(header, rows)) for name, header, rows in tables]
    if not args.quiet:
        for path in written:
            print(terminal(f"riskmap export: wrote {path}"), file=sys.stderr)
    return 0
