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

import itertools
import zlib
from typing import Iterator

import numpy as np

from riskmap.dists import Dist

#: First block size of a :class:`Draws`; blocks double up to :data:`MAX_BLOCK`.
FIRST_BLOCK = 16
#: Every stream holds its current block as a Python list (32 bytes a value): 512
#: keeps a 1,000-product replication's arrival blocks at 16 MiB (4,096 took 131 MiB)
#: for about 20 ns more per draw (docs/performance.md, "Memory").
MAX_BLOCK = 512


def block_sizes() -> Iterator[int]:
    """The sizes of successive blocks of draws: 16, 32, ... then :data:`MAX_BLOCK` for ever.

    >>> import itertools
    >>> list(itertools.islice(block_sizes(), 7))
    [16, 32, 64, 128, 256, 512, 512]
    """
    n = FIRST_BLOCK
    while True:
        yield n
        n = min(2 * n, MAX_BLOCK)


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

    Block sizes follow a fixed schedule (16, 32, ... 512), so the sequence of
    values is a pure function of the stream: deterministic, and the same
    whatever else happens in the replication. A constant never touches a
    generator, and a generator is only made when the first draw is needed
    (making one costs tens of microseconds, and many lanes never order).

    ``next()`` returns the next draw (an ``int`` for a count of units, else a
    ``float``). It is the ``__next__`` of an iterator over the blocks, bound
    once, so a draw costs one C-level call rather than a Python method: the
    engine makes one or more draws per event.
    """

    __slots__ = ("_streams", "_name", "_dist", "_units", "next")

    def __init__(self, streams: Streams, name: str, dist: Dist, units: bool = False):
        self._streams = streams
        self._name = name
        self._dist = dist
        self._units = units
        if dist.is_constant:
            value = max(1, int(round(dist.mean))) if units else float(dist.mean)
            self.next = itertools.repeat(value).__next__
        else:
            self.next = itertools.chain.from_iterable(self._blocks()).__next__

    def _blocks(self) -> Iterator[list]:
        # A generator: its body, and so the generator of the stream, only runs
        # when the first draw is asked for.
        rng = self._streams.rng(self._name)
        for n in block_sizes():
            yield self._sample(rng, n)

    def _sample(self, rng: np.random.Generator, n: int) -> list:
        # A function of its own so that the numpy arrays are freed on return: only
        # the list stays alive while the block is used.
        values = self._dist.sample_many(rng, n)
        if self._units:
            # np.rint rounds halves to even, like Python's round in draw_units.
            values = np.maximum(1, np.rint(values)).astype(np.int64)
        return values.tolist()
