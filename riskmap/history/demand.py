"""A product's demand fitted from its sales history, and a backtest of the fit.

:func:`fit_demand` turns the order lines of one product into the ``demand:``
mapping of a network file (rate, size and, when the history shows it,
seasonality) and says how well that demand would have forecast the end of the
history. Every rule is in docs/import.md, "How demand is fitted"; in short:

* **Exposure.** Every day from ``first`` to ``last`` (the span of the whole sales
  table) counts, with or without an order: a day without an order is a day of
  zero demand. The order rate is orders per day of the span, never per day with
  an order, so intermittent demand comes out right. A product whose first order
  comes long after ``first`` is averaged over the whole span all the same (its
  launch is the planner's to know); :meth:`DemandFit.describe` says so.
* **The model.** Daily order counts are Poisson with
  ``log mean = level + trend x years + month effect + weekday effect``
  (:mod:`riskmap.history.glm`). Each term is tested by the likelihood ratio
  against the model without it, at :data:`SIGNIFICANCE`: the month of the year
  only with at least a year of history, the weekday with at least
  :data:`MIN_WEEKDAY_DAYS` days.
* **Seasonality** is kept when significant, its factors the term's effects
  divided by their mean. One ``seasonality`` per demand: when both are
  significant the stronger for stock is kept, the month of the year (a weekday
  pattern changes no whole week's total, so none of the demand over a lead
  time of weeks), and the weekday pattern is reported.
* **Trend** has no file key: a significant one is reported, and the rate is then
  the level on the last day of the history instead of the mean over it.
* **Size**: :mod:`riskmap.history.sizes`.
* **Backtest**: the same fit on the history without its last
  :data:`BACKTEST_WEEKS` weeks forecasts the weekly units of those weeks;
  WAPE, MASE and bias compare the forecast with what was sold.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from riskmap.history import glm
from riskmap.history.sizes import SizeFit, fit_sizes
from riskmap.model import Seasonality

#: The level of every test of the fit (month, weekday, trend).
SIGNIFICANCE = 0.01
#: History needed for the month of the year to be tested: every month seen once.
MIN_MONTH_DAYS = 365
#: History needed for the weekday to be tested: every weekday seen four times.
MIN_WEEKDAY_DAYS = 28
#: Weeks held out at the end of the history for the backtest ...
BACKTEST_WEEKS = 8
#: ... and the whole weeks the fit needs before them for one.
MIN_TRAINING_WEEKS = 8
DAYS_PER_YEAR = 365.2425
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class SeasonTest:
    """The test of one seasonal term: which, its test, and its normalised factors."""

    by: str  # "month" or "weekday"
    test: glm.TermTest
    factors: tuple[float, ...]


@dataclass(frozen=True)
class Backtest:
    """The forecast of the last weeks of the history by a fit on the weeks before.

    ``forecast`` and ``actual`` are weekly units, oldest first. ``wape`` is
    ``sum |actual - forecast| / sum actual``; ``mase`` the mean absolute error over
    the in-sample mean absolute change of weekly units (one-step naive, Hyndman &
    Koehler 2006); ``bias`` is ``sum (forecast - actual) / sum actual`` (above 0:
    the forecast was too high). Each is None where its denominator is 0.
    """

    start: datetime.date
    forecast: tuple[float, ...]
    actual: tuple[int, ...]
    wape: Optional[float]
    mase: Optional[float]
    bias: Optional[float]


@dataclass(frozen=True)
class DemandFit:
    """The demand fitted from one product's order lines (see the module docstring).

    Rates are orders per day; ``weekly_units`` and ``fitted_weekly_units`` cover the
    whole weeks of the span counted back from ``last`` (oldest first), for the page.
    """

    product: str
    first: datetime.date
    last: datetime.date
    days: int
    orders: int
    units: int
    order_days: int  # days with at least one order
    first_order: Optional[datetime.date]
    rate: float  # the rate written: the mean over the span, or the last level under a trend
    mean_rate: float  # orders / days
    size: SizeFit
    seasonality: Optional[Seasonality]
    month: Optional[SeasonTest]
    weekday: Optional[SeasonTest]
    trend: Optional[glm.TermTest]
    trend_per_year: Optional[float]  # relative change of the rate a year, when tested
    backtest: Optional[Backtest]
    weekly_units: tuple[int, ...] = field(default=(), repr=False)
    fitted_weekly_units: tuple[float, ...] = field(default=(), repr=False)

    # ---------------------------------------------------------------- derived figures

    @property
    def trend_kept(self) -> bool:
        """Whether the trend is significant (and the rate is the last level)."""
        return self.trend is not None and self.trend.significant(SIGNIFICANCE)

    @property
    def wape(self) -> Optional[float]:
        return self.backtest.wape if self.backtest else None

    @property
    def mase(self) -> Optional[float]:
        return self.backtest.mase if self.backtest else None

    @property
    def bias(self) -> Optional[float]:
        return self.backtest.bias if self.backtest else None

    # ---------------------------------------------------------------- outputs

    def demand_mapping(self) -> dict:
        """The ``demand:`` mapping of a network file (``time_unit: day``).

        ``rate`` in orders per day, ``size`` a whole number or a distribution,
        ``seasonality`` only when the history shows one (factors to three decimals,
        averaging 1 within the validator's tolerance).

        >>> d = datetime.date
        >>> fit_demand([(d(2024, 1, 1), 2), (d(2024, 1, 3), 2)], first=d(2024, 1, 1),
        ...            last=d(2024, 1, 10)).demand_mapping()
        {'rate': 0.2, 'size': 2}
        """
        mapping: dict[str, Any] = {"rate": _significant(self.rate), "size": self.size.spec}
        if self.seasonality is not None:
            mapping["seasonality"] = {"by": self.seasonality.by,
                                      "factors": list(self.seasonality.factors)}
        return mapping

    def describe(self) -> list[str]:
        """What was fitted and how well, one line each (what ``riskmap import`` prints)."""
        name = self.product or "demand"
        lines = [f"{name}: {self.orders:,} orders, {self.units:,} units over {self.days:,} days "
                 f"({self.first.isoformat()} to {self.last.isoformat()}): "
                 f"{_number(self.mean_rate)} orders a day; "
                 f"{_percent(1 - self.order_days / self.days)} of days without an order"]
        if self.first_order is not None and (self.first_order - self.first).days > \
                max(BACKTEST_WEEKS * 7, self.days // 10):
            lines.append(f"  first order on {self.first_order.isoformat()}, "
                         f"{(self.first_order - self.first).days} days into the table: the rate "
                         "counts every day of the table; if the product was launched then, "
                         "trim the table or raise the rate")
        lines.append("  order size: " + self._size_line())
        lines += self._season_lines()
        lines.append("  " + self._trend_line())
        lines.append("  " + self._backtest_line())
        return lines

    def _size_line(self) -> str:
        s = self.size
        if not self.orders:
            return "no order lines: 1 unit an order"
        if s.rule == "constant":
            return f"every line {s.spec} unit{'' if s.spec == 1 else 's'}"
        if s.rule == "empirical":
            values = s.spec["values"]
            return (f"empirical over {len(values)} quantities ({values[0]} to {values[-1]}), "
                    f"mean {_number(s.mean)} from {self.orders:,} lines")
        return (f"gamma (mean {s.spec['mean']:g}, sd {s.spec['sd']:g}) fitted to {self.orders:,} "
                f"lines of mean {_number(s.mean)}, sd {_number(s.sd)} (too few lines or too many "
                f"distinct quantities for an empirical one); drawn and rounded its mean is "
                f"{_number(s.drawn_mean)}")

    def _season_lines(self) -> list[str]:
        lines = []
        kept = self.seasonality.by if self.seasonality is not None else None
        for season, needed in ((self.month, MIN_MONTH_DAYS), (self.weekday, MIN_WEEKDAY_DAYS)):
            by = "month" if needed == MIN_MONTH_DAYS else "weekday"
            if season is None:
                lines.append(f"  seasonality by {by}: not tested (needs {needed} days of history)")
                continue
            test = f"likelihood ratio {season.test.statistic:.1f} on {season.test.df} df, " \
                   f"{_p(season.test.p_value)}"
            names = MONTHS if by == "month" else WEEKDAYS
            shown = self.seasonality.factors if by == kept else season.factors
            factors = " ".join(f"{n} {f:.2f}" for n, f in zip(names, shown))
            if by == kept:
                lines.append(f"  seasonality by {by}: kept ({test}): {factors}")
            elif season.test.significant(SIGNIFICANCE):
                lines.append(f"  seasonality by {by}: also significant ({test}) but not written "
                             f"(a demand has one seasonality; the {kept} one changes weekly "
                             f"demand, a weekday one does not): {factors}")
            else:
                lines.append(f"  seasonality by {by}: none ({test}, level {SIGNIFICANCE})")
        return lines

    def _trend_line(self) -> str:
        if self.trend is None:
            return "trend: not tested (no orders)"
        sign = "+" if self.trend_per_year > 0 else ""
        change = f"{sign}{_percent(self.trend_per_year)} a year"
        test = f"{_p(self.trend.p_value)}"
        if self.trend_kept:
            return (f"trend: {change} ({test}); riskmap has no trend key, so the rate written "
                    f"is the level on the last day, {_number(self.rate)} orders a day")
        return f"trend: none significant ({change}, {test})"

    def _backtest_line(self) -> str:
        b = self.backtest
        if b is None:
            return (f"backtest: history too short (needs {BACKTEST_WEEKS + MIN_TRAINING_WEEKS} "
                    f"weeks)")
        wape = _percent(b.wape) if b.wape is not None else "n/a (nothing sold)"
        mase = f"{b.mase:.2f}" if b.mase is not None else "n/a (flat weekly history)"
        bias = f"{'+' if b.bias > 0 else ''}{_percent(b.bias)}" if b.bias is not None else "n/a"
        return (f"backtest: fitted without the last {BACKTEST_WEEKS} weeks (from "
                f"{b.start.isoformat()}), weekly units forecast with WAPE {wape}, "
                f"MASE {mase}, bias {bias}")


# --------------------------------------------------------------------------- the fit


def fit_demand(orders: Sequence[tuple[datetime.date, int]], *, first: datetime.date,
               last: datetime.date, product: str = "") -> DemandFit:
    """Fit a product's demand to its order lines.

    Parameters
    ----------
    orders : sequence of (date, quantity)
        One entry per customer order line, in any order; several lines a day are
        several orders. Quantities are whole numbers >= 1.
    first, last : datetime.date
        The first and last day of the whole sales table (both counted): days
        without an order inside it are days of zero demand.
    product : str
        The product's id, for :meth:`DemandFit.describe` and the page.

    Raises
    ------
    ValueError
        ``last`` before ``first``, a date outside them, or a quantity below 1.
    """
    if last < first:
        raise ValueError(f"the last day {last.isoformat()} is before the first "
                         f"{first.isoformat()}")
    for date, quantity in orders:
        if not first <= date <= last:
            raise ValueError(f"order on {date.isoformat()} outside the span "
                             f"{first.isoformat()} to {last.isoformat()}")
        if isinstance(quantity, bool) or not isinstance(quantity, (int, np.integer)) \
                or quantity < 1:
            raise ValueError(f"order on {date.isoformat()}: quantity {quantity!r} is not a "
                             "whole number >= 1")
    history = _History.of(orders, first, last)
    model = _fit_counts(history)
    backtest = _backtest(orders, first, last)
    sizes = fit_sizes(sorted(int(q) for _, q in orders))
    weekly = history.weekly(history.units)
    fitted = history.weekly(model.daily_rates(history) * sizes.drawn_mean)
    dates = [d for d, _ in orders]
    return DemandFit(
        product=product, first=first, last=last, days=history.days, orders=len(orders),
        units=int(sum(int(q) for _, q in orders)), order_days=int(np.count_nonzero(history.counts)),
        first_order=min(dates) if dates else None, rate=model.rate,
        mean_rate=len(orders) / history.days, size=sizes, seasonality=model.seasonality,
        month=model.month, weekday=model.weekday, trend=model.trend,
        trend_per_year=model.trend_per_year, backtest=backtest,
        weekly_units=tuple(int(u) for u in weekly),
        fitted_weekly_units=tuple(float(u) for u in fitted),
    )


@dataclass(frozen=True)
class _History:
    """Daily order counts and units over the span, with each day's calendar."""

    first: datetime.date
    counts: np.ndarray
    units: np.ndarray
    months: np.ndarray  # 0 = January
    weekdays: np.ndarray  # 0 = Monday

    @classmethod
    def of(cls, orders, first: datetime.date, last: datetime.date) -> "_History":
        days = (last - first).days + 1
        counts = np.zeros(days)
        units = np.zeros(days)
        for date, quantity in orders:
            i = (date - first).days
            counts[i] += 1
            units[i] += int(quantity)
        dates = [first + datetime.timedelta(days=i) for i in range(days)]
        return cls(first, counts, units, np.array([d.month - 1 for d in dates]),
                   np.array([d.weekday() for d in dates]))

    @property
    def days(self) -> int:
        return len(self.counts)

    def weekly(self, daily: np.ndarray) -> np.ndarray:
        """Totals of the whole weeks counted back from the last day, oldest first."""
        weeks = self.days // 7
        tail = daily[self.days - 7 * weeks:]
        return tail.reshape(weeks, 7).sum(axis=1) if weeks else np.zeros(0)


@dataclass(frozen=True)
class _CountModel:
    """The kept model of the daily counts: rate, seasonality, tests."""

    rate: float
    seasonality: Optional[Seasonality]
    month: Optional[SeasonTest]
    weekday: Optional[SeasonTest]
    trend: Optional[glm.TermTest]
    trend_per_year: Optional[float]

    def factor_of(self, history: _History) -> np.ndarray:
        """Each day's seasonal factor (1 without seasonality)."""
        if self.seasonality is None:
            return np.ones(history.days)
        factors = np.asarray(self.seasonality.normalised)
        index = history.months if self.seasonality.by == "month" else history.weekdays
        return factors[index]

    def daily_rates(self, history: _History) -> np.ndarray:
        """The expected orders of each day of ``history`` under the written demand."""
        return self.rate * self.factor_of(history)


def _fit_counts(history: _History) -> _CountModel:
    """Test the terms on the daily counts and keep the significant ones."""
    y = history.counts
    n = history.days
    if not y.any():
        return _CountModel(0.0, None, None, None, None, None)
    years = (np.arange(n) - (n - 1) / 2.0) / DAYS_PER_YEAR
    terms = {"trend": years[:, None]}
    if n >= MIN_MONTH_DAYS:
        terms["month"] = _dummies(history.months, 12)
    if n >= MIN_WEEKDAY_DAYS:
        terms["weekday"] = _dummies(history.weekdays, 7)
    full = glm.fit(_design(n, terms.values()), y)
    tests = {}
    for name, columns in terms.items():
        reduced = glm.fit(_design(n, [c for k, c in terms.items() if k != name]), y)
        tests[name] = glm.term_test(reduced, full, columns.shape[1])
    seasons = {}
    for by in ("month", "weekday"):
        if by in terms:
            seasons[by] = SeasonTest(by, tests[by], _effects(full, terms, by))
    # Month before weekday: a weekday pattern repeats inside every week, so it changes no
    # week's total, nor the demand over any lead time of whole weeks; a monthly one does.
    significant = [s for s in seasons.values() if s.test.significant(SIGNIFICANCE)]
    chosen = significant[0] if significant else None
    trend_kept = tests["trend"].significant(SIGNIFICANCE)
    kept = {k: c for k, c in terms.items()
            if (k == "trend" and trend_kept) or (chosen is not None and k == chosen.by)}
    final = glm.fit(_design(n, kept.values()), y)
    seasonality = None
    factors = np.ones(n)
    if chosen is not None:
        season_factors = _effects(final, kept, chosen.by)
        seasonality = Seasonality(chosen.by, _file_factors(season_factors))
        index = history.months if chosen.by == "month" else history.weekdays
        factors = np.asarray(seasonality.normalised)[index]
    if trend_kept:
        # The level on the last day without its seasonal factor: exp(level + b t) times the
        # mean of the seasonal effects (the effects are relative to the first period).
        season_mean = 1.0
        if chosen is not None:
            season_mean = float(np.mean(np.exp(np.concatenate([[0.0], final.beta[2:]]))))
        rate = float(np.exp(final.beta[0] + final.beta[1] * years[-1])) * season_mean
    else:
        # Given the factors the rate's estimate is closed-form: orders / sum of factors.
        rate = float(y.sum() / factors.sum())
    slope = float(full.beta[1])
    return _CountModel(rate, seasonality, seasons.get("month"), seasons.get("weekday"),
                       tests["trend"], math.expm1(slope))


def _dummies(index: np.ndarray, levels: int) -> np.ndarray:
    """Indicator columns of levels 1 .. levels - 1 (level 0 is the baseline)."""
    return (index[:, None] == np.arange(1, levels)[None, :]).astype(float)


def _design(n: int, blocks) -> np.ndarray:
    """The intercept and the given term columns, in order."""
    return np.hstack([np.ones((n, 1))] + list(blocks))


def _effects(f: glm.PoissonFit, terms: dict, by: str) -> tuple[float, ...]:
    """The multiplicative effects of term ``by`` in the fit, normalised to average 1."""
    start = 1
    for name, columns in terms.items():
        if name == by:
            raw = np.exp(np.concatenate([[0.0], f.beta[start:start + columns.shape[1]]]))
            return tuple(float(x) for x in raw / raw.mean())
        start += columns.shape[1]
    raise KeyError(by)


def _file_factors(factors: Sequence[float]) -> tuple[float, ...]:
    """Factors to three decimals for the file, still averaging 1 within 0.0005."""
    return tuple(round(f, 3) for f in factors)


# --------------------------------------------------------------------------- backtest


def _backtest(orders, first: datetime.date, last: datetime.date) -> Optional[Backtest]:
    """Fit without the last :data:`BACKTEST_WEEKS` weeks, forecast their weekly units."""
    held = 7 * BACKTEST_WEEKS
    days = (last - first).days + 1
    if days < held + 7 * MIN_TRAINING_WEEKS:
        return None
    start = last - datetime.timedelta(days=held - 1)
    train_last = start - datetime.timedelta(days=1)
    train = [(d, q) for d, q in orders if d <= train_last]
    history = _History.of(train, first, train_last)
    model = _fit_counts(history)
    size = fit_sizes(sorted(int(q) for _, q in train)).drawn_mean if train else 1.0
    test = _History.of([(d, q) for d, q in orders if d >= start], start, last)
    forecast = test.weekly(model.daily_rates(test) * size)
    actual = test.weekly(test.units)
    errors = np.abs(actual - forecast)
    sold = float(actual.sum())
    in_sample = history.weekly(history.units)
    naive = float(np.mean(np.abs(np.diff(in_sample)))) if len(in_sample) > 1 else 0.0
    return Backtest(
        start=start, forecast=tuple(float(f) for f in forecast),
        actual=tuple(int(a) for a in actual),
        wape=float(errors.sum() / sold) if sold > 0 else None,
        mase=float(errors.mean() / naive) if naive > 0 else None,
        bias=float((forecast.sum() - sold) / sold) if sold > 0 else None,
    )


# --------------------------------------------------------------------------- wording


def _significant(x: float) -> float:
    """Six significant digits: what a file needs, without float noise."""
    return float(f"{x:.6g}")


def _number(x: float) -> str:
    return f"{x:,.2f}" if abs(x) < 100 else f"{x:,.0f}"


def _percent(x: float) -> str:
    return f"{100 * x:.1f} %"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
