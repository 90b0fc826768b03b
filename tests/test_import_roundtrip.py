"""import(export(network)) is the network: random networks through CSV folders and workbooks."""

from __future__ import annotations

import dataclasses
import datetime
import os
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap import dists
from riskmap.load import load_network
from riskmap.model import Demand, Network, Substitute
from riskmap.tables.export import csv_text, network_tables, workbook_value
from riskmap.tables.importer import import_tables
from riskmap.testing.synthetic import synthetic_network

pytestmark = pytest.mark.property

#: Names that a CSV file must quote, a workbook keep as text, or a reader not mistake for a
#: number, a list or a distribution.
NAMES = st.text(alphabet='ab ,;"\'é{}:\n1.', min_size=1, max_size=12).map(str.strip).filter(bool)
TIMES = st.integers(0, 40).map(float)


@st.composite
def time_dists(draw):
    kind = draw(st.sampled_from(["constant", "triangular", "uniform", "gamma"]))
    a, b, c = sorted(draw(st.lists(TIMES, min_size=3, max_size=3)))
    if kind == "constant":
        return dists.Constant(a)
    if kind == "triangular":
        return dists.Triangular(a, b, c)
    if kind == "uniform":
        return dists.Uniform(a, c)
    return dists.Gamma(c + 1, b / 4 + 0.5)


@st.composite
def demands(draw):
    rate = draw(st.floats(0.05, 20).map(lambda r: round(r, 3)))
    interval = None
    if draw(st.booleans()):
        rate, interval = None, draw(st.sampled_from([dists.Constant(1.5),
                                                    dists.Uniform(0.5, 2.0)]))
    size = draw(st.sampled_from([dists.Constant(1), dists.Constant(3), dists.Poisson(2.0),
                                 dists.Empirical((1.0, 2.0, 4.0), (70.0, 20.0, 10.0))]))
    patience = draw(st.sampled_from([None, dists.Constant(0), dists.Exponential(21.0)]))
    return Demand(rate=rate, interval=interval, size=size, patience=patience)


@st.composite
def networks(draw) -> Network:
    """A synthetic network, its names, lanes and products varied beyond what it draws itself."""
    sizes = (draw(st.integers(2, 6)), draw(st.integers(1, 8)), draw(st.integers(1, 3)))
    net = synthetic_network(*sizes, n_regions=3, seed=draw(st.integers(0, 2**31)))
    suppliers = tuple(replace(s, name=draw(NAMES)) for s in net.suppliers)
    products = [i.id for i in net.items if i.is_product]
    items = []
    for item in net.items:
        weights = [draw(st.integers(1, 9)) for _ in item.primaries]
        total = sum(weights)
        weight = iter(weights)
        sources = tuple(replace(s, lead_time=draw(time_dists()),
                                unit_cost=draw(st.none() | st.floats(0.5, 99).map(
                                    lambda v: round(v, 2))),
                                share=0.0 if s.alternate else next(weight) / total)
                        for s in item.sources)
        changes = dict(name=draw(NAMES), sources=sources,
                       production=draw(st.sampled_from(["kits", "whole"])),
                       holding_cost=draw(st.none() | st.just(0.25)),
                       assembly_time=draw(time_dists()) if item.bom else item.assembly_time)
        if item.is_product:
            others = [p for p in products if p != item.id]
            subs = draw(st.lists(st.sampled_from(others), unique=True, max_size=2)) if others else []
            changes.update(demand=draw(demands()),
                           substitutes=tuple(Substitute(p, draw(st.sampled_from([0.2, 0.5, 1.0])))
                                             for p in subs),
                           backorder_cost=draw(st.none() | st.just(4.0)))
        items.append(replace(item, **changes))
    start = draw(st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 12, 31)))
    return replace(net, name=draw(NAMES), suppliers=suppliers, items=tuple(items), start=start)


def comparable(net: Network) -> Network:
    """The network with its file left out and its shares to 12 digits.

    Shares are normalised to sum to 1 when read; normalising normalised shares again may
    move one in its last binary digit, which no table can avoid.
    """
    items = tuple(replace(i, sources=tuple(replace(s, share=round(s.share, 12)) for s in i.sources))
                  for i in net.items)
    return replace(net, file="", items=items)


def write_folder(network: Network, folder) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in network_tables(network):
        (folder / f"{name}.csv").write_text(csv_text(header, rows), encoding="utf-8")
    return str(folder)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(network=networks())
def test_a_csv_folder_gives_the_network_back(network, tmp_path_factory):
    folder = write_folder(network, tmp_path_factory.mktemp("tables"))
    imported = import_tables(folder)
    assert comparable(imported.network) == comparable(network)
    # and the network file import writes is that network too
    written = os.path.join(folder, "network.yaml")
    with open(written, "w", encoding="utf-8") as handle:
        handle.write(imported.text("tables"))
    assert comparable(load_network(written)) == comparable(network)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(network=networks())
def test_a_workbook_gives_the_network_back(network, tmp_path_factory):
    from riskmap.tables.workbook import write_workbook

    book = os.path.join(tmp_path_factory.mktemp("book"), "net.xlsx")
    sheets = [(name, [list(header)] + [[workbook_value(v) for v in row] for row in rows])
              for name, header, rows in network_tables(network)]
    with open(book, "wb") as handle:
        handle.write(write_workbook(book, sheets))
    back = import_tables(book).network
    assert comparable(back) == comparable(network)

