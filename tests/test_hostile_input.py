"""A corpus of real-world mistakes and hostile files: each exits 2 with a positioned message.

Every case goes through the command line (``main(["validate", ...])``) and must give exit code
2, at least one ``FILE:LINE:COL: error:`` line, and no traceback, in bounded time. Then the
inputs that are not files (devices, FIFOs, folders), undecodable file names, scenarios that
name a scenario, ids with hidden characters, the work of validation, and hostile report.json
files for ``riskmap report``.
"""

from __future__ import annotations

import difflib
import glob
import json
import os
import random
import re
import threading
import time

import pytest
import yaml

from riskmap.cli.main import main
from riskmap.load import check_file, document
from tests.conftest import SCENARIOS
from tests.test_validate import NETWORK

pytestmark = pytest.mark.cli

POSITIONED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error: .+$", re.M)


def _case(name: str, data: bytes | str):
    return pytest.param(data.encode("utf-8") if isinstance(data, str) else data, id=name)


CORPUS = [
    _case("tab-indentation", NETWORK.replace("    stock: 10", "\tstock: 10")),
    _case("wrong-indentation", NETWORK.replace("    stock: 10", "      stock: 10")),
    _case("number-as-string", NETWORK.replace("level: 20", 'level: "20"')),
    _case("list-where-mapping-belongs", NETWORK.replace("policy: {type: base_stock, level: 20}",
                                                        "policy: [base_stock, 20]")),
    _case("mapping-where-list-belongs", NETWORK.replace("  - {id: tw}\n  - {id: de}\n",
                                                        "  tw: Taiwan\n")),
    _case("invalid-utf8", NETWORK.encode("utf-8").replace(b"name: test", b"name: t\xff\xfest")),
    _case("very-long-name", NETWORK.replace("{id: s1,", "{id: " + "s" * 5000 + ",")),
    _case("deeply-nested", "riskmap: 1\nname: " + "[" * 500 + "]" * 500 + "\n"),
    _case("huge-number", NETWORK.replace("stock: 10", "stock: " + "9" * 400)),
    _case("alias-bomb", "riskmap: 1\n" + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9))),
    _case("custom-tag", NETWORK.replace("name: test", "name: !shell 'rm -rf /'")),
    _case("python-tag", NETWORK.replace("name: test", "name: !!python/name:os.system ''")),
    _case("not-yaml-json-garbage", '{"riskmap": 1, "suppliers": [}'),
    _case("not-yaml-binary", bytes(range(256)) * 4),
    _case("not-yaml-html", "<html><body><h1>riskmap</h1>\n<p>: not: yaml</p></body></html>\n"),
    _case("two-documents", NETWORK + "\n---\nriskmap: 1\n"),
    _case("duplicate-key", NETWORK.replace("  - {id: tw}", "  - {id: tw, id: cn}")),
    _case("nan-capacity", NETWORK.replace("ttr: 10}", "ttr: 10, capacity: .nan}")),
    _case("negative-rate", NETWORK.replace("rate: 1", "rate: -1")),
    _case("version-missing", NETWORK.replace("riskmap: 1\n", "")),
    _case("null-everything", "riskmap: 1\nregions:\nsuppliers:\nparts: ~\nproducts: null\n"
                             "name: 12\nstock: 1\n" + "x: [" * 3 + "]" * 3),
    _case("crlf-and-error", NETWORK.replace("stock: 10", "stock: -10").replace("\n", "\r\n")),
    _case("control-character-key", NETWORK.replace("  - {id: tw}", '  - {"\\r": 0}')),
]


@pytest.mark.parametrize("data", CORPUS)
def test_corpus_case_exits_2_with_a_positioned_message(tmp_path, capsys, data):
    path = tmp_path / "case.yaml"
    path.write_bytes(data)
    started = time.perf_counter()
    code = main(["validate", str(path)])
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    positioned = [m for m in POSITIONED.finditer(err) if m["file"] == str(path)]
    assert positioned, err
    assert all(int(m["line"]) >= 1 and int(m["col"]) >= 1 for m in positioned)
    # one diagnostic per line: characters from the file never break a message over lines
    assert all(POSITIONED.match(line) or line.startswith(("warning", "riskmap"))
               or ": warning: " in line for line in err.splitlines() if line), err
    assert elapsed < 10, f"took {elapsed:.1f} s"  # a generous bound: hostile input must not hang


