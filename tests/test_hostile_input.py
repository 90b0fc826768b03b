"""A corpus of real-world mistakes and hostile files: each exits 2 with a positioned message.

Every case goes through the command line (``main(["validate", ...])``) and must give exit code
2, at least one ``FILE:LINE:COL: error:`` line, and no traceback, in bounded time.
"""

from __future__ import annotations

import re
import time

import pytest

from riskmap.cli.main import main
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
