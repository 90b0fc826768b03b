"""Planners' tables to a network and back: ``riskmap import`` and ``riskmap export``.

>>> from riskmap.tables import import_tables          # doctest: +SKIP
>>> network = import_tables("scenarios/import/ebike.xlsx").network   # doctest: +SKIP

:mod:`riskmap.tables.importer` reads a CSV folder or an ``.xlsx`` workbook into a checked
:class:`~riskmap.model.Network`; :mod:`riskmap.tables.export` writes a network's tables
(docs/import.md).
"""

from riskmap.tables.export import network_tables
from riskmap.tables.importer import Imported, import_tables

__all__ = ["Imported", "import_tables", "network_tables"]
