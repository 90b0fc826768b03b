"""Checkpoints: a long run keeps its finished replications, so ``--resume`` loses no work.

``riskmap run`` keeps, inside its output folder, a folder ``.riskmap-checkpoint/`` with

* ``manifest.json``: the fingerprint of the run: the riskmap version, the sha256 of the
  scenario file and of its network file, the seed and the replication count;
* one ``<arm>.jsonl`` file per simulated arm (the main run and each counterfactual run), a
  line per finished replication, appended and flushed as chunks finish.

:class:`CheckpointExecutor` wraps any executor: chunks whose replications are all in the
checkpoint are answered from it, the others run on the wrapped executor and are recorded.
Replications are stored as they come back from the workers, as digests
(:class:`riskmap.run.samples.Digest`), in JSON (exact for floats, which are written with
``repr``) and rebuilt only as the dataclasses of :mod:`riskmap.sim.results` and
:mod:`riskmap.run.samples`: nothing in a checkpoint can run code. Because every replication keeps its own seed whatever the chunking, a resumed
run merges exactly the results an uninterrupted run would have, and its report is
byte-identical.

A checkpoint made from other inputs (a file edited, another seed, another riskmap) is
never used: ``--resume`` says what changed and starts over. A run that finishes removes its
checkpoint; an interrupted or failed one leaves it for ``--resume``.

A damaged checkpoint never stops a run (docs/reliability.md, "Damaged checkpoints"):

* a plain run never reads the checkpoint it replaces; one that is not a folder (a file
  in its place) is removed with a warning;
* with ``--resume``, a manifest that cannot be read (not UTF-8, cut short, not the
  JSON object riskmap writes) means the checkpoint is damaged: riskmap says so and starts
  over; in an arm's file, the replications from the first damaged line on (not UTF-8, not
  JSON, or not a replication digest of the expected shape) are run again, with a warning,
  and the damaged tail is cut off so later lines are read again on the next resume.

Output-path faults while writing the checkpoint (no space left, permission) are bad input,
exit 2, raised as :class:`~riskmap.errors.InputError` by :mod:`riskmap.output.faults`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import numpy as np

from riskmap import __version__
from riskmap.errors import InputError
from riskmap.load.document import file_digest, read_bytes
from riskmap.output.atomic import write_atomic
from riskmap.output.faults import output_faults

FOLDER = ".riskmap-checkpoint"
MANIFEST = "manifest.json"


# --------------------------------------------------------------------------- encoding

def encode(value: Any) -> Any:
    """A replication result as plain JSON data, tagged so :func:`decode` can rebuild it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"__result__": type(value).__name__,
                "fields": {f.name: encode(getattr(value, f.name))
                           for f in dataclasses.fields(value)}}
    if isinstance(value, np.ndarray):
        return {"__array__": value.dtype.str, "shape": list(value.shape),
                "data": value.ravel().tolist()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("checkpoint dictionaries need string keys")
        return {"__dict__": {k: encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a checkpoint")


def decode(data: Any) -> Any:
    """Inverse of :func:`encode`; only dataclasses of :mod:`riskmap.sim.results` and
    :mod:`riskmap.run.samples` (replication digests) are built."""
    from riskmap.run import samples
    from riskmap.sim import results

    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "__result__" in data:
        name = data["__result__"]
        cls = getattr(results, name, None) or getattr(samples, name, None)
        if cls is None or not dataclasses.is_dataclass(cls):
            raise ValueError(f"unknown result type {name!r}")
        return cls(**{k: decode(v) for k, v in data["fields"].items()})
    if "__array__" in data:
        return np.asarray(data["data"], dtype=np.dtype(data["__array__"])).reshape(data["shape"])
    if "__tuple__" in data:
        return tuple(decode(v) for v in data["__tuple__"])
    if "__dict__" in data:
        return {k: decode(v) for k, v in data["__dict__"].items()}
    raise ValueError("unknown checkpoint record")


# --------------------------------------------------------------------------- the folder

def run_manifest(scenario, seed: int, replications: int) -> dict:
    """What a checkpoint must match to be used: version, input files, seed, replications."""
    network_file = scenario.network.file if scenario.network.file != scenario.file else None
    return {
        "riskmap": __version__,
        "scenario_sha256": file_digest(scenario.file),
        "network_sha256": file_digest(network_file),
        "seed": int(seed),
        "replications": int(replications),
    }


_WHAT = {"riskmap": "the riskmap version", "scenario_sha256": "the scenario file",
         "network_sha256": "the network file", "seed": "the seed",
         "replications": "the number of replications"}


class Checkpoint:
    """The checkpoint folder of one output folder.

    Parameters
    ----------
    out_dir : Path
        The output folder (``--out``); the checkpoint is :data:`FOLDER` in it.
    manifest : dict
        The run's fingerprint (:func:`run_manifest`).
    warn : callable, optional
        ``warn(message)`` for a damaged checkpoint found while resuming
        (default: nothing is said).
    """

    def __init__(self, out_dir: Path, manifest: dict,
                 warn: Optional[Callable[[str], None]] = None):
        self.out_dir = Path(out_dir)
        self.folder = self.out_dir / FOLDER
        self.manifest = manifest
        self.warn = warn or (lambda message: None)

    def start(self, resume: bool) -> Optional[str]:
        """Prepare the folder; with ``resume``, keep a matching checkpoint.

        Returns a message for the user when a checkpoint exists but cannot be
        used (made from other inputs, damaged, or not a folder). Raises
        :class:`~riskmap.errors.InputError` when the folder cannot be written.
        """
        message = None
        in_place = os.path.lexists(self.folder)
        if in_place and not _is_folder(self.folder):
            message = (f"{self.folder} is not a folder (riskmap keeps its checkpoint there); "
                       f"removed it{'; starting from the first replication' if resume else ''}")
        elif resume and in_place:
            changed = self._changed()
            if not changed:
                return None
            if changed == [DAMAGED]:
                message = (f"the checkpoint in {self.out_dir} is damaged (its manifest cannot "
                           f"be read); starting over")
            else:
                message = (f"the checkpoint in {self.out_dir} was made with other inputs "
                           f"({', '.join(changed)} changed); starting over")
        elif resume:
            message = f"no checkpoint in {self.out_dir}; starting from the first replication"
        with output_faults(self.out_dir):
            self.remove()
            self.folder.mkdir(parents=True)
            write_atomic(self.folder / MANIFEST,
                         json.dumps(self.manifest, indent=2, sort_keys=True))
        return message

    def _changed(self) -> list[str]:
        """What differs between the stored manifest and this run's, or ``[DAMAGED]``."""
        try:
            stored = json.loads(_read(self.folder / MANIFEST).decode("utf-8"))
        except (InputError, ValueError):  # missing, not a file, not UTF-8, not JSON (cut short)
            return [DAMAGED]
        if not isinstance(stored, dict) or set(stored) != set(_WHAT):
            return [DAMAGED]
        return [_WHAT[k] for k in _WHAT if stored.get(k) != self.manifest.get(k)]

    def remove(self) -> None:
        """Remove the checkpoint, whatever is in its place (a folder, a file, a link)."""
        _remove(self.folder)

    def arm(self, key: str) -> "ArmStore":
        return ArmStore(self.folder / f"{key}.jsonl", self.out_dir, self.warn)


#: what :meth:`Checkpoint._changed` returns for a manifest that cannot be read.
DAMAGED = "the checkpoint itself"


def _read(path: Path) -> bytes:
    """A checkpoint file's bytes, through the one guarded reader of input files.

    A FIFO or device in its place is refused by kind rather than waited on;
    no size bound, since a long run's checkpoint is legitimately large.
    """
    return read_bytes(str(path), force=True)


def _remove(path: Path) -> None:
    """Remove whatever is at ``path`` (a folder, a file, a FIFO, a link)."""
    if _is_folder(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.unlink(path)


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


class ArmStore:
    """Finished replications of one arm, one JSON line each."""

    def __init__(self, path: Path, out_dir: Optional[Path] = None,
                 warn: Optional[Callable[[str], None]] = None):
        self.path = path
        self.out_dir = Path(out_dir) if out_dir is not None else path.parent.parent
        self.warn = warn or (lambda message: None)

    def load(self) -> dict[int, Any]:
        """The replications recorded, by index; a damaged tail is cut off and said."""
        done: dict[int, Any] = {}
        if not os.path.lexists(self.path):
            return done
        try:
            data = _read(self.path)
        except InputError:  # unreadable (a folder or a FIFO in its place...): everything is redone
            self.warn(f"the checkpoint in {self.out_dir} is damaged ({self.path.name} is not a "
                      f"readable file); its replications are run again")
            _remove(self.path)
            return done
        kept = 0
        for line in data.splitlines(keepends=True):
            record = _record(line)
            if record is None:
                break  # a line cut short by an interruption, or damaged: the rest is redone
            done[record.index] = record
            kept += len(line)
        else:
            return done
        tail = data[kept:]
        if b"\n" in tail:  # more than a last line cut short by an interruption
            self.warn(f"the checkpoint in {self.out_dir} is damaged ({self.path.name}); "
                      f"its replications from the first damaged line on are run again")
        self._cut(kept)
        return done

    def _cut(self, size: int) -> None:
        """Keep the first ``size`` bytes (the lines read), so later appends are read back."""
        with output_faults(self.out_dir):
            if _is_folder(self.path):
                shutil.rmtree(self.path)
            with open(self.path, "r+b" if self.path.exists() else "wb") as handle:
                handle.truncate(size)

    def append(self, results: list) -> None:
        with output_faults(self.out_dir):
            with open(self.path, "a", encoding="utf-8") as handle:
                for result in results:
                    handle.write(json.dumps({"index": result.index, "result": encode(result)},
                                            separators=(",", ":")) + "\n")
                handle.flush()
                os.fsync(handle.fileno())


def _record(line: bytes) -> Optional[Any]:
    """The replication a checkpoint line holds, or ``None`` when the line is damaged."""
    try:
        record = json.loads(line.decode("utf-8"))
        index = record["index"]
        result = decode(record["result"])
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return None
    if not isinstance(index, int) or isinstance(index, bool) or not well_formed(result, index):
        return None
    return result


def well_formed(result: Any, index: int) -> bool:
    """Whether ``result`` is a replication digest of replication ``index``, with the right types.

    A checkpoint is data riskmap wrote, but a file can be damaged or edited:
    this keeps a wrongly typed record from reaching the statistics.
    """
    from riskmap.run.samples import SUBJECTS, Digest

    if not isinstance(result, Digest) or result.index != index:
        return False
    if set(result.values) != set(SUBJECTS):  # a digest of another layout of subjects
        return False
    if not isinstance(result.events, int) or isinstance(result.events, bool):
        return False
    if not (isinstance(result.values, dict) and isinstance(result.codes, dict)
            and set(result.values) == set(result.codes)):
        return False
    for subject, numbers in result.values.items():
        codes = result.codes[subject]
        if not (_array(numbers, "f", 1) and _array(codes, "u", 1) and len(numbers) == len(codes)):
            return False
    if not (_array(result.ordered, "i", 1) and _array(result.filled, "i", 1)
            and len(result.ordered) == len(result.filled)):
        return False
    if not (isinstance(result.other, dict) and all(isinstance(k, str) and k.count(":") == 1
                                                   for k in result.other)):
        return False
    from riskmap.sim.results import AlertOutcome

    if not (isinstance(result.alerts, dict)
            and all(isinstance(k, str) and isinstance(v, AlertOutcome)
                    for k, v in result.alerts.items())):
        return False
    return isinstance(result.series, dict) and all(
        isinstance(rows, dict) and all(_array(row, "i", 1) for row in rows.values())
        for rows in result.series.values())


def _array(value: Any, kind: str, ndim: int) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind == kind and value.ndim == ndim


def arm_key(context: Any, chunks: list) -> str:
    """A stable name for one arm: the scenario as simulated, the seed and the sampling.

    It does not depend on how the replications are chunked, so a run may be resumed with
    another number of workers.
    """
    simulator = getattr(context, "simulator", None)
    with_series = sorted(i for c in chunks for i, keep in zip(c.indices, c.series) if keep)
    identity = repr((
        getattr(context, "scenario", None), getattr(context, "seed", None),
        getattr(context, "alternates", None),
        f"{getattr(simulator, '__module__', '')}.{getattr(simulator, '__qualname__', '')}",
        sum(len(c.indices) for c in chunks), with_series, __version__,
    ))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20]


class CheckpointExecutor:
    """Wraps an executor: answers finished chunks from the checkpoint, records the others."""

    def __init__(self, inner, checkpoint: Checkpoint):
        self.inner = inner
        self.checkpoint = checkpoint
        self.workers = inner.workers

    def run(self, task, context, chunks) -> Iterator[tuple[int, Any]]:
        store = self.checkpoint.arm(arm_key(context, list(chunks)))
        done = store.load()
        todo = []
        for position, chunk in enumerate(chunks):
            if all(i in done for i in chunk.indices):
                yield position, [done[i] for i in chunk.indices]
            else:
                todo.append(position)
        if not todo:
            return
        for sub_position, results in self.inner.run(task, context, [chunks[p] for p in todo]):
            store.append(results)
            yield todo[sub_position], results

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()
