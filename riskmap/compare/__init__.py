"""Two plans side by side (``riskmap compare``): the change of each figure and of the inputs.

* :mod:`riskmap.compare.figures`: per product and statistic, base, head and
  the change with its 95 % interval, from two reports (unpaired, Welch) or
  from two runs sharing their seeds (paired);
* :mod:`riskmap.compare.inputs`: what changed in the network and the
  disruptions;
* :mod:`riskmap.compare.comparison`: the :class:`Comparison` record,
  compare.json, and which products are worse.
"""

from riskmap.compare.comparison import FORMAT, Comparison, compare_reports, compare_runs
from riskmap.compare.figures import Change
from riskmap.compare.inputs import InputChange, input_changes

__all__ = ["FORMAT", "Change", "Comparison", "InputChange", "compare_reports", "compare_runs",
           "input_changes"]
