"""Scenario files: a base, policy levers and world assumptions, validated, never executed.

A scenario file looks like::

    name = "Border closed a year earlier"
    description = "One paragraph: the question it answers."
    motivation = "The article and passage that motivate it."
    base = "baseline"                 # or the file name (without .toml) of another scenario

    [levers]                          # policy levers (ffsim.scenarios.levers.Levers)
    border_closure_shift = -12

    [parameters]                      # world assumptions (ffsim.core.parameters), not levers
    combat_mortality = 0.012
    [parameters.radicalisation_rate]
    france = 30.0

    [drivers]                         # world drivers: a driver given here replaces its knots
    territory = [{ date = "2014-12-01", value = 1.0, source = "counterfactual" }]

    [settings]
    end = "2018-12"

Only ``name`` is required. What a file does not set comes from its base; the root of every
chain is the calibrated baseline (``ffsim.calibration.baseline``). Levers act on the drivers
after the base's and the file's driver overrides.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ffsim import resources
from ffsim.calibration.baseline import active_artifact, baseline_label, baseline_parameters
from ffsim.core.drivers import DEFAULT_DRIVERS, Drivers, close_knots
from ffsim.core.errors import InputError, format_validation_error, shown
from ffsim.core.parameters import Parameters
from ffsim.core.simulate import DEFAULT_SETTINGS, Settings
from ffsim.core.toml_text import loads_toml
from ffsim.scenarios.levers import (
    LEVER_SPECS,
    PARAMETER_LEVERS,
    Levers,
    apply_levers,
    lever_reach_problems,
)
from ffsim.scenarios.scenario_input import MAX_SCENARIO_BYTES as MAX_SCENARIO_BYTES
from ffsim.scenarios.scenario_input import check_values, read_scenario_text
from ffsim.scenarios.scenario_input import scenario_text_from_bytes as scenario_text_from_bytes

MAX_BASE_DEPTH = 20
"""Longest chain of bases followed."""

SCENARIO_DIR = resources.SCENARIO_DIR
TEXT_KEYS = ("name", "description", "motivation", "base")
TABLE_KEYS = ("levers", "parameters", "drivers", "settings")
TOP_LEVEL_KEYS = TEXT_KEYS + TABLE_KEYS
BASELINE = "baseline"
BASE_NAME = re.compile(r"\w[\w .-]{0,99}")
"""A base is named (letters, digits, ``_ . -`` and spaces, at most 100), never a path."""


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its inputs as components, and the model inputs they make."""

    name: str
    description: str
    motivation: str
    base: str
    levers: Levers
    assumptions: Parameters
    raw_drivers: Drivers
    settings: Settings

    @property
    def parameters(self) -> Parameters:
        """Model parameters: the assumptions with the parameter levers applied."""
        return self.assumptions.with_overrides(
            {name: getattr(self.levers, name) for name in PARAMETER_LEVERS}
        )

    @property
    def drivers(self) -> Drivers:
        """Model drivers: the world drivers reshaped by the driver levers."""
        return apply_levers(self.raw_drivers, self.levers)

    def content_hash(self) -> str:
        """SHA-256 of what the model is given (parameters, drivers, settings).

        Independent of names, descriptions, sources, key order and how the file reached its
        values (directly or through its base).
        """
        drivers = {
            name: [[k.date.isoformat(), k.value] for k in series.knots]
            for name, series in self.drivers
        }
        content = {
            "parameters": self.parameters.model_dump(mode="json"),
            "drivers": drivers,
            "settings": self.settings.model_dump(mode="json"),
        }
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def baseline_scenario() -> Scenario:
    """The calibrated baseline as a scenario: the root of every base chain.

    Built once per active artifact (and its modification time): the app asks for it for
    every widget of every page run.
    """
    path = active_artifact()
    try:
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = (0, 0)  # baseline_parameters reports the problem
    return _baseline_scenario(path, stamp)


@lru_cache(maxsize=4)
def _baseline_scenario(path: Path, stamp: tuple[int, int]) -> Scenario:
    return Scenario(
        name=baseline_label(path),
        description="The calibrated model with the drivers as reported.",
        motivation="",
        base="",
        levers=Levers(),
        assumptions=baseline_parameters(path),
        raw_drivers=DEFAULT_DRIVERS,
        settings=DEFAULT_SETTINGS,
    )


def _lines(
    exc: InputError | ValidationError, label: str, prefix: str, specs: dict[str, Any] | None = None
) -> list[str]:
    if isinstance(exc, InputError):
        text = str(exc)
    else:
        text = format_validation_error(exc, prefix, specs or {})
    return [f"{label}: {line}" for line in text.splitlines()]


