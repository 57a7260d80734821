"""The calibrated baseline: the artifact every run starts from, and its best-fit parameters.

The shipped artifact (``calibration/baseline.json``) is the default. ``--artifact PATH`` on the
command line, or ``ffsim app --artifact PATH``, makes another the active one for the process
(:func:`use_artifact`). There is no fallback: a missing or corrupt artifact is an
:class:`~ffsim.core.errors.InputError` that names the file and says how to make one, never a
silent run on the schema defaults.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ffsim.calibration.config import CalibrationConfig, FreeParameter
from ffsim.core.errors import InputError
from ffsim.core.files import MAX_ARTIFACT_BYTES, read_input_text
from ffsim.core.parameters import PARAMETER_SPECS, Parameters
from ffsim.core.regions import REGION_IDS
from ffsim.resources import BASELINE_PATH, shown

REQUIRED: dict[str, type] = {
    "best_fit_parameters": dict,
    "posterior_sample": dict,
    "parameters": dict,
    "observations": list,
    "fit": dict,
    "config": dict,
    "provenance": dict,
}
"""Top-level parts every calibration artifact has, with their JSON types."""

QUANTILE_KEYS = ("estimate", "p05", "p50", "p95")
"""What the artifact states of each free parameter, as numbers within its prior's bounds."""

ARTIFACT_FORMAT = "ffsim-calibration/1"
"""The ``format`` every artifact this version reads and writes states."""

ENV_ARTIFACT = "FFSIM_ARTIFACT"
"""Environment variable through which ``ffsim app --artifact`` hands the artifact to the app."""

_active: list[Path] = [BASELINE_PATH]


def active_artifact() -> Path:
    """The artifact runs start from: the shipped baseline unless :func:`use_artifact` chose
    another.
    """
    return _active[0]


def _where(path: Path, option: str) -> str:
    return f"{option} {path}" if option else shown(path)


def read_artifact(path: Path | None = None, option: str = "") -> dict[str, Any]:
    """Read and check a calibration artifact (the active one by default).

    Raises
    ------
    InputError
        In one line naming the file (and ``option`` when given): it is missing, not a small
        regular text file, not JSON, not an object, lacks a part of :data:`REQUIRED`, or a part
        the commands read is malformed (:func:`check_parts`).
    """
    path = active_artifact() if path is None else Path(path)
    where = _where(path, option)
    if not path.exists():
        raise InputError(
            f"{where}: no calibration artifact there; make one with `ffsim calibrate` "
            "(or give --artifact PATH)"
        )
    artifact = parse_json(read_input_text(option or shown(path), path, MAX_ARTIFACT_BYTES), where)
    if not isinstance(artifact, dict):
        raise InputError(
            f"{where}: not a calibration artifact (a JSON {json_kind(artifact)}, "
            "an object was expected)"
        )
    if artifact.get("format") != ARTIFACT_FORMAT:
        stated = artifact.get("format")
        stated = repr(stated) if len(repr(stated)) <= 40 else repr(stated)[:37] + "..."
        raise InputError(
            f"{where}: not a calibration artifact this version reads (format = {stated}; "
            f"allowed: {ARTIFACT_FORMAT!r}); make one with `ffsim calibrate`"
        )
    for key, kind in REQUIRED.items():
        if not isinstance(artifact.get(key), kind):
            raise InputError(
                f"{where}: not a calibration artifact ({key!r} missing or not a "
                f"JSON {'object' if kind is dict else 'array'})"
            )
    check_parts(artifact, where)
    return artifact


