"""What the subcommands share: the simulation options and the expansion of input paths."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional

from riskmap.errors import Diagnostic, InputError, Pos


def _int_within(text: str, low: int, high: Optional[int], bound: str) -> int:
    """``text`` as a whole number from ``low`` to ``high`` (None: no top), else an argparse error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < low or (high is not None and value > high):
        raise argparse.ArgumentTypeError(f"{bound}, got {value}")
    return value


def whole_number(text: str) -> int:
    """An argparse type: a whole number >= 0."""
    return _int_within(text, 0, None, "must be at least 0")


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    return _int_within(text, 1, None, "must be at least 1")


#: Seeds are whole numbers from 0 to this, in files and on the command line alike.
MAX_SEED = 2**63 - 1


def seed_number(text: str) -> int:
    """An argparse type: a seed, a whole number from 0 to 2**63-1 (as the ``seed`` key)."""
    return _int_within(text, 0, MAX_SEED,
                       f"must be a whole number from 0 to 2**63-1 ({MAX_SEED})")


def add_simulation_options(parser: argparse.ArgumentParser, overrides: str) -> None:
    """``--replications``, ``--seed``, ``--workers``, ``--scheduler`` and ``--force``.

    ``overrides`` says what the first two override, e.g. ``"the scenario"``.
    """
    parser.add_argument("--replications", type=positive_int, metavar="N", default=None,
                        help=f"number of replications (overrides {overrides})")
    parser.add_argument("--seed", type=seed_number, metavar="N", default=None,
                        help=f"root random seed (overrides {overrides})")
    parser.add_argument("--workers", type=positive_int, metavar="N", default=None,
                        help="local worker processes (default: one per CPU; 1 runs in-process; "
                             "at most 4 per CPU)")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="dask.distributed scheduler address (needs riskmap[dask])")
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated work is enormous (see riskmap.run.workload), "
                             f"and read input files larger than {_max_mib()} MiB")


def add_force_option(parser: argparse.ArgumentParser) -> None:
    """``--force``: read input files larger than the size bound of riskmap.load.document."""
    parser.add_argument("--force", action="store_true",
                        help=f"read input files larger than {_max_mib()} MiB")


def _max_mib() -> int:
    from riskmap.load.document import MAX_BYTES

    return MAX_BYTES >> 20

def stderr_warning(args: argparse.Namespace):
    """A function printing ``riskmap: warning: MESSAGE`` on stderr, or None under ``--quiet``."""
    if getattr(args, "quiet", False):
        return None

    def warn(message: str) -> None:
        print(f"riskmap: warning: {message}", file=sys.stderr)

    return warn


def write_file(target: str | os.PathLike[str], option: str, data: str | bytes) -> Path:
    """Write the file named by ``option`` whole or not at all; a write fault is exit 2."""
    from riskmap.output.atomic import prepare_target, write_atomic
    from riskmap.output.faults import output_faults

    path = prepare_target(target, option)  # again: the folder may have gone meanwhile
    with output_faults(path, option):
        return write_atomic(path, data)


YAML_SUFFIXES = (".yaml", ".yml")


def expand_inputs(names: list[str]) -> list[str]:
    """Files as given, and for each folder its ``*.yaml``/``*.yml`` files, in sorted order.

    A missing path, and a folder (or subfolder) that cannot be listed, raise
    :class:`InputError` naming each: a folder skipped silently would let a check pass
    having read only part of the files.
    """
    out: list[str] = []
    missing: list[Diagnostic] = []

    def unreadable(exc: OSError) -> None:
        folder = exc.filename if exc.filename is not None else name
        missing.append(Diagnostic(Pos(folder), f"cannot read folder: {exc.strerror or exc}; "
                                               "fix its permissions or leave it out"))

    for name in names:
        if os.path.isdir(name):
            found = []
            for folder, dirs, files in os.walk(name, onerror=unreadable):
                dirs.sort()
                found.extend(os.path.join(folder, f) for f in files
                             if f.endswith(YAML_SUFFIXES))
            out.extend(sorted(found))
        elif os.path.lexists(name):
            out.append(name)  # read_bytes refuses what is not a regular file, by kind
        else:
            missing.append(Diagnostic(Pos(name), "file not found"))
    if missing:
        raise InputError(missing)
    return out
