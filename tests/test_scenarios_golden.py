"""Golden checks of the bundled files in ``scenarios/``.

Every network and scenario shipped with riskmap must validate, every network
must map, and (where the simulator is installed) every scenario must run. The
file lists are discovered, sorted, at collection time, so a new file is tested
as soon as it is added. The bundle is also checked for what it promises in
docs/scenarios.md: the e-bike network is in balance, and the scenarios together
exercise every disruption kind and option of the file format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskmap.graph import supply_graph

from riskmap.cli.main import main

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
NETWORK_FILES = sorted(SCENARIOS.glob("networks/*.yaml"))
SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml"))
ALL_FILES = SCENARIO_FILES + NETWORK_FILES


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(SCENARIOS)) for p in paths]


def _load(path: Path):
    from riskmap.load import load_file

    return load_file(str(path))


def _scenarios():
    return [_load(path) for path in SCENARIO_FILES]


def test_the_bundle_is_there():
    # Guards the parametrised tests below against silently testing nothing.
    assert len(NETWORK_FILES) >= 2
    assert len(SCENARIO_FILES) >= 8


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_file_validates(path: Path, capsys):
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code == 0, err


def _warnings(path: Path, capsys) -> list[str]:
    """The ``[check]`` tags and messages of the warnings ``riskmap validate`` prints."""
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    return sorted(line.split(": warning: ", 1)[1] for line in err.splitlines()
                  if ": warning: " in line)


def test_ebike_weaknesses_are_the_deliberate_ones(capsys):
    # The network keeps a single-sourced display and a same-region BMS alternate
    # on purpose (docs/scenarios.md); any other warning is an accident.
    warnings = _warnings(SCENARIOS / "networks" / "ebike.yaml", capsys)
    assert len(warnings) == 2, warnings
    assert "'bms-tw-alt'" in warnings[0] and warnings[0].endswith("[alternate-same-region]")
    assert "'display'" in warnings[1] and warnings[1].endswith("[single-source]")


def test_tiny_network_has_one_lesson_in_it(capsys):
    # The tutorial discusses exactly this warning.
    warnings = _warnings(SCENARIOS / "networks" / "tiny.yaml", capsys)
    assert len(warnings) == 1 and "'frame'" in warnings[0], warnings


@pytest.mark.parametrize("path", NETWORK_FILES, ids=_ids(NETWORK_FILES))
def test_network_maps(path: Path, capsys):
    code = main(["map", "--json", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    suppliers = json.loads(out)["suppliers"]
    network = _load(path)
    assert sorted(suppliers) == sorted(s.id for s in network.suppliers)


#: The one scenario whose run also renders report.md and report.html; the others
#: write report.json alone, because drawing the charts takes longer than simulating.
RENDERED = "tutorial.yaml"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_scenario_runs(path: Path, tmp_path: Path, capsys, monkeypatch):
    if path.name != RENDERED:
        monkeypatch.setattr("riskmap.cli.run.RENDERERS", ())
    out_dir = tmp_path / "out"
    code = main(["run", str(path), "--replications", "3", "--workers", "1", "--quiet",
                 "--out", str(out_dir)])
    err = capsys.readouterr().err
    assert code == 0, err
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    scenario = _load(path)
    assert report["scenario"]["replications"] == 3
    assert sorted(report["products"]) == sorted(p.id for p in scenario.network.products)
    for stats in report["products"].values():
        assert 0.0 <= stats["fill_rate"]["mean"] <= 1.0
    if path.name == RENDERED:
        for name in ("report.md", "report.html"):
            assert (out_dir / name).stat().st_size > 0, name


def test_scenarios_stay_fast():
    # The bundle runs in the default test suite and in a user's first minutes.
    for scenario in _scenarios():
        assert scenario.replications <= 50, scenario.file
        assert 0 <= scenario.warmup < scenario.horizon <= 366, scenario.file


def test_scenario_names_are_unique():
    # The name is the default output folder: two scenarios must not share one.
    names = [s.name for s in _scenarios()]
    assert len(names) == len(set(names))


def test_scenarios_cover_every_disruption_option():
    """Together the scenarios exercise everything docs/reference.md lets a disruption say."""
    scenarios = _scenarios()
    disruptions = [(s, d) for s in scenarios for d in s.disruptions]
    kinds = {d.kind for _, d in disruptions}
    assert kinds == {"outage", "delay", "shortage", "disaster", "demand_surge", "quality",
                     "transit"}

    def some(predicate) -> bool:
        return any(predicate(s, d) for s, d in disruptions)

    def is_tier2(s, d) -> bool:
        if d.target.kind != "supplier":
            return False
        return any(d.target.id in sup.depends_on for sup in s.network.suppliers)

    assert some(lambda s, d: d.kind == "outage" and d.duration is not None
                and not d.duration.is_constant), "outage with a distribution as duration"
    assert some(lambda s, d: d.kind == "outage" and d.duration is None), "no duration: ttr"
    assert some(lambda s, d: d.rate is not None), "recurring disruption with rate"
    assert some(lambda s, d: d.at is not None and not d.at.is_constant), "at as a distribution"
    assert some(lambda s, d: d.kind == "disaster" and d.probability < 1 and d.at is None), \
        "disaster with probability and random start"
    assert some(lambda s, d: d.kind == "shortage" and d.target.kind == "part")
    assert some(lambda s, d: d.kind == "shortage" and d.target.kind == "supplier")
    assert some(is_tier2), "an outage of a tier-2 supplier"
    assert some(lambda s, d: d.every is not None and not d.every.is_constant), \
        "an outage recurring up and down (every)"
    assert some(lambda s, d: d.kind == "quality" and 0 < d.reject < 1), "quality with reject"
    assert some(lambda s, d: d.kind == "transit" and d.target.kind == "region"), \
        "transit held for a region"
    assert some(lambda s, d: any(t.probability < 1 for t in d.triggers)), "a trigger"
    assert some(lambda s, d: d.ramp is not None and d.every is not None), "ramp after every"
    assert some(lambda s, d: d.ramp is not None and d.every is None), "ramp after an outage"
    assert any(s.alternates == "off" for s in scenarios)
    # An inline network is read from the scenario's own file.
    assert any(s.network.file == s.file for s in scenarios), "a network inline"


def _named_distributions(node) -> set[str]:
    """Every ``dist:`` name in a parsed YAML document."""
    if isinstance(node, dict):
        found = {node["dist"]} if isinstance(node.get("dist"), str) else set()
        for value in node.values():
            found |= _named_distributions(value)
        return found
    if isinstance(node, list):
        return set().union(*(_named_distributions(v) for v in node)) if node else set()
    return set()


def test_bundle_uses_every_distribution():
    import yaml

    from riskmap.dists import DISTRIBUTIONS

    used: set[str] = set()
    for path in ALL_FILES:
        used |= _named_distributions(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert used == set(DISTRIBUTIONS)


def _slowest_primary_mean_lead_time(item) -> float:
    return max((src.lead_time.mean for src in item.primaries), default=0.0)


def _reorder_level(policy) -> int:
    if policy.kind == "base_stock":
        return policy.level
    return policy.min if policy.kind == "min_max" else policy.point


def _batch(policy) -> int:
    """The usual order size: one unit for one-for-one base stock."""
    if policy.kind == "base_stock":
        return 1
    return policy.max - policy.min if policy.kind == "min_max" else policy.quantity


def _replenishment_time(network, item) -> float:
    """Mean time from order to receipt on the slowest primary lane, batch making included.

    A supplier ships an order once it has made all of it, so a lane's share of a
    batch adds ``share x batch / capacity`` to its lead time.
    """
    slowest = 0.0
    for src in item.primaries:
        limits = [c for c in (src.capacity, network.supplier(src.supplier).capacity)
                  if c is not None]
        making = src.share * _batch(item.policy) / min(limits) if limits else 0.0
        slowest = max(slowest, src.lead_time.mean + making)
    return slowest


def test_ebike_network_is_in_balance():
    """Without disruptions the e-bike network should serve its demand.

    Each bought item's reorder level covers mean demand over its slowest
    replenishment (plus one review period) with a fifth to spare, each primary
    supplier has half its capacity again to spare, and each item starts with
    at least its reorder level on hand so the first orders arrive in time.
    """
    network = _load(SCENARIOS / "networks" / "ebike.yaml")
    rates = supply_graph(network).demand_rates
    load: dict[str, float] = {}
    for item in network.items:
        assert item.policy is not None, item.id
        assert item.stock >= _reorder_level(item.policy), item.id
        if not item.is_bought:
            continue
        cover = _replenishment_time(network, item) + (item.policy.review_period or 0)
        assert _reorder_level(item.policy) >= 1.2 * rates[item.id] * cover, item.id
        for src in item.primaries:
            load[src.supplier] = load.get(src.supplier, 0.0) + rates[item.id] * src.share
    for supplier_id, units_per_day in sorted(load.items()):
        capacity = network.supplier(supplier_id).capacity
        assert capacity is None or capacity >= 1.5 * units_per_day, supplier_id


def test_ebike_network_is_realistic_in_size():
    network = _load(SCENARIOS / "networks" / "ebike.yaml")
    assert len(network.suppliers) >= 20
    assert len({s.region for s in network.suppliers}) >= 3
    assert len(network.products) >= 4
    assert {p.kind for p in network.items if p.policy} == {"part", "product"}
    policy_kinds = {i.policy.kind for i in network.items if i.policy}
    assert policy_kinds == {"base_stock", "min_max", "reorder_point"}
    assert any(i.policy and i.policy.review_period for i in network.items)
    # Parts shared by several products, and parts made from other parts.
    shared = [i.id for i in network.items if len(supply_graph(network).users(i.id)) >= 2]
    assert len(shared) >= 4
    assert any(not i.is_product and i.is_made for i in network.items)
    # Tier 2: suppliers that only deliver to other suppliers.
    lane_suppliers = {src.supplier for i in network.items for src in i.sources}
    assert any(s.id not in lane_suppliers for s in network.suppliers)


def test_poor_forecast_policies_fall_short_of_demand():
    """The scenario's point: at least two reorder levels are below mean lead-time demand."""
    scenario = _load(SCENARIOS / "poor-forecast.yaml")
    network = scenario.network
    rates = supply_graph(network).demand_rates
    short = [item.id for item in network.items if item.is_bought and
             _reorder_level(item.policy) < rates[item.id] * _slowest_primary_mean_lead_time(item)]
    assert len(short) >= 2, short
