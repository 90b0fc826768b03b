"""Loading network and scenario files: YAML with positions, the schema, checks, the model.

>>> from riskmap.load import load_scenario          # doctest: +SKIP
"""

from riskmap.load.pipeline import Loaded, check_file, load_file, load_network, load_scenario

__all__ = ["Loaded", "check_file", "load_file", "load_network", "load_scenario"]
