"""A cell's value as the network file would write it, by the kind of its column.

Reading a cell only translates its spelling: ``12`` becomes the number 12, ``true``
the boolean, ``a;b`` a list, ``{dist: uniform, min: 3, max: 6}`` a distribution
mapping. Whether the value is *valid* (a count that is whole, a known id...) is not
decided here: the assembled network goes through the network file's own checks,
which report a cell that is not a number as they report a YAML value that is not one.
A value that cannot be translated (a number that is not one) is therefore passed on
as its text, for those checks to name.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

from riskmap.errors import Collector, InputError
from riskmap.load.document import is_number, parse
from riskmap.tables.source import Cell

#: Kinds whose cells hold numbers (``Field.kind`` heads of riskmap.load.schema).
NUMBER_KINDS = ("number", "real", "positive", "probability", "count", "count1")
_INT = re.compile(r"^[-+]?[0-9]+\Z")
_DECIMAL_COMMA = re.compile(r"^[-+]?[0-9]*,[0-9]+\Z")
_TRUE = ("true", "yes")
_FALSE = ("false", "no")


def cell_value(cell: Cell, kind: str, out: Collector, decimal_comma: bool = False) -> Any:
    """The value of ``cell`` for a column of ``kind`` (a ``Field.kind``).

    Parameters
    ----------
    cell : Cell
        The cell, as read.
    kind : str
        The column's kind: numbers, ``bool``, ``dist``, ``refs``, ``date``, ``substitutes``,
        text (``id``, ``ref``, ``enum``, ``text``).
    out : Collector
        Receives the problems of a cell that cannot be read at all (a distribution that is
        not a mapping, a ``substitutes`` entry without its acceptance).
    decimal_comma : bool
        The source writes ``2,5`` for 2.5 (a CSV file separated by ``;``).
    """
    head = kind.partition(":")[0]
    value = cell.value
    if head in NUMBER_KINDS:
        return number(value, decimal_comma)
    if head == "dist":
        if isinstance(value, str) and value.startswith("{"):
            return _mapping(cell, out)
        return number(value, decimal_comma)
    if head == "bool":
        return _boolean(value)
    if head == "refs":
        return [part.strip() for part in text(value).split(";") if part.strip()]
    if head == "numbers":
        if not isinstance(value, str):
            return [number(value, decimal_comma)]
        return [number(part.strip(), decimal_comma) for part in value.split(";") if part.strip()]
    if head == "date":
        return value.isoformat() if isinstance(value, datetime.date) else text(value)
    if head == "substitutes":
        return _substitutes(cell, out, decimal_comma)
    return text(value)


def text(value: Any) -> str:
    """A cell as text: a whole number a workbook holds as ``7.0`` reads ``7``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def number(value: Any, decimal_comma: bool = False) -> Any:
    """``value`` as an ``int`` or ``float`` when it spells one, else unchanged.

    >>> number("12"), number("2.5"), number("2,5", True), number("1e3"), number("twelve")
    (12, 2.5, 2.5, 1000.0, 'twelve')
    """
    if is_number(value) or not isinstance(value, str):
        return value
    if _INT.match(value):
        return int(value)
    if decimal_comma and _DECIMAL_COMMA.match(value):
        value = value.replace(",", ".")
    try:
        return float(value)
    except ValueError:
        return value


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if is_number(value) and value in (0, 1):
        return bool(value)
    lowered = text(value).lower()
    if lowered in _TRUE or lowered == "1":
        return True
    if lowered in _FALSE or lowered == "0":
        return False
    return text(value)  # the checks say "expected true or false"


def _mapping(cell: Cell, out: Collector) -> Any:
    """A distribution written as a YAML flow mapping in one cell."""
    try:
        value = parse(str(cell.value), str(cell.pos)).value
    except InputError as exc:
        problem = exc.diagnostics[0].message if exc.diagnostics else "cannot read it"
        out.error(cell.pos, f"cannot read the distribution {cell.value!r}: {problem}; write it "
                            "as in a network file, such as {dist: uniform, min: 3, max: 6}",
                  "value")
        return None
    return value


def _substitutes(cell: Cell, out: Collector, decimal_comma: bool) -> Any:
    """``a:0.3; b:0.2`` as ``[{product: a, acceptance: 0.3}, ...]``."""
    entries = []
    for part in text(cell.value).split(";"):
        part = part.strip()
        if not part:
            continue
        product, colon, acceptance = part.rpartition(":")
        if not colon or not product.strip():
            out.error(cell.pos, f"substitute {part!r}: write product:acceptance, such as "
                                "city-ebike:0.3", "value")
            return None
        entries.append({"product": product.strip(),
                        "acceptance": number(acceptance.strip(), decimal_comma)})
    return entries