def test_mistakes_are_reported_where_they_are(tmp_path, capsys):
    path = tmp_path / "case.yaml"
    path.write_bytes(NETWORK.replace("rate: 1", "rate: -1").replace("\n", "\r\n").encode())
    main(["validate", str(path)])
    assert f"{path}:22:20: error: products[0].demand.rate" in capsys.readouterr().err


# --------------------------------------------------------------------------- special files
#
# Every input is read by riskmap.load.document.read_bytes: refused by kind before it is
# opened, and read with a size bound counted on the bytes actually read.

SCENARIO = "riskmap: 1\nnetwork: {network}\nhorizon: 30\n"


def _validate(capsys, *args) -> tuple[int, str]:
    code = main(["validate", *map(str, args)])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return code, err


def test_a_character_device_is_refused_by_kind(tmp_path, capsys):
    # /dev/zero never ends: read whole, it was a MemoryError (exit 3)
    code, err = _validate(capsys, "/dev/zero")
    assert code == 2
    assert "/dev/zero: error: is a character device, not a file" in err
    scenario = tmp_path / "sc.yaml"
    scenario.write_text(SCENARIO.format(network="/dev/zero"))
    code, err = _validate(capsys, scenario)
    assert code == 2
    assert f"{scenario}:2:10: error: network file '/dev/zero' is a character device" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_is_refused_without_opening_it(tmp_path, capsys):
    fifo = tmp_path / "net.yaml"
    os.mkfifo(fifo)
    # Opening a FIFO waits for a writer. Should riskmap open it, this writer lets the read
    # end (the test then fails on the exit code) instead of hanging for ever.
    stop = threading.Event()

    def writer():
        while not stop.wait(2):
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader: riskmap did not open it
                continue
            os.write(fd, b"riskmap: 1\n")
            os.close(fd)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        code, err = _validate(capsys, fifo)
        scenario = tmp_path / "sc.yaml"
        scenario.write_text(SCENARIO.format(network="net.yaml"))
        code2, err2 = _validate(capsys, scenario)
    finally:
        stop.set()
        thread.join()
    assert code == 2 and f"{fifo}: error: is a FIFO (named pipe), not a file" in err
    assert code2 == 2 and f"{scenario}:2:10: error: network file 'net.yaml' is a FIFO" in err2


def test_a_directory_is_refused_by_kind(tmp_path, capsys):
    (tmp_path / "net.yaml").mkdir()
    scenario = tmp_path / "sc.yaml"
    scenario.write_text(SCENARIO.format(network="net.yaml"))
    code, err = _validate(capsys, scenario)
    assert code == 2
    assert f"{scenario}:2:10: error: network file 'net.yaml' is a directory, not a file" in err
    assert main(["map", str(tmp_path / "net.yaml")]) == 2
    assert f"{tmp_path / 'net.yaml'}: error: is a directory, not a file" in capsys.readouterr().err


def test_the_size_bound_counts_the_bytes_read(monkeypatch, capsys):
    # /proc files report a size of 0: a bound on getsize alone never refuses them
    monkeypatch.setattr(document, "MAX_BYTES", 64)
    code, err = _validate(capsys, "/proc/self/status")
    assert code == 2
    assert "/proc/self/status: error: file is larger than 64 bytes" in err
    assert "pass --force" in err


def test_force_lifts_the_size_bound(tmp_path, monkeypatch, capsys):
    path = tmp_path / "n.yaml"
    path.write_text(NETWORK)
    monkeypatch.setattr(document, "MAX_BYTES", 100)
    code, err = _validate(capsys, path)
    assert code == 2 and "the most riskmap reads per file; pass --force" in err
    code, err = _validate(capsys, "--force", path)
    assert code == 0, err
    assert main(["map", "--force", "--json", str(path)]) == 0


