"""Output-path faults: an ``OSError`` met while writing, as bad input that names the fix.

A file system refusing a write is not a bug of riskmap: the folder is a file,
the user may not write there, the disk is full. :func:`output_error` turns
the error into an :class:`~riskmap.errors.InputError` (exit 2) positioned at
the path concerned, and :func:`output_faults` does so for a block::

    with output_faults(out_dir, "--out"):
        out_dir.mkdir(parents=True, exist_ok=True)

Every command writes through these, so the messages are the same everywhere
(docs/reliability.md, "Output paths").
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import Iterator, Optional, Union

from riskmap.errors import Diagnostic, InputError, Pos

#: errors of a full device (ENOSPC) or an exhausted quota (EDQUOT, where the platform has it).
NO_SPACE = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None))
                     if code is not None)
#: longest path shown in a message; longer ones are cut in the middle.
SHOWN = 120

PathLike = Union[str, os.PathLike]


def shown(path: PathLike) -> str:
    """``path`` as a message shows it: cut in the middle when very long.

    >>> shown("a" * 200)[:5], len(shown("a" * 200))
    ('aaaaa', 121)
    """
    text = str(path)
    if len(text) <= SHOWN:
        return text
    half = SHOWN // 2
    return f"{text[:half]}…{text[-half:]}"


def output_error(exc: OSError, path: PathLike, option: str = "--out") -> InputError:
    """The :class:`InputError` of ``exc``, met while writing ``path`` (given as ``option``).

    Parameters
    ----------
    exc : OSError
        What the file system said.
    path : str or Path
        The folder or file the user named (``--out DIR``, ``--junit FILE``...).
    option : str
        The option that named it, for the fix (``"--out"``).

    Examples
    --------
    >>> error = output_error(OSError(errno.ENOSPC, "No space left on device"), "out")
    >>> print(error.diagnostics[0].format())  # doctest: +ELLIPSIS
    out: error: no space left on the device holding out; nothing was written...
    """
    code = exc.errno
    where = shown(path)
    if code in NO_SPACE:
        what = ("no space left" if code == errno.ENOSPC else "disk quota exceeded")
        message = (f"{what} on the device holding {where}; nothing was written (files "
                   f"already there are as they were); free some space and run again")
    elif code in (errno.EACCES, errno.EPERM):
        message = (f"permission denied writing {shown(exc.filename or path)}; "
                   f"choose a folder you can write to with {option}")
    elif code == errno.EROFS:
        message = f"{where} is on a read-only file system; choose another {option}"
    elif code == errno.ENAMETOOLONG:
        message = (f"a name in {option} {where} is too long for the file system; "
                   f"choose a shorter {option}")
    elif code in (errno.EEXIST, errno.ENOTDIR):
        blocking = file_in_the_way(Path(path)) or Path(exc.filename or path)
        message = (f"{shown(blocking)} is a file, not a folder; remove it or choose "
                   f"another {option}")
    elif code == errno.EISDIR:
        message = (f"{option} {where} is a folder; give a file name, such as "
                   f"{shown(Path(path) / 'NAME')}")
    elif code == errno.ELOOP:
        message = f"{where} is a loop of symbolic links; choose another {option}"
    else:
        reason = exc.strerror or str(exc)
        message = f"cannot write {shown(exc.filename or path)}: {reason}; choose another {option}"
    return InputError([Diagnostic(Pos(str(path)), message, check="output-path")])


def file_in_the_way(path: Path) -> Optional[Path]:
    """The first of ``path`` and its ancestors that exists and is not a folder, if any.

    >>> file_in_the_way(Path(__file__) / "sub" / "dir") == Path(__file__)
    True
    """
    for candidate in reversed((path, *path.parents)):
        if os.path.lexists(candidate) and not candidate.is_dir():
            return candidate
    return None


@contextlib.contextmanager
def output_faults(path: PathLike, option: str = "--out") -> Iterator[None]:
    """Within the block, an ``OSError`` becomes :func:`output_error` of ``path``."""
    try:
        yield
    except OSError as exc:
        raise output_error(exc, path, option) from None


__all__ = ["NO_SPACE", "file_in_the_way", "output_error", "output_faults", "shown"]
