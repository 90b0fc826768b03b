"""``riskmap validate FILE...``: check network and scenario files.

Every problem is printed as ``FILE:LINE:COL: severity: MESSAGE [check]`` on
stderr, all problems of all files in one run (at most :data:`SHOWN_PER_FILE`
lines per file, then how many more there are). Exit 0 when every file is valid,
2 otherwise. ``--strict`` turns warnings into errors; ``--force`` reads files
larger than the size bound.
"""

from __future__ import annotations

import argparse
import sys

from riskmap.cli.common import add_force_option, expand_inputs
from riskmap.errors import display_path

#: diagnostics printed per file; the count of the others follows them. A file of a
#: million unknown keys would otherwise print a million lines (and spend its time there).
SHOWN_PER_FILE = 100


def add_parser(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=__doc__.split("\n\n")[1],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="network or scenario files, or folders to search for *.yaml")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    add_force_option(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from riskmap.load import check_file

    paths = expand_inputs(args.files)
    printed: set[str] = set()
    errors = warnings = invalid = 0
    for path in paths:
        loaded = check_file(path, strict=args.strict, force=args.force)
        invalid += bool(loaded.errors)
        shown = hidden = 0
        for diagnostic in loaded.diagnostics:
            line = diagnostic.format()
            if line in printed:  # a network shared by several scenarios is reported once
                continue
            printed.add(line)
            if diagnostic.severity == "error":
                errors += 1
            else:
                warnings += 1
            if shown < SHOWN_PER_FILE:
                print(line, file=sys.stderr)
                shown += 1
            else:
                hidden += 1
        if hidden:
            print(f"riskmap validate: {display_path(path)}: ... and {hidden} more diagnostic(s) "
                  f"not shown (the first {SHOWN_PER_FILE} are)", file=sys.stderr)
    noun = "file" if len(paths) == 1 else "files"
    verdict = f"{invalid} invalid" if invalid else "valid"
    print(f"riskmap validate: {len(paths)} {noun} checked, {verdict}: {errors} error(s), "
          f"{warnings} warning(s)", file=sys.stderr)
    return 2 if errors else 0
