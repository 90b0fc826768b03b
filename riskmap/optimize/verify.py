"""Verifying a plan on fresh seeds: replications the search never saw.

The search picks its plan on one set of replications (common random
numbers), so the plan's figures there are biased in its favour: among many
candidates, the one chosen tends to be one whose replications happened to be
kind. The plan (and today's plan, for the comparison of costs) is therefore
simulated again from another root seed, derived from the scenario's seed and
the stream name :data:`VERIFY_STREAM` (as riskmap.sim.streams derives its
streams, so it is the same in every process), and the targets are judged
there: a target is met when the bad end of its 95 % interval on the fresh
replications satisfies it (:meth:`riskmap.optimize.targets.Target.holds`).
"""

from __future__ import annotations

import zlib
from typing import Sequence

import numpy as np

from riskmap.model import Item, Scenario
from riskmap.optimize.evaluation import Evaluator, Figures
from riskmap.optimize.targets import Target

#: the name the verification's root seed is derived with.
VERIFY_STREAM = "optimize-verify"


def fresh_seed(seed: int) -> int:
    """The root seed of the verification runs: a pure function of ``seed``, never ``seed``.

    >>> fresh_seed(7) == fresh_seed(7), fresh_seed(7) != 7
    (True, True)
    """
    key = zlib.crc32(VERIFY_STREAM.encode("utf-8"))
    state = np.random.SeedSequence([int(seed), key]).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1])) % (2**63 - 1)


def verify(scenario: Scenario, items: Sequence[Item], targets: Sequence[Target],
           plans: Sequence[Sequence[int]], replications: int, seed: int,
           executor) -> list[Figures]:
    """The figures of each of ``plans`` on ``replications`` fresh replications (:func:`fresh_seed`)."""
    evaluate = Evaluator(scenario, items, targets, replications, fresh_seed(seed), executor)
    return [evaluate(plan) for plan in plans]
