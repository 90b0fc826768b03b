"""The output-folder lock: one riskmap command at a time writes into a folder.

``riskmap run`` holds the lock of its ``--out`` folder for the whole run
(the checkpoint and the reports), ``riskmap report`` while it writes the
renderings. The lock is the file :data:`LOCK_FILE` in the folder, holding
the holder's pid, host, start time and command as JSON (for the message a
second command prints; the lock itself is not the contents):

* on POSIX it is taken with ``fcntl.flock`` (exclusive, not waiting), which
  the kernel releases when the holder's process ends, however it ends, so a
  file left by a killed run is simply taken again;
* where ``fcntl`` is missing (Windows), the file is created with
  ``O_CREAT | O_EXCL``; a file already there is stale, and replaced, when it
  names this host and a process that is no longer alive (or, unreadable, is
  older than :data:`UNREADABLE_GRACE` seconds).

A command that finds the folder busy stops with exit 2::

    riskmap: error: OUT is in use by riskmap run (pid 4242, started
    2024-05-02T10:31:07+02:00); wait for it or choose another --out

The holder removes the file when it is done.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from riskmap.errors import Diagnostic, InputError, Pos

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: the lock file, inside the output folder.
LOCK_FILE = ".riskmap-lock"
#: seconds after which an unreadable lock file (its holder died while writing it) is stale,
#: where there is no fcntl.
UNREADABLE_GRACE = 10.0
#: attempts at taking a lock file that its holder is replacing or removing.
ATTEMPTS = 20


@dataclass(frozen=True)
class Holder:
    """Who holds a folder: process id, host, start time (ISO 8601) and command."""

    pid: int
    host: str
    started: str
    command: str

    @classmethod
    def me(cls, command: str) -> "Holder":
        """This process, holding the lock for ``command`` (``"riskmap run"``)."""
        started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), started, command)

    def describe(self) -> str:
        """``riskmap run (pid 4242, started ...)``, the host named when it is another one."""
        host = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"{self.command} (pid {self.pid}{host}, started {self.started})"

    def to_json(self) -> bytes:
        return json.dumps({"pid": self.pid, "host": self.host, "started": self.started,
                           "command": self.command}, sort_keys=True).encode("utf-8") + b"\n"

    @classmethod
    def from_json(cls, data: bytes) -> Optional["Holder"]:
        """The holder a lock file names, or ``None`` when it cannot be read."""
        try:
            fields = json.loads(data.decode("utf-8"))
            holder = cls(int(fields["pid"]), str(fields["host"]), str(fields["started"]),
                         str(fields["command"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return holder


def busy(folder: Path, holder: Optional[Holder], option: str) -> InputError:
    """The exit-2 error of a folder another command holds."""
    who = holder.describe() if holder is not None else "another riskmap command"
    return InputError([Diagnostic(Pos("riskmap"), f"{folder} is in use by {who}; wait for it "
                                                  f"or choose another {option}")])


class FolderLock:
    """The lock of one output folder (which must exist); a context manager.

    Parameters
    ----------
    folder : Path
        The output folder.
    command : str
        What holds it, for a second command's message (``"riskmap run"``).
    option : str
        The option naming the folder, for the fix (``"--out"``).

    Raises
    ------
    InputError
        From :meth:`acquire`: the folder is held by another command.
    OSError
        The lock file cannot be created (permission, read-only, no space);
        callers turn it into bad input (:mod:`riskmap.output.faults`).
    """

    def __init__(self, folder: Path, command: str, option: str = "--out"):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE
        self.command = command
        self.option = option
        self._fd: Optional[int] = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock at once or raise :func:`busy`; never waits."""
        if self.held:
            return
        take = self._take_flock if fcntl is not None else self._take_exclusive
        for _ in range(ATTEMPTS):
            fd = take()
            if fd is not None:
                self._fd = fd
                self._write_holder()
                return
        raise busy(self.folder, read_holder(self.path), self.option)

    def _take_flock(self) -> Optional[int]:
        """The locked descriptor of the lock file, or ``None`` to try again."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder_of(fd)
            os.close(fd)
            raise busy(self.folder, holder, self.option) from None
        except BaseException:
            os.close(fd)
            raise
        # a holder that is done unlinks the file before it lets go: the file locked must
        # still be the one at the path, or a third command could lock a new file meanwhile
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(self.path))
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            return None
        return fd

    def _take_exclusive(self) -> Optional[int]:
        """Create the lock file, replacing a stale one; ``None`` to try again."""
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            pass
        holder = read_holder(self.path)
        if not _stale(self.path, holder):
            raise busy(self.folder, holder, self.option)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        return None

    def _write_holder(self) -> None:
        data = Holder.me(self.command).to_json()
        try:
            os.ftruncate(self._fd, 0)
            os.lseek(self._fd, 0, os.SEEK_SET)
            os.write(self._fd, data)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Give the folder back and remove the lock file."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is not None:
            _unlink_quietly(self.path)  # while still locked: see _take_flock
            os.close(fd)
        else:  # Windows cannot remove an open file
            os.close(fd)
            _unlink_quietly(self.path)

    def __enter__(self) -> "FolderLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def read_holder(path: Path) -> Optional[Holder]:
    """The holder a lock file names, or ``None`` (missing or unreadable)."""
    try:
        return Holder.from_json(Path(path).read_bytes())
    except OSError:
        return None


def _holder_of(fd: int) -> Optional[Holder]:
    try:
        return Holder.from_json(os.pread(fd, 4096, 0) if hasattr(os, "pread")
                                else os.read(fd, 4096))
    except OSError:
        return None


def _stale(path: Path, holder: Optional[Holder]) -> bool:
    """Whether a lock file (no fcntl) was left by a holder that is gone."""
    if holder is None:
        try:
            return time.time() - os.stat(path).st_mtime > UNREADABLE_GRACE
        except FileNotFoundError:
            return True
    return holder.host == socket.gethostname() and not pid_alive(holder.pid)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host (signal 0 on POSIX, a query on Windows)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would terminate it there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows
    import ctypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


__all__ = ["ATTEMPTS", "FolderLock", "Holder", "LOCK_FILE", "UNREADABLE_GRACE", "busy",
           "pid_alive", "read_holder"]
