"""Validation: one test per kind of error, asserting the message and its position."""

from __future__ import annotations

import pytest

import copy

from riskmap.errors import Collector, InputError
from riskmap.load import build, check_file, load_network, load_scenario, references
from riskmap.load.checker import Checker
from riskmap.load.document import parse, read_text

pytestmark = pytest.mark.cli

NETWORK = """
riskmap: 1
name: test
regions:
  - {id: tw}
  - {id: de}
suppliers:
  - {id: s1, region: tw, ttr: 10}
  - {id: s2, region: de, ttr: 5}
parts:
  - id: cell
    stock: 10
    policy: {type: base_stock, level: 20}
    sources:
      - {supplier: s1, lead_time: 3}
      - {supplier: s2, alternate: true, lead_time: 1}
products:
  - id: bike
    bom: {cell: 2}
    stock: 5
    policy: {type: base_stock, level: 8}
    demand: {rate: 1}
"""


def errors_of(path, strict=False):
    return [d.format() for d in check_file(path, strict=strict).errors]


def one_error(path):
    errs = errors_of(path)
    assert len(errs) == 1, errs
    return errs[0]


def test_valid_network_loads(write):
    net = load_network(write("n.yaml", NETWORK))
    assert [i.id for i in net.items] == ["cell", "bike"]
    assert net.item("cell").sources[0].share == 1.0
    assert net.item("cell").sources[1].share == 0.0
    assert net.item("bike").bom == (("cell", 2),)


def test_yaml_syntax_error_with_position(write):
    path = write("n.yaml", "riskmap: 1\nsuppliers:\n  - id: a\n   bad: [\n")
    err = one_error(path)
    assert err.startswith(f"{path}:4:") and "YAML syntax error" in err


def test_tab_indentation_hint(write):
    path = write("n.yaml", "riskmap: 1\nsuppliers:\n\t- id: a\n")
    err = one_error(path)
    assert err.startswith(f"{path}:3:1:") and "indent with spaces, not tabs" in err


def test_wrong_type_names_key_path_and_value(write):
    path = write("n.yaml", NETWORK.replace("stock: 10", "stock: [10]"))
    assert one_error(path) == (f"{path}:11:12: error: parts[0].stock: expected a whole number "
                               ">= 0, got a list [type]")


def test_number_as_string_suggests_removing_quotes(write):
    path = write("n.yaml", NETWORK.replace("ttr: 10", 'ttr: "10"'))
    err = one_error(path)
    assert f"{path}:7:31:" in err and "remove the quotes" in err


def test_missing_required_key(write):
    path = write("n.yaml", NETWORK.replace("{supplier: s1, lead_time: 3}", "{lead_time: 3}"))
    err = one_error(path)
    assert err == (f"{path}:14:9: error: parts[0].sources[0]: missing required key 'supplier' "
                   "in source [missing-key]")


def test_duplicate_key_is_an_error_not_last_wins(write):
    path = write("n.yaml", NETWORK.replace("    stock: 10\n", "    stock: 10\n    stock: 99\n"))
    assert one_error(path) == (f"{path}:12:5: error: duplicate key 'stock' (first at line 11, "
                               "column 5); keep one [duplicate-key]")


def test_duplicate_ids(write):
    path = write("n.yaml", NETWORK.replace("{id: s2, region: de", "{id: s1, region: de"))
    errs = errors_of(path)
    assert f"{path}:8:10: error: duplicate supplier id 's1' (first at line 7); ids must be " \
           "unique [duplicate-id]" in errs


