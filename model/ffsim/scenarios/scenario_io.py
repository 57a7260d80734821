"""Write a scenario as a TOML file, relative to the calibrated baseline.

Only what differs from the baseline is written: levers off their defaults, assumption
parameters (regional ones in part), replaced drivers, and settings. The text is written by
``tomli_w``, which escapes every string (control characters, lone carriage returns, quotes,
backslashes), so reading it back with ``ffsim.scenarios.scenario.parse_scenario`` gives the
same names and texts and a scenario with the same content hash. An empty text (description,
motivation) is left out, since a file's texts must not be empty.
"""

from __future__ import annotations

from typing import Any

import tomli_w

from ffsim.scenarios.levers import Levers
from ffsim.scenarios.scenario import Scenario, baseline_scenario


def _texts(scenario: Scenario, name: str | None, description: str | None) -> dict[str, Any]:
    texts = {
        "name": name if name and name.strip() else scenario.name,
        "description": description if description is not None else scenario.description,
        "motivation": scenario.motivation,
    }
    out = {k: v for k, v in texts.items() if v.strip()}
    return {**out, "base": "baseline"}


def _parameters(scenario: Scenario, base: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in type(scenario.assumptions).model_fields:
        mine, theirs = getattr(scenario.assumptions, n), getattr(base.assumptions, n)
        if mine == theirs:
            continue
        if hasattr(mine, "model_dump"):
            out[n] = {r: v for r, v in mine.model_dump().items() if v != getattr(theirs, r)}
        else:
            out[n] = mine
    return out


def scenario_data(
    scenario: Scenario, name: str | None = None, description: str | None = None
) -> dict[str, Any]:
    """The scenario as the data of a TOML file with base ``baseline``."""
    base = baseline_scenario()
    data = _texts(scenario, name, description)
    data["levers"] = {
        n: getattr(scenario.levers, n)
        for n in Levers.model_fields
        if getattr(scenario.levers, n) != getattr(base.levers, n)
    }
    data["parameters"] = _parameters(scenario, base)
    data["drivers"] = {
        n: [{"date": k.date, "value": float(k.value), "source": k.source} for k in series.knots]
        for n, series in scenario.raw_drivers
        if series != getattr(base.raw_drivers, n)
    }
    data["settings"] = {
        k: v for k, v in scenario.settings.model_dump().items() if v != getattr(base.settings, k)
    }
    return {k: v for k, v in data.items() if v != {}}


def scenario_to_toml(
    scenario: Scenario, name: str | None = None, description: str | None = None
) -> str:
    """TOML text for ``scenario`` with base ``baseline``; see the module docstring.

    ``name`` (when not blank) and ``description`` (when given) replace the scenario's own.
    """
    return tomli_w.dumps(scenario_data(scenario, name, description))
