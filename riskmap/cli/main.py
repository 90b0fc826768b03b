"""``riskmap`` entry point: ``main(argv) -> int`` and the exit-code contract.

Exit codes (docs/reliability.md, "Exit codes"): 0 success, 1 expectations not met (``check``),
2 bad input, 3 unexpected internal error, 130 interrupted (Ctrl-C, SIGINT),
143 terminated (SIGTERM). An interrupted or terminated run stops its workers
and leaves no partial report: reports are written atomically, and only once
every replication has finished.

Each subcommand lives in ``riskmap/cli/<name>.py`` and exposes
``add_parser(subparsers)`` and ``run(args) -> int``. Subcommand modules are
imported only when their command runs, so ``riskmap --help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import signal
import sys
import threading
from typing import Optional, Sequence

from riskmap import __version__

EXIT_OK = 0
EXIT_NOT_MET = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived. A KeyboardInterrupt, so every clean-up path for Ctrl-C also runs."""


def _raise_terminated(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def _sigterm_raises():
    """Within the block, SIGTERM raises :class:`Terminated` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

#: subcommand name -> (module, one-line help). Order is the order of --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("riskmap.cli.validate", "check network and scenario files"),
    "map": ("riskmap.cli.map", "static risk map of a network: single points of failure, TTS, TTR, PI, REI"),
    "run": ("riskmap.cli.run", "Monte Carlo simulation of a scenario; writes reports"),
    "check": ("riskmap.cli.check", "run scenarios and enforce their expect: plans"),
    "report": ("riskmap.cli.report", "render report.md and report.html again from a report.json"),
    "compare": ("riskmap.cli.compare", "two plans side by side: the change of each figure, paired "
                                       "or from two reports"),
    "import": ("riskmap.cli.import_tables", "a planner's tables (a CSV folder or an .xlsx "
                                            "workbook) to a network file"),
    "export": ("riskmap.cli.export", "a network to the tables riskmap import reads (CSV files "
                                     "or an .xlsx workbook)"),
    "optimize": ("riskmap.cli.optimize", "least-cost stock levels that keep the service targets "
                                         "under the scenario's disruptions"),
    "fit-disruptions": ("riskmap.cli.fit_disruptions", "fit each supplier's recurring outages "
                                                       "from a table of past events"),
}


def available_commands() -> dict[str, tuple[str, str]]:
    """The subcommands whose module exists in this installation."""
    found = {}
    for name, (module, help_text) in COMMANDS.items():
        if importlib.util.find_spec(module) is not None:
            found[name] = (module, help_text)
    return found


def build_parser(selected: Optional[str] = None) -> argparse.ArgumentParser:
    """The argument parser. Only ``selected``'s module is imported to add its options."""
    parser = argparse.ArgumentParser(
        prog="riskmap",
        description="Supply chain risk mapping and Monte Carlo simulation of backorders.",
    )
    parser.add_argument("--version", action="version", version=f"riskmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in available_commands().items():
        if name == selected:
            importlib.import_module(module).add_parser(sub, name, help_text)
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def _selected_command(argv: Sequence[str]) -> Optional[str]:
    for arg in argv:
        if arg in COMMANDS:
            return arg
        if not arg.startswith("-"):
            return None
    return None


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    An interrupt at any point, even while the options are read or a
    command's modules are imported, is the one-line exit 130 (or 143). An
    interrupt that lands inside a C extension's import can come out as another
    exception (numpy turns it into an ``ImportError``); a SIGINT noted by
    :func:`_noting_interrupts` makes that exit 130 too.
    """
    noted: list[int] = []
    try:
        with _noting_interrupts(noted):
            return _main(argv)
    except Terminated:
        print("riskmap: terminated (SIGTERM)", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("riskmap: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:
        if not noted:
            raise
        print("riskmap: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


@contextlib.contextmanager
def _noting_interrupts(noted: list[int]):
    """Append each SIGINT to ``noted`` while raising ``KeyboardInterrupt`` as usual.

    Only when Python's own handler is in place: a caller's handler is left alone.
    A ``KeyboardInterrupt`` raised where Python cannot propagate it (a weak-reference
    callback of the import system, a ``__del__``) would be printed as "Exception ignored"
    with a traceback and lost; the unraisable hook has it raised again in the main thread
    (:func:`_thread.interrupt_main`, from a timer thread a few milliseconds later, so
    that it lands after the hook has returned), at the next point where it can propagate.
    """
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return
    import _thread

    def note(signum, frame):
        noted.append(signum)
        raise KeyboardInterrupt

    previous_hook = sys.unraisablehook

    def unraisable(info):
        if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
            again = threading.Timer(0.005, _thread.interrupt_main, args=(signal.SIGINT,))
            again.daemon = True
            again.start()
            return
        previous_hook(info)

    signal.signal(signal.SIGINT, note)
    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _main(argv: Optional[Sequence[str]]) -> int:
    from riskmap.errors import InputError

    argv = list(sys.argv[1:] if argv is None else argv)
    selected = _selected_command(argv)
    parser = build_parser(selected)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with _sigterm_raises():
            module = importlib.import_module(COMMANDS[args.command][0])
            return module.run(args)
    except InputError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        raise  # main() says it in one line
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the contract: one line, exit 3
        from riskmap.escape import terminal

        print(terminal(f"riskmap: internal error: {type(exc).__name__}: {exc} "
                       f"(please report this with the input files)"), file=sys.stderr)
        return EXIT_INTERNAL


def entry_point() -> None:
    """Console-script entry point."""
    try:
        code = main()
    except KeyboardInterrupt:  # a second Ctrl-C while the first one's line was printed
        code = EXIT_INTERRUPTED
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry_point()
