"""Named random streams of one replication.

Every source of randomness in a replication (each product's arrivals, each
lane's lead times, each disruption...) draws from its own
:class:`numpy.random.Generator`, derived from the replication's
:class:`~numpy.random.SeedSequence` and the stream's *name*. A stream's draws
therefore do not depend on which other streams exist or how much they are
used: removing an alternate lane or adding a disruption leaves the demand
draws untouched (common random numbers across scenarios and counterfactuals).

The child of stream ``name`` has the parent's entropy and the spawn key
``parent.spawn_key + (crc32(name),)``; names are listed in docs/simulation.md.
"""

from __future__ import annotations

import zlib

import numpy as np

from riskmap.dists import Dist

#: First block size of a :class:`Draws`; blocks double up to :data:`MAX_BLOCK`.
FIRST_BLOCK = 16
MAX_BLOCK = 4096


def stream_seed(seed: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """The :class:`~numpy.random.SeedSequence` of stream ``name`` under ``seed``.

    A pure function of the parent's entropy, spawn key and the name, so it is
    the same in every process and under every ``PYTHONHASHSEED``.
    """
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.SeedSequence(
        entropy=seed.entropy, spawn_key=tuple(seed.spawn_key) + (key,), pool_size=seed.pool_size
    )


class Streams:
    """The generators of one replication, created on first use by name.

    Parameters
    ----------
    seed : numpy.random.SeedSequence
        The replication's seed sequence.
    """

    def __init__(self, seed: np.random.SeedSequence):
        self._seed = seed
        self._rngs: dict[str, np.random.Generator] = {}

    def rng(self, name: str) -> np.random.Generator:
        """The generator of stream ``name`` (the same object on every call)."""
        rng = self._rngs.get(name)
        if rng is None:
            rng = np.random.default_rng(stream_seed(self._seed, name))
            self._rngs[name] = rng
        return rng

    def draws(self, name: str, dist: Dist, units: bool = False) -> "Draws":
        """A block sampler of ``dist`` on stream ``name`` (its generator made on first use).

        With ``units``, draws are counts of units: rounded to the nearest whole
        number (halves to even, as :func:`riskmap.dists.draw_units`), at least 1.
        """
        return Draws(self, name, dist, units)


class Draws:
    """Successive draws of one distribution, sampled in vectorised blocks.

    Block sizes follow a fixed schedule (16, 32, ... 4096), so the sequence of
    values is a pure function of the stream: deterministic, and the same
    whatever else happens in the replication. A constant never touches a
    generator, and a generator is only made when the first draw is needed
    (making one costs tens of microseconds, and many lanes never order).
    """

    __slots__ = ("_streams", "_name", "_dist", "_units", "_buf", "_i", "_block", "_const")

    def __init__(self, streams: Streams, name: str, dist: Dist, units: bool = False):
        self._streams = streams
        self._name = name
        self._dist = dist
        self._units = units
        self._const = None
        if dist.is_constant:
            self._const = max(1, int(round(dist.mean))) if units else float(dist.mean)
        self._buf: list[float] = []
        self._i = 0
        self._block = FIRST_BLOCK

    def next(self):
        """The next draw (an ``int`` for a count of units, else a ``float``)."""
        if self._const is not None:
            return self._const
        i = self._i
        if i == len(self._buf):
            self._refill()
            i = 0
        self._i = i + 1
        return self._buf[i]

    def _refill(self) -> None:
        values = self._dist.sample_many(self._streams.rng(self._name), self._block)
        if self._units:
            # np.rint rounds halves to even, like Python's round in draw_units.
            values = np.maximum(1, np.rint(values)).astype(np.int64)
        self._buf = values.tolist()
        self._block = min(2 * self._block, MAX_BLOCK)
