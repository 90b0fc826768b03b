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

import math
from typing import Sequence

import numpy as np

from riskmap.model import Demand
from riskmap.sim.calendar import Step
from riskmap.sim.streams import FIRST_BLOCK, MAX_BLOCK, Streams

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

    __slots__ = ("_demand", "_streams", "_name", "_horizon", "_base", "_buf", "_i", "_block",
                 "_knots")

    def __init__(self, demand: Demand, surges: Sequence[Window], streams: Streams, name: str,
                 horizon: float):
        if demand.rate is None and (demand.interval is None or demand.interval.mean <= 0):
            raise ValueError("demand needs a positive rate or an interval with a positive mean")
        self._demand = demand
        self._streams = streams
        self._name = name
        self._horizon = horizon
        self._base = 0.0
        self._buf: list[float] = []
        self._i = 0
        self._block = FIRST_BLOCK
        self._knots = _time_change(surges)

    def next(self) -> float:
        """The next arrival time."""
        if self._i == len(self._buf):
            self._refill()
        t = self._buf[self._i]
        self._i += 1
        return t

    def _refill(self) -> None:
        if self._base == math.inf:
            self._buf, self._i = [math.inf], 0
            return
        d = self._demand
        n = self._block
        self._block = min(2 * n, MAX_BLOCK)
        if d.rate is not None:
            rng = self._streams.rng(self._name)
            gaps = rng.exponential(1.0 / d.rate, n) if d.rate > 0 else np.full(n, math.inf)
        elif d.interval.is_constant:
            gaps = np.full(n, float(d.interval.mean))
        else:
            gaps = d.interval.sample_many(self._streams.rng(self._name), n)
        base = self._base + np.cumsum(gaps)
        self._base = float(base[-1])
        times = base if self._knots is None else _to_real_time(base, *self._knots)
        out = times.tolist()
        if out[-1] >= self._horizon:
            out = [t for t in out if t < self._horizon] + [math.inf]
            self._base = math.inf
        self._buf, self._i = out, 0


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
