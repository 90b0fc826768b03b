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
  the command that reproduces the report;
* :mod:`~riskmap.report.views.network`: the network by tier and region and
  its riskiest paths, for networks too large to draw node by node;
* :mod:`~riskmap.report.views.matrix`: the supplier risk matrix, riskiest
  suppliers first, with what drives each score;
* :mod:`~riskmap.report.views.alerts`: the low-stock alert rules, how they
  warned and the threshold suggested for each.

Readable at any size: a table of items (products, suppliers, regions,
policies, disruptions) shows its first :data:`TABLE_LIMIT` rows, riskiest
first where the rows have a risk order, and says how many it leaves out;
full product statistics are given for the :data:`PRODUCT_DETAIL_LIMIT`
riskiest products. report.json holds every row.

:func:`report_sections` gathers them into the :class:`Sections` both templates print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from riskmap.report.content import Report
from riskmap.report.views.alerts import AlertRow, alert_rows
from riskmap.report.text import MISSING, number, percent
from riskmap.report.views.network import Group, RiskPath, groups, is_large, riskiest_paths
from riskmap.report.views.exposures import ExposureRow, exposure_rows
from riskmap.report.views.matrix import (MATRIX_LIMIT, MatrixRow, impact_words, matrix_rows,
                                         simulation_note)
from riskmap.report.views.options import OptionRow, OptionTable, alternate_rows, option_tables
from riskmap.report.views.products import (CLASS_COLUMNS, ClassRow, ProductSummary,
                                           StatisticRow, class_caption, class_rows,
                                           statistic_rows,
                                           summarize_products)
from riskmap.report.views.scenario import (DisruptionRow, PolicyRow, disruption_rows,
                                           policy_rows, reproduce_command, scenario_facts)


#: rows of an item table (products, suppliers, regions, policies, disruptions) in the reports.
TABLE_LIMIT = 50
#: products whose full statistics the reports give (the riskiest).
PRODUCT_DETAIL_LIMIT = 25


@dataclass(frozen=True)
class ProductSection:
    """One product's part of the report: its name, its key figures, sentence and statistic rows.

    ``key`` is the one line that leads the product (fill rate, backorder
    probability, worst wait, backordered units); ``worst_wait`` is the mean
    95th-percentile wait when the report has it, else the mean longest wait.
    """

    id: str
    name: str
    sentence: str
    statistics: list[StatisticRow]
    fill_rate: str = MISSING
    backorder_probability: str = MISSING
    worst_wait: str = MISSING
    backorder_units: str = MISSING
    #: one row per customer class (empty without classes), columns :data:`class_columns`.
    classes: list[ClassRow] = field(default_factory=list)
    class_columns: tuple[str, ...] = tuple(heading for _, heading in CLASS_COLUMNS)
    class_caption: str = ""

    @property
    def key(self) -> str:
        """The key figures as one line of text."""
        return (f"fill rate {self.fill_rate} · P(backorder) {self.backorder_probability} · "
                f"worst wait {self.worst_wait} · backordered units {self.backorder_units}")


