"""Replications are pure functions of the scenario and the seed."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import numpy as np
import pytest

from riskmap.dists import Exponential, Triangular, Uniform
from riskmap.model import (
    Demand, Disruption, Item, Network, Policy, Scenario, Source, Supplier, Target,
)
from riskmap.sim.engine import simulate

pytestmark = pytest.mark.property


def scenario() -> Scenario:
    suppliers = (Supplier("a", "A", region="x", capacity=8.0, ttr=Uniform(5, 15)),
                 Supplier("b", "B", region="y", ttr=Exponential(10)),
                 Supplier("t2", "T2", region="x", ttr=Uniform(3, 9)),
                 Supplier("c", "C", region="x", depends_on=("t2",), cover=Uniform(0, 4)))
    items = (
        Item("cell", "part", stock=40, policy=Policy("min_max", min=20, max=60),
             sources=(Source("a", lead_time=Triangular(1, 2, 4), share=0.6),
                      Source("c", lead_time=Uniform(1, 3), share=0.4),
                      Source("b", lead_time=Uniform(0.5, 1), alternate=True,
                             activation_delay=Uniform(1, 3), share=0.0))),
        Item("bike", "product", stock=10, policy=Policy("base_stock", level=12),
             bom=(("cell", 3),), capacity=6.0, assembly_time=Uniform(0.1, 0.5),
             demand=Demand(rate=2.0, size=Uniform(1, 2), patience=Exponential(5))),
    )
    disruptions = (
        Disruption("quake", "disaster", Target("region", "x"), probability=0.9),
        Disruption("strikes", "outage", Target("supplier", "t2"), rate=0.02),
        Disruption("surge", "demand_surge", Target("product", "bike"), factor=1.5,
                   duration=Uniform(5, 20)),
    )
    return Scenario("det", Network("det", suppliers=suppliers, items=items), horizon=200,
                    warmup=10, disruptions=disruptions)


def fingerprint(result) -> tuple:
    """Every number of a result, in a canonical order."""
    def rows(d):
        return tuple((k, dataclasses.astuple(v)) for k, v in d.items())
    series = tuple((k, tuple(result.on_hand[k].tolist()), tuple(result.backlog[k].tolist()))
                   for k in sorted(result.on_hand))
    return (result.index, rows(result.products), rows(result.parts), rows(result.suppliers),
            series, result.events)


def test_same_seed_gives_the_same_result():
    sc = scenario()
    seeds = np.random.SeedSequence(42).spawn(3)
    first = [fingerprint(simulate(sc, s, i)) for i, s in enumerate(seeds)]
    seeds = np.random.SeedSequence(42).spawn(3)
    again = [fingerprint(simulate(sc, s, i)) for i, s in enumerate(seeds)]
    assert first == again
    # Different replications (children) and different scenario seeds give different runs.
    assert len({f[1:] for f in first}) == 3
    other = fingerprint(simulate(sc, np.random.SeedSequence(43).spawn(1)[0], 0))
    assert other[1:] != first[0][1:]


def test_the_scenario_is_not_modified():
    sc = scenario()
    copy = dataclasses.replace(sc)
    simulate(sc, np.random.SeedSequence(1))
    assert sc == copy


SCRIPT = """
import numpy as np, sys
sys.path.insert(0, {root!r})
from tests.test_sim_determinism import scenario, fingerprint
from riskmap.sim.engine import simulate
print(repr(fingerprint(simulate(scenario(), np.random.SeedSequence(7)))))
"""


def test_results_do_not_depend_on_the_hash_seed():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outputs = []
    for hash_seed in ("1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run([sys.executable, "-c", SCRIPT.format(root=root)], env=env,
                              capture_output=True, text=True, check=True, cwd=root)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0]


@pytest.mark.parametrize("name", sorted(f for f in os.listdir(
    os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios"))
    if f.endswith(".yaml")))
def test_the_public_and_the_queue_schedule_give_the_same_run(name):
    """The SimPy seam: the faster path through SimPy's queue changes nothing but speed."""
    from riskmap.load import load_scenario

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bundled = load_scenario(os.path.join(root, "scenarios", name))
    for seed in np.random.SeedSequence(5).spawn(2):
        logs = {}
        results = {}
        for schedule in ("queue", "public"):
            logs[schedule] = []
            results[schedule] = simulate(bundled, seed, log=logs[schedule], orders=True,
                                         schedule=schedule)
        assert logs["queue"] == logs["public"] and len(logs["queue"]) > 0
        assert results["queue"].events == results["public"].events > 0
        assert results["queue"].products == results["public"].products
        assert results["queue"].orders == results["public"].orders
