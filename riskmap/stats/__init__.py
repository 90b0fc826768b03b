"""Statistics across replications: estimates with intervals, and the table of reported figures.

* :mod:`riskmap.stats.estimates`: :class:`Estimate`, Student t, Wilson and ratio intervals;
* :mod:`riskmap.stats.statistics`: the statistics riskmap reports, per subject.
"""

from riskmap.stats.estimates import (DIGITS, MEAN, PROPORTION, Z95, Estimate, estimate_mean,
                                     estimate_proportion, percentiles, ratio_estimate, rounded,
                                     t_interval, t_quantile, wilson_interval)
from riskmap.stats.statistics import (ALERT_STATISTICS, PART_STATISTICS, PRODUCT_STATISTICS,
                                      SERVICE_STATISTICS, STATISTICS, STOCK_STATISTICS,
                                      STOCK_TOTAL_STATISTICS,
                                      SUPPLIER_STATISTICS, TOTAL_STATISTICS, Statistic,
                                      statistic)

__all__ = ["DIGITS", "MEAN", "PROPORTION", "Z95", "Estimate", "estimate_mean",
           "estimate_proportion", "percentiles", "ratio_estimate", "rounded", "t_interval",
           "t_quantile", "wilson_interval", "ALERT_STATISTICS", "PART_STATISTICS",
           "PRODUCT_STATISTICS", "SERVICE_STATISTICS", "STATISTICS", "STOCK_STATISTICS",
           "STOCK_TOTAL_STATISTICS", "SUPPLIER_STATISTICS", "TOTAL_STATISTICS", "Statistic",
           "statistic"]
