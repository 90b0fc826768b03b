"""Customer order arrival times, with seasonality and demand surges as a change of time scale.

Arrivals are generated in *base time*, where the product's undisturbed
process runs (Poisson: exponential gaps of mean ``1/rate``; otherwise gaps
drawn from ``interval``), and mapped to real time through the cumulative
factor ``F(t) = integral of f(s) ds`` (``f`` the seasonal factor of the
calendar period in force, :mod:`riskmap.season`, times the surge factors in
force; 1 without either): an arrival at base time ``g`` happens at
``F^-1(g)``. For a Poisson process with piecewise-constant factors this is
exact (a non-homogeneous Poisson process of rate ``rate * f(t)``), and the
same base draws are used with and without a surge or a season (common random
numbers).
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import Iterator, Optional, Sequence

import numpy as np

from riskmap.model import Demand
from riskmap.sim.calendar import Step, multiply
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
    season : Step, optional
        The seasonal factor as a function of time
        (:func:`riskmap.season.factor_step`); None without seasonality.
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
                 horizon: float, season: Optional[Step] = None):
        if demand.rate is None and (demand.interval is None or demand.interval.mean <= 0):
            raise ValueError("demand needs a positive rate or an interval with a positive mean")
        self._demand = demand
        self._streams = streams
        self._name = name
        self._horizon = horizon
        self._knots = _time_change(surges, season) if surges else _season_knots(season)
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


def _time_change(surges: Sequence[Window], season: Optional[Step] = None):
    """Knots ``(real times, base times, last factor)`` of ``F``, or None when ``f`` is 1."""
    if season is not None:
        factors = multiply(season, Step.product(surges)) if surges else season
        if factors.constant and factors.values[0] == 1.0:
            return None
    elif not surges:
        return None
    else:
        factors = Step.product(surges)
    edges = [t for t in factors.times[1:] if 0 < t < math.inf]
    real = [0.0] + edges
    base = [0.0]
    for a, b in zip(real, real[1:]):
        base.append(base[-1] + (b - a) * factors(a))
    return np.asarray(real), np.asarray(base), factors(real[-1])


@functools.lru_cache(maxsize=256)
def _season_knots(season: Optional[Step]):
    """:func:`_time_change` without surges: the same for every replication, so kept.

    ``season`` is the object :func:`riskmap.season.factor_step` keeps, so it is
    found again by identity; the arrays are only read.
    """
    return _time_change((), season)


def _to_real_time(g: np.ndarray, real: np.ndarray, base: np.ndarray, last: float) -> np.ndarray:
    """``F^-1(g)`` for base times ``g``: linear between knots, slope ``1/last`` beyond.

    A last factor of 0 (a season's closed period running past the horizon), or one
    so small the division overflows, puts every later arrival at infinity.
    """
    out = np.interp(g, base, real)
    beyond = g > base[-1]
    if beyond.any():
        with np.errstate(over="ignore", divide="ignore"):
            out[beyond] = real[-1] + (g[beyond] - base[-1]) / last
    return out
