"""The supplier risk matrix in words: the riskiest suppliers, their score and what drives it.

The figures are the report's :class:`~riskmap.analysis.matrix.RiskMatrix`
(computed once from the model and the run, :func:`riskmap.analysis.matrix.risk_matrix`);
this module only ranks and words them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from riskmap.analysis.matrix import Cause, RiskMatrix, SupplierRisk
from riskmap.report.content import Report
from riskmap.report.text import MISSING, number, percent

#: suppliers the matrix table lists (the riskiest); report.json holds them all.
MATRIX_LIMIT = 20


@dataclass(frozen=True)
class MatrixRow:
    """One supplier of the matrix table, as text."""

    rank: int
    id: str
    name: str
    likelihood: str
    impact: str
    score: str
    spend: str
    lost_revenue: str
    driver: str
    products: str
    simulated_impact: str = MISSING
    drives: str = MISSING
    backorders: str = MISSING


def ranked_suppliers(matrix: RiskMatrix) -> list[SupplierRisk]:
    """Suppliers by score, highest first (unknown scores last), then the backordered units
    their simulated stops cause, then likelihood, then the simulated lost revenue of the
    products they feed, then id."""
    return sorted(matrix.suppliers.values(),
                  key=lambda r: (-(r.score if r.score is not None else -math.inf),
                                 -(backorders_caused(r) or 0.0),
                                 -r.likelihood, -(r.lost_revenue or 0.0), r.id))


def backorders_caused(risk: SupplierRisk) -> Optional[float]:
    """The mean backordered units the supplier's simulated stops cause; ``None`` if not simulated."""
    if risk.simulated is None:
        return None
    return risk.simulated.backorder_units.mean


def cause_text(cause: Cause) -> str:
    """``fire (direct, 100%)`` or ``flood via tier-2 chipco (40%)``."""
    how = "direct" if cause.via is None else f"via tier-2 {cause.via}"
    return f"{cause.disruption} ({how}, {percent(cause.probability)})"


def matrix_rows(report: Report) -> list[MatrixRow]:
    """Every supplier of the report's matrix, riskiest first; empty without a matrix."""
    matrix = report.risk_matrix
    if matrix is None:
        return []
    names = {s.id: s.name for s in report.network.suppliers}
    rows = []
    for rank, risk in enumerate(ranked_suppliers(matrix), start=1):
        driver = cause_text(risk.driver) if risk.driver is not None else "no disruption stops it"
        products = ", ".join(p for p, _ in risk.products[:3])
        if len(risk.products) > 3:
            products += f" and {len(risk.products) - 3} more"
        rows.append(MatrixRow(
            rank=rank, id=risk.id, name=names.get(risk.id) or risk.id,
            likelihood=percent(risk.likelihood, 1), impact=number(risk.impact),
            score=number(risk.score, 2), spend=number(risk.spend),
            lost_revenue=MISSING if risk.lost_revenue is None else number(risk.lost_revenue),
            driver=driver, products=products or MISSING,
            simulated_impact=simulated_text(risk), drives=drives_text(risk),
            backorders=number(backorders_caused(risk))))
    return rows


def simulated_text(risk: SupplierRisk) -> str:
    """The lost revenue when the supplier stops, ``mean [low, high]``; "–" when not simulated."""
    impact = risk.simulated.impact if risk.simulated is not None else None
    if impact is None or impact.mean is None:
        return MISSING
    low, high = impact.ci95
    if low is None or high is None:
        return number(impact.mean)
    return f"{number(impact.mean)} [{number(low)}, {number(high)}]"


def drives_text(risk: SupplierRisk) -> str:
    """What gives a money score: ``simulation (city-ebike 46%)``, ``PI``, or "–"."""
    breakdown = risk.breakdown
    if breakdown is None or breakdown.drives is None:
        return MISSING
    if breakdown.drives == "pi":
        return "PI (static)"
    hit = [(p, e.mean) for p, e in risk.simulated.products if e.mean and e.mean > 0]
    total = sum(v for _, v in hit)
    if not hit or total <= 0:
        return "simulation"
    product, value = hit[0]
    return f"simulation ({product} {percent(value / total)})"


def simulation_note(matrix: RiskMatrix) -> str:
    """Which suppliers' stops were simulated, and which were left out by the cap; "" for none."""
    simulation = matrix.simulation
    if simulation is None:
        return ""
    done = sorted(r.id for r in matrix.suppliers.values() if r.simulated is not None)
    text = (f"The stops of {len(done)} supplier{'s' if len(done) != 1 else ''} were simulated "
            "(each against the same scenario with that supplier never stopping, same seeds).")
    if simulation.left_out:
        text += (f" Not simulated (beyond the cap of {simulation.cap}): "
                 f"{', '.join(simulation.left_out)} (riskmap run --matrix-arms N sets how many).")
    return text


def impact_words(matrix: RiskMatrix) -> str:
    """What the impact and score are measured in."""
    if matrix.impact_unit == "margin":
        return "margin lost"
    return "units of demand lost"
