"""Monte Carlo: many seeded replications of a scenario, merged into a summary.

Seeds
-----
One :class:`numpy.random.SeedSequence` is built from the scenario's seed (or
the ``seed`` override) and spawned into one child per replication:
replication ``i`` always receives child ``i``, however the replications are
chunked and whichever worker runs them. Results are merged in replication
order, so a run's summary is the same for any number of workers.

Chunks
------
Replications travel to the executor in chunks of consecutive indices
(:func:`chunk_size`): big enough that the cost of sending a chunk and its
results is small next to simulating it, small enough that every worker gets
several chunks and the progress line moves. A long replication (above
:data:`CHUNK_EVENTS` estimated events, a second or more) travels alone or
nearly so, so that 10 replications on 2 workers split 5 and 5 rather than 6
and 4 in chunks of 2. How the replications are chunked never changes the
summary.

Memory
------
Per-replication scalars (a few dozen numbers per product, one per part, two
per supplier) are all kept, since they are what the statistics need, in
:class:`Column` form at 9 bytes a value. Time series are not: see
:class:`SeriesBands` for how percentile bands are built from a bounded,
deterministic sample of replications.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Sequence

import numpy as np

from riskmap.alerts.measures import rule_plans
from riskmap.errors import InputError, SimulationError
from riskmap.model import Scenario
from riskmap.run.workload import check_memory, estimated_events
from riskmap.run.samples import (
    BAND_PERCENTILES, SERIES_NAMES, Column, Digest, Layout, Samples, SeriesBands, digest,
)
from riskmap.stats import (STATISTICS, STOCK_STATISTICS, STOCK_TOTAL_STATISTICS, Estimate,
                           ratio_estimate, statistic)
from riskmap.stats.statistics import subject_statistics

__all__ = [
    "BAND_PERCENTILES", "CHUNKS_PER_WORKER", "MAX_CHUNK", "MAX_SERIES_POINTS",
    "MAX_SERIES_REPLICATIONS", "MIN_SERIES_REPLICATIONS", "SERIES_MEMORY", "SERIES_NAMES",
    "Chunk", "Column", "ProgressCallback", "ReplicationError", "RunContext", "RunSummary",
    "Samples", "SeriesBands", "chunk_size", "in_chunk_order", "make_chunks", "replication_seed",
    "run_chunk", "run_scenario", "series_replications", "series_sample", "series_times", "summarize",
]

#: largest number of replications in one chunk.
MAX_CHUNK = 25
#: chunks per worker aimed at, so that workers finishing early pick up more.
CHUNKS_PER_WORKER = 4
#: estimated events a chunk should hold at most (a few seconds of simulation);
#: longer replications are sent one by one.
CHUNK_EVENTS = 500_000

#: most time points kept per series: horizons longer than this are sampled
#: every ``stride`` integer times (see :func:`series_times`). 401 is daily for
#: a year and more points than a chart can show; it also keeps report.json small.
MAX_SERIES_POINTS = 401
#: memory allowed for kept series, in bytes (8 bytes per value).
SERIES_MEMORY = 64 * 2**20
#: bounds on the number of replications whose series are kept.
MIN_SERIES_REPLICATIONS = 20
MAX_SERIES_REPLICATIONS = 1000

#: ``progress(done, total)``: called as replications finish.
ProgressCallback = Callable[[int, int], None]


class ReplicationError(SimulationError):
    """A replication failed: names the scenario, the replication and the cause.

    Attributes
    ----------
    scenario : str
        Scenario name.
    index : int
        Replication index (numbered from 0, the index of its seed child).
    seed : int
        The run's root seed, so the failure can be reproduced.
    cause : str
        ``ExceptionType: message`` of the original error.
    """

    def __init__(self, scenario: str, index: int, seed: int, cause: str):
        self.scenario = scenario
        self.index = index
        self.seed = seed
        self.cause = cause
        super().__init__(
            f"scenario {scenario!r}: replication {index} (numbered from 0, seed {seed}) "
            f"failed: {cause}")

    def __reduce__(self):
        # exceptions cross process boundaries by pickling; the default reduce
        # would call __init__ with the message alone
        return (type(self), (self.scenario, self.index, self.seed, self.cause))


# --------------------------------------------------------------------------
# What a worker runs


@dataclass(frozen=True)
class RunContext:
    """Everything a worker needs besides its chunk; sent once per worker."""

    scenario: Scenario
    seed: int
    simulator: Callable
    alternates: Optional[str] = None
    #: what each replication is digested into before it leaves the worker.
    layout: Optional[Layout] = None


@dataclass(frozen=True)
class Chunk:
    """Consecutive replications: their indices, series flags and the run's root seed.

    The replications' seeds are made where the chunk runs (:attr:`seeds`), so a
    run of a million replications never holds a million seed objects.
    """

    indices: tuple[int, ...]
    series: tuple[bool, ...]
    root: np.random.SeedSequence

    @property
    def seeds(self) -> tuple[np.random.SeedSequence, ...]:
        """The seed of each replication: child ``i`` of the root (:func:`replication_seed`)."""
        return tuple(replication_seed(self.root, i) for i in self.indices)


def replication_seed(root: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """Child ``index`` of ``root``: the same sequence as ``root.spawn(n)[index]`` for any ``n > index``.

    >>> root = np.random.SeedSequence(7)
    >>> bool((replication_seed(root, 3).generate_state(4)
    ...       == np.random.SeedSequence(7).spawn(5)[3].generate_state(4)).all())
    True
    """
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, index),
                                  pool_size=root.pool_size)


def run_chunk(context: RunContext, chunk: Chunk) -> list[Digest]:
    """Simulate the replications of ``chunk`` and digest them; runs in a worker.

    Raises
    ------
    ReplicationError
        When a replication fails for any reason other than bad input.
    """
    results = []
    for index, seed, series in zip(chunk.indices, chunk.seeds, chunk.series):
        try:
            # only products' series are banded: parts' would be recorded and sent for nothing
            result = context.simulator(context.scenario, seed, index,
                                       series="products" if series else False,
                                       alternates=context.alternates)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported with the replication that failed
            raise ReplicationError(context.scenario.name, index, context.seed,
                                   f"{type(exc).__name__}: {exc}") from None
        results.append(digest(result, context.layout, series))
    return results


def default_simulator() -> Callable:
    """The discrete-event engine, :func:`riskmap.sim.engine.simulate`."""
    from riskmap.sim.engine import simulate

    return simulate


# --------------------------------------------------------------------------
# Chunking and series sampling


def chunk_size(replications: int, workers: int,
               events_per_replication: Optional[float] = None) -> int:
    """Replications per chunk: about :data:`CHUNKS_PER_WORKER` chunks per worker, at most
    :data:`MAX_CHUNK`, and at most :data:`CHUNK_EVENTS` estimated events (at least one).

    >>> chunk_size(200, 2), chunk_size(3, 8), chunk_size(1000, 1)
    (25, 1, 25)
    >>> chunk_size(10, 2), chunk_size(10, 2, events_per_replication=1.6e6)
    (2, 1)
    """
    size = min(MAX_CHUNK, math.ceil(replications / (max(1, workers) * CHUNKS_PER_WORKER)))
    if events_per_replication is not None and events_per_replication > 0:
        size = min(size, int(CHUNK_EVENTS // events_per_replication))
    return max(1, size)


def make_chunks(root: np.random.SeedSequence, replications: int, size: int,
                keep_series: frozenset[int]) -> list[Chunk]:
    """Consecutive chunks of ``size`` of the ``replications`` (the last may be shorter)."""
    chunks = []
    for start in range(0, replications, size):
        indices = tuple(range(start, min(start + size, replications)))
        chunks.append(Chunk(indices, tuple(i in keep_series for i in indices), root))
    return chunks


def series_times(horizon: float) -> np.ndarray:
    """Integer times at which bands are reported: ``0, s, 2s, ... <= horizon``.

    ``s`` is 1 unless the horizon has more than :data:`MAX_SERIES_POINTS`
    integer times, then the smallest stride that fits.

    >>> series_times(4).tolist(), len(series_times(3650))
    ([0, 1, 2, 3, 4], 366)
    """
    last = int(math.floor(horizon))
    stride = max(1, math.ceil((last + 1) / MAX_SERIES_POINTS))
    return np.arange(0, last + 1, stride)


def series_replications(replications: int, products: int, points: int) -> int:
    """How many replications' series are kept (see :class:`SeriesBands`)."""
    per_replication = 8 * len(SERIES_NAMES) * max(1, products) * max(1, points)
    cap = SERIES_MEMORY // per_replication
    cap = min(MAX_SERIES_REPLICATIONS, max(MIN_SERIES_REPLICATIONS, cap))
    return min(replications, cap)


