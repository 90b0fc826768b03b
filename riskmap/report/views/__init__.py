"""What the reports say, as text and rows: the views the renderers and the terminal share.

Everything here reads the typed :class:`~riskmap.report.content.Report` of a
run (its :class:`~riskmap.stats.Estimate` objects, the static map's
:class:`~riskmap.analysis.risk_map.Exposure`, the typed option rows, the
:class:`~riskmap.model.Network` for names, prices, margins, policies and stock,
and :class:`~riskmap.report.content.RunInfo` for what was run) and formats
every number through :mod:`riskmap.report.text`, so the terminal summary, the
Markdown report and the HTML report rank and word things the same way.

* :mod:`~riskmap.report.views.products`: the ranking (riskiest first), the
  summary rows and sentences, money at risk, the statistic tables;
* :mod:`~riskmap.report.views.exposures`: TTS against TTR of suppliers and regions;
* :mod:`~riskmap.report.views.options`: the alternates and the other option tables;
* :mod:`~riskmap.report.views.scenario`: facts, disruptions, policies and
  the command that reproduces the report.

:func:`report_sections` gathers them into the :class:`Sections` both templates print.
"""

from __future__ import annotations

from dataclasses import dataclass

from riskmap.report.content import Report
from riskmap.report.views.exposures import ExposureRow, exposure_rows
from riskmap.report.views.options import OptionRow, OptionTable, alternate_rows, option_tables
from riskmap.report.views.products import (ProductSummary, StatisticRow, statistic_rows,
                                           summarize_products)
from riskmap.report.views.scenario import (DisruptionRow, PolicyRow, disruption_rows,
                                           policy_rows, reproduce_command, scenario_facts)


@dataclass(frozen=True)
class ProductSection:
    """One product's part of the report: its name, its sentence and its statistic rows."""

    id: str
    name: str
    sentence: str
    statistics: list[StatisticRow]


@dataclass(frozen=True)
class Sections:
    """Everything the Markdown and HTML templates print, as text and rows.

    Attributes
    ----------
    title, time_unit : str
        The scenario's name (``riskmap report`` when it has none) and time unit.
    summary : list of ProductSummary
        The summary table, riskiest first; ``has_money`` says whether any
        row has money at risk.
    suppliers, regions : list of ExposureRow
        TTS against TTR, at risk first.
    products : list of ProductSection
        Per product, riskiest first.
    alternates : list of OptionRow
        The alternate lanes, best first.
    options : list of OptionTable
        The candidate, extra-stock and what-if tables that have rows.
    disruptions : list of DisruptionRow
    policies : list of PolicyRow
    facts : list of (label, value)
        What was run.
    command : str
        The command that reproduces the report.
    """

    title: str
    time_unit: str
    summary: list[ProductSummary]
    has_money: bool
    suppliers: list[ExposureRow]
    regions: list[ExposureRow]
    products: list[ProductSection]
    alternates: list[OptionRow]
    options: list[OptionTable]
    disruptions: list[DisruptionRow]
    policies: list[PolicyRow]
    facts: list[tuple[str, str]]
    command: str


def report_sections(report: Report) -> Sections:
    """The :class:`Sections` of a report."""
    summary = summarize_products(report)
    return Sections(
        title=report.scenario.name or "riskmap report",
        time_unit=report.time_unit,
        summary=summary,
        has_money=any(r.revenue_at_risk is not None or r.margin_at_risk is not None
                      for r in summary),
        suppliers=exposure_rows(report, "suppliers"),
        regions=exposure_rows(report, "regions"),
        products=[ProductSection(r.id, r.name, r.sentence, statistic_rows(report, r.id))
                  for r in summary],
        alternates=alternate_rows(report),
        options=option_tables(report),
        disruptions=disruption_rows(report),
        policies=policy_rows(report),
        facts=scenario_facts(report),
        command=reproduce_command(report))
