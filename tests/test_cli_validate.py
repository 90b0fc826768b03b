"""The command line: exit codes, message format, no tracebacks, lazy imports."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from riskmap.cli import main as cli_main
from riskmap.cli.main import main
from tests.test_validate import NETWORK

pytestmark = pytest.mark.cli

DIAGNOSTIC = re.compile(r"^.+?(:\d+:\d+)?: (error|warning): .+$")


def test_validate_valid_file_exits_0(write, capsys):
    path = write("n.yaml", NETWORK)
    assert main(["validate", path]) == 0
    err = capsys.readouterr().err
    assert "1 file checked, valid: 0 error(s)" in err


def test_validate_invalid_file_exits_2_with_positions(write, capsys):
    path = write("n.yaml", NETWORK.replace("stock: 10", "stock: -3"))
    assert main(["validate", path]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith(f"{path}:11:12: error: parts[0].stock")
    assert all(DIAGNOSTIC.match(line) for line in lines[:-1])


def test_validate_strict_turns_warnings_into_errors(write, capsys):
    path = write("n.yaml", NETWORK.replace("lead_time: 1}", "lead_time: 1}\n    extra: 1"))
    assert main(["validate", path]) == 0
    assert main(["validate", "--strict", path]) == 2


def test_validate_folder_in_sorted_order(write, capsys, tmp_path):
    write("b.yaml", "riskmap: 2\n")
    write("a.yaml", "riskmap: 3\n")
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.index("a.yaml") < err.index("b.yaml")


def test_missing_file_exits_2(capsys):
    assert main(["validate", "no/such/file.yaml"]) == 2
    assert "no/such/file.yaml: error: file not found" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().err


def test_unexpected_error_is_one_line_and_exit_3(write, capsys, monkeypatch):
    import riskmap.cli.validate as validate

    def boom(args):
        raise RuntimeError("kaput")

    monkeypatch.setattr(validate, "run", boom)
    assert main(["validate", write("n.yaml", NETWORK)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: kaput" in err


def test_help_does_not_import_heavy_modules():
    code = ("import sys; from riskmap.cli.main import main; rc = main(['--help']); "
            "heavy = [m for m in ('numpy', 'scipy', 'networkx', 'simpy', 'matplotlib', 'yaml') "
            "if m in sys.modules]; print(heavy); sys.exit(rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_installed_command(write):
    path = write("n.yaml", NETWORK.replace("ttr: 5", "ttr: -5"))
    proc = subprocess.run(["riskmap", "validate", path], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{path}:8:" in proc.stderr


def test_every_listed_command_has_a_module():
    assert set(cli_main.available_commands()) <= set(cli_main.COMMANDS)
    assert "validate" in cli_main.available_commands()
