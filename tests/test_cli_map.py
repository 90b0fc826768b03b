"""``riskmap map`` through ``riskmap.cli.main.main``."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from riskmap.cli.main import main

pytestmark = pytest.mark.cli

NETWORK = """
riskmap: 1
name: Two suppliers
regions:
  - {id: east, name: East}
  - {id: west, name: West}
suppliers:
  - {id: e1, region: east, ttr: 10}
  - {id: w1, region: west}
products:
  - id: z
    stock: 30
    margin: 5
    demand: {rate: 8}
    sources:
      - {supplier: e1, capacity: 6}
      - {supplier: w1, capacity: 2}
"""


def run_json(capsys, *argv):
    code = main(["map", *argv, "--json"])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_json_figures(write, capsys):
    path = write("net.yaml", NETWORK)
    code, data, _ = run_json(capsys, path)
    assert code == 0
    assert data["format"] == 1
    assert data["network"] == "Two suppliers"
    e1 = data["suppliers"]["e1"]
    # e1 down: 8t <= 30 + 2t -> t = 5; over its TTR of 10 days 80 - 30 - 20 = 30 units are
    # lost, at a margin of 5: PI = 150.
    assert e1["tts"] == pytest.approx(5.0)
    assert e1["ttr"] == 10
    assert e1["pi"] == pytest.approx(150.0)
    assert e1["rei"] == pytest.approx(1.0)
    assert data["pi_unit"] == "margin"
    # w1 down: 8t <= 30 + 6t -> t = 15; no TTR, so no PI.
    assert data["suppliers"]["w1"]["tts"] == pytest.approx(15.0)
    assert data["suppliers"]["w1"]["pi"] is None
    assert data["baseline_tts"] is None
    assert set(data) >= {"suppliers", "regions", "products", "parts", "baseline_tts"}


def test_json_is_sorted_and_plain(write, capsys):
    path = write("net.yaml", NETWORK)
    main(["map", path, "--json"])
    text = capsys.readouterr().out
    assert "Infinity" not in text and "NaN" not in text
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2) + "\n"


def test_scenario_file_uses_its_network(write, capsys):
    write("net.yaml", NETWORK)
    path = write("scenario.yaml", """
        riskmap: 1
        name: east quake
        network: net.yaml
        horizon: 100
        disruptions:
          - {kind: outage, target: {supplier: e1}, at: 5, duration: 10}
        """)
    code, data, _ = run_json(capsys, path)
    assert code == 0
    assert data["network"] == "Two suppliers"


def test_table(write, capsys):
    path = write("net.yaml", NETWORK)
    assert main(["map", path]) == 0
    out = capsys.readouterr().out
    assert "Suppliers by REI" in out and "Regions by REI" in out
    assert "Baseline TTS (nothing down): ∞" in out
    first = [line for line in out.splitlines() if line.strip().startswith(("e1", "w1"))][0]
    assert first.strip().startswith("e1")  # highest REI first


def test_graph_written(write, tmp_path, capsys):
    path = write("net.yaml", NETWORK)
    target = tmp_path / "net.graphml"
    assert main(["map", path, "--json", "--graph", str(target)]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)  # stdout holds the JSON alone
    assert "graph written" in captured.err
    graph = nx.read_graphml(target)
    assert graph.nodes["supplier:e1"]["kind"] == "supplier"


def test_bad_input_exits_2(write, capsys):
    path = write("bad.yaml", "riskmap: 1\nname: x\nsuppliers: [{id: a, capacity: -1}]\n")
    assert main(["map", path]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:" in err and "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["map", str(tmp_path / "nope.yaml")]) == 2


def test_installed_command_prints_json_alone(write):
    # In a fresh process HiGHS announces itself on file descriptor 1 when first
    # created; stdout must still hold the JSON alone.
    import subprocess
    import sys

    path = write("net.yaml", NETWORK)
    done = subprocess.run([sys.executable, "-m", "riskmap", "map", path, "--json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["suppliers"]["e1"]["rei"] == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["tiny.yaml", "ebike.yaml"])
def test_bundled_networks(name, capsys):
    import os

    from tests.conftest import SCENARIOS

    path = os.path.join(SCENARIOS, "networks", name)
    code, data, _ = run_json(capsys, path)
    assert code == 0
    for row in data["suppliers"].values():
        assert {"tts", "ttr", "pi", "rei"} <= set(row)
        if row["rei"] is not None:
            assert 0.0 <= row["rei"] <= 1.0


def test_output_does_not_depend_on_hash_seed(write, tmp_path):
    import os
    import subprocess
    import sys

    path = write("net.yaml", NETWORK)
    outputs = []
    for seed in ("1", "2"):
        graph = tmp_path / f"g{seed}.graphml"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-m", "riskmap", "map", path, "--json",
                               "--graph", str(graph)], capture_output=True, text=True,
                              timeout=120, env=env, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append((done.stdout, graph.read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1]
