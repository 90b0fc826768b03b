"""One item's scheduled receipts in order of arrival, and when ``n`` more units will be in.

Every purchase placed and every production run started has a known arrival
time; a production order still waiting for components has a planned one (its
planned finishing time, riskmap.sim.promises). A promise asks the item's
:class:`Pipeline` when it will have received ``n`` more units: the arrival of
the entry, receipts and planned runs together in order of arrival, at which
the cumulative units reach ``n``.

On a large network an item can have thousands of receipts in transit and be
asked for promises at every short order, so the pipeline keeps the receipts
sorted by ``(arrival, sequence)`` with the cumulative units up to each of them
(counted from the first receipt ever held, so that taking the earliest out
changes no sum). Receipts mostly arrive in the order they were placed (a
lane's lead times come from one distribution), so adding one is an append and
taking out the earliest moves a start index: ``O(1)``; one added before
others, or taken out from the middle, updates the sums after it. Planned runs
are few (one per production order waiting for parts) and change as their kits
start: they are kept apart, in a short sorted list. A promise bisects the sums
of the receipts between consecutive planned runs: ``O(m log n)`` for ``m``
planned runs and ``n`` receipts.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Optional

#: an entry: (arrival time, sequence number, units).
Entry = tuple[float, int, int]

#: receipts taken from the front before the lists are compacted.
COMPACT_AFTER = 256


class Pipeline:
    """The scheduled receipts and planned runs of one item (see the module docstring)."""

    __slots__ = ("_entries", "_cum", "_start", "_base", "_planned")

    def __init__(self):
        self._entries: list[Entry] = []
        # _cum[i]: units of _entries[0..i], plus _base units taken out before the list start
        self._cum: list[int] = []
        self._start = 0
        self._base = 0
        self._planned: list[Entry] = []

    def __len__(self) -> int:
        return len(self._entries) - self._start + len(self._planned)

    def __iter__(self):
        """Every entry, receipts and planned runs, in order of arrival."""
        return iter(sorted(self._entries[self._start:] + self._planned))

    # -- receipts ----------------------------------------------------------------------

    def add(self, entry: Entry) -> None:
        """Schedule the receipt ``entry``."""
        entries, cum = self._entries, self._cum
        units = entry[2]
        if len(entries) == self._start or entry > entries[-1]:
            cum.append((cum[-1] if cum else self._base) + units)
            entries.append(entry)
            return
        i = bisect_left(entries, entry, self._start)
        entries.insert(i, entry)
        cum.insert(i, self._cum_before(i) + units)
        for j in range(i + 1, len(cum)):
            cum[j] += units

    def remove(self, entry: Entry) -> None:
        """The receipt ``entry`` arrived: take it out."""
        entries = self._entries
        start = self._start
        if entries[start] == entry:
            self._start = start + 1
            if self._start >= COMPACT_AFTER and 2 * self._start >= len(entries):
                self._compact()
            return
        i = bisect_left(entries, entry, start)
        units = entry[2]
        del entries[i]
        cum = self._cum
        del cum[i]
        for j in range(i, len(cum)):
            cum[j] -= units

    # -- planned runs ------------------------------------------------------------------

    def plan(self, entry: Entry) -> None:
        """Expect the units of a waiting production order at ``entry``'s planned time."""
        insort(self._planned, entry)

    def replan(self, old: Entry, new: Entry) -> None:
        """Some of a planned order's units started: ``old`` becomes ``new`` (fewer units)."""
        self._planned[bisect_left(self._planned, old)] = new

    def unplan(self, entry: Entry) -> None:
        """Every unit of a planned order started: its entry goes."""
        del self._planned[bisect_left(self._planned, entry)]

    # -- questions ---------------------------------------------------------------------

    def time_for(self, needed: int) -> Optional[float]:
        """Arrival of the entry that brings the cumulative units to ``needed``; None beyond them all."""
        entries, cum = self._entries, self._cum
        base = self._cum_before(self._start)
        lo = self._start
        extra = 0  # units of the planned runs before the receipts looked at
        for run in self._planned:
            hi = bisect_left(entries, run, lo)
            i = bisect_left(cum, base + needed - extra, lo, hi)
            if i < hi:
                return entries[i][0]
            extra += run[2]
            if self._cum_before(hi) - base + extra >= needed:
                return run[0]
            lo = hi
        i = bisect_left(cum, base + needed - extra, lo)
        return entries[i][0] if i < len(entries) else None

    def last(self) -> Optional[float]:
        """The latest arrival expected, or None."""
        receipt = self._entries[-1][0] if len(self._entries) > self._start else None
        planned = self._planned[-1][0] if self._planned else None
        if receipt is None or (planned is not None and planned > receipt):
            return planned
        return receipt

    def _cum_before(self, i: int) -> int:
        """Units of the receipts before index ``i`` (the base for the first)."""
        return self._cum[i - 1] if i else self._base

    def _compact(self) -> None:
        # The sums stay absolute: the units taken out go into the base.
        self._base = self._cum[self._start - 1]
        del self._entries[:self._start]
        del self._cum[:self._start]
        self._start = 0
