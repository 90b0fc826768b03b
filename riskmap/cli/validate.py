"""``riskmap validate FILE...``: check network and scenario files.

Every problem is printed as ``FILE:LINE:COL: severity: MESSAGE [check]`` on
stderr, all problems of all files in one run. Exit 0 when every file is valid,
2 otherwise. ``--strict`` turns warnings into errors.
"""

from __future__ import annotations

import argparse
import sys

from riskmap.cli.common import expand_inputs


def add_parser(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=__doc__.split("\n\n")[1],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="network or scenario files, or folders to search for *.yaml")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def run(args: argparse.Namespace) -> int:
    from riskmap.load import check_file

    paths = expand_inputs(args.files)
    printed: set[str] = set()
    errors = warnings = invalid = 0
    for path in paths:
        loaded = check_file(path, strict=args.strict)
        invalid += bool(loaded.errors)
        for diagnostic in loaded.diagnostics:
            line = diagnostic.format()
            if line in printed:  # a network shared by several scenarios is reported once
                continue
            printed.add(line)
            print(line, file=sys.stderr)
            if diagnostic.severity == "error":
                errors += 1
            else:
                warnings += 1
    noun = "file" if len(paths) == 1 else "files"
    verdict = f"{invalid} invalid" if invalid else "valid"
    print(f"riskmap validate: {len(paths)} {noun} checked, {verdict}: {errors} error(s), "
          f"{warnings} warning(s)", file=sys.stderr)
    return 2 if errors else 0
