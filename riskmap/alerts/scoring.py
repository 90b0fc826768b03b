"""One replication's warnings and backorder episodes, and a rule's score on it (docs/alerts.md).

Definitions, on the item's settled trace (:class:`~riskmap.sim.results.StockTrace`):

* A **warning** is a time at which the measure falls from at least ``below``
  to under it. The rule starts armed, so a measure already under ``below`` at
  time 0 warns at time 0; after a warning it re-arms only once the measure is
  back at or above ``below``, so a measure that stays low warns once.
* A **backorder episode** of the item is a maximal interval during which
  something waits for it: its backlog is above 0 (for a product, a customer
  order; for a part, a production order of an item made from it). An
  episode still open at the horizon ends there.
* A warning **warns of** the next episode that starts after it when that
  start is at most ``window`` later and no episode is in progress at the
  warning: an episode is warned of when a warning fell in
  ``[max(end of the previous episode, start - window), start)``. Its
  **lead time** is the time from the first such warning to the start.
  A warning at the very instant an episode starts, or during one, is late:
  it warns of nothing and is no false alarm either.
* A **false alarm** is a warning, not during an episode, followed by no
  episode start within ``window``. Only warnings in
  ``[warmup, horizon - window]`` are judged (later ones cannot be), and the
  rate per year is over that judged time.
* Episodes count when they start at or after ``warmup``. Each warning warns
  of at most one episode, so none is counted twice.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from riskmap.alerts.measures import RulePlan
from riskmap.sim.results import AlertOutcome, StockTrace


def warning_times(times: np.ndarray, values: np.ndarray, below: float) -> np.ndarray:
    """The times the measure falls from at least ``below`` to under it (armed at the start).

    >>> warning_times(np.array([0., 1, 2, 3, 4]), np.array([5., 2, 1, 4, 0]), 3).tolist()
    [1.0, 4.0]
    """
    low = values < below
    before = np.concatenate(([False], low[:-1]))
    return times[low & ~before]


def episode_spans(trace: StockTrace) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the item's backorder episodes (an open one ends at the horizon).

    >>> from riskmap.sim.results import StockTrace
    >>> t = StockTrace(np.array([0., 2, 5, 7]), np.zeros(4, int), np.zeros(4, int),
    ...                np.array([False, True, False, True]), 10.0)
    >>> [s.tolist() for s in episode_spans(t)]
    [[2.0, 7.0], [5.0, 10.0]]
    """
    waiting = trace.waiting
    before = np.concatenate(([False], waiting[:-1]))
    starts = trace.times[waiting & ~before]
    after = np.concatenate((waiting[1:], [False]))
    end_at = np.concatenate((trace.times[1:], [trace.horizon]))
    ends = end_at[waiting & ~after]
    return starts, ends


def classify(warnings: np.ndarray, starts: np.ndarray, ends: np.ndarray,
             window: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each warning: the episode it warns of (or -1), and whether it is a false alarm.

    Returns
    -------
    tuple of numpy.ndarray
        ``episode`` (index into ``starts``, -1 when it warns of none), ``false``
        (bool) and ``during`` (bool: an episode was in progress).
    """
    count = len(starts)
    following = np.searchsorted(starts, warnings, side="right")
    if count:
        current = following - 1
        during = (current >= 0) & (warnings < ends[np.maximum(current, 0)])
        gap = np.where(following < count, starts[np.minimum(following, count - 1)] - warnings,
                       math.inf)
    else:
        during = np.zeros(len(warnings), dtype=bool)
        gap = np.full(len(warnings), math.inf)
    warns = ~during & (gap <= window)
    episode = np.where(warns, following, -1)
    return episode, ~during & ~warns, during


def first_leads(episode: np.ndarray, warnings: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per episode, the time from its first warning to its start (NaN when not warned of)."""
    leads = np.full(len(starts), math.nan)
    warned = episode >= 0
    if warned.any():
        # warnings are in time order: the first of each episode is its earliest
        index, first = np.unique(episode[warned], return_index=True)
        leads[index] = starts[index] - warnings[warned][first]
    return leads


def score(plan: RulePlan, trace: StockTrace, keep_times: bool = True) -> AlertOutcome:
    """The rule's outcome in one replication (see the module docstring).

    Parameters
    ----------
    plan : RulePlan
        The rule and its constants.
    trace : StockTrace
        Its item's trace in the replication.
    keep_times : bool
        Keep the exact warning times and episode spans in the outcome.
    """
    values = plan.values(trace.on_hand, trace.position)
    starts, ends = episode_spans(trace)
    counted = starts >= plan.warmup
    last_judged = plan.horizon - plan.window
    judged_time = max(0.0, last_judged - plan.warmup)

    def judged(times: np.ndarray) -> np.ndarray:
        return (times >= plan.warmup) & (times <= last_judged)

    warnings = warning_times(trace.times, values, plan.alert.below)
    episode, false, _ = classify(warnings, starts, ends, plan.window)
    leads = first_leads(episode, warnings, starts)[counted]
    warned = ~np.isnan(leads)
    false_by_level, in_time_by_level = [], []
    for level in plan.levels:
        at = warning_times(trace.times, values, level)
        e, f, _ = classify(at, starts, ends, plan.window)
        false_by_level.append(int(np.count_nonzero(f & judged(at))))
        lead = first_leads(e, at, starts)[counted]
        in_time_by_level.append(int(np.count_nonzero(lead >= plan.lead_time)))
    return AlertOutcome(
        episodes=int(np.count_nonzero(counted)), warned=int(np.count_nonzero(warned)),
        lead_time_total=float(leads[warned].sum()),
        warnings=int(np.count_nonzero(warnings >= plan.warmup)),
        false_alarms=int(np.count_nonzero(false & judged(warnings))),
        judged_time=judged_time, year=plan.year,
        false_alarms_by_level=tuple(false_by_level), in_time_by_level=tuple(in_time_by_level),
        warning_times=tuple(warnings.tolist()) if keep_times else (),
        episode_spans=tuple(zip(starts.tolist(), ends.tolist())) if keep_times else ())


def score_replication(plans, result, keep_times: bool = True) -> dict[str, AlertOutcome]:
    """Every rule's outcome in one replication, by rule id (empty without rules).

    Parameters
    ----------
    plans : sequence of RulePlan
        :func:`riskmap.alerts.measures.rule_plans` of the scenario simulated.
    result : ReplicationResult
        The replication, with the traces of the watched items.
    keep_times : bool
        Keep the exact times (the digests that travel leave them out).
    """
    traces: Mapping[str, StockTrace] = result.traces
    return {plan.id: score(plan, traces[plan.alert.item], keep_times) for plan in plans}
