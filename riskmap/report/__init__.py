"""Reports of a Monte Carlo run.

* :mod:`riskmap.report.content`: the typed :class:`~riskmap.report.content.Report`
  of a run, built by :mod:`riskmap.report.build`;
* :mod:`riskmap.report.json`: ``report.json``, the machine-readable record
  (docs/running.md, "report.json"), byte-identical for the same inputs and seed, and its reader;
* :mod:`riskmap.report.views` and :mod:`riskmap.report.charts`: the words,
  rows and charts the readable reports show, read from the ``Report``;
* :mod:`riskmap.report.markdown` and :mod:`riskmap.report.html`: ``report.md``
  and ``report.html``; :mod:`riskmap.report.junit`: ``riskmap check``'s JUnit XML.

Renderers read the ``Report``, never the simulator's objects nor report.json's
dictionaries; :mod:`riskmap.report.text` formats every number they show.
"""
