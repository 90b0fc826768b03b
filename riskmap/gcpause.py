"""Pausing Python's cyclic garbage collector around allocation-heavy work.

Work that allocates and frees millions of small objects (a replication's
events, the parse of a large file) triggers collections that re-scan every object
still alive, again and again. Where that work makes no cyclic garbage as it
goes, or only a bounded amount freed by the next collection after it, the
collector can be paused for its duration: the simulation engine
(riskmap.sim.engine) and the loader (riskmap.load.pipeline) do so
(docs/performance.md says what each saves).
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic collector for the ``with`` block, then leave it as it was found.

    The pause covers the whole process, so another thread's cycles wait until
    the block ends; a collector already disabled stays disabled.

    >>> import gc
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
