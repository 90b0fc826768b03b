"""``riskmap report REPORT_JSON [--out DIR]``: render report.md and report.html again.

Reads a saved ``report.json`` (no simulation is run) and writes
``report.md`` (with its ``report-figures/`` folder) and ``report.html`` into
``--out DIR``, by default the folder of the JSON file. The same JSON always
gives byte-identical files.

Exit codes: 0 written, 2 the file is missing, not JSON, or not a riskmap
report (``FILE:LINE:COL: error: MESSAGE`` on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from riskmap.errors import Diagnostic, InputError, Pos

#: report.json format versions this renderer understands.
SUPPORTED_FORMATS = (1,)


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
    return parser


def load_report(path: str) -> dict:
    """Read and check a ``report.json``; raise :class:`InputError` with the position of any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Diagnostic(Pos(path), "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Diagnostic(Pos(path), f"cannot read the file: {exc}")]) from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Diagnostic(Pos(path, exc.lineno, exc.colno),
                                     f"not valid JSON: {exc.msg}")]) from None
    check_report(report, path)
    return report


def check_report(report, path: str) -> None:
    """The minimum a renderer needs: an object with a known ``format``, ``scenario`` and ``products``."""
    where = Pos(path, 1, 1)
    if not isinstance(report, dict):
        raise InputError([Diagnostic(where, "expected a JSON object (a riskmap report.json)")])
    problems = []
    if report.get("format") not in SUPPORTED_FORMATS:
        problems.append(f"format: expected one of {list(SUPPORTED_FORMATS)}, "
                        f"got {report.get('format')!r}; is this a riskmap report.json?")
    for key in ("scenario", "products"):
        if not isinstance(report.get(key), dict):
            problems.append(f"{key}: missing or not an object")
    if problems:
        raise InputError([Diagnostic(where, message) for message in problems])


def run(args: argparse.Namespace) -> int:
    """Render both reports from the JSON file."""
    from riskmap.report import html, markdown

    report = load_report(args.report)
    out_dir = Path(args.out) if args.out else Path(args.report).resolve().parent
    written = [markdown.write(report, out_dir), html.write(report, out_dir)]
    if not args.quiet:
        for path in written:
            print(f"riskmap: wrote {path}", file=sys.stderr)
    return 0
