"""The words of a verdict: what was asked, the figure, the bound and what would settle it.

Numbers go through :func:`riskmap.report.text.measured`, so ``riskmap check``
prints the same digits as the reports. Functions that write ids of the
network (a product, a supplier) take an ``escape`` function applied to each
id: the terminal and JUnit XML write them as they are (their whole lines then
pass through :func:`riskmap.escape.terminal` or :func:`riskmap.escape.xml`),
the Markdown summary through :func:`riskmap.report.text.markdown`.
"""

from __future__ import annotations

import math
from typing import Callable, Optional

from riskmap.model import Expectation
from riskmap.plans.figures import (NO_ORDERS, NO_PERCENTILE, NO_RESULTS, NO_TTR, NO_TTS,
                                   NOT_PRODUCED, UNDEFINED, is_static)
from riskmap.plans.verdicts import INCONCLUSIVE, Figure
from riskmap.report.text import measured

#: how an id is written: as it is, or escaped for a format.
Escape = Callable[[str], str]


def _as_is(text: str) -> str:
    return text


def subject_text(e: Expectation, escape: Escape = _as_is) -> str:
    """``product ebike``, ``supplier cellco`` or ``network``.

    Parameters
    ----------
    e : Expectation
        What was asked.
    escape : callable, optional
        Applied to the id.

    Returns
    -------
    str

    Examples
    --------
    >>> subject_text(Expectation("network", None, "worst_fill_rate", min=0.9))
    'network'
    """
    return "network" if e.subject == "network" else f"{e.subject} {escape(e.id)}"


def expectation_label(e: Expectation, escape: Escape = _as_is) -> str:
    """What an expectation asks, in one line: ``product ebike fill_rate (mean) >= 0.9``.

    It names a JUnit test case and a row of the Markdown summary.

    Parameters
    ----------
    e : Expectation
        What was asked.
    escape : callable, optional
        Applied to the id.

    Returns
    -------
    str

    Examples
    --------
    >>> expectation_label(Expectation("supplier", "cellco", "tts_minus_ttr", min=0))
    'supplier cellco tts_minus_ttr >= 0'
    """
    return f"{subject_text(e, escape)} {metric_text(e)} {bounds_text(e)}"


def metric_text(e: Expectation) -> str:
    """``fill_rate (mean)``; a static metric alone (``tts_minus_ttr``)."""
    return e.metric if is_static(e) else f"{e.metric} ({e.stat})"


def bounds_text(e: Expectation) -> str:
    """``>= 0.9``, ``<= 0.1`` or ``in [0.2, 0.5]``."""
    if e.min is not None and e.max is not None:
        return f"in [{e.min:g}, {e.max:g}]"
    if e.min is not None:
        return f">= {e.min:g}"
    return f"<= {e.max:g}"


def figure_text(figure: Figure, escape: Escape = _as_is) -> str:
    """``0.963 [95% CI 0.952, 0.974]``, or ``19.5 days (exact)``.

    Parameters
    ----------
    figure : Figure
        What was measured.
    escape : callable, optional
        Applied to each id the note names.

    Returns
    -------
    str

    Examples
    --------
    >>> figure_text(Figure.exactly(2.0, "", "suppliers", ("a", "b")))
    '2 (exact; suppliers: a, b)'
    """
    unit = f" {figure.unit}" if figure.unit and figure.unit not in ("ratio", "probability") else ""
    if math.isinf(figure.value):
        unit = ""  # "unbounded days" reads wrong
    exact_count = figure.exact and math.isfinite(figure.value) and figure.value.is_integer()
    text = f"{int(figure.value) if exact_count else measured(figure.value)}{unit}"
    notes = [note_text(figure, escape)] if figure.note else []
    if figure.exact:
        notes.insert(0, "exact")
    else:
        text += f" [95% CI {measured(figure.low)}, {measured(figure.high)}]"
    if notes:
        text += f" ({'; '.join(notes)})"
    return text


def note_text(figure: Figure, escape: Escape = _as_is) -> str:
    """The figure's note and the ids it names (through ``escape``): ``worst: city-ebike``."""
    if not figure.names:
        return figure.note
    return f"{figure.note}: {', '.join(escape(name) for name in figure.names)}"


