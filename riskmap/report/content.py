"""What a report holds: typed records of one run, written as report.json and read back from it.

A :class:`Report` gathers, as the reports show them (every figure rounded as
report.json holds it), what the layers before it produced:

* :class:`RunInfo`: what was run (scenario, seed, replications, input files,
  the disruptions as written);
* the :class:`~riskmap.model.Network` that was run;
* per product, part and supplier the :class:`~riskmap.stats.Estimate` of every
  statistic of :mod:`riskmap.stats.statistics`, and the totals over products;
* per customer class of a product with classes, the product statistics for
  that class alone (``products.<id>.classes.<class>`` in report.json);
* per supplier and region the static risk map's
  :class:`~riskmap.analysis.risk_map.Exposure`;
* the counterfactual :class:`~riskmap.options.tables.OptionTables`, when
  they were run;
* the percentile :class:`Bands` of on-hand stock and backlog over time;
* the scenario's alert rules scored on the runs
  (:class:`~riskmap.alerts.figures.AlertFigures`), when it has ``alerts:``.

:func:`riskmap.report.build.build_report` builds it from a run;
:meth:`Report.to_dict` is the content of report.json (its layout is in
docs/running.md) and :meth:`Report.from_dict` the one reader of that file,
used by ``riskmap report``: ``Report.from_dict(r.to_dict()) == r``. The views,
charts and plan checks read these records, never report.json's dictionaries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

from riskmap.alerts.figures import FIGURES as ALERT_FIGURES
from riskmap.alerts.figures import AlertFigures
from riskmap.analysis.matrix import RiskMatrix
from riskmap.analysis.risk_map import Exposure
from riskmap.dists import from_spec
from riskmap.load.dump import network_from_record, network_record, spec
from riskmap.model import Disruption, Network, Target, Trigger
from riskmap.options.tables import OptionTables
from riskmap.stats import Estimate

#: the format version of report.json.
FORMAT = 1


@dataclass(frozen=True)
class FileRecord:
    """An input file: its base name and the sha256 of its bytes."""

    name: str
    sha256: str

    def to_dict(self) -> dict:
        return {"name": self.name, "sha256": self.sha256}


@dataclass(frozen=True)
class RunInfo:
    """What was run. Fields a report written by an older riskmap lacks are ``None``."""

    name: Optional[str] = None
    network: Optional[str] = None
    seed: Optional[int] = None
    replications: Optional[int] = None
    horizon: Optional[float] = None
    warmup: Optional[float] = None
    time_unit: Optional[str] = None
    alternates: Optional[str] = None
    riskmap_version: Optional[str] = None
    scenario_file: Optional[FileRecord] = None
    network_file: Optional[FileRecord] = None
    disruptions: tuple[Disruption, ...] = ()

    def to_dict(self) -> dict:
        return {
            "name": self.name, "network": self.network, "seed": self.seed,
            "replications": self.replications, "horizon": self.horizon,
            "warmup": self.warmup, "time_unit": self.time_unit, "alternates": self.alternates,
            "riskmap_version": self.riskmap_version,
            "files": {"scenario": _file(self.scenario_file), "network": _file(self.network_file)},
            "disruptions": [disruption_record(d) for d in self.disruptions],
        }


def disruption_record(disruption: Disruption) -> dict:
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
        # keys of the newer kinds only where they are used, so other reports keep their shape
        **({"every": spec(disruption.every)} if disruption.every is not None else {}),
        **({"reject": disruption.reject} if disruption.kind == "quality" else {}),
        **({"ramp": spec(disruption.ramp)} if disruption.ramp is not None else {}),
        **({"triggers": [{"id": t.id, "probability": t.probability, "after": spec(t.after)}
                         for t in disruption.triggers]} if disruption.triggers else {}),
    }


def _disruption_from(record: dict) -> Disruption:
    (kind, target), = record["target"].items()
    return Disruption(
        id=str(record["id"]), kind=str(record["kind"]), target=Target(str(kind), str(target)),
        at=None if record.get("at") is None else from_spec(record["at"]),
        duration=None if record.get("duration") is None else from_spec(record["duration"]),
        probability=float(record.get("probability", 1.0)), rate=record.get("rate"),
        lead_time_factor=float(record.get("lead_time_factor") or 1.0),
        capacity_factor=float(record.get("capacity_factor", 1.0)),
        factor=float(record.get("factor") or 1.0),
        every=None if record.get("every") is None else from_spec(record["every"]),
        reject=float(record.get("reject") or 0.0),
        ramp=None if record.get("ramp") is None else from_spec(record["ramp"]),
        triggers=tuple(Trigger(str(t["id"]), float(t.get("probability", 1.0)),
                               from_spec(t.get("after", 0)))
                       for t in record.get("triggers") or ()))


def _file(record: Optional[FileRecord]) -> Optional[dict]:
    return None if record is None else record.to_dict()


@dataclass(frozen=True)
class SupplierFigures:
    """One supplier: the static risk map's exposure (``None`` without a map) and simulated estimates."""

    exposure: Optional[Exposure]
    estimates: dict[str, Estimate] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = self.exposure.to_dict() if self.exposure is not None else {}
        out.update(_estimates(self.estimates))
        return out


