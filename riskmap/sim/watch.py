"""The watch of an item's stock for its alert rules: the trajectory as it settles.

Only items that a scenario's ``alerts:`` watch get one (:class:`StockWatch`, set
on their :class:`~riskmap.sim.inventory.Stock` by the engine), so a run without
alerts records nothing and runs as before.

The stock calls :meth:`StockWatch.moving` before anything changes its on hand,
its backlog or what it has on order (from ``Stock.touch``, and from the
replenishment when it places an order). When time has moved on since the
last change, the state about to change has held since that change: the state
*every* event at that time left (right-continuous, like the series). The
watch keeps its own clock, so watching never changes when the stock's time
integrals are advanced (nor, by a rounding, what they add up to). Several
events at one instant (an order shipped, then the review that replenishes it)
therefore show as their net effect, never as a dip of zero length. The watch keeps a point only when on hand, the inventory
position or "something waits" changed, so the trace is exact in continuous
time: the state at any time ``t`` is the last point at or before ``t``.
"""

from __future__ import annotations

import numpy as np

from riskmap.sim.results import StockTrace


class StockWatch:
    """The settled trajectory of one item's stock (see the module docstring)."""

    __slots__ = ("times", "on_hand", "position", "waiting", "_state", "_last")

    def __init__(self) -> None:
        self.times: list[float] = []
        self.on_hand: list[int] = []
        self.position: list[int] = []
        self.waiting: list[bool] = []
        self._state = None
        self._last = 0.0

    def moving(self, now: float, stock) -> None:
        """``stock`` is about to change at ``now``: keep the state that held since the last change."""
        last = self._last
        if now <= last:
            return
        self._last = now
        backlog = stock.backlog_units
        state = (stock.on_hand, stock.on_hand + stock.on_order - backlog, backlog > 0)
        if state == self._state:
            return
        self._state = state
        self.times.append(last)
        self.on_hand.append(state[0])
        self.position.append(state[1])
        self.waiting.append(state[2])

    def trace(self, horizon: float) -> StockTrace:
        """The recorded trajectory as arrays, ending at ``horizon``."""
        return StockTrace(times=np.asarray(self.times, dtype=np.float64),
                          on_hand=np.asarray(self.on_hand, dtype=np.int64),
                          position=np.asarray(self.position, dtype=np.int64),
                          waiting=np.asarray(self.waiting, dtype=bool), horizon=float(horizon))
