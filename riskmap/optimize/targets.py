"""The service targets of ``riskmap optimize``: ``--target PRODUCT:METRIC>=VALUE`` or the scenario's ``expect:``.

A target bounds the mean of one product statistic (:mod:`riskmap.stats.statistics`)
from below (``>=``, ``min``) or above (``<=``, ``max``). Without ``--target``
the scenario's ``expect:`` lines on a product with ``stat: mean`` are the
targets; lines on suppliers or the network, and percentile lines, are not
stock targets and are left out (the command says which).

A target *holds* on a simulated estimate when the bad end of its 95 %
interval satisfies the bound: the lower end for ``min``, the upper end for
``max`` (:meth:`Target.holds`). Its *shortfall* is how far that end is from
the bound, relative to the bound (:meth:`Target.shortfall`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional, Sequence

from riskmap.errors import Diagnostic, InputError, Pos, did_you_mean
from riskmap.model import Scenario
from riskmap.stats import PRODUCT_STATISTICS, Estimate, t_quantile

#: where the command's own errors point.
WHERE = Pos("riskmap optimize")

_TARGET = re.compile(r"^(?P<product>[^:]+):(?P<metric>[A-Za-z_0-9]+)\s*(?P<op>>=|<=)\s*"
                     r"(?P<value>[-+0-9.eE]+)$")


@dataclass(frozen=True)
class Target:
    """``product``'s ``metric`` at least (``bound == "min"``) or at most (``"max"``) ``value``."""

    product: str
    metric: str
    bound: str
    value: float

    @property
    def label(self) -> str:
        return f"{self.product}:{self.metric}{'>=' if self.bound == 'min' else '<='}{self.value:g}"

    def bad_end(self, estimate: Estimate) -> Optional[float]:
        """The end of the 95 % interval that decides: low for ``min``, high for ``max``."""
        low, high = estimate.ci95
        end = low if self.bound == "min" else high
        return estimate.mean if end is None else end

    def holds(self, estimate: Optional[Estimate]) -> bool:
        """Whether the bad end of the interval satisfies the bound (an undefined figure does not)."""
        end = None if estimate is None or estimate.mean is None else self.bad_end(estimate)
        if end is None:
            return False
        return end >= self.value if self.bound == "min" else end <= self.value

    def shortfall(self, estimate: Optional[Estimate]) -> float:
        """How far the bad end misses the bound, relative to ``max(|value|, 1e-9)``; 0 when held."""
        end = None if estimate is None or estimate.mean is None else self.bad_end(estimate)
        if end is None:
            return math.inf
        miss = self.value - end if self.bound == "min" else end - self.value
        return max(0.0, miss) / max(abs(self.value), 1e-9)

    def confidence(self, estimate: Optional[Estimate]) -> Optional[float]:
        """One-sided confidence that the true mean satisfies the bound (Student t on the interval).

        The standard error is read back from the 95 % interval's half-width;
        ``None`` without an interval. 1.0 (or 0.0) for an interval of width 0.
        """
        if estimate is None or estimate.mean is None or None in estimate.ci95 or estimate.n < 2:
            return None
        from scipy.stats import t as student

        low, high = estimate.ci95
        margin = (estimate.mean - self.value if self.bound == "min" else self.value - estimate.mean)
        se = (high - low) / (2 * t_quantile(0.975, estimate.n - 1))
        if se <= 0:
            return 1.0 if margin >= 0 else 0.0
        return float(student.cdf(margin / se, estimate.n - 1))


def parse_targets(texts: Sequence[str], scenario: Scenario) -> tuple[Target, ...]:
    """``--target`` options as targets; :class:`InputError` (exit 2) naming each bad one."""
    products = sorted(i.id for i in scenario.network.products)
    metrics = [s.name for s in PRODUCT_STATISTICS]
    out, problems = [], []
    for text in texts:
        match = _TARGET.match(text.strip())
        if match is None:
            problems.append(f"--target {text!r}: expected PRODUCT:METRIC>=VALUE or "
                            "PRODUCT:METRIC<=VALUE, e.g. city-ebike:fill_rate>=0.95")
            continue
        product, metric = match["product"], match["metric"]
        try:
            value = float(match["value"])
        except ValueError:
            value = math.nan
        if product not in products:
            problems.append(f"--target {text!r}: no product {product!r}"
                            f"{did_you_mean(product, products)}")
        elif metric not in metrics:
            problems.append(f"--target {text!r}: no product metric {metric!r}"
                            f"{did_you_mean(metric, metrics)}")
        elif not math.isfinite(value):
            problems.append(f"--target {text!r}: the value must be a finite number")
        else:
            out.append(Target(product, metric, "min" if match["op"] == ">=" else "max", value))
    if problems:
        raise InputError([Diagnostic(WHERE, p) for p in problems])
    return tuple(out)


def expect_targets(scenario: Scenario) -> tuple[tuple[Target, ...], tuple[str, ...]]:
    """The targets of the scenario's ``expect:`` product lines, and the lines left out (why)."""
    metrics = {s.name for s in PRODUCT_STATISTICS}
    out, skipped = [], []
    for e in scenario.expect:
        where = f"{e.pos}: expect: {e.subject} {e.id or ''} {e.metric}".replace("  ", " ")
        if e.subject != "product":
            skipped.append(f"{where}: not a product line")
        elif e.stat != "mean":
            skipped.append(f"{where}: stat {e.stat} (only means are targets)")
        elif e.metric not in metrics:
            skipped.append(f"{where}: not a simulated product figure")
        else:
            if e.min is not None:
                out.append(Target(e.id, e.metric, "min", float(e.min)))
            if e.max is not None:
                out.append(Target(e.id, e.metric, "max", float(e.max)))
    return tuple(out), tuple(skipped)
