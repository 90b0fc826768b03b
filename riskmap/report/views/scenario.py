"""What was run, in words: the scenario's facts, disruptions, policies and the command to rerun it.

Distributions and policies are described as a scenario file writes them
(:meth:`riskmap.dists.Dist.to_spec`, :func:`riskmap.load.dump.policy_record`):
``uniform (min 20, max 40)``, ``base_stock (level 30)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

from riskmap.dists import Dist
from riskmap.escape import argument_path, shell
from riskmap.load.dump import policy_record
from riskmap.model import Disruption, Policy, Trigger
from riskmap.report.content import Report
from riskmap.report.text import MISSING, number, percent

#: parameters of distributions and policies in the order people read them
#: (the file is sorted alphabetically); others follow alphabetically.
PARAMETER_ORDER = ("min", "mode", "max", "mean", "sd", "values", "weights",
                   "level", "point", "quantity", "review_period")


def describe_number(value: float) -> str:
    """A number of a scenario file (a rate, a horizon, a stock), up to two decimals.

    >>> describe_number(30), describe_number(0.125)
    ('30', '0.12')
    """
    return number(float(value), digits=2)


def _describe(value: Any) -> str:
    """A value of a file form: a number, a ``{dist | type: NAME, ...}`` mapping or a list."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return describe_number(value)
    if isinstance(value, dict):
        name = value.get("dist") or value.get("type")
        keys = sorted((k for k in value if k not in ("dist", "type")),
                      key=lambda k: (PARAMETER_ORDER.index(k) if k in PARAMETER_ORDER
                                     else len(PARAMETER_ORDER), k))
        params = ", ".join(f"{k} {_describe(value[k])}" for k in keys)
        return f"{name} ({params})" if name else params
    if isinstance(value, (list, tuple)):
        return ", ".join(_describe(v) for v in value)
    return str(value)


def describe_dist(dist: Optional[Dist]) -> str:
    """A distribution in words, a dash when absent.

    >>> from riskmap.dists import Constant, Uniform
    >>> describe_dist(Constant(30)), describe_dist(Uniform(20, 40)), describe_dist(None)
    ('30', 'uniform (min 20, max 40)', '–')
    """
    return MISSING if dist is None else _describe(dist.to_spec())


def describe_policy(policy: Policy) -> str:
    """A replenishment policy in words.

    >>> describe_policy(Policy("min_max", min=5, max=20))
    'min_max (min 5, max 20)'
    """
    return _describe(policy_record(policy))


@dataclass(frozen=True)
class DisruptionRow:
    """One disruption of the scenario, as text."""

    id: str
    kind: str
    target: str
    at: str
    duration: str
    chance: str
    effect: str


#: fields of a disruption that change what happens, shown as its effect (1 changes nothing).
EFFECT_FIELDS = ("lead_time_factor", "capacity_factor", "factor")


def disruption_row(disruption: Disruption, time_unit: str,
                   set_off_by: Sequence[tuple[str, Trigger]] = ()) -> DisruptionRow:
    """One disruption as text; a rate is per ``time_unit``.

    ``set_off_by`` lists the disruptions that trigger it, with their trigger:
    then it happens only when they set it off, which its chance says.
    """
    d = disruption
    if set_off_by:
        chance = "; ".join(f"{percent(t.probability)} of the times {by} happens, "
                           f"{describe_dist(t.after)} later" for by, t in set_off_by)
    elif d.rate is not None:
        chance = f"rate {describe_number(d.rate)} per {time_unit}"
    elif d.every is not None:
        chance = f"again and again, up {describe_dist(d.every)} between outages"
        if d.probability != 1:
            chance += f", {percent(d.probability)} of runs"
    else:
        chance = percent(d.probability)
    effects = [f"{name.replace('_', ' ')} {describe_number(getattr(d, name))}"
               for name in EFFECT_FIELDS if getattr(d, name) not in (None, 1)]
    if d.kind == "quality":
        effects.append(f"reject {percent(d.reject)} of the units received")
    if d.ramp is not None:
        effects.append(f"capacity back gradually over {describe_dist(d.ramp)}")
    if d.triggers:
        effects.append("sets off " + ", ".join(
            f"{t.id} ({percent(t.probability)}, {describe_dist(t.after)} later)"
            for t in d.triggers))
    effect = ", ".join(effects)
    return DisruptionRow(
        id=d.id or MISSING, kind=d.kind or MISSING, target=f"{d.target.kind} {d.target.id}",
        at=("when set off" if set_off_by else "0" if d.every is not None else "random")
        if d.at is None else describe_dist(d.at),
        duration="the supplier's TTR" if d.duration is None else describe_dist(d.duration),
        chance=chance, effect=effect or MISSING)


def disruption_rows(report: Report) -> list[DisruptionRow]:
    """The scenario's disruptions in file order."""
    disruptions = report.scenario.disruptions
    return [disruption_row(d, report.time_unit,
                           [(by.id, t) for by in disruptions for t in by.triggers if t.id == d.id])
            for d in disruptions]


@dataclass(frozen=True)
class PolicyRow:
    """The replenishment policy and initial stock of one part or product, as text."""

    item: str
    kind: str
    policy: str
    stock: str


def policy_rows(report: Report) -> list[PolicyRow]:
    """Every part, then every product, of the report's network, each sorted by id."""
    rows = []
    for items in (report.network.parts, report.network.products):
        for item in sorted(items, key=lambda i: i.id):
            policy = "no replenishment" if item.policy is None else describe_policy(item.policy)
            rows.append(PolicyRow(item.id, item.kind, policy, describe_number(item.stock)))
    return rows


def scenario_facts(report: Report) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of what was run; what the report does not say is left out."""
    info = report.scenario
    unit = report.time_unit
    facts: list[tuple[str, Any]] = [("scenario", info.name), ("network", info.network)]
    if info.horizon is not None:
        facts.append(("horizon", f"{describe_number(info.horizon)} {unit}s"))
    if info.warmup is not None:
        facts.append(("warm-up (not counted)", f"{describe_number(info.warmup)} {unit}s"))
    facts += [("replications", info.replications), ("seed", info.seed),
              ("alternates", info.alternates)]
    for role, record in (("network", info.network_file), ("scenario", info.scenario_file)):
        if record is not None:
            facts.append((f"{role} file", f"{record.name} (sha256 {record.sha256})"))
    facts.append(("riskmap version", info.riskmap_version))
    facts.append(("report format", report.format))
    return [(label, str(value)) for label, value in facts if value is not None]


def reproduce_command(report: Report) -> str:
    """The command that reproduces the report: the scenario file, seed and replications.

    The file name is the report's own record of it, quoted for a POSIX shell
    (:func:`riskmap.escape.shell`): a scenario file named
    ``my plan $(touch PWNED).yaml`` is one word that runs nothing.

    >>> from riskmap.model import Network
    >>> from riskmap.report.content import FileRecord, RunInfo
    >>> info = RunInfo(seed=1, replications=50, scenario_file=FileRecord("my plan.yaml", ""))
    >>> reproduce_command(Report(info, Network("n"), {}))
    "riskmap run 'my plan.yaml' --seed 1 --replications 50"
    """
    info = report.scenario
    record = info.scenario_file
    name = record.name if record is not None and record.name else "SCENARIO.yaml"
    words = ["riskmap", "run", argument_path(name)]
    if info.seed is not None:
        words += ["--seed", str(info.seed)]
    if info.replications is not None:
        words += ["--replications", str(info.replications)]
    command = shell(words)
    if info.alternates == "off":
        command += "  # with alternates: off in the scenario"
    return command