@dataclass(frozen=True)
class StatisticInfo:
    """Unit and meaning of one statistic, as report.json describes it to its readers."""

    subject: str
    unit: str
    description: str

    def to_dict(self) -> dict:
        return {"subject": self.subject, "unit": self.unit, "description": self.description}


@dataclass(frozen=True)
class Bands:
    """Percentile bands (p5, p25, p50, p75, p95) of each product's on-hand stock and backlog.

    ``products[id][series][percentile]`` is a list with one value per time of
    ``times``; ``replications`` is how many replications they are computed on.
    """

    times: tuple[int, ...] = ()
    replications: Optional[int] = None
    products: dict[str, dict[str, dict[str, list[float]]]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"times": list(self.times), "replications": self.replications,
                "products": self.products}


@dataclass(frozen=True)
class Report:
    """The report of one run (see the module docstring)."""

    scenario: RunInfo
    network: Network
    products: dict[str, dict[str, Estimate]]
    totals: dict[str, Estimate] = field(default_factory=dict)
    parts: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    suppliers: dict[str, SupplierFigures] = field(default_factory=dict)
    regions: dict[str, Exposure] = field(default_factory=dict)
    options: Optional[OptionTables] = None
    series: Bands = field(default_factory=Bands)
    statistics: dict[str, StatisticInfo] = field(default_factory=dict)
    format: int = FORMAT
    risk_matrix: Optional[RiskMatrix] = None
    #: the alert rules, in the scenario's order (empty: report.json has no ``alerts``).
    alerts: tuple[AlertFigures, ...] = ()
    #: ``{product: {class: {statistic: Estimate}}}``, products with customer classes only.
    classes: dict[str, dict[str, dict[str, Estimate]]] = field(default_factory=dict)
    #: ``{product: {rule: {statistic: Estimate}}}``, products with compensation rules only.
    rules: dict[str, dict[str, dict[str, Estimate]]] = field(default_factory=dict)

    @property
    def time_unit(self) -> str:
        """The scenario's time unit (``"time unit"`` when the report does not say)."""
        return self.scenario.time_unit or "time unit"

    def to_dict(self) -> dict:
        """The content of report.json (keys are sorted when it is written)."""
        out = {
            "format": self.format,
            "scenario": self.scenario.to_dict(),
            "network": network_record(self.network),
            "products": {pid: _estimates(stats) for pid, stats in self.products.items()},
            "totals": _estimates(self.totals),
            "parts": {pid: _estimates(stats) for pid, stats in self.parts.items()},
            "suppliers": {sid: figures.to_dict() for sid, figures in self.suppliers.items()},
            "regions": {rid: exposure.to_dict() for rid, exposure in self.regions.items()},
            "alternates": [],
            "statistics": {key: info.to_dict() for key, info in self.statistics.items()},
        }
        for pid, per_class in self.classes.items():
            out["products"].setdefault(pid, {})["classes"] = {
                cid: _estimates(stats) for cid, stats in per_class.items()}
        for pid, per_rule in self.rules.items():
            out["products"].setdefault(pid, {})["compensation"] = {
                rid: _estimates(stats) for rid, stats in per_rule.items()}
        if self.options is not None:
            out.update(self.options.to_dict())
        if self.risk_matrix is not None:
            out["risk_matrix"] = self.risk_matrix.to_dict()
        if self.alerts:
            out["alerts"] = [alert.to_dict() for alert in self.alerts]
        out = json_safe(out)
        # the bands are plain finite floats already, and by far the largest part:
        # they skip the generic pass
        out["series"] = self.series.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Any) -> "Report":
        """Read a report.json's content; raises :class:`ReportFormatError` naming what is wrong.

        Blocks an older riskmap did not write are empty; the option tables
        are ``None`` when the file has only the (empty) ``alternates`` list.
        """
        return _Reader(data).report()


