"""TTS, PI, REI and extra stock on tiny networks, each traced by hand in the comments.

Conventions (docs/risk-map.md): zero lead times; a lane with no capacity and a
supplier with none delivers at most the item's required rate; a supplier down
for its TTR; PI weighted by margin when every product with demand has one.
"""

from __future__ import annotations

import pytest

from riskmap.analysis.risk_map import risk_map
from riskmap.dists import Constant
from riskmap.model import PART, PRODUCT, Demand, Item, Network, Region, Source, Supplier

pytestmark = pytest.mark.hand

SOLVERS = ["highspy", "scipy"]


def approx(value):
    return pytest.approx(value, rel=1e-6, abs=1e-6)


def single_tier(b_ttr: float = 50.0) -> Network:
    # A has 8/day shared by both products; B has 4/day and only delivers P1.
    return Network(
        "single-tier",
        suppliers=(
            Supplier("A", "A", capacity=8.0, ttr=Constant(20)),
            Supplier("B", "B", capacity=4.0, ttr=Constant(b_ttr)),
        ),
        items=(
            Item("P1", PRODUCT, stock=30, demand=Demand(rate=6.0), margin=10.0,
                 sources=(Source("A"), Source("B"))),
            Item("P2", PRODUCT, stock=12, demand=Demand(rate=3.0), margin=20.0,
                 sources=(Source("A"),)),
        ),
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_single_tier_shared_capacity(solver):
    rm = risk_map(single_tier(), solver)
    # Baseline: A (8) + B (4) = 12/day >= 6 + 3 demanded: demand met for ever.
    assert rm.baseline_tts is None
    assert rm.pi_unit == "margin"
    a, b = rm.supplier("A"), rm.supplier("B")
    # A down: P2 has no other source: 3t <= 12 -> t = 4 (P1 alone: 6t <= 30 + 4t -> 15).
    assert a.tts == approx(4.0)
    # PI_A over TTR 20: P1 loses 6*20 - 30 - 4*20 = 10 units, P2 loses 3*20 - 12 = 48;
    # weighted by margin: 10*10 + 48*20 = 1060.
    assert a.pi == approx(1060.0)
    # B down: A's 8/day is shared: x1 + x2 <= 8t, 6t <= 30 + x1, 3t <= 12 + x2
    # -> 9t <= 42 + 8t -> t = 42 (the stock of both products pools the shortfall).
    assert b.tts == approx(42.0)
    # PI_B over TTR 50: demand 450, supply 8*50 + 42 = 442 -> 8 units lost, all of
    # P1 (margin 10 < 20): PI = 80.
    assert b.pi == approx(80.0)
    # REI: PI over the largest PI among suppliers.
    assert a.rei == approx(1.0)
    assert b.rei == approx(80.0 / 1060.0)
    # Extra stock for A: 10 units of P1 and 48 of P2 (unique optimum), total 58.
    assert a.extra_stock.total == 58
    assert dict(a.extra_stock.items) == {"P1": 10, "P2": 48}
    # For B: 8 units in total, of either product.
    assert b.extra_stock.total == 8


@pytest.mark.parametrize("solver", SOLVERS)
def test_single_tier_recovery_before_stockout(solver):
    rm = risk_map(single_tier(b_ttr=30.0), solver)
    b = rm.supplier("B")
    # TTS_B = 42 > TTR 30: nothing lost, no extra stock needed.
    assert b.tts == approx(42.0)
    assert b.pi == approx(0.0)
    assert b.extra_stock is None
    assert b.tts_minus_ttr == approx(12.0)
    assert not b.at_risk


def two_tier(x_capacity: float = 5.0) -> Network:
    # cell is shared by X (4 per unit) and Y (2 per unit); motor only by X.
    return Network(
        "two-tier",
        suppliers=(
            Supplier("S1", "S1", ttr=Constant(30)),
            Supplier("S2", "S2", ttr=Constant(30)),
            Supplier("M", "M", ttr=Constant(6)),
        ),
        items=(
            Item("cell", PART, stock=100,
                 sources=(Source("S1", capacity=50.0), Source("S2", capacity=30.0))),
            Item("motor", PART, stock=0, sources=(Source("M"),)),
            Item("X", PRODUCT, stock=10, bom=(("cell", 4), ("motor", 1)),
                 capacity=x_capacity, demand=Demand(rate=4.0)),
            Item("Y", PRODUCT, stock=0, bom=(("cell", 2),), demand=Demand(rate=10.0)),
        ),
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_two_tier_shared_part(solver):
    rm = risk_map(two_tier(), solver)
    # Required rates: cell 4*4 + 2*10 = 36/day, motor 4/day (M's lane keeps up with it).
    assert rm.baseline_tts is None
    assert rm.pi_unit == "units"  # no margins
    s1, s2, m = rm.supplier("S1"), rm.supplier("S2"), rm.supplier("M")
    # S1 down: cells arrive at 30/day. Made: yX >= 4t - 10 (X stock 10), yY >= 10t.
    # Cells: 4(4t - 10) + 2(10t) <= 100 + 30t -> 6t <= 140 -> t = 70/3 (yX <= 5t holds).
    assert s1.tts == approx(70.0 / 3.0)
    # PI_S1 over 30 days: without loss cells needed 4*110 + 2*300 = 1040 > 100 + 900;
    # 40 cells short. Losing an X saves 4 cells, a Y 2: lose 10 X units. PI = 10 units.
    assert s1.pi == approx(10.0)
    # S2 down: S1 alone gives 50 >= 36 cells/day.
    assert s2.tts is None
    assert s2.pi == approx(0.0)
    # M down: no motors in stock, X lives on its own stock: 4t <= 10 -> t = 2.5.
    assert m.tts == approx(2.5)
    # PI_M over 6 days: X demand 24, stock 10 -> 14 units lost.
    assert m.pi == approx(14.0)
    assert m.rei == approx(1.0)
    assert s1.rei == approx(10.0 / 14.0)
    assert s2.rei == approx(0.0)
    # Extra stock for M: 14 units over 6 days -- 14 X, or 14 motors (cells suffice:
    # 100 + 6*80 covers 4*14 + 2*60); both are 14 units.
    assert m.extra_stock.total == 14


@pytest.mark.parametrize("solver", SOLVERS)
def test_product_capacity_binds(solver):
    rm = risk_map(two_tier(x_capacity=3.0), solver)
    # X can be assembled at 3/day but is ordered at 4/day: 4t <= 10 + 3t -> t = 10,
    # even with nothing down.
    assert rm.baseline_tts == approx(10.0)
    # S1 down: the cell bound (70/3) is looser than the assembly bound (10).
    assert rm.supplier("S1").tts == approx(10.0)


def tier2(chain: bool = False) -> Network:
    suppliers = [
        Supplier("T2", "T2", ttr=Constant(40), depends_on=("T3",) if chain else (),
                 cover=Constant(6)),
        Supplier("S", "S", ttr=Constant(10), depends_on=("T2",), cover=Constant(10)),
    ]
    if chain:
        suppliers.append(Supplier("T3", "T3", ttr=Constant(40)))
    return Network("tier2", suppliers=tuple(suppliers), items=(
        Item("Q", PRODUCT, stock=20, demand=Demand(rate=5.0), sources=(Source("S", capacity=5.0),)),
    ))


@pytest.mark.parametrize("solver", SOLVERS)
def test_tier2_cover(solver):
    rm = risk_map(tier2(), solver)
    # S down: 5t <= 20 -> t = 4.
    assert rm.supplier("S").tts == approx(4.0)
    # T2 down: S keeps delivering for its cover of 10 days: x <= 5t, x <= 50
    # -> 5t <= 20 + 50 -> t = 14.
    assert rm.supplier("T2").tts == approx(14.0)
    # PI_T2 over 40 days: demand 200, supply 20 + 50 -> 130 units lost.
    assert rm.supplier("T2").pi == approx(130.0)
    # The tier-2 is a single point of failure of Q although it delivers nothing itself.
    assert rm.product("Q").spof_suppliers == ("S", "T2")


@pytest.mark.parametrize("solver", SOLVERS)
def test_tier3_covers_add_up(solver):
    rm = risk_map(tier2(chain=True), solver)
    # T3 down: T2 stops after its cover 6, S after 6 + 10 = 16 days: x <= 80
    # -> 5t <= 100 -> t = 20.
    assert rm.supplier("T3").tts == approx(20.0)
    assert rm.product("Q").suppliers == ("S", "T2", "T3")


def alternate(stock: int, alt_capacity: float) -> Network:
    return Network("alt", suppliers=(
        Supplier("P", "P", ttr=Constant(20)),
        Supplier("A", "A"),
    ), items=(
        Item("R", PRODUCT, stock=stock, demand=Demand(rate=10.0), sources=(
            Source("P", capacity=10.0),
            Source("A", capacity=alt_capacity, alternate=True, activation_delay=Constant(5)),
        )),
    ))


@pytest.mark.parametrize("solver", SOLVERS)
def test_alternate_in_time(solver):
    rm = risk_map(alternate(60, 10.0), solver)
    # P down, alternate off: 10t <= 60 -> TTS0 = 6 >= delay 5, so the alternate comes:
    # 10t <= 60 + 10(t - 5) always holds -> unbounded.
    assert rm.supplier("P").tts is None
    # PI over 20 days: 200 demanded, 60 + 10*15 = 210 available: nothing lost.
    assert rm.supplier("P").pi == approx(0.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_alternate_too_late(solver):
    rm = risk_map(alternate(40, 10.0), solver)
    # TTS0 = 40/10 = 4 < delay 5: the alternate comes too late; TTS = 4.
    assert rm.supplier("P").tts == approx(4.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_alternate_short_of_capacity(solver):
    rm = risk_map(alternate(60, 8.0), solver)
    # TTS0 = 6 >= 5; then 10t <= 60 + 8(t - 5) -> 2t <= 20 -> t = 10.
    p = rm.supplier("P")
    assert p.tts == approx(10.0)
    # PI over 20 days: 200 demanded, 60 + 8*15 = 180 available -> 20 lost.
    assert p.pi == approx(20.0)
    # Extra stock closing the gap: 20 units of R.
    assert p.extra_stock.total == 20
    assert dict(p.extra_stock.items) == {"R": 20}


def regional() -> Network:
    return Network("regions", regions=(Region("east", "East"), Region("west", "West")),
                   suppliers=(
                       Supplier("E1", "E1", region="east", ttr=Constant(10)),
                       Supplier("E2", "E2", region="east", ttr=Constant(20)),
                       Supplier("W", "W", region="west"),
                   ), items=(
                       Item("Z", PRODUCT, stock=30, demand=Demand(rate=8.0), sources=(
                           Source("E1", capacity=4.0), Source("E2", capacity=4.0),
                           Source("W", capacity=2.0))),
                   ))


@pytest.mark.parametrize("solver", SOLVERS)
def test_region(solver):
    rm = risk_map(regional(), solver)
    east, west = rm.region("east"), rm.region("west")
    # East down: W's 2/day against 8 -> 8t <= 30 + 2t -> t = 5.
    assert east.tts == approx(5.0)
    # TTR of the region: the longest of its suppliers', 20.
    assert east.ttr == approx(20.0)
    # PI over 20 days, E1 back after 10: supply 30 + 4*10 (E1) + 0 (E2) + 2*20 (W) = 110
    # against 160 demanded -> 50 lost.
    assert east.pi == approx(50.0)
    assert east.rei == approx(1.0)
    assert east.extra_stock.total == 50
    # West has no supplier with a TTR: no PI, no REI. Its loss costs 2/day: 8t <= 30 + 8t.
    assert west.ttr is None and west.pi is None and west.rei is None
    assert west.tts is None
    # Suppliers: E1 down -> 8t <= 30 + 6t -> 15 > TTR 10 -> PI 0; E2 down: 15 < 20,
    # PI = 160 - 30 - 6*20 = 10. W down: 8/day from the east -> unbounded.
    assert rm.supplier("E1").tts == approx(15.0)
    assert rm.supplier("E1").pi == approx(0.0)
    assert rm.supplier("E2").pi == approx(10.0)
    assert rm.supplier("E2").rei == approx(1.0)
    assert rm.supplier("W").tts is None
    assert rm.supplier("W").pi is None


def test_to_dict_is_plain_json():
    import json

    data = risk_map(regional()).to_dict()
    text = json.dumps(data, allow_nan=False, sort_keys=True)
    back = json.loads(text)
    assert back["format"] == 1
    assert back["suppliers"]["W"]["tts"] is None
    assert back["suppliers"]["W"]["tts_unbounded"] is True
    assert set(back["suppliers"]["E1"]) >= {"tts", "ttr", "pi", "rei"}
    assert back["regions"]["east"]["suppliers"] == ["E1", "E2"]
