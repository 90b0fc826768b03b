"""The examples in riskmap's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import riskmap

MODULES = sorted(name for _, name, _ in pkgutil.walk_packages(riskmap.__path__, "riskmap.")
                 if not name.endswith("__main__"))


@pytest.mark.hand
@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