def _apply(base: Scenario, raw: dict[str, Any], label: str) -> tuple[Scenario | None, list[str]]:
    """Apply a parsed file's overrides to its resolved base; collect every problem."""
    problems = [
        f"{label}: {key}: unknown key; allowed: {', '.join(TOP_LEVEL_KEYS)}"
        for key in sorted(set(raw) - set(TOP_LEVEL_KEYS))
    ]
    if "name" not in raw:
        problems.append(f"{label}: name: missing; every scenario needs a name")
    for key in TEXT_KEYS:
        if key in raw and not (isinstance(raw[key], str) and raw[key].strip()):
            problems.append(f"{label}: {key} = {shown(raw[key])}: must be a non-empty string")
    tables: dict[str, dict[str, Any]] = {}
    for key in TABLE_KEYS:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            problems.append(f"{label}: {key} = {shown(value)}: must be a table")
            value = {}
        tables[key] = value
    tables, found = check_values(tables, label)
    problems += found

    levers, assumptions = base.levers, base.assumptions
    raw_drivers, settings = base.raw_drivers, base.settings
    try:
        levers = Levers.model_validate({**base.levers.model_dump(), **tables["levers"]})
    except ValidationError as exc:
        problems += _lines(exc, label, "levers", LEVER_SPECS)
    misplaced = sorted(set(tables["parameters"]) & set(PARAMETER_LEVERS))
    problems += [
        f"{label}: parameters.{name}: a policy lever; set it under [levers]" for name in misplaced
    ]
    params = {k: v for k, v in tables["parameters"].items() if k not in PARAMETER_LEVERS}
    try:
        assumptions = base.assumptions.with_overrides(params)
    except InputError as exc:
        problems += _lines(exc, label, "")
    try:
        raw_drivers = base.raw_drivers.with_overrides(tables["drivers"])
    except InputError as exc:
        problems += _lines(exc, label, "")
    else:
        problems += [f"{label}: {line}" for line in lever_reach_problems(raw_drivers)]
    try:
        settings = Settings.model_validate({**base.settings.model_dump(), **tables["settings"]})
    except ValidationError as exc:
        problems += _lines(exc, label, "settings")
    if problems:
        return None, problems
    try:  # levers can only be checked against the drivers they reshape once both are known
        reshaped = apply_levers(raw_drivers, levers)
    except ValidationError as exc:
        why = format_validation_error(exc, "knot", {}).replace("\n", "; ")
        return None, [f"{label}: levers: reshaped drivers are invalid: {why}"]
    except ValueError as exc:
        return None, [f"{label}: levers: reshaped drivers are invalid: {exc}"]
    close = close_knots(raw_drivers, settings.dt) or [
        f"after the levers, {line}" for line in close_knots(reshaped, settings.dt)
    ]
    if close:
        return None, [f"{label}: {line}" for line in close]
    scenario = Scenario(
        name=raw["name"],
        description=raw.get("description", ""),
        motivation=raw.get("motivation", ""),
        base=raw.get("base", BASELINE),
        levers=levers,
        assumptions=assumptions,
        raw_drivers=raw_drivers,
        settings=settings,
    )
    return scenario, []


def _resolve(
    text: str, label: str, directory: Path, chain: tuple[str, ...]
) -> tuple[Scenario | None, list[str]]:
    try:
        raw = loads_toml(text, label)
    except InputError as exc:
        return None, [str(exc)]
    base_name = raw.get("base", BASELINE)
    if not isinstance(base_name, str) or not base_name.strip():
        base, problems = baseline_scenario(), list[str]()  # reported by _apply
    elif base_name == BASELINE:
        base, problems = baseline_scenario(), []
    elif base_name in chain:
        cycle = " -> ".join((*chain, base_name))
        return None, [f"{label}: base = {base_name!r}: cyclic base ({cycle})"]
    elif len(chain) >= MAX_BASE_DEPTH:
        return None, [f"{label}: base = {base_name!r}: bases nested deeper than {MAX_BASE_DEPTH}"]
    elif not BASE_NAME.fullmatch(base_name):
        return None, [
            f"{label}: base = {shown(base_name)}: must be a scenario name (letters, digits, "
            "_ . - and spaces, at most 100), not a path"
        ]
    else:
        path = directory / f"{base_name}.toml"
        if not os.path.exists(path):
            return None, [
                f"{label}: base = {base_name!r}: no scenario {path.name} in {directory}; "
                f"allowed: {BASELINE!r} or a scenario there"
            ]
        try:
            base_text = read_scenario_text(path)
        except InputError as exc:
            return None, [f"{label}: base {base_name!r}: {exc}"]
        resolved, base_problems = _resolve(base_text, str(path), directory, (*chain, base_name))
        if resolved is None:
            return None, [f"{label}: base {base_name!r} is invalid:", *base_problems]
        base = resolved
    scenario, problems = _apply(base, raw, label)
    return scenario, problems


