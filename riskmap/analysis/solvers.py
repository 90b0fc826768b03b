"""Linear-program back ends: HiGHS through highspy (warm starts) or SciPy.

A :class:`LinearProgram` is ``minimise cost @ v`` subject to
``matrix @ v <= row_upper`` and ``col_lower <= v <= col_upper``: every row of
the risk-map programs is a ``<=`` row. The analysis solves many *variants* of
one program, each differing from it in a few bounds; a :class:`Change` lists
them, a back end applies it, solves and puts the bounds back.

* :class:`HighsBackend` keeps one HiGHS instance alive, so each variant starts
  from the previous optimal basis (a bound change keeps the basis dual
  feasible and dual simplex repairs it).
* :class:`ScipyBackend` calls :func:`scipy.optimize.linprog` (method
  ``"highs"``) from scratch for every variant: slower, same answers.

:func:`restrict` cuts a program down to some rows and columns with a change
applied, for variants that concern a small part of a large network.

``backend(program, name)`` picks one: ``"auto"`` is highspy when installed
(the ``fast`` extra), else SciPy.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from typing import Iterator, Optional

import numpy as np
from scipy import sparse

INF = float("inf")


@dataclass(frozen=True)
class LinearProgram:
    """``min cost @ v  s.t.  matrix @ v <= row_upper,  col_lower <= v <= col_upper``."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_upper: np.ndarray
    matrix: sparse.csc_array

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)``."""
        return self.matrix.shape

    @property
    def nonzeros(self) -> int:
        return int(self.matrix.nnz)

    @property
    def t_column(self) -> np.ndarray:
        """Column 0 (the window length ``t``) as a dense array over the rows."""
        return self.matrix[:, [0]].toarray().ravel()


def _empty_int() -> np.ndarray:
    return np.zeros(0, dtype=np.int32)


def _empty_float() -> np.ndarray:
    return np.zeros(0, dtype=float)


@dataclass
class Change:
    """Bounds and costs that differ from the program for one solve.

    Later entries for the same index win (they are applied in order).
    """

    cols: list = field(default_factory=list)
    col_lower: list = field(default_factory=list)
    col_upper: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    row_upper: list = field(default_factory=list)
    cost_cols: list = field(default_factory=list)
    costs: list = field(default_factory=list)
    t_rows: list = field(default_factory=list)
    t_values: list = field(default_factory=list)

    def _add(self, indices, index_list: list, *pairs) -> "Change":
        """Append ``indices`` and, per ``(list, values)`` pair, values broadcast to them."""
        indices = np.atleast_1d(np.asarray(indices, dtype=np.int32))
        index_list.append(indices)
        for value_list, values in pairs:
            value_list.append(np.broadcast_to(np.asarray(values, dtype=float), indices.shape))
        return self

    def bound(self, cols, lower, upper) -> "Change":
        """Set the bounds of columns ``cols`` (scalars or arrays broadcast together)."""
        return self._add(cols, self.cols, (self.col_lower, lower), (self.col_upper, upper))

    def row(self, rows, upper) -> "Change":
        """Set the right-hand side of ``<=`` rows ``rows``."""
        return self._add(rows, self.rows, (self.row_upper, upper))

    def t_coefficient(self, rows, values) -> "Change":
        """Set the coefficient of column 0 (``t``) in rows ``rows``."""
        return self._add(rows, self.t_rows, (self.t_values, values))

    def cost(self, cols, values) -> "Change":
        """Set the objective coefficients of columns ``cols``."""
        return self._add(cols, self.cost_cols, (self.costs, values))

    def copy(self) -> "Change":
        """A change holding the same entries, to extend without touching this one."""
        return Change(*(list(part) for part in (self.cols, self.col_lower, self.col_upper,
                                                self.rows, self.row_upper, self.cost_cols,
                                                self.costs, self.t_rows, self.t_values)))

    def arrays(self):
        """The change as nine arrays: column bounds, row bounds, costs, ``t`` coefficients.

        Each index appears once, with its last setting: back ends differ in how
        they treat repeated indices, so none is passed on.
        """
        def cat(parts, empty):
            return np.concatenate(parts) if parts else empty()

        cols, (lo, hi) = _last(cat(self.cols, _empty_int),
                               cat(self.col_lower, _empty_float), cat(self.col_upper, _empty_float))
        rows, (rhs,) = _last(cat(self.rows, _empty_int), cat(self.row_upper, _empty_float))
        cost_cols, (costs,) = _last(cat(self.cost_cols, _empty_int), cat(self.costs, _empty_float))
        t_rows, (t_values,) = _last(cat(self.t_rows, _empty_int), cat(self.t_values, _empty_float))
        return cols, lo, hi, rows, rhs, cost_cols, costs, t_rows, t_values


def _last(index: np.ndarray, *values: np.ndarray):
    """Keep the last entry of each repeated index (sorted by index)."""
    if len(index) == 0:
        return index, values
    reverse = index[::-1]
    unique, first = np.unique(reverse, return_index=True)
    keep = len(index) - 1 - first
    return unique.astype(np.int32), tuple(v[keep] for v in values)


@dataclass(frozen=True)
class Solution:
    """The outcome of one solve: ``optimal`` true with the objective and column values."""

    optimal: bool
    objective: float
    values: Optional[np.ndarray]
    status: str


class Backend:
    """Interface: ``solve(change) -> Solution``, leaving the program as it was."""

    name = ""

    def solve(self, change: Change, want_values: bool = False) -> Solution:
        raise NotImplementedError  # pragma: no cover


class ScipyBackend(Backend):
    """Each variant solved from scratch by :func:`scipy.optimize.linprog`."""

    name = "scipy"

    def __init__(self, program: LinearProgram):
        self.program = program
        self._t = program.t_column
        self._rest = sparse.csc_array(program.matrix[:, 1:])

    def solve(self, change: Change, want_values: bool = False) -> Solution:
        from scipy.optimize import linprog

        p = self.program
        cols, lo, hi, rows, rhs, cost_cols, costs, t_rows, t_values = change.arrays()
        t = self._t.copy()
        t[t_rows] = t_values
        matrix = sparse.hstack([sparse.csc_array(t[:, None]), self._rest], format="csr")
        lower, upper = p.col_lower.copy(), p.col_upper.copy()
        lower[cols], upper[cols] = lo, hi
        row_upper = p.row_upper.copy()
        row_upper[rows] = rhs
        cost = p.cost.copy()
        cost[cost_cols] = costs
        # linprog takes no infinite right-hand side: such rows are inactive.
        active = np.isfinite(row_upper)
        result = linprog(cost, A_ub=matrix[active], b_ub=row_upper[active],
                         bounds=np.column_stack([lower, upper]), method="highs")
        if result.status != 0:
            return Solution(False, float("nan"), None, result.message)
        return Solution(True, float(result.fun), np.asarray(result.x), "optimal")


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 for a moment: HiGHS prints a banner there when created.

    ``riskmap map --json`` promises JSON alone on stdout, and the banner is
    written by C++ code that :data:`sys.stdout` redirection cannot catch.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def new_highs():
    """A silent HiGHS instance set for warm-started dual simplex (one can serve many programs)."""
    import highspy

    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    # Presolve would discard the basis kept between variants.
    h.setOptionValue("presolve", "off")
    h.setOptionValue("solver", "simplex")
    return h


class HighsBackend(Backend):
    """One live HiGHS instance; each variant is solved warm from the last basis."""

    name = "highspy"

    def __init__(self, program: LinearProgram, highs=None):
        import highspy

        self._highspy = highspy
        self.program = program
        self._h = new_highs() if highs is None else highs
        h = self._h
        h.clearSolver()  # a reused instance must not start from another program's basis
        lp = highspy.HighsLp()
        rows, cols = program.shape
        lp.num_col_ = cols
        lp.num_row_ = rows
        lp.col_cost_ = program.cost
        lp.col_lower_ = _highs_inf(program.col_lower)
        lp.col_upper_ = _highs_inf(program.col_upper)
        lp.row_lower_ = np.full(rows, -highspy.kHighsInf)
        lp.row_upper_ = _highs_inf(program.row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = program.matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = program.matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = program.matrix.data.astype(float)
        h.passModel(lp)
        self._t = program.t_column

    def solve(self, change: Change, want_values: bool = False) -> Solution:
        p = self.program
        h = self._h
        cols, lo, hi, rows, rhs, cost_cols, costs, t_rows, t_values = change.arrays()
        self._set_cols(cols, lo, hi)
        self._set_rows(rows, rhs)
        for row, value in zip(t_rows.tolist(), t_values.tolist()):
            h.changeCoeff(row, 0, value)
        if len(cost_cols):
            h.changeColsCost(len(cost_cols), cost_cols, costs)
        try:
            h.run()
            status = h.getModelStatus()
            if status != self._highspy.HighsModelStatus.kOptimal:
                return Solution(False, float("nan"), None, h.modelStatusToString(status))
            objective = float(h.getInfo().objective_function_value)
            values = np.asarray(h.getSolution().col_value) if want_values else None
            return Solution(True, objective, values, "optimal")
        finally:
            # Put the program back; the basis stays, which is the warm start.
            self._set_cols(cols, p.col_lower[cols], p.col_upper[cols])
            self._set_rows(rows, p.row_upper[rows])
            if len(cost_cols):
                h.changeColsCost(len(cost_cols), cost_cols, p.cost[cost_cols])
            for row in t_rows.tolist():
                h.changeCoeff(row, 0, float(self._t[row]))

    def _set_cols(self, cols, lower, upper) -> None:
        if len(cols):
            # Duplicates are applied in order by HiGHS, so the last entry wins.
            self._h.changeColsBounds(len(cols), cols, _highs_inf(lower), _highs_inf(upper))

    def _set_rows(self, rows, upper) -> None:
        if len(rows):
            lower = np.full(len(rows), -self._highspy.kHighsInf)
            self._h.changeRowsBounds(len(rows), rows, lower, _highs_inf(upper))


def _highs_inf(values: np.ndarray) -> np.ndarray:
    # HiGHS treats anything at or beyond 1e20 as infinite; np.inf works too
    # but a finite stand-in keeps every array it receives finite.
    return np.clip(np.asarray(values, dtype=float), -1e30, 1e30)


def restrict(program: LinearProgram, rows: np.ndarray, cols: np.ndarray,
             change: Change, csr: Optional[sparse.csr_array] = None) -> LinearProgram:
    """The sub-program on ``rows`` x ``cols`` (``cols[0]`` must be column 0), with ``change`` applied.

    Entries of ``change`` outside the selection are dropped; the caller makes
    sure the rest of the program is inactive (fixed at zero, rows free).
    """
    csr = sparse.csr_array(program.matrix) if csr is None else csr
    row_map = np.full(program.shape[0], -1, dtype=np.int64)
    row_map[rows] = np.arange(len(rows))
    col_map = np.full(program.shape[1], -1, dtype=np.int64)
    col_map[cols] = np.arange(len(cols))
    c_idx, lo, hi, r_idx, rhs, cost_cols, costs, t_rows, t_values = change.arrays()
    lower, upper = program.col_lower[cols].copy(), program.col_upper[cols].copy()
    _put(lower, col_map[c_idx], lo)
    _put(upper, col_map[c_idx], hi)
    row_upper = program.row_upper[rows].copy()
    _put(row_upper, row_map[r_idx], rhs)
    cost = program.cost[cols].copy()
    _put(cost, col_map[cost_cols], costs)
    sub = csr[rows][:, cols].tocsc()
    t = sub[:, [0]].toarray().ravel()
    _put(t, row_map[t_rows], t_values)
    matrix = sparse.hstack([sparse.csc_array(t[:, None]), sub[:, 1:]], format="csc")
    return LinearProgram(cost, lower, upper, row_upper, sparse.csc_array(matrix))


def _put(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    keep = index >= 0
    target[index[keep]] = values[keep]


def highspy_available() -> bool:
    """True when the optional ``highspy`` package can be imported."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def backend(program: LinearProgram, name: str = "auto", highs=None) -> Backend:
    """A back end for ``program``: ``"highspy"``, ``"scipy"`` or ``"auto"``.

    ``highs`` is a HiGHS instance (from :func:`new_highs`) to reuse, which
    saves creating one per small program.

    Raises
    ------
    ValueError
        For an unknown name, or ``"highspy"`` when it is not installed.
    """
    if name == "auto":
        name = "highspy" if highspy_available() else "scipy"
    if name == "highspy":
        if not highspy_available():
            raise ValueError("highspy is not installed (pip install 'riskmap[fast]')")
        return HighsBackend(program, highs)
    if name == "scipy":
        return ScipyBackend(program)
    raise ValueError(f"unknown LP solver {name!r}; expected auto, highspy or scipy")