@pytest.mark.parametrize("old,new,line,col,message", [
    ("{supplier: s1, lead_time: 3}", "{supplier: s11, lead_time: 3}", 14, 20,
     "unknown supplier 's11'; did you mean 's1'?"),
    ("bom: {cell: 2}", "bom: {cells: 2}", 18, 11, "unknown part or product 'cells'; did you "
                                                  "mean 'cell'?"),
    ("{id: s2, region: de, ttr: 5}", "{id: s2, region: dee, ttr: 5}", 8, 22,
     "unknown region 'dee'; did you mean 'de'?"),
    ("{id: s2, region: de, ttr: 5}", "{id: s2, region: de, ttr: 5, depends_on: [s9]}", 8, 47,
     "unknown supplier 's9'"),
    ("demand: {rate: 1}", "demand: {rate: 1}\n    substitutes: [{product: bikes, acceptance: 0.5}]",
     22, 29, "unknown product 'bikes'; did you mean 'bike'?"),
])
def test_unknown_references_with_nearest_name(write, old, new, line, col, message):
    path = write("n.yaml", NETWORK.replace(old, new))
    assert one_error(path) == f"{path}:{line}:{col}: error: {message} [unknown-reference]"


def test_bom_cycle(write):
    text = NETWORK.replace("    sources:\n      - {supplier: s1",
                           "    bom: {bike: 1}\n    sources:\n      - {supplier: s1")
    path = write("n.yaml", text)
    err = one_error(path)
    assert err.startswith(f"{path}:19:10:") and "bill of materials cycle: bike -> cell -> bike" in err


def test_depends_on_cycle(write):
    text = NETWORK.replace("{id: s1, region: tw, ttr: 10}", "{id: s1, region: tw, ttr: 10, depends_on: [s2]}")
    text = text.replace("{id: s2, region: de, ttr: 5}", "{id: s2, region: de, ttr: 5, depends_on: [s1]}")
    path = write("n.yaml", text)
    err = one_error(path)
    assert err.startswith(f"{path}:7:") and "depends_on cycle: s1 -> s2 -> s1" in err


@pytest.mark.parametrize("value,expected", [
    ("-5", "expected a whole number >= 0, got -5"),
    (".nan", "expected a whole number >= 0, got NaN"),
    (".inf", "inf is too large"),
    ("1e300", "is too large"),
    ("2.5", "units are whole"),
])
def test_bad_quantities(write, value, expected):
    path = write("n.yaml", NETWORK.replace("stock: 10", f"stock: {value}"))
    err = one_error(path)
    assert err.startswith(f"{path}:11:12:") and expected in err


@pytest.mark.parametrize("dist,expected", [
    ("{dist: uniform, min: 5, max: 2}", "uniform needs min <= max"),
    ("{dist: triangular, min: 1, mode: 9, max: 4}", "triangular needs min <= mode <= max"),
    ("{dist: lognormal, mean: 0, sd: 1}", "lognormal needs mean > 0"),
    ("{dist: exponential, mean: 0}", "exponential needs mean > 0"),
    ("{dist: empirical, values: [1, 2], weights: [1]}", "one weight per value"),
    ("{dist: normal, mean: 3}", "normal needs 'sd'"),
    ("{dist: normal, mean: 3, sd: -1}", "expected a number >= 0, got -1"),
    ("{dist: uniform, low: 1, max: 3}", "uniform has no parameter 'low'"),
    ("{dist: gaussian, mean: 3, sd: 1}", "unknown distribution the string 'gaussian'"),
])
def test_impossible_distributions(write, dist, expected):
    path = write("n.yaml", NETWORK.replace("lead_time: 3", f"lead_time: {dist}"))
    errs = errors_of(path)
    assert errs and all(f"{path}:14:" in e for e in errs), errs
    assert any(expected in e for e in errs), errs


def test_probability_outside_unit_interval(write):
    path = write("n.yaml", NETWORK.replace("demand: {rate: 1}", "demand: {rate: 1}\n    "
                                           "substitutes: [{product: bike2, acceptance: 1.5}]"))
    assert "expected a probability between 0 and 1, got 1.5" in one_error(path)


