"""The pre-commit hooks offered in .pre-commit-hooks.yaml."""

from __future__ import annotations

import os
import re
import shlex

import pytest
import yaml

from riskmap.cli.main import COMMANDS, main
from tests.conftest import ROOT, SCENARIOS

pytestmark = pytest.mark.cli

HOOKS = os.path.join(ROOT, ".pre-commit-hooks.yaml")


def hooks() -> list[dict]:
    with open(HOOKS, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_hooks_have_the_keys_pre_commit_requires():
    entries = hooks()
    assert [h["id"] for h in entries] == ["riskmap-validate", "riskmap-validate-strict"]
    for hook in entries:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        program, command, *_ = shlex.split(hook["entry"])
        assert program == "riskmap" and command in COMMANDS


def test_hook_files_pattern_takes_riskmap_folders_only():
    pattern = re.compile(hooks()[0]["files"])
    bundled = [os.path.relpath(os.path.join(folder, name), ROOT)
               for folder, _, names in os.walk(SCENARIOS) for name in names
               if name.endswith(".yaml")]
    assert bundled and all(pattern.search(path) for path in bundled)
    for other in (".github/workflows/ci.yml", ".pre-commit-hooks.yaml", "docs/x.yaml"):
        assert not pattern.search(other)


def test_hook_entries_validate_the_files_pre_commit_passes(write, capsys):
    # pre-commit appends the matching file names to the entry
    good = write("networks/good.yaml", "riskmap: 1\nname: n\nsuppliers: [{id: s, ttr: 5}]\n")
    warned = write("networks/warned.yaml", "riskmap: 1\nname: n\nsuppliers: [{id: s}]\n")
    bad = write("scenarios/bad.yaml", "riskmap: 1\nname: n\nhorizon: -1\nnetwork: x.yaml\n")
    lenient, strict = (shlex.split(hook["entry"])[1:] for hook in hooks())
    assert main(lenient + [good, warned]) == 0
    assert main(lenient + [good, bad]) == 2
    assert main(strict + [good]) == 0
    assert main(strict + [warned]) == 2
    assert f"{bad}:3:10: error: horizon" in capsys.readouterr().err
