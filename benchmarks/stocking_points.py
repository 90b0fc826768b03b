"""The benchmark network: independent stocking points behind one supplier.

Each stocking point holds one product under an (s, S) = (30, 80) policy
(riskmap ``min_max``), starts with 60 units, receives one customer order a
day of ``max(1, round(N(10, 3)))`` units, and is replenished by an
unbounded supplier with a lead time uniform on [1, 3] days. Customers wait
for ever (backorders). Used by bench_sim.py and bench_supplynetpy.py.
"""

from __future__ import annotations

from riskmap.dists import Constant, Normal, Uniform
from riskmap.model import PRODUCT, Demand, Item, Network, Policy, Scenario, Source, Supplier

S_MIN, S_MAX, START = 30, 80, 60
SIZE_MEAN, SIZE_SD = 10, 3
LEAD_MIN, LEAD_MAX = 1, 3


def point_id(i: int) -> str:
    return f"sp{i:03d}"


def network(points: int) -> Network:
    """``points`` stocking points as riskmap products."""
    items = tuple(
        Item(point_id(i), PRODUCT, stock=START, policy=Policy("min_max", min=S_MIN, max=S_MAX),
             sources=(Source("factory", lead_time=Uniform(LEAD_MIN, LEAD_MAX)),),
             demand=Demand(interval=Constant(1), size=Normal(SIZE_MEAN, SIZE_SD)))
        for i in range(points))
    return Network(name=f"{points} stocking points", suppliers=(Supplier("factory", "Factory"),),
                   items=items)


def scenario(points: int, horizon: float, replications: int = 1, seed: int = 1) -> Scenario:
    """The benchmark scenario: no disruption, only the stocking points."""
    return Scenario(name=f"{points} stocking points", network=network(points), horizon=horizon,
                    replications=replications, seed=seed)


def network_yaml(points: int, lost_sales: bool = False) -> str:
    """The same network as a riskmap network file; with ``lost_sales``, customers never wait
    (``patience: 0``: what stock cannot ship at once is lost)."""
    lines = ["riskmap: 1", f"name: {points} stocking points", "time_unit: day",
             "suppliers:", "  - {id: factory, name: Factory}", "products:"]
    for i in range(points):
        lines += [
            f"  - id: {point_id(i)}",
            f"    stock: {START}",
            f"    policy: {{type: min_max, min: {S_MIN}, max: {S_MAX}}}",
            f"    sources: [{{supplier: factory, lead_time: "
            f"{{dist: uniform, min: {LEAD_MIN}, max: {LEAD_MAX}}}}}]",
            f"    demand: {{interval: 1, size: {{dist: normal, mean: {SIZE_MEAN}, "
            f"sd: {SIZE_SD}}}{', patience: 0' if lost_sales else ''}}}",
        ]
    return "\n".join(lines) + "\n"


def scenario_yaml(points: int, horizon: float, replications: int = 1) -> str:
    """A scenario file running ``network.yaml`` (written next to it)."""
    return (f"riskmap: 1\nname: {points} stocking points\nnetwork: network.yaml\n"
            f"horizon: {horizon:g}\nreplications: {replications}\nseed: 1\n")