@dataclass(frozen=True)
class LeftOut:
    """How many rows of each item table the reports leave out (report.json has them all)."""

    summary: int = 0
    products: int = 0
    suppliers: int = 0
    regions: int = 0
    policies: int = 0
    disruptions: int = 0


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
    left_out : LeftOut
        Rows of each table beyond :data:`TABLE_LIMIT` (products beyond
        :data:`PRODUCT_DETAIL_LIMIT`) that the reports do not print.
    large_network : bool
        Whether the risk map is aggregated (:mod:`~riskmap.report.views.network`);
        then ``groups`` and ``paths`` hold its boxes and riskiest paths.
    matrix : tuple of MatrixRow
        The :data:`~riskmap.report.views.matrix.MATRIX_LIMIT` riskiest suppliers
        of the risk matrix (``has_matrix`` says whether the report has one;
        ``matrix_left_out`` how many suppliers the table leaves out;
        ``matrix_unit`` and ``matrix_spend_unit`` what score and spend are in;
        ``matrix_simulated`` whether the scores are simulated lost revenue,
        ``matrix_note`` which suppliers' stops were simulated).
    alerts : tuple of AlertRow
        The scenario's alert rules (empty without ``alerts:``: the reports then
        have no alerts section).
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
    left_out: LeftOut = LeftOut()
    large_network: bool = False
    groups: tuple[Group, ...] = ()
    paths: tuple[RiskPath, ...] = ()
    matrix: tuple[MatrixRow, ...] = ()
    has_matrix: bool = False
    matrix_left_out: int = 0
    matrix_unit: str = ""
    matrix_spend_unit: str = ""
    matrix_simulated: bool = False
    matrix_note: str = ""
    alerts: tuple[AlertRow, ...] = ()

    @property
    def anything_left_out(self) -> bool:
        """Whether some table of the reports leaves rows out."""
        return any(vars(self.left_out).values())


def report_sections(report: Report) -> Sections:
    """The :class:`Sections` of a report."""
    summary = summarize_products(report)
    suppliers = exposure_rows(report, "suppliers")
    regions = exposure_rows(report, "regions")
    disruptions = disruption_rows(report)
    policies = policy_rows(report)
    detailed = summary[:PRODUCT_DETAIL_LIMIT]
    large = is_large(report)
    matrix = matrix_rows(report)
    return Sections(
        title=report.scenario.name or "riskmap report",
        time_unit=report.time_unit,
        summary=summary[:TABLE_LIMIT],
        has_money=any(r.revenue_at_risk is not None or r.margin_at_risk is not None
                      for r in summary),
        suppliers=suppliers[:TABLE_LIMIT],
        regions=regions[:TABLE_LIMIT],
        products=[product_section(report, r) for r in detailed],
        alternates=alternate_rows(report),
        options=option_tables(report),
        disruptions=disruptions[:TABLE_LIMIT],
        policies=policies[:TABLE_LIMIT],
        facts=scenario_facts(report),
        command=reproduce_command(report),
        left_out=LeftOut(
            summary=_beyond(summary), products=len(summary) - len(detailed),
            suppliers=_beyond(suppliers), regions=_beyond(regions),
            policies=_beyond(policies), disruptions=_beyond(disruptions)),
        large_network=large,
        groups=tuple(groups(report)) if large else (),
        paths=tuple(riskiest_paths(report)) if large else (),
        matrix=tuple(matrix[:MATRIX_LIMIT]), has_matrix=report.risk_matrix is not None,
        matrix_left_out=max(0, len(matrix) - MATRIX_LIMIT),
        matrix_unit=impact_words(report.risk_matrix) if report.risk_matrix else "",
        matrix_spend_unit=report.risk_matrix.spend_unit if report.risk_matrix else "",
        matrix_simulated=bool(report.risk_matrix and report.risk_matrix.simulated),
        matrix_note=simulation_note(report.risk_matrix) if report.risk_matrix else "",
        alerts=tuple(alert_rows(report)))


def _beyond(rows: list) -> int:
    return max(0, len(rows) - TABLE_LIMIT)


def product_section(report: Report, row: ProductSummary) -> ProductSection:
    """The section of one product: its key figures, sentence and statistics."""
    stats = report.products.get(row.id, {})
    worst = _mean(stats.get("wait_p95"))
    if worst is None:
        worst = row.longest_wait
    unit = report.time_unit
    return ProductSection(
        row.id, row.name, row.sentence, statistic_rows(report, row.id),
        fill_rate=percent(row.fill_rate, 1),
        backorder_probability=percent(row.backorder_probability),
        worst_wait=MISSING if worst is None else f"{number(worst)} {unit}s",
        backorder_units=number(row.backorder_units),
        classes=class_rows(report, row.id), class_caption=class_caption(report, row.id))


def _mean(estimate) -> Optional[float]:
    return None if estimate is None else estimate.mean
