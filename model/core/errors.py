"""The error users see for bad input, and how validation errors are turned into it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError


class InputError(ValueError):
    """Bad user input (a parameter, a driver, a scenario file, a command-line argument).

    The message names the field, the value and what is allowed, one problem per line.
    """


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        path = ".".join([prefix, *loc]) if prefix else ".".join(loc)
        spec = specs.get(loc[0]) if loc else None
        if err["type"] == "extra_forbidden":
            names = (children or {}).get(loc[0], ()) if len(loc) > 1 else specs
            allowed = (
                f"unknown name; allowed: {', '.join(sorted(names))}" if names else "unknown name"
            )
            lines.append(f"{path}: {allowed}")
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
        lines.append(f"{path} = {_short(err.get('input'))}: {msg}")
    return "\n".join(lines)
