"""Time to survive against time to recover, per supplier and region, in words.

The figures are the static risk map's :class:`~riskmap.analysis.risk_map.Exposure`:
``tts_minus_ttr`` and ``at_risk`` are read as the analysis decided them (TTS
below TTR beyond the solvers' tolerance), never worked out again here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from riskmap.analysis.risk_map import Exposure
from riskmap.report.content import Report
from riskmap.report.text import MISSING, number


@dataclass(frozen=True)
class ExposureRow:
    """TTS against TTR of one supplier or region, as text (``margin`` is TTS − TTR)."""

    id: str
    name: str
    region: str
    tts: str
    ttr: str
    margin: str
    at_risk: bool
    pi: str
    rei: str
    single_point_of_failure_for: str


def supplier_exposures(report: Report) -> dict[str, Optional[Exposure]]:
    """``{supplier id: exposure}``; ``None`` for a supplier the static map did not cover."""
    return {sid: figures.exposure for sid, figures in report.suppliers.items()}


def exposure_rows(report: Report, block: str) -> list[ExposureRow]:
    """Rows of the report's ``suppliers`` or ``regions``: at risk first, then by TTS − TTR, then id."""
    if block == "suppliers":
        entries = supplier_exposures(report)
        names = {s.id: s.name for s in report.network.suppliers}
    else:
        entries = dict(report.regions)
        names = {r.id: r.name for r in report.network.regions}
    rows = []
    for item_id in sorted(entries):
        exposure = entries[item_id]
        row = _row(item_id, names.get(item_id) or item_id, exposure)
        margin = None if exposure is None else exposure.tts_minus_ttr
        rows.append(((not row.at_risk, math.inf if margin is None else margin, item_id), row))
    return [row for _, row in sorted(rows, key=lambda r: r[0])]


def _row(item_id: str, name: str, exposure: Optional[Exposure]) -> ExposureRow:
    if exposure is None:  # a supplier outside the static map: no figures to show
        return ExposureRow(item_id, name, "", MISSING, MISSING, MISSING, False, MISSING,
                           MISSING, "")
    return ExposureRow(
        id=item_id, name=name, region=exposure.region or "",
        tts="unbounded" if exposure.tts_unbounded else number(exposure.tts),
        ttr=number(exposure.ttr), margin=number(exposure.tts_minus_ttr),
        at_risk=exposure.at_risk, pi=number(exposure.pi), rei=number(exposure.rei),
        single_point_of_failure_for=", ".join(exposure.single_point_of_failure_for))
