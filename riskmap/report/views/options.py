"""The counterfactual option tables in words: alternates, candidates, extra stock, what-ifs.

Each row of :class:`~riskmap.options.tables.OptionTables` becomes one
:class:`OptionRow` of text; what the option changes (its ``label``) depends
on the row's type: an alternate lane or a candidate supplier is qualified for
parts, extra stock is held against a supplier, a what-if sets a part's,
product's or supplier's stock, capacity or policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from riskmap.options.tables import (AlternateRow, CandidateRow, CompensationRow, Row, StockRow,
                                    WhatIfRow)
from riskmap.report.content import Report
from riskmap.report.text import MISSING, number, points
from riskmap.report.views.products import estimate_text
from riskmap.report.views.scenario import describe_number, describe_policy
from riskmap.stats import Estimate


@dataclass(frozen=True)
class OptionRow:
    """One option of a ranked table as text, in the report's order (best first).

    ``significant`` is ``yes`` or ``no``: whether the effect is distinguishable
    from zero; ``why`` is the report's one-sentence explanation
    (docs/counterfactuals.md); ``label`` says what the option changes.
    """

    rank: int
    supplier: str
    part: str
    backorder_units_avoided: str
    fill_rate_gain: str
    lost_revenue_avoided: str = MISSING
    significant: str = MISSING
    why: str = ""
    label: str = ""
    per_extra_unit: str = MISSING


@dataclass(frozen=True)
class OptionTable:
    """A titled table of options (candidates, extra stock or what-ifs), and a note below it."""

    title: str
    rows: list[OptionRow]
    note: str = ""


def option_label(row: Row) -> str:
    """What an option changes, in words.

    >>> from riskmap.stats import Estimate
    >>> zero = Estimate(0.0, (0.0, 0.0), 1, "units")
    >>> from riskmap.options.tables import Effect
    >>> effect = Effect(zero, zero, {}, None, (None, None))
    >>> option_label(StockRow("acme", ("lamp",), 2.0, 9.0, 12, (("bulb", 12),), "", effect))
    'hold 12 bulb more (against acme)'
    """
    if isinstance(row, StockRow):
        held = ", ".join(f"{number(units)} {item}" for item, units in sorted(row.items))
        return f"hold {held} more (against {row.supplier})"
    if isinstance(row, WhatIfRow):
        changes = [(key, value) for key, value in (
            ("capacity", None if row.capacity is None else describe_number(row.capacity)),
            ("policy", None if row.policy is None else describe_policy(row.policy)),
            ("stock", None if row.stock is None else describe_number(row.stock)))
            if value is not None]
        change = ", ".join(f"{key} {value}" for key, value in changes)
        return f"{row.id}: {row.target_kind} {row.target_id}: {change}"
    if isinstance(row, CandidateRow):
        return f"qualify {row.supplier} for {', '.join(row.parts)}"
    if isinstance(row, CompensationRow):
        return (f"{row.id}: {row.offer.replace('_', ' ')} when {row.when.replace('_', ' ')}; "
                f"net {estimate_text(row.net)} (margin kept {estimate_text(row.margin_kept)}, "
                f"paid {estimate_text(row.compensation_cost)} for "
                f"{estimate_text(row.compensated_orders)} orders, "
                f"{estimate_text(row.cancellations_avoided)} cancelled units avoided)")
    if isinstance(row, AlternateRow):
        return f"qualify {row.supplier} for {row.part}"
    raise TypeError(f"not an option row: {row!r}")


def option_row(rank: int, row: Row) -> OptionRow:
    """One option as text; ``rank`` is its place in its table."""
    effect = row.effect
    per_unit = row.per_extra_unit if isinstance(row, (StockRow, WhatIfRow)) else None
    part = (row.part if isinstance(row, (AlternateRow, CandidateRow, WhatIfRow, CompensationRow))
            else None)
    return OptionRow(
        rank=rank, supplier=row.supplier or MISSING, part=part or MISSING,
        backorder_units_avoided=estimate_text(effect.backorder_units_avoided),
        fill_rate_gain=points_text(effect.fill_rate_gain),
        lost_revenue_avoided=estimate_text(effect.lost_revenue_avoided),
        significant="yes" if effect.significant else "no",
        why=row.why, label=option_label(row),
        per_extra_unit=MISSING if per_unit is None else number(per_unit, 2))


def alternate_rows(report: Report) -> list[OptionRow]:
    """The alternate lanes, best first (the report's order); empty without option tables."""
    if report.options is None:
        return []
    return [option_row(rank, row) for rank, row in enumerate(report.options.alternates, 1)]


#: the other option tables: title and the field of :class:`OptionTables` holding its rows.
TABLES = (("Candidate suppliers", "candidates"),
          ("Extra stock where TTS is below TTR", "stock"),
          ("What-ifs of the scenario", "what_ifs"),
          ("Compensation rules", "compensation"))


def option_tables(report: Report) -> list[OptionTable]:
    """Each table of candidates, extra stock and what-ifs with rows (or a note), rows best first."""
    if report.options is None:
        return []
    out = []
    for title, field in TABLES:
        rows = getattr(report.options, field)
        note = stock_note(report) if field == "stock" else ""
        if rows or note:
            out.append(OptionTable(title, [option_row(rank, row)
                                           for rank, row in enumerate(rows, start=1)], note))
    return out


#: suppliers named in the note on stock arms not run; the rest are counted.
NAMED_LEFT_OUT = 10


def stock_note(report: Report) -> str:
    """What the cap on extra-stock arms left out, in one sentence (empty when nothing was).

    >>> from riskmap.options.tables import OptionTables
    >>> from riskmap.report.content import Report, RunInfo
    >>> from riskmap.model import Network
    >>> tables = OptionTables(stock_cap=0, stock_left_out=("c", "d", "e"))
    >>> stock_note(Report(RunInfo(), Network("n"), {}, options=tables))
    'Extra stock was simulated against the 0 riskiest of the 3 suppliers the scenario can stop whose TTS is below their TTR (by REI); not simulated: c, d, e (riskmap run --stock-arms N sets how many).'
    """
    options = report.options
    if options is None or not options.stock_left_out:
        return ""
    left = options.stock_left_out
    named = ", ".join(left[:NAMED_LEFT_OUT])
    if len(left) > NAMED_LEFT_OUT:
        named += f" and {len(left) - NAMED_LEFT_OUT} more"
    total = len(options.stock) + len(left)
    return (f"Extra stock was simulated against the {len(options.stock)} riskiest of the "
            f"{total} suppliers the scenario can stop whose TTS is below their TTR (by REI); "
            f"not simulated: {named} (riskmap run --stock-arms N sets how many).")


def points_text(estimate: Optional[Estimate]) -> str:
    """A fill-rate difference in percentage points, with its interval when known.

    >>> points_text(Estimate(0.03, (0.02, 0.04), 5, "ratio"))
    '+3.0 pp [+2.0, +4.0]'
    """
    if estimate is None or estimate.mean is None:
        return MISSING
    low, high = estimate.ci95
    text = f"{points(estimate.mean)} pp"
    if low is not None and high is not None:
        text += f" [{points(low)}, {points(high)}]"
    return text
