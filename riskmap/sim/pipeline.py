"""One item's scheduled receipts in order of arrival, and when ``n`` more units will be in.

Every purchase placed and every production run started has a known arrival
time; so, provisionally, has a production order still waiting for components
(its planned finishing time, riskmap.sim.promises). A promise asks the item's
:class:`Pipeline` when it will have received ``n`` more units: the arrival of
the entry at which the cumulative units in arrival order reach ``n``.

On a large network an item can have thousands of receipts in transit and be
asked for promises at every short order, so the pipeline keeps, beside its
entries sorted by ``(arrival, sequence)``, the cumulative units up to each of
them (counted from the first entry ever held, so that taking the earliest
entry out changes no sum), and answers a promise by bisecting those sums:
``O(log n)``. Receipts mostly arrive in the order they were placed (an item's
lead time is drawn from one distribution per lane), so adding an entry is an
append and taking out the earliest moves a start index: ``O(1)``. An entry
added before others, or taken out from the middle (a planned run that
starts), updates the sums after it.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Optional

#: an entry: (arrival time, sequence number, units).
Entry = tuple[float, int, int]

#: entries taken from the front before the lists are compacted.
COMPACT_AFTER = 256


class Pipeline:
    """The scheduled receipts of one item (see the module docstring)."""

    __slots__ = ("_entries", "_cum", "_start", "_base")

    def __init__(self):
        self._entries: list[Entry] = []
        # _cum[i]: units of _entries[0..i], plus _base units taken out before the list start
        self._cum: list[int] = []
        self._start = 0
        self._base = 0

    def __len__(self) -> int:
        return len(self._entries) - self._start

    def __iter__(self):
        """The live entries, in order of arrival."""
        return iter(self._entries[self._start:])

    def add(self, entry: Entry) -> None:
        """Schedule ``entry``."""
        entries, cum = self._entries, self._cum
        units = entry[2]
        if len(entries) == self._start or entry > entries[-1]:
            cum.append((cum[-1] if cum else self._base) + units)
            entries.append(entry)
            return
        i = bisect_left(entries, entry, self._start)
        entries.insert(i, entry)
        cum.insert(i, (cum[i - 1] if i > self._start else self._cum_before_start()) + units)
        for j in range(i + 1, len(cum)):
            cum[j] += units

    def remove(self, entry: Entry) -> None:
        """Take ``entry`` out (its receipt arrived, or its plan is replaced)."""
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

    def replace(self, old: Entry, new: Entry) -> None:
        """``old`` becomes ``new``: the same arrival and sequence, other units."""
        i = bisect_left(self._entries, old, self._start)
        self._entries[i] = new
        delta = new[2] - old[2]
        cum = self._cum
        for j in range(i, len(cum)):
            cum[j] += delta

    def time_for(self, needed: int) -> Optional[float]:
        """Arrival of the entry that brings the cumulative receipts to ``needed``; None beyond them all."""
        target = self._cum_before_start() + needed
        i = bisect_left(self._cum, target, self._start)
        return self._entries[i][0] if i < len(self._entries) else None

    def last(self) -> Optional[float]:
        """The latest arrival scheduled, or None."""
        return self._entries[-1][0] if len(self._entries) > self._start else None

    def _cum_before_start(self) -> int:
        return self._cum[self._start - 1] if self._start else self._base

    def _compact(self) -> None:
        # The sums stay absolute: the units taken out go into the base.
        self._base = self._cum[self._start - 1]
        del self._entries[:self._start]
        del self._cum[:self._start]
        self._start = 0
