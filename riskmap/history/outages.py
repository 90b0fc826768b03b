"""Fitting each supplier's recurring outages from a table of past events.

The table (CSV, a header row naming ``supplier``, ``start`` and ``end``, in any
order; other columns are ignored) lists past outages, one a row. Times are
numbers in the network's time unit, or ISO dates (``2024-03-01``), counted in
days; a table uses one or the other. Outages of one supplier that overlap or
touch merge into one, as the simulator merges them.

The model is the one ``every`` simulates (docs/simulation.md, "Recurring up and
down"): each supplier alternates up and down, its up times exponential, its
down times from a fitted distribution. Over the observation window ``[t0, t1]``
(by default from the first start to the last end of the whole table; give it
when the records cover a longer period, or suppliers without an outage look
safer than they are and the first outage seems to come at once), for a
supplier with ``n`` outages starting in the window and down ``D`` of it:

* the mean up time (``every``) is ``(t1 - t0 - D) / n``: the maximum likelihood
  estimate of an exponential mean from the up time observed, the last up
  period cut off by the window's end (Lawless, *Statistical Models and Methods
  for Lifetime Data*, 2nd ed., 2003, section 2.2: censored exponential data);
  its standard error is about ``mean / sqrt(n)``;
* the ``rate`` form is ``n / (t1 - t0)``: the Poisson rate of starts over the
  whole window, which is what ``rate`` simulates (starts whatever the state);
* the duration is lognormal by maximum likelihood (``mu`` and ``sigma`` the
  mean and the standard deviation, ``ddof=0``, of the log durations) written
  as the mean and standard deviation of the value itself
  (``exp(mu + sigma^2 / 2)``, times ``sqrt(exp(sigma^2) - 1)``); with one
  outage, or all of them equally long, a constant.

An outage still going on at the window's end counts with the part inside it.

>>> events = [Event("acme", 10.0, 14.0), Event("acme", 50.0, 56.0)]
>>> fit = fit_outages(events, window=(0.0, 100.0))[0]
>>> fit.outages, fit.down, fit.every.mean
(2, 10.0, 45.0)
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from riskmap.dists import Constant, Dist, Exponential, LogNormal
from riskmap.errors import Diagnostic, InputError, Pos
from riskmap.load.schema import ID_PATTERN, MAX_ID_LENGTH

#: columns the table must have.
COLUMNS = ("supplier", "start", "end")
#: significant digits of the fitted parameters as written.
DIGITS = 6
#: the forms a fit can be written in (the ``kind: outage`` keys they use).
FORMS = ("every", "rate")


@dataclass(frozen=True)
class Event:
    """One past outage: ``supplier`` down over ``[start, end)``; ``pos`` its row."""

    supplier: str
    start: float
    end: float
    pos: Pos = Pos("<memory>")


@dataclass(frozen=True)
class OutageFit:
    """The fitted outages of one supplier (see the module docstring).

    Attributes
    ----------
    supplier : str
    outages : int
        Outages that started in the window (after merging).
    observed : float
        The window's length.
    down : float
        Time down inside the window.
    every : Dist
        Up time between outages: exponential with the fitted mean.
    rate : float
        Outages per time unit over the window (the ``rate`` form).
    duration : Dist
        Down time: lognormal, or a constant with one outage or equal ones.
    """

    supplier: str
    outages: int
    observed: float
    down: float
    every: Dist
    rate: float
    duration: Dist


def read_events(path: str, text: str) -> tuple[list[Event], bool]:
    """The events of a CSV table, and whether its times were dates (then in days).

    Raises :class:`InputError` with the row and column of every bad value.
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError([Diagnostic(Pos(path, 1, 1), "empty table; the first row names the "
                                                       "columns supplier, start, end")])
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError([Diagnostic(Pos(path, 1, 1), f"the first row must name the columns "
                                                       f"{', '.join(COLUMNS)}; missing "
                                                       f"{', '.join(missing)}")])
    where = {c: header.index(c) for c in COLUMNS}
    problems: list[Diagnostic] = []
    parsed = []
    dates = None
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: row[i].strip() if i < len(row) else "" for c, i in where.items()}
        pos = {c: Pos(path, number, _column(row, where[c])) for c in COLUMNS}
        supplier = cells["supplier"]
        if not ID_PATTERN.match(supplier) or len(supplier) > MAX_ID_LENGTH:
            problems.append(Diagnostic(pos["supplier"], f"supplier: expected a supplier id "
                                                        f"(letters, digits, '_', '.', '-'), got "
                                                        f"{supplier!r}"))
            continue
        times = []
        for column in ("start", "end"):
            value, is_date = _time(cells[column])
            if value is None:
                problems.append(Diagnostic(pos[column], f"{column}: expected a number or an "
                                                        f"ISO date such as 2024-03-01, got "
                                                        f"{cells[column]!r}"))
                break
            if dates is None:
                dates = is_date
            elif dates != is_date:
                problems.append(Diagnostic(pos[column], f"{column}: {cells[column]!r} mixes "
                                                        "dates and numbers; use one or the other "
                                                        "in the whole table"))
                break
            times.append(value)
        else:
            if times[1] <= times[0]:
                problems.append(Diagnostic(pos["end"], f"end ({cells['end']}) must be after "
                                                       f"start ({cells['start']})"))
                continue
            parsed.append(Event(supplier, times[0], times[1], Pos(path, number, 1)))
    if problems:
        raise InputError(problems)
    if not parsed:
        raise InputError([Diagnostic(Pos(path, 1, 1), "the table lists no outage")])
    return parsed, bool(dates)