def check_scenario_text(
    text: str, label: str = "scenario", directory: Path = SCENARIO_DIR, own_name: str = ""
) -> tuple[Scenario | None, list[str]]:
    """Validate scenario text: the scenario and no problems, or None and every problem found."""
    return _resolve(text, label, directory, (own_name,) if own_name else ())


def parse_scenario(text: str, label: str = "scenario", directory: Path = SCENARIO_DIR) -> Scenario:
    """Validate scenario text; :class:`InputError` lists every problem, one per line."""
    scenario, problems = check_scenario_text(text, label, directory)
    if scenario is None:
        raise InputError("\n".join(problems))
    return scenario


def apply_changes(base: Scenario, changes: Mapping[str, Any], label: str = "changes") -> Scenario:
    """``base`` with ``changes`` (tables as in a file: levers, parameters, drivers, settings).

    The path of a share link or a saved set of changes: the same checks as a file, values
    that override the base's. The texts (name, description, motivation, base) stay the base's.

    Raises
    ------
    InputError
        Listing every problem, one per line; ``base`` is untouched.
    """
    scenario, problems = _apply(base, {**changes, "name": base.name}, label)
    if scenario is None:
        raise InputError("\n".join(problems))
    return replace(
        scenario, description=base.description, motivation=base.motivation, base=base.base
    )


def apply_each_change(
    base: Scenario, changes: Mapping[str, Mapping[str, Any]], label: str = "changes"
) -> tuple[Scenario, dict[str, dict[str, Any]], dict[tuple[str, str], str]]:
    """``base`` with every change that passes the checks of :func:`apply_changes`.

    The path of a share link, whose changes are used one by one: ``changes`` maps ``levers``
    and ``parameters`` to flat tables (a regional value by dotted name,
    ``radicalisation_rate.france``). The changes are tried together and, if they fail, one at
    a time in order, each on top of those kept.

    Returns
    -------
    The scenario, the changes kept (flat tables) and, for each change left out, keyed by
    (table, name), why (the lines of :func:`apply_changes`' error, without ``label``).
    """
    flat = {section: dict(table) for section, table in changes.items()}
    try:
        return apply_changes(base, flat, label), flat, {}
    except InputError:
        pass
    kept: dict[str, dict[str, Any]] = {section: {} for section in flat}
    refused: dict[tuple[str, str], str] = {}
    for section, table in flat.items():
        for name, value in table.items():
            trial = {**kept, section: {**kept[section], name: value}}
            try:
                apply_changes(base, trial, label)
            except InputError as exc:
                lines = [line.removeprefix(f"{label}: ") for line in str(exc).splitlines()]
                refused[(section, name)] = "; ".join(lines)
                continue
            kept = trial
    return apply_changes(base, kept, label), kept, refused


def check_scenario_file(path: str | Path) -> tuple[Scenario | None, list[str]]:
    """Validate a scenario given as a file, a shipped scenario's name or ``saved:NAME``
    (resolved by :func:`ffsim.scenarios.source.scenario_source`; a file's base is looked up
    beside it, a shipped or saved scenario's among the shipped ones); ``baseline`` is the
    calibrated baseline.
    """
    from ffsim.scenarios.saved_store import read_saved
    from ffsim.scenarios.source import scenario_source

    try:
        source = scenario_source(path)
        if source.kind == "baseline":
            return baseline_scenario(), []
        if source.kind == "saved":
            text = read_saved(source.name)
            return check_scenario_text(text, source.given, SCENARIO_DIR)
        assert source.path is not None
        text = read_scenario_text(source.path)
    except InputError as exc:
        return None, [str(exc)]
    file = source.path
    return check_scenario_text(text, source.given, file.parent, file.stem)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario: a file, a shipped scenario's name (``early_response``),
    ``baseline`` or ``saved:NAME`` (:mod:`ffsim.scenarios.source`; a file that exists wins
    over a shipped name); :class:`InputError` lists every problem.
    """
    scenario, problems = check_scenario_file(path)
    if scenario is None:
        raise InputError("\n".join(problems))
    return scenario


def load_base(path: str | Path) -> Scenario:
    """The base of the scenario given as ``path`` (as :func:`load_scenario` takes it): the
    calibrated baseline, or the scenario its ``base`` names (beside a file; among the shipped
    scenarios for a shipped or saved one).

    Raises
    ------
    InputError
        The scenario or its base is invalid, or it is the baseline itself (which has no base).
    """
    from ffsim.scenarios.source import scenario_source

    source = scenario_source(path)
    if source.kind == "baseline":
        raise InputError(f"{source.given}: the calibrated baseline has no base to compare with")
    scenario = load_scenario(path)
    if scenario.base == BASELINE:
        return baseline_scenario()
    folder = source.path.parent if source.kind == "file" and source.path else SCENARIO_DIR
    return load_scenario(folder / f"{scenario.base}.toml")
