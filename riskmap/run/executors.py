"""Where replications run: in this process, in local processes, or on a dask cluster.

An executor runs *chunks*: a picklable ``task(context, chunk) -> result``
called on every chunk, with a ``context`` (the scenario and run settings)
that is the same for the whole run, so a worker receives it once rather than
with every chunk. Results come back as ``(chunk position, result)`` pairs in
whatever order the chunks finish; putting them back in order is the caller's
job (:mod:`riskmap.run.montecarlo`), which is what makes the outcome independent
of the number of workers.

Implementations
---------------
* :class:`SerialExecutor`: runs every chunk in this process, in order.
* :class:`ProcessExecutor`: a local :class:`concurrent.futures.ProcessPoolExecutor`.
* :class:`DaskExecutor`: the workers of a dask.distributed cluster
  (``--scheduler ADDRESS``, the ``riskmap[dask]`` extra, imported only
  then). The context is scattered to every worker once; each chunk is one
  task.

Interruption: on :class:`KeyboardInterrupt` the process pool cancels the
chunks not started, stops its worker processes and re-raises, so the command
line can exit 130 at once. Workers ignore SIGINT themselves so that a Ctrl-C
in the terminal is handled in one place only.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from concurrent import futures
from typing import Any, Callable, Iterator, Optional, Protocol, Sequence

from riskmap.errors import SimulationError

#: chunks kept in flight per worker: enough to keep every worker busy while
#: results are merged, few enough that finished results do not pile up.
IN_FLIGHT_PER_WORKER = 2


class Executor(Protocol):
    """What :func:`riskmap.run.montecarlo.run_scenario` needs from an executor."""

    #: number of chunks that can run at the same time.
    workers: int

    def run(self, task: Callable[[Any, Any], Any], context: Any,
            chunks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """Yield ``(i, task(context, chunks[i]))`` for every chunk, in completion order."""
        ...  # pragma: no cover


class WorkerLost(SimulationError):
    """A worker process ended while it had replications to run (exit code 3)."""


class SerialExecutor:
    """Runs every chunk in the calling process, in order."""

    workers = 1

    def run(self, task, context, chunks):
        for i, chunk in enumerate(chunks):
            yield i, task(context, chunk)


# A worker process receives the run's context once, in its initializer, and keeps
# it here for the chunks it runs. This is per-process configuration, never
# random state.
_worker_context: Any = None


def _init_worker(context: Any, parent: int) -> None:
    global _worker_context
    _worker_context = context
    # the parent process handles Ctrl-C and stops the pool; a worker that also
    # raised KeyboardInterrupt would only add tracebacks to the terminal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the command line's SIGTERM handler, which turns the
    # signal into an exception the pool would report as a failed chunk before giving
    # the worker the next one: SIGTERM must end a worker.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with(parent)


#: seconds between a worker's checks that its parent is still alive.
WATCH_INTERVAL = 1.0


def die_with(parent: int) -> None:
    """End this process when the process ``parent`` ends, however it ends (SIGKILL too).

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``);
    everywhere, a daemon thread also checks every :data:`WATCH_INTERVAL` seconds
    that the parent is still this process's parent, and ends the process when it
    is not (a killed parent's children are handed to another process).
    """
    _parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="riskmap-parent-watch", daemon=True).start()


def _parent_death_signal(signum: int) -> None:
    """Ask Linux to send ``signum`` to this process when its parent dies (nothing elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the watch thread is enough
        pass


def _run_in_worker(task: Callable[[Any, Any], Any], chunk: Any) -> Any:
    return task(_worker_context, chunk)


class ProcessExecutor:
    """A pool of local worker processes.

    Parameters
    ----------
    workers : int, optional
        Number of processes (default one per usable CPU).
    """

    def __init__(self, workers: Optional[int] = None):
        self.workers = max(1, int(workers or usable_cpus()))

    def run(self, task, context, chunks):
        pool = futures.ProcessPoolExecutor(
            max_workers=self.workers, initializer=_init_worker, initargs=(context, os.getpid()))
        try:
            yield from self._stream(pool, task, chunks)
        except futures.process.BrokenProcessPool:
            _stop(pool)
            raise WorkerLost("a worker process ended before its replications were done "
                             "(killed, or out of memory); the run stopped, and the "
                             "replications that finished are kept for --resume") from None
        except BaseException:
            # KeyboardInterrupt, a failed chunk, or the consumer closing the
            # generator: nothing more is needed from the pool
            _stop(pool)
            raise
        else:
            pool.shutdown(wait=True)

    def _stream(self, pool, task, chunks) -> Iterator[tuple[int, Any]]:
        pending: dict[futures.Future, int] = {}
        next_chunk = 0
        limit = self.workers * IN_FLIGHT_PER_WORKER
        while next_chunk < len(chunks) or pending:
            while next_chunk < len(chunks) and len(pending) < limit:
                pending[pool.submit(_run_in_worker, task, chunks[next_chunk])] = next_chunk
                next_chunk += 1
            done, _ = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
            # several chunks may finish together: hand them over in chunk order
            for future in sorted(done, key=pending.__getitem__):
                yield pending.pop(future), future.result()


def _stop(pool: futures.ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the worker processes now."""
    pool.shutdown(wait=False, cancel_futures=True)
    # shutdown() lets running chunks finish, which can take seconds; an
    # interrupted run must stop at once, so the workers are terminated. The
    # pool exposes its processes only through this attribute.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.join(timeout=5)


class DaskExecutor:
    """The workers of a running dask.distributed scheduler.

    Every dask worker needs riskmap installed (the same version). A
    simulation holds Python's GIL, so start workers with one thread each and
    as many processes as CPUs (``dask worker ADDRESS --nworkers N --nthreads 1``);
    :attr:`workers` counts the cluster's threads.

    Parameters
    ----------
    address : str
        Scheduler address, e.g. ``tcp://10.0.0.5:8786``.
    timeout : float
        Seconds to wait for the connection.
    """

    def __init__(self, address: str, timeout: float = 10.0):
        from distributed import Client

        self.address = address
        self.client = Client(address, timeout=timeout, set_as_default=False)
        threads = self.client.nthreads()
        self.workers = max(1, sum(threads.values()))

    def run(self, task, context, chunks):
        from distributed import as_completed

        # sent once to every worker, not once per chunk
        shared = self.client.scatter(context, broadcast=True)
        submitted = [self.client.submit(task, shared, chunk, pure=False) for chunk in chunks]
        position = {future.key: i for i, future in enumerate(submitted)}
        try:
            # set_as_default=False: as_completed must be told which client's loop to use
            for future in as_completed(submitted, loop=self.client.loop):
                yield position[future.key], future.result()
        except BaseException:
            self.client.cancel(submitted)
            raise
        finally:
            self.client.cancel([shared])

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        self.client.close()


def dask_available() -> bool:
    """Whether dask.distributed can be imported (the ``riskmap[dask]`` extra)."""
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


#: A run estimated below this many events runs in this process when no worker
#: count is given: starting a pool of processes (tens of milliseconds) would cost
#: more than sharing the run saves (docs/performance.md, "Workers").
SMALL_RUN_EVENTS = 100_000


#: local worker processes per usable CPU above which ``--workers`` is lowered:
#: a replication keeps one CPU busy, so more processes only share the same CPUs
#: (and each costs memory and a process slot; a million of them exhausts the
#: system's process table).
WORKERS_PER_CPU = 4


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on every system
        return max(1, os.cpu_count() or 1)


def local_workers(requested: Optional[int]) -> tuple[int, Optional[str]]:
    """The local worker count for ``--workers requested``, and a message when it was lowered.

    ``None`` means one per usable CPU. At most :data:`WORKERS_PER_CPU` per
    usable CPU run; the report does not depend on the count.

    >>> local_workers(1)
    (1, None)
    """
    cpus = usable_cpus()
    if requested is None:
        return cpus, None
    cap = WORKERS_PER_CPU * cpus
    if requested <= cap:
        return requested, None
    return cap, (f"--workers {requested} lowered to {cap} ({WORKERS_PER_CPU} per CPU of the "
                 f"{cpus} this machine gives riskmap; more would only share them)")


#: ``[PROTOCOL://]HOST[:PORT]`` of a dask.distributed scheduler.
_SCHEDULER_ADDRESS = re.compile(
    r"(?:(?P<protocol>[a-z][a-z0-9+.-]*)://)?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
    r"(?::(?P<port>[0-9]{1,5}))?")
#: ``inproc://HOST/PID/N``: a scheduler in this very process (a dask LocalCluster
#: made with processes=False, as by a program that calls riskmap as a library).
_IN_PROCESS_ADDRESS = re.compile(r"inproc://[^/\s]+/[0-9]+/[0-9]+")
_SCHEDULER_PROTOCOLS = ("tcp", "tls", "ucx", "ws", "wss")


def check_scheduler_address(address: str) -> None:
    """Raise :class:`InputError` unless ``address`` is ``[PROTOCOL://]HOST[:PORT]``.

    Checked before dask is imported or contacted, so a typo is a clear
    message rather than a connection attempt to somewhere unexpected.

    >>> check_scheduler_address("tcp://10.0.0.5:8786")
    """
    from riskmap.errors import InputError

    if _IN_PROCESS_ADDRESS.fullmatch(address):
        return
    match = _SCHEDULER_ADDRESS.fullmatch(address)
    problem = None
    if match is None:
        problem = "is not an address"
    elif match["protocol"] is not None and match["protocol"] not in _SCHEDULER_PROTOCOLS:
        problem = (f"has an unknown protocol {match['protocol']!r} "
                   f"(known: {', '.join(_SCHEDULER_PROTOCOLS)})")
    elif match["port"] is not None and not 1 <= int(match["port"]) <= 65535:
        problem = f"has port {match['port']}, outside 1-65535"
    if problem is not None:
        raise InputError(f"--scheduler {address!r} {problem}; give the scheduler's address "
                         "as [PROTOCOL://]HOST[:PORT], e.g. tcp://10.0.0.5:8786")


def make_executor(workers: Optional[int] = None, scheduler: Optional[str] = None,
                  events: Optional[float] = None,
                  warn: Optional[Callable[[str], None]] = None) -> Executor:
    """The executor for a run.

    Parameters
    ----------
    workers : int, optional
        ``1`` runs in this process; more (or ``None``: one per usable CPU)
        uses a local process pool of at most :data:`WORKERS_PER_CPU` per
        usable CPU (:func:`local_workers`).
    scheduler : str, optional
        Address of a dask.distributed scheduler.
    events : float, optional
        The run's estimated events (:func:`riskmap.run.workload.estimated_events`):
        with ``workers`` None, a run below :data:`SMALL_RUN_EVENTS` runs in
        this process. The report is the same either way.
    warn : callable, optional
        Called with a message when ``workers`` is lowered.

    Raises
    ------
    InputError
        For a malformed scheduler address, when dask is not installed or
        the scheduler cannot be reached.
    """
    from riskmap.errors import InputError

    if scheduler is not None:
        check_scheduler_address(scheduler)
        if not dask_available():
            raise InputError(
                f"--scheduler {scheduler}: dask.distributed is not installed; "
                "install it with: pip install 'riskmap[dask]'")
        try:
            return DaskExecutor(scheduler)
        except Exception as exc:  # noqa: BLE001 - any failure to connect is the address's
            raise InputError(f"--scheduler {scheduler}: cannot connect: "
                             f"{type(exc).__name__}: {exc}; check that the scheduler runs "
                             "and that this machine can reach it") from None
    count, lowered = local_workers(workers)
    if lowered is not None and warn is not None:
        warn(lowered)
    if workers is None and events is not None and events < SMALL_RUN_EVENTS:
        count = 1
    if count <= 1:
        return SerialExecutor()
    return ProcessExecutor(count)
