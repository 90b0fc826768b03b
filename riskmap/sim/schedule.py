"""The engine's one seam to SimPy: callbacks run at given times on a fresh environment.

Every event of a replication is a callback scheduled at an absolute time: a
customer order arriving, a receipt, a periodic review, a patience running
out. No event is a process and nothing polls. Two schedules do this with the
same result, event for event:

* :class:`Schedule` uses SimPy's public API only: each event is a
  :class:`simpy.events.Timeout` of the delay with the callback appended, and
  the run is driven by :meth:`simpy.Environment.peek` and
  :meth:`simpy.Environment.step` up to the horizon, counting the events it
  processes.
* :class:`QueueSchedule` pushes a slotted record onto the environment's event
  queue where :meth:`simpy.Environment.schedule` would push the Timeout (the
  same time, priority and sequence number, so events run in the same order)
  and skips the Timeout's bookkeeping (an instance dictionary, a delay and a
  reference to the environment per event). It reads SimPy's
  ``Environment._now``, ``_queue`` and ``_eid``, which is why simpy is pinned
  below version 5. It is the engine's default because it is measurably
  faster (docs/performance.md, "SimPy's public API"); the tests run both and
  require the same results and event logs.

A callback given to :meth:`Schedule.at` receives the event and reads what it
was scheduled with from ``event.value``.

Receipts are most of a large network's events, and most of them are in transit
at any time: tens of thousands on an industrial chain, which makes every push
and pop of one binary heap slow (its entries no longer fit in the processor's
caches). :meth:`Schedule.in_order` schedules such events per source (one
item's receipts, a :meth:`Schedule.source`): :class:`QueueSchedule` keeps a
source's events in a queue of its own and only the earliest of them in
SimPy's queue, each with the sequence number it was given when it was
scheduled, so the events run in exactly the order and at exactly the times
they would if all were in SimPy's queue. A source's events mostly come in the
order they will run (an item's receipts arrive about as they were placed):
those join the end of a first-in first-out queue, the others a heap.
"""

from __future__ import annotations

from collections import deque
from heapq import heappop, heappush
from typing import Any, Callable

import simpy
from simpy.events import NORMAL, Timeout

Callback = Callable[[Any], None]


class Schedule:
    """Callbacks at absolute times before a horizon, through SimPy's public API.

    Parameters
    ----------
    horizon : float
        Events at or after this time are never scheduled, and the run stops there.
    """

    name = "public"

    def __init__(self, horizon: float):
        self.env = simpy.Environment()
        self.horizon = horizon
        self.events = 0

    @property
    def now(self) -> float:
        """The simulated time of the event being processed."""
        return self.env.now

    def clock(self) -> Callable[[], float]:
        """A function returning :attr:`now`, for the callbacks that run most often."""
        env = self.env
        return lambda: env.now

    def at(self, time: float, callback: Callback, value: Any = None) -> None:
        """Run ``callback(event)`` at ``time`` (not at all if it is past the horizon)."""
        if time < self.horizon:
            now = self.env.now
            # ``now + (time - now)`` is the time SimPy gives a Timeout of that delay.
            Timeout(self.env, time - now, value).callbacks.append(callback)

    def repeating(self, callback: Callback) -> Callable[[float], None]:
        """``at(time, callback)`` bound once, for a stream of events of one kind (arrivals)."""
        def schedule(time: float) -> None:
            if time < self.horizon:
                now = self.env.now
                Timeout(self.env, time - now).callbacks.append(callback)
        return schedule

    def source(self) -> Any:
        """A new source of events for :meth:`in_order` (an item's receipts), kept by the caller."""
        return None

    def in_order(self, source: Any, time: float, callback: Callable[[Any], None],
                 value: Any) -> None:
        """Run ``callback(value)`` at ``time``, one of the events of ``source`` (:meth:`source`).

        Here every event goes to SimPy's queue.
        """
        if time < self.horizon:
            now = self.env.now
            Timeout(self.env, time - now, value).callbacks.append(self._calling(callback))

    def _calling(self, callback: Callable[[Any], None]) -> Callback:
        """An event callback that calls ``callback(event.value)`` (one per callback, kept)."""
        wrapped = self.__dict__.setdefault("_wrapped", {}).get(callback)
        if wrapped is None:
            wrapped = self._wrapped[callback] = lambda event: callback(event.value)
        return wrapped

    def run(self) -> int:
        """Process every event before the horizon; return how many were processed."""
        env, horizon = self.env, self.horizon
        count = 0
        while env.peek() < horizon:
            env.step()
            count += 1
        self.events = count
        return count


