"""Writing what riskmap produces, safely.

* :mod:`riskmap.output.atomic`: one file written whole or not at all
  (:func:`~riskmap.output.atomic.write_atomic`), and the target of a file
  option made ready (:func:`~riskmap.output.atomic.prepare_target`);
* :mod:`riskmap.output.faults`: an ``OSError`` met while writing turned into
  bad input (exit 2) that names the path and the fix;
* :mod:`riskmap.output.lock`: the lock that keeps two commands out of one
  output folder;
* :mod:`riskmap.output.signals`: SIGINT and SIGTERM held back while a few
  steps that must not be split run.

The report set written as one unit is :mod:`riskmap.report.publish`.
docs/reliability.md states the guarantees.
"""
