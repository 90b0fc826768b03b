"""The report set written as one unit: however writing ends, the old set or the new one, never a mix.

A run's reports are a *set*: ``report.json``, ``report.md``, ``report.html``
and the ``report-figures/`` folder that ``report.md`` links to
(:data:`REPORT_SET`); ``riskmap report`` rewrites the renderings beside a
report.json (:data:`RENDERINGS`). :meth:`OutputFolder.publish` puts a set in
place in three steps:

1. **Staging.** Every member is written into a fresh hidden folder inside the
   output folder (``.riskmap-staging-XXXXXXXX``, the same file system), and
   flushed to the disk. Nothing in the output folder has changed yet: a
   failure here (no space left, an interruption) removes the staging folder
   and leaves the old set whole.
2. **Journal.** ``.riskmap-commit.json`` is written (atomically) naming the
   staging folder, the members of the set and those the new set has. From
   here on the new set wins.
3. **Renames.** Each new member is renamed into place (an old folder member
   is first moved into the staging folder; an old file is replaced in one
   step), old members the new set lacks are moved away, then the journal is
   removed and the staging folder with the old members deleted.

Steps 2 and 3 run with SIGINT and SIGTERM held back
(:func:`riskmap.output.signals.signals_deferred`): a Ctrl-C during them takes
effect once the new set is complete. A run killed outright (SIGKILL, power
loss) in the middle of step 3 leaves the journal, and the next riskmap
command that takes the folder (:class:`OutputFolder`) completes the renames
first (:func:`recover`); a staging folder without a journal is an unfinished
step 1 and is deleted. Files in the output folder that are not members of a
set (a user's notes, the checkpoint) are never touched.

:class:`OutputFolder` is what commands use: it creates the folder (output-path
faults are exit 2, :mod:`riskmap.output.faults`), takes its lock
(:mod:`riskmap.output.lock`), repairs an interrupted commit, and on the way
out gives the lock back and removes the folders it created if they stayed
empty.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence, Union

from riskmap.errors import Diagnostic, InputError, Pos
from riskmap.output.atomic import sync_folder, write_atomic
from riskmap.output.faults import NO_SPACE, output_error, output_faults
from riskmap.output.lock import FolderLock
from riskmap.output.signals import signals_deferred

#: the members of a run's report set, in the order they are put in place.
REPORT_SET = ("report.json", "report.md", "report.html", "report-figures")
#: the members ``riskmap report`` rewrites beside a report.json.
RENDERINGS = ("report.md", "report.html", "report-figures")
#: the commit journal, inside the output folder.
JOURNAL = ".riskmap-commit.json"
#: staging folders are named this plus a random suffix.
STAGING_PREFIX = ".riskmap-staging-"
#: inside a staging folder: where the old members go before they are deleted.
OLD = ".old"
#: the journal's format version.
JOURNAL_FORMAT = 1


def _commit_step(label: str) -> None:
    """A point between two steps of a commit (where tests stop or interrupt it)."""


class CommitIncomplete(OSError):
    """The journal was written but the renames failed twice: :func:`recover` completes them.

    The output folder may show a mix of old and new members until the next
    riskmap command that takes the folder.
    """

    def __init__(self, cause: OSError):
        super().__init__(cause.errno, cause.strerror, cause.filename)
        self.cause = cause


# --------------------------------------------------------------------------- the commit


def stage_and_commit(folder: Path, members: Sequence[str],
                     write: Callable[[Path], object],
                     then: Optional[Callable[[], None]] = None) -> list[Path]:
    """Write a set into a staging folder of ``folder`` with ``write(staging)``, then commit it.

    Parameters
    ----------
    folder : Path
        The output folder (it exists, and the caller holds its lock).
    members : sequence of str
        Every name the set owns. A member ``write`` does not produce is
        removed from ``folder`` by the commit (an old member the new set lacks).
    write : callable
        ``write(staging)`` writes the new members into the folder it is given.
    then : callable, optional
        Run right after the commit, still with signals held back (``riskmap
        run`` removes its checkpoint there).

    Returns
    -------
    list of Path
        The members now in ``folder``, in the order of ``members``.

    Raises
    ------
    OSError
        Writing failed before the journal: ``folder`` holds the old set, whole.
    CommitIncomplete
        A rename failed, twice, after the journal: the next command's
        :func:`recover` completes the new set.
    """
    staging = folder / f"{STAGING_PREFIX}{secrets.token_hex(4)}"
    staging.mkdir()
    journaled = False
    try:
        write(staging)
        new = [name for name in members if os.path.lexists(staging / name)]
        _sync_tree(staging)
        journal = {"format": JOURNAL_FORMAT, "staging": staging.name, "members": list(members),
                   "new": new}
        with signals_deferred():
            _commit_step("journal")
            write_atomic(folder / JOURNAL, json.dumps(journal, indent=2) + "\n")
            journaled = True
            sync_folder(folder)
            try:
                roll_forward(folder, journal)
            except OSError:
                try:  # once more; else the next command completes it
                    roll_forward(folder, journal)
                except OSError as exc:
                    raise CommitIncomplete(exc) from exc
            if then is not None:
                then()
    finally:
        if not journaled:
            shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in members if name in new]


def roll_forward(folder: Path, journal: dict) -> None:
    """Complete the renames of a journaled commit; safe to repeat after any interruption.

    A member still in the staging folder has not been put in place: the old
    one (a folder, or a file where a folder comes) is moved into
    :data:`OLD` and the new one renamed in. An old member the new set lacks
    is moved into :data:`OLD` too. Then the journal goes, then the staging folder.
    """
    staging = folder / journal["staging"]
    old = staging / OLD
    for name in journal["members"]:
        target, incoming = folder / name, staging / name
        if name in journal["new"]:
            if not os.path.lexists(incoming):
                continue  # already in place
            if os.path.lexists(target) and (_is_folder(target) or _is_folder(incoming)):
                _set_aside(target, old / name)
            _commit_step(f"rename {name}")
            os.replace(incoming, target)
        elif os.path.lexists(target):
            _set_aside(target, old / name)
    sync_folder(folder)
    _commit_step("journal removed")
    try:
        os.unlink(folder / JOURNAL)
    except FileNotFoundError:
        pass
    _commit_step("staging removed")
    shutil.rmtree(staging, ignore_errors=True)


def _set_aside(target: Path, destination: Path) -> None:
    _commit_step(f"set aside {target.name}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(destination):  # left by an earlier, interrupted attempt
        _remove(destination)
    os.replace(target, destination)


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _remove(path: Path) -> None:
    if _is_folder(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _sync_tree(root: Path) -> None:
    """Flush the folders of a staging tree (files were flushed as they were written)."""
    for folder, dirs, _ in os.walk(root):
        for name in dirs:
            sync_folder(Path(folder) / name)
    sync_folder(root)


# --------------------------------------------------------------------------- repair


def recover(folder: Path) -> Optional[str]:
    """Complete an interrupted commit in ``folder`` and delete unfinished staging folders.

    The caller holds the folder's lock. Returns a message for the user when
    a commit was completed, else ``None``.
    """
    message = None
    journal_path = folder / JOURNAL
    journal = _read_journal(journal_path)
    if journal is not None:
        roll_forward(folder, journal)
        message = f"completed the interrupted writing of the reports in {folder}"
    elif os.path.lexists(journal_path):
        # unreadable: written atomically, so it is not ours half-done; nothing to roll forward
        os.unlink(journal_path)
    for leftover in sorted(folder.glob(f"{STAGING_PREFIX}*")):
        if journal is None or leftover.name != journal.get("staging"):
            _remove(leftover)
    return message


def _read_journal(path: Path) -> Optional[dict]:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(journal, dict) or journal.get("format") != JOURNAL_FORMAT
            or not _names(journal.get("members")) or not _names(journal.get("new"), empty=True)
            or not isinstance(journal.get("staging"), str)
            or not journal["staging"].startswith(STAGING_PREFIX)
            or Path(journal["staging"]).name != journal["staging"]):
        return None
    return journal


def _names(value, empty: bool = False) -> bool:
    """A list of plain member names (no path separators, no ``..``)."""
    return (isinstance(value, list) and (empty or bool(value))
            and all(isinstance(v, str) and v and Path(v).name == v and v not in (".", "..")
                    for v in value))


# --------------------------------------------------------------------------- the folder


class OutputFolder:
    """An output folder held by one command: created, locked, repaired; a context manager.

    Parameters
    ----------
    path : str or Path
        The folder (``--out``); created with its parents when missing.
    command : str
        The command holding it (``"riskmap run"``), for a second command's message.
    option : str
        The option that named it, for the messages' fixes.

    Raises
    ------
    InputError
        On entering: the path cannot be a folder riskmap writes into (it is
        a file, permission, read-only, name too long, no space), or another
        command holds it; from :meth:`publish`: writing failed (no space...),
        the old set left whole.
    """

    def __init__(self, path: Union[str, os.PathLike], command: str, option: str = "--out"):
        self.path = Path(path)
        self.command = command
        self.option = option
        self.lock = FolderLock(self.path, command, option)
        self.repaired: Optional[str] = None
        self._created: list[Path] = []

    def __enter__(self) -> "OutputFolder":
        with output_faults(self.path, self.option):
            self._create()
            try:
                self.lock.acquire()
                self.repaired = recover(self.path)
            except BaseException:
                self._leave()
                raise
        return self

    def __exit__(self, *exc) -> None:
        self._leave()

    def _create(self) -> None:
        missing = [p for p in (self.path, *self.path.parents) if not os.path.lexists(p)]
        self.path.mkdir(parents=True, exist_ok=True)
        self._created = missing  # deepest first

    def _leave(self) -> None:
        self.lock.release()
        for folder in self._created:  # a run refused before it wrote anything leaves no folder
            try:
                folder.rmdir()
            except OSError:
                break

    def publish(self, members: Sequence[str], write: Callable[[Path], object],
                then: Optional[Callable[[], None]] = None) -> list[Path]:
        """Write a set with ``write(staging)`` and put it in place as one (:func:`stage_and_commit`).

        Returns the paths of the members now in the folder. Raises
        :class:`InputError` when writing fails (the old set is left whole).
        """
        try:
            return stage_and_commit(self.path, members, write, then)
        except OSError as exc:
            raise self._fault(exc) from None

    def _fault(self, exc: OSError) -> InputError:
        if isinstance(exc, CommitIncomplete):
            reason = exc.cause.strerror or str(exc.cause)
            return InputError([Diagnostic(
                Pos(str(self.path)),
                f"the new reports could not all be put in place ({reason}); the next riskmap "
                f"run or riskmap report into {self.path} completes them", check="output-path")])
        if exc.errno in NO_SPACE:
            error = output_error(exc, self.path, self.option)
            message = error.diagnostics[0].message.replace(
                "nothing was written (files already there are as they were)",
                "no report was written (the earlier reports, if any, are whole)")
            return InputError([Diagnostic(Pos(str(self.path)), message, check="output-path")])
        return output_error(exc, self.path, self.option)


def set_present(folder: Path, members: Iterable[str]) -> list[str]:
    """The members of a set found in ``folder``, in order (for messages and tests)."""
    return [name for name in members if os.path.lexists(Path(folder) / name)]


__all__ = ["CommitIncomplete", "JOURNAL", "OLD", "OutputFolder", "RENDERINGS", "REPORT_SET", "STAGING_PREFIX",
           "recover", "roll_forward", "set_present", "stage_and_commit"]
