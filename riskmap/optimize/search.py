"""The search for the least-cost plan that meets the targets (docs/optimize.md, "Method").

1. **Start.** Today's plan, the analytic plan (lead-time demand plus 1.645
   standard deviations, :func:`riskmap.optimize.space.analytic`) and the
   analytic plan plus the static risk map's extra stock against the
   outages the scenario's disruptions cause are evaluated; the search starts
   from the cheapest that meets the targets, or, when none does, from the
   one closest to meeting them.
2. **Greedy marginal allocation** (when the start misses a target): the
   trigger (``level``, ``min`` or ``point``) of each item feeding a product
   whose target is missed is raised by its step in turn, and the raise with
   the largest shortfall removed per unit of cost added is kept, until every
   target holds. A round in which no raise helps doubles the steps (at most
   :data:`MAX_DOUBLINGS` times) before the search gives up.
3. **Compass search with shrinking steps** (Kolda, Lewis & Torczon 2003):
   each coordinate in turn is lowered, then raised, by its step; a move is
   kept when the plan still meets every target and costs less. A pass with
   no move kept halves every step; the search ends after a pass with steps
   of 1 keeps nothing, or when the evaluation budget is spent.

Each decision reads only the evaluations' figures, which the journal keeps
exactly, so a resumed search takes the same path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from riskmap.optimize.evaluation import Evaluator, Figures
from riskmap.optimize.space import Coordinate

#: how often the steps of the greedy phase may double when no raise helps.
MAX_DOUBLINGS = 4


class BudgetSpent(Exception):
    """The evaluation budget is spent: the search stops with the best plan so far."""


@dataclass(frozen=True)
class Outcome:
    """The search's result: the best plan found and how the search went.

    ``best`` meets the targets on the search's replications when ``feasible``;
    ``start`` names the starting plan chosen; ``stopped`` says why the search
    ended (``converged``, ``budget``, ``no raise helps``).
    """

    best: Figures
    feasible: bool
    start: str
    stopped: str


class Search:
    """One search over ``coords`` with ``evaluate`` (an :class:`Evaluator`)."""

    def __init__(self, evaluate: Evaluator, coords: Sequence[Coordinate], budget: int,
                 note: Optional[Callable[[str], None]] = None,
                 feeds: Optional[Callable[[str], frozenset]] = None):
        self.evaluate = evaluate
        self.coords = tuple(coords)
        #: ``feeds(product)``: the items whose stock can serve the product (itself included).
        self.feeds = feeds
        self.targets = evaluate.targets
        self.budget = budget
        self.note = note or (lambda message: None)

    def _eval(self, plan: Sequence[int]) -> Figures:
        key = tuple(plan)
        if key not in self.evaluate.cache and len(self.evaluate.cache) >= self.budget:
            raise BudgetSpent()
        return self.evaluate(key)

    def feasible(self, f: Figures) -> bool:
        return f.meets(self.targets)

    def run(self, starts: Sequence[tuple[str, Sequence[int]]]) -> Outcome:
        """Search from the best of ``starts`` (``(name, plan)`` pairs, in order of preference)."""
        evaluated = []
        for name, plan in starts:
            try:
                evaluated.append((name, self._eval(plan)))
            except BudgetSpent:
                break
        name, best = self._pick(evaluated)
        #: the plan the search stands on (what a spent budget leaves when nothing met the targets).
        self.current = best
        self.note(f"starting from {name}: cost {best.cost.mean:,.2f}, "
                  f"{'targets met' if self.feasible(best) else 'targets missed'}")
        stopped = "converged"
        try:
            if not self.feasible(best):
                best = self._allocate(best)
                if not self.feasible(best):
                    return Outcome(best, False, name, "no raise helps")
            best = self._descend(best)
        except BudgetSpent:
            stopped = "budget"
            best = self._best_so_far(self.current)
        return Outcome(best, self.feasible(best), name, stopped)

    def _pick(self, evaluated: list[tuple[str, Figures]]) -> tuple[str, Figures]:
        meeting = [(f.cost.mean, k, name, f) for k, (name, f) in enumerate(evaluated)
                   if self.feasible(f)]
        if meeting:
            _, _, name, f = min(meeting)
            return name, f
        _, _, name, f = min((f.shortfall(self.targets), k, name, f)
                            for k, (name, f) in enumerate(evaluated))
        return name, f

    def _best_so_far(self, current: Figures) -> Figures:
        meeting = [f for f in self.evaluate.evaluated if self.feasible(f)]
        if not meeting:
            return current
        return min(meeting, key=lambda f: (f.cost.mean, f.plan))

    def steps(self, plan: Sequence[int]) -> list[int]:
        """Initial steps: a quarter of each value, at least 1."""
        return [max(1, math.ceil(abs(v) / 4)) for v in plan]

    def _moved(self, plan: Sequence[int], k: int, delta: int) -> Optional[tuple[int, ...]]:
        value = plan[k] + delta
        if value < self.coords[k].lowest:
            return None
        return tuple(plan[:k]) + (value,) + tuple(plan[k + 1:])

    def raisable(self, current: Figures) -> list[int]:
        """The triggers (first parameter of each policy) of the items that feed a missed target's product."""
        missed = {t.product for t, e in zip(self.targets, current.targets) if not t.holds(e)}
        feeding = None
        if self.feeds is not None:
            feeding = frozenset().union(*(self.feeds(p) for p in missed)) if missed else frozenset()
        triggers = [k for k, c in enumerate(self.coords)
                    if k == 0 or self.coords[k - 1].item != c.item]
        return [k for k in triggers if feeding is None or self.coords[k].item in feeding]

    def _allocate(self, current: Figures) -> Figures:
        """Greedy marginal allocation: the raise removing most shortfall per unit of cost.

        Only triggers are raised, and only those of items feeding a product
        whose target is missed: raising anything else cannot help.
        """
        steps = self.steps(current.plan)
        doublings = 0
        self.note("raising stock where it removes most shortfall per unit of cost...")
        while not self.feasible(current):
            base_short = current.shortfall(self.targets)
            tiny = 1e-9 * (1.0 + abs(current.cost.mean))
            best, best_score = None, 0.0
            for k in self.raisable(current):
                plan = self._moved(current.plan, k, steps[k])
                f = self._eval(plan)
                gain = base_short - f.shortfall(self.targets)
                if not gain > 0:
                    continue
                score = gain / (max(f.cost.mean - current.cost.mean, 0.0) + tiny * steps[k])
                if score > best_score:
                    best, best_score = f, score
            if best is None:
                if doublings == MAX_DOUBLINGS:
                    return current
                doublings += 1
                steps = [2 * s for s in steps]
                continue
            current = self.current = best
        return current

    def _descend(self, current: Figures) -> Figures:
        """Compass search: keep any move that still meets the targets and costs less."""
        steps = self.steps(current.plan)
        self.note("lowering cost while the targets hold (compass search)...")
        while True:
            moved = False
            for k in range(len(self.coords)):
                for sign in (-1, 1):
                    plan = self._moved(current.plan, k, sign * steps[k])
                    if plan is None:
                        continue
                    f = self._eval(plan)
                    if self.feasible(f) and f.cost.mean < current.cost.mean:
                        current = self.current = f
                        moved = True
                        break
            if moved:
                continue
            if all(s == 1 for s in steps):
                return current
            steps = [max(1, s // 2) for s in steps]
