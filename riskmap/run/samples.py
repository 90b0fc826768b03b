"""Per-replication values of a Monte Carlo run: digested where they are simulated, kept compactly.

A worker turns each replication's :class:`~riskmap.sim.results.ReplicationResult`
into a :class:`Digest` before sending it back: every statistic of every
product, part and supplier as one float64 array and one array of type codes
per subject, in the order of the run's :class:`Layout` (sorted ids, then the
statistics of :func:`subject_statistics`), the units ordered and filled
per product, and, for a replication in the series sample, each product's
on-hand and backlog at the band times. A digest of a 1,000-product,
5,000-part, 1,000-supplier replication is about 0.28 MiB pickled (its result,
without series, 0.35 MiB); what it saves is work in the process that merges,
which appends arrays instead of reading every statistic out of every outcome
(about 37,000 values a replication at that size).

The merging process appends digests, in replication order, to
:class:`Samples` (one :class:`Column` per statistic and id, 9 bytes a value)
and to :class:`SeriesBands` (percentile bands over a bounded sample of
replications). Reading a column back gives exactly the Python objects the
statistic produced (``None``, ``int``, ``float``...), so estimates do not
depend on whether a value travelled through a digest.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import numpy as np

from riskmap.alerts.scoring import score_replication
from riskmap.stats.statistics import subject_statistics

#: the two series banded per product, and the percentiles of a band.
SERIES_NAMES = ("on_hand", "backlog")
BAND_PERCENTILES = (5, 25, 50, 75, 95)
#: the subjects of statistics, in the order digests hold them. ``item`` is every
#: product's and part's stock (:data:`riskmap.stats.STOCK_STATISTICS`). A ``class`` is one
#: customer class of a product (its id the pair ``(product, class)``), with the product
#: statistics. A ``service`` is a product with updates or inquiries, with the service
#: statistics. A ``rule`` is a compensation rule of a product (id ``(product, rule)``).
SUBJECTS = ("product", "part", "supplier", "item", "class", "service", "rule")


#: how :class:`Column` stores each value's Python type: code -> constructor.
_COLUMN_TYPES = (type(None), bool, int, float, np.float64, np.int64, np.bool_)
_COLUMN_CODES = {kind: code for code, kind in enumerate(_COLUMN_TYPES)}
#: the code of a value kept as an object (any other type, or an int a double cannot hold).
OTHER = len(_COLUMN_TYPES)
#: integers stored as floats above this would lose digits; they are kept aside.
_EXACT_INT = 2**53


def encode_value(value) -> tuple[float, int]:
    """``(double, type code)`` of one statistic value; code :data:`OTHER` keeps it as an object.

    >>> encode_value(3), encode_value(None), encode_value(0.5)
    ((3.0, 2), (0.0, 0), (0.5, 3))
    """
    code = _COLUMN_CODES.get(type(value))
    if code in (_COLUMN_CODES[int], _COLUMN_CODES[np.int64]) and abs(value) > _EXACT_INT:
        code = None
    if code is None:
        return 0.0, OTHER
    return (0.0 if value is None else float(value)), code


class Column(SequenceABC):
    """A list of per-replication values stored compactly: 9 bytes a value.

    A Python list of floats costs 32 bytes a value (the float object and the
    pointer to it); a run of 1,000 replications of a 1,000-product network
    holds tens of millions of them. A column keeps each value as a C double
    plus one byte naming its type (``None``, ``bool``, ``int``, ``float`` or
    the numpy scalars), so reading it back gives exactly the object appended,
    type included. Values of any other type (none are produced today) are
    kept as objects. It reads like a list: ``len``, indexing, iteration,
    ``==`` with a list, and :func:`numpy.asarray`.
    """

    __slots__ = ("_data", "_codes", "_other")

    def __init__(self, values: Iterable = ()):
        self._data = array("d")
        self._codes = bytearray()
        self._other: dict[int, object] = {}
        for value in values:
            self.append(value)

    def append(self, value) -> None:
        """Add ``value`` at the end."""
        number, code = encode_value(value)
        self.push(number, code, value)

    def push(self, number: float, code: int, value=None) -> None:
        """Add an encoded value (:func:`encode_value`); ``value`` is the object when ``code`` is :data:`OTHER`."""
        if code == OTHER:
            self._other[len(self._codes)] = value
        self._codes.append(code)
        self._data.append(number)

    def __len__(self) -> int:
        return len(self._codes)

    def _value(self, i: int):
        code = self._codes[i]
        if code == 0:
            return None
        if code == OTHER:
            return self._other[i]
        return _COLUMN_TYPES[code](self._data[i])

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._value(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("column index out of range")
        return self._value(i)

    def __iter__(self) -> Iterator:
        kinds = set(self._codes)
        if len(kinds) == 1 and kinds <= {_COLUMN_CODES[float], _COLUMN_CODES[int]}:
            # the common case, one type throughout: convert in C, not value by value
            values = self._data.tolist()
            return iter(values) if kinds == {_COLUMN_CODES[float]} else map(int, values)
        return (self._value(i) for i in range(len(self._codes)))

    def __eq__(self, other) -> bool:
        if isinstance(other, (Column, list, tuple)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable, like a list

    def __repr__(self) -> str:
        return f"Column({list(self)!r})"

    def __array__(self, dtype=None, copy=None):
        floats = (_COLUMN_CODES[float], _COLUMN_CODES[np.float64])
        if np.dtype(dtype or float) == np.float64 and all(c in floats for c in set(self._codes)):
            # the common case, without building a Python object per value
            return np.array(self._data, dtype=np.float64)
        return np.array(list(self), dtype=dtype)

    def __reduce__(self):
        return (Column, (list(self),))


# --------------------------------------------------------------------------
# Digests


@dataclass(frozen=True)
class Layout:
    """Which ids a run's digests hold, in order, and the band times; fixed for the whole run.

    ``ids[subject]`` is the sorted ids of the network's products, parts,
    suppliers or items (products and parts together), and the sorted
    ``(product, class)`` pairs of its products' customer classes; every id has
    the statistics of :func:`subject_statistics`.
    """

    ids: dict[str, tuple[str, ...]]
    times: np.ndarray
    #: the scenario's alert rules (:func:`riskmap.alerts.rule_plans`), scored per replication.
    alerts: tuple = ()

    @classmethod
    def of(cls, network, times, alerts: tuple = ()) -> "Layout":
        """The layout of a run of ``network`` with bands at ``times`` and alert rules ``alerts``."""
        return cls(ids={"product": tuple(sorted(i.id for i in network.products)),
                        "part": tuple(sorted(i.id for i in network.parts)),
                        "supplier": tuple(sorted(s.id for s in network.suppliers)),
                        "item": tuple(sorted(i.id for i in network.items)),
                        "class": tuple(sorted((p.id, c.id) for p in network.products
                                              if p.demand is not None
                                              for c in p.demand.classes)),
                        "service": tuple(sorted(p.id for p in network.products
                                                if p.updates or p.inquiries or p.compensation)),
                        "rule": tuple(sorted((p.id, r.id) for p in network.products
                                             for r in p.compensation))},
                   times=np.asarray(times), alerts=tuple(alerts))


@dataclass(frozen=True)
class Digest:
    """What one replication contributes to a run's statistics (see the module docstring).

    Attributes
    ----------
    index : int
        The replication.
    events : int
        Events it processed.
    values, codes : dict
        ``{subject: float64 array}`` and ``{subject: uint8 array}``: every
        statistic of every id, in layout order (:func:`encode_value`).
    other : dict
        ``{"subject:position": value}`` for values kept as objects (code
        :data:`OTHER`); normally empty.
    ordered, filled : numpy.ndarray
        Units ordered and units filled from stock per product, in layout order.
    series : dict
        ``{series name: {product: int64 row at the band times}}``; empty for a
        replication outside the series sample.
    alerts : dict
        ``{rule id: AlertOutcome}`` without the exact times; empty without alert rules.
    """

    index: int
    events: int
    values: dict[str, np.ndarray]
    codes: dict[str, np.ndarray]
    other: dict[str, Any]
    ordered: np.ndarray
    filled: np.ndarray
    series: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    alerts: dict[str, Any] = field(default_factory=dict)


def digest(result, layout: Layout, series: bool) -> Digest:
    """The digest of one replication's result (runs in the worker).

    Raises
    ------
    ValueError
        When the result names an id the layout does not (a simulator out of
        step with its network).
    """
    values, codes, other = {}, {}, {}
    items = {**result.parts, **result.products}
    classes = {(pid, cid): outcome for pid, per_class in result.classes.items()
               for cid, outcome in per_class.items()}
    for subject, outcomes in (("product", result.products), ("part", result.parts),
                              ("supplier", result.suppliers), ("item", items),
                              ("class", classes), ("service", result.service),
                              ("rule", {(pid, rid): o for pid, per_rule in result.rules.items()
                                        for rid, o in per_rule.items()})):
        ids = layout.ids.get(subject, ())
        unknown = set(outcomes) - set(ids)
        if unknown:
            raise ValueError(f"result has {subject}s not in the network: {sorted(unknown)[:5]}")
        stats = subject_statistics(subject)
        numbers, kinds = [], []
        for item_id in ids:
            outcome = outcomes.get(item_id)
            for stat in stats:
                value = stat.value(outcome) if outcome is not None else None
                number, code = encode_value(value)
                if code == OTHER:
                    other[f"{subject}:{len(kinds)}"] = value
                numbers.append(number)
                kinds.append(code)
        values[subject] = np.array(numbers, dtype=np.float64)
        codes[subject] = np.array(kinds, dtype=np.uint8)
    products = layout.ids["product"]
    ordered = np.array([_units(result.products, p, "ordered_units") for p in products],
                       dtype=np.int64)
    filled = np.array([_units(result.products, p, "filled_from_stock_units") for p in products],
                      dtype=np.int64)
    rows = series_rows(result, products, layout.times) if series else {}
    alerts = score_replication(layout.alerts, result, keep_times=False) if layout.alerts else {}
    return Digest(int(result.index), int(result.events), values, codes, other, ordered,
                  filled, rows, alerts)


def _units(outcomes: dict, product: str, name: str) -> int:
    outcome = outcomes.get(product)
    return int(getattr(outcome, name)) if outcome is not None else 0


def series_rows(result, products: Iterable[str], times: np.ndarray) -> dict[str, dict]:
    """Each product's on-hand and backlog at ``times`` (the last value beyond the series' end)."""
    rows: dict[str, dict] = {}
    for name in SERIES_NAMES:
        series = getattr(result, name)
        for product in products:
            values = series.get(product)
            if values is None:
                continue
            values = np.asarray(values)
            picked = values[times[times < len(values)]]
            row = np.full(len(times), picked[-1] if len(picked) else 0, dtype=np.int64)
            row[:len(picked)] = np.rint(picked)
            rows.setdefault(name, {})[product] = _narrow(row)
    return rows


def _narrow(row: np.ndarray) -> np.ndarray:
    """``row`` as int32 when every value fits (half the memory of kept series), else as is."""
    info = np.iinfo(np.int32)
    if len(row) and info.min <= row.min() and row.max() <= info.max:
        return row.astype(np.int32)
    return row


# --------------------------------------------------------------------------
# Merging


@dataclass
class SeriesBands:
    """Percentile bands of on-hand and backlog per product over time.

    Method: the series of a fixed, evenly spread sample of replications are
    kept (:func:`riskmap.run.montecarlo.series_sample`), at the times of
    :func:`riskmap.run.montecarlo.series_times`, and
    the percentiles of each time point are taken over them (numpy's linear
    method). The sample is all replications when there are at most
    :func:`riskmap.run.montecarlo.series_replications` of them, so the bands are exact; above that
    they are computed on a systematic sample, which is an unbiased sample
    because replications are independent and identically distributed and
    their index carries no information. The sample depends only on the number
    of replications, never on workers or chunking.

    Memory: at most 8 bytes (4 when the values fit in 32 bits, as stock
    levels do) x 2 series x kept replications per product per time point,
    capped at :data:`riskmap.run.montecarlo.SERIES_MEMORY` in total (and
    at least :data:`riskmap.run.montecarlo.MIN_SERIES_REPLICATIONS` replications).
    """

    times: np.ndarray
    kept: int
    products: tuple[str, ...]
    _rows: dict[str, dict[str, list[np.ndarray]]] = field(default_factory=dict)

    def add_rows(self, rows: dict[str, dict[str, np.ndarray]]) -> None:
        """Keep one replication's rows at the band times (:func:`series_rows`)."""
        for name in SERIES_NAMES:
            for product, row in rows.get(name, {}).items():
                self._rows.setdefault(product, {}).setdefault(name, []).append(row)

    def bands(self) -> dict[str, dict]:
        """``{product: {series: {p5: [...], ..., p95: [...]}}}`` (products with series only)."""
        out: dict[str, dict] = {}
        for product in sorted(self._rows):
            out[product] = {}
            for name in SERIES_NAMES:
                rows = self._rows[product].get(name)
                if not rows:
                    continue
                table = np.percentile(np.vstack(rows), BAND_PERCENTILES, axis=0)
                out[product][name] = {f"p{q}": table[k] for k, q in enumerate(BAND_PERCENTILES)}
        return out


