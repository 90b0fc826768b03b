"""Numbers and user strings as people read them: the one place riskmap formats and escapes.

Every figure riskmap shows in words goes through one of these functions, so the
terminal, the Markdown and HTML reports and ``riskmap check`` print the same
digits for the same number:

* :func:`number`: reports' prose and tables (whole numbers bare, others with
  one decimal, thousands separated);
* :func:`percent` and :func:`money`; :func:`points`, a difference of shares;
* :func:`fixed`: the terminal summary of ``riskmap run`` (a set number of decimals);
* :func:`measured`: a checked figure and its interval (``riskmap check``: three
  decimals below 10, one above);
* :func:`compact`: the terminal risk map (three significant digits below 10).

User strings that end up in Markdown (a product named ``a|b`` or ``*x*``) pass
through :func:`markdown`, which writes them as literal text, or
:func:`markdown_code` when they are shown as code (a file path); both live in
:mod:`riskmap.escape`, with the escaping for the shell, XML and the terminal,
and are imported here for the renderers.
"""

from __future__ import annotations

import math
from typing import Optional

from riskmap.escape import markdown, markdown_code  # noqa: F401 - the renderers' escaping

#: shown for a figure the report does not hold.
MISSING = "–"
#: shown for an unbounded time to survive in the terminal.
INFINITY = "∞"


def number(value: Optional[float], digits: int = 1) -> str:
    """A number for people: whole numbers without decimals, others with ``digits``.

    >>> number(12.0), number(3.14159), number(1234567.8), number(None)
    ('12', '3.1', '1,234,568', '–')
    """
    if value is None:
        return MISSING
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def percent(value: Optional[float], digits: int = 0) -> str:
    """A share in percent.

    >>> percent(0.8), percent(0.9603, 1), percent(None)
    ('80%', '96.0%', '–')
    """
    if value is None:
        return MISSING
    return f"{100 * value:.{digits}f}%"


def points(value: Optional[float], digits: int = 1) -> str:
    """A difference of two shares in percentage points, always signed (the unit is not written).

    >>> points(0.03), points(-0.0012), points(None)
    ('+3.0', '-0.1', '–')
    """
    if value is None:
        return MISSING
    return f"{100 * value:+.{digits}f}"


def fixed(value: float, digits: int) -> str:
    """``value`` with exactly ``digits`` decimals.

    >>> fixed(0.5, 3), fixed(12.25, 1)
    ('0.500', '12.2')
    """
    return f"{value:.{digits}f}"


def money(value: Optional[float]) -> str:
    """An amount of money, whole units with thousands separators (the currency is the network's)."""
    if value is None:
        return MISSING
    return f"{value:,.0f}"


def measured(value: float) -> str:
    """A checked figure: ``0.963``, ``49.5``, ``unbounded``.

    >>> measured(0.9630612), measured(220.01427), measured(float("inf"))
    ('0.963', '220.0', 'unbounded')
    """
    if math.isinf(value):
        return "unbounded" if value > 0 else "-unbounded"
    if abs(value) < 10:
        return f"{value:.3f}"
    return f"{value:.1f}"


def compact(value: Optional[float], unbounded: bool = False) -> str:
    """A terminal table cell: three significant digits below 10, ``∞`` when unbounded, ``-`` when unknown.

    >>> compact(0.123456), compact(45.67), compact(12345.0), compact(None, True)
    ('0.123', '45.7', '12,345', '∞')
    """
    if value is None:
        return INFINITY if unbounded else "-"
    if isinstance(value, float) and not math.isfinite(value):
        return INFINITY
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