@pytest.mark.parametrize("first,expected", [
    ("riskmap: 2", "unsupported format version 2; this riskmap reads 'riskmap: 1'"),
    ("riskmap: '1'", "unsupported format version '1'"),
    ("name: x", "missing format version: add 'riskmap: 1' as the first line"),
])
def test_format_version_checked_first(write, first, expected):
    path = write("n.yaml", f"{first}\nsuppliers: 12\n")
    assert expected in one_error(path)  # and nothing about suppliers: version comes first


@pytest.mark.parametrize("text,expected", [
    ("", "the file is empty"),
    ("# only a comment\n", "the file is empty"),
    ("- a\n- b\n", "the file must be a mapping"),
    ("just text\n", "the file must be a mapping"),
])
def test_empty_or_non_mapping_root(write, text, expected):
    assert expected in one_error(write("n.yaml", text))


def test_custom_tags_refused(write):
    path = write("n.yaml", "riskmap: 1\nname: !!python/object/apply:os.system [ls]\n")
    err = one_error(path)
    assert err.startswith(f"{path}:2:7:") and "is not allowed" in err


def test_alias_bomb_refused(write):
    lines = ["riskmap: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    err = one_error(write("n.yaml", "\n".join(lines) + "\n"))
    assert "aliases expand to more than" in err


def test_unknown_key_is_a_warning_then_an_error_under_strict(write):
    path = write("n.yaml", NETWORK.replace("stock: 10", "stock: 10\n    stok: 3"))
    loaded = check_file(path)
    assert loaded.model is not None
    warning = [d.format() for d in loaded.diagnostics if d.check == "unknown-key"]
    assert warning == [f"{path}:12:5: warning: parts[0].stok: unknown key 'stok' in part; did "
                       "you mean 'stock'? [unknown-key]"]
    assert any("unknown-key" in e for e in errors_of(path, strict=True))


def test_all_problems_reported_in_one_run(write):
    text = NETWORK.replace("stock: 10", "stock: -1").replace("ttr: 5", "ttr: abc") \
                  .replace("rate: 1", "rate: -2")
    assert len(errors_of(write("n.yaml", text))) == 3


def test_policy_parameters_by_type(write):
    path = write("n.yaml", NETWORK.replace("{type: base_stock, level: 20}",
                                           "{type: min_max, min: 9, max: 3}"))
    assert "min_max needs min <= max" in one_error(path)
    path = write("n2.yaml", NETWORK.replace("{type: base_stock, level: 20}",
                                            "{type: reorder_point, point: 9}"))
    assert "a reorder_point policy needs 'quantity'" in one_error(path)


def test_demand_needs_exactly_one_of_rate_and_interval(write):
    path = write("n.yaml", NETWORK.replace("demand: {rate: 1}", "demand: {rate: 1, interval: 2}"))
    assert "exactly one of 'rate'" in one_error(path)


SCENARIO = """
riskmap: 1
name: outage
network: n.yaml
horizon: 100
replications: 5
seed: 3
disruptions:
  - {kind: outage, target: {supplier: s1}, at: 10, duration: 20}
expect:
  - {product: bike, metric: fill_rate, min: 0.9}
"""


def test_scenario_with_relative_network(write):
    write("nets/n.yaml", NETWORK)
    path = write("sc/s.yaml", SCENARIO.replace("network: n.yaml", "network: ../nets/n.yaml"))
    scenario = load_scenario(path)
    assert scenario.network.name == "test"
    assert scenario.disruptions[0].id == "outage-1"
    assert scenario.expect[0].subject == "product"


def test_scenario_with_inline_network(write):
    inline = "\n".join("  " + line for line in NETWORK.strip().splitlines()[1:])
    path = write("s.yaml", SCENARIO.replace("network: n.yaml", "network:\n" + inline))
    assert load_scenario(path).network.item("bike").demand.rate == 1


def test_missing_network_file_names_the_path(write):
    path = write("s.yaml", SCENARIO)
    err = one_error(path)
    assert err.startswith(f"{path}:3:10:") and "network file 'n.yaml' not found" in err


@pytest.mark.parametrize("old,new,message", [
    ("{supplier: s1}", "{supplier: s7}", "unknown supplier 's7'"),
    ("kind: outage, target: {supplier: s1}", "kind: disaster, target: {region: mars}",
     "unknown region 'mars'"),
    ("{product: bike, metric", "{product: bik, metric", "unknown product 'bik'; did you mean 'bike'?"),
    ("metric: fill_rate", "metric: fillrate", "unknown product metric 'fillrate'"),
    ("kind: outage", "kind: outrage", "is not one of outage"),
    ("kind: outage, target: {supplier: s1}", "kind: outage, target: {product: bike}",
     "an outage strikes a supplier, not a product"),
    ("probability: 1", "", ""),
])
def test_scenario_reference_errors(write, old, new, message):
    write("n.yaml", NETWORK)
    path = write("s.yaml", SCENARIO.replace(old, new))
    if not message:
        assert errors_of(path) == []
        return
    errs = errors_of(path)
    assert len(errs) == 1 and message in errs[0], errs


def test_disruption_without_duration_needs_a_ttr(write):
    write("n.yaml", NETWORK.replace("{id: s1, region: tw, ttr: 10}", "{id: s1, region: tw}"))
    path = write("s.yaml", SCENARIO.replace(", duration: 20", ""))
    assert "have no 'ttr'" in one_error(path)


def test_load_raises_input_error_with_all_diagnostics(write):
    path = write("n.yaml", NETWORK.replace("stock: 10", "stock: -1").replace("ttr: 5", "ttr: x"))
    with pytest.raises(InputError) as info:
        load_network(path)
    assert len(info.value.diagnostics) == 2


@pytest.mark.parametrize("data,expected", [
    (b"riskmap: 1\nname: a\x00b\n", "control character (#x0000)"),
    (b"riskmap: 1\nname: caf\xe9\n", "not valid UTF-8"),
])
def test_binary_garbage_is_positioned(tmp_path, data, expected):
    path = tmp_path / "n.yaml"
    path.write_bytes(data)
    err = one_error(str(path))
    assert err.startswith(f"{path}:2:") and expected in err


def test_byte_order_mark_and_windows_line_endings_are_fine(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + NETWORK.lstrip().replace("\n", "\r\n").encode())
    assert check_file(str(path)).errors == []


def test_bare_off_means_the_word_not_a_boolean(write):
    write("n.yaml", NETWORK)
    path = write("s.yaml", SCENARIO + "alternates: off\n")
    assert load_scenario(path).alternates == "off"
    path = write("s2.yaml", SCENARIO + "alternates: no\n")
    assert "is not one of auto, off" in one_error(path)


# --------------------------------------------------------------------------- candidates, what_if

OPTIONS = """
candidates:
  - id: s9
    region: de
    ttr: 7
    supplies:
      - {part: cell, lead_time: 2, capacity: 4}
  - id: s2
    supplies:
      - {part: bike, alternate: false, lead_time: 1}
what_if:
  - {id: more-cells, part: cell, stock: 30}
  - {product: bike, policy: {type: base_stock, level: 12}}
  - {supplier: s1, capacity: 50}
"""


def test_candidates_and_what_ifs_load(write):
    write("n.yaml", NETWORK)
    scenario = load_scenario(write("s.yaml", SCENARIO + OPTIONS))
    new, existing = scenario.candidates
    assert (new.id, new.supplier.region, new.supplier.ttr.mean) == ("s9", "de", 7)
    [(item, lane)] = new.sources
    assert (item, lane.supplier, lane.alternate, lane.capacity) == ("cell", "s9", True, 4)
    # an existing supplier keeps its network definition
    assert existing.supplier == scenario.network.supplier("s2")
    assert existing.sources[0][1].alternate is False
    ids = [w.id for w in scenario.what_if]
    assert ids == ["more-cells", "what-if-2", "what-if-3"]
    assert scenario.what_if[1].policy.level == 12
    assert (scenario.what_if[2].target.kind, scenario.what_if[2].capacity) == ("supplier", 50)


def test_later_stages_only_read_the_cleaned_values(write):
    # Subjects and default ids are derived where they are needed, never written back into
    # what the checker produced, so every stage sees the values as checked.
    network = load_network(write("n.yaml", NETWORK))
    path = write("s.yaml", SCENARIO + OPTIONS + "  - {id: what-if-5, part: cell, stock: 1}\n"
                 "  - {part: cell, stock: 2}\n")
    doc = parse(read_text(path), path)
    out = Collector()
    cleaned = Checker(doc, out).entity("scenario", doc.value, ())
    before = copy.deepcopy(cleaned)
    references.check_scenario(doc, cleaned, network, out)
    [duplicate] = out.errors
    assert duplicate.format().startswith(f"{path}:26:5: error: duplicate what_if id 'what-if-5' "
                                         "(first at line 25); ids must be unique")
    scenario = build.scenario(doc, cleaned, network, "s")
    assert cleaned == before
    assert [w.id for w in scenario.what_if] == ["more-cells", "what-if-2", "what-if-3",
                                                "what-if-5", "what-if-5"]
    assert [e.subject for e in scenario.expect] == ["product"]
    assert [d.id for d in scenario.disruptions] == ["outage-1"]


@pytest.mark.parametrize("old,new,line,col,message", [
    ("{part: cell, lead_time: 2", "{part: cel, lead_time: 2", 17, 16,
     "unknown part or product 'cel'; did you mean 'cell'?"),
    ("region: de\n    ttr: 7", "region: mars\n    ttr: 7", 14, 13, "unknown region 'mars'"),
    ("  - id: s2\n    supplies:", "  - id: s1\n    region: tw\n    supplies:", 19, 5,
     "candidate 's1' is a supplier of the network: its 'region' comes from the network"),
    ("{part: bike, alternate: false", "{part: cell, alternate: false", 20, 16,
     "'cell' is already bought from 's2' in the network"),
    ("{id: more-cells, part: cell, stock: 30}", "{id: more-cells, part: cel, stock: 30}", 22, 28,
     "unknown part 'cel'; did you mean 'cell'?"),
    ("{supplier: s1, capacity: 50}", "{supplier: s1, stock: 50}", 24, 27,
     "'stock' does not apply to a supplier"),
    ("{id: more-cells, part: cell, stock: 30}", "{id: more-cells, part: cell}", 22, 5,
     "a what_if needs 'stock', 'policy' or 'capacity'"),
    ("{product: bike, policy", "{part: cell, product: bike, policy", 23, 5,
     "a what_if changes exactly one part, product or supplier, got 2"),
])
def test_option_errors_are_positioned(write, old, new, line, col, message):
    write("n.yaml", NETWORK)
    text = SCENARIO + OPTIONS
    assert old in text
    path = write("s.yaml", text.replace(old, new))
    errs = errors_of(path)
    assert len(errs) == 1, errs
    assert errs[0].startswith(f"{path}:{line}:{col}:"), errs
    assert message in errs[0], errs


def test_candidate_without_supplies_is_an_error(write):
    write("n.yaml", NETWORK)
    path = write("s.yaml", SCENARIO + "candidates:\n  - {id: s9, region: de}\n")
    err = one_error(path)
    assert "missing required key 'supplies' in candidate" in err


def test_start_is_a_calendar_date(write):
    net = load_network(write("n.yaml", NETWORK.replace("name: test", "name: test\nstart: 2024-03-01")))
    assert str(net.start) == "2024-03-01"
    assert str(load_network(write("d.yaml", NETWORK)).start) == "2000-01-01"
    path = write("bad.yaml", NETWORK.replace("name: test", "name: test\nstart: 2024-13-01"))
    with pytest.raises(InputError) as e:
        load_network(path)
    assert "bad.yaml:3:8: error: start: expected a calendar date such as 2024-01-01" in str(e.value)


def test_holding_cost_is_read_and_kept(write):
    from riskmap.load.dump import network_file, network_from_record, network_record
    net = load_network(write("n.yaml", NETWORK.replace("stock: 10", "stock: 10\n    holding_cost: 0.25")))
    assert net.item("cell").holding_cost == 0.25 and net.item("bike").holding_cost is None
    assert network_from_record(network_record(net)).item("cell").holding_cost == 0.25
    assert network_file(net)["parts"][0]["holding_cost"] == 0.25


# --------------------------------------------------------------------------- customer classes

CLASSES = """
riskmap: 1
suppliers: [{id: s}]
products:
  - id: p
    policy: {type: base_stock, level: 2}
    sources: [{supplier: s, lead_time: 3}]
    allocation: ALLOCATION
    demand:
      - {class: key, priority: 1, rate: 0.5, patience: 10}
      - {class: web, priority: 2, interval: 1, size: 2}
"""


def test_customer_classes_reach_the_model(write):
    net = load_network(write("n.yaml", CLASSES.replace("ALLOCATION", "priority")))
    p = net.item("p")
    assert p.allocation == "priority"
    assert [(c.id, c.priority) for c in p.demand.classes] == [("key", 1), ("web", 2)]
    assert p.demand.classes[0].demand.rate == 0.5
    assert p.demand.classes[1].demand.size.mean == 2
    assert p.demand.mean_rate == pytest.approx(1.5)
    assert p.demand.mean_units_rate == pytest.approx(2.5)


def test_duplicate_class_id(write):
    text = CLASSES.replace("ALLOCATION", "priority").replace("class: web", "class: key")
    assert one_error(write("n.yaml", text)).endswith(
        "n.yaml:10:17: error: products[0].demand[1].class: duplicate class id 'key' (also at "
        "products[0].demand[0].class); give each class its own id [duplicate]")


def test_priority_on_a_fifo_product_is_a_warning(write):
    path = write("n.yaml", CLASSES.replace("ALLOCATION", "fifo"))
    result = check_file(path)
    assert not result.errors
    assert [d.format() for d in result.diagnostics if d.check == "priority-unused"] == [
        f"{path}:9:32: warning: products[0].demand[0].priority: priority has no effect under "
        "allocation: fifo; add 'allocation: priority' to the product [priority-unused]"]
    assert check_file(path, strict=True).errors


def test_priority_allocation_with_one_class_is_a_warning(write):
    text = CLASSES.replace("ALLOCATION", "priority").replace(
        "    demand:\n      - {class: key, priority: 1, rate: 0.5, patience: 10}\n"
        "      - {class: web, priority: 2, interval: 1, size: 2}\n", "    demand: {rate: 1}\n")
    path = write("n.yaml", text)
    warnings = [d.format() for d in check_file(path).diagnostics if d.check == "priority-unused"]
    assert warnings == [f"{path}:7:17: warning: products[0].allocation: allocation: priority with "
                        "one class of customers serves them first come first served; write "
                        "demand as a list of classes with priorities [priority-unused]"]


def test_class_needs_an_id_and_a_rate(write):
    text = CLASSES.replace("ALLOCATION", "priority").replace("{class: web, priority: 2, ", "{")
    assert one_error(write("n.yaml", text)).endswith(
        "n.yaml:10:9: error: products[0].demand[1]: missing required key 'class' in "
        "customer_class [missing-key]")
    text = CLASSES.replace("ALLOCATION", "priority").replace("rate: 0.5, ", "")
    assert one_error(write("n.yaml", text)).endswith(
        "n.yaml:9:9: error: products[0].demand[0]: give exactly one of 'rate' (orders per time "
        "unit) and 'interval' (time between orders) [value]")


def test_demand_of_the_wrong_type(write):
    text = CLASSES.replace("ALLOCATION", "fifo").replace(
        "    demand:\n      - {class: key, priority: 1, rate: 0.5, patience: 10}\n"
        "      - {class: web, priority: 2, interval: 1, size: 2}\n", "    demand: 3\n")
    assert one_error(write("n.yaml", text)).endswith(
        "n.yaml:8:13: error: products[0].demand: expected a demand mapping (rate: or interval:) "
        "or a list of customer classes (each with class:), got 3 [type]")


def test_updates_reach_the_model_and_need_something_to_send(write):
    text = CLASSES.replace("ALLOCATION", "priority") + \
        "    updates: {every: 7}\n    inquiries: {rate: 0.2, after_update: 3}\n"
    p = load_network(write("n.yaml", text)).item("p")
    assert (p.updates.every, p.updates.on_revision) == (7, True)
    assert (p.inquiries.rate, p.inquiries.after_update) == (0.2, 3)
    text = CLASSES.replace("ALLOCATION", "priority") + "    updates: {on_revision: false}\n"
    assert one_error(write("n.yaml", text)).endswith(
        "n.yaml:11:14: error: products[0].updates: an update policy sends nothing without "
        "'every' or 'on_revision: true'; give one, or leave updates out [value]")


def test_compensation_rules_reach_the_model_and_their_keys_agree(write):
    base = CLASSES.replace("ALLOCATION", "priority") + "    compensation:\n"
    text = base + ("      - {id: sorry, when: broken_promise, offer: credit, amount: 5, "
                   "acceptance: 0.8, prevents_cancellation: true}\n")
    rule = load_network(write("n.yaml", text)).item("p").compensation[0]
    assert (rule.id, rule.when, rule.offer, rule.amount, rule.acceptance,
            rule.prevents_cancellation) == ("sorry", "broken_promise", "credit", 5, 0.8, True)
    text = base + "      - {id: w, when: waited, offer: refund, share: 0.5, acceptance: 1}\n"
    assert one_error(write("n.yaml", text)).endswith(
        "n.yaml:12:9: error: products[0].compensation[0]: an offer made when the order has "
        "waited needs 'after' (how long) [missing-key]")
    text = base + ("      - {id: w, when: waited, after: 2, offer: refund, share: 0.5, amount: 3, "
                   "acceptance: 1}\n")
    assert "give the cost as 'amount' or 'share', not both" in one_error(write("n.yaml", text))
    text = base + ("      - {id: w, when: broken_promise, offer: refund, acceptance: 1, "
                   "extends_patience: 2, prevents_cancellation: true}\n")
    assert "not both" in one_error(write("n.yaml", text))
    text = base + "      - {id: w, when: late, offer: refund, acceptance: 1}\n"
    assert "is not one of broken_promise, waited" in one_error(write("n.yaml", text))


def test_a_share_of_the_price_without_a_price_is_a_warning(write):
    text = CLASSES.replace("ALLOCATION", "priority") + (
        "    compensation:\n      - {id: r, when: broken_promise, offer: refund, share: 0.5, "
        "acceptance: 1}\n")
    path = write("n.yaml", text)
    assert [d.format() for d in check_file(path).diagnostics if d.check == "no-price"] == [
        f"{path}:12:61: warning: products[0].compensation[0].share: a share of the price costs "
        "nothing without the product's price; give the product a price, or the cost as amount "
        "[no-price]"]


def test_a_compensation_rule_names_classes_of_its_product(write):
    text = CLASSES.replace("ALLOCATION", "priority") + (
        "    compensation:\n      - {id: r, when: broken_promise, offer: priority, "
        "acceptance: 1, classes: [wbe]}\n")
    assert one_error(write("n.yaml", text)).endswith(
        "error: products[0].compensation[0].classes[0]: 'wbe' is not a customer class of the "
        "product (its demand lists key, web); did you mean 'web'? [reference]")
    rule = load_network(write("n.yaml", text.replace("wbe", "web"))).item("p").compensation[0]
    assert rule.classes == ("web",)
