"""riskmap: supply chain risk mapping and Monte Carlo simulation of backorders.

The public entry points are re-exported lazily so that ``riskmap --help`` and
``import riskmap`` stay fast: numpy, networkx and scipy load only when used.

>>> import riskmap
>>> riskmap.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "load_network": "riskmap.load",
    "load_scenario": "riskmap.load",
    "load_file": "riskmap.load",
    "build_graph": "riskmap.graph",
    "risk_map": "riskmap.analysis.risk_map",
    "RiskmapError": "riskmap.errors",
    "InputError": "riskmap.errors",
    "ConsistencyError": "riskmap.errors",
    "SimulationError": "riskmap.errors",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'riskmap' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
