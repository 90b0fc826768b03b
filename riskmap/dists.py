"""Distributions of quantities that vary: lead times, durations, order sizes.

A plain number in a file is a :class:`Constant`; a mapping ``{dist: NAME, ...}``
names one of the distributions below with its parameters (docs/reference.md).
Every distribution is an immutable value with a :attr:`mean` and a
:meth:`sample` that takes an explicit :class:`numpy.random.Generator`, so there
is no hidden random state anywhere in riskmap.

Conventions
-----------
* ``normal`` is truncated at 0 (a negative lead time or order size is
  meaningless): draws below 0 are redrawn, and :attr:`mean` is the mean of the
  truncated distribution.
* ``lognormal`` and ``gamma`` are parameterised by the mean and standard
  deviation of the value itself, not of its logarithm.
* ``empirical`` draws one of ``values`` with probability proportional to
  ``weights`` (equal weights when omitted).
* ``geometric`` counts trials up to the first success: whole numbers
  ``1, 2, ...`` with ``P(k) = (1 - p)^(k-1) p`` (mean ``1/p``), the discrete
  counterpart of ``exponential`` (up and down times of Markov disruptions
  measured in whole time units).

>>> import numpy as np
>>> from riskmap.dists import Triangular
>>> d = Triangular(10, 14, 21)
>>> round(d.mean, 3)
15.0
>>> 10 <= d.sample(np.random.default_rng(1)) <= 21
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


class Dist:
    """Base class: a distribution of a non-negative quantity."""

    name: ClassVar[str] = ""
    #: parameter names as written in files, in order.
    params: ClassVar[tuple[str, ...]] = ()

    @property
    def mean(self) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def sample(self, rng: np.random.Generator) -> float:
        """One draw."""
        return float(self.sample_many(rng, 1)[0])

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws as a float array."""
        raise NotImplementedError  # pragma: no cover

    @property
    def is_constant(self) -> bool:
        return False

    def to_spec(self) -> Any:
        """The file form: a number for a constant, else ``{dist: NAME, ...}``."""
        spec: dict[str, Any] = {"dist": self.name}
        for p in self.params:
            value = getattr(self, p)
            spec[p] = list(value) if isinstance(value, tuple) else value
        return spec

    def __str__(self) -> str:
        args = ", ".join(f"{p}={getattr(self, p)}" for p in self.params)
        return f"{self.name}({args})"


@dataclass(frozen=True)
class Constant(Dist):
    """A fixed value (a plain number in a file)."""

    value: float
    name: ClassVar[str] = "constant"
    params: ClassVar[tuple[str, ...]] = ("value",)

    @property
    def mean(self) -> float:
        return float(self.value)

    @property
    def is_constant(self) -> bool:
        return True

    def sample(self, rng: np.random.Generator) -> float:
        return float(self.value)

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, float(self.value))

    def to_spec(self) -> Any:
        return self.value

    def __str__(self) -> str:
        return f"{self.value:g}"


@dataclass(frozen=True)
class Uniform(Dist):
    """Uniform between min and max."""

    min: float
    max: float
    name: ClassVar[str] = "uniform"
    params: ClassVar[tuple[str, ...]] = ("min", "max")

    @property
    def mean(self) -> float:
        return (self.min + self.max) / 2

    def sample_many(self, rng, n):
        return rng.uniform(self.min, self.max, n)


@dataclass(frozen=True)
class Triangular(Dist):
    """Triangular with the given min, mode and max."""

    min: float
    mode: float
    max: float
    name: ClassVar[str] = "triangular"
    params: ClassVar[tuple[str, ...]] = ("min", "mode", "max")

    @property
    def mean(self) -> float:
        return (self.min + self.mode + self.max) / 3

    def sample_many(self, rng, n):
        if self.min == self.max:
            return np.full(n, float(self.min))
        return rng.triangular(self.min, self.mode, self.max, n)


@dataclass(frozen=True)
class Normal(Dist):
    """Normal distribution truncated at 0 (negative draws are redrawn)."""

    mean_: float
    sd: float
    name: ClassVar[str] = "normal"
    params: ClassVar[tuple[str, ...]] = ("mean", "sd")

    @property
    def mean(self) -> float:
        """Mean of the truncated distribution: mu + sd * phi(a) / (1 - Phi(a)), a = -mu/sd."""
        if self.sd == 0:
            return float(self.mean_)
        a = -self.mean_ / self.sd
        pdf = math.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)
        tail = 0.5 * math.erfc(a / math.sqrt(2))
        return self.mean_ + self.sd * pdf / tail

    def to_spec(self) -> Any:
        return {"dist": "normal", "mean": self.mean_, "sd": self.sd}

    def __str__(self) -> str:
        return f"normal(mean={self.mean_}, sd={self.sd})"

    def sample_many(self, rng, n):
        out = rng.normal(self.mean_, self.sd, n)
        bad = out < 0
        # Rejection: with mean >= 0 (validated) fewer than half the draws are redrawn.
        while bad.any():
            out[bad] = rng.normal(self.mean_, self.sd, int(bad.sum()))
            bad = out < 0
        return out


