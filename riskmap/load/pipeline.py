"""Loading network and scenario files: parse, check, build.

>>> from riskmap.load import load_scenario          # doctest: +SKIP
>>> scenario = load_scenario("scenarios/supplier-outage.yaml")   # doctest: +SKIP

The stages report *every* problem of a file in one pass; :func:`check_file` returns them,
the ``load_*`` functions raise :class:`~riskmap.errors.InputError` when any is an error.

1. :mod:`riskmap.load.document` parses the YAML, keeping every value's position;
2. :mod:`riskmap.load.checker` applies the tables of :mod:`riskmap.load.schema` and the rules
   of :mod:`riskmap.load.rules`, giving cleaned values;
3. :mod:`riskmap.load.references` checks ids and references across entities;
4. :mod:`riskmap.load.build` makes the model objects, and :mod:`riskmap.load.consistency`
   warns about fragile networks.

A scenario's network is loaded first, on its own (a file) or inline; the scenario's
reference checks then read the built :class:`~riskmap.model.Network`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Union

from riskmap.errors import (ERROR, Collector, ConsistencyError, Diagnostic, InputError, Pos,
                            display_path, sorted_diagnostics)
from riskmap.gcpause import paused
from riskmap.load import build, consistency, references
from riskmap.load.checker import Checker
from riskmap.load.document import Document, not_a_file, parse, read_text
from riskmap.load.schema import FORMAT_VERSION
from riskmap.model import Network, Scenario

Model = Union[Network, Scenario]

#: Keys that only a scenario has; a file with any of them is read as a scenario.
SCENARIO_KEYS = ("network", "horizon", "disruptions", "expect", "replications")


@dataclass(frozen=True)
class Loaded:
    """The result of checking one file: the model (None if any error) and every diagnostic."""

    model: Optional[Model]
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]  # the file and, for a scenario, its network file
    kind: Optional[str] = None  # what the file reads as by its keys: "network" or "scenario"

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]


def check_file(path: str, *, kind: Optional[str] = None, strict: bool = False,
               force: bool = False) -> Loaded:
    """Check a network or scenario file; never raises for bad input.

    Parameters
    ----------
    path : str
        The file, as the user named it (messages use this spelling).
    kind : {"network", "scenario", None}
        What the file must be; ``None`` decides from its keys.
    strict : bool
        Promote warnings (unknown keys, consistency checks) to errors.
    force : bool
        Read files larger than :data:`~riskmap.load.document.MAX_BYTES` (``--force``).
    """
    # Checking allocates millions of small objects that stay alive until the end (nodes,
    # positions, cleaned values): the cyclic collector would re-scan them all, again and
    # again, which made checking superlinear in the file size (docs/performance.md).
    with paused():
        return _check_file(path, kind, strict, force)


def _check_file(path: str, kind: Optional[str], strict: bool, force: bool) -> Loaded:
    out = Collector()
    files = [path]
    built: Optional[Model] = None
    looks: Optional[str] = None
    try:
        doc = parse(read_text(path, force=force), path)
        root = _root(doc, out)
        if root is not None:
            looks = "scenario" if any(k in root for k in SCENARIO_KEYS) else "network"
            file_kind = kind or looks
            if file_kind == "scenario":
                built = _scenario(doc, root, out, files, force)
            else:
                built = _network(doc, doc.value, (), "network", out)
    except InputError as exc:
        out.extend(exc.diagnostics)
    diagnostics = out.diagnostics
    if strict:
        diagnostics = [d.as_error() for d in diagnostics]
    ordered = tuple(sorted_diagnostics(diagnostics))
    has_errors = any(d.severity == ERROR for d in ordered)
    return Loaded(None if has_errors else built, ordered, tuple(files), looks)


def _root(doc: Document, out: Collector) -> Optional[dict]:
    """The root mapping, once the format version is known to be supported; else None."""
    start = Pos(doc.file, 1, 1)
    if doc.value is None:
        out.error(start, "the file is empty; a riskmap file starts with 'riskmap: 1'", "format")
        return None
    if not isinstance(doc.value, dict):
        out.error(doc.pos(()), "the file must be a mapping of keys (riskmap:, name:, ...), "
                               f"not a {type(doc.value).__name__}", "format")
        return None
    version = doc.value.get("riskmap")
    if "riskmap" not in doc.value:
        out.error(start, "missing format version: add 'riskmap: 1' as the first line", "format")
        return None
    if version != FORMAT_VERSION or isinstance(version, bool):
        out.error(doc.pos(("riskmap",)), f"unsupported format version {version!r}; this riskmap "
                                         f"reads 'riskmap: {FORMAT_VERSION}'", "format")
        return None
    return doc.value


def _default_name(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def check_network_document(doc: Document, out: Collector,
                           checker: type[Checker] = Checker) -> Optional[Network]:
    """Check and build the network that is the whole of ``doc``, as a network file is.

    For documents made other than by parsing a file (the tables of ``riskmap import``,
    :mod:`riskmap.tables.importer`): every problem goes to ``out`` at the position
    ``doc`` gives its path; ``checker`` may word the key paths of messages its own way.
    Returns ``None`` when any problem is an error.
    """
    return _network(doc, doc.value, (), "network", out, checker)


def _network(doc: Document, value: dict, root: tuple, table: str, out: Collector,
             checker_class: type[Checker] = Checker) -> Optional[Network]:
    """Check and build a network at ``root`` of ``doc`` (the whole file, or inline)."""
    checker = checker_class(doc, out)
    cleaned = checker.entity(table, value, root)
    if cleaned is None:
        # Reference checks on a half-valid network would only add noise; the type errors
        # already say what to fix first.
        return None
    references.check_network(doc, cleaned, out)
    if out.errors:
        return None
    network = build.network(doc, cleaned, _default_name(doc.file), out)
    if out.errors:
        return None
    out.extend(consistency.check_network(network))
    return network


def _scenario(doc: Document, root: dict, out: Collector, files: list[str],
              force: bool = False) -> Optional[Scenario]:
    checker = Checker(doc, out)
    cleaned = checker.entity("scenario", root, ())
    if cleaned is None:
        if isinstance(root.get("network"), dict):
            _network(doc, root["network"], ("network",), "inline_network", out)
        return None
    net_value = cleaned["network"]
    net_out = Collector()
    if isinstance(net_value, dict):
        network = _network(doc, net_value, ("network",), "inline_network", net_out)
    else:
        net_path = os.path.normpath(os.path.join(os.path.dirname(doc.file), net_value))
        files.append(net_path)
        problem = _network_file_problem(doc.file, net_value, net_path)
        if problem:
            out.error(doc.pos(("network",)), *problem)
            return None
        loaded = check_file(net_path, kind="network", force=force)
        if loaded.kind == "scenario":
            # read as a network, a scenario only gives unknown-key warnings and no products
            out.error(doc.pos(("network",)), f"network: {net_value!r} is a scenario file, not a "
                                             "network; name the network file that scenario runs "
                                             "on (its own 'network:' value)", "value")
            return None
        net_out.extend(loaded.diagnostics)
        network = loaded.model
    out.extend(net_out.diagnostics)
    references.check_scenario(doc, cleaned, network, out)
    if network is None or out.errors:
        return None
    return build.scenario(doc, cleaned, network, _default_name(doc.file))


def _network_file_problem(scenario_file: str, written: str, net_path: str
                          ) -> Optional[tuple[str, str]]:
    """Why a scenario's ``network:`` path cannot be its network file (message, check), or None."""
    where = f"looked for {display_path(net_path)}, relative to this scenario"
    try:
        mode = os.stat(net_path).st_mode
    except OSError:
        return f"network file {written!r} not found ({where})", "missing-file"
    kind = not_a_file(mode)
    if kind is not None:
        return f"network file {written!r} is {kind}, not a file ({where})", "missing-file"
    if _same_file(scenario_file, net_path):
        return (f"network: {written!r} is this scenario file itself; name the network file the "
                "scenario runs on, or write the network inline under 'network:'", "value")
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normpath(a) == os.path.normpath(b)


