"""The results of ``riskmap check``, as the terminal, JUnit XML and the Markdown summary show them.

One :class:`ScenarioCheck` per scenario file holds its outcomes;
:mod:`riskmap.cli.check` makes them and prints or writes what this module
renders:

* :func:`heading_line`, :func:`outcome_line`, :func:`error_line` and
  :func:`totals_line`, the terminal lines, passed through
  :func:`riskmap.escape.terminal` (a name holding ``ESC[2J`` is shown as
  ``\\x1b[2J``, not acted on);
* :func:`junit_suites`, the :class:`~riskmap.report.junit.Suite` records of
  the JUnit file (:mod:`riskmap.report.junit` makes their text XML-safe);
  a failure's command to reproduce it is quoted for a shell
  (:func:`rerun_command`);
* :func:`summary_markdown`, the Markdown summary for a pull-request comment.
  Every user string in it (scenario names, file paths, ids, error messages)
  goes through :func:`riskmap.report.text.markdown` (or
  :func:`~riskmap.report.text.markdown_code` for a path), so a scenario named
  ``[x](https://...)`` shows as text, not as a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from riskmap.escape import argument_path, shell, terminal
from riskmap.model import Expectation, Scenario
from riskmap.plans.verdicts import INCONCLUSIVE, MET, NOT_MET, STATUSES, UNAVAILABLE, Outcome
from riskmap.plans.wording import (Escape, advice, expectation_label, figure_text,
                                   subject_text, unavailable_text)
from riskmap.report import junit
from riskmap.report.text import markdown, markdown_code


@dataclass(frozen=True)
class ScenarioCheck:
    """The checked plan of one scenario file.

    Attributes
    ----------
    path : str
        The scenario file, as named on the command line or found in a folder.
    scenario : Scenario
        What was run.
    outcomes : tuple of Outcome
        One per expectation, in plan order; empty when the simulation failed.
    seconds : float
        Wall-clock time of the run and its evaluation.
    replications, seed : int
        What the run used (the scenario's own values or the overrides).
    error : str or None
        Why the simulation failed, ``None`` when it ran.
    """

    path: str
    scenario: Scenario
    outcomes: tuple[Outcome, ...]
    seconds: float
    replications: int
    seed: int
    error: Optional[str] = None


def all_passed(checks: Sequence[ScenarioCheck], strict_confidence: bool) -> bool:
    """Whether every simulation ran and every expectation passed.

    Parameters
    ----------
    checks : sequence of ScenarioCheck
        The checked scenarios.
    strict_confidence : bool
        Whether inconclusive expectations fail.

    Returns
    -------
    bool
    """
    if any(c.error for c in checks):
        return False
    return all(o.passed(strict_confidence) for c in checks for o in c.outcomes)


def tally(checks: Sequence[ScenarioCheck]) -> dict[str, int]:
    """Expectations per status over all checks (every status present, 0 if none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for check in checks:
        for outcome in check.outcomes:
            counts[outcome.status] += 1
    return counts


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --------------------------------------------------------------------------
# Terminal lines


def status_word(outcome: Outcome, strict_confidence: bool) -> str:
    """The tag of the terminal line.

    ``met``, ``not met``, ``warning: inconclusive`` (passes),
    ``inconclusive`` (fails, under ``--strict-confidence``) or ``error``
    (unavailable).
    """
    if outcome.status == UNAVAILABLE:
        return "error"
    if outcome.status == INCONCLUSIVE and not strict_confidence:
        return "warning: inconclusive"
    return outcome.status


def outcome_line(outcome: Outcome, strict_confidence: bool) -> str:
    """The terminal line of one outcome.

    Parameters
    ----------
    outcome : Outcome
        The verdict.
    strict_confidence : bool
        Whether inconclusive expectations fail (the line says which).

    Returns
    -------
    str
        ``FILE:LINE:COL: STATUS: SUBJECT: figure; required BOUND[; advice]``.
    """
    e = outcome.expectation
    status = status_word(outcome, strict_confidence)
    text = f"{e.pos}: {status}: {subject_text(e)}: {outcome.message}"
    if outcome.status == INCONCLUSIVE:
        text += ("; fails under --strict-confidence" if strict_confidence
                 else "; passes with this warning (--strict-confidence fails it)")
    return terminal(text)


def heading_line(check: ScenarioCheck) -> str:
    """``FILE: NAME: N replications, seed S, T s``."""
    return terminal(f"{check.path}: {check.scenario.name}: {check.replications} replications, "
                    f"seed {check.seed}, {check.seconds:.1f} s")


def error_line(check: ScenarioCheck) -> str:
    """``FILE: error: WHY`` of a scenario whose simulation failed."""
    return terminal(f"{check.path}: error: {check.error}")


def totals_line(checks: Sequence[ScenarioCheck], strict_confidence: bool) -> str:
    """``riskmap check: 3 scenarios, 10 expectations: 7 met, 2 not met, ...: FAILED``."""
    counts = tally(checks)
    total = sum(counts.values())
    failed_runs = sum(1 for c in checks if c.error)
    inconclusive = (f"{counts[INCONCLUSIVE]} inconclusive "
                    f"({'failed' if strict_confidence else 'passed with a warning'})")
    parts = [f"{counts[MET]} met", f"{counts[NOT_MET]} not met", inconclusive,
             f"{counts[UNAVAILABLE]} unavailable"]
    if failed_runs:
        parts.append(f"{_plural(failed_runs, 'scenario')} failed to run")
    verdict = "passed" if all_passed(checks, strict_confidence) else "FAILED"
    return (f"riskmap check: {_plural(len(checks), 'scenario')}, "
            f"{_plural(total, 'expectation')}: "
            f"{', '.join(parts)}: {verdict}")


# --------------------------------------------------------------------------
# JUnit


def junit_suites(checks: Sequence[ScenarioCheck], strict_confidence: bool,
                 classname: Callable[[str], str]) -> list[junit.Suite]:
    """One JUnit suite per scenario, one case per expectation.

    Parameters
    ----------
    checks : sequence of ScenarioCheck
        The checked scenarios, in order.
    strict_confidence : bool
        Whether inconclusive expectations fail.
    classname : callable
        The JUnit class name of a scenario file's path.

    Returns
    -------
    list of riskmap.report.junit.Suite
    """
    suites = []
    for check in checks:
        group = classname(check.path)
        names = case_names(check.scenario.expect)
        if check.error:
            # every expectation of a scenario that could not run is an error, not a pass
            cases = [junit.Case(name, group, junit.ERROR, "the simulation failed",
                                "simulation-failed", check.error) for name in names]
        else:
            cases = [junit_case(outcome, name, group, check, strict_confidence)
                     for outcome, name in zip(check.outcomes, names)]
        properties = (("file", check.path), ("replications", str(check.replications)),
                      ("seed", str(check.seed)))
        suites.append(junit.Suite(check.scenario.name, tuple(cases), check.seconds,
                                  properties=properties))
    return suites


def case_names(plan: Sequence[Expectation]) -> list[str]:
    """Test case names, unique within a scenario: a repeated line gets `` #2``, `` #3``."""
    seen: dict[str, int] = {}
    names = []
    for e in plan:
        name = expectation_label(e)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return names


def junit_case(outcome: Outcome, name: str, classname: str, check: ScenarioCheck,
               strict_confidence: bool) -> junit.Case:
    """The test case of one outcome: a failure when not met, an error when unavailable.

    Parameters
    ----------
    outcome : Outcome
        The verdict.
    name : str
        The case name (:func:`case_names`).
    classname : str
        The case's class name.
    check : ScenarioCheck
        The scenario's check, for the command that reproduces a failure.
    strict_confidence : bool
        Whether an inconclusive outcome is a failure.

    Returns
    -------
    riskmap.report.junit.Case
        A passed case carries its line (with ``warning:`` when inconclusive)
        as ``system-out``.
    """
    e = outcome.expectation
    # the message names its subject: CI services often show it without the case name
    message = f"{subject_text(e)}: {outcome.message}"
    where = f"{e.pos}: {message}"
    rerun = f"Reproduce with: {rerun_command(check)}"
    if outcome.status == UNAVAILABLE:
        return junit.Case(name, classname, junit.ERROR, message, "unavailable", where)
    if outcome.status == NOT_MET or (outcome.status == INCONCLUSIVE and strict_confidence):
        kind = "not-met" if outcome.status == NOT_MET else "inconclusive"
        return junit.Case(name, classname, junit.FAILURE, message, kind, f"{where}\n{rerun}")
    output = f"warning: {where}" if outcome.status == INCONCLUSIVE else where
    return junit.Case(name, classname, junit.PASSED, output=output)


def rerun_command(check: ScenarioCheck) -> str:
    """The ``riskmap run`` command that reproduces a check, quoted for a POSIX shell.

    >>> from riskmap.model import Network
    >>> check = ScenarioCheck("my plan $(touch x).yaml", Scenario("s", Network("n"), 10.0), (),
    ...                       0.0, 40, 7)
    >>> rerun_command(check)
    "riskmap run 'my plan $(touch x).yaml' --seed 7 --replications 40"
    """
    return shell(["riskmap", "run", argument_path(check.path), "--seed", check.seed,
                  "--replications", check.replications])


# --------------------------------------------------------------------------
# Markdown summary

_MARKS = {MET: "✅ met", NOT_MET: "❌ not met", INCONCLUSIVE: "⚠️ inconclusive",
          UNAVAILABLE: "⛔ unavailable"}


def summary_markdown(checks: Sequence[ScenarioCheck], strict_confidence: bool) -> str:
    """A Markdown summary for a pull-request comment: a headline, then a table per scenario.

    Parameters
    ----------
    checks : sequence of ScenarioCheck
        The checked scenarios, in order.
    strict_confidence : bool
        Whether inconclusive expectations fail.

    Returns
    -------
    str
        The Markdown text; every user string in it is escaped (module docstring).
    """
    counts = tally(checks)
    total = sum(counts.values())
    passed = sum(1 for c in checks for o in c.outcomes if o.passed(strict_confidence))
    headline = ("✅ all expectations pass" if all_passed(checks, strict_confidence)
                else "❌ the contingency plans fail")
    lines = [f"## riskmap check: {headline}", "",
             f"{passed} of {_plural(total, 'expectation')} pass in "
             f"{_plural(len(checks), 'scenario')} "
             f"({counts[MET]} met, {counts[NOT_MET]} not met, {counts[INCONCLUSIVE]} "
             f"inconclusive, {counts[UNAVAILABLE]} unavailable). Inconclusive means the 95% "
             "confidence interval contains the threshold; it "
             + ("fails (`--strict-confidence`)." if strict_confidence
                else "passes with a warning."), ""]
    for check in checks:
        lines += [f"### {markdown(check.scenario.name)}", "",
                  f"{markdown_code(check.path)}: {check.replications} replications, "
                  f"seed {check.seed}, {check.seconds:.1f} s", ""]
        if check.error:
            lines += [f"**The simulation failed:** {markdown(check.error)}", ""]
            continue
        lines += ["| result | expectation | figure | note |", "|---|---|---|---|"]
        for o in check.outcomes:
            lines.append(f"| {_MARKS[o.status]} | {expectation_label(o.expectation, markdown)} | "
                         f"{_figure_cell(o, markdown)} | {_note_cell(o, markdown)} |")
        lines.append("")
    return "\n".join(lines)


def _figure_cell(outcome: Outcome, escape: Escape) -> str:
    return figure_text(outcome.figure, escape) if outcome.figure is not None else "-"


def _note_cell(outcome: Outcome, escape: Escape) -> str:
    if outcome.status == UNAVAILABLE:
        return unavailable_text(outcome.expectation, outcome.reason, escape)
    if outcome.status == INCONCLUSIVE:
        return advice(outcome.figure, outcome.replications_needed)
    return ""


__all__ = ["ScenarioCheck", "all_passed", "tally", "status_word", "outcome_line",
           "heading_line", "error_line", "totals_line", "rerun_command", "junit_suites",
           "case_names", "junit_case", "summary_markdown"]
