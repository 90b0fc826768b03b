"""``riskmap report REPORT_JSON [--out DIR]``: render again from a saved report.json."""

from __future__ import annotations

import json

import pytest

from riskmap.cli.main import main
from riskmap.report.json import dumps
from tests.test_report_support import synthetic_report

pytestmark = pytest.mark.cli


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "run" / "report.json"
    path.parent.mkdir()
    path.write_text(dumps(synthetic_report(["lamp", "desk"])), encoding="utf-8")
    return path


def test_renders_next_to_the_json_by_default(saved, capsys):
    assert main(["report", str(saved)]) == 0
    folder = saved.parent
    assert (folder / "report.md").is_file() and (folder / "report.html").is_file()
    assert (folder / "report-figures" / "risk-map.svg").is_file()
    assert "wrote" in capsys.readouterr().err


def test_out_directory_and_byte_identical_output(saved, tmp_path):
    assert main(["report", str(saved), "--out", str(tmp_path / "a"), "-q"]) == 0
    assert main(["report", str(saved), "--out", str(tmp_path / "b"), "-q"]) == 0
    for name in ("report.md", "report.html", "report-figures/tts-ttr.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_stale_figures_are_removed(saved, tmp_path):
    out = tmp_path / "out"
    (out / "report-figures").mkdir(parents=True)
    (out / "report-figures" / "fan-09-gone.svg").write_text("<svg/>")
    assert main(["report", str(saved), "--out", str(out), "-q"]) == 0
    assert not (out / "report-figures" / "fan-09-gone.svg").exists()


def test_missing_file_is_bad_input(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope.json")]) == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'nope.json'}: error: no such file"


def test_invalid_json_points_at_the_position(tmp_path, capsys):
    bad = tmp_path / "report.json"
    bad.write_text('{\n  "format": 1,\n  oops\n}\n')
    assert main(["report", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}:3:3: error: not valid JSON")
    assert "Traceback" not in err


def test_not_a_report_is_bad_input(tmp_path, capsys):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": 7, "products": []}))
    assert main(["report", str(other)]) == 2
    err = capsys.readouterr().err
    assert "format: expected one of [1], got 7" in err
    assert "scenario: missing or not an object" in err
    assert "products: missing or not an object" in err
    assert not (tmp_path / "report.html").exists()
