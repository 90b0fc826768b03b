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
(one per production order waiting for parts: thousands when a demand surge
piles up orders) change as their kits start: they are kept apart, in a sorted
list whose cumulative units are summed again, from the first one changed
(usually the last: runs are mostly planned in order of time), only when a
promise follows a change. The units in by the ``k``-th planned run (its own, those of the runs
before it and the receipts arriving before it) never fall as ``k`` grows, so a
promise bisects over the planned runs, each step bisecting the receipts, and
then bisects the receipts between the two runs it lands on: ``O(log m log n)``
for ``m`` planned runs and ``n`` receipts, after summing the runs from the
first one changed.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import Optional

#: an entry: (arrival time, sequence number, units).
Entry = tuple[float, int, int]

#: receipts taken from the front before the lists are compacted.
COMPACT_AFTER = 256


class Pipeline:
    """The scheduled receipts and planned runs of one item (see the module docstring)."""

    __slots__ = ("_entries", "_cum", "_start", "_base", "_planned", "_planned_units",
                 "_planned_cum", "_planned_valid")

    def __init__(self):
        self._entries: list[Entry] = []
        # _cum[i]: units of _entries[0..i], plus _base units taken out before the list start
        self._cum: list[int] = []
        self._start = 0
        self._base = 0
        self._planned: list[Entry] = []
        self._planned_units: list[int] = []  # _planned[k][2], apart so C code can sum them
        # _planned_cum[k]: units of _planned[0..k], right for k < _planned_valid
        self._planned_cum: list[int] = []
        self._planned_valid = 0

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
        i = bisect_left(self._planned, entry)
        self._planned.insert(i, entry)
        self._planned_units.insert(i, entry[2])
        self._changed(i)

    def replan(self, old: Entry, new: Entry) -> None:
        """Some of a planned order's units started: ``old`` becomes ``new`` (fewer units)."""
        i = bisect_left(self._planned, old)
        self._planned[i] = new
        self._planned_units[i] = new[2]
        self._changed(i)

    def unplan(self, entry: Entry) -> None:
        """Every unit of a planned order started: its entry goes."""
        i = bisect_left(self._planned, entry)
        del self._planned[i]
        del self._planned_units[i]
        self._changed(i)

    def _changed(self, i: int) -> None:
        if i < self._planned_valid:
            self._planned_valid = i

    def _summed_plans(self) -> list[int]:
        """``_planned_cum``, summed again from the first planned run changed."""
        valid, cum, units = self._planned_valid, self._planned_cum, self._planned_units
        if valid < len(units) or len(cum) != len(units):
            sums = accumulate(units[valid:], initial=cum[valid - 1] if valid else 0)
            next(sums)  # the initial value itself
            cum[valid:] = sums
            self._planned_valid = len(units)
        return cum

    # -- questions ---------------------------------------------------------------------

    def time_for(self, needed: int) -> Optional[float]:
        """Arrival of the entry that brings the cumulative units to ``needed``; None beyond them all."""
        entries, cum, planned = self._entries, self._cum, self._planned
        start = self._start
        base = self._cum_before(start)
        if not planned:
            i = bisect_left(cum, base + needed, start)
            return entries[i][0] if i < len(entries) else None
        planned_cum = self._summed_plans()
        # k: the first planned run by which ``needed`` units are in (len(planned) if none)
        k_lo, k_hi = 0, len(planned)
        while k_lo < k_hi:
            k = (k_lo + k_hi) // 2
            before = bisect_left(entries, planned[k], start)
            if self._cum_before(before) - base + planned_cum[k] >= needed:
                k_hi = k
            else:
                k_lo = k + 1
        k = k_lo
        lo = bisect_left(entries, planned[k - 1], start) if k else start
        hi = bisect_left(entries, planned[k], lo) if k < len(planned) else len(entries)
        extra = planned_cum[k - 1] if k else 0
        i = bisect_left(cum, base + needed - extra, lo, hi)
        if i < hi:
            return entries[i][0]
        return planned[k][0] if k < len(planned) else None

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