class ReportFormatError(ValueError):
    """The content is not a report.json this riskmap reads: ``where`` is the key path."""

    def __init__(self, where: str, problem: str):
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)


#: versions of report.json this riskmap reads.
SUPPORTED_FORMATS = (FORMAT,)


class _Reader:
    """Reads each block of a report.json, naming the key path of what it cannot read."""

    def __init__(self, data: Any):
        if not isinstance(data, dict):
            raise ReportFormatError("", "expected a JSON object (a riskmap report.json)")
        self.data = data

    def report(self) -> Report:
        data = self.data
        problems = []
        if data.get("format") not in SUPPORTED_FORMATS or isinstance(data.get("format"), bool):
            problems.append(f"format: expected one of {list(SUPPORTED_FORMATS)}, got "
                            f"{data.get('format')!r}; is this a riskmap report.json?")
        for key in ("scenario", "products"):
            if not isinstance(data.get(key), dict):
                problems.append(f"{key}: missing or not an object")
        if problems:
            raise ReportFormatError("", "; ".join(problems))
        check_shape(data)
        info = self.block("scenario", _run_info)
        network = self.block("network", network_from_record, default={})
        if not network.name:
            network = Network(info.network or info.name or "", network.time_unit,
                              network.regions, network.suppliers, network.items)
        return Report(
            scenario=info, network=network,
            products=self.block("products", _product_tables),
            classes=self.block("products", lambda v: _nested_tables(v, "classes")),
            rules=self.block("products", lambda v: _nested_tables(v, "compensation")),
            totals=self.block("totals", _estimate_table, default={}),
            parts=self.block("parts", _estimate_tables, default={}),
            suppliers=self.block("suppliers", _supplier_table, default={}),
            regions=self.block("regions", _region_table, default={}),
            options=self.options(),
            series=self.block("series", _bands, default={}),
            statistics=self.block("statistics", _statistics, default={}),
            format=data["format"],
            risk_matrix=self.block("risk_matrix", _risk_matrix),
            alerts=self.block("alerts", _alerts, default=[]))

    def block(self, key: str, read, default: Any = None):
        value = self.data.get(key, default)
        if value is None:
            value = default
        try:
            return read(value)
        except ReportFormatError as exc:
            raise ReportFormatError(f"{key}.{exc.where}" if exc.where else key,
                                    exc.problem) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ReportFormatError(key, _problem(exc)) from None

    def options(self) -> Optional[OptionTables]:
        sections = ("all_alternates", "candidates", "stock_what_ifs", "what_ifs", "compensation")
        if not any(key in self.data for key in sections) and not self.data.get("alternates"):
            return None
        return self.block("alternates", lambda _: OptionTables.from_dict(self.data))


