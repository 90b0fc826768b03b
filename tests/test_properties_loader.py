"""Property tests: random valid networks load; random corruptions never crash."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.cli.main import main
from riskmap.load import load_network

pytestmark = pytest.mark.property

DIAGNOSTIC = re.compile(r"^.+?: (error|warning): .+$")


@st.composite
def networks(draw):
    """A random valid network as the mapping a planner would write."""
    n_regions = draw(st.integers(1, 3))
    regions = [{"id": f"r{i}"} for i in range(n_regions)]
    n_sup = draw(st.integers(1, 6))
    suppliers = []
    for i in range(n_sup):
        s = {"id": f"s{i}", "region": f"r{draw(st.integers(0, n_regions - 1))}",
             "ttr": draw(st.integers(1, 60))}
        if draw(st.booleans()):
            s["capacity"] = draw(st.integers(1, 500))
        if i > 0 and draw(st.booleans()):
            s["depends_on"] = [f"s{draw(st.integers(0, i - 1))}"]
            s["cover"] = draw(st.integers(0, 20))
        suppliers.append(s)
    n_parts = draw(st.integers(1, 6))
    parts = []
    for i in range(n_parts):
        chosen = draw(st.lists(st.integers(0, n_sup - 1), min_size=1, max_size=3, unique=True))
        sources = [{"supplier": f"s{j}",
                    "lead_time": draw(st.sampled_from([1, 5, {"dist": "uniform", "min": 1, "max": 4},
                                                       {"dist": "triangular", "min": 2, "mode": 3,
                                                        "max": 9}]))}
                   for j in chosen]
        if len(sources) > 1 and draw(st.booleans()):
            sources[-1]["alternate"] = True
            sources[-1]["activation_delay"] = draw(st.integers(0, 30))
        part = {"id": f"p{i}", "stock": draw(st.integers(0, 1000)), "sources": sources,
                "policy": draw(st.sampled_from([
                    {"type": "base_stock", "level": 100},
                    {"type": "min_max", "min": 20, "max": 200},
                    {"type": "reorder_point", "point": 50, "quantity": 80, "review_period": 7}]))}
        parts.append(part)
    products = []
    for i in range(draw(st.integers(1, 3))):
        comps = draw(st.lists(st.integers(0, n_parts - 1), min_size=1, max_size=3, unique=True))
        products.append({
            "id": f"prod{i}", "stock": draw(st.integers(0, 100)),
            "bom": {f"p{c}": draw(st.integers(1, 5)) for c in comps},
            "policy": {"type": "base_stock", "level": draw(st.integers(1, 100))},
            "demand": {"rate": draw(st.floats(0.1, 20)),
                       "size": draw(st.sampled_from([1, {"dist": "poisson", "mean": 2}]))},
        })
    return {"riskmap": 1, "name": "random", "regions": regions, "suppliers": suppliers,
            "parts": parts, "products": products}


def _write(text: str) -> str:
    handle = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8")
    with handle:
        handle.write(text)
    return handle.name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_random_valid_networks_load_and_build_a_graph(net):
    path = _write(yaml.safe_dump(net, sort_keys=False))
    try:
        network = load_network(path)
    finally:
        os.unlink(path)
    assert [s.id for s in network.suppliers] == [s["id"] for s in net["suppliers"]]
    assert len(network.items) == len(net["parts"]) + len(net["products"])
    from riskmap.graph import build_graph

    graph = build_graph(network)
    assert graph.number_of_nodes() >= len(network.items) + len(network.suppliers)


JUNK = st.one_of(st.text(max_size=5), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                 st.booleans(), st.none(), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(value)]


@st.composite
def corrupted_files(draw):
    net = draw(networks())
    how = draw(st.sampled_from(["value", "text-insert", "truncate", "delete-key"]))
    paths = [p for p in _paths(net) if p]
    if how == "value":
        net = _replace(net, draw(st.sampled_from(paths)), draw(JUNK))
        return yaml.safe_dump(net, sort_keys=False, allow_unicode=True)
    text = yaml.safe_dump(net, sort_keys=False)
    at = draw(st.integers(0, len(text)))
    if how == "text-insert":
        return text[:at] + draw(st.sampled_from(["\t", ":", "- ", "{", "]", "&a", "*b", "!!x ",
                                                 "'", "\r\n", "\x00", "é"])) + text[at:]
    if how == "truncate":
        return text[:at]
    path = draw(st.sampled_from([p for p in paths if isinstance(p[-1], str)]))
    parent = path[:-1]
    node = net
    for part in parent:
        node = node[part]
    node.pop(path[-1], None)
    return yaml.safe_dump(net, sort_keys=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted_files())
def test_random_corruptions_exit_0_or_2_and_never_a_traceback(text):
    _check_corruption(text)


def _check_corruption(text: str) -> None:
    path = _write(text)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", path])
    finally:
        os.unlink(path)
    messages = err.getvalue()
    assert code in (0, 2), messages
    assert "Traceback" not in messages and "internal error" not in messages
    if code == 2:
        lines = messages.strip().splitlines()
        assert lines and all(DIAGNOSTIC.match(line) for line in lines[:-1]), messages


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted_files())
def test_long_fuzz_run_of_corruptions(text):
    """The same property as above over many more cases: ``python -m pytest -m slow``."""
    _check_corruption(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_exit_2_and_never_a_traceback(data):
    handle = tempfile.NamedTemporaryFile("wb", suffix=".yaml", delete=False)
    with handle:
        handle.write(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", handle.name])
    finally:
        os.unlink(handle.name)
    assert code == 2, err.getvalue()  # random bytes are never a valid riskmap file
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()
