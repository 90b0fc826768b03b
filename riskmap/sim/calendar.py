"""Time intervals and piecewise-constant functions of time.

A replication draws all its disruptions before the first event (they do not
depend on what the network does), so whether a supplier is down, how fast it
ships and how long a lead time is stretched are all known functions of time.
This module holds the small pieces of arithmetic on them: half-open intervals
``[start, end)``, piecewise-constant step functions, and the FCFS finish time
of a batch of units processed at a time-varying rate.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Iterable, Sequence

Interval = tuple[float, float]


def merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Union of half-open intervals, as sorted disjoint intervals (empty ones dropped).

    >>> merge([(5, 8), (0, 2), (1, 3), (8, 9), (4, 4)])
    ((0, 3), (5, 9))
    """
    out: list[list[float]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> tuple[Interval, ...]:
    """Intersection of two sorted disjoint interval lists.

    >>> intersect([(0, 5), (8, 12)], [(3, 9)])
    ((3, 5), (8, 9))
    """
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def measure(intervals: Sequence[Interval], lo: float, hi: float) -> float:
    """Total length of ``intervals`` inside ``[lo, hi]``."""
    return sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in intervals)


def contains(intervals: Sequence[Interval], starts: Sequence[float], t: float) -> bool:
    """Whether ``t`` lies in one of the sorted disjoint ``intervals`` (``starts`` their starts)."""
    i = bisect_right(starts, t) - 1
    return i >= 0 and t < intervals[i][1]


class Step:
    """A piecewise-constant function: ``values[i]`` on ``[times[i], times[i+1])``.

    ``times[0]`` is ``-inf`` so every time has a value; the last value holds for ever.
    """

    __slots__ = ("times", "values", "constant")

    def __init__(self, times: Sequence[float], values: Sequence[float]):
        self.times = list(times)
        self.values = list(values)
        self.constant = len(self.values) == 1

    @classmethod
    def product(cls, windows: Iterable[tuple[float, float, float]], base: float = 1.0) -> "Step":
        """``base`` times the product of the factors in force of ``(start, end, factor)`` windows.

        >>> s = Step.product([(2, 6, 2.0), (4, 8, 3.0)])
        >>> [s(t) for t in (0, 2, 4, 6, 8)]
        [1.0, 2.0, 6.0, 3.0, 1.0]
        """
        windows = [w for w in windows if w[1] > w[0]]
        edges = sorted({e for w in windows for e in w[:2]})
        times = [-math.inf]
        values = [base]
        for t in edges:
            value = base
            for start, end, factor in windows:
                if start <= t < end:
                    value *= factor
            if value != values[-1]:
                times.append(t)
                values.append(value)
        return cls(times, values)

    def __call__(self, t: float) -> float:
        if self.constant:
            return self.values[0]
        return self.values[bisect_right(self.times, t) - 1]


def multiply(a: Step, b: Step) -> Step:
    """The pointwise product of two step functions (equal neighbours merged).

    >>> s = multiply(Step([-math.inf, 2], [1.0, 3.0]), Step([-math.inf, 1, 4], [2.0, 1.0, 2.0]))
    >>> s.times[1:], s.values
    ([1, 2, 4], [2.0, 1.0, 3.0, 6.0])
    """
    times = [-math.inf]
    values = [a.values[0] * b.values[0]]
    for t in sorted(set(a.times[1:]) | set(b.times[1:])):
        value = a(t) * b(t)
        if value != values[-1]:
            times.append(t)
            values.append(value)
    return Step(times, values)


class RateCalendar:
    """A processing rate over time (units per time unit): ``inf``, finite, or 0 (down).

    Parameters
    ----------
    rate : Step
        The rate at each time.
    """

    __slots__ = ("rate", "unbounded")

    def __init__(self, rate: Step):
        self.rate = rate
        # The common case (no capacity, never down) finishes at once.
        self.unbounded = rate.constant and rate.values[0] == math.inf

    def finish(self, start: float, units: float) -> float:
        """When ``units`` units started at ``start`` are done, processing FCFS at this rate.

        An unbounded rate finishes at the first time at or after ``start`` when
        the rate is not 0.

        >>> cal = RateCalendar(Step([-math.inf, 10, 20], [5.0, 0.0, 5.0]))
        >>> cal.finish(8, 20)  # 10 units by t=10, nothing until 20, 10 more by 22
        22.0
        """
        if self.unbounded:
            return start
        times, values = self.rate.times, self.rate.values
        i = bisect_right(times, start) - 1
        t = start
        remaining = float(units)
        last = len(values) - 1
        while True:
            rate = values[i]
            end = times[i + 1] if i < last else math.inf
            if rate > 0:
                if rate == math.inf:
                    return t
                done = t + remaining / rate
                if done <= end:
                    return done
                remaining -= (end - t) * rate
            if end == math.inf:
                return math.inf
            t = end
            i += 1