# --------------------------------------------------------------------------- the shape
#
# Before any block is read, every value whose type the records and the views rely on is
# checked against the table below, so a hand-edited or foreign report.json gives one
# message naming the JSON path of the bad value (``products.bulb.fill_rate.mean``), never
# an error deep in a renderer. Keys the tables do not name are left to the readers.
#
# A spec is a type name (``"num?"``: a number or null, ``"int"``, ``"str?"``, ``"bool?"``,
# ``"strs?"``: a list of strings or null, ``"est"``: an estimate, ``"any"``), a dict
# (an object with those keys, each optional), ``("each", SPEC)`` (an object whose every
# value matches), ``("list", SPEC)`` (a list whose every entry matches), ``("opt", SPEC)``
# (that or null), ``("either", SPEC, LIST_SPEC)`` (a list checked against LIST_SPEC, anything
# else against SPEC) or ``("stats", NAMES)`` (an object whose keys among NAMES are estimates).

_TYPE_NAMES = {
    "num": "a number", "int": "a whole number", "str": "a string", "bool": "true or false",
    "strs": "a list of strings", "obj": "an object", "list": "a list",
}


def _stat_names(subject: str) -> frozenset[str]:
    from riskmap.stats.statistics import STATISTICS

    return frozenset(stat.name for stat in STATISTICS[subject])


def _report_shape() -> dict:
    exposure = {"tts": "num?", "ttr": "num?", "pi": "num?", "rei": "num?",
                "tts_minus_ttr": "num?", "at_risk": "bool?", "tts_unbounded": "bool?",
                "products": "strs?", "single_point_of_failure_for": "strs?",
                "suppliers": "strs?", "region": "str?",
                "extra_stock": ("opt", {"total": "int?", "items": ("opt", ("each", "int"))})}
    source = {"supplier": "str", "capacity": "num?", "share": "num?", "unit_cost": "num?",
              "alternate": "bool?"}
    item = {"id": "str", "name": "str?", "stock": "int?", "capacity": "num?",
            "production": "str?", "sources": ("opt", ("list", source)),
            "bom": ("opt", ("each", "int")), "price": "num?", "margin": "num?",
            "backorder_cost": "num?", "lost_sale_cost": "num?",
            "demand": ("opt", ("either", {"rate": "num?"},
                               ("list", {"class": "str", "priority": "int", "rate": "num?"}))),
            "allocation": "str?", "policy": ("opt", "obj"),
            "substitutes": ("opt", ("list", {"product": "str", "acceptance": "num"}))}
    network = {"name": "str?", "time_unit": "str?",
               "regions": ("opt", ("list", {"id": "str", "name": "str?"})),
               "suppliers": ("opt", ("list", {"id": "str", "name": "str?", "region": "str?",
                                              "capacity": "num?", "depends_on": "strs?"})),
               "parts": ("opt", ("list", item)), "products": ("opt", ("list", item))}
    scenario = {"name": "str?", "network": "str?", "seed": "int?", "replications": "int?",
                "horizon": "num?", "warmup": "num?", "time_unit": "str?", "alternates": "str?",
                "riskmap_version": "str?",
                "files": ("opt", ("each", ("opt", {"name": "str?", "sha256": "str?"}))),
                "disruptions": ("opt", ("list", {"id": "str?", "kind": "str", "target": "obj",
                                                 "probability": "num?", "rate": "num?"}))}
    row = ("opt", ("list", "obj"))
    from riskmap.stats.statistics import SERVICE_STATISTICS

    from riskmap.stats.statistics import RULE_STATISTICS

    products = _stat_names("product") | {stat.name for stat in SERVICE_STATISTICS}
    rule_names = frozenset(stat.name for stat in RULE_STATISTICS)
    rolled = ("opt", ("each", {"score": "num",
                               "suppliers": ("opt", ("list", {"supplier": "str",
                                                              "score": "num"}))}))
    paired = ("opt", {"mean": "num?", "ci95": ("opt", ("list", "num?")), "n": "int?"})
    matrix = {"impact_unit": "str?", "score_unit": "str?", "spend_unit": "str?",
              "horizon": "num?",
              "suppliers": ("opt", ("each", {
                  "likelihood": "num", "impact": "num?", "score": "num?", "spend": "num?",
                  "lost_revenue": "num?", "down_time": "num?", "window": "num?", "pi": "num?",
                  "causes": ("opt", ("list", {"disruption": "str", "probability": "num",
                                              "via": "str?", "stop": "num?",
                                              "impact": "num?"})),
                  "products": ("opt", ("list", {"product": "str", "lost_revenue": "num?"})),
                  "simulated": ("opt", {
                      "lost_revenue": paired, "impact": paired, "backorder_units": paired,
                      "lost_margin": paired,
                      "products": ("opt", ("list", {"product": "str",
                                                    "lost_revenue": paired}))}),
                  "breakdown": ("opt", {"simulated": "num?", "pi": "num?",
                                        "drives": "str?"})})),
              "parts": rolled, "products": rolled,
              "simulation": ("opt", {"cap": "int?", "left_out": "strs?"})}
    return {
        "scenario": scenario,
        "network": ("opt", network),
        "products": ("each", ("all", ("stats", products),
                              {"classes": ("opt", ("each", ("stats", products))),
                               "compensation": ("opt", ("each", ("stats", rule_names)))})),
        "totals": ("opt", ("stats", products)),
        "parts": ("opt", ("each", ("stats", _stat_names("part")))),
        "suppliers": ("opt", ("each", ("all", exposure, ("stats", _stat_names("supplier"))))),
        "regions": ("opt", ("each", exposure)),
        "alternates": row, "candidates": row, "stock_what_ifs": row, "what_ifs": row,
        "compensation": row,
        "all_alternates": ("opt", "obj"),
        "series": ("opt", {"times": ("opt", ("list", "num")), "replications": "int?",
                           "products": ("opt", ("each", ("each", ("each",
                                                                  ("opt", ("list", "num?"))))))}),
        "statistics": ("opt", ("each", {"subject": "str?", "unit": "str?",
                                        "description": "str?"})),
        "risk_matrix": ("opt", matrix),
        "alerts": ("opt", ("list", ("all", {
            "id": "str", "item": "str", "measure": "str?", "below": "num", "window": "num?",
            "lead_time": "num?", "suggested_below": "num?",
            "suggestion": ("opt", {key: "num?" for key in (
                "below", "false_alarms_per_year", "in_time_share", "lead_time",
                "max_false_alarms_per_year", "min_in_time_share")})},
            ("stats", frozenset(ALERT_FIGURES))))),
    }


