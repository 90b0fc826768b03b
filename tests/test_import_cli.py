"""``riskmap import``: tables to a network file; every problem at its cell, for CSV and workbooks."""

from __future__ import annotations

import csv
import datetime
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from riskmap.cli.main import main
from riskmap.load import load_network
from tests.conftest import LAMP_NETWORK

pytestmark = pytest.mark.cli

#: The desk-lamp network of tests/conftest.py as tables.
LAMP_TABLES = {
    "network": [["name"], ["Desk lamps"]],
    "suppliers": [["id", "name", "ttr"], ["acme", "Acme", 10], ["bulbco", "BulbCo", 5]],
    "items": [["id", "kind", "stock", "policy", "level", "capacity", "demand_rate"],
              ["bulb", "part", 30, "base_stock", 30, None, None],
              ["lamp", "product", 6, "base_stock", 6, None, 2],
              ["bulb-pack", "product", 4, "base_stock", 4, 10, 1]],
    "bom": [["item", "component", "quantity"], ["bulb-pack", "bulb", 2]],
    "lanes": [["item", "supplier", "lead_time", "alternate"],
              ["bulb", "bulbco", 2, None], ["bulb", "acme", 4, True], ["lamp", "acme", 3, None]],
}


def write_csv_folder(folder: Path, tables: dict, delimiter: str = ",", bom: bool = False) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / f"{name}.csv", "w", newline="",
                  encoding="utf-8-sig" if bom else "utf-8") as handle:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
            for row in rows:
                writer.writerow(["" if v is None else
                                 ("true" if v is True else v) for v in row])
    return str(folder)


def write_workbook(path: Path, tables: dict) -> str:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return str(path)


