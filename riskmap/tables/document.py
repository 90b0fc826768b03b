"""The assembled network as a document whose positions are table cells.

The network file's checks (:mod:`riskmap.load.checker`, :mod:`riskmap.load.rules`,
:mod:`riskmap.load.references`, :mod:`riskmap.load.consistency`) read a
:class:`~riskmap.load.document.Document`: values, and the position of each value by
its key path. :class:`TableDocument` is such a document for a network assembled from
tables: the position of ``parts[3].sources[0].lead_time`` is the ``lanes`` cell it was
read from, so every problem those checks find is reported at the cell that caused it.

Their messages start with the key path (``parts[3].stock: expected ...``), which means
nothing to a planner who wrote a table; :class:`TableChecker` names the column instead
(``stock: expected ...``), the position already saying which row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from riskmap.errors import Pos
from riskmap.load.checker import Checker
from riskmap.load.document import Document, Path


@dataclass
class TableDocument(Document):
    """A :class:`Document` whose positions are cells, and a column label for each path."""

    labels: dict[Path, str] = field(default_factory=dict)
    line_word = "row"

    def place(self, path: Path, pos: Pos, label: str, key_pos: Pos | None = None) -> None:
        """Record that the value at ``path`` comes from the cell at ``pos`` (column ``label``).

        ``key_pos``, for a mapping key read from a cell of its own (a bill of materials'
        component), is where a message about the key points.
        """
        self.positions[path] = pos
        self.labels[path] = label
        if key_pos is not None:
            self.key_positions[path] = key_pos

    def label(self, path: Path) -> str:
        """The column (or row) a path was read from, with what lies below it: ``lead_time.max``."""
        path = tuple(path)
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.labels:
                rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[cut:])
                return self.labels[path[:cut]] + rest
        return "the tables"


class TableChecker(Checker):
    """The network file's checker, naming table columns instead of key paths in messages."""

    def where(self, path: Path) -> str:
        doc = self.doc
        if isinstance(doc, TableDocument):
            return doc.label(path)
        return super().where(path)
