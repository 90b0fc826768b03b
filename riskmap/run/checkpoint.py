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
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np

from riskmap import __version__
from riskmap.load.document import file_digest

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
    """The checkpoint folder of one output folder."""

    def __init__(self, out_dir: Path, manifest: dict):
        self.folder = Path(out_dir) / FOLDER
        self.manifest = manifest

    def start(self, resume: bool) -> Optional[str]:
        """Prepare the folder; with ``resume``, keep a matching checkpoint.

        Returns a message for the user when a checkpoint exists but cannot be used.
        """
        message = None
        if resume and self.folder.is_dir():
            changed = self._changed()
            if not changed:
                return None
            message = (f"the checkpoint in {self.folder.parent} was made with other inputs "
                       f"({', '.join(changed)} changed); starting over")
        elif resume:
            message = f"no checkpoint in {self.folder.parent}; starting from the first replication"
        self.remove()
        self.folder.mkdir(parents=True)
        (self.folder / MANIFEST).write_text(json.dumps(self.manifest, indent=2, sort_keys=True))
        return message

    def _changed(self) -> list[str]:
        try:
            stored = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ["the checkpoint itself"]
        return [_WHAT[k] for k in _WHAT if stored.get(k) != self.manifest.get(k)]

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def arm(self, key: str) -> "ArmStore":
        return ArmStore(self.folder / f"{key}.jsonl")


class ArmStore:
    """Finished replications of one arm, one JSON line each."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> dict[int, Any]:
        done: dict[int, Any] = {}
        if not self.path.exists():
            return done
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                    done[int(record["index"])] = decode(record["result"])
                except (ValueError, KeyError, TypeError):
                    break  # a line cut short by the interruption: what follows is redone
        return done

    def append(self, results: list) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            for result in results:
                handle.write(json.dumps({"index": result.index, "result": encode(result)},
                                        separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


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