def parse_json(text: str, where: str) -> Any:
    """JSON text as Python values; :class:`InputError` naming ``where`` when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InputError(f"{where}: not a calibration artifact (invalid JSON: {exc})") from None
    except RecursionError:
        raise InputError(f"{where}: not a calibration artifact (JSON nested too deeply)") from None


def json_kind(x: Any) -> str:
    """The JSON name of the kind of ``x``: null, true, false, number, string, array, object."""
    if x is None or isinstance(x, bool):
        return json.dumps(x)
    names = {int: "number", float: "number", str: "string", list: "array", dict: "object"}
    return names.get(type(x), type(x).__name__)


def is_number(x: Any) -> bool:
    """Whether ``x`` (as read from JSON) is a finite number, not a bool."""
    if type(x) is int:
        return -1e300 < x < 1e300
    return type(x) is float and math.isfinite(x)


def _first_error(exc: ValidationError, part: str) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"])
    if first["type"] == "missing":
        return f"{part}.{field}: missing"
    value = repr(first.get("input"))
    value = value if len(value) <= 60 else value[:57] + "..."
    return f"{part}.{field} = {value}: {first['msg']}" if field else f"{part}: {first['msg']}"


def _within(x: Any, free: FreeParameter) -> bool:
    return is_number(x) and free.lower <= x <= free.upper


def check_posterior_sample(sample: dict[str, Any], free: dict[str, FreeParameter]) -> str:
    """What is wrong with ``posterior_sample`` (empty when nothing is).

    ``names`` must be distinct free parameters of the config; ``values`` a non-empty list of
    rows, each one number per name within that parameter's prior bounds.
    """
    names, values = sample.get("names"), sample.get("values")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return "posterior_sample.names: a non-empty list of parameter names is needed"
    unknown = [n for n in names if n not in free]
    if unknown:
        return f"posterior_sample.names: {unknown[0][:60]!r} is not a free parameter of its config"
    if len(set(names)) != len(names):
        return "posterior_sample.names: a name is listed twice"
    if not isinstance(values, list) or not values:
        return "posterior_sample.values: no posterior draws (a non-empty list of rows is needed)"
    columns = [free[n] for n in names]
    for i, row in enumerate(values):
        if not isinstance(row, list) or len(row) != len(names):
            return (
                f"posterior_sample.values[{i}]: a list of {len(names)} numbers "
                "(one per name) is needed"
            )
        for j, (x, f) in enumerate(zip(row, columns, strict=True)):
            if not _within(x, f):
                shown_x = repr(x) if len(repr(x)) <= 40 else repr(x)[:37] + "..."
                return (
                    f"posterior_sample.values[{i}][{j}] = {shown_x}: a number from {f.lower:g} "
                    f"to {f.upper:g} (the prior bounds of {f.name}) is needed"
                )
    return ""


def missing_parameters(best: dict[str, Any]) -> list[str]:
    """The parameters (``name`` or ``name.region``) a best fit does not state."""
    missing = []
    for spec in PARAMETER_SPECS:
        value = best.get(spec.name)
        if value is None:
            missing.append(spec.name)
        elif spec.regional and isinstance(value, dict):
            missing += [f"{spec.name}.{r}" for r in REGION_IDS if r not in value]
    return missing


def check_parts(artifact: dict[str, Any], where: str) -> None:
    """Check the parts the commands read: the config, the best fit, the free parameters'
    estimates and quantiles, the observations' ids and the posterior draws.

    Raises
    ------
    InputError
        ``<where>: not a calibration artifact (<part>: <what is wrong>)``.
    """

    def bad(what: str) -> InputError:
        return InputError(f"{where}: not a calibration artifact ({what})")

    try:
        free = {f.name: f for f in CalibrationConfig.model_validate(artifact["config"]).free}
    except ValidationError as exc:
        raise bad(_first_error(exc, "config")) from None
    best = artifact["best_fit_parameters"]
    missing = missing_parameters(best)
    if missing:
        raise bad(
            f"best_fit_parameters.{missing[0]}: missing; an artifact states every parameter "
            "(and every region of a regional one), never leaving one to the schema's default"
        )
    try:
        Parameters.model_validate(best, strict=True)  # a number is a number, never text
    except ValidationError as exc:
        raise bad(_first_error(exc, "best_fit_parameters")) from None
    for name, f in free.items():
        stated = artifact["parameters"].get(name)
        if not isinstance(stated, dict):
            raise bad(f"parameters.{name}: missing or not a JSON object")
        for key in QUANTILE_KEYS:
            if not _within(stated.get(key), f):
                raise bad(
                    f"parameters.{name}.{key} = {stated.get(key)!r}: a number from {f.lower:g} "
                    f"to {f.upper:g} (its prior bounds) is needed"
                )
        if not stated["p05"] <= stated["p50"] <= stated["p95"]:
            raise bad(f"parameters.{name}: p05 <= p50 <= p95 is needed")
    for i, row in enumerate(artifact["observations"]):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise bad(f"observations[{i}]: an object with a text id is needed")
    problem = check_posterior_sample(artifact["posterior_sample"], free)
    if problem:
        raise bad(problem)


@lru_cache(maxsize=8)
def _parameters(path: Path, stamp: tuple[int, int], option: str) -> Parameters:
    return Parameters.model_validate(read_artifact(path, option)["best_fit_parameters"])


def baseline_parameters(path: Path | None = None, option: str = "") -> Parameters:
    """Best-fit parameters of the artifact at ``path`` (the active one by default).

    Raises
    ------
    InputError
        When the artifact is missing or corrupt (:func:`read_artifact`), or its parameters do
        not fit the schema (the field and value are named).
    """
    path = active_artifact() if path is None else Path(path)
    try:
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = (0, 0)  # read_artifact reports the problem
    return _parameters(path, stamp, option)


def use_artifact(path: Path, option: str = "--artifact") -> None:
    """Make ``path`` the active artifact for this process, after checking it whole.

    Raises
    ------
    InputError
        As :func:`baseline_parameters`; the active artifact is then unchanged.
    """
    path = Path(path)
    baseline_parameters(path, option)
    _active[0] = path


@lru_cache(maxsize=1)
def _shipped_resolved() -> Path:
    return BASELINE_PATH.resolve()


def baseline_label(path: Path | None = None) -> str:
    """How output names the baseline: the shipped one, or the artifact it came from."""
    path = active_artifact() if path is None else Path(path)
    if path == BASELINE_PATH or path.resolve() == _shipped_resolved():
        return "Calibrated baseline (as reported)"
    return f"Calibrated baseline from {path}"