def test_an_undecodable_file_name_is_shown_with_escapes(tmp_path, capsys):
    # capsys writes strict UTF-8: printing the name as Python holds it (a surrogate
    # escape) was a UnicodeEncodeError, exit 3
    name = os.fsdecode(b"\xff-net.yaml")
    try:
        (tmp_path / name).write_text(NETWORK + "stok: 1\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses non-UTF-8 names")
    code, err = _validate(capsys, tmp_path / name)
    assert code == 0
    assert f"{tmp_path}/\\xff-net.yaml:" in err and "unknown key 'stok'" in err
    code, err = _validate(capsys, tmp_path / os.fsdecode(b"\xfe-missing.yaml"))
    assert code == 2 and f"{tmp_path}/\\xfe-missing.yaml: error: file not found" in err


def test_an_unreadable_subfolder_is_an_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "ok.yaml").write_text(NETWORK)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "broken.yaml").write_text("riskmap: 1\nsuppliers: 3\n")
    locked.chmod(0)
    real_scandir = os.scandir

    def scandir(path="."):  # root reads any folder: refuse this one as the kernel would
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    try:
        code, err = _validate(capsys, tmp_path)
    finally:
        locked.chmod(0o755)
    assert code == 2
    assert f"{locked}: error: cannot read folder: Permission denied" in err


# --------------------------------------------------------------------------- scenario naming a scenario


def test_a_scenario_naming_itself_is_an_error(tmp_path, capsys):
    scenario = tmp_path / "sc.yaml"
    scenario.write_text(SCENARIO.format(network="sc.yaml"))
    code, err = _validate(capsys, scenario)
    assert code == 2
    assert f"{scenario}:2:10: error: network: 'sc.yaml' is this scenario file itself; name the " \
           "network file" in err


def test_a_scenario_naming_another_scenario_is_an_error(tmp_path, capsys):
    (tmp_path / "net.yaml").write_text(NETWORK)
    (tmp_path / "first.yaml").write_text(SCENARIO.format(network="net.yaml"))
    scenario = tmp_path / "second.yaml"
    scenario.write_text(SCENARIO.format(network="first.yaml"))
    code, err = _validate(capsys, scenario)
    assert code == 2
    assert f"{scenario}:2:10: error: network: 'first.yaml' is a scenario file, not a network" in err
    assert "unknown key" not in err  # the other scenario is not checked as a network


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize("old, new, hint", [
    ("  - {id: s1, region: tw, ttr: 10}", '  - {id: "s1\\n", region: tw, ttr: 10}', "s1"),
    ("  - {id: s1, region: tw, ttr: 10}", '  - {id: " s1", region: tw, ttr: 10}', "s1"),
    ("  - {id: tw}", '  - {id: "tw\\u202e"}', "tw"),
    ("{supplier: s1, lead_time: 3}", '{supplier: "s1\\u200b", lead_time: 3}', "s1"),
    ("{id: s2, region: de,", '{id: s2, region: "de\\t",', "de"),
    ("bom: {cell: 2}", 'bom: {"cell ": 2}', "cell"),
], ids=["trailing-newline", "leading-space", "rtl-override", "zero-width-reference",
        "tab-in-reference", "space-in-bom"])
def test_ids_with_hidden_characters_are_refused(write, capsys, old, new, hint):
    assert old in NETWORK
    path = write("n.yaml", NETWORK.replace(old, new))
    code, err = _validate(capsys, path)
    assert code == 2, err
    line = next(n for n, text in enumerate(NETWORK.splitlines(), 1) if old in text) - 1
    assert re.search(rf"^{re.escape(path)}:{line}:\d+: error: .*: id .* holds .*; did you mean "
                     rf"'{hint}'\? \[value\]$", err, re.M), err


def test_a_disruption_target_with_a_hidden_character_is_refused(scenario_file, capsys):
    text = scenario_file.read_text().replace("{supplier: acme}", '{supplier: "acme\\n"}')
    scenario_file.write_text(text)
    code, err = _validate(capsys, scenario_file)
    assert code == 2
    assert "disruptions[0].target.supplier: id 'acme\\n' holds the invisible character U+000A; " \
           "did you mean 'acme'?" in err


