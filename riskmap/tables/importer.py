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

from dataclasses import dataclass, field

from riskmap.errors import Collector, Diagnostic, InputError, sorted_diagnostics
from riskmap.load.dump import network_text
from riskmap.load.pipeline import check_network_document
from riskmap.model import Network
from riskmap.tables.assemble import assemble
from riskmap.tables.columns import TABLES
from riskmap.tables.demand import SalesDemand
from riskmap.tables.document import TableChecker
from riskmap.tables.source import read_source


@dataclass(frozen=True)
class Imported:
    """A network read from tables, the warnings met on the way, and the demand made of sales."""

    network: Network
    warnings: tuple[Diagnostic, ...] = ()
    demands: dict[str, SalesDemand] = field(default_factory=dict)

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
    out = Collector()
    source = read_source(path, tuple(TABLES), out, force=force)
    assembled = assemble(source, out)
    # checked even after a problem of the tables themselves, so that every problem is
    # reported in one run (a row left out for its own problem is simply absent)
    network = check_network_document(assembled.doc, out, TableChecker)
    out.raise_if_errors()
    assert network is not None
    return Imported(network, tuple(sorted_diagnostics(out.warnings)), assembled.demands)


__all__ = ["Imported", "InputError", "import_tables"]
