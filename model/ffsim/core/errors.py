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


def format_validation_error(
    exc: ValidationError,
    prefix: str,
    specs: Mapping[str, Any],
    children: Mapping[str, Any] | None = None,
) -> str:
    """One line per problem: ``prefix.field = value: what is allowed``.

    ``specs`` maps a top-level field name to an object with ``lower``, ``upper`` and ``unit``
    attributes, used to state the allowed range in full. ``children`` maps a top-level field
    to the names allowed inside it (the region ids of a regional parameter).
    """
    lines = []
    errors = exc.errors()
    for err in errors:
        if err["type"] == "too_short" and any(
            e["loc"][: len(err["loc"])] == err["loc"] and e is not err for e in errors
        ):
            continue  # a sequence left short only because its items failed, reported below
        loc = [str(p) for p in err["loc"]]
        path = ".".join([prefix, *loc]) if prefix else ".".join(loc)
        spec = specs.get(loc[0]) if loc else None
        if err["type"] == "extra_forbidden":
            names = (children or {}).get(loc[0], ()) if len(loc) > 1 else specs
            lines.append(f"{path}: {unknown_name(loc[-1], names)}")
            continue
        msg = err["msg"]
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
        lines.append(f"{path} = {shown(err.get('input'))}: {msg}")
    return "\n".join(lines)
