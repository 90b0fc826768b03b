"""Time to survive, performance impact and the least extra stock, per outage.

An :class:`Outage` says which suppliers are down and for how long. From it and
the ``depends_on`` links this module derives when every other supplier stops
(tier-2 cover), turns that into bound changes on the snapshot programs of
:mod:`riskmap.analysis.snapshot`, and solves them:

* :meth:`Evaluator.time_to_survive`: the largest ``t`` for which all demand
  in ``[0, t]`` is met with the suppliers down for good; alternates are
  switched on in rounds, each once the time survived without it reaches its
  activation delay.
* :meth:`Evaluator.performance_impact`: the least weighted lost demand over a
  window (the time to recover).
* :meth:`Evaluator.extra_stock`: the least extra stock, in units of any items,
  that meets all demand over the window.

Each program is solved over the outage's neighbourhood (:meth:`Evaluator.scope`)
unless the evaluator is ``exact``; docs/risk-map.md explains both.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy import sparse

from riskmap.analysis.snapshot import T_COL, T_MAX, Snapshot
from riskmap.analysis.solvers import (
    INF,
    Backend,
    Change,
    LinearProgram,
    Solution,
    backend,
    highspy_available,
    new_highs,
    restrict,
)
from riskmap.analysis.structure import Structure

#: Relative tolerance for comparing LP optima (HiGHS's own are about 1e-7).
TOL = 1e-7


@dataclass(frozen=True)
class Outage:
    """Suppliers down from time 0: ``(supplier id, downtime)`` pairs, sorted.

    A downtime of ``None`` means down for the whole window (and for good in the
    time-to-survive program).
    """

    down: tuple[tuple[str, Optional[float]], ...]

    @classmethod
    def of(cls, downtimes: dict[str, Optional[float]]) -> "Outage":
        return cls(tuple(sorted(downtimes.items())))


@dataclass(frozen=True)
class Stoppage:
    """When a supplier stops delivering, and when it delivers again (``inf``: never)."""

    start: float
    end: float

    def length_within(self, window: float) -> float:
        return max(0.0, min(self.end, window) - min(self.start, window))


def stoppages(structure: Structure, outage: Outage) -> dict[str, Stoppage]:
    """Every supplier the outage stops, down ones at once, dependents after their cover.

    A dependent stops once the cover of every supplier on its ``depends_on``
    path to a down supplier has run out (the covers add up along the path, the
    shortest path wins) and restarts when that supplier recovers. With several
    down suppliers the stoppage spans from the earliest stop to the latest
    restart (a conservative union).
    """
    found: dict[str, Stoppage] = {}
    for root, downtime in outage.down:
        end = float("inf") if downtime is None else float(downtime)
        for supplier, start in _cover_distances(structure, root).items():
            stop = Stoppage(start, end)
            if start >= end and supplier != root:
                continue  # its cover outlasts the outage
            if supplier in found:
                old = found[supplier]
                stop = Stoppage(min(old.start, stop.start), max(old.end, stop.end))
            found[supplier] = stop
    for root, downtime in outage.down:  # down suppliers are down, whatever their cover
        end = float("inf") if downtime is None else float(downtime)
        found[root] = Stoppage(0.0, max(end, found[root].end) if root in found else end)
    return dict(sorted(found.items()))


def _cover_distances(structure: Structure, root: str) -> dict[str, float]:
    """Shortest cumulative cover from ``root`` to each supplier depending on it (Dijkstra)."""
    net = structure.network
    tiers = structure.graph.tiers
    best = {root: 0.0}
    heap = [(0.0, root)]
    while heap:
        dist, current = heapq.heappop(heap)
        if dist > best.get(current, float("inf")):
            continue
        for dependent in (sorted(tiers.successors(current)) if current in tiers else ()):
            step = dist + float(net.supplier(dependent).cover.mean)
            if step < best.get(dependent, float("inf")):
                best[dependent] = step
                heapq.heappush(heap, (step, dependent))
    return best


@dataclass(frozen=True)
class Scope:
    """The part of the network a variant solves for.

    ``inner`` items have all their flows free; ``boundary`` items (components
    of inner items, and items sharing a capacitated supplier with the scope,
    not inner themselves) keep their own lanes free but see their own demand
    and their other users draw at the baseline rate plan. ``t_rows`` and
    ``t_values`` are the adjusted ``t`` coefficients: boundary balance rows
    (demand plus outside use minus planned assembly) and capacity rows of
    suppliers shared with outside items (capacity minus what the plan sends
    outside).
    """

    inner: tuple[str, ...]
    boundary: tuple[str, ...]
    t_rows: tuple[int, ...] = ()
    t_values: tuple[float, ...] = ()
    whole: bool = False  # the whole network, on the warm-started full program


class Evaluator:
    """Solves the snapshot programs of one network for any number of outages.

    Parameters
    ----------
    snapshot : Snapshot
        The indexed programs.
    structure : Structure
        Dependency indexes (for tier-2 stoppages).
    solver : str
        ``"auto"``, ``"highspy"`` or ``"scipy"`` (see :func:`riskmap.analysis.solvers.backend`).
    exact : bool
        Solve every variant over the whole network. By default (``False``) a
        variant covers the outage's neighbourhood only -- the items it hits, the
        items sharing a capacitated supplier with them, everything made from
        those, their components and the items sharing a capacitated supplier
        with any of these -- while the rest of the network runs at a baseline
        rate plan. That is a restriction of the full program (the rest
        cannot help with its stock or spare capacity), so TTS can only be
        understated and PI overstated; networks whose baseline does not meet
        demand for ever are always solved exactly.
    """

    def __init__(self, snapshot: Snapshot, structure: Structure, solver: str = "auto",
                 exact: bool = False):
        self.snapshot = snapshot
        self.structure = structure
        self.solver = "highspy" if solver == "auto" and highspy_available() else solver
        if self.solver == "auto":
            self.solver = "scipy"
        self.solves = 0
        self.solve_seconds = 0.0
        self._programs: dict[str, LinearProgram] = {}
        self._backends: dict[str, Backend] = {}
        self._csr = sparse.csr_array(snapshot.matrix)
        self._scratch = None  # one HiGHS instance for every small program
        self._last_scope: Optional[tuple] = None
        # item -> the suppliers with a capacity row among its primary sources
        self._capacitated = {
            item: tuple(sorted({snapshot.lanes[a].supplier for a in lanes.tolist()}
                               & set(snapshot.supplier_row)))
            for item, lanes in snapshot.primary_lanes_of_item.items()}
        self.plan = self._rate_plan()
        self.exact = exact or self.plan is None
        if not self.exact:
            # item -> (user, units of the item the rate plan sends to that user per time unit)
            self._planned_use = {
                item: tuple((k, q * self.plan[snapshot.y_col[k]])
                            for k, q in structure.graph.users(item)
                            if k in snapshot.y_col)
                for item in snapshot.item_ids}

    def program(self, kind: str) -> LinearProgram:
        """The ``"tts"``, ``"pi"`` or ``"stock"`` program, built on first use."""
        if kind not in self._programs:
            build = {"tts": self.snapshot.tts_program, "pi": self.snapshot.pi_program,
                     "stock": self.snapshot.stock_program}[kind]
            self._programs[kind] = build()
        return self._programs[kind]

    def _solve(self, kind: str, change: Change, scope: "Scope", want_values: bool = False):
        """Solve a variant: warm on the whole program when exact, else on the scope's rows and columns."""
        started = time.perf_counter()
        if scope.whole:
            if kind not in self._backends:
                self._backends[kind] = backend(self._active_program(kind), self.solver)
            solution = self._backends[kind].solve(change, want_values)
            values = solution.values
        else:
            items = list(scope.inner) + list(scope.boundary)
            rows, cols = self.snapshot.index_sets(items, list(scope.inner))
            sub = restrict(self.program(kind), rows, cols, change, self._csr)
            if self._scratch is None and self.solver == "highspy":
                self._scratch = new_highs()
            solution = backend(sub, self.solver, self._scratch).solve(Change(), want_values)
            values = None
            if solution.values is not None:
                values = np.zeros(self.snapshot.n_cols)
                values[cols] = solution.values
        self.solve_seconds += time.perf_counter() - started
        self.solves += 1
        if not solution.optimal:
            raise ArithmeticError(f"snapshot program not solved: {solution.status}")
        return Solution(True, solution.objective, values, solution.status)

    def _active_program(self, kind: str) -> LinearProgram:
        """The whole-network program with every item's flows free, as every exact variant has them.

        The programs start with every item inactive, so that a variant over a
        scope touches only the scope; a variant over the whole network frees
        every item, and restoring all of that after each solve would leave the
        next one nothing to start from. With the items freed in the program
        itself, a variant changes only what its outage changes (the freeing
        entries of its change set the same values again), and each solve
        starts from the last one's basis.
        """
        snap = self.snapshot
        change = Change()
        self._activate(change, Scope(snap.item_ids, (), whole=True))
        every = np.arange(self.program(kind).shape[0])
        return restrict(self.program(kind), every, np.arange(snap.n_cols), change, self._csr)

    # -- scope -------------------------------------------------------------

    def _rate_plan(self) -> Optional[np.ndarray]:
        """Baseline flows per time unit, or ``None`` when the baseline cannot meet demand for ever."""
        solution = backend(self.snapshot.rate_program(), self.solver).solve(Change(), True)
        self.solves += 1
        return solution.values if solution.optimal else None

    def scope(self, stops: dict[str, "Stoppage"]) -> Scope:
        """The items a variant with these stopped suppliers must solve for."""
        snap = self.snapshot
        if self.exact:
            return Scope(snap.item_ids, (), whole=True)
        key = tuple(stops)
        if self._last_scope is not None and self._last_scope[0] == key:
            return self._last_scope[1]  # TTS, PI and extra stock of one outage share it
        net = snap.network
        hit = {snap.lanes[a].item for s in stops for a in snap.lanes_of.get(s, ())}
        shared = set()
        for item in hit:
            for a in snap.primary_lanes_of_item.get(item, ()):
                supplier = snap.lanes[a].supplier
                if supplier in snap.supplier_row:
                    shared.update(snap.lanes[b].item for b in snap.lanes_of[supplier])
        inner = set(self.structure.graph.made_from(hit | shared))
        components = {c for k in inner for c, _ in net.item(k).bom} - inner
        # Items sharing a capacitated supplier with the scope may shift to their
        # other sources and free that capacity: let their lanes move too.
        neighbours = {snap.lanes[b].item
                      for i in inner | components for s in self._capacitated.get(i, ())
                      for b in snap.lanes_of[s].tolist()} - inner
        boundary = sorted(components | neighbours)
        scope = self._scope_coefficients(sorted(inner), boundary)
        self._last_scope = (key, scope)
        return scope

    def _scope_coefficients(self, inner: list[str], boundary: list[str]) -> Scope:
        snap, net, plan = self.snapshot, self.snapshot.network, self.plan
        inside = set(inner) | set(boundary)
        inner_set = set(inner)
        rows, values = [], []
        for item in boundary:
            outside_use = sum(v for k, v in self._planned_use[item] if k not in inner_set)
            made = plan[snap.y_col[item]] if item in snap.y_col else 0.0
            rows.append(snap.item_index[item])
            values.append(snap.demand.get(item, 0.0) + outside_use - made)
        suppliers = set()
        for item in inside:
            suppliers.update(self._capacitated.get(item, ()))
        for supplier in sorted(suppliers):
            lanes = snap.lanes_of[supplier].tolist()
            outside = sum(plan[snap.x0 + a] for a in lanes if snap.lanes[a].item not in inside)
            capacity = float(net.supplier(supplier).capacity)
            rows.append(snap.supplier_row[supplier])
            values.append(-max(0.0, capacity - outside))
        return Scope(tuple(inner), tuple(boundary), tuple(rows), tuple(values))

    def _activate(self, change: Change, scope: Scope, lost_window: Optional[float] = None,
                  extra_stock: bool = False, freed: bool = False) -> None:
        """Free the flows of the scope's items (the programs start with every item inactive).

        A whole-network variant is solved on :meth:`_active_program`, whose
        items are free already: its change leaves them alone (``freed``), so
        that the solver keeps its basis from one variant to the next.
        """
        snap = self.snapshot
        items = list(scope.inner) + list(scope.boundary)
        index = np.array([snap.item_index[i] for i in items], dtype=np.int32)
        if not freed:
            change.row(index, snap.stock[index])
            lanes = [snap.primary_lanes_of_item[i] for i in items
                     if i in snap.primary_lanes_of_item]
            if lanes:
                change.bound(snap.x_col(np.concatenate(lanes)), 0.0, INF)
            # Boundary items are made at the rate plan (in their t coefficient), not freely.
            made = [snap.y_col[i] for i in scope.inner if i in snap.y_col]
            if made:
                change.bound(made, 0.0, INF)
        if lost_window is not None:
            lost = [i for i in scope.inner if i in snap.l_col]
            if lost:
                change.bound([snap.l_col[i] for i in lost], 0.0,
                             [snap.demand[i] * lost_window for i in lost])
        if extra_stock:
            change.bound(snap.e0 + index, 0.0, INF)
        if scope.t_rows:
            change.t_coefficient(list(scope.t_rows), list(scope.t_values))

    # -- time to survive -------------------------------------------------

    def time_to_survive(self, outage: Outage) -> Optional[float]:
        """Largest ``t`` with all demand in ``[0, t]`` met; ``None`` when unbounded."""
        snap = self.snapshot
        stops = stoppages(self.structure, outage)
        if not stops and self.plan is not None:
            return None  # the rate plan meets demand for ever
        scope = self.scope(stops) if stops else Scope(snap.item_ids, (), whole=True)
        base = Change()
        self._activate(base, scope, freed=scope.whole)
        for supplier, stop in stops.items():
            self._limit_delivery(base, supplier, stop.start)
        candidates = self._alternates(stops)
        enabled = 0
        tts = self._tts(base, candidates[:0], stops, scope)
        while tts is not None:
            reachable = int(np.searchsorted(snap.lane_delay[candidates], tts * (1 + TOL) + TOL,
                                            side="right"))
            if reachable <= enabled:
                break
            enabled = reachable
            tts = self._tts(base, candidates[:enabled], stops, scope)
        return tts

    def _tts(self, base: Change, alternates: np.ndarray, stops: dict[str, Stoppage],
             scope: Scope):
        snap = self.snapshot
        change = base.copy()
        if len(alternates):
            delay = snap.lane_delay[alternates]
            cap = snap.lane_capacity[alternates]
            upper = np.array([_alternate_cover_bound(stops.get(snap.lanes[a].supplier),
                                                     snap.lane_delay[a], snap.lane_capacity[a])
                              for a in alternates])
            change.bound(snap.x_col(alternates), 0.0, upper)
            change.row(snap.lane_row(alternates), -cap * delay)
            change.bound(T_COL, float(delay.max()), T_MAX)
        t = -self._solve("tts", change, scope).objective
        return None if t >= T_MAX * (1 - 1e-9) else max(0.0, t)

    def _limit_delivery(self, change: Change, supplier: str, time_delivering: float) -> None:
        """Let ``supplier``'s primary lanes deliver only for ``time_delivering`` of the window."""
        snap = self.snapshot
        lanes = snap.lanes_of.get(supplier)
        if lanes is None:
            return
        primaries = lanes[~snap.lane_alternate[lanes]]
        change.bound(snap.x_col(primaries), 0.0, snap.lane_capacity[primaries] * time_delivering)
        self._cap_supplier(change, supplier, time_delivering)

    def _cap_supplier(self, change: Change, supplier: str, time_delivering: float) -> None:
        row = self.snapshot.cover_row.get(supplier)
        if row is not None:
            capacity = float(self.snapshot.network.supplier(supplier).capacity)
            change.row(row, capacity * time_delivering)

    def _alternates(self, stops: dict[str, Stoppage]) -> np.ndarray:
        """Alternate lanes of the items the outage hits, not on a down supplier, by delay."""
        snap = self.snapshot
        items = sorted({snap.lanes[a].item for s in stops for a in snap.lanes_of.get(s, ())})
        found = [a for item in items for a in snap.alternate_lanes_of_item.get(item, ())
                 if not (snap.lanes[a].supplier in stops
                         and stops[snap.lanes[a].supplier].start == 0.0)]
        found = np.array(sorted(found, key=lambda a: (snap.lane_delay[a], a)), dtype=np.int32)
        return found

    # -- performance impact and extra stock ------------------------------

    def window_change(self, outage: Outage, window: float,
                      lose_demand: bool) -> tuple[Change, Scope]:
        """Bounds for the window ``[0, window]`` of ``outage`` (PI or extra-stock program)."""
        snap = self.snapshot
        stops = stoppages(self.structure, outage)
        change = Change().bound(T_COL, window, window)
        scope = self.scope(stops) if stops else Scope(snap.item_ids, (), whole=True)
        self._activate(change, scope, window if lose_demand else None, not lose_demand,
                       freed=scope.whole)
        available = {s: window - stop.length_within(window) for s, stop in stops.items()}
        for supplier, time_delivering in available.items():
            self._limit_delivery(change, supplier, time_delivering)
        alternates = self._alternates(stops)
        if len(alternates):
            active = np.array([min(window - snap.lane_delay[a],
                                   available.get(snap.lanes[a].supplier, window))
                               for a in alternates])
            change.bound(snap.x_col(alternates), 0.0,
                         snap.lane_capacity[alternates] * np.maximum(0.0, active))
        return change, scope

    def performance_impact(self, outage: Outage, window: float) -> float:
        """Least weighted lost demand over ``[0, window]``."""
        solution = self._solve("pi", *self.window_change(outage, window, True))
        return _zero_small(solution.objective)

    def extra_stock(self, outage: Outage, window: float) -> dict[str, float]:
        """The least extra stock per item meeting all demand over ``[0, window]``."""
        solution = self._solve("stock", *self.window_change(outage, window, False),
                               want_values=True)
        snap = self.snapshot
        extra = solution.values[snap.e0:snap.e0 + len(snap.item_ids)]
        return {item: float(v) for item, v in zip(snap.item_ids, extra) if v > TOL * max(1.0, v)}


def _alternate_cover_bound(stop: Optional[Stoppage], delay: float, capacity: float) -> float:
    """An alternate whose own supplier is stopped by a tier-2 delivers until its cover runs out."""
    if stop is None:
        return float("inf")
    return capacity * max(0.0, stop.start - delay)


def _zero_small(value: float) -> float:
    return 0.0 if abs(value) < 1e-9 else float(value)