@dataclass
class Samples:
    """Per-replication values of every statistic, in replication order.

    ``values[subject][id][statistic name]`` is a list-like :class:`Column`
    with one entry per replication (``None`` where the statistic is
    undefined in it); so are ``ordered[product]`` and ``filled[product]``.
    Built for one :class:`Layout`: every id of the network has its columns
    from the start.
    """

    layout: Layout
    values: dict[str, dict[str, dict[str, Column]]] = field(default_factory=dict)
    ordered: dict[str, Column] = field(default_factory=dict)
    filled: dict[str, Column] = field(default_factory=dict)
    events: int = 0
    count: int = 0
    #: per alert rule, its outcome in each replication (empty without alert rules).
    alerts: dict[str, list] = field(default_factory=dict)
    #: per subject, the columns in layout order (the order of a digest's values).
    _flat: dict[str, list[Column]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for subject in SUBJECTS:
            table = self.values.setdefault(subject, {})
            flat = self._flat.setdefault(subject, [])
            for item_id in self.layout.ids.get(subject, ()):
                row = table.setdefault(item_id, {})
                for stat in subject_statistics(subject):
                    flat.append(row.setdefault(stat.name, Column()))
        for product in self.layout.ids["product"]:
            self.ordered.setdefault(product, Column())
            self.filled.setdefault(product, Column())

    def add_digest(self, record: Digest) -> None:
        """Record the scalars of the next replication from its digest."""
        for subject in SUBJECTS:
            if subject not in record.values:  # a digest without customer classes
                continue
            for column, number, code in zip(self._flat[subject], record.values[subject].tolist(),
                                            record.codes[subject].tolist()):
                column.push(number, code)
        for key, value in record.other.items():
            subject, position = key.split(":")
            column = self._flat[subject][int(position)]
            column._other[len(column) - 1] = value
        for product, ordered, filled in zip(self.layout.ids["product"], record.ordered.tolist(),
                                            record.filled.tolist()):
            self.ordered[product].append(ordered)
            self.filled[product].append(filled)
        for rule, outcome in record.alerts.items():
            self.alerts.setdefault(rule, []).append(outcome)
        self.events += record.events
        self.count += 1
