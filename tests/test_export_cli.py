"""``riskmap export``: a network to tables, what it refuses, and what it leaves alone."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

import pytest

from riskmap.cli.main import main
from riskmap.load import load_network
from riskmap.model import Item
from riskmap.tables import export

ROOT = Path(__file__).resolve().parent.parent
EBIKE = ROOT / "scenarios" / "networks" / "ebike.yaml"


@pytest.mark.cli
def test_a_scenario_exports_its_network_and_imports_back(tmp_path, capsys):
    folder = tmp_path / "tables"
    assert main(["export", str(ROOT / "scenarios" / "supplier-outage.yaml"), "--out",
                 str(folder)]) == 0
    err = capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == [
        "bom.csv", "items.csv", "lanes.csv", "network.csv", "regions.csv", "suppliers.csv"]
    assert f"riskmap export: wrote {folder / 'items.csv'}" in err
    out = tmp_path / "back.yaml"
    assert main(["import", str(folder), "--out", str(out), "-q"]) == 0
    from riskmap.load import load_scenario

    original = load_scenario(str(ROOT / "scenarios" / "supplier-outage.yaml")).network
    assert replace(load_network(str(out)), file="") == replace(original, file="")


@pytest.mark.cli
def test_a_seasonal_demand_goes_out_and_comes_back(tmp_path, capsys):
    scenario = ROOT / "scenarios" / "seasonal-peak.yaml"
    folder = tmp_path / "tables"
    assert main(["export", str(scenario), "--out", str(folder)]) == 0
    out = tmp_path / "back.yaml"
    assert main(["import", str(folder), "--out", str(out), "-q"]) == 0
    from riskmap.load import load_scenario

    original = load_scenario(str(scenario)).network
    assert any(p.demand.seasonality is not None for p in original.products)
    assert replace(load_network(str(out)), file="") == replace(original, file="")


@pytest.mark.cli
def test_export_replaces_its_tables_and_leaves_other_files(tmp_path, capsys):
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "sales.csv").write_text("date,product,quantity\n")
    (folder / "items.csv").write_text("old\n")
    assert main(["export", str(EBIKE), "--out", str(folder), "-q"]) == 0
    assert (folder / "sales.csv").read_text() == "date,product,quantity\n"
    assert (folder / "items.csv").read_text().startswith("id,kind,name,")
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.cli
def test_a_workbook_export_is_the_same_bytes_each_time(tmp_path, capsys):
    pytest.importorskip("openpyxl")
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["export", str(EBIKE), "--out", str(first), "-q"]) == 0
    assert main(["export", str(EBIKE), "--out", str(second), "-q"]) == 0
    assert first.read_bytes() == second.read_bytes()
    out = tmp_path / "back.yaml"
    assert main(["import", str(first), "--out", str(out), "-q"]) == 0
    assert replace(load_network(str(out)), file="") == replace(load_network(str(EBIKE)), file="")


@pytest.mark.cli
def test_what_no_column_carries_is_refused_by_name(tmp_path, capsys, monkeypatch):
    # As if Item.substitutes had no column: the e-bike network's substitutes stop the export.
    carried = tuple(f for f in export.EXPORTED[Item] if f != "substitutes")
    monkeypatch.setitem(export.EXPORTED, Item, carried)
    folder = tmp_path / "tables"
    assert main(["export", str(EBIKE), "--out", str(folder)]) == 2
    err = capsys.readouterr().err
    assert ("error: the tables have no column for product 'city-ebike': substitutes; product "
            "'trekking-ebike': substitutes; keep this network in its YAML file (riskmap export "
            "cannot write it to tables yet)") in err
    assert not folder.exists()


@pytest.mark.hand
def test_the_tables_carry_every_field_of_the_model():
    # A field added to a model record needs a column (and its name in EXPORTED), or its
    # name in REFUSED: the export refuses networks that use it, never drops a value silently.
    for record, carried in export.EXPORTED.items():
        refused = export.REFUSED.get(record, ())
        assert not set(carried) & set(refused), record.__name__
        assert {f.name for f in dataclasses.fields(record)} == set(carried) | set(refused), \
            record.__name__


@pytest.mark.cli
def test_customer_classes_are_refused_by_name(tmp_path, capsys):
    folder = tmp_path / "tables"
    scenario = ROOT / "scenarios" / "priority-and-compensation.yaml"
    assert main(["export", str(scenario), "--out", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "error: the tables have no column for" in err and "classes" in err
    assert "compensation" in err and not folder.exists()


@pytest.mark.hand
def test_cells_are_written_in_their_shortest_exact_form():
    from riskmap import dists

    assert export.cell_text(4000.0) == "4000"
    assert export.cell_text(0.1) == "0.1"
    assert export.cell_text(True) == "true"
    assert export.cell_text(None) == ""
    assert export.dist_text(dists.Empirical((1.0, 2.0), (70.0, 30.0))) == \
        "{dist: empirical, values: [1, 2], weights: [70, 30]}"
    assert export.dist_text(dists.Uniform(3.0, 6.5)) == "{dist: uniform, min: 3, max: 6.5}"
