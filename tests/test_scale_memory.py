"""Bounded memory: compact per-replication columns and bounded series."""

from __future__ import annotations

import pickle
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap.run.executors import SerialExecutor
from riskmap.run.montecarlo import Column, run_scenario, series_replications
from tests.test_montecarlo import fake_simulate, tiny_scenario

#: what statistics return: nothing, flags, counts, measurements, and numpy's scalars.
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70),
    st.floats(allow_nan=False), st.floats(allow_nan=False).map(np.float64),
    st.integers(-2**62, 2**62).map(np.int64), st.booleans().map(np.bool_))


@pytest.mark.property
@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, max_size=40))
def test_column_gives_back_exactly_what_was_appended(values):
    column = Column(values)
    back = list(column)
    assert len(column) == len(values)
    assert [type(v) for v in back] == [type(v) for v in values]
    assert back == values and column == values
    assert list(pickle.loads(pickle.dumps(column))) == values
    if values:
        assert column[-1] == values[-1] and column[1:3] == values[1:3]


@pytest.mark.hand
def test_column_as_numpy_array_matches_the_list():
    floats = Column([1.5, None, 2.0])
    assert np.array_equal(np.asarray(floats, dtype=float), np.array([1.5, np.nan, 2.0]),
                          equal_nan=True)
    assert np.asarray(Column([1, 2, 3])).dtype == np.asarray([1, 2, 3]).dtype
    assert np.asarray(Column([True, False]), dtype=bool).tolist() == [True, False]
    with pytest.raises(IndexError):
        Column([1.0])[1]


@pytest.mark.hand
def test_column_is_four_times_smaller_than_a_list_of_floats():
    values = [float(k) + 0.5 for k in range(10_000)]
    column = Column(values)
    as_list = sys.getsizeof(values) + sum(sys.getsizeof(v) for v in values)
    as_column = (sys.getsizeof(column._data) + sys.getsizeof(column._codes))
    assert as_column * 3 < as_list
    assert as_column < 10 * len(values) + 1024  # 8 bytes of value, 1 of type


@pytest.mark.hand
def test_samples_hold_each_replications_values_in_order():
    scenario = tiny_scenario(replications=9)
    summary = run_scenario(scenario, executor=SerialExecutor(), simulator=fake_simulate)
    results = [fake_simulate(scenario, seed, i)
               for i, seed in enumerate(np.random.SeedSequence(7).spawn(9))]
    units = summary.samples.values["product"]["widget"]["backorder_units"]
    first = summary.samples.values["product"]["gadget"]["time_to_first_backorder"]
    assert isinstance(units, Column) and isinstance(summary.samples.ordered["widget"], Column)
    assert list(units) == [r.products["widget"].backorder_units for r in results]
    assert list(first) == [r.products["gadget"].first_backorder_time for r in results]
    assert None in first  # replications without a backorder: undefined, kept as None
    assert list(summary.samples.ordered["gadget"]) == [
        r.products["gadget"].ordered_units for r in results]


@pytest.mark.hand
def test_series_kept_are_capped_by_memory_not_by_replications():
    # 1,000 products x 366 points x 2 series x 8 bytes = 5.9 MB a replication
    assert series_replications(1000, 1000, 366) == 20
    assert series_replications(10_000, 10, 366) == 1000
    assert series_replications(5, 1000, 366) == 5


# --------------------------------------------------------------------------
# Digests: what a worker sends back (riskmap.run.samples)


def _layout(scenario):
    from riskmap.run.montecarlo import series_times
    from riskmap.run.samples import Layout

    return Layout.of(scenario.network, series_times(scenario.horizon))


@pytest.mark.property
@settings(max_examples=50, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=4))
def test_a_digest_carries_every_value_exactly(values):
    """Through a digest, a column gets back exactly what the statistic produced, type included."""
    from dataclasses import replace

    from riskmap.run.samples import Samples, digest

    scenario = tiny_scenario(replications=1)
    base = fake_simulate(scenario, np.random.SeedSequence(7).spawn(1)[0], 0)
    layout = _layout(scenario)
    samples = Samples(layout)
    for value in values:
        parts = {pid: replace(outcome, stock_out_time=value)
                 for pid, outcome in base.parts.items()}
        samples.add_digest(digest(replace(base, parts=parts), layout, series=False))
    column = samples.values["part"]["bolt"]["stock_out_time"]
    assert list(column) == values
    assert [type(v) for v in column] == [type(v) for v in values]


@pytest.mark.hand
def test_a_digest_survives_a_checkpoint_round_trip():
    import json

    from riskmap.run.checkpoint import decode, encode
    from riskmap.run.samples import digest

    scenario = tiny_scenario(replications=1, horizon=12)
    result = fake_simulate(scenario, np.random.SeedSequence(7).spawn(1)[0], 0)
    record = digest(result, _layout(scenario), series=True)
    back = decode(json.loads(json.dumps(encode(record))))
    assert back.index == record.index and back.events == record.events
    for subject in record.values:
        assert back.values[subject].tobytes() == record.values[subject].tobytes()
        assert back.codes[subject].tolist() == record.codes[subject].tolist()
    assert back.series["on_hand"]["widget"].tolist() == record.series["on_hand"]["widget"].tolist()
    assert record.series["on_hand"]["widget"].dtype == np.int32  # small levels: half the memory


@pytest.mark.hand
def test_a_digest_refuses_ids_the_network_does_not_have():
    from dataclasses import replace

    from riskmap.run.samples import digest

    scenario = tiny_scenario(replications=1)
    result = fake_simulate(scenario, np.random.SeedSequence(7).spawn(1)[0], 0)
    stray = replace(result, suppliers={**result.suppliers, "ghost": result.suppliers["acme"]})
    with pytest.raises(ValueError, match="ghost"):
        digest(stray, _layout(scenario), series=False)
