"""The error users see for bad input, and how validation errors are turned into it."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError


class InputError(ValueError):
    """Bad user input (a parameter, a driver, a scenario file, a command-line argument).

    The message names the field, the value and what is allowed, one problem per line.
    """


def shown(value: Any) -> str:
    """A value as a user wrote it, shortened: ``true``, ``"12"``, ``nan``, ``2014-12-01``."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float) and not math.isfinite(value):
        text = str(value)
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, int) and abs(value) >= 10**60:
        text = f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    else:
        try:
            text = repr(value)
        except (ValueError, RecursionError):  # too long an integer, too deep a structure
            text = f"a {type(value).__name__} too large to show"
    return text if len(text) <= 60 else text[:57] + "..."


def unknown_name(name: str, names: Any) -> str:
    """What is said of an unknown ``name``: the closest allowed name, if one is close, and
    every allowed name.
    """
    allowed = sorted(str(n) for n in names)
    if not allowed:
        return "unknown name"
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown name{hint}; allowed: {', '.join(allowed)}"


def json_shown(value: Any) -> str:
    """A value as a JSON file spells it (``null``, ``NaN``, ``"text"``, ``[1, 2]``), cut at 60
    characters; a value JSON cannot spell (a date) as :func:`shown` does.
    """
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = shown(value)
    return text if len(text) <= 60 else text[:57] + "..."


def field_path(prefix: str, loc: Any, brackets: bool = False) -> str:
    """A location as users read it: ``prefix.field.2.name``, or with ``brackets`` (as in a JSON
    file) ``prefix.field[2].name``.
    """
    out = prefix
    for part in loc:
        if brackets and isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out


def format_validation_error(
    exc: ValidationError,
    prefix: str,
    specs: Mapping[str, Any],
    children: Mapping[str, Any] | None = None,
    as_json: bool = False,
) -> str:
    """One line per problem: ``prefix.field = value: what is allowed``.

    ``specs`` maps a top-level field name to an object with ``lower``, ``upper`` and ``unit``
    attributes, used to state the allowed range in full. ``children`` maps a top-level field
    to the names allowed inside it (the region ids of a regional parameter). ``as_json`` spells
    values and list positions as a JSON file's reader knows them (:func:`json_shown`, ``[2]``).

    A validator of a whole object may place its problem deeper: the error's context then holds
    ``at`` (the location below the object's) and ``value`` (the value found there). A missing
    field is ``path: missing``, followed by what is needed when the error says it.
    """
    lines = []
    errors = exc.errors()
    for err in errors:
        if err["type"] == "too_short" and any(
            e["loc"][: len(err["loc"])] == err["loc"] and e is not err for e in errors
        ):
            continue  # a sequence left short only because its items failed, reported below
        ctx = err.get("ctx") or {}
        loc = [*err["loc"], *ctx.get("at", ())]
        value = ctx["value"] if "value" in ctx else err.get("input")
        path = field_path(prefix, loc, brackets=as_json)
        spec = specs.get(loc[0]) if loc and isinstance(loc[0], str) else None
        if err["type"] == "extra_forbidden":
            names = (children or {}).get(loc[0], ()) if len(loc) > 1 else specs
            lines.append(f"{path}: {unknown_name(str(loc[-1]), names)}")
            continue
        msg = err["msg"]
        if err["type"] == "missing":
            lines.append(f"{path}: missing" + ("" if msg == "Field required" else f"; {msg}"))
            continue
        if err["type"] == "value_error":
            lines.append(f"{path}: {msg.removeprefix('Value error, ')}")
            continue
        if spec is not None and err["type"] in {
            "less_than_equal",
            "greater_than_equal",
            "less_than",
            "greater_than",
        }:
            msg = f"allowed range [{spec.lower:g}, {spec.upper:g}] {spec.unit}"
        elif spec is not None and err["type"] in {"float_parsing", "float_type"}:
            msg = f"must be a number in [{spec.lower:g}, {spec.upper:g}] {spec.unit}"
        elif err["type"] == "finite_number":
            msg = "must be a finite number (not nan or inf)"
        lines.append(f"{path} = {(json_shown if as_json else shown)(value)}: {msg}")
    return "\n".join(lines)