# --------------------------------------------------------------------------- linear time


def _unknown_references(n: int) -> str:
    lines = ["riskmap: 1", "suppliers:"]
    lines += [f"  - {{id: supplier-{i:05d}, ttr: 1}}" for i in range(n)]
    lines += ["parts:"]
    lines += [f"  - {{id: part-{i:05d}, sources: [{{supplier: suplier-{i:05d}}}]}}"
              for i in range(n)]
    return "\n".join(lines) + "\n"


def test_did_you_mean_work_grows_linearly(write, monkeypatch):
    # Each unknown reference compared itself with every id: n**2 fuzzy comparisons
    # (minutes for a few hundred kilobytes). Counted here, not timed.
    compared = []
    real = difflib.SequenceMatcher.set_seq1

    def counting(self, a):
        compared[-1] += 1
        return real(self, a)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", counting)
    for n in (150, 300):
        compared.append(0)
        loaded = check_file(write(f"refs{n}.yaml", _unknown_references(n)))
        assert len(loaded.errors) == n
        assert "did you mean 'supplier-00000'?" in loaded.errors[0].message
    assert compared[1] <= 2.5 * compared[0], compared


def test_validate_prints_at_most_100_diagnostics_per_file(write, capsys):
    path = write("n.yaml", NETWORK + "".join(f"unknown_{i}: 1\n" for i in range(150)))
    code, err = _validate(capsys, path)
    assert code == 0
    assert len([line for line in err.splitlines() if ": warning: " in line]) == 100
    assert f"riskmap validate: {path}: ... and 50 more diagnostic(s) not shown" in err
    assert "0 error(s), 150 warning(s)" in err


# --------------------------------------------------------------------------- report.json


@pytest.fixture
def report_content():
    from riskmap.report.json import dumps
    from tests.test_report_support import synthetic_report

    return json.loads(dumps(synthetic_report(["lamp", "desk"])))


def _report(tmp_path, capsys, text: str | bytes) -> tuple[int, str, str]:
    path = tmp_path / "report.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code = main(["report", str(path), "--out", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return code, err, str(path)


def test_deeply_nested_json_is_bad_input(tmp_path, capsys):
    code, err, path = _report(tmp_path, capsys, "[" * 100_000 + "]" * 100_000)
    assert code == 2
    assert err.startswith(f"{path}: error: values are nested too deeply"), err


def _set(data: dict, where: str, value):
    *parents, last = where.split(".")
    for key in parents:
        data = data[key]
    if value is _DELETE:
        del data[last]
    else:
        data[last] = value


_DELETE = object()


