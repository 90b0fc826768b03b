"""The zero-lead-time snapshot of a network as linear programs.

The time-to-survive (TTS) and performance-impact (PI) programs of Simchi-Levi,
Schmidt, Wei et al. (Interfaces 45(5):375-390, 2015) share one constraint
matrix; this module builds it once, with an index of which column and row
stand for what. :mod:`riskmap.analysis.survival` then solves variants of it
(one per disrupted supplier or region) by changing bounds only.

Columns
-------
``t``
    the length of the window ``[0, t]`` (a variable for TTS, fixed for PI);
``x[a]``
    units delivered on lane ``a`` (a supplier delivering an item) in the window;
``y[k]``
    units made of item ``k`` (items with a bill of materials);
``l[p]``
    demand units of item ``p`` lost in the window (PI only);
``e[i]``
    extra stock of item ``i`` (the least-extra-stock program only).

Rows (all ``<=``)
-----------------
balance of item ``i``
    ``sum_k bom_k[i] y[k] + d_i t - l[i] - sum_a x[a] - y[i] - e[i] <= stock_i``;
lane ``a``
    ``x[a] - cap_a t <= 0`` (``-cap_a * delay_a`` for an activated alternate);
supplier ``s`` (with a capacity)
    ``sum_{a of s} x[a] - capacity_s t <= 0``, and a second row
    ``sum_{a of s} x[a] <= +inf`` tightened to ``capacity_s * cover`` when a
    tier-2 stops it;
assembly of item ``k`` (with a capacity and a bill of materials)
    ``y[k] - capacity_k t <= 0``.

``cap_a`` is the lane's capacity, else its supplier's, else the item's
required rate (:attr:`riskmap.graph.SupplyGraph.demand_rates`) ("unknown capacity keeps up with
demand": with zero lead times an unbounded lane would stockpile without end).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from riskmap.analysis.solvers import INF, LinearProgram
from riskmap.graph import supply_graph
from riskmap.model import Network

#: A TTS at or beyond this many time units is reported as unbounded.
T_MAX = 1e6

T_COL = 0


@dataclass(frozen=True)
class Lane:
    """One source of one item, with the capacity the snapshot assumes for it."""

    supplier: str
    item: str
    alternate: bool
    capacity: float
    delay: float


class Snapshot:
    """Index and constraint matrix of the snapshot programs of ``network``.

    Parameters
    ----------
    network : Network
        The supply network; items, lanes and suppliers are indexed in id order
        so the programs do not depend on file order or hash seeds.
    """

    def __init__(self, network: Network):
        self.network = network
        self.item_ids: tuple[str, ...] = tuple(sorted(i.id for i in network.items))
        self.item_index = {i: k for k, i in enumerate(self.item_ids)}
        self.lanes: tuple[Lane, ...] = _lanes(network)
        self.demand = {i.id: float(i.demand.mean_units_rate) for i in network.items
                       if i.demand is not None and 0 < i.demand.mean_units_rate < INF}
        self.made = tuple(i for i in self.item_ids if network.item(i).is_made)
        self.lost_items = tuple(sorted(self.demand))
        n_items, n_lanes = len(self.item_ids), len(self.lanes)
        # Column layout: t | x (lanes) | y (made items) | l (demand) | e (items).
        self.x0 = 1
        self.y_col = {k: 1 + n_lanes + j for j, k in enumerate(self.made)}
        self.l_col = {p: 1 + n_lanes + len(self.made) + j for j, p in enumerate(self.lost_items)}
        self.e0 = 1 + n_lanes + len(self.made) + len(self.lost_items)
        self.n_cols = self.e0 + n_items
        self.lane_capacity = np.array([a.capacity for a in self.lanes], dtype=float)
        self.lane_delay = np.array([a.delay for a in self.lanes], dtype=float)
        self.lane_alternate = np.array([a.alternate for a in self.lanes], dtype=bool)
        self.lanes_of: dict[str, np.ndarray] = _lanes_of(self.lanes)
        self.alternate_lanes_of_item: dict[str, np.ndarray] = _alternates_of_item(self.lanes)
        self.primary_lanes_of_item: dict[str, np.ndarray] = _primaries_of_item(self.lanes)
        self.lanes_of_item: dict[str, np.ndarray] = _group(self.lanes, lambda a: a.item)
        self.stock = np.array([float(network.item(i).stock) for i in self.item_ids])
        self._build_rows()
        self.weights, self.pi_unit = _weights(network, self.lost_items)

    def x_col(self, lanes: np.ndarray) -> np.ndarray:
        """Columns of lanes (an index array)."""
        return self.x0 + np.asarray(lanes, dtype=np.int32)

    def lane_row(self, lanes: np.ndarray) -> np.ndarray:
        return self.lane_row0 + np.asarray(lanes, dtype=np.int32)

    def index_sets(self, items: list[str], inner: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the programs that concern ``items`` (column 0, ``t``, first).

        Balance rows, lanes and extra stock of all ``items``; assembly and lost
        demand only of the ``inner`` ones (the others are held at a rate plan).
        """
        index = np.array(sorted(self.item_index[i] for i in items), dtype=np.int64)
        lanes = [self.lanes_of_item[i] for i in items if i in self.lanes_of_item]
        lanes = np.sort(np.concatenate(lanes)) if lanes else np.zeros(0, dtype=np.int64)
        suppliers = sorted({self.lanes[a].supplier for a in lanes.tolist()})
        made = [i for i in inner if i in self.y_col]
        cols = np.concatenate([
            [T_COL], self.x0 + lanes, sorted(self.y_col[i] for i in made),
            sorted(self.l_col[i] for i in inner if i in self.l_col), self.e0 + index,
        ]).astype(np.int64)
        rows = np.concatenate([
            index, self.lane_row0 + lanes,
            sorted(r for s in suppliers for r in (self.supplier_row.get(s), self.cover_row.get(s))
                   if r is not None),
            sorted(self.assembly_row[i] for i in made if i in self.assembly_row),
        ]).astype(np.int64)
        return rows, cols

    def _build_rows(self) -> None:
        net = self.network
        graph = supply_graph(net)
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        rhs: list[float] = []

        def put(row: int, col: int, value: float) -> None:
            rows.append(row)
            cols.append(col)
            vals.append(value)

        for r, item_id in enumerate(self.item_ids):
            item = net.item(item_id)
            for user, qty in graph.users(item_id):
                if user in self.y_col:
                    put(r, self.y_col[user], float(qty))
            if item_id in self.demand:
                put(r, T_COL, self.demand[item_id])
                put(r, self.l_col[item_id], -1.0)
            if item_id in self.y_col:
                put(r, self.y_col[item_id], -1.0)
            put(r, self.e0 + r, -1.0)
            rhs.append(float(item.stock))
        for a, lane in enumerate(self.lanes):
            put(self.item_index[lane.item], self.x0 + a, -1.0)
        self.lane_row0 = len(rhs)
        for a, lane in enumerate(self.lanes):
            put(self.lane_row0 + a, self.x0 + a, 1.0)
            put(self.lane_row0 + a, T_COL, -lane.capacity)
            rhs.append(0.0)
        self.supplier_row: dict[str, int] = {}
        self.cover_row: dict[str, int] = {}
        for supplier in sorted(net.suppliers, key=lambda s: s.id):
            lanes = self.lanes_of.get(supplier.id)
            if supplier.capacity is None or lanes is None:
                continue
            for name, t_coeff, bound in (("cap", -float(supplier.capacity), 0.0),
                                         ("cover", 0.0, INF)):
                row = len(rhs)
                (self.supplier_row if name == "cap" else self.cover_row)[supplier.id] = row
                for a in lanes:
                    put(row, self.x0 + int(a), 1.0)
                if t_coeff:
                    put(row, T_COL, t_coeff)
                rhs.append(bound)
        self.assembly_row: dict[str, int] = {}
        for item_id in self.made:
            capacity = net.item(item_id).capacity
            if capacity is not None:
                row = len(rhs)
                self.assembly_row[item_id] = row
                put(row, self.y_col[item_id], 1.0)
                put(row, T_COL, -float(capacity))
                rhs.append(0.0)
        self.row_upper = np.array(rhs, dtype=float)
        self.matrix = sparse.csc_array(
            (np.array(vals, dtype=float), (np.array(rows), np.array(cols))),
            shape=(len(rhs), self.n_cols))
        self.matrix.sum_duplicates()

    def _bounds(self, t_lower: float, t_upper: float) -> tuple[np.ndarray, np.ndarray]:
        """Every item *inactive*: no flows, no lost demand, no extra stock.

        A variant activates the items it concerns (see
        :meth:`riskmap.analysis.survival.Evaluator`), so a solve touches only
        the part of the network an outage reaches.
        """
        lower = np.zeros(self.n_cols)
        upper = np.zeros(self.n_cols)
        lower[T_COL], upper[T_COL] = t_lower, t_upper
        return lower, upper

    def _program(self, cost: np.ndarray, t_lower: float, t_upper: float) -> LinearProgram:
        lower, upper = self._bounds(t_lower, t_upper)
        row_upper = self.row_upper.copy()
        row_upper[:len(self.item_ids)] = INF  # balance rows of inactive items
        return LinearProgram(cost, lower, upper, row_upper, self.matrix)

    def tts_program(self) -> LinearProgram:
        """Maximise ``t`` (as ``min -t``), ``t <= T_MAX``; no lost demand, no extra stock."""
        cost = np.zeros(self.n_cols)
        cost[T_COL] = -1.0
        return self._program(cost, 0.0, T_MAX)

    def pi_program(self) -> LinearProgram:
        """Minimise weighted lost demand; ``t`` and the bounds of ``l`` are set per variant."""
        cost = np.zeros(self.n_cols)
        for p, w in zip(self.lost_items, self.weights):
            cost[self.l_col[p]] = w
        return self._program(cost, 0.0, 0.0)

    def stock_program(self) -> LinearProgram:
        """Minimise total extra stock (every unit of every item weighted 1); ``t`` set per variant."""
        cost = np.zeros(self.n_cols)
        cost[self.e0:] = 1.0
        return self._program(cost, 0.0, 0.0)

    def rate_program(self) -> LinearProgram:
        """The baseline *rate plan*: flows per time unit meeting all demand with no stock.

        ``t`` is fixed at 1 and stock at 0; primary lanes and assembly are free,
        alternates off; the objective (least total flow) picks one plan among
        many. Feasible exactly when the baseline TTS is unbounded.
        """
        cost = np.zeros(self.n_cols)
        cost[self.x0:self.x0 + len(self.lanes)] = 1.0
        for col in self.y_col.values():
            cost[col] = 1.0
        lower, upper = self._bounds(1.0, 1.0)
        primaries = self.x0 + np.flatnonzero(~self.lane_alternate)
        upper[primaries] = INF
        upper[list(self.y_col.values())] = INF
        row_upper = self.row_upper.copy()
        row_upper[:len(self.item_ids)] = 0.0
        return LinearProgram(cost, lower, upper, row_upper, self.matrix)


