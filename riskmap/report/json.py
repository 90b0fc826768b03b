"""``report.json``: the machine-readable record of a run, written and read back.

:func:`write_report` writes a :class:`~riskmap.report.content.Report` and
:func:`read_report` reads one back (``riskmap report``), with a positioned
message for a file that is not a report this riskmap reads.

The same scenario files and seed give a byte-identical file: keys are sorted,
floats rounded to :data:`riskmap.stats.DIGITS` decimals, and the file holds no
timestamp, no absolute path, no host name and no worker count.

Layout (keys beyond those docs/running.md guarantees are marked +)::

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
                    total_cost+, fill_rate_pooled+,
                    classes+.<class>: {the same, for one customer class}}
                    (classes only for a product whose demand is a list of classes)
                    updates_sent+, updates_missed+, inquiries+, inquiries_per_day+,
                    inquiries_peak_day+ (only for a product with updates: or inquiries:)
                    compensated_orders+, compensation_cost+,
                    compensation+.<rule>: {offers, compensated_orders, compensation_cost}
                    (only for a product with compensation rules)
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
    compensation+: [{product, id, when, offer, compensated_orders, compensation_cost,
                     cancellations_avoided, margin_kept, net, why, the same fields}]
        (only for a scenario with compensation rules)
        (these four only when the counterfactual arms were run)
    series+: {times, replications, products.<id>: {on_hand, backlog: {p5, p25, p50, p75, p95}}}
    statistics+: {<name>: {subject, unit, description}}

Each statistic is ``{mean, ci95: [low, high], n, unit}`` plus ``p50``, ``p90``,
``p95`` and their intervals ``p50_ci95``, ``p90_ci95``, ``p95_ci95`` where it
varies by replication (see :mod:`riskmap.stats`).
``alternates`` ranks the alternate lanes, best first, from paired runs
without each of them (:mod:`riskmap.options`, docs/counterfactuals.md);
``backorder_units_avoided`` and ``fill_rate_gain`` are statistics of the
per-replication differences. It is empty when the network has no alternate
lane, when alternates are off, or when the caller did not compute it.
``totals`` estimates, per replication, the sum over all products of the
lost units and the money of docs/customers.md, so a reviewer reads one
figure for the whole network.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from riskmap.errors import Diagnostic, InputError, Pos
from riskmap.output.atomic import write_atomic  # noqa: F401 - also imported from here
from riskmap.report.content import Report, ReportFormatError

FILENAME = "report.json"


def dumps(report: Report) -> str:
    """The canonical text: sorted keys, two-space indent, no NaN, a final newline."""
    return json.dumps(report.to_dict(), sort_keys=True, indent=2, allow_nan=False,
                      ensure_ascii=False) + "\n"


def write_report(report: Report, directory: str | os.PathLike) -> Path:
    """Write ``report.json`` into ``directory`` atomically; return its path.

    The text goes to a temporary file in the same directory, which then
    replaces ``report.json`` in one step (:func:`riskmap.output.atomic.write_atomic`):
    a reader never sees half a report. ``riskmap run`` writes it into a
    staging folder with the renderings and puts the set in place as one
    (:mod:`riskmap.report.publish`).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return write_atomic(directory / FILENAME, dumps(report))


def read_report(path: str, *, force: bool = False) -> Report:
    """Read a ``report.json``; raise :class:`InputError` naming the position or JSON path of any problem.

    The file is read as every input is (:func:`riskmap.load.document.read_bytes`: regular
    files only, at most ``MAX_BYTES`` unless ``force``).
    """
    from riskmap.load.document import decode, read_bytes

    if not os.path.lexists(path):
        raise InputError([Diagnostic(Pos(path), "no such file")])
    text = decode(path, read_bytes(path, force=force))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Diagnostic(Pos(path, exc.lineno, exc.colno),
                                     f"not valid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise InputError([Diagnostic(Pos(path), "values are nested too deeply to be a riskmap "
                                                "report.json")]) from None
    try:
        return Report.from_dict(data)
    except ReportFormatError as exc:
        raise InputError([Diagnostic(Pos(path), str(exc))]) from None
    except RecursionError:
        raise InputError([Diagnostic(Pos(path), "values are nested too deeply to be a riskmap "
                                                "report.json")]) from None