def _raise(loaded: Loaded, strict: bool) -> Model:
    if loaded.errors:
        cls = ConsistencyError if strict and all(
            d.check in consistency.CHECKS for d in loaded.errors) else InputError
        raise cls(list(loaded.diagnostics))
    assert loaded.model is not None
    return loaded.model


def load_file(path: str, *, strict: bool = False, force: bool = False) -> Model:
    """Load a network or a scenario file (decided by its keys).

    Raises
    ------
    InputError
        With every diagnostic of the file, when any is an error.
    """
    return _raise(check_file(path, strict=strict, force=force), strict)


def load_network(path: str, *, strict: bool = False, force: bool = False) -> Network:
    """Load a network file; raises :class:`~riskmap.errors.InputError` on bad input.

    ``force`` reads files larger than :data:`~riskmap.load.document.MAX_BYTES`.
    """
    return _raise(check_file(path, kind="network", strict=strict, force=force), strict)


def load_scenario(path: str, *, strict: bool = False, force: bool = False) -> Scenario:
    """Load a scenario file and its network; raises :class:`~riskmap.errors.InputError`.

    ``force`` reads files larger than :data:`~riskmap.load.document.MAX_BYTES`.
    """
    return _raise(check_file(path, kind="scenario", strict=strict, force=force), strict)


__all__ = ["Loaded", "check_file", "check_network_document", "load_file", "load_network", "load_scenario"]
