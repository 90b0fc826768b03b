"""The pipeline answers like a scan of its entries in order of arrival (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from riskmap.sim import pipeline as pipeline_module
from riskmap.sim.pipeline import Pipeline

pytestmark = pytest.mark.property


def scan(entries, needed):
    """What the pipeline must answer: the first entry, in order, that brings the sum to needed."""
    total = 0
    for time, _, units in sorted(entries):
        total += units
        if total >= needed:
            return time
    return None


#: a step: add a receipt, plan a run, take out the earliest receipt, any receipt, or a plan,
#: or cut a planned run's units.
steps = st.lists(st.tuples(st.sampled_from(["add", "plan", "arrive", "remove", "start", "unplan"]),
                           st.integers(0, 40), st.integers(1, 9)), max_size=120)


@settings(max_examples=300, deadline=None)
@given(steps=steps, asked=st.lists(st.integers(0, 200), min_size=1, max_size=5))
def test_every_answer_is_the_scan_of_the_entries(steps, asked):
    pipeline_module.COMPACT_AFTER = 4  # compact often, so the sums across compactions are checked
    try:
        pipe, receipts, planned, seq = Pipeline(), [], [], 0
        for action, time, units in steps:
            seq += 1
            if action == "add":
                entry = (float(time), seq, units)
                pipe.add(entry)
                receipts.append(entry)
            elif action == "plan":
                entry = (float(time), seq, units)
                pipe.plan(entry)
                planned.append(entry)
            elif action == "arrive" and receipts:
                entry = min(receipts)
                pipe.remove(entry)
                receipts.remove(entry)
            elif action == "remove" and receipts:
                entry = receipts[time % len(receipts)]
                pipe.remove(entry)
                receipts.remove(entry)
            elif action == "start" and planned:
                old = planned[time % len(planned)]
                if old[2] > 1:
                    new = (old[0], old[1], old[2] - 1)
                    pipe.replan(old, new)
                    planned[planned.index(old)] = new
            elif action == "unplan" and planned:
                entry = planned[time % len(planned)]
                pipe.unplan(entry)
                planned.remove(entry)
            everything = receipts + planned
            assert len(pipe) == len(everything)
            assert list(pipe) == sorted(everything)
            assert pipe.last() == (max(everything)[0] if everything else None)
            for needed in asked:
                assert pipe.time_for(needed) == scan(everything, needed), (needed, everything)
    finally:
        pipeline_module.COMPACT_AFTER = 256
