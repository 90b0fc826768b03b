"""The bundled e-bike tables: written by riskmap export, the workbook up to date, and a run."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from riskmap.cli.main import main
from riskmap.load import load_network
from riskmap.tables.assemble import FITTED_COLUMNS
from riskmap.tables.export import csv_text, network_tables

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "scenarios" / "import"
EBIKE = ROOT / "scenarios" / "networks" / "ebike.yaml"


def _make_workbook():
    spec = importlib.util.spec_from_file_location("make_workbook", BUNDLE / "make_workbook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _products_with_sales() -> set[str]:
    sales = BUNDLE / "ebike" / "sales.csv"
    if not sales.exists():
        return set()
    with sales.open(encoding="utf-8-sig", newline="") as handle:
        return {row["product"] for row in csv.DictReader(handle)}


def _without_fitted_demand(text: str, products: set[str]) -> list[list[str]]:
    """The rows of an items table, the demand columns that sales replace cleared for ``products``."""
    rows = list(csv.reader(io.StringIO(text)))
    fitted = [rows[0].index(c) for c in FITTED_COLUMNS]
    for row in rows[1:]:
        if row[0] in products:
            for i in fitted:
                row[i] = ""
    return rows


def test_the_tables_are_the_export_of_the_ebike_network():
    # Regenerate with: riskmap export scenarios/networks/ebike.yaml --out scenarios/import/ebike
    # (a product with sales lines may have its demand_rate, demand_interval and order_size
    # cells cleared: its demand is made from the sales)
    with_sales = _products_with_sales()
    for name, header, rows in network_tables(load_network(str(EBIKE))):
        on_disk = (BUNDLE / "ebike" / f"{name}.csv").read_text(encoding="utf-8")
        expected = csv_text(header, rows)
        if name == "items":
            assert _without_fitted_demand(on_disk, with_sales) == \
                _without_fitted_demand(expected, with_sales)
        else:
            assert on_disk == expected, name


def test_the_workbook_is_made_from_the_tables():
    pytest.importorskip("openpyxl")
    # Regenerate with: python scenarios/import/make_workbook.py
    assert (BUNDLE / "ebike.xlsx").read_bytes() == _make_workbook().workbook_bytes()


@pytest.mark.parametrize("source", ["ebike", "ebike.xlsx"])
def test_the_bundle_imports_validates_and_runs(source, tmp_path, capsys):
    pytest.importorskip("openpyxl")
    network = tmp_path / "my-network.yaml"
    assert main(["import", str(BUNDLE / source), "--out", str(network)]) == 0
    assert main(["validate", str(network)]) == 0
    imported = load_network(str(network))
    original = load_network(str(EBIKE))
    fitted = {line.split(":")[0] for line in capsys.readouterr().out.splitlines()}
    if not fitted:  # no sales table: the demand is the network's own
        assert replace(imported, file="") == replace(original, file="")
    scenario = tmp_path / "outage.yaml"
    scenario.write_text("riskmap: 1\nname: Motor plant outage\nnetwork: my-network.yaml\n"
                        "horizon: 60\nreplications: 3\nseed: 1\ndisruptions:\n"
                        "  - {kind: outage, target: {supplier: motor-cn}, at: 5, duration: 20}\n")
    out = tmp_path / "out"
    code = main(["run", str(scenario), "--workers", "1", "--quiet", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(report["products"]) == sorted(p.id for p in original.products)


def test_validating_scenarios_reads_no_table(capsys):
    # CI runs `riskmap validate scenarios/`: the CSV tables and the workbook under
    # scenarios/import/ are not scenario files and must not be read as such.
    assert main(["validate", str(ROOT / "scenarios")]) == 0
    yaml_files = [p for p in (ROOT / "scenarios").rglob("*") if p.suffix in (".yaml", ".yml")]
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert summary.startswith(f"riskmap validate: {len(yaml_files)} files checked, valid")