class Source:
    """Tables written as a CSV folder or a workbook, and the positions messages give."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind = kind
        self.tmp_path = tmp_path

    def write(self, tables: dict) -> str:
        if self.kind == "csv":
            self.path = write_csv_folder(self.tmp_path / "tables", tables)
        else:
            self.path = write_workbook(self.tmp_path / "tables.xlsx", tables)
        return self.path

    def at(self, table: str, row: int, col: int) -> str:
        if self.kind == "csv":
            return f"{os.path.join(self.path, table + '.csv')}:{row}:{col}"
        return f"{self.path}[{table}]:{row}:{col}"


@pytest.fixture(params=["csv", "xlsx"])
def source(request, tmp_path):
    return Source(request.param, tmp_path)


def _tables(**changes) -> dict:
    tables = {name: [list(r) for r in rows] for name, rows in LAMP_TABLES.items()}
    tables.update(changes)
    return tables


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_tables_give_the_network_written_by_hand(source, tmp_path, capsys):
    path = source.write(_tables())
    out = tmp_path / "net.yaml"
    code, _, err = _run(capsys, "import", path, "--out", str(out))
    assert code == 0, err
    assert f"riskmap import: wrote {out}" in err
    by_hand = tmp_path / "lamp.yaml"
    by_hand.write_text(LAMP_NETWORK)
    expected = load_network(str(by_hand))
    assert replace(load_network(str(out)), file="") == replace(expected, file="")
    assert main(["validate", str(out)]) == 0


def test_every_problem_is_reported_at_its_cell(source, tmp_path, capsys):
    tables = _tables(
        suppliers=[["id", "name", "ttr", "colour"], ["acme", "Acme", 10, "red"],
                   ["bulbco", "BulbCo", 5, None], ["acme", "Acme again", 3, None]],
        items=[["id", "kind", "stock", "policy", "level", "min", "demand_rate"],
               ["bulb", "part", "thirty", "base_stock", 30, None, None],
               ["lamp", "prodct", 6, "base_stock", 6, None, 2],
               ["bulb-pack", "product", 4, "base_stock", 4, 2, 1]],
        bom=[["item", "component", "quantity"], ["bulb-pak", "bulb", 2], ["bulb-pack", "bulbb", 1]],
        lanes=[["item", "supplier", "lead_time"], ["bulb", "bulbco", 2], ["bulb", "acm", 4]],
        sales=[["date", "product", "quantity"], ["2024-01-01", "bulb-pack", 1],
               ["2024-02-30", "bulb-pack", 1], ["2024-01-02", "bulb-pak", 1],
               ["2024-01-03", "bulb-pack", 0]],
    )
    path = source.write(tables)
    out = tmp_path / "net.yaml"
    code, stdout, err = _run(capsys, "import", path, "--out", str(out))
    assert code == 2
    assert not out.exists() and not list(tmp_path.glob(".net.yaml*"))
    lines = err.splitlines()
    expected = [
        f"{source.at('bom', 2, 1)}: error: item: unknown item 'bulb-pak' (the items table has "
        "no row with this id); did you mean 'bulb-pack'? [unknown-reference]",
        f"{source.at('bom', 3, 2)}: error: unknown part or product 'bulbb'; did you mean 'bulb'? "
        "[unknown-reference]",
        f"{source.at('items', 2, 3)}: error: stock: expected a whole number >= 0, got the string "
        "'thirty' [type]",
        f"{source.at('items', 3, 2)}: error: kind: 'prodct' is neither part nor product; did you "
        "mean 'product'? [value]",
        f"{source.at('items', 4, 6)}: error: min: 'min' does not apply to a base_stock policy "
        "(it takes level) [value]",
        f"{source.at('lanes', 3, 2)}: error: unknown supplier 'acm'; did you mean 'acme'? "
        "[unknown-reference]",
        f"{source.at('sales', 3, 1)}: error: date: expected a calendar date such as 2024-01-01 "
        "(ISO 8601: year-month-day), got the string '2024-02-30' [value]",
        f"{source.at('sales', 4, 2)}: error: product: unknown product 'bulb-pak'; did you mean "
        "'bulb-pack'? [unknown-reference]",
        f"{source.at('sales', 5, 3)}: error: quantity: expected a whole number >= 1, got 0 [value]",
        f"{source.at('suppliers', 1, 4)}: warning: suppliers: unknown column 'colour'; it is "
        "left out [unknown-column]",
        f"{source.at('suppliers', 4, 1)}: error: duplicate supplier id 'acme' (first at row 2); "
        "ids must be unique [duplicate-id]",
    ]
    for line in expected:
        assert line in lines, "\n".join(lines)
    assert stdout == ""


def test_table_layout_problems(source, tmp_path, capsys):
    tables = _tables(
        lanes=[["item", "lead_time"], ["bulb", 2]],
        bom=[["item", "component", "quantity"], ["bulb-pack", "bulb", 2],
             ["bulb-pack", "bulb", 3], [None, "bulb", 1]],
        items=[["id", "kind", "stock", "policy", "level", "quantity", "demand_rate", "price"],
               ["bulb", "part", 30, None, 30, None, None, 4],
               ["lamp", "product", 6, "reorder_point", None, 5, 2, None],
               ["bulb-pack", "product", 4, "base_stock", 4, None, 1, None]],
    )
    path = source.write(tables)
    out = tmp_path / "net.yaml"
    code, _, err = _run(capsys, "import", path, "--out", str(out))
    assert code == 2 and not out.exists()
    lines = err.splitlines()
    for line in [
        f"{source.at('lanes', 1, 1)}: error: lanes: missing required column 'supplier' (the "
        "header row names the columns) [missing-column]",
        f"{source.at('bom', 3, 2)}: error: component: 'bulb' is listed twice for 'bulb-pack' "
        "(first in row 2); keep one row with the units per unit made [duplicate-id]",
        f"{source.at('bom', 4, 1)}: error: bom: 'item' is empty; every row needs one "
        "[missing-key]",
        f"{source.at('items', 2, 5)}: error: level: a policy parameter with no policy: name the "
        "policy type in the policy column (base_stock, min_max, reorder_point) [missing-key]",
        f"{source.at('items', 2, 8)}: warning: price: applies to products only and 'bulb' is a "
        "part; the cell is left out [unknown-key]",
        f"{source.at('items', 3, 4)}: error: policy: a reorder_point policy needs 'point' (it "
        "takes point, quantity) [missing-key]",
    ]:
        assert line in lines, "\n".join(lines)


def test_a_bad_distribution_and_a_half_triangular_lead_time(tmp_path, capsys):
    tables = _tables(lanes=[["item", "supplier", "lead_time", "lead_time_min", "lead_time_mode",
                             "lead_time_max"],
                            ["bulb", "bulbco", "{dist: uniform, min: 3", None, None, None],
                            ["bulb", "acme", None, 1, 2, None],
                            ["lamp", "acme", 3, 1, 2, 4]])
    path = write_csv_folder(tmp_path / "t", tables)
    code, _, err = _run(capsys, "import", path, "--out", str(tmp_path / "n.yaml"))
    assert code == 2
    lanes = os.path.join(path, "lanes.csv")
    assert f"{lanes}:2:3: error: cannot read the distribution '{{dist: uniform, min: 3'" in err
    assert (f"{lanes}:3:4: error: lead_time_min: a triangular lead time needs lead_time_min, "
            "lead_time_mode and lead_time_max; lead_time_max empty [missing-key]") in err
    assert (f"{lanes}:4:3: error: lead_time: give lead_time or lead_time_min, lead_time_mode and "
            "lead_time_max, not both [value]") in err


def test_semicolons_decimal_commas_bom_and_empty_cells(tmp_path, capsys):
    tables = _tables(suppliers=[["id", "name", "ttr", "capacity"], [" acme ", "Acme", "10,5", None],
                                ["bulbco", "BulbCo", 5, "  "]],
                     lanes=[["item", "supplier", "lead_time", "alternate"],
                            ["bulb", "bulbco", "2", ""], ["bulb", "acme", "4", "TRUE"],
                            ["lamp", "acme", "3", None]])
    tables["items"].append([None] * 7)  # an empty row
    path = write_csv_folder(tmp_path / "t", tables, delimiter=";", bom=True)
    out = tmp_path / "n.yaml"
    code, _, err = _run(capsys, "import", path, "--out", str(out))
    assert code == 0, err
    net = load_network(str(out))
    acme = net.supplier("acme")
    assert acme.ttr.mean == 10.5 and acme.name == "Acme"
    assert net.supplier("bulbco").capacity is None
    assert [s.alternate for s in net.item("bulb").sources] == [False, True]


def test_the_same_tables_give_the_same_bytes(source, tmp_path, capsys):
    path = source.write(_tables())
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert main(["import", path, "--out", str(first)]) == 0
    assert main(["import", path, "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_regions_named_by_suppliers_are_sorted(tmp_path, capsys):
    tables = _tables(suppliers=[["id", "region", "ttr"], ["acme", "us", 10], ["bulbco", "cn", 5],
                                ["cableco", "us", 5]])
    path = write_csv_folder(tmp_path / "t", tables)
    out = tmp_path / "n.yaml"
    assert main(["import", path, "--out", str(out)]) == 0
    assert [r.id for r in load_network(str(out)).regions] == ["cn", "us"]


def test_a_regions_table_gives_names_and_checks_references(tmp_path, capsys):
    tables = _tables(regions=[["id", "name"], ["us", "United States"]],
                     suppliers=[["id", "region", "ttr"], ["acme", "us", 10], ["bulbco", "uss", 5]])
    path = write_csv_folder(tmp_path / "t", tables)
    code, _, err = _run(capsys, "import", path, "--out", str(tmp_path / "n.yaml"))
    assert code == 2
    assert (f"{os.path.join(path, 'suppliers.csv')}:3:2: error: unknown region 'uss'; did you "
            "mean 'us'? [unknown-reference]") in err


def test_seasonality_columns_give_a_seasonal_demand(source, tmp_path, capsys):
    tables = _tables()
    header = tables["items"][0]
    tables["items"][0] = header + ["seasonality", "seasonality_factors"]
    lamp = next(i for i, r in enumerate(tables["items"]) if r[0] == "lamp")
    for i, row in enumerate(tables["items"][1:], start=1):
        row += ["weekday", "1.2; 1.2; 1.2; 1.2; 1.2; 0.5; 0.5"] if i == lamp else [None, None]
    out = tmp_path / "n.yaml"
    code, _, err = _run(capsys, "import", source.write(tables), "--out", str(out))
    assert code == 0, err
    season = load_network(str(out)).item("lamp").demand.seasonality
    assert season.by == "weekday" and season.factors == (1.2,) * 5 + (0.5, 0.5)
    tables["items"][lamp][-1] = None
    code, _, err = _run(capsys, "import", source.write(tables), "--out", str(out))
    assert code == 2
    assert (f"{source.at('items', lamp + 1, len(header) + 1)}: error: seasonality: give "
            "seasonality_factors too") in err


def test_sales_make_the_demand_and_the_start(source, tmp_path, capsys):
    sales = [["date", "product", "quantity"]]
    # lamp: 6 lines over the 10 days 2024-03-01 .. 2024-03-10; sizes 1 (x4) and 3 (x2): too few
    # lines for an empirical size, so a gamma is fitted (docs/import.md, "How demand is fitted")
    for day, qty in [(1, 1), (2, 3), (2, 1), (5, 1), (9, 3), (10, 1)]:
        sales.append([datetime.date(2024, 3, day) if source.kind == "xlsx"
                      else f"2024-03-{day:02d}", "lamp", qty])
    sales.append(["2024-03-04", "bulb-pack", 2])
    tables = _tables(sales=sales)
    path = source.write(tables)
    out = tmp_path / "n.yaml"
    code, stdout, err = _run(capsys, "import", path, "--out", str(out))
    assert code == 0, err
    net = load_network(str(out))
    lamp = net.item("lamp").demand
    assert lamp.rate == 0.6
    assert lamp.size.to_spec()["dist"] == "gamma"
    pack = net.item("bulb-pack").demand
    assert pack.rate == 0.1 and pack.size.mean == 2
    assert net.start == datetime.date(2024, 3, 1)
    assert ("lamp: 6 orders, 10 units over 10 days (2024-03-01 to 2024-03-10): 0.60 orders a "
            "day") in stdout
    page = (tmp_path / "n.demand.html").read_text(encoding="utf-8")
    assert "lamp" in page and "<svg" in page
    assert not any(ref in page for ref in ('src="http', 'href="http', "<link", "url("))
    assert "riskmap import: the demand fits are drawn in" in err
    items = source.at("items", 3, 7)
    assert (f"{items}: warning: demand_rate: not used, the demand of 'lamp' is made from its 6 "
            "sales lines; clear the cell [unknown-key]") in err


def test_a_product_without_demand_is_a_warning(tmp_path, capsys):
    tables = _tables()
    tables["items"][2][6] = None  # lamp: no demand_rate, no sales
    path = write_csv_folder(tmp_path / "t", tables)
    out = tmp_path / "n.yaml"
    code, _, err = _run(capsys, "import", path, "--out", str(out))
    assert code == 0
    assert (f"{os.path.join(path, 'items.csv')}:3:1: warning: product 'lamp' has no demand: no "
            "sales lines and no demand_rate or demand_interval [no-demand]") in err
    assert load_network(str(out)).item("lamp").demand is None


def test_sales_need_a_daily_time_unit(tmp_path, capsys):
    tables = _tables(network=[["name", "time_unit"], ["Lamps", "week"]],
                     sales=[["date", "product", "quantity"], ["2024-01-01", "lamp", 1]])
    path = write_csv_folder(tmp_path / "t", tables)
    code, _, err = _run(capsys, "import", path, "--out", str(tmp_path / "n.yaml"))
    assert code == 2
    assert (f"{os.path.join(path, 'network.csv')}:2:2: error: time_unit: sales give demand per "
            "day, so a network with sales has time_unit day (got 'week'); clear the cell") in err


def test_source_problems(tmp_path, capsys):
    folder = tmp_path / "t"
    write_csv_folder(folder, {"suppliers": LAMP_TABLES["suppliers"], "supplier": [["id"]]})
    code, _, err = _run(capsys, "import", str(folder), "--out", str(tmp_path / "n.yaml"))
    assert code == 2
    assert (f"{folder}: error: no 'items' table: add items.csv to the folder, or a sheet named "
            "items to the workbook [table]") in err
    assert (f"{folder / 'supplier.csv'}: warning: 'supplier' is not a table riskmap reads (the "
            "tables are network, regions, suppliers, items, bom, lanes, sales); did you mean "
            "'suppliers'?; it is left out [table]") in err
    (folder / "items.csv").write_bytes(b"id,kind\nbulb,part\nlamp\xe9,product\n")
    code, _, err = _run(capsys, "import", str(folder), "--out", str(tmp_path / "n.yaml"))
    assert code == 2
    assert f"{folder / 'items.csv'}:3:5: error: file is not valid UTF-8 text (byte 0xe9)" in err
    code, _, err = _run(capsys, "import", str(tmp_path / "nothing"), "--out", "n.yaml")
    assert code == 2 and "not found" in err
    bad_book = tmp_path / "bad.xlsx"
    bad_book.write_bytes(b"not a zip")
    pytest.importorskip("openpyxl")
    code, _, err = _run(capsys, "import", str(bad_book), "--out", "n.yaml")
    assert code == 2 and f"{bad_book}: error: cannot read the workbook" in err
    assert "Traceback" not in err


def test_a_workbook_without_openpyxl_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    book = tmp_path / "t.xlsx"
    book.write_bytes(b"")
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl raises ImportError
    code, _, err = _run(capsys, "import", str(book), "--out", str(tmp_path / "n.yaml"))
    assert code == 2
    assert err.strip() == (f"{book}: error: reading and writing .xlsx workbooks needs openpyxl: "
                           "pip install 'riskmap[import]'")
    code, _, err = _run(capsys, "export", str(Path(__file__).parent.parent / "scenarios" /
                                              "networks" / "tiny.yaml"), "--out", str(book))
    assert code == 2 and "pip install 'riskmap[import]'" in err


def test_an_out_that_cannot_be_written_is_exit_2(tmp_path, capsys):
    path = write_csv_folder(tmp_path / "t", _tables())
    code, _, err = _run(capsys, "import", path, "--out", str(tmp_path))  # a folder
    assert code == 2 and "Traceback" not in err


def test_headers_rows_and_cells_that_cannot_be_read(tmp_path, capsys):
    folder = tmp_path / "t"
    write_csv_folder(folder, _tables(network=[["name"], ["Lamps"], ["Lamps again"]]))
    (folder / "suppliers.csv").write_text("id,name,name\nacme,Acme,A\n")
    (folder / "bom.csv").write_text('item,component,quantity\nbulb-pack,"bulb"x,2\n')
    (folder / "lanes.csv").write_text("item,supplier,lead_time\nbulb,bulbco,2,7\n")
    code, _, err = _run(capsys, "import", str(folder), "--out", str(tmp_path / "n.yaml"))
    assert code == 2
    assert (f"{folder / 'suppliers.csv'}:1:3: error: column 'name' appears twice in the header "
            "(first in column 2); keep one [table]") in err
    assert f"{folder / 'bom.csv'}:2:1: error: cannot read the CSV file: " in err
    (folder / "bom.csv").write_text("item,component,quantity\nbulb-pack,bulb,2\n")
    code, _, err = _run(capsys, "import", str(folder), "--out", str(tmp_path / "n.yaml"))
    assert (f"{folder / 'network.csv'}:3:1: error: network: the table holds one row (the "
            "network's name, time_unit, start); remove the others [table]") in err
    assert (f"{folder / 'lanes.csv'}:2:4: warning: a value in a column without a header; give "
            "the column a name or clear the cell [table]") in err


def test_lists_substitutes_and_distributions_in_cells(tmp_path, capsys):
    tables = _tables(suppliers=[["id", "ttr", "depends_on", "cover"],
                                ["acme", "{dist: lognormal, mean: 40, sd: 15}", "bulbco; glassco", 3],
                                ["bulbco", 5, None, None], ["glassco", 9, None, None]])
    tables["items"][0].append("substitutes")
    tables["items"][1].append(None)
    tables["items"][2].append("bulb-pack:0.25")
    tables["items"][3].append("lamp")
    path = write_csv_folder(tmp_path / "t", tables)
    code, _, err = _run(capsys, "import", path, "--out", str(tmp_path / "n.yaml"))
    assert code == 2
    assert (f"{os.path.join(path, 'items.csv')}:4:8: error: substitute 'lamp': write "
            "product:acceptance, such as city-ebike:0.3 [value]") in err
    tables["items"][3][-1] = "lamp:0.5;"
    path = write_csv_folder(tmp_path / "t", tables)
    out = tmp_path / "n.yaml"
    code, _, err = _run(capsys, "import", path, "--out", str(out))
    assert code == 0, err
    net = load_network(str(out))
    acme = net.supplier("acme")
    assert acme.depends_on == ("bulbco", "glassco") and acme.cover.mean == 3
    assert (acme.ttr.name, acme.ttr.mean) == ("lognormal", 40.0)
    assert [(s.product, s.acceptance) for s in net.item("lamp").substitutes] == [("bulb-pack", 0.25)]


def test_the_workbook_being_imported_is_not_overwritten(tmp_path, capsys):
    book = write_workbook(tmp_path / "t.xlsx", _tables())
    before = Path(book).read_bytes()
    code, _, err = _run(capsys, "import", book, "--out", book)
    assert code == 2 and "--out names the workbook being imported" in err
    assert Path(book).read_bytes() == before


def test_a_workbook_made_from_a_folder_holds_its_sales_as_dates(tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    from riskmap.tables.workbook import workbook_of_folder

    tables = _tables(sales=[["date", "product", "quantity"], ["2024-03-01", "lamp", 2],
                            ["2024-03-04", "lamp", 1]])
    folder = write_csv_folder(tmp_path / "t", tables)
    book = tmp_path / "t.xlsx"
    order = ("network", "regions", "suppliers", "items", "bom", "lanes", "sales")
    book.write_bytes(workbook_of_folder(folder, order))
    assert workbook_of_folder(folder, order) == book.read_bytes()
    sheets = openpyxl.load_workbook(book)
    assert sheets.sheetnames == ["network", "suppliers", "items", "bom", "lanes", "sales"]
    assert sheets["sales"]["A2"].value == datetime.datetime(2024, 3, 1)
    assert sheets["items"]["C2"].value == 30  # a number, not the text "30"
    from_folder, from_book = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert main(["import", folder, "--out", str(from_folder), "-q"]) == 0
    assert main(["import", str(book), "--out", str(from_book), "-q"]) == 0
    assert replace(load_network(str(from_folder)), file="") == \
        replace(load_network(str(from_book)), file="")
    assert load_network(str(from_book)).start == datetime.date(2024, 3, 1)


def test_a_starter_scenario_makes_it_two_commands_to_a_report(tmp_path, capsys):
    path = write_csv_folder(tmp_path / "t", _tables())
    net, scenario = tmp_path / "nets" / "n.yaml", tmp_path / "plan.yaml"
    code, _, err = _run(capsys, "import", path, "--out", str(net), "--scenario", str(scenario),
                        "--horizon", "60")
    assert code == 0, err
    assert f"riskmap import: wrote {scenario}; run it with: riskmap run {scenario}" in err
    text = scenario.read_text(encoding="utf-8")
    assert "network: nets/n.yaml\nhorizon: 60\n" in text
    assert main(["validate", str(scenario)]) == 0
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--replications", "2", "--no-counterfactuals",
                 "--out", str(out)]) == 0
    assert (out / "report.json").exists()


def test_a_starter_scenario_is_checked_before_anything_is_written(tmp_path, capsys):
    path = write_csv_folder(tmp_path / "t", _tables())
    net = tmp_path / "n.yaml"
    code, _, err = _run(capsys, "import", path, "--out", str(net), "--scenario", str(net))
    assert code == 2 and "--scenario names the network file --out writes" in err
    code, _, err = _run(capsys, "import", path, "--out", str(net), "--scenario",
                        str(tmp_path / "s.yaml"), "--horizon", "0")
    assert code == 2 and "--horizon must be a number above 0, got 0" in err
    assert not net.exists()
