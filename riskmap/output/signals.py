"""SIGINT and SIGTERM held back while a few steps that must not be split run.

Within :func:`signals_deferred`, Ctrl-C (SIGINT) and SIGTERM do not interrupt
the block: they are blocked for the calling thread
(:func:`signal.pthread_sigmask`, where the platform has it), and a signal
that reaches another thread (the kernel may deliver it to any thread that
does not block it) finds a handler that only remembers it. When the
outermost block ends, the previous handlers come back and each remembered
signal is raised again, so the command still stops as asked (exit 130 or
143), just after the block. The report commit
(:mod:`riskmap.report.publish`) is such a block: a few renames.

Only the main thread runs Python signal handlers; elsewhere the block runs
unchanged (a signal interrupts the main thread, not this one).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

#: the signals held back.
SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None)

_depth = 0
_pending: list[int] = []
_saved: dict[int, object] = {}
_saved_mask: set = set()


def _remember(signum, frame) -> None:
    _pending.append(signum)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM held back; raise them again after it.

    Blocks nest: only the outermost one raises what arrived meanwhile.

    Examples
    --------
    >>> seen = []
    >>> previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append("SIGINT"))
    >>> with signals_deferred():
    ...     signal.raise_signal(signal.SIGINT)  # waits for the block to end
    ...     seen.append("renamed")
    >>> seen
    ['renamed', 'SIGINT']
    >>> _ = signal.signal(signal.SIGINT, previous)
    """
    global _depth, _saved_mask
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _depth == 0:
        _saved.clear()
        for signum in SIGNALS:
            previous = signal.getsignal(signum)
            if previous is None:  # a handler not installed from Python cannot be put back
                continue
            _saved[signum] = previous
            signal.signal(signum, _remember)
        if hasattr(signal, "pthread_sigmask"):
            _saved_mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _release()


def _release() -> None:
    """Unblock (pending signals reach :func:`_remember`), restore handlers, raise the remembered."""
    if hasattr(signal, "pthread_sigmask"):
        # pthread_sigmask runs the Python handlers of signals it unblocks before returning
        signal.pthread_sigmask(signal.SIG_SETMASK, _saved_mask)
    for signum, handler in _saved.items():
        signal.signal(signum, handler)
    _saved.clear()
    arrived = list(dict.fromkeys(_pending))
    _pending.clear()
    for signum in arrived:
        signal.raise_signal(signum)


__all__ = ["SIGNALS", "signals_deferred"]
