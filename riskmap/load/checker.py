"""Stage 2 of loading: the checker that applies the schema tables to a parsed document.

:class:`Checker` turns the values of a :class:`~riskmap.load.document.Document` into
*cleaned* values: one dict per entity with every key of its table
(:data:`riskmap.load.schema.ENTITIES`), defaults filled, every value of the right kind
(distributions built as :class:`~riskmap.dists.Dist`) and the key path of its mapping
under :data:`POS_KEY`. Once every key is well typed, the entity's rule
(:data:`riskmap.load.rules.RULES`) checks how its keys relate. Later stages only read
cleaned dicts; what they derive from them comes from :mod:`riskmap.load.rules`.

A value kind is a function ``(checker, value, path, arg)`` in :data:`KINDS`, under the
name a ``Field.kind`` uses; it returns the cleaned value, or reports every problem at
its position and returns the private ``_INVALID`` marker.
"""

from __future__ import annotations

import datetime
import math
import unicodedata
from typing import Any, Callable, Optional

from riskmap import dists
from riskmap.errors import Collector, did_you_mean
from riskmap.load.document import Document, Path, is_number
from riskmap.load.rules import POS_KEY, RULES  # cleaned dicts carry their path under POS_KEY
from riskmap.load.schema import (ENTITIES, ID_PATTERN, MAX_COUNT, MAX_ID_LENGTH, MAX_NUMBER,
                                 MAX_TEXT_LENGTH, TARGET_KINDS, Field)



class Checker:
    """Applies the schema tables to one document, collecting every problem.

    Parameters
    ----------
    doc : Document
        The parsed file: its values, and the positions messages point at.
    collector : Collector
        Receives every error and warning.
    """

    def __init__(self, doc: Document, collector: Collector):
        self.doc = doc
        self.out = collector

    def error(self, path: Path, message: str, check: str = "") -> None:
        """Report an error at the position of the value at ``path``."""
        self.out.error(self.doc.pos(path), message, check)

    def where(self, path: Path) -> str:
        """A key path for messages: ``suppliers[2].ttr``."""
        text = ""
        for part in path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text or "the file"

    def entity(self, name: str, value: Any, path: Path) -> Optional[dict]:
        """Check the ``value`` at ``path`` against the table ``ENTITIES[name]``.

        Returns
        -------
        dict or None
            The cleaned dict (every key of the table, and :data:`POS_KEY`), or ``None`` when
            anything is wrong; every problem has then been reported.
        """
        fields = ENTITIES[name]
        if not isinstance(value, dict):
            keys = ", ".join(f.key for f in fields if f.required) or fields[0].key
            self.error(path, f"{self.where(path)}: expected a mapping (a {name} with keys such as "
                             f"{keys}), got {describe(value)}", "type")
            return None
        known = {f.key for f in fields}
        for key in value:
            if key not in known:
                self.out.warning(self.doc.key_pos(path + (key,)),
                                 f"{self.where(path + (key,))}: unknown key {key!r} in {name}"
                                 f"{self.doc.hints.did_you_mean(key, known)}", "unknown-key")
        cleaned: dict[str, Any] = {POS_KEY: path}
        ok = True
        for f in fields:
            if f.key not in value:
                if f.required:
                    self.error(path, f"{self.where(path)}: missing required key {f.key!r} in {name}",
                               "missing-key")
                    ok = False
                else:
                    cleaned[f.key] = self.default(f)
                continue
            result = self.value(f.kind, value[f.key], path + (f.key,))
            if result is _INVALID:
                ok = False
            else:
                cleaned[f.key] = result
        if ok:
            rule = RULES.get(name)
            if rule is not None and not rule(self, cleaned, path):
                ok = False
        return cleaned if ok else None

    def default(self, f: Field) -> Any:
        """The cleaned value of an omitted key: a fresh list or dict, a constant dist."""
        if f.default is None:
            return None
        if f.kind == "dist":
            return dists.Constant(f.default)
        if isinstance(f.default, (list, dict)):
            return type(f.default)()
        if f.kind == "date":
            return datetime.date.fromisoformat(f.default)
        return f.default

    def value(self, kind: str, value: Any, path: Path) -> Any:
        """Check ``value`` against ``kind`` (a ``Field.kind``); the cleaned value or ``_INVALID``."""
        head, _, arg = kind.partition(":")
        checker = KINDS[head]
        return checker(self, value, path, arg)


