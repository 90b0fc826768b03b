"""Command-line paths: files and folders as the user named them."""

from __future__ import annotations

import os

from riskmap.errors import Diagnostic, InputError, Pos

YAML_SUFFIXES = (".yaml", ".yml")


def expand_inputs(names: list[str]) -> list[str]:
    """Files as given, and for each folder its ``*.yaml``/``*.yml`` files, in sorted order.

    A missing path raises :class:`InputError` naming it.
    """
    out: list[str] = []
    missing = []
    for name in names:
        if os.path.isdir(name):
            found = []
            for folder, dirs, files in os.walk(name):
                dirs.sort()
                found.extend(os.path.join(folder, f) for f in files
                             if f.endswith(YAML_SUFFIXES))
            out.extend(sorted(found))
        elif os.path.exists(name):
            out.append(name)
        else:
            missing.append(Diagnostic(Pos(name), "file not found"))
    if missing:
        raise InputError(missing)
    return out
