"""The schema tables: the reference docs are generated from them and kept in step."""

from __future__ import annotations

import os

import pytest

from riskmap import dists
from riskmap.load.schema import ENTITIES, KINDS, reference_markdown
from tests.conftest import ROOT

pytestmark = pytest.mark.golden


def test_reference_doc_is_generated_from_the_tables():
    with open(os.path.join(ROOT, "docs", "reference.md"), encoding="utf-8") as handle:
        on_disk = handle.read()
    assert on_disk == reference_markdown(), (
        "docs/reference.md is stale: run `python -m riskmap.load.schema > docs/reference.md`")


def test_every_field_kind_has_a_checker():
    for fields in ENTITIES.values():
        for f in fields:
            assert f.kind.partition(":")[0] in KINDS, f


def test_every_spec_key_is_documented():
    doc = reference_markdown()
    for key in ("capacity", "ttr", "depends_on", "cover", "alternate", "activation_delay",
                "lead_time", "share", "unit_cost", "review_period", "patience", "substitutes",
                "acceptance", "horizon", "warmup", "replications", "seed", "alternates",
                "lead_time_factor", "capacity_factor", "factor", "probability", "rate"):
        assert f"| `{key}` |" in doc, key
    for name in dists.DISTRIBUTIONS:
        assert f"| `{name}` |" in doc
