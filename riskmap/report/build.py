"""Building the :class:`~riskmap.report.content.Report` of a run.

The report gathers the Monte Carlo summary (:class:`riskmap.run.montecarlo.RunSummary`),
the static risk map computed once for the run (:func:`riskmap.analysis.risk_map`)
and, when they were run, the counterfactual tables
(:func:`riskmap.options.evaluation.evaluate`). Every figure is rounded
here, once, as report.json holds it, so a report read back from its file is
the report that was written.
"""

from __future__ import annotations

import os
from typing import Collection, Optional

import numpy as np

from riskmap import __version__
from riskmap.analysis.matrix import Simulated, Simulation, risk_matrix
from riskmap.analysis.risk_map import RiskMap
from riskmap.load.document import file_digest
from riskmap.options.tables import OptionTables
from riskmap.report.content import (Bands, FileRecord, Report, RunInfo, StatisticInfo,
                                    SupplierFigures)
from riskmap.stats import (DIGITS, SERVICE_STATISTICS, STATISTICS, STOCK_STATISTICS,
                           TOTAL_STATISTICS, Estimate,
                           statistic)


def build_report(summary, risk_map: Optional[RiskMap] = None,
                 options: Optional[OptionTables] = None) -> Report:
    """The report of a run.

    Parameters
    ----------
    summary : riskmap.run.montecarlo.RunSummary
        The Monte Carlo outcome.
    risk_map : RiskMap, optional
        The static risk map of the scenario's network (its suppliers' and
        regions' TTS, TTR, PI, REI...); without it those figures are absent.
    options : OptionTables, optional
        The counterfactual tables; without them report.json's ``alternates``
        is empty and the other tables are absent.
    """
    scenario = summary.scenario
    exposures = {s.id: s for s in risk_map.suppliers} if risk_map is not None else {}
    suppliers = sorted({s.id for s in scenario.network.suppliers} | set(summary.suppliers))
    held = held_items(scenario.network)
    kinds = {d.kind for d in scenario.disruptions}
    return Report(
        scenario=run_info(summary),
        network=scenario.network,
        products={pid: _with_stock(_with_pooled(_rounded({**stats, **summary.service.get(pid, {})}),
                                                summary.fill_rate_pooled.get(pid)),
                                   summary, pid, held)
                  for pid, stats in summary.products.items()},
        totals=_with_stock_totals(totals(summary), summary, held),
        parts={pid: _with_stock(_rounded(_reported(stats, "part", kinds)), summary, pid, held)
               for pid, stats in summary.parts.items()},
        suppliers={sid: SupplierFigures(exposures.get(sid), _rounded(
            _reported(summary.suppliers.get(sid, {}), "supplier", kinds)))
                   for sid in suppliers},
        regions={r.id: r for r in risk_map.regions} if risk_map is not None else {},
        options=options,
        series=bands(summary),
        statistics=statistics_info(scenario.network.time_unit, held,
                                   bool(summary.service), kinds),
        risk_matrix=risk_matrix(scenario, risk_map, summary.products, summary.suppliers,
                                *simulated_stops(options)),
        alerts=tuple(getattr(summary, "alerts", ())),
        classes={pid: {cid: _rounded(stats) for cid, stats in per_class.items()}
                 for pid, per_class in summary.classes.items()},
        rules={pid: {rid: _rounded(stats) for rid, stats in per_rule.items()}
               for pid, per_rule in summary.rules.items()})


def simulated_stops(options: Optional[OptionTables]):
    """The risk matrix's ``simulated`` and ``simulation`` from the ``spared:`` arms' rows.

    ``({}, None)`` when the run simulated no supplier's stops (no
    counterfactuals, or no static map to plan them from).
    """
    if options is None or options.spared_cap is None:
        return {}, None
    found = {}
    for row in options.stops:
        by_product = sorted(row.lost_revenue_by_product,
                            key=lambda pe: (-(pe[1].mean or 0.0), pe[0]))
        found[row.supplier] = Simulated(row.lost_revenue,
                                        row.effect.backorder_units_avoided, row.lost_margin,
                                        tuple(by_product))
    return found, Simulation(options.spared_cap, options.spared_left_out)


#: names of the statistics reported only with a disruption kind (:attr:`Statistic.needs`).
_NEEDING = frozenset(stat.name for stats in STATISTICS.values() for stat in stats
                     if stat.needs is not None)


def run_info(summary) -> RunInfo:
    """What was run: name, seed, replications, horizon, files and version."""
    scenario = summary.scenario
    return RunInfo(
        name=scenario.name, network=scenario.network.name, seed=summary.seed,
        replications=summary.replications, horizon=scenario.horizon, warmup=scenario.warmup,
        time_unit=scenario.network.time_unit, alternates=summary.alternates,
        riskmap_version=__version__, scenario_file=file_record(scenario.file),
        network_file=(None if scenario.network.file == scenario.file
                      else file_record(scenario.network.file)),
        disruptions=scenario.disruptions)


