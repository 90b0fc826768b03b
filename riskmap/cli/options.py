"""Options shared by the commands that simulate (``run`` and ``check``)."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_simulation_options(parser: argparse.ArgumentParser, overrides: str) -> None:
    """``--replications``, ``--seed``, ``--workers``, ``--scheduler`` and ``--force``.

    ``overrides`` says what the first two override, e.g. ``"the scenario"``.
    """
    parser.add_argument("--replications", type=positive_int, metavar="N", default=None,
                        help=f"number of replications (overrides {overrides})")
    parser.add_argument("--seed", type=int, metavar="N", default=None,
                        help=f"root random seed (overrides {overrides})")
    parser.add_argument("--workers", type=positive_int, metavar="N", default=None,
                        help="local worker processes (default: one per CPU; 1 runs in-process)")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="dask.distributed scheduler address (needs riskmap[dask])")
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated work is enormous (see riskmap.budget)")