_INVALID = object()


def describe(value: Any) -> str:
    """How a bad value reads in a message: ``the string 'x'``, ``a list``, ``nothing``."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _number(ch: Checker, value: Any, path: Path, *, low=0.0, low_open=False, high=MAX_NUMBER,
            what="a number >= 0") -> Any:
    if not is_number(value):
        hint = ""
        if isinstance(value, str):
            try:
                float(value.replace("_", ""))
                hint = "; remove the quotes"
            except ValueError:
                pass
        ch.error(path, f"{ch.where(path)}: expected {what}, got {describe(value)}{hint}", "type")
        return _INVALID
    if isinstance(value, float) and math.isnan(value):
        ch.error(path, f"{ch.where(path)}: expected {what}, got NaN", "value")
        return _INVALID
    if not math.isfinite(value) or abs(value) > high:
        ch.error(path, f"{ch.where(path)}: {value!r} is too large (at most {high:g})", "value")
        return _INVALID
    if value < low or (low_open and value == low):
        ch.error(path, f"{ch.where(path)}: expected {what}, got {value!r}", "value")
        return _INVALID
    return value


def _k_number(ch, value, path, arg):
    return _number(ch, value, path)


def _k_real(ch, value, path, arg):
    return _number(ch, value, path, low=-MAX_NUMBER, what="a number")


def _k_positive(ch, value, path, arg):
    return _number(ch, value, path, low_open=True, what="a number > 0")


def _k_probability(ch, value, path, arg):
    v = _number(ch, value, path, what="a probability between 0 and 1")
    if v is not _INVALID and v > 1:
        ch.error(path, f"{ch.where(path)}: expected a probability between 0 and 1, got {v!r}",
                 "value")
        return _INVALID
    return v


def _count(ch, value, path, low):
    what = f"a whole number >= {low}"
    if is_number(value) and isinstance(value, float) and math.isfinite(value) \
            and value.is_integer():
        value = int(value)
    if is_number(value) and not isinstance(value, int) and math.isfinite(value):
        ch.error(path, f"{ch.where(path)}: expected {what} (units are whole), got {value!r}",
                 "value")
        return _INVALID
    v = _number(ch, value, path, low=low, high=MAX_COUNT, what=what)
    return v if v is _INVALID else int(v)


def _k_count(ch, value, path, arg):
    return _count(ch, value, path, 0)


def _k_count1(ch, value, path, arg):
    return _count(ch, value, path, 1)


def _k_seed(ch, value, path, arg):
    if not (is_number(value) and isinstance(value, int)) or not 0 <= value < 2**63:
        ch.error(path, f"{ch.where(path)}: expected a whole number from 0 to 2**63-1, "
                       f"got {describe(value)}", "value")
        return _INVALID
    return value


def _k_date(ch, value, path, arg):
    """An ISO 8601 calendar date (``2024-03-01``), written bare or quoted."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    ch.error(path, f"{ch.where(path)}: expected a calendar date such as 2024-01-01 "
                   f"(ISO 8601: year-month-day), got {describe(value)}", "value")
    return _INVALID


def _k_bool(ch, value, path, arg):
    if not isinstance(value, bool):
        ch.error(path, f"{ch.where(path)}: expected true or false, got {describe(value)}", "type")
        return _INVALID
    return value


def _k_version(ch, value, path, arg):
    # Checked before anything else by riskmap.load.pipeline; kept here so the table documents it.
    return value


