"""The comparison of two plans as one record, compare.json, and which products are worse.

compare.json (docs/compare.md; SPEC section 7)::

    {format: 1, paired, mode, base, head, tolerance, worse: [ID...],
     added: [ID...], removed: [ID...], inputs: [{what, id, change, detail}...],
     note, products: {ID: {METRIC: {base, head, change: {mean, ci95},
                                     distinguishable, unit}}}}

Keys sorted, floats rounded to :data:`riskmap.stats.DIGITS` decimals: the
same inputs give the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from riskmap.compare.figures import Change, paired_changes, report_changes, worsening
from riskmap.compare.inputs import InputChange, input_changes

#: compare.json's format version.
FORMAT = 1

PAIRED_NOTE = ("paired: both scenarios ran with seed {seed} and {replications} replications, "
               "so replication i of both drew the same demand, lead times and disruptions; "
               "each change is estimated on the per-replication differences (paired t)")
UNPAIRED_NOTE = ("unpaired: two saved reports, so each change's interval is formed from the two "
                 "estimates alone (Welch; proportions by the normal approximation); it is wider "
                 "than a paired comparison of the two scenarios would give")


@dataclass(frozen=True)
class Side:
    """One plan: the file it came from and how it ran."""

    file: str
    name: str
    seed: Optional[int]
    replications: Optional[int]

    def to_dict(self) -> dict:
        """The compare.json form."""
        return {"file": self.file, "name": self.name, "seed": self.seed,
                "replications": self.replications}


@dataclass(frozen=True)
class Comparison:
    """Two plans side by side.

    Attributes
    ----------
    paired : bool
        True for two scenarios run with the same seeds, False for two reports.
    base, head : Side
        The two plans.
    products : dict
        ``{product id: {statistic: Change}}`` for the products both plans have.
    added, removed : tuple of str
        Products only the head has, only the base has.
    inputs : tuple of InputChange
        What changed in the inputs.
    note : str
        How the intervals were formed (and, for reports, what could not be compared).
    tolerance : float
        Worsenings of fill rate or backorder probability up to this are not counted.
    """

    paired: bool
    base: Side
    head: Side
    products: dict[str, dict[str, Change]]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    inputs: tuple[InputChange, ...] = ()
    note: str = ""
    tolerance: float = 0.0
    inputs_note: str = field(default="")

    def worse(self) -> dict[str, dict[str, float]]:
        """``{product: {figure: worsening}}`` for worsenings beyond :attr:`tolerance`."""
        out: dict[str, dict[str, float]] = {}
        for product, changes in self.products.items():
            for name, change in changes.items():
                amount = worsening(name, change)
                if amount is not None and amount > self.tolerance:
                    out.setdefault(product, {})[name] = amount
        return out

    def to_dict(self) -> dict:
        """compare.json."""
        return {
            "format": FORMAT, "paired": self.paired,
            "mode": "scenarios" if self.paired else "reports",
            "base": self.base.to_dict(), "head": self.head.to_dict(),
            "tolerance": self.tolerance, "worse": sorted(self.worse()),
            "added": list(self.added), "removed": list(self.removed),
            "inputs": [c.to_dict() for c in self.inputs], "inputs_note": self.inputs_note,
            "note": self.note,
            "products": {pid: {name: change.to_dict() for name, change in changes.items()}
                         for pid, changes in sorted(self.products.items())},
        }

    def dumps(self) -> str:
        """The canonical compare.json text: sorted keys, two-space indent, a final newline."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, allow_nan=False,
                          ensure_ascii=False) + "\n"


def _sides(base_ids, head_ids) -> tuple[list[str], tuple[str, ...], tuple[str, ...]]:
    common = sorted(set(base_ids) & set(head_ids))
    return (common, tuple(sorted(set(head_ids) - set(base_ids))),
            tuple(sorted(set(base_ids) - set(head_ids))))


def compare_reports(base, head, base_file: str, head_file: str,
                    tolerance: float = 0.0) -> Comparison:
    """Two :class:`~riskmap.report.content.Report` objects compared, unpaired.

    The input changes come from the networks and disruptions the reports
    carry; when neither carries a network, only the file digests are compared.
    """
    common, added, removed = _sides(base.products, head.products)
    products = {pid: report_changes(base.products[pid], head.products[pid]) for pid in common}
    inputs, inputs_note = report_inputs(base, head)
    note = UNPAIRED_NOTE
    if base.scenario.seed is not None and base.scenario.seed == head.scenario.seed:
        note += (f"; both runs used seed {base.scenario.seed}, so they are correlated and "
                 "these intervals are conservative")
    return Comparison(False, _report_side(base, base_file), _report_side(head, head_file),
                      products, added, removed, tuple(inputs), note, tolerance, inputs_note)


def _report_side(report, file: str) -> Side:
    info = report.scenario
    return Side(file, info.name or "", info.seed, info.replications)


def _digests(report) -> tuple:
    info = report.scenario
    return tuple(None if f is None else f.sha256 for f in (info.scenario_file, info.network_file))


def report_inputs(base, head) -> tuple[list[InputChange], str]:
    """The input changes two reports show, and a note when they cannot show them."""
    if not base.network.items and not head.network.items:
        same = _digests(base) == _digests(head)
        return [], ("the reports carry no network; their input files' digests are "
                    + ("the same" if same else "different"))
    return input_changes(base.network, head.network, base.scenario.disruptions,
                         head.scenario.disruptions), ""


def compare_runs(base_scenario, head_scenario, base_run, head_run, base_file: str,
                 head_file: str, tolerance: float = 0.0) -> Comparison:
    """Two :class:`~riskmap.run.montecarlo.RunSummary` of runs sharing their seeds, paired."""
    if base_run.replications != head_run.replications or base_run.seed != head_run.seed:
        raise ValueError("paired runs need the same seed and replications")
    common, added, removed = _sides(base_run.products, head_run.products)
    products = {pid: paired_changes(base_run.samples, head_run.samples, pid,
                                    base_run.products[pid], head_run.products[pid])
                for pid in common}
    inputs = input_changes(base_scenario.network, head_scenario.network,
                           base_scenario.disruptions, head_scenario.disruptions)
    note = PAIRED_NOTE.format(seed=base_run.seed, replications=base_run.replications)
    return Comparison(True, Side(base_file, base_scenario.name, base_run.seed,
                                 base_run.replications),
                      Side(head_file, head_scenario.name, head_run.seed, head_run.replications),
                      products, added, removed, tuple(inputs), note, tolerance)
