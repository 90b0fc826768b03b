"""``riskmap report REPORT_JSON [--out DIR]``: render report.md and report.html again.

Reads a saved ``report.json`` (no simulation is run) and writes
``report.md`` (with its ``report-figures/`` folder) and ``report.html`` into
``--out DIR``, by default the folder of the JSON file. The same JSON always
gives byte-identical files.

The renderings are written as one set (:mod:`riskmap.report.publish`): a
reader of the folder sees the old ``report.md``, ``report.html`` and figures
or the new ones, never a mix, and a failure leaves the old ones whole. The
folder is locked while they are written (:mod:`riskmap.output.lock`): into a
folder that a ``riskmap run`` holds, the command is refused.

Exit codes: 0 written, 2 the file is missing, not JSON, or not a riskmap
report (``FILE:LINE:COL: error: MESSAGE`` on stderr), or ``--out`` cannot be
written (a file, permission, no space), or a run holds it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from riskmap.cli.common import add_force_option


def add_parser(subparsers, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add ``riskmap report`` and its options."""
    parser = subparsers.add_parser(
        name, help=help_text, description=help_text,
        epilog="Writes report.md, report-figures/ and report.html; runs no simulation.")
    parser.add_argument("report", metavar="REPORT_JSON",
                        help="a report.json written by riskmap run")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="directory for the reports (default: the folder of REPORT_JSON)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    add_force_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Render both reports from the JSON file, as one set in ``--out``."""
    from riskmap.escape import terminal
    from riskmap.report import html, markdown
    from riskmap.report.json import read_report
    from riskmap.report.publish import RENDERINGS, OutputFolder

    report = read_report(args.report, force=args.force)
    out_dir = Path(args.out) if args.out else Path(args.report).resolve().parent
    with OutputFolder(out_dir, "riskmap report") as folder:
        if folder.repaired and not args.quiet:
            print(f"riskmap: {folder.repaired}", file=sys.stderr)
        written = folder.publish(RENDERINGS, lambda staging: [markdown.write(report, staging),
                                                              html.write(report, staging)])
    if not args.quiet:
        for path in written:
            if path.suffix:  # the files; report-figures/ is named by report.md
                print(terminal(f"riskmap: wrote {path}"), file=sys.stderr)
    return 0