def _k_text(ch, value, path, arg):
    if is_number(value) and path and path[-1] in ("name", "description"):
        value = ch.doc.raw.get(path, str(value))
    if not isinstance(value, str):
        ch.error(path, f"{ch.where(path)}: expected text, got {describe(value)}", "type")
        return _INVALID
    if len(value) > MAX_TEXT_LENGTH:
        ch.error(path, f"{ch.where(path)}: text is {len(value)} characters long "
                       f"(at most {MAX_TEXT_LENGTH})", "value")
        return _INVALID
    return value


def _id_text(ch: Checker, value: Any, path: Path) -> Any:
    """Ids are text; a number written as an id (``id: 007``) keeps its source text."""
    if is_number(value) and not isinstance(value, bool):
        return ch.doc.raw.get(path, str(value))
    return value


def _k_id(ch, value, path, arg):
    value = _id_text(ch, value, path)
    if not isinstance(value, str):
        ch.error(path, f"{ch.where(path)}: expected an id, got {describe(value)}", "type")
        return _INVALID
    return _check_id_text(ch, value, path)


#: Unicode categories of characters an id never holds: controls (Cc: newline, tab...)
#: and format characters (Cf: U+202E right-to-left override, U+200B zero-width space...).
_HIDDEN_CATEGORIES = ("Cc", "Cf")


def cleaned_id(value: str) -> str:
    """``value`` without control or format characters and surrounding whitespace.

    >>> cleaned_id(" bulb\\n"), cleaned_id("s1\\u202e")
    ('bulb', 's1')
    """
    return "".join(c for c in value if unicodedata.category(c) not in _HIDDEN_CATEGORIES).strip()


def _hidden_id_problem(ch: Checker, value: str, path: Path, at_key: bool = False) -> bool:
    """Report an id (defined or referred to) holding hidden characters; True if it does.

    Such an id looks like another on screen (``"bulb\\n"``, ``"bulb\\u200b"``) but is not it:
    refused everywhere, with the cleaned id as the fix.
    """
    clean = cleaned_id(value)
    if clean == value:
        return False
    hidden = [c for c in value if unicodedata.category(c) in _HIDDEN_CATEGORIES]
    names = [_char_name(c) for c in dict.fromkeys(hidden)]
    what = (f"the invisible character{'s' if len(names) > 1 else ''} {', '.join(names)}"
            if hidden else "surrounding whitespace")
    hint = f"; did you mean {clean!r}?" if clean else "; write the id with letters or digits"
    pos = ch.doc.key_pos(path) if at_key else ch.doc.pos(path)
    ch.out.error(pos, f"{ch.where(path)}: id {value!r} holds {what}{hint}", "value")
    return True