@dataclass(frozen=True)
class LogNormal(Dist):
    """Lognormal with the given mean and standard deviation of the value itself."""

    mean_: float
    sd: float
    name: ClassVar[str] = "lognormal"
    params: ClassVar[tuple[str, ...]] = ("mean", "sd")

    @property
    def mean(self) -> float:
        return float(self.mean_)

    @property
    def log_params(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal: sigma^2 = ln(1 + sd^2/mean^2)."""
        sigma2 = math.log1p((self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2)

    def to_spec(self) -> Any:
        return {"dist": "lognormal", "mean": self.mean_, "sd": self.sd}

    def __str__(self) -> str:
        return f"lognormal(mean={self.mean_}, sd={self.sd})"

    def sample_many(self, rng, n):
        mu, sigma = self.log_params
        return rng.lognormal(mu, sigma, n)


@dataclass(frozen=True)
class Exponential(Dist):
    """Exponential with the given mean."""

    mean_: float
    name: ClassVar[str] = "exponential"
    params: ClassVar[tuple[str, ...]] = ("mean",)

    @property
    def mean(self) -> float:
        return float(self.mean_)

    def to_spec(self) -> Any:
        return {"dist": "exponential", "mean": self.mean_}

    def __str__(self) -> str:
        return f"exponential(mean={self.mean_})"

    def sample_many(self, rng, n):
        return rng.exponential(self.mean_, n)


@dataclass(frozen=True)
class Poisson(Dist):
    """Poisson with the given mean (whole numbers)."""

    mean_: float
    name: ClassVar[str] = "poisson"
    params: ClassVar[tuple[str, ...]] = ("mean",)

    @property
    def mean(self) -> float:
        return float(self.mean_)

    def to_spec(self) -> Any:
        return {"dist": "poisson", "mean": self.mean_}

    def __str__(self) -> str:
        return f"poisson(mean={self.mean_})"

    def sample_many(self, rng, n):
        return rng.poisson(self.mean_, n).astype(float)


@dataclass(frozen=True)
class Gamma(Dist):
    """Gamma with the given mean and sd: shape = (mean/sd)^2, scale = sd^2/mean."""

    mean_: float
    sd: float
    name: ClassVar[str] = "gamma"
    params: ClassVar[tuple[str, ...]] = ("mean", "sd")

    @property
    def mean(self) -> float:
        return float(self.mean_)

    def to_spec(self) -> Any:
        return {"dist": "gamma", "mean": self.mean_, "sd": self.sd}

    def __str__(self) -> str:
        return f"gamma(mean={self.mean_}, sd={self.sd})"

    def sample_many(self, rng, n):
        if self.sd == 0:
            return np.full(n, float(self.mean_))
        shape = (self.mean_ / self.sd) ** 2
        return rng.gamma(shape, self.sd**2 / self.mean_, n)


@dataclass(frozen=True)
class Empirical(Dist):
    """One of values, with probability proportional to weights (equal when omitted)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]
    name: ClassVar[str] = "empirical"
    params: ClassVar[tuple[str, ...]] = ("values", "weights")

    @property
    def probabilities(self) -> np.ndarray:
        w = np.asarray(self.weights, dtype=float)
        return w / w.sum()

    @property
    def mean(self) -> float:
        return float(np.dot(self.values, self.probabilities))

    def sample_many(self, rng, n):
        return rng.choice(np.asarray(self.values, dtype=float), size=n, p=self.probabilities)


@dataclass(frozen=True)
class Geometric(Dist):
    """Trials up to the first success: 1, 2, ... with P(k) = (1-p)^(k-1) p; mean 1/p."""

    p: float
    name: ClassVar[str] = "geometric"
    params: ClassVar[tuple[str, ...]] = ("p",)

    @property
    def mean(self) -> float:
        return 1.0 / self.p

    def sample_many(self, rng, n):
        # numpy's geometric counts the trials up to and including the first success.
        return rng.geometric(self.p, n).astype(float)


#: The distributions a file may name, by their ``dist:`` name.
DISTRIBUTIONS: dict[str, type[Dist]] = {
    cls.name: cls
    for cls in (Uniform, Triangular, Normal, LogNormal, Exponential, Poisson, Gamma, Empirical,
                Geometric)
}


def make(name: str, params: dict[str, Any]) -> Dist:
    """Build a distribution from its file name and (already validated) parameters."""
    cls = DISTRIBUTIONS[name]
    if cls is Empirical:
        values = tuple(float(v) for v in params["values"])
        weights = params.get("weights") or [1.0] * len(values)
        return Empirical(values, tuple(float(w) for w in weights))
    return cls(*(float(params[p]) for p in cls.params))


