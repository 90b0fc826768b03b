"""Static analysis of a supply network: the risk map.

* :mod:`~riskmap.analysis.structure`: dependencies across tiers, single points
  of failure, single-sourced parts, concentration (no rates, no stock);
* :mod:`~riskmap.analysis.snapshot`: the zero-lead-time linear programs;
* :mod:`~riskmap.analysis.solvers`: HiGHS (highspy) and SciPy back ends;
* :mod:`~riskmap.analysis.survival`: TTS, PI and extra stock per outage;
* :mod:`~riskmap.analysis.risk_map`: :func:`risk_map` and :class:`RiskMap`;
* :mod:`~riskmap.analysis.matrix`: the supplier risk matrix (likelihood, impact, score).
"""

from riskmap.analysis.risk_map import RiskMap, risk_map

__all__ = ["RiskMap", "risk_map"]