def describe(e: Expectation, figure: Figure, status: str,
             needed: Optional[int] = None) -> str:
    """One sentence: the figure, its interval, the bound and, when inconclusive, advice.

    >>> e = Expectation("product", "bike", "fill_rate", min=0.9)
    >>> describe(e, Figure(0.92, 0.89, 0.95), INCONCLUSIVE, 68)  # doctest: +NORMALIZE_WHITESPACE
    'fill_rate (mean) is 0.920 [95% CI 0.890, 0.950]; required >= 0.9; the 95% confidence
    interval contains the threshold: about 68 replications would settle it'
    """
    text = f"{metric_text(e)} is {figure_text(figure)}; required {bounds_text(e)}"
    if status != INCONCLUSIVE:
        return text
    return f"{text}; the 95% confidence interval contains the threshold: {advice(figure, needed)}"


def advice(figure: Figure, needed: Optional[int]) -> str:
    """What would settle an inconclusive outcome, in words."""
    if needed is None:
        return ("more replications may not settle it (the estimate sits on the threshold or "
                "no interval can be computed)")
    if math.isinf(figure.low) or math.isinf(figure.high):
        # an order-statistic bound needs a minimum sample before it exists at all
        return (f"at least {needed} replications are needed before the interval has a bound "
                "on that side")
    return f"about {needed} replications would settle it"


#: why a figure is unavailable, by reason of :mod:`riskmap.plans.figures`; ``{who}`` is
#: ``product 'ebike'``, ``{id}`` the quoted id alone.
_UNAVAILABLE = {
    NO_RESULTS: "{who} has no results in this run",
    NOT_PRODUCED: "metric {metric!r} is not produced by this riskmap version "
                  "(it is not in the report of {who})",
    NO_PERCENTILE: "{metric} has no {stat}: a yes/no value per replication has no useful "
                   "percentile; use stat: mean",
    UNDEFINED: "{metric} of {who} is undefined in every replication (for fill_rate: nothing "
               "was ordered after warm-up)",
    NO_TTS: "supplier {id} has no {metric}: it needs a time to survive in the network file",
    NO_TTR: "supplier {id} has no {metric}: it needs a ttr in the network file",
    NO_ORDERS: "no product had orders, so there is no worst fill rate",
}

#: a network metric has no subject id to name.
_NETWORK_NOT_PRODUCED = "network metric {metric!r} is not produced by this riskmap version"

#: why an alert rule's figure is undefined in every replication (docs/alerts.md).
_ALERT_UNDEFINED = {
    "warned_share": "no backorder episode of its item happened",
    "warning_lead_time": "it warned of no backorder episode",
    "false_alarms_per_year": "its window is as long as the statistics window, so no warning "
                             "could be judged",
}


def unavailable_text(e: Expectation, reason: str, escape: Escape = _as_is) -> str:
    """Why the figure of ``e`` is unavailable, ending ``counted as not met``.

    Parameters
    ----------
    e : Expectation
        What was asked.
    reason : str
        One of :data:`riskmap.plans.figures.REASONS`.
    escape : callable, optional
        Applied to the quoted id of the subject.

    Returns
    -------
    str

    Examples
    --------
    >>> unavailable_text(Expectation("product", "ghost", "fill_rate", min=0.5), NO_RESULTS)
    "product 'ghost' has no results in this run; counted as not met"
    """
    template = _UNAVAILABLE[reason]
    if reason == NOT_PRODUCED and e.subject == "network":
        template = _NETWORK_NOT_PRODUCED
    elif reason == UNDEFINED and e.subject == "alert" and e.metric in _ALERT_UNDEFINED:
        template = ("{metric} of {who} is undefined in every replication: "
                    + _ALERT_UNDEFINED[e.metric])
    quoted = escape(repr(e.id))
    text = template.format(who=f"{e.subject} {quoted}", id=quoted, metric=e.metric,
                           stat=e.stat)
    return f"{text}; counted as not met"


__all__ = ["Escape", "subject_text", "expectation_label", "metric_text", "bounds_text",
           "figure_text", "note_text", "describe", "advice", "unavailable_text"]
