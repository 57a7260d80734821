"""What comes in as a scenario: its text, read safely, and its values, typed strictly.

:func:`read_scenario_text` is the one reader of scenario files (bases included) and
:func:`scenario_text_from_bytes` the one of uploads: at most :data:`MAX_SCENARIO_BYTES`,
counted while reading, UTF-8 without NUL bytes, a byte-order mark dropped; a FIFO, socket or
device is never opened (``ffsim.core.files``).

pydantic, in its default (lax) mode, would read ``true`` as 1 and ``"12"`` as 12. Every lever,
parameter and setting a scenario gives, from a file, an upload, a share link or a saved entry,
passes :func:`check_values` first: a number must be an integer or a float (never true/false or
text), finite (never nan or inf), and whole where the field counts whole months (``12.0`` is
read as 12, ``2.9`` is refused); ``start`` and ``end`` must be text. What passes is validated by
the models (ranges, unknown names); what fails is removed and reported, with the field, the
value and what is allowed.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ffsim.core.errors import InputError, shown
from ffsim.core.files import decode_text, read_capped, size_limit
from ffsim.core.parameters import SPECS_BY_NAME
from ffsim.core.simulate import FIRST_MONTH, LAST_MONTH, MIN_DT
from ffsim.scenarios.levers import LEVER_SPECS, Levers

MAX_SCENARIO_BYTES = 1_000_000
"""Largest scenario text read, counted while reading; a larger one is refused unparsed."""

WHOLE_LEVERS = frozenset(n for n, f in Levers.model_fields.items() if f.annotation is int)
"""Levers that count whole months."""


def number_problem(value: Any, whole: bool = False) -> str | None:
    """Why ``value`` cannot be read as a number (or a whole number), or None if it can.

    A number is an integer or a real number of Python or numpy, never true/false or text.
    """
    if isinstance(value, bool):
        return "true/false is not a number"
    if isinstance(value, str):
        return "text is not a number (write the number without quotes)"
    if not isinstance(value, numbers.Real):
        return f"a {type(value).__name__} is not a number"
    if isinstance(value, numbers.Integral):
        return None
    number = float(value)  # a float, or another real type (numpy's)
    if not math.isfinite(number):
        return "must be a finite number (not nan or inf)"
    if whole and not number.is_integer():
        return "must be a whole number"
    return None


def _range(lower: float, upper: float, unit: str, whole: bool = False) -> str:
    kind = "a whole number" if whole else "a number"
    return f"{kind} in [{lower:g}, {upper:g}] {unit}"


def _check(
    table: Mapping[str, Any], section: str, allowed: Mapping[str, tuple[str, bool]], label: str
) -> tuple[dict[str, Any], list[str]]:
    """Keep the entries of ``table`` whose numbers are numbers; report the others.

    ``allowed`` maps a field name to (what is allowed, whether it must be whole).
    """
    kept, problems = {}, []
    for name, value in table.items():
        if name in allowed:
            what, whole = allowed[name]
            problem = number_problem(value, whole)
            if problem is not None:
                problems.append(
                    f"{label}: {section}.{name} = {shown(value)}: {problem}; allowed: {what}"
                )
                continue
        kept[name] = value
    return kept, problems


LEVER_ALLOWED = {
    n: (_range(s.lower, s.upper, s.unit, n in WHOLE_LEVERS), n in WHOLE_LEVERS)
    for n, s in LEVER_SPECS.items()
}
PARAMETER_ALLOWED = {
    n: (_range(s.lower, s.upper, s.unit), False) for n, s in SPECS_BY_NAME.items() if not s.regional
}


def allowed_value(section: str, name: str) -> str | None:
    """What a value of ``section.name`` may be (``levers.X``, ``parameters.X`` or
    ``parameters.X.REGION``), or None for a name that is neither a lever nor a parameter.
    """
    if section == "levers":
        return LEVER_ALLOWED.get(name, (None,))[0]
    spec = SPECS_BY_NAME.get(name.partition(".")[0]) if section == "parameters" else None
    return None if spec is None else _range(spec.lower, spec.upper, spec.unit)


def _check_parameters(table: Mapping[str, Any], label: str) -> tuple[dict[str, Any], list[str]]:
    kept, problems = _check(table, "parameters", PARAMETER_ALLOWED, label)
    for key, value in list(kept.items()):
        name, dot, region = key.partition(".")
        spec = SPECS_BY_NAME.get(name)
        if spec is None or not spec.regional:
            continue
        allowed = _range(spec.lower, spec.upper, spec.unit)
        if dot:
            where, allow = f"parameters.{name}", {region: (allowed, False)}
            found = _check({region: value}, where, allow, label)[1]
            if found:
                kept.pop(key)
                problems += found
        elif isinstance(value, Mapping):
            kept[name], found = _check(
                value, f"parameters.{name}", {r: (allowed, False) for r in value}, label
            )
            problems += found
        else:
            kept.pop(key)
            problems.append(
                f"{label}: parameters.{name} = {shown(value)}: a regional parameter; allowed: a "
                f"table of regions, each {allowed} (e.g. [parameters.{name}] france = ...)"
            )
    return kept, problems


def _check_settings(table: Mapping[str, Any], label: str) -> tuple[dict[str, Any], list[str]]:
    months = f'a month as text, "YYYY-MM", from "{FIRST_MONTH}" to "{LAST_MONTH}"'
    kept, problems = _check(
        table, "settings", {"dt": (f"1/n of a month, {MIN_DT:g} to 1", False)}, label
    )
    for name in ("start", "end"):
        if name in kept and not isinstance(kept[name], str):
            problems.append(
                f"{label}: settings.{name} = {shown(kept.pop(name))}: allowed: {months}"
            )
    return kept, problems


def check_values(
    tables: Mapping[str, Mapping[str, Any]], label: str
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The ``levers``, ``parameters`` and ``settings`` tables without their ill-typed values,
    and one line per value removed (other tables are returned as they are).
    """
    out = {k: dict(v) for k, v in tables.items()}
    problems: list[str] = []
    for key, check in (
        ("levers", lambda t: _check(t, "levers", LEVER_ALLOWED, label)),
        ("parameters", lambda t: _check_parameters(t, label)),
        ("settings", lambda t: _check_settings(t, label)),
    ):
        if key in out:
            out[key], found = check(out[key])
            problems += found
    return out, problems


def read_scenario_text(path: str | Path) -> str:
    """The text of a scenario file: the one reader of scenario files, their bases included.

    A FIFO, socket or device is never opened; at most :data:`MAX_SCENARIO_BYTES` are read,
    counted while reading; the text must be UTF-8 without NUL bytes (a byte-order mark is
    dropped).

    Raises
    ------
    InputError
        Naming the file and what is allowed.
    """
    where = str(path)
    return decode_text(where, read_capped(where, Path(path), MAX_SCENARIO_BYTES))


def scenario_text_from_bytes(data: bytes, label: str) -> str:
    """The text of an uploaded scenario, with the checks of :func:`read_scenario_text`."""
    if len(data) > MAX_SCENARIO_BYTES:
        raise InputError(f"{label}: is {len(data)} bytes; {size_limit(MAX_SCENARIO_BYTES)}")
    return decode_text(label, data)
