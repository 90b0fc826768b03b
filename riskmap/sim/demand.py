"""Customer order arrival times, with demand surges as a change of time scale.

Arrivals are generated in *base time*, where the product's undisturbed
process runs (Poisson: exponential gaps of mean ``1/rate``; otherwise gaps
drawn from ``interval``), and mapped to real time through the cumulative
surge factor ``F(t) = integral of f(s) ds`` (``f`` the product of the surge
factors in force, 1 outside surges): an arrival at base time ``g`` happens at
``F^-1(g)``. For a Poisson process with piecewise-constant factors this is
exact (a Poisson process of rate ``rate * f(t)``), and the same base draws are
used with and without a surge (common random numbers).
"""

from __future__ import annotations

import itertools
import math
from typing import Iterator, Sequence

import numpy as np

from riskmap.model import Demand
from riskmap.sim.calendar import Step
from riskmap.sim.streams import Streams, block_sizes

Window = tuple[float, float, float]


class Arrivals:
    """Successive arrival times of one product's orders (``inf`` once past the horizon).

    Parameters
    ----------
    demand : Demand
        The product's demand.
    surges : sequence of (start, end, factor)
        Demand surge windows in force in this replication.
    streams : Streams
        The replication's streams.
    name : str
        The arrival stream's name (its generator is made on first use, and
        never for a constant ``interval``).
    horizon : float
        No arrival at or after this time is produced.
    """

    __slots__ = ("_demand", "_streams", "_name", "_horizon", "_knots", "next")

    def __init__(self, demand: Demand, surges: Sequence[Window], streams: Streams, name: str,
                 horizon: float):
        if demand.rate is None and (demand.interval is None or demand.interval.mean <= 0):
            raise ValueError("demand needs a positive rate or an interval with a positive mean")
        self._demand = demand
        self._streams = streams
        self._name = name
        self._horizon = horizon
        self._knots = _time_change(surges)
        #: The next arrival time: the bound ``__next__`` of an iterator over blocks of
        #: arrivals (one C-level call per order; see riskmap.sim.streams.Draws).
        self.next = itertools.chain(
            itertools.chain.from_iterable(self._blocks()), itertools.repeat(math.inf)).__next__

    def _blocks(self) -> Iterator[list[float]]:
        """Blocks of arrival times before the horizon (a generator: nothing is drawn before the first call)."""
        base_time = 0.0
        for n in block_sizes():
            out, base_time = self._block(base_time, n)
            if out[-1] >= self._horizon:
                yield [t for t in out if t < self._horizon]
                return
            yield out

    def _block(self, base_time: float, n: int) -> tuple[list[float], float]:
        """The next ``n`` arrival times after base time ``base_time``, and the new base time.

        A function of its own so that its numpy arrays are freed on return: only
        the list of times stays alive while the block is used.
        """
        d = self._demand
        if d.rate is not None:
            rng = self._streams.rng(self._name)
            gaps = rng.exponential(1.0 / d.rate, n) if d.rate > 0 else np.full(n, math.inf)
        elif d.interval.is_constant:
            gaps = np.full(n, float(d.interval.mean))
        else:
            gaps = d.interval.sample_many(self._streams.rng(self._name), n)
        base = base_time + np.cumsum(gaps)
        times = base if self._knots is None else _to_real_time(base, *self._knots)
        return times.tolist(), float(base[-1])


def _time_change(surges: Sequence[Window]):
    """Knots ``(real times, base times, last factor)`` of ``F``, or None without surges."""
    if not surges:
        return None
    factors = Step.product(surges)
    edges = [t for t in factors.times[1:] if 0 < t < math.inf]
    real = [0.0] + edges
    base = [0.0]
    for a, b in zip(real, real[1:]):
        base.append(base[-1] + (b - a) * factors(a))
    return np.asarray(real), np.asarray(base), factors(real[-1])


def _to_real_time(g: np.ndarray, real: np.ndarray, base: np.ndarray, last: float) -> np.ndarray:
    """``F^-1(g)`` for base times ``g``: linear between knots, slope ``1/last`` beyond."""
    out = np.interp(g, base, real)
    beyond = g > base[-1]
    if beyond.any():
        out[beyond] = real[-1] + (g[beyond] - base[-1]) / last
    return out
