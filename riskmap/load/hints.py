"""The "did you mean" hints of one file, at a cost that keeps checking linear in its size.

A hint compares a misspelt name with valid ones. Against a fixed table (the keys of an
entity) that costs little, but against the ids of the file itself, a file of *n*
unknown references to *n* ids would cost *n²* fuzzy comparisons: minutes for a few
hundred kilobytes. So:

* each file gets at most :data:`MAX_HINTS` hints (later problems are still reported,
  without one: ``riskmap validate`` prints the first 100 of a file anyway);
* against more than :data:`FULL_SCAN` names, a hint compares only the names next to
  the misspelt one in sorted order, and next to it in the order of the reversed names,
  so a typo keeps either its beginning or its end in common with what it meant; the
  two sorted lists are made once per set of names.

A hint then costs a bounded number of comparisons, whatever the file size.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Collection

from riskmap.errors import did_you_mean

#: hints given per file.
MAX_HINTS = 100
#: up to this many names, a hint compares them all (the same hint as before any bound).
FULL_SCAN = 200
#: names taken on each side of the misspelt one, in each of the two sorted orders.
NEIGHBOURS = 20


@dataclass
class Hints:
    """The hints of one file: ``given`` so far, and ``compared``, the names compared in all."""

    given: int = 0
    compared: int = 0
    _orders: dict[int, tuple[Any, list[str], list[str]]] = field(default_factory=dict, repr=False)

    def did_you_mean(self, name: object, candidates: Collection[str]) -> str:
        """``; did you mean 'x'?`` as :func:`riskmap.errors.did_you_mean`, or ``''`` past the budget."""
        if self.given >= MAX_HINTS or not isinstance(name, str):
            return ""
        self.given += 1
        if len(candidates) > FULL_SCAN:
            candidates = self._near(name, candidates)
        self.compared += len(candidates)
        return did_you_mean(name, candidates)

    def _near(self, name: str, candidates: Collection[str]) -> list[str]:
        """The names next to ``name`` in sorted order and in reversed-name order."""
        entry = self._orders.get(id(candidates))
        if entry is None or entry[0] is not candidates:
            names = sorted(set(candidates))
            entry = (candidates, names, sorted(n[::-1] for n in names))
            self._orders[id(candidates)] = entry  # keeps ``candidates`` alive: its id stays its own
        _, forward, backward = entry
        near = set(_around(forward, name))
        near.update(n[::-1] for n in _around(backward, name[::-1]))
        return sorted(near)


def _around(names: list[str], name: str) -> list[str]:
    at = bisect.bisect_left(names, name)
    return names[max(0, at - NEIGHBOURS):at + NEIGHBOURS]