def _char_name(c: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``, for a message about a character one cannot see."""
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X}" + (f" ({name})" if name else "")


def _check_id_text(ch, value: str, path: Path, at_key: bool = False) -> Any:
    if _hidden_id_problem(ch, value, path, at_key):
        return _INVALID
    if len(value) > MAX_ID_LENGTH:
        ch.error(path, f"{ch.where(path)}: id is {len(value)} characters long "
                       f"(at most {MAX_ID_LENGTH})", "value")
        return _INVALID
    if not ID_PATTERN.match(value):
        ch.error(path, f"{ch.where(path)}: id {value!r} may hold only letters, digits, '-', '_' "
                       "and '.', starting with a letter or digit", "value")
        return _INVALID
    return value


def _k_ref(ch, value, path, arg):
    value = _id_text(ch, value, path)
    if not isinstance(value, str):
        ch.error(path, f"{ch.where(path)}: expected the id of a {arg}, got {describe(value)}",
                 "type")
        return _INVALID
    if _hidden_id_problem(ch, value, path):
        return _INVALID
    return value  # whether it exists is checked by riskmap.load.references


def _k_refs(ch, value, path, arg):
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        ch.error(path, f"{ch.where(path)}: expected a list of {arg} ids, got {describe(value)}; "
                       f"write [{_id_text(ch, value, path)}]", "type")
        return _INVALID
    if not isinstance(value, list):
        ch.error(path, f"{ch.where(path)}: expected a list of {arg} ids, got {describe(value)}",
                 "type")
        return _INVALID
    out = [_k_ref(ch, v, path + (i,), arg) for i, v in enumerate(value)]
    return _INVALID if any(v is _INVALID for v in out) else out


def _k_enum(ch, value, path, arg):
    allowed = arg.split("|")
    if not isinstance(value, str) and ch.doc.raw.get(path) in allowed:
        # YAML 1.1 reads a bare `off` (or `on`, `yes`...) as a boolean; the file meant the word.
        value = ch.doc.raw[path]
    if value not in allowed or not isinstance(value, str):
        ch.error(path, f"{ch.where(path)}: {describe(value)} is not one of "
                       f"{', '.join(allowed)}{did_you_mean(value, allowed)}", "value")
        return _INVALID
    return value


def _k_entity(ch, value, path, arg):
    result = ch.entity(arg, value, path)
    return _INVALID if result is None else result


def _k_list(ch, value, path, arg):
    if not isinstance(value, list):
        hint = "; put it in a list: write '- ' before it" if isinstance(value, dict) else ""
        ch.error(path, f"{ch.where(path)}: expected a list of {arg} entries (each starting with "
                       f"'- '), got {describe(value)}{hint}", "type")
        return _INVALID
    out = [ch.entity(arg, v, path + (i,)) for i, v in enumerate(value)]
    return _INVALID if any(v is None for v in out) else out


def _k_demand(ch, value, path, arg):
    """A product's demand: one ``demand`` mapping, or a list of ``customer_class`` entries."""
    if isinstance(value, list):
        if not value:
            ch.error(path, f"{ch.where(path)}: an empty list of customer classes; give at least "
                           "one, or leave demand out", "value")
            return _INVALID
        return _k_list(ch, value, path, "customer_class")
    if isinstance(value, dict):
        return _k_entity(ch, value, path, "demand")
    ch.error(path, f"{ch.where(path)}: expected a demand mapping (rate: or interval:) or a list of "
                   f"customer classes (each with class:), got {describe(value)}", "type")
    return _INVALID


def _k_bom(ch, value, path, arg):
    if not isinstance(value, dict):
        ch.error(path, f"{ch.where(path)}: expected a mapping of component id to units per unit "
                       f"made, such as {{cell: 40, motor: 1}}, got {describe(value)}", "type")
        return _INVALID
    out = {}
    ok = True
    for comp, qty in value.items():
        if _check_id_text(ch, comp, path + (comp,), at_key=True) is _INVALID:
            ok = False
            continue
        q = _count(ch, qty, path + (comp,), 1)
        if q is _INVALID:
            ok = False
        else:
            out[comp] = q
    return out if ok else _INVALID


def _k_target(ch, value, path, arg):
    if not isinstance(value, dict):
        ch.error(path, f"{ch.where(path)}: expected a mapping such as {{supplier: ID}}, got "
                       f"{describe(value)}", "type")
        return _INVALID
    keys = [k for k in value if k in TARGET_KINDS]
    unknown = [k for k in value if k not in TARGET_KINDS]
    for k in unknown:
        ch.error(path + (k,), f"{ch.where(path + (k,))}: unknown target kind {k!r}; use one of "
                              f"{', '.join(TARGET_KINDS)}{did_you_mean(k, TARGET_KINDS)}", "value")
    if len(keys) != 1:
        if not unknown:
            ch.error(path, f"{ch.where(path)}: a target names exactly one of "
                           f"{', '.join(TARGET_KINDS)}, got {len(keys)}", "value")
        return _INVALID
    kind = keys[0]
    ref = _k_ref(ch, value[kind], path + (kind,), kind)
    return _INVALID if ref is _INVALID else {"kind": kind, "id": ref, POS_KEY: path + (kind,)}


def _k_network(ch, value, path, arg):
    if isinstance(value, str):
        if not value.strip():
            ch.error(path, f"{ch.where(path)}: the network path is empty", "value")
            return _INVALID
        return value
    if isinstance(value, dict):
        return value  # an inline network: checked by riskmap.load.pipeline against the network table
    ch.error(path, f"{ch.where(path)}: expected the path of a network file or an inline network "
                   f"mapping, got {describe(value)}", "type")
    return _INVALID


def _k_dist(ch, value, path, arg):
    """A number (a constant) or ``{dist: NAME, params...}``."""
    if is_number(value):
        v = _number(ch, value, path)
        return _INVALID if v is _INVALID else dists.Constant(v)
    if not isinstance(value, dict):
        hint = "; remove the quotes" if isinstance(value, str) and _looks_numeric(value) else ""
        ch.error(path, f"{ch.where(path)}: expected a number or a distribution such as "
                       f"{{dist: uniform, min: 1, max: 3}}, got {describe(value)}{hint}", "type")
        return _INVALID
    if "dist" not in value:
        ch.error(path, f"{ch.where(path)}: a distribution needs 'dist:' naming one of "
                       f"{', '.join(dists.DISTRIBUTIONS)}", "missing-key")
        return _INVALID
    name = value["dist"]
    if not isinstance(name, str) or name not in dists.DISTRIBUTIONS:
        ch.error(path + ("dist",), f"{ch.where(path + ('dist',))}: unknown distribution "
                                   f"{describe(name)}; use one of {', '.join(dists.DISTRIBUTIONS)}"
                                   f"{did_you_mean(name, dists.DISTRIBUTIONS)}", "value")
        return _INVALID
    cls = dists.DISTRIBUTIONS[name]
    params: dict[str, Any] = {}
    ok = True
    for key in value:
        if key != "dist" and key not in cls.params:
            ch.error(path + (key,), f"{ch.where(path + (key,))}: {name} has no parameter {key!r}; "
                                    f"it takes {', '.join(cls.params)}"
                                    f"{did_you_mean(key, cls.params)}", "unknown-key")
            ok = False
    for p in cls.params:
        if p not in value:
            if name == "empirical" and p == "weights":
                continue
            ch.error(path, f"{ch.where(path)}: {name} needs {p!r} (it takes "
                           f"{', '.join(cls.params)})", "missing-key")
            ok = False
            continue
        if name == "empirical":
            v = _number_list(ch, value[p], path + (p,))
        else:
            v = _number(ch, value[p], path + (p,))
        if v is _INVALID:
            ok = False
        else:
            params[p] = v
    if not ok:
        return _INVALID
    problems = dists.parameter_problems(name, params)
    for param, message in problems:
        ch.error(path + (param,), f"{ch.where(path)}: {message}", "value")
    return _INVALID if problems else dists.make(name, params)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _k_numbers(ch, value, path, arg):
    """A list of numbers >= 0 (seasonal factors); a bad entry is reported at its position."""
    out = _number_list(ch, value, path)
    return out


def _number_list(ch, value, path):
    if not isinstance(value, list):
        ch.error(path, f"{ch.where(path)}: expected a list of numbers, got {describe(value)}",
                 "type")
        return _INVALID
    out = [_number(ch, v, path + (i,)) for i, v in enumerate(value)]
    return _INVALID if any(v is _INVALID for v in out) else out


#: The value kinds, by the name before the colon of a ``Field.kind``.
KINDS: dict[str, Callable[[Checker, Any, Path, str], Any]] = {
    "number": _k_number, "real": _k_real, "positive": _k_positive, "probability": _k_probability,
    "count": _k_count, "count1": _k_count1, "seed": _k_seed, "date": _k_date, "bool": _k_bool,
    "version": _k_version, "text": _k_text, "id": _k_id, "ref": _k_ref, "refs": _k_refs,
    "enum": _k_enum, "entity": _k_entity, "list": _k_list, "demand": _k_demand, "bom": _k_bom,
    "target": _k_target,
    "network": _k_network, "dist": _k_dist, "numbers": _k_numbers,
}
