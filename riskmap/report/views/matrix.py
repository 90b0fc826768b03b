"""The supplier risk matrix in words: the riskiest suppliers, their score and what drives it.

The figures are the report's :class:`~riskmap.analysis.matrix.RiskMatrix`
(computed once from the model and the run, :func:`riskmap.analysis.matrix.risk_matrix`);
this module only ranks and words them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


def ranked_suppliers(matrix: RiskMatrix) -> list[SupplierRisk]:
    """Suppliers by score, highest first (unknown scores last), then likelihood, then the
    simulated lost revenue of the products they feed, then id."""
    return sorted(matrix.suppliers.values(),
                  key=lambda r: (-(r.score if r.score is not None else -math.inf),
                                 -r.likelihood, -(r.lost_revenue or 0.0), r.id))


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
            driver=driver, products=products or MISSING))
    return rows


def impact_words(matrix: RiskMatrix) -> str:
    """What the impact and score are measured in."""
    if matrix.impact_unit == "margin":
        return "margin lost"
    return "units of demand lost"
