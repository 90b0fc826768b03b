"""``riskmap import``'s work: a planner's tables to a checked network and its file text.

1. :func:`riskmap.tables.source.read_source` reads the CSV folder or workbook into
   positioned cells;
2. :func:`riskmap.tables.assemble.assemble` assembles the network mapping, checking what
   only tables can get wrong, and makes each product's demand from its sales lines;
3. the network file's own checks judge the mapping
   (:func:`riskmap.load.pipeline.check_network_document`), each problem at its cell;
4. the built :class:`~riskmap.model.Network` is written back as a network file
   (:func:`riskmap.load.dump.network_text`).

Every problem of every stage is gathered; any error raises one
:class:`~riskmap.errors.InputError` holding them all.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from riskmap.errors import Collector, Diagnostic, sorted_diagnostics
from riskmap.gcpause import paused
from riskmap.load.dump import network_text
from riskmap.load.pipeline import check_network_document
from riskmap.model import Network
from riskmap.tables.assemble import assemble
from riskmap.tables.columns import TABLES
from riskmap.history.demand import DemandFit
from riskmap.tables.document import TableChecker, TableDocument
from riskmap.tables.source import read_source


@dataclass(frozen=True)
class Imported:
    """A network read from tables, the warnings met on the way, and the demand made of sales."""

    network: Network
    warnings: tuple[Diagnostic, ...] = ()
    demands: dict[str, DemandFit] = field(default_factory=dict)

    def text(self, source_name: str) -> str:
        """The network file, with a comment naming the source (its base name, so it is stable)."""
        return network_text(self.network, f"Written by riskmap import from {source_name}; edit "
                                          "the tables and import them again rather than this "
                                          "file.")


def import_tables(path: str, *, force: bool = False) -> Imported:
    """Read the tables of ``path`` (a CSV folder or a ``.xlsx`` workbook) into a network.

    Raises
    ------
    InputError
        Holding every error and warning, in table order, when any is an error.
    """
    # As in riskmap.load.pipeline.check_file: the cells, positions and values stay alive to
    # the end, and the cyclic collector re-scanning them would make reading superlinear.
    with paused():
        return _import_tables(path, force)


def _import_tables(path: str, force: bool) -> Imported:
    out = Collector()
    source = read_source(path, tuple(TABLES), out, force=force)
    assembled = assemble(source, out)
    # checked even after a problem of the tables themselves, so that every problem is
    # reported in one run (a row left out for its own problem is simply absent)
    checked = Collector()
    network = check_network_document(assembled.doc, checked, TableChecker)
    out.extend(checked.diagnostics)
    if checked.errors:
        out.extend(references_despite(assembled.doc, checked.errors))
    out.raise_if_errors()
    assert network is not None
    return Imported(network, tuple(sorted_diagnostics(out.warnings)), assembled.demands)


#: The checks of references across tables (riskmap.load.references).
REFERENCE_CHECKS = ("unknown-reference", "duplicate-id", "cycle")
#: Rounds of :func:`references_despite`: each leaves out the values found bad in the last.
ROUNDS = 3


def references_despite(doc: TableDocument, errors: list[Diagnostic]) -> list[Diagnostic]:
    """The reference problems (unknown supplier, duplicate id...) hidden behind value errors.

    The network file's checks look at references only once every value is well typed, so a
    bad number in ``items`` would hide an unknown supplier in ``lanes`` until it is fixed.
    A planner fixing a table wants both at once: the values found bad are left out of a
    copy of the network (each a key of its entity, the cell it came from) and the copy is
    checked again, for its reference problems alone. A bad value that is a whole entry
    (not a key of one) ends the search: leaving it out would shift the others.
    """
    found: list[Diagnostic] = []
    shown = {d.format() for d in errors}
    value = copy.deepcopy(doc.value)
    by_pos: dict = {}
    for path, pos in doc.positions.items():
        if path and isinstance(path[-1], str):
            by_pos.setdefault(pos, []).append(path)
    for _ in range(ROUNDS):
        bad = [path for d in errors for path in by_pos.get(d.pos, ())]
        if not bad or not all(_drop(value, path) for path in sorted(bad, key=len, reverse=True)):
            break
        again = Collector()
        trial = TableDocument(doc.file, value, doc.positions, doc.key_positions, doc.raw,
                              labels=doc.labels)
        check_network_document(trial, again, TableChecker)
        for d in again.errors:
            if d.check in REFERENCE_CHECKS and d.format() not in shown:
                shown.add(d.format())
                found.append(d)
        errors = [d for d in again.errors if d.check not in REFERENCE_CHECKS]
        if not errors:
            break
    return found


def _drop(value: Any, path: tuple) -> bool:
    """Remove the key at ``path`` from ``value`` (True), or say that it is not there (False)."""
    for part in path[:-1]:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(value, dict):
        value.pop(path[-1], None)
        return True
    return False


__all__ = ["Imported", "import_tables", "references_despite"]
