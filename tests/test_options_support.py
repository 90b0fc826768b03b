"""Scenarios used by the option tests (this module holds no tests itself).

A pump made of a valve and a seal: a regional disaster in ``tw`` stops the
valve's primary and its same-region alternate together, while a second
alternate stands in ``mx``. The seal is never disrupted, so its alternate is
never needed. :func:`options_scenario` drops the alternates and lists two
candidate suppliers and one what-if instead.
"""

from __future__ import annotations

from riskmap.dists import Constant, Uniform
from riskmap.model import (
    PART, PRODUCT, Candidate, Demand, Disruption, Item, Network, Policy, Region, Scenario,
    Source, Supplier, Target, WhatIf)
from riskmap.options import evaluate
from riskmap.run.executors import SerialExecutor
from riskmap.run.montecarlo import run_scenario

REPLICATIONS = 16


def pump_network(*, alternates: bool = True) -> Network:
    valve_sources = [Source("valve-tw", lead_time=Constant(4))]
    if alternates:
        valve_sources += [
            Source("valve-tw2", lead_time=Constant(4), alternate=True, share=0.0,
                   activation_delay=Constant(2)),
            Source("valve-mx", lead_time=Constant(6), alternate=True, share=0.0,
                   activation_delay=Constant(3)),
        ]
    seal_sources = [Source("seal-mx", lead_time=Constant(2))]
    if alternates:
        seal_sources.append(Source("seal-mx2", lead_time=Constant(2), alternate=True, share=0.0))
    return Network(
        name="pump works",
        regions=(Region("tw", "Taiwan"), Region("mx", "Mexico")),
        suppliers=(
            Supplier("seal-mx", "Seals", region="mx", ttr=Constant(10)),
            Supplier("seal-mx2", "Seals too", region="mx", ttr=Constant(10)),
            Supplier("valve-mx", "Valves MX", region="mx", ttr=Constant(10)),
            Supplier("valve-tw", "Valves TW", region="tw", ttr=Constant(30)),
            Supplier("valve-tw2", "Valves TW 2", region="tw", ttr=Constant(30)),
        ),
        items=(
            Item("valve", PART, stock=12, policy=Policy("base_stock", level=16),
                 sources=tuple(valve_sources)),
            Item("seal", PART, stock=40, policy=Policy("base_stock", level=40),
                 sources=tuple(seal_sources)),
            Item("pump", PRODUCT, stock=6, policy=Policy("base_stock", level=8),
                 bom=(("seal", 1), ("valve", 1)), demand=Demand(rate=2.0), price=100.0),
        ),
    )


def pump_scenario(**changes) -> Scenario:
    disaster = Disruption("tw-quake", "disaster", Target("region", "tw"),
                          at=Uniform(20.0, 60.0), duration=Constant(30))
    fields = dict(name="pump quake", network=pump_network(), horizon=120.0,
                  replications=REPLICATIONS, seed=11, disruptions=(disaster,))
    fields.update(changes)
    return Scenario(**fields)


def options_scenario() -> Scenario:
    candidates = (
        # a new supplier in the struck region, sorted before the others: the
        # disaster's duration draws are per supplier, so only registering it in
        # every arm keeps the draws paired
        Candidate(Supplier("aaa-tw", "Valves TW 3", region="tw", ttr=Constant(5)),
                  (("seal", Source("aaa-tw", lead_time=Constant(1), alternate=True,
                                   share=0.0)),)),
        Candidate(Supplier("valve-de", "Valves DE", region="mx", ttr=Constant(5)),
                  (("valve", Source("valve-de", lead_time=Constant(5), alternate=True,
                                    share=0.0)),)),
    )
    what_if = (WhatIf("pump-buffer", Target("product", "pump"), stock=40,
                      policy=Policy("base_stock", level=40)),)
    disaster = Disruption("tw-quake", "disaster", Target("region", "tw"), at=Uniform(20.0, 60.0))
    return pump_scenario(network=pump_network(alternates=False), candidates=candidates,
                         what_if=what_if, disruptions=(disaster,))


def evaluated(scenario: Scenario):
    """The main run of ``scenario`` and its option tables, in this process."""
    baseline = run_scenario(scenario, workers=1)
    tables = evaluate(baseline, executor=SerialExecutor())
    return baseline, tables


def row(tables, supplier: str):
    """The alternate row of ``supplier`` (exactly one)."""
    [found] = [o for o in tables.alternates if o.supplier == supplier]
    return found
