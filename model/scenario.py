"""Scenario files: TOML overrides of parameters, drivers and settings, validated, never executed.

A scenario file looks like::

    name = "Border closed a year earlier"
    description = "..."
    [parameters]
    combat_mortality = 0.012
    [parameters.radicalisation_rate]
    france = 30.0
    [drivers]
    border_closure = [{ date = "2015-03-01", value = 0.85, source = "counterfactual" }]
    [settings]
    end = "2018-12"

Every table is optional. Parameters not given keep their calibrated baseline values
(``model.baseline``); regional parameters may be given for some regions only; a driver given
here replaces that driver's knots entirely.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from model.baseline import baseline_parameters
from model.drivers import DEFAULT_DRIVERS, Drivers
from model.errors import InputError, format_validation_error
from model.parameters import Parameters
from model.simulate import DEFAULT_SETTINGS, Settings

MAX_SCENARIO_BYTES = 1_000_000
"""Largest scenario file read; a larger one is refused before parsing."""

TOP_LEVEL_KEYS = ("name", "description", "parameters", "drivers", "settings")


@dataclass(frozen=True)
class Scenario:
    """A named, validated set of parameters, drivers and settings."""

    name: str
    description: str
    parameters: Parameters
    drivers: Drivers
    settings: Settings


def parse_scenario(text: str, label: str = "scenario") -> Scenario:
    """Validate scenario TOML text.

    Raises
    ------
    InputError
        Every problem found, one per line, each naming ``label``, the field and the value.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{label}: not valid TOML: {exc}") from None
    unknown = sorted(set(raw) - set(TOP_LEVEL_KEYS))
    problems = [
        f"{label}: {key}: unknown key; allowed: {', '.join(TOP_LEVEL_KEYS)}" for key in unknown
    ]
    for key in ("name", "description"):
        if key in raw and not isinstance(raw[key], str):
            problems.append(f"{label}: {key} = {raw[key]!r}: must be a string")
    tables: dict[str, dict[str, Any]] = {}
    for key in ("parameters", "drivers", "settings"):
        value = raw.get(key, {})
        if not isinstance(value, dict):
            problems.append(f"{label}: {key} = {value!r}: must be a table")
            value = {}
        tables[key] = value

    params, drivers, settings = baseline_parameters(), DEFAULT_DRIVERS, DEFAULT_SETTINGS
    try:
        params = params.with_overrides(tables["parameters"])
    except InputError as exc:
        problems += [f"{label}: {line}" for line in str(exc).splitlines()]
    try:
        drivers = drivers.with_overrides(tables["drivers"])
    except InputError as exc:
        problems += [f"{label}: {line}" for line in str(exc).splitlines()]
    try:
        settings = Settings.model_validate({**DEFAULT_SETTINGS.model_dump(), **tables["settings"]})
    except ValidationError as exc:
        problems += [
            f"{label}: {line}" for line in format_validation_error(exc, "settings", {}).splitlines()
        ]
    if problems:
        raise InputError("\n".join(problems))
    name = raw.get("name", label)
    return Scenario(name, raw.get("description", ""), params, drivers, settings)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; see :func:`parse_scenario`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise InputError(f"{path}: file is {size} bytes; at most {MAX_SCENARIO_BYTES} allowed")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_scenario(text, str(path))