def file_record(path: Optional[str]) -> Optional[FileRecord]:
    """The base name and sha256 of an input file, ``None`` for an in-memory model."""
    digest = file_digest(path)
    return None if digest is None else FileRecord(os.path.basename(path), digest)


def _rounded(stats: dict[str, Estimate]) -> dict[str, Estimate]:
    return {name: estimate.rounded() for name, estimate in stats.items()}


def _with_pooled(stats: dict[str, Estimate], pooled: Optional[Estimate]) -> dict[str, Estimate]:
    if pooled is not None:
        stats["fill_rate_pooled"] = pooled.rounded()
    return stats


def held_items(network) -> frozenset[str]:
    """The items that set ``holding_cost``: the only ones whose stock figures report.json shows."""
    return frozenset(i.id for i in network.items if i.holding_cost is not None)


def _with_stock(stats: dict[str, Estimate], summary, item_id: str,
                held: frozenset[str]) -> dict[str, Estimate]:
    """``stats`` with the item's ``on_hand_mean`` and ``holding_cost`` when it sets ``holding_cost``."""
    if item_id in held:
        stats.update(_rounded(summary.stock.get(item_id, {})))
    return stats


def _with_stock_totals(out: dict[str, Estimate], summary,
                       held: frozenset[str]) -> dict[str, Estimate]:
    """The totals with the network's holding cost when some item sets ``holding_cost``."""
    if held:
        out.update(_rounded(summary.stock_totals))
    return out


def totals(summary) -> dict[str, Estimate]:
    """Per replication, the sum over products of each of :data:`riskmap.stats.TOTAL_STATISTICS`.

    Estimated like a product statistic of the same name (same unit, same
    interval), on the replication sums.
    """
    per_product = summary.samples.values.get("product", {})
    time_unit = summary.scenario.network.time_unit
    out = {}
    for name in TOTAL_STATISTICS:
        columns = [per_product[pid][name] for pid in sorted(per_product)
                   if name in per_product[pid]]
        if not columns:
            continue
        sums = [sum(v for v in row if v is not None) for row in zip(*columns)]
        out[name] = statistic("product", name).estimate(sums, time_unit).rounded()
    return out


def bands(summary) -> Bands:
    """Percentile bands of on-hand and backlog per product (:class:`riskmap.run.samples.SeriesBands`)."""
    products = {}
    for pid, series in summary.bands.items():
        products[pid] = {name: {key: _rounded_list(values) for key, values in band.items()}
                         for name, band in series.items()}
    return Bands(tuple(int(t) for t in summary.times), summary.series_replications, products)


def statistics_info(time_unit: str, held: frozenset[str] = frozenset(),
                    service: bool = False, kinds: Optional[Collection[str]] = None
                    ) -> dict[str, StatisticInfo]:
    """Unit and meaning of every statistic reported, for readers of the file.

    The stock statistics are described (as ``item.<name>``) only when some
    item sets ``holding_cost``, the only case in which the file has them; the
    service statistics (updates, inquiries) only for a run that has them.
    ``kinds`` are the scenario's disruption kinds: a statistic that needs
    another kind is left out (every one is listed when ``kinds`` is None).
    """
    tables = dict(STATISTICS)
    if service:
        tables["product"] = tables["product"] + SERVICE_STATISTICS
    out = {f"{subject}.{stat.name}": StatisticInfo(subject, stat.unit_for(time_unit),
                                                    stat.description)
           for subject, stats in tables.items() for stat in stats
           if kinds is None or stat.reported_for(kinds)}
    if held:
        out.update({f"item.{stat.name}": StatisticInfo("item", stat.unit_for(time_unit),
                                                       stat.description)
                    for stat in STOCK_STATISTICS})
    return out


def _reported(stats: dict[str, Estimate], subject: str, kinds: Collection[str]
              ) -> dict[str, Estimate]:
    """``stats`` without the statistics that need a disruption kind the scenario lacks."""
    return {name: estimate for name, estimate in stats.items()
            if name not in _NEEDING or statistic(subject, name).reported_for(kinds)}


def _rounded_list(values) -> list[float]:
    """Band values rounded to ``DIGITS`` decimals.

    numpy's ``round`` (scale, round half to even, unscale) is used here
    rather than Python's correctly rounded ``round`` because bands hold
    thousands of values; both are plain IEEE 754 arithmetic, so the result
    is the same on every platform. Adding 0.0 turns -0.0 into 0.0.
    """
    return (np.round(np.asarray(values, dtype=float), DIGITS) + 0.0).tolist()
