"""Reports of a Monte Carlo run.

* :mod:`riskmap.report.json`: ``report.json``, the machine-readable record
  (SPEC section 3), byte-identical for the same inputs and seed.

Renderers of the other formats read the dictionary built by
:func:`riskmap.report.json.build_report`, never the simulator's objects.
"""
