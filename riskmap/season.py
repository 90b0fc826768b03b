"""The calendar of seasonal demand: model time to calendar periods, and the factor in force.

Time 0 is midnight at the start of the network's ``start`` date; a model time ``t``
is ``t`` time units later, a time unit being a fixed number of days
(:data:`DAYS_PER_UNIT`: a month is a twelfth of the mean Gregorian year, 30.436875
days, a year 365.2425 days). The calendar is the proleptic Gregorian one, computed
with whole-number arithmetic (:func:`day_number`), so it has no end year.

A :class:`~riskmap.model.Seasonality` then is a piecewise-constant function of model
time: the normalised factor of the calendar month (or weekday) in force, changing at
each month's first day (each midnight) at 00:00. :func:`factor_step` gives it as a
:class:`~riskmap.sim.calendar.Step` over ``[0, horizon)``, which the arrivals of
:mod:`riskmap.sim.demand` integrate, and :func:`mean_factor` its mean over a window.
"""

from __future__ import annotations

import datetime
import math
from functools import lru_cache
from typing import Optional

from riskmap.model import SEASON_PERIODS, Seasonality
from riskmap.sim.calendar import Step

#: Days in one time unit of each ``time_unit``.
DAYS_PER_UNIT = {
    "minute": 1.0 / 1440.0, "hour": 1.0 / 24.0, "day": 1.0, "week": 7.0,
    "month": 365.2425 / 12.0, "year": 365.2425,
}
#: Time units a ``by: weekday`` seasonality may be used with: a pattern inside each
#: time unit of a month or a year averages out before anything in the network sees it.
WEEKDAY_UNITS = ("minute", "hour", "day", "week")
#: How far from 1 the mean of the factors as written may be (each written to two
#: decimals, the rounding moves the mean by at most 0.005).
MEAN_TOLERANCE = 0.005


def day_number(date: datetime.date) -> int:
    """Days from 0000-03-01 to ``date`` in the proleptic Gregorian calendar.

    Only differences matter; whole-number arithmetic (H. Hinnant, "chrono-compatible
    low-level date algorithms", days_from_civil) keeps it valid past the year 9999.

    >>> day_number(datetime.date(2024, 3, 1)) - day_number(datetime.date(2024, 2, 1))
    29
    """
    return _days(date.year, date.month, date.day)


def _days(year: int, month: int, day: int) -> int:
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era


def factor_count_problem(by: str, count: int) -> Optional[str]:
    """Why ``count`` factors do not fit ``by`` (a message), or None."""
    wanted = SEASON_PERIODS[by]
    if count == wanted:
        return None
    first = "January to December" if by == "month" else "Monday to Sunday"
    return f"by: {by} takes {wanted} factors ({first}), got {count}"


def mean_problem(factors: tuple[float, ...]) -> Optional[str]:
    """Why the factors do not average 1 within :data:`MEAN_TOLERANCE` (with the fix), or None."""
    mean = math.fsum(factors) / len(factors)
    if abs(mean - 1.0) <= MEAN_TOLERANCE:
        return None
    if mean <= 0:
        return "the factors are all 0; give each period its share of the mean rate"
    fixed = ", ".join(_short(f / mean) for f in factors)
    return (f"the factors average {_short(mean)}, not 1 (within {MEAN_TOLERANCE}); "
            f"divided by their mean they are [{fixed}]")


def _short(x: float) -> str:
    """Three decimals, trailing zeros dropped: ``1.2``, ``0.917``."""
    text = f"{x:.3f}".rstrip("0").rstrip(".")
    return text or "0"


@lru_cache(maxsize=256)
def factor_step(seasonality: Seasonality, start: datetime.date, time_unit: str,
                horizon: float) -> Step:
    """The normalised factor in force as a function of model time, over ``[0, horizon)``.

    The value before 0 is the factor at 0; the last period's factor holds beyond the
    horizon. Consecutive periods with equal factors are one step (all factors 1: a
    constant step). Cached: every replication of a run asks for the same one.

    >>> s = factor_step(Seasonality("month", (2.0,) + (1.0,) * 10 + (0.0,)),
    ...                 datetime.date(2024, 1, 30), "day", 40.0)
    >>> s.times[1:], s.values
    ([2.0], [2.0, 1.0])
    """
    factors = seasonality.normalised
    unit = DAYS_PER_UNIT[time_unit]
    origin = day_number(start)
    if seasonality.by == "month":
        index = start.month - 1

        def next_edge(i: int) -> int:  # day offset of the first day of period i + 1
            month = start.month + i + 1  # 1-based number of period i + 1, past 12 into next years
            return _days(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1) - origin
    else:
        index = start.weekday()

        def next_edge(i: int) -> int:
            return i + 1
    times = [-math.inf]
    values = [factors[index]]
    period = 0
    while True:
        edge = next_edge(period) / unit
        if edge >= horizon:
            break
        period += 1
        value = factors[(index + period) % len(factors)]
        if value != values[-1]:
            times.append(edge)
            values.append(value)
    return Step(times, values)


def mean_factor(seasonality: Optional[Seasonality], start: datetime.date, time_unit: str,
                lo: float, hi: float) -> float:
    """The mean normalised factor over model times ``[lo, hi)`` (1 without seasonality).

    The orders expected in the window are ``rate x (hi - lo) x`` this.
    """
    if seasonality is None or hi <= lo:
        return 1.0
    step = factor_step(seasonality, start, time_unit, hi)
    edges = [t for t in step.times[1:] if lo < t < hi]
    points = [lo] + edges + [hi]
    total = math.fsum((b - a) * step(a) for a, b in zip(points, points[1:]))
    return total / (hi - lo)
