"""``report.json``: the machine-readable record of a run (SPEC section 3).

The same scenario files and seed give a byte-identical file: keys are sorted,
floats rounded to :data:`riskmap.stats.DIGITS` decimals, and the file holds no
timestamp, no absolute path, no host name and no worker count.

Layout (keys beyond SPEC section 3 are marked +)::

    format: 1
    scenario: {name, seed, replications, horizon, warmup+, time_unit+,
               alternates+, network+, riskmap_version+,
               files+: {scenario: {name, sha256}, network: {name, sha256} | null},
               disruptions+: [{id, kind, target, at, duration, probability, rate, ...}]}
    network+: {name, time_unit, regions, suppliers, parts, products}  (as in the file)
    products.<id>: {fill_rate, backorder_probability, backorder_units,
                    backlog_days, lost_units, longest_wait+, time_to_first_backorder+,
                    ordered_units+, shipped_units+, waiting_units_at_end+,
                    wait+, wait_p50+, wait_p90+, wait_p95+, eta_kept+, eta_slip+,
                    eta_revisions+, substituted_units+, substitute_units_supplied+,
                    lost_revenue+, lost_margin+, backorder_cost+, lost_sale_cost+,
                    total_cost+, fill_rate_pooled+}
    totals+: {lost_units, substituted_units, lost_revenue, lost_margin,
              backorder_cost, lost_sale_cost, total_cost}  (summed over products)
    parts.<id>+: {stock_out_time}
    suppliers.<id>: {tts, ttr, pi, rei, ... (static risk map),
                     down_time+, units_not_delivered+}
    regions+.<id>: {tts, ttr, pi, rei, ...} (static risk map)
    alternates: [{supplier, part, backorder_units_avoided, fill_rate_gain,
                  fill_rate_gain_by_product+, lost_revenue_avoided+, significant+,
                  unpaired_ci95+, alone+, shared_exposure+, why+, ...}]
    all_alternates+: {backorder_units_avoided, fill_rate_gain, ...} | null
    candidates+, stock_what_ifs+, what_ifs+: [the same fields]
        (these four only when the counterfactual arms were run)
    series+: {times, replications, products.<id>: {on_hand, backlog: {p5, p25, p50, p75, p95}}}
    statistics+: {<name>: {subject, unit, description}}

Each statistic is ``{mean, ci95: [low, high], n, unit}`` plus ``p50``, ``p90``,
``p95`` where it varies by replication (see :mod:`riskmap.stats`).
``alternates`` ranks the alternate lanes, best first, from paired runs
without each of them (:mod:`riskmap.options.counterfactuals`, docs/counterfactuals.md);
``backorder_units_avoided`` and ``fill_rate_gain`` are statistics of the
per-replication differences. It is empty when the network has no alternate
lane, when alternates are off, or when the caller did not compute it.
``totals`` estimates, per replication, the sum over all products of the
lost units and the money of docs/customers.md, so a reviewer reads one
figure for the whole network.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

import numpy as np

from riskmap import __version__
from riskmap.load.dump import network_record, spec
from riskmap.stats import DIGITS, STATISTICS, TOTAL_STATISTICS, statistic

FORMAT = 1
FILENAME = "report.json"


def build_report(summary, *, static_suppliers: Optional[dict] = None,
                 alternates: Optional[list] = None, counterfactuals: Optional[dict] = None) -> dict:
    """The ``report.json`` content of a run.

    Parameters
    ----------
    summary : riskmap.run.montecarlo.RunSummary
        The Monte Carlo outcome.
    static_suppliers : dict, optional
        ``risk_map(network).to_dict()["suppliers"]``; computed here when not
        given (see :func:`static_analysis`).
    alternates : list, optional
        Ranked counterfactual gains of the alternate sources (empty when not
        computed); ignored when ``counterfactuals`` is given.
    counterfactuals : dict, optional
        :meth:`riskmap.options.counterfactuals.Counterfactuals.to_dict`: the
        ``alternates``, ``all_alternates``, ``candidates``,
        ``stock_what_ifs`` and ``what_ifs`` sections.
    """
    scenario = summary.scenario
    static = static_analysis(scenario.network)
    if static_suppliers is None:
        static_suppliers = static.get("suppliers", {})
    report = {
        "format": FORMAT,
        "scenario": scenario_section(summary),
        "network": network_section(scenario.network),
        "products": products_section(summary),
        "totals": totals_section(summary),
        "parts": {pid: _estimates(stats) for pid, stats in summary.parts.items()},
        "suppliers": suppliers_section(summary, static_suppliers),
        "regions": static.get("regions", {}),
        "alternates": list(alternates or []),
        "statistics": statistics_section(scenario.network.time_unit),
    }
    if counterfactuals is not None:
        report.update(counterfactual_sections(counterfactuals))
    report = _json_safe(report)
    # the bands are already plain finite floats, and by far the largest part:
    # they skip the generic pass
    report["series"] = series_section(summary)
    return report


def counterfactual_sections(tables: dict) -> dict:
    """The paired-comparison tables of docs/counterfactuals.md (present when computed)."""
    return {
        "alternates": list(tables.get("alternates", [])),
        "all_alternates": tables.get("all_alternates"),
        "candidates": list(tables.get("candidates", [])),
        "stock_what_ifs": list(tables.get("stock_what_ifs", [])),
        "what_ifs": list(tables.get("what_ifs", [])),
    }


def scenario_section(summary) -> dict:
    """What was run: name, seed, replications, horizon, files and version."""
    scenario = summary.scenario
    return {
        "name": scenario.name,
        "network": scenario.network.name,
        "seed": summary.seed,
        "replications": summary.replications,
        "horizon": scenario.horizon,
        "warmup": scenario.warmup,
        "time_unit": scenario.network.time_unit,
        "alternates": summary.alternates,
        "riskmap_version": __version__,
        "files": {
            "scenario": file_record(scenario.file),
            "network": (None if scenario.network.file == scenario.file
                        else file_record(scenario.network.file)),
        },
        "disruptions": [disruption_record(d) for d in scenario.disruptions],
    }


def disruption_record(disruption) -> dict:
    """A disruption as written in a scenario file (distributions in their file form)."""
    return {
        "id": disruption.id,
        "kind": disruption.kind,
        "target": {disruption.target.kind: disruption.target.id},
        "at": spec(disruption.at),
        "duration": spec(disruption.duration),
        "probability": disruption.probability,
        "rate": disruption.rate,
        "lead_time_factor": disruption.lead_time_factor,
        "capacity_factor": disruption.capacity_factor,
        "factor": disruption.factor,
    }


def network_section(network) -> dict:
    """The network that was run, every key present (riskmap.load.dump.network_record)."""
    return network_record(network)


def file_record(path: str) -> Optional[dict]:
    """``{name, sha256}`` of an input file (base name only), ``None`` for an in-memory model."""
    if not path or not os.path.isfile(path):
        return None
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return {"name": os.path.basename(path), "sha256": digest}


def products_section(summary) -> dict:
    """Per product: every product statistic plus the pooled fill rate."""
    out = {}
    for pid, stats in summary.products.items():
        entry = _estimates(stats)
        pooled = summary.fill_rate_pooled.get(pid)
        if pooled is not None:
            entry["fill_rate_pooled"] = pooled.to_dict()
        out[pid] = entry
    return out


def totals_section(summary) -> dict:
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
        out[name] = statistic("product", name).estimate(sums, time_unit).to_dict()
    return out


def suppliers_section(summary, static_suppliers: dict) -> dict:
    """Per supplier of the network: the static risk map figures and the simulated ones."""
    ids = sorted({s.id for s in summary.scenario.network.suppliers} | set(summary.suppliers))
    out = {}
    for sid in ids:
        entry = dict(static_suppliers.get(sid, {}))
        entry.update(_estimates(summary.suppliers.get(sid, {})))
        out[sid] = entry
    return out


def static_analysis(network) -> dict:
    """The static risk map (:func:`riskmap.analysis.risk_map.risk_map`) as a dictionary.

    Its ``suppliers`` and ``regions`` blocks (``tts``, ``ttr``, ``pi``,
    ``rei``...) go into the report. The LP solver statistics are left out:
    they describe how the figures were computed, not the network.
    """
    from riskmap.analysis.risk_map import risk_map

    return risk_map(network).to_dict()


def series_section(summary) -> dict:
    """Percentile bands of on-hand and backlog per product (see :class:`riskmap.run.montecarlo.SeriesBands`)."""
    products = {}
    for pid, series in summary.bands.items():
        products[pid] = {
            name: {key: _rounded_list(values) for key, values in band.items()}
            for name, band in series.items()
        }
    return {
        "times": [int(t) for t in summary.times],
        "replications": summary.series_replications,
        "products": products,
    }


def statistics_section(time_unit: str) -> dict:
    """Unit and meaning of every statistic, for readers of the file."""
    out = {}
    for subject, stats in STATISTICS.items():
        for stat in stats:
            out[f"{subject}.{stat.name}"] = {
                "subject": subject, "unit": stat.unit_for(time_unit),
                "description": stat.description,
            }
    return out


def _rounded_list(values) -> list[float]:
    """Band values rounded to ``DIGITS`` decimals.

    numpy's ``round`` (scale, round half to even, unscale) is used here
    rather than Python's correctly rounded ``round`` because bands hold
    thousands of values; both are plain IEEE 754 arithmetic, so the result
    is the same on every platform. Adding 0.0 turns -0.0 into 0.0.
    """
    return (np.round(np.asarray(values, dtype=float), DIGITS) + 0.0).tolist()


def _estimates(stats: dict) -> dict:
    return {name: estimate.to_dict() for name, estimate in stats.items()}


def _json_safe(value: Any) -> Any:
    """Plain JSON types only: numpy scalars become Python numbers, non-finite floats ``None``."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()  # numpy scalar
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def dumps(report: dict) -> str:
    """The canonical text: sorted keys, two-space indent, no NaN, a final newline."""
    return json.dumps(report, sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def write_report(report: dict, directory: str | os.PathLike) -> Path:
    """Write ``report.json`` into ``directory`` atomically; return its path.

    The text goes to a temporary file in the same directory, which then
    replaces ``report.json`` in one step: a reader never sees half a report,
    and an interrupted run leaves any previous report intact.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return write_atomic(directory / FILENAME, dumps(report))


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and :func:`os.replace`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file private (0600); a report is meant to be shared
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