def check_shape(data: Any) -> None:
    """Raise :class:`ReportFormatError` at the JSON path of the first value of the wrong type."""
    if not isinstance(data, dict):
        raise ReportFormatError("", "expected a JSON object (a riskmap report.json)")
    _check(data, _report_shape(), "")


def _join(where: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else str(key)


def _check(value: Any, spec: Any, where: str) -> None:
    if isinstance(spec, str):
        _check_type(value, spec, where)
    elif isinstance(spec, dict):
        _check_type(value, "obj", where)
        for key, sub in spec.items():
            if key in value:
                _check(value[key], sub, _join(where, key))
    elif spec[0] == "opt":
        if value is not None:
            _check(value, spec[1], where)
    elif spec[0] == "each":
        _check_type(value, "obj", where)
        for key, entry in value.items():
            _check(entry, spec[1], _join(where, key))
    elif spec[0] == "list":
        _check_type(value, "list", where)
        if isinstance(spec[1], str):  # the long lists: series and bands of numbers
            _check_scalars(value, spec[1], where)
            return
        for k, entry in enumerate(value):
            _check(entry, spec[1], _join(where, k))
    elif spec[0] == "either":  # a list matches the list spec, anything else the other
        _check(value, spec[2] if isinstance(value, list) else spec[1], where)
    elif spec[0] == "all":
        for sub in spec[1:]:
            _check(value, sub, where)
    elif spec[0] == "stats":
        _check_type(value, "obj", where)
        for key in spec[1].intersection(value):
            _check_estimate(value[key], _join(where, key))


def _check_estimate(value: Any, where: str) -> None:
    """An estimate: ``{mean, ci95: [low, high], n, unit, p50...}``, numbers or null."""
    if not isinstance(value, dict) or "mean" not in value:
        raise ReportFormatError(where, f"expected an estimate object {{mean, ci95, n, ...}}, "
                                       f"got {_kind_of(value)}; write the figure as riskmap "
                                       "run does, or remove the key")
    for key in ("mean", "p50", "p90", "p95"):
        if key in value:
            _check_type(value[key], "num?", _join(where, key))
    if "n" in value:
        _check_type(value["n"], "int", _join(where, "n"))
    if "unit" in value:
        _check_type(value["unit"], "str?", _join(where, "unit"))
    for key in ("ci95", "p50_ci95", "p90_ci95", "p95_ci95"):
        bounds = value.get(key)
        if bounds is None:
            continue
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise ReportFormatError(_join(where, key), f"expected [low, high], got "
                                                       f"{_kind_of(bounds)}")
        for k, bound in enumerate(bounds):
            _check_type(bound, "num?", _join(_join(where, key), k))


#: what each type name of the shapes accepts (null is handled apart, by the ``?`` suffix).
_TYPE_CHECKS = {
    "num": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "strs": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "obj": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
    "any": lambda v: True,
}


def _accepts(name: str, value: Any) -> bool:
    """Whether ``value`` is of the type ``name`` (``num``, ``str?``...)."""
    base = name.rstrip("?")
    if value is None and (name.endswith("?") or base == "any"):
        return True
    return _TYPE_CHECKS[base](value)


def _check_type(value: Any, name: str, where: str) -> None:
    if not _accepts(name, value):
        base = name.rstrip("?")
        expected = _TYPE_NAMES[base] + (" or null" if name.endswith("?") else "")
        raise ReportFormatError(where, f"expected {expected}, got {_kind_of(value)}; fix the "
                                       "value, or write the report again with riskmap run")


def _check_scalars(value: list, name: str, where: str) -> None:
    """A list of values of type ``name``: checked at C speed, walked only to name a bad one."""
    if name in ("num", "num?"):
        optional = name == "num?"
        if all(type(v) is float or type(v) is int or (optional and v is None) for v in value):
            return
    for k, entry in enumerate(value):
        _check_type(entry, name, _join(where, k))


def _kind_of(value: Any) -> str:
    """How a JSON value reads in a message: ``the string 'high'``, ``a list``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"the number {value!r}"


def _problem(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


def _mapping(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ReportFormatError("", "expected an object")
    return value


def _each(value: Any, read) -> dict:
    """``{key: read(entry)}``, naming the key of an entry that cannot be read."""
    out = {}
    for key, entry in _mapping(value).items():
        try:
            out[str(key)] = read(str(key), entry)
        except ReportFormatError as exc:
            raise ReportFormatError(f"{key}.{exc.where}" if exc.where else str(key),
                                    exc.problem) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ReportFormatError(str(key), _problem(exc)) from None
    return out


def _estimate_table(value: Any) -> dict[str, Estimate]:
    """Estimates of one subject; entries that are not estimates (older keys) are skipped."""
    return {key: Estimate.from_dict(entry) for key, entry in _mapping(value).items()
            if isinstance(entry, dict) and "mean" in entry}


def _estimate_tables(value: Any) -> dict[str, dict[str, Estimate]]:
    return _each(value, lambda _, entry: _estimate_table(entry))


def _product_tables(value: Any) -> dict[str, dict[str, Estimate]]:
    """Each product's estimates; its ``classes`` and ``compensation`` (read by
    :func:`_nested_tables`) left aside."""
    return _each(value, lambda _, entry: _estimate_table(
        {k: v for k, v in _mapping(entry).items() if k not in ("classes", "compensation")}))


def _nested_tables(value: Any, key: str) -> dict[str, dict[str, dict[str, Estimate]]]:
    """``products.<id>.<key>``: estimates per customer class (``classes``) or per compensation
    rule (``compensation``), for the products that have some."""
    tables = _each(value, lambda _, entry: _estimate_tables(_mapping(entry).get(key) or {}))
    return {pid: nested for pid, nested in tables.items() if nested}


def _supplier_table(value: Any) -> dict[str, SupplierFigures]:
    def read(sid: str, entry: dict) -> SupplierFigures:
        entry = _mapping(entry)
        static = any(key in entry for key in ("tts", "tts_unbounded", "ttr", "pi", "rei"))
        return SupplierFigures(Exposure.from_dict(sid, entry) if static else None,
                               _estimate_table(entry))
    return _each(value, read)


def _region_table(value: Any) -> dict[str, Exposure]:
    return _each(value, lambda rid, entry: Exposure.from_dict(rid, _mapping(entry), "region"))


def _file_from(value: Any) -> Optional[FileRecord]:
    if not isinstance(value, dict):
        return None
    return FileRecord(str(value.get("name")), str(value.get("sha256")))


def _run_info(value: Any) -> RunInfo:
    s = _mapping(value)
    files = s.get("files") if isinstance(s.get("files"), dict) else {}
    disruptions = []
    for k, record in enumerate(s.get("disruptions") or []):
        try:
            disruptions.append(_disruption_from(_mapping(record)))
        except (KeyError, TypeError, ValueError, AttributeError, ReportFormatError) as exc:
            raise ReportFormatError(f"disruptions[{k}]", _problem(exc)) from None
    return RunInfo(
        name=_text(s.get("name")), network=_text(s.get("network")), seed=s.get("seed"),
        replications=s.get("replications"), horizon=s.get("horizon"), warmup=s.get("warmup"),
        time_unit=_text(s.get("time_unit")), alternates=_text(s.get("alternates")),
        riskmap_version=_text(s.get("riskmap_version")),
        scenario_file=_file_from(files.get("scenario")),
        network_file=_file_from(files.get("network")), disruptions=tuple(disruptions))


def _alerts(value: Any) -> tuple[AlertFigures, ...]:
    """The alert rules' entries (none in a report of a scenario without ``alerts:``)."""
    if not isinstance(value, list):
        raise ReportFormatError("", "expected a list")
    out = []
    for k, entry in enumerate(value):
        try:
            out.append(AlertFigures.from_dict(_mapping(entry)))
        except (KeyError, TypeError, ValueError, AttributeError, ReportFormatError) as exc:
            raise ReportFormatError(f"[{k}]", _problem(exc)) from None
    return tuple(out)


def _risk_matrix(value: Any) -> Optional[RiskMatrix]:
    """The supplier risk matrix; ``None`` for a report written before it existed."""
    return None if value is None else RiskMatrix.from_dict(_mapping(value))


def _text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _bands(value: Any) -> Bands:
    s = _mapping(value)
    products = s.get("products") or {}
    for pid, series in _mapping(products).items():
        for name, band in _mapping(series).items():
            for key, values in _mapping(band).items():
                if not isinstance(values, list):
                    raise ReportFormatError(f"products.{pid}.{name}.{key}", "expected a list")
    return Bands(tuple(int(t) for t in s.get("times") or ()), s.get("replications"), products)


def _statistics(value: Any) -> dict[str, StatisticInfo]:
    return _each(value, lambda _, e: StatisticInfo(str(e.get("subject", "")),
                                                   str(e.get("unit", "")),
                                                   str(e.get("description", ""))))


def _estimates(stats: dict[str, Estimate]) -> dict:
    return {name: estimate.to_dict() for name, estimate in stats.items()}


def json_safe(value: Any) -> Any:
    """Plain JSON types only: numpy scalars become Python numbers, non-finite floats ``None``."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()  # numpy scalar
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value
