"""Progress of a run on stderr, without dependencies.

On a terminal the line redraws itself in place (``\\r``), at most
:data:`REDRAW_INTERVAL` times a second::

    [##########..........]  100/200 replications  4.1 s

Elsewhere (a CI log, a file) a plain line is printed at each quarter of the
run, so logs stay short. ``quiet`` prints nothing. Progress never goes to
stdout, which holds only the command's output.

Before the first replication ends, and between the steps of a run, a line
says what is happening (:meth:`Progress.note`), so that a large network that
takes minutes to map and plan shows work from the first second::

    riskmap: mapping 20,000 items...
    riskmap: planning counterfactuals...
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Optional, TextIO

from riskmap.escape import terminal

#: seconds between redraws of the terminal line.
REDRAW_INTERVAL = 0.1
#: width of the bar in characters.
BAR_WIDTH = 20
#: fractions of the run at which a non-terminal stream gets a line.
LOG_STEPS = (0.25, 0.5, 0.75, 1.0)


class Progress:
    """A ``progress(done, total)`` callback that reports on a stream.

    Parameters
    ----------
    label : str
        What is counted (``"replications"``).
    stream : file, optional
        Where to write (default ``sys.stderr``).
    quiet : bool
        Write nothing.
    tty : bool, optional
        Force terminal (redrawn) or log (line per quarter) style; default
        ``stream.isatty()``.
    clock : callable
        Seconds as a float (``time.monotonic``); replaceable in tests.
    """

    def __init__(self, label: str = "replications", stream: Optional[TextIO] = None,
                 quiet: bool = False, tty: Optional[bool] = None,
                 clock: Callable[[], float] = time.monotonic):
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.tty = _isatty(self.stream) if tty is None else tty
        self.clock = clock
        self.start = clock()
        self._last_draw = -1.0
        self._next_step = 0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if self.quiet or total <= 0:
            return
        if self.tty:
            self._redraw(done, total)
        else:
            self._log(done, total)

    def _redraw(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and now - self._last_draw < REDRAW_INTERVAL:
            return
        self._last_draw = now
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        width = len(str(total))
        self.stream.write(f"\r[{bar}] {done:>{width}}/{total} {self.label}  {now - self.start:.1f} s")
        self.stream.flush()
        self._drawn = True

    def _log(self, done: int, total: int) -> None:
        reached = None
        while self._next_step < len(LOG_STEPS) and done >= LOG_STEPS[self._next_step] * total:
            reached = LOG_STEPS[self._next_step]
            self._next_step += 1
        if reached is not None:
            elapsed = self.clock() - self.start
            self.stream.write(f"riskmap: {done}/{total} {self.label} ({elapsed:.1f} s)\n")
            self.stream.flush()

    def note(self, text: str) -> None:
        """A line ``riskmap: TEXT`` on the stream (after the bar, on a line of its own).

        ``TEXT`` may hold user strings (paths, names): control characters are shown escaped.
        """
        if self.quiet:
            return
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False
            self._last_draw = -1.0  # the bar is drawn again at the next count
        self.stream.write(terminal(f"riskmap: {text}") + "\n")
        self.stream.flush()

    def restart(self) -> None:
        """Count elapsed seconds from now (the replications start after the notes)."""
        self.start = self.clock()

    def close(self) -> None:
        """End the terminal line so later output starts on a fresh line."""
        if self._drawn and not self.quiet:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