def series_sample(replications: int, kept: int) -> frozenset[int]:
    """Indices ``floor(j * replications / kept)`` for ``j < kept``: all when ``kept == replications``.

    >>> sorted(series_sample(10, 4))
    [0, 2, 5, 7]
    """
    return frozenset((j * replications) // kept for j in range(kept))


# --------------------------------------------------------------------------
# Aggregation


@dataclass(frozen=True)
class RunSummary:
    """The outcome of a Monte Carlo run.

    Attributes
    ----------
    scenario : Scenario
        The scenario run (unchanged).
    seed : int
        Root seed used (the scenario's or the override).
    replications : int
        Number of replications.
    alternates : str
        ``auto`` or ``off``: whether alternates could take over.
    products, parts, suppliers : dict
        ``{id: {statistic name: Estimate}}``, ids sorted.
    fill_rate_pooled : dict
        ``{product id: Estimate}``: total units filled from stock / total
        units ordered over all replications (ratio estimator).
    bands : dict
        ``{product: {series: {p5..p95: array}}}`` at :attr:`times`.
    times : numpy.ndarray
        Integer times of the bands.
    series_replications : int
        How many replications the bands are computed on.
    samples : Samples
        Per-replication values (for paired comparisons and checks).
    events : int
        Simulation events processed over all replications.
    stock : dict
        ``{item id: {statistic name: Estimate}}`` of every product's and
        part's stock (:data:`riskmap.stats.STOCK_STATISTICS`), ids sorted.
    stock_totals : dict
        ``{name: Estimate}`` of :data:`riskmap.stats.STOCK_TOTAL_STATISTICS`,
        per replication summed over all items.
    classes : dict
        ``{product id: {class id: {statistic name: Estimate}}}`` for the
        products with customer classes (docs/customers.md), ids sorted.
    service : dict
        ``{product id: {statistic name: Estimate}}`` of the service statistics
        (updates, inquiries, compensation) of the products that model them.
    rules : dict
        ``{product id: {rule id: {statistic name: Estimate}}}`` of each
        compensation rule (offers, compensated orders, cost).
    """

    scenario: Scenario
    seed: int
    replications: int
    alternates: str
    products: dict[str, dict[str, Estimate]]
    parts: dict[str, dict[str, Estimate]]
    suppliers: dict[str, dict[str, Estimate]]
    fill_rate_pooled: dict[str, Estimate]
    bands: dict[str, dict]
    times: np.ndarray
    series_replications: int
    samples: Samples
    events: int
    #: per alert rule of the scenario, its :class:`~riskmap.alerts.AlertFigures` (in
    #: file order); empty without ``alerts:``.
    alerts: tuple = ()
    stock: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    stock_totals: dict[str, Estimate] = field(default_factory=dict)
    classes: dict[str, dict[str, dict[str, Estimate]]] = field(default_factory=dict)
    service: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    rules: dict[str, dict[str, dict[str, Estimate]]] = field(default_factory=dict)


def summarize(scenario: Scenario, seed: int, alternates: str, samples: Samples,
              series: SeriesBands) -> RunSummary:
    """Turn per-replication samples into estimates."""
    time_unit = scenario.network.time_unit
    tables = {}
    for subject in ("product", "part", "supplier"):
        per_id = samples.values.get(subject, {})
        tables[subject] = {
            item_id: {stat.name: stat.estimate(per_id[item_id][stat.name], time_unit)
                      for stat in STATISTICS[subject]}
            for item_id in sorted(per_id)
        }
    per_item = samples.values.get("item", {})
    stock = {item_id: {stat.name: stat.estimate(per_item[item_id][stat.name], time_unit)
                       for stat in STOCK_STATISTICS}
             for item_id in sorted(per_item)}
    classes: dict[str, dict[str, dict[str, Estimate]]] = {}
    per_class = samples.values.get("class", {})
    for pid, cid in sorted(per_class):
        classes.setdefault(pid, {})[cid] = {
            stat.name: stat.estimate(per_class[pid, cid][stat.name], time_unit)
            for stat in subject_statistics("class")}
    per_service = samples.values.get("service", {})
    service = {pid: {stat.name: stat.estimate(per_service[pid][stat.name], time_unit)
                     for stat in subject_statistics("service")
                     if any(v is not None for v in per_service[pid][stat.name])}
               for pid in sorted(per_service)}
    per_rule = samples.values.get("rule", {})
    rules: dict[str, dict[str, dict[str, Estimate]]] = {}
    for pid, rid in sorted(per_rule):
        rules.setdefault(pid, {})[rid] = {
            stat.name: stat.estimate(per_rule[pid, rid][stat.name], time_unit)
            for stat in subject_statistics("rule")}
    pooled = {pid: ratio_estimate(np.array(samples.filled[pid]), np.array(samples.ordered[pid]))
              for pid in sorted(samples.ordered)}
    return RunSummary(
        scenario=scenario, seed=seed, replications=samples.count, alternates=alternates,
        products=tables["product"], parts=tables["part"], suppliers=tables["supplier"],
        fill_rate_pooled=pooled, bands=series.bands(), times=series.times,
        series_replications=series.kept, samples=samples, events=samples.events,
        alerts=_alerts(samples, time_unit),
        stock=stock, stock_totals=stock_totals(samples, time_unit),
        classes=classes, service=service, rules=rules)


def _alerts(samples: Samples, time_unit: str) -> tuple:
    """The alert rules' figures across replications (none without rules)."""
    if not samples.layout.alerts:
        return ()
    from riskmap.alerts import alert_figures

    return alert_figures(samples.layout.alerts, samples.alerts, time_unit)


def stock_totals(samples: Samples, time_unit: str) -> dict[str, Estimate]:
    """Each of :data:`riskmap.stats.STOCK_TOTAL_STATISTICS`, per replication summed over all items."""
    per_item = samples.values.get("item", {})
    out = {}
    for name in STOCK_TOTAL_STATISTICS:
        columns = [per_item[item_id][name] for item_id in sorted(per_item)]
        sums = ([sum(v for v in row if v is not None) for row in zip(*columns)] if columns
                else [0.0] * samples.count)
        out[name] = statistic("item", name).estimate(sums, time_unit)
    return out


# --------------------------------------------------------------------------
# The run


def run_scenario(scenario: Scenario, *, replications: Optional[int] = None,
                 seed: Optional[int] = None, workers: Optional[int] = None,
                 executor=None, progress: Optional[ProgressCallback] = None,
                 alternates: Optional[str] = None, series: bool = True,
                 simulator: Optional[Callable] = None) -> RunSummary:
    """Run the Monte Carlo simulation of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    replications : int, optional
        Overrides ``scenario.replications``.
    seed : int, optional
        Overrides ``scenario.seed``.
    workers : int, optional
        Local processes when no ``executor`` is given (default one per CPU;
        1 runs in this process).
    executor : Executor, optional
        Where chunks run (:mod:`riskmap.run.executors`).
    progress : callable, optional
        ``progress(done, total)``, called in this process as replications finish.
    alternates : {"auto", "off"}, optional
        Overrides ``scenario.alternates``.
    series : bool
        Build the percentile bands of on-hand and backlog (default true).
    simulator : callable, optional
        ``simulator(scenario, seed_sequence, index, *, series, alternates)``
        (``series`` is ``"products"`` or False, as for
        :func:`~riskmap.sim.engine.simulate`) returning a :class:`~riskmap.sim.results.ReplicationResult`; defaults
        to :func:`riskmap.sim.engine.simulate`. Must be picklable (a
        module-level function) for process executors.

    Returns
    -------
    RunSummary
        Identical for any ``workers`` or ``executor``.

    Raises
    ------
    ReplicationError
        A replication failed; nothing has been written.
    KeyboardInterrupt
        Interrupted; pending work is cancelled before it propagates.

    Examples
    --------
    >>> summary = run_scenario(scenario, replications=50, workers=1)  # doctest: +SKIP
    >>> summary.products["ebike-pro"]["fill_rate"].mean  # doctest: +SKIP
    0.97
    """
    from riskmap.run.executors import make_executor

    n = scenario.replications if replications is None else int(replications)
    if n < 1:
        raise ValueError(f"replications(={n}) must be >= 1")
    root_seed = scenario.seed if seed is None else int(seed)
    mode = alternates or scenario.alternates
    executor = executor or make_executor(workers)
    times = series_times(scenario.horizon)
    layout = Layout.of(scenario.network, times, rule_plans(scenario))
    context = RunContext(scenario, root_seed, simulator or default_simulator(), mode, layout)

    products = layout.ids["product"]
    kept = series_replications(n, len(products), len(times)) if series else 0
    bands = SeriesBands(times, kept, products)
    keep = series_sample(n, kept) if kept else frozenset()

    check_memory(scenario, n)
    size = chunk_size(n, executor.workers, estimated_events(scenario, 1))
    chunks = make_chunks(np.random.SeedSequence(root_seed), n, size, keep)
    samples = Samples(layout)
    for ready, held in in_chunk_order(executor.run(run_chunk, context, chunks)):
        for record in ready:
            samples.add_digest(record)
            if record.index in keep:
                bands.add_rows(record.series)
        if progress is not None:
            progress(samples.count + held, n)
    return summarize(scenario, root_seed, mode, samples, bands)


def in_chunk_order(finished: Iterable[tuple[int, list]]) -> Iterator[tuple[list, int]]:
    """Put chunk results back in chunk order as they arrive in any order.

    For each ``(position, results)`` received, yields the results that can now
    be merged in replication order (possibly none) and the number of results
    held back because an earlier chunk has not finished yet.

    >>> [(len(r), held) for r, held in in_chunk_order([(1, [10, 11]), (0, [9]), (2, [12])])]
    [(0, 2), (3, 0), (1, 0)]
    """
    waiting: dict[int, list] = {}
    next_chunk = 0
    for position, results in finished:
        waiting[position] = results
        ready: list = []
        while next_chunk in waiting:
            ready.extend(waiting.pop(next_chunk))
            next_chunk += 1
        yield ready, sum(len(r) for r in waiting.values())
