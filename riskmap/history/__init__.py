"""Past records in: sales history to demand, and past outages to scenario disruptions.

:func:`~riskmap.history.demand.fit_demand` fits one product's order lines;
:func:`~riskmap.history.page.fit_page` draws the fits of several products as one
self-contained HTML page (docs/import.md, "How demand is fitted", gives every rule).
:mod:`riskmap.history.outages` fits each supplier's recurring outages from a table of
past events (docs/history.md).
"""

from riskmap.history.demand import DemandFit, fit_demand
from riskmap.history.page import fit_page

__all__ = ["DemandFit", "fit_demand", "fit_page"]
