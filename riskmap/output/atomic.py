"""One file written whole or not at all.

:func:`write_atomic` writes to a temporary file in the target's folder (the
same file system), flushes it to the disk, then renames it over the target
in one step (:func:`os.replace`): a reader sees the old file or the new one,
never half of one, and a failed or interrupted write leaves the old file as
it was and no temporary file behind. Every file riskmap writes for a user
goes through it: the reports (inside their staging folder,
:mod:`riskmap.report.publish`), ``check --junit`` and ``--summary``,
``map --graph``, the checkpoint's manifest and the commit journal.

:func:`prepare_target` readies the target of a file option before any long
work, so a bad path fails at once rather than after the simulation.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path
from typing import BinaryIO, Callable, Union

from riskmap.output.faults import output_error, output_faults

#: what :func:`write_atomic` writes: text (UTF-8, ``\\n`` kept as is), bytes,
#: or a function that writes the file at the temporary path it is given.
Data = Union[str, bytes, Callable[[Path], None]]

#: permissions of a written file (mkstemp's 0600 would hide a report meant to be shared).
MODE = 0o644
#: at most this much of the target's name goes into the temporary file's name,
#: so that a target with a long (valid) name does not get a temporary one too long.
TEMP_NAME_PART = 40


def temporary_name(target: Path) -> Path:
    """A fresh hidden name beside ``target``, ending with ``target``'s suffix (format sniffers).

    >>> name = temporary_name(Path("out/net.graphml")).name
    >>> name.startswith(".net.graphml.") and name.endswith(".tmp.graphml")
    True
    """
    return target.with_name(f".{target.name[:TEMP_NAME_PART]}.{secrets.token_hex(4)}"
                            f".tmp{target.suffix[:TEMP_NAME_PART]}")


def write_atomic(path: Union[str, os.PathLike], data: Data) -> Path:
    """Write ``data`` to ``path`` through a temporary file and :func:`os.replace`; return ``path``.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder must exist.
    data : str, bytes or callable
        Text (written as UTF-8, line ends untouched), bytes, or
        ``write(temporary_path)`` for writers that want a path of their own
        (networkx's graph writers).

    Raises
    ------
    OSError
        As the file system raised it (no space, no permission...): the target
        is untouched and the temporary file removed. Callers turn it into bad
        input with :func:`riskmap.output.faults.output_faults`.
    """
    path = Path(path)
    tmp = temporary_name(path)
    try:
        if callable(data):
            data(tmp)
            _sync_file(tmp)
        else:
            _write_bytes(tmp, data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, MODE)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    return path


def _write_bytes(path: Path, payload: bytes) -> None:
    """Create ``path`` (it must not exist), write ``payload`` and flush it to the disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        _write_data(handle, payload)
        os.fsync(handle.fileno())


def _write_data(handle: BinaryIO, payload: bytes) -> None:
    """The one place file contents are written (where tests inject a full disk)."""
    handle.write(payload)
    handle.flush()


def _sync_file(path: Path) -> None:
    """Flush ``path``'s data to the disk, so a rename never lands before the contents."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows syncs writable handles only
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Union[str, os.PathLike]) -> None:
    """Flush ``folder``'s entries (renames into it) to the disk, where the platform allows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its renames are journaled by NTFS
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def prepare_target(path: Union[str, os.PathLike], option: str) -> Path:
    """Make ``path`` ready to be written: its folders created, writable, and not a folder itself.

    Run before any long work, so that ``--junit out/x.xml`` with ``out`` a
    file fails at once. Raises :class:`~riskmap.errors.InputError` (exit 2)
    naming the path and the fix.
    """
    path = Path(path)
    if path.is_dir():
        raise output_error(_error(errno.EISDIR, path), path, option)
    with output_faults(path, option):
        path.parent.mkdir(parents=True, exist_ok=True)
        if len(os.fsencode(path.name)) > _longest_name(path.parent):
            raise _error(errno.ENAMETOOLONG, path)
        probe = temporary_name(path)
        # the folder takes a new file (permission, read-only file system)
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
    return path


def _error(code: int, path: Path) -> OSError:
    return OSError(code, os.strerror(code), str(path))


def _longest_name(folder: Path) -> int:
    """The longest file name ``folder``'s file system takes (255 where it cannot be asked)."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        return 255


__all__ = ["Data", "MODE", "prepare_target", "sync_folder", "temporary_name", "write_atomic"]
