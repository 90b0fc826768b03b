"""The highspy and SciPy paths agree; the neighbourhood programs agree with the whole network."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.analysis.risk_map import risk_map
from riskmap.analysis.solvers import highspy_available
from riskmap.testing.synthetic import synthetic_network

pytestmark = pytest.mark.property

needs_highspy = pytest.mark.skipif(not highspy_available(), reason="highspy not installed")


def close(a, b, rel=1e-6, abs_=1e-6):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def same_exposures(left, right):
    for a, b in zip(left, right, strict=True):
        assert a.id == b.id
        for field in ("tts", "ttr", "pi", "rei"):
            assert close(getattr(a, field), getattr(b, field)), (a.id, field, a, b)
        assert (a.extra_stock is None) == (b.extra_stock is None), a.id
        if a.extra_stock is not None:
            # The total is the LP optimum; rounding each item up may add up to one per item.
            assert abs(a.extra_stock.total - b.extra_stock.total) <= len(a.extra_stock.items) + len(
                b.extra_stock.items), a.id


@needs_highspy
@pytest.mark.parametrize("seed", [3, 8])
def test_highspy_and_scipy_agree(seed):
    net = synthetic_network(25, 100, 6, n_regions=4, seed=seed)
    fast, slow = risk_map(net, "highspy"), risk_map(net, "scipy")
    assert fast.solver == "highspy" and slow.solver == "scipy"
    assert close(fast.baseline_tts, slow.baseline_tts)
    same_exposures(fast.suppliers, slow.suppliers)
    same_exposures(fast.regions, slow.regions)
    assert any(s.tts is not None for s in fast.suppliers)  # the test compares finite values too


@needs_highspy
def test_warm_started_whole_network_agrees_with_scipy():
    # highspy solves every variant warm from the last basis; SciPy solves each from scratch
    net = synthetic_network(15, 60, 4, n_regions=3, seed=11)
    a = risk_map(net, "highspy", exact=True)
    b = risk_map(net, "scipy", exact=True)
    assert (a.solver, b.solver) == ("highspy", "scipy")
    same_exposures(a.suppliers, b.suppliers)


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_neighbourhood_never_overstates_survival(seed):
    # The neighbourhood program is a restriction of the whole one: TTS can only be
    # lower and PI only higher.
    net = synthetic_network(20, 80, 5, n_regions=3, seed=seed)
    local, whole = risk_map(net), risk_map(net, exact=True)
    for a, b in zip(local.suppliers, whole.suppliers, strict=True):
        if b.tts is not None:
            assert a.tts is not None and a.tts <= b.tts * (1 + 1e-6) + 1e-6, a.id
        if b.pi is not None:
            assert a.pi >= b.pi * (1 - 1e-6) - 1e-6, a.id


def test_change_keeps_the_last_setting_of_an_index():
    import numpy as np

    from riskmap.analysis.solvers import Change

    change = Change().bound([1, 2, 3], 0.0, 9.0).bound([2], 1.0, 5.0).row([4, 4], [7.0, 8.0])
    cols, lo, hi, rows, rhs, *_ = change.arrays()
    assert cols.tolist() == [1, 2, 3]
    assert lo.tolist() == [0.0, 1.0, 0.0] and hi.tolist() == [9.0, 5.0, 9.0]
    assert rows.tolist() == [4] and rhs.tolist() == [8.0]
    assert isinstance(cols, np.ndarray)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_suppliers=st.integers(4, 15))
def test_invariants_on_random_networks(seed, n_suppliers):
    net = synthetic_network(n_suppliers, 3 * n_suppliers, 3, n_regions=3, seed=seed)
    rm = risk_map(net, "scipy")
    for row in rm.suppliers + rm.regions:
        if row.pi is None:
            assert row.rei is None
        else:
            assert row.pi >= 0.0 and 0.0 <= row.rei <= 1.0
        # Extra stock is computed exactly when demand goes unmet before recovery.
        assert (row.extra_stock is not None) == row.at_risk
        if row.tts is not None and rm.baseline_tts is None:
            assert row.tts >= 0.0
    # A supplier whose loss stops a product for good cannot be survived for ever.
    for supplier in rm.suppliers:
        if supplier.single_point_of_failure_for:
            assert supplier.tts is not None