@pytest.mark.parametrize("where, value, message", [
    ("products.lamp.fill_rate.mean", "high", "expected a number or null, got the string 'high'"),
    ("products.lamp.fill_rate", "0.9", "expected an estimate object"),
    ("products.lamp.fill_rate.mean", _DELETE, "expected an estimate object"),
    ("products.lamp", [], "expected an object, got a list"),
    ("products.lamp.fill_rate.ci95", [0.1], "expected [low, high]"),
    ("suppliers.s1.tts", "long", "expected a number or null, got the string 'long'"),
    ("scenario.horizon", "60", "expected a number or null, got the string '60'"),
    ("scenario.seed", 1.5, "expected a whole number or null, got the number 1.5"),
    ("network", [], "expected an object, got a list"),
    ("series.times", {"a": 1}, "expected a list, got an object"),
    ("alternates", {"a": 1}, "expected a list, got an object"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_wrongly_typed_report_json_names_the_json_path(tmp_path, capsys, report_content,
                                                       where, value, message):
    if where.startswith("suppliers."):
        where = where.replace("s1", next(iter(report_content["suppliers"])))
    _set(report_content, where, value)
    code, err, path = _report(tmp_path, capsys, json.dumps(report_content))
    assert code == 2
    shown = where.rsplit(".", 1)[0] if value is _DELETE else where
    assert err.startswith(f"{path}: error: {shown}: {message}"), err
    assert not (tmp_path / "out" / "report.html").exists()


@pytest.mark.parametrize("text, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not valid UTF-8 text"),
    (b"riskmap: 1\n", "not valid JSON"),
    (b"[1, 2, 3]", "expected a JSON object"),
], ids=["binary", "yaml", "a-list"])
def test_a_file_that_is_not_a_report_is_bad_input(tmp_path, capsys, text, message):
    code, err, path = _report(tmp_path, capsys, text)
    assert code == 2 and err.startswith(path) and message in err, err


def test_a_huge_report_json_is_refused_unless_forced(tmp_path, monkeypatch, capsys,
                                                     report_content):
    monkeypatch.setattr(document, "MAX_BYTES", 1000)
    code, err, path = _report(tmp_path, capsys, json.dumps(report_content))
    assert code == 2 and "pass --force" in err
    assert main(["report", path, "--out", str(tmp_path / "out"), "-q", "--force"]) == 0
    for device in ("/dev/zero",):
        assert main(["report", device, "--out", str(tmp_path / "out")]) == 2
        assert "is a character device, not a file" in capsys.readouterr().err


def _node_shape(node):
    """A node tree as plain tuples: tag, position, value; for comparing two composers."""
    if node is None:
        return None
    where = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return where + (node.value,)
    if isinstance(node, yaml.SequenceNode):
        return where + (tuple(_node_shape(n) for n in node.value),)
    return where + (tuple((_node_shape(k), _node_shape(v)) for k, v in node.value),)


@pytest.mark.skipif(document._CParser is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("name", sorted(glob.glob(os.path.join(SCENARIOS, "**", "*.yaml"),
                                                  recursive=True)) + ["anchors", "network"])
def test_the_fast_composer_gives_pyyaml_nodes(name):
    # libyaml's events composed by riskmap must give the very nodes (tags, positions) that
    # PyYAML's own composer gives, or validation would depend on which parser ran
    text = {"anchors": "riskmap: 1\na: &x {k: [1, 2.5, '007', 1e6, ~, yes, 2020-01-01]}\nb: *x\n",
            "network": NETWORK}.get(name)
    if text is None:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    fast = document._compose_events(document._CParser(text))
    assert _node_shape(fast) == _node_shape(yaml.compose(text, Loader=document._SafeLoader))


@pytest.mark.skipif(document._CParser is None, reason="PyYAML without libyaml")
def test_the_fast_composer_agrees_with_pyyaml_on_mutated_files():
    # Random edits of valid files (YAML punctuation, quotes, tabs, line separators...):
    # whatever riskmap composes must be what PyYAML composes, or PyYAML must be the one
    # reading it (then riskmap's messages are PyYAML's)
    rng = random.Random(7)
    alphabet = list(":-[]{},&*!|>'\"#\n \t?%@`\\1\u00e9\u2028\r")
    with open(os.path.join(SCENARIOS, "tutorial.yaml"), encoding="utf-8") as handle:
        texts = [NETWORK, handle.read()]
    for _ in range(300):
        chars = list(rng.choice(texts))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars))
            chars[at:at + rng.randint(0, 1)] = [rng.choice(alphabet)] * rng.randint(0, 1)
        text = "".join(chars)
        try:
            expected = _node_shape(yaml.compose(text, Loader=document._SafeLoader))
        except (yaml.YAMLError, document._TooDeep):
            expected = "error"
        try:
            got = _node_shape(document._compose(text))
        except (yaml.YAMLError, document._TooDeep):
            got = "error"
        assert got == expected, text


@pytest.mark.parametrize("bad, message", [
    ("x", "expected a number, got the string 'x'"),
    (True, "expected a number, got true"),
    (None, "expected a number, got null"),
], ids=["string", "boolean", "null"])
def test_a_bad_value_in_a_long_number_list_is_named_by_its_index(tmp_path, capsys,
                                                                 report_content, bad, message):
    """Lists of numbers are checked at once, but a bad one is still named where it is."""
    times = report_content["series"]["times"]
    assert len(times) > 3
    times[3] = bad
    code, err, path = _report(tmp_path, capsys, json.dumps(report_content))
    assert code == 2
    assert err.startswith(f"{path}: error: series.times[3]: {message}"), err