def _column(row: Sequence[str], index: int) -> int:
    """The 1-based column of cell ``index`` of a CSV row (commas counted, no quoting)."""
    return sum(len(cell) + 1 for cell in row[:index]) + 1


#: the origin of dates: times in days are counted from it (only differences matter).
EPOCH = datetime.date(2000, 1, 1)


def _time(text: str) -> tuple[Optional[float], bool]:
    """``text`` as a time: a finite number, or an ISO date in days from :data:`EPOCH`."""
    try:
        value = float(text)
        return (value, False) if math.isfinite(value) else (None, False)
    except ValueError:
        pass
    try:
        return float((datetime.date.fromisoformat(text) - EPOCH).days), True
    except ValueError:
        return None, True


def parse_time(text: str, dates: bool) -> Optional[float]:
    """A window bound as the table's times are (a date when the table holds dates)."""
    value, is_date = _time(text)
    return value if value is not None and is_date == dates else None


def fit_outages(events: Sequence[Event],
                window: Optional[tuple[float, float]] = None) -> list[OutageFit]:
    """Each supplier's fitted outages, by supplier id (see the module docstring).

    Parameters
    ----------
    events : sequence of Event
    window : (float, float), optional
        The observation window; by default from the first start to the last end.

    Raises
    ------
    ValueError
        When an event starts outside the window, or the window is empty.
    """
    t0 = min(e.start for e in events) if window is None else window[0]
    t1 = max(e.end for e in events) if window is None else window[1]
    if not t1 > t0:
        raise ValueError(f"the observation window [{t0:g}, {t1:g}] is empty")
    outside = [e for e in events if not t0 <= e.start < t1]
    if outside:
        raise ValueError(f"{outside[0].pos}: the outage of {outside[0].supplier!r} starts "
                         f"outside the observation window [{t0:g}, {t1:g}]")
    by_supplier: dict[str, list[tuple[float, float]]] = {}
    for e in events:
        by_supplier.setdefault(e.supplier, []).append((e.start, min(e.end, t1)))
    fits = []
    for supplier in sorted(by_supplier):
        merged = _merged(by_supplier[supplier])
        durations = np.array([b - a for a, b in merged])
        down = float(durations.sum())
        n = len(merged)
        fits.append(OutageFit(
            supplier=supplier, outages=n, observed=t1 - t0, down=down,
            every=Exponential(_significant((t1 - t0 - down) / n)),
            rate=_significant(n / (t1 - t0)), duration=lognormal_fit(durations)))
    return fits


def _merged(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def lognormal_fit(durations: np.ndarray) -> Dist:
    """The maximum-likelihood lognormal of positive ``durations``, as its mean and sd.

    A constant (their mean) with fewer than two, or when they are all equal.

    >>> lognormal_fit(np.array([2.0, 2.0]))
    Constant(value=2.0)
    """
    logs = np.log(durations)
    sigma2 = float(logs.var()) if len(logs) > 1 else 0.0
    if sigma2 <= 0.0:
        return Constant(_significant(float(durations.mean())))
    mean = math.exp(float(logs.mean()) + sigma2 / 2)
    return LogNormal(_significant(mean), _significant(mean * math.sqrt(math.expm1(sigma2))))


def _significant(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def scenario_lines(fits: Sequence[OutageFit], form: str = "every", source: str = "",
                   time_unit: str = "day") -> str:
    """The fits as the ``disruptions:`` block of a scenario file (YAML text).

    One ``kind: outage`` per supplier, id ``<supplier>-outages``, with ``every``
    (the alternating form) or ``rate`` (Poisson starts), and ``duration``.
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, got {form!r}")
    observed = fits[0].observed if fits else 0.0
    head = f"# fitted by riskmap fit-disruptions{' from ' + source if source else ''}: "
    lines = [head + f"{len(fits)} supplier(s) observed over {observed:g} {time_unit}s",
             "disruptions:"]
    for fit in fits:
        lines += [
            f"  - id: {fit.supplier}-outages    # {fit.outages} outage(s), down "
            f"{fit.down:g} of {fit.observed:g}",
            "    kind: outage",
            f"    target: {{supplier: {fit.supplier}}}",
            f"    every: {_flow(fit.every)}" if form == "every" else f"    rate: {fit.rate:g}",
            f"    duration: {_flow(fit.duration)}",
        ]
    return "\n".join(lines) + "\n"


def _flow(dist: Dist) -> str:
    """A distribution in YAML flow style, as a file writes it."""
    spec = dist.to_spec()
    if not isinstance(spec, dict):
        return f"{spec:g}"
    return "{" + ", ".join(f"{k}: {v:g}" if not isinstance(v, str) else f"{k}: {v}"
                           for k, v in spec.items()) + "}"