class _Event:
    """The least :meth:`simpy.Environment.step` needs of an event: callbacks and an ``_ok`` flag."""

    __slots__ = ("callbacks", "value", "_ok")

    def __init__(self, callback: Callback, value: Any):
        self.callbacks = [callback]
        self.value = value
        self._ok = True


class QueueSchedule(Schedule):
    """The same schedule, pushing slotted records onto SimPy's queue (see the module docstring)."""

    name = "queue"

    def __init__(self, horizon: float):
        super().__init__(horizon)
        self._queue = self.env._queue
        self._eid = self.env._eid
        # events of in_order sources numbered but not yet in SimPy's queue
        self._waiting = 0

    @property
    def now(self) -> float:
        return self.env._now

    def clock(self) -> Callable[[], float]:
        env = self.env
        return lambda: env._now

    def at(self, time: float, callback: Callback, value: Any = None) -> None:
        if time < self.horizon:
            now = self.env._now
            heappush(self._queue, (now + (time - now), NORMAL, next(self._eid),
                                   _Event(callback, value)))

    def repeating(self, callback: Callback) -> Callable[[float], None]:
        # One record serves the whole stream: a stream has one event pending at a
        # time, and step() has let go of the record before its callback schedules
        # the next one.
        env, queue, eid, horizon = self.env, self._queue, self._eid, self.horizon
        event = _Event(callback, None)
        callbacks = event.callbacks

        def schedule(time: float) -> None:
            if time < horizon:
                now = env._now
                event.callbacks = callbacks
                heappush(queue, (now + (time - now), NORMAL, next(eid), event))
        return schedule

    def source(self) -> "_Source":
        return _Source()

    def in_order(self, source: "_Source", time: float, callback: Callable[[Any], None],
                 value: Any) -> None:
        if time < self.horizon:
            now = self.env._now
            # [time, sequence number, callback, value, in SimPy's queue]: lists compare
            # by time then by the unique sequence number, the order SimPy would use.
            entry = [now + (time - now), next(self._eid), callback, value, False]
            fifo = source.fifo
            if not fifo or entry > fifo[-1]:
                fifo.append(entry)
            else:
                heappush(source.late, entry)
            if source.earliest() is entry:
                self._enter(source, entry)
            else:
                self._waiting += 1

    def _enter(self, source: "_Source", entry: list) -> None:
        """Put a source's earliest event in SimPy's queue, with the number it was given."""
        entry[4] = True
        heappush(self._queue, (entry[0], NORMAL, entry[1], _Event(self._from_source, source)))

    def _from_source(self, event) -> None:
        source = event.value
        entry = source.pop()  # it is the source's earliest: it was in SimPy's queue
        head = source.earliest()
        if head is not None and not head[4]:
            self._waiting -= 1
            self._enter(source, head)
        entry[2](entry[3])

    def run(self) -> int:
        self.env.run(until=self.horizon)
        # Every event is numbered from the environment's sequence, the stop event
        # that run(until=...) adds and processes at the horizon included: the
        # events processed are those numbered and neither left queued nor still
        # waiting in a source's own queue, but that one.
        self.events = next(self._eid) - len(self._queue) - self._waiting - 1
        return self.events


class _Source:
    """The events of one source not yet run: in order of arrival (``fifo``), or out of it (``late``)."""

    __slots__ = ("fifo", "late")

    def __init__(self):
        self.fifo: deque = deque()
        self.late: list = []

    def earliest(self):
        """The event that runs first, or None."""
        fifo, late = self.fifo, self.late
        if late and (not fifo or late[0] < fifo[0]):
            return late[0]
        return fifo[0] if fifo else None

    def pop(self):
        """Take out the event that runs first."""
        fifo, late = self.fifo, self.late
        if late and (not fifo or late[0] < fifo[0]):
            return heappop(late)
        return fifo.popleft()


#: the schedules by name; the engine uses :data:`DEFAULT`.
SCHEDULES: dict[str, type[Schedule]] = {"public": Schedule, "queue": QueueSchedule}
DEFAULT = "queue"