def from_spec(spec: Any) -> Dist:
    """The distribution of a file form (:meth:`Dist.to_spec`): a number, or ``{dist: NAME, ...}``.

    For values riskmap wrote itself (report.json); files are checked by the
    loader first. Raises ``ValueError`` for anything else.

    >>> from_spec(3), from_spec({"dist": "uniform", "min": 1, "max": 2})
    (Constant(value=3), Uniform(min=1.0, max=2.0))
    """
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return Constant(spec)
    if not isinstance(spec, dict) or spec.get("dist") not in DISTRIBUTIONS:
        raise ValueError(f"not a distribution: {spec!r}")
    name = spec["dist"]
    params = {k: v for k, v in spec.items() if k != "dist"}
    needed = set(DISTRIBUTIONS[name].params) - ({"weights"} if name == "empirical" else set())
    numbers = all(_is_parameter(v) or (name == "empirical" and isinstance(v, list)
                                       and all(_is_parameter(x) for x in v))
                  for v in params.values())
    if (set(params) - set(DISTRIBUTIONS[name].params) or needed - set(params) or not numbers
            or parameter_problems(name, params)):
        raise ValueError(f"not a valid {name} distribution: {spec!r}")
    return make(name, params)


def _is_parameter(value: Any) -> bool:
    """A finite number >= 0, as every parameter in a file is."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value >= 0)


def parameter_problems(name: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """Impossible parameters as ``(param, message)`` pairs; empty when all is well.

    Parameters are already known to be finite non-negative numbers (or lists of
    them for ``empirical``); this checks the relations between them.
    """
    p = params
    problems: list[tuple[str, str]] = []
    if name == "uniform" and p["min"] > p["max"]:
        problems.append(("max", f"uniform needs min <= max, got min={p['min']}, max={p['max']}"))
    elif name == "triangular" and not p["min"] <= p["mode"] <= p["max"]:
        problems.append(
            ("mode", f"triangular needs min <= mode <= max, got "
                     f"min={p['min']}, mode={p['mode']}, max={p['max']}")
        )
    elif name in ("lognormal", "gamma") and p["mean"] <= 0:
        problems.append(("mean", f"{name} needs mean > 0, got {p['mean']}"))
    elif name == "exponential" and p["mean"] <= 0:
        problems.append(("mean", f"exponential needs mean > 0, got {p['mean']}"))
    elif name == "geometric" and not 0 < p["p"] <= 1:
        problems.append(("p", f"geometric needs 0 < p <= 1 (the chance of ending in each time "
                              f"unit), got {p['p']}"))
    elif name == "empirical":
        values, weights = p["values"], p.get("weights")
        if not values:
            problems.append(("values", "empirical needs at least one value"))
        elif weights is not None and len(weights) != len(values):
            problems.append(
                ("weights", f"empirical needs one weight per value: "
                            f"{len(values)} values, {len(weights)} weights")
            )
        elif weights is not None and sum(weights) <= 0:
            problems.append(("weights", "empirical weights must not all be 0"))
    return problems


def draw_units(dist: Dist, rng: np.random.Generator) -> int:
    """A count of units: the draw rounded to the nearest whole number, at least 1."""
    return max(1, int(round(dist.sample(rng))))


def probability_below(dist: Dist, x: float) -> float:
    """``P(X < x)`` for a draw ``X`` of ``dist`` (the risk matrix's chance of a first outage).

    >>> probability_below(Geometric(0.5), 3)  # 1 or 2: 1/2 + 1/4
    0.75
    >>> probability_below(Constant(3), 3)
    0.0
    """
    from scipy import special

    if x <= 0:
        return 0.0
    if isinstance(dist, Constant):
        return 1.0 if dist.value < x else 0.0
    if isinstance(dist, Uniform):
        if dist.max == dist.min:
            return 1.0 if dist.min < x else 0.0
        return min(1.0, max(0.0, (x - dist.min) / (dist.max - dist.min)))
    if isinstance(dist, Triangular):
        a, c, b = dist.min, dist.mode, dist.max
        if x >= b:
            return 1.0
        if x <= a:
            return 0.0
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a))
        return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))
    if isinstance(dist, Normal):
        if dist.sd == 0:
            return 1.0 if dist.mean_ < x else 0.0
        low = special.ndtr(-dist.mean_ / dist.sd)
        return float((special.ndtr((x - dist.mean_) / dist.sd) - low) / (1.0 - low))
    if isinstance(dist, LogNormal):
        mu, sigma = dist.log_params
        if sigma == 0:
            return 1.0 if dist.mean_ < x else 0.0
        return float(special.ndtr((math.log(x) - mu) / sigma))
    if isinstance(dist, Exponential):
        return 1.0 - math.exp(-x / dist.mean_)
    if isinstance(dist, Gamma):
        if dist.sd == 0:
            return 1.0 if dist.mean_ < x else 0.0
        shape = (dist.mean_ / dist.sd) ** 2
        return float(special.gammainc(shape, x / (dist.sd ** 2 / dist.mean_)))
    if isinstance(dist, Poisson):
        # whole numbers below x: 0 .. ceil(x) - 1
        return float(special.pdtr(math.ceil(x) - 1, dist.mean_))
    if isinstance(dist, Geometric):
        return 1.0 - (1.0 - dist.p) ** (math.ceil(x) - 1)
    if isinstance(dist, Empirical):
        return float(sum(p for v, p in zip(dist.values, dist.probabilities) if v < x))
    raise TypeError(f"no distribution function for {dist}")  # pragma: no cover