def _lanes(network: Network) -> tuple[Lane, ...]:
    rates = supply_graph(network).demand_rates
    lanes = []
    for item in sorted(network.items, key=lambda i: i.id):
        for source in sorted(item.sources, key=lambda s: (s.supplier, s.alternate)):
            supplier = network.supplier(source.supplier)
            if source.capacity is not None:
                capacity = float(source.capacity)
            elif supplier.capacity is not None:
                capacity = float(supplier.capacity)
            else:
                capacity = float(rates.get(item.id, 0.0))
            lanes.append(Lane(source.supplier, item.id, bool(source.alternate), capacity,
                              float(source.activation_delay.mean) if source.alternate else 0.0))
    return tuple(lanes)


def _lanes_of(lanes: tuple[Lane, ...]) -> dict[str, np.ndarray]:
    out: dict[str, list[int]] = {}
    for a, lane in enumerate(lanes):
        out.setdefault(lane.supplier, []).append(a)
    return {k: np.array(v, dtype=np.int32) for k, v in sorted(out.items())}


def _alternates_of_item(lanes: tuple[Lane, ...]) -> dict[str, np.ndarray]:
    out: dict[str, list[int]] = {}
    for a, lane in enumerate(lanes):
        if lane.alternate:
            out.setdefault(lane.item, []).append(a)
    return {k: np.array(v, dtype=np.int32) for k, v in sorted(out.items())}


def _group(lanes: tuple[Lane, ...], key) -> dict[str, np.ndarray]:
    out: dict[str, list[int]] = {}
    for a, lane in enumerate(lanes):
        out.setdefault(key(lane), []).append(a)
    return {k: np.array(v, dtype=np.int32) for k, v in sorted(out.items())}


def _primaries_of_item(lanes: tuple[Lane, ...]) -> dict[str, np.ndarray]:
    out: dict[str, list[int]] = {}
    for a, lane in enumerate(lanes):
        if not lane.alternate:
            out.setdefault(lane.item, []).append(a)
    return {k: np.array(v, dtype=np.int32) for k, v in sorted(out.items())}


def _weights(network: Network, lost_items: tuple[str, ...]) -> tuple[np.ndarray, str]:
    """Margin per lost unit when every product with demand has a margin, else 1 per unit."""
    margins = [network.item(p).margin for p in lost_items]
    if lost_items and all(m is not None for m in margins):
        return np.array(margins, dtype=float), "margin"
    return np.ones(len(lost_items)), "units"
