"""Write a scenario as a TOML file, relative to the calibrated baseline.

Only what differs from the baseline is written: levers off their defaults, assumption
parameters (regional ones in part), replaced drivers, and settings. Reading the text back with
``ffsim.scenarios.scenario.parse_scenario`` gives a scenario with the same content hash.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ffsim.scenarios.levers import Levers
from ffsim.scenarios.scenario import Scenario, baseline_scenario


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return json.dumps(str(v), ensure_ascii=False)  # a TOML basic string


def _text(key: str, value: str) -> str:
    text = value.strip()
    if "\n" in text:
        return f'{key} = """\n{text.replace(chr(92), chr(92) * 2).replace(chr(34) * 3, "")}"""'
    return f"{key} = {_value(text)}"


def scenario_to_toml(
    scenario: Scenario, name: str | None = None, description: str | None = None
) -> str:
    """TOML text for ``scenario`` with base ``baseline``; see the module docstring."""
    base = baseline_scenario()
    lines = [
        _text("name", name or scenario.name),
        _text("description", description if description is not None else scenario.description),
    ]
    if scenario.motivation:
        lines.append(_text("motivation", scenario.motivation))
    lines.append('base = "baseline"')
    levers = {
        n: getattr(scenario.levers, n)
        for n in Levers.model_fields
        if getattr(scenario.levers, n) != getattr(base.levers, n)
    }
    if levers:
        lines += ["", "[levers]", *(f"{k} = {_value(v)}" for k, v in levers.items())]
    scalars, regional = [], []
    for n in type(scenario.assumptions).model_fields:
        mine, theirs = getattr(scenario.assumptions, n), getattr(base.assumptions, n)
        if mine == theirs:
            continue
        if hasattr(mine, "model_dump"):
            changed = {r: v for r, v in mine.model_dump().items() if v != getattr(theirs, r)}
            regional += [
                "",
                f"[parameters.{n}]",
                *(f"{r} = {_value(v)}" for r, v in changed.items()),
            ]
        else:
            scalars.append(f"{n} = {_value(mine)}")
    if scalars or regional:
        lines += ["", "[parameters]", *scalars, *regional]
    drivers = []
    for n, series in scenario.raw_drivers:
        if series == getattr(base.raw_drivers, n):
            continue
        knots = ",\n".join(
            f"  {{ date = {k.date.isoformat()}, value = {_value(float(k.value))}, "
            f"source = {_value(k.source)} }}"
            for k in series.knots
        )
        drivers.append(f"{n} = [\n{knots},\n]")
    if drivers:
        lines += ["", "[drivers]", *drivers]
    settings = {
        k: v for k, v in scenario.settings.model_dump().items() if v != getattr(base.settings, k)
    }
    if settings:
        lines += ["", "[settings]", *(f"{k} = {_value(v)}" for k, v in settings.items())]
    return "\n".join(lines) + "\n"
