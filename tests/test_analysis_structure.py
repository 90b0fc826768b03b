"""Single points of failure, dependencies across tiers, single sourcing, concentration."""

from __future__ import annotations

import pytest

from riskmap.analysis.risk_map import risk_map
from riskmap.analysis.structure import Structure, item_concentration
from riskmap.model import PART, PRODUCT, Demand, Item, Network, Region, Source, Supplier

pytestmark = pytest.mark.hand

REGIONS = (Region("r1", "R1"), Region("r2", "R2"), Region("r3", "R3"))


def shared_tier2() -> Network:
    # Part c has two primary suppliers in different regions, but both depend on T.
    return Network("shared-tier2", regions=REGIONS, suppliers=(
        Supplier("S1", "S1", region="r1", depends_on=("T",)),
        Supplier("S2", "S2", region="r2", depends_on=("T",)),
        Supplier("T", "T", region="r3"),
    ), items=(
        Item("c", PART, sources=(Source("S1"), Source("S2"))),
        Item("K", PRODUCT, bom=(("c", 1),), demand=Demand(rate=1.0)),
    ))


def test_shared_tier2_is_one_point_of_failure():
    rm = risk_map(shared_tier2())
    k = rm.product("K")
    # Losing S1 or S2 alone leaves the other; losing T stops both.
    assert k.spof_suppliers == ("T",)
    assert k.spof_regions == ("r3",)
    assert k.suppliers == ("S1", "S2", "T")
    assert k.regions == ("r1", "r2", "r3")
    assert rm.supplier("T").single_point_of_failure_for == ("K",)
    assert rm.supplier("S1").single_point_of_failure_for == ()


def single_source(alternate_region=None) -> Network:
    suppliers = [Supplier("D1", "D1", region="r1")]
    sources = [Source("D1")]
    if alternate_region is not None:
        suppliers.append(Supplier("D2", "D2", region=alternate_region))
        sources.append(Source("D2", alternate=True))
    return Network("single", regions=REGIONS, suppliers=tuple(suppliers), items=(
        Item("d", PART, sources=tuple(sources)),
        Item("K", PRODUCT, bom=(("d", 2),), demand=Demand(rate=1.0)),
    ))


def test_single_source_is_a_point_of_failure():
    rm = risk_map(single_source())
    assert rm.product("K").spof_suppliers == ("D1",)
    assert rm.product("K").spof_regions == ("r1",)
    assert rm.single_sourced_parts == ("d",)


def test_alternate_in_another_region_removes_the_point_of_failure():
    rm = risk_map(single_source(alternate_region="r2"))
    assert rm.product("K").spof_suppliers == ()
    assert rm.product("K").spof_regions == ()
    assert rm.single_sourced_parts == ()


def test_alternate_in_the_same_region_leaves_the_region():
    rm = risk_map(single_source(alternate_region="r1"))
    assert rm.product("K").spof_suppliers == ()
    assert rm.product("K").spof_regions == ("r1",)


def test_made_or_bought_either_way_works():
    # m is bought from B and also made from p (bought from P): losing either is survivable.
    net = Network("both", suppliers=(Supplier("B", "B"), Supplier("P", "P")), items=(
        Item("p", PART, sources=(Source("P"),)),
        Item("m", PART, sources=(Source("B"),), bom=(("p", 1),)),
        Item("K", PRODUCT, bom=(("m", 1),), demand=Demand(rate=1.0)),
    ))
    rm = risk_map(net)
    assert rm.product("K").spof_suppliers == ()
    structure = Structure(net)
    assert structure.newly_unavailable(structure.lost_with(["B", "P"])) == {"m", "K", "p"}


def test_lost_with_follows_the_depends_on_closure():
    net = Network("chain", suppliers=(
        Supplier("A", "A", depends_on=("B",)),
        Supplier("B", "B", depends_on=("C",)),
        Supplier("C", "C"),
        Supplier("X", "X"),
    ))
    structure = Structure(net)
    assert structure.lost_with(["C"]) == {"A", "B", "C"}
    assert structure.lost_with(["B"]) == {"A", "B"}
    assert structure.graph.upstream("A") == {"A", "B", "C"}


def test_concentration_by_capacity_and_by_count():
    net = Network("hhi", regions=REGIONS, suppliers=(
        Supplier("a", "a", region="r1", capacity=30.0),
        Supplier("b", "b", region="r1"),
        Supplier("c", "c", region="r2"),
    ), items=(
        # Capacity known for all: shares 30/40 and 10/40 -> 0.75^2 + 0.25^2 = 0.625.
        Item("p", PART, sources=(Source("a"), Source("c", capacity=10.0))),
        # One without capacity: count basis, three sources, two in r1:
        # supplier HHI 3 * (1/3)^2 = 1/3; region HHI (2/3)^2 + (1/3)^2 = 5/9.
        Item("q", PART, sources=(Source("a"), Source("b"), Source("c"))),
        # The alternate is not counted.
        Item("s", PART, sources=(Source("a"), Source("c", alternate=True))),
    ))
    p = item_concentration(net, net.item("p"))
    assert p.basis == "capacity"
    assert p.supplier_hhi == pytest.approx(0.625)
    assert p.region_hhi == pytest.approx(0.625)
    q = item_concentration(net, net.item("q"))
    assert q.basis == "count"
    assert q.supplier_hhi == pytest.approx(1 / 3)
    assert q.region_hhi == pytest.approx(5 / 9)
    s = item_concentration(net, net.item("s"))
    assert s.supplier_hhi == pytest.approx(1.0)


def test_product_concentration_weights_each_part_equally():
    rm = risk_map(single_source(alternate_region="r2"))
    conc = rm.product("K").concentration
    # One bought part, one primary source in r1.
    assert conc.supplier_hhi == pytest.approx(1.0)
    assert dict(conc.by_region) == {"r1": 1.0}
