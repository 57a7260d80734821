"""What a calibration artifact read from disk must hold, checked part by part.

:func:`ffsim.calibration.baseline.read_artifact` reads the file and calls :func:`check_parts`;
``ffsim calibrate --check`` (:mod:`ffsim.cli.shipped`) uses the same pieces on the artifact it
compares with. Every refusal names the part, the value as the JSON file spells it, and what is
allowed.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from pydantic import ValidationError

from ffsim.calibration.config import CalibrationConfig, FreeParameter
from ffsim.core.errors import InputError
from ffsim.core.errors import shown as shown_value
from ffsim.core.parameters import PARAMETER_SPECS, SPECS_BY_NAME, Parameters
from ffsim.core.regions import REGION_IDS

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


def json_shown(x: Any) -> str:
    """A value as the artifact's JSON spells it (``null``, ``NaN``, ``"text"``), cut at 60
    characters.
    """
    try:
        text = json.dumps(x, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):  # not from JSON, or too large to spell
        text = shown_value(x)
    return text if len(text) <= 60 else text[:57] + "..."


def is_number(x: Any) -> bool:
    """Whether ``x`` (as read from JSON) is a finite number, not a bool."""
    if type(x) is int:
        return -1e300 < x < 1e300
    return type(x) is float and math.isfinite(x)


NUMBER_ERRORS = frozenset(
    {
        "float_type",
        "float_parsing",
        "finite_number",
        "less_than",
        "less_than_equal",
        "greater_than",
        "greater_than_equal",
    }
)
"""Pydantic's errors for a value that is not a number in its field's range."""


def _first_error(exc: ValidationError, part: str, specs: dict[str, Any] | None = None) -> str:
    """The first problem as ``part.field = value: what is allowed``; ``specs`` (name to
    parameter spec) gives a number's allowed range in full.
    """
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"]]
    field = ".".join([part, *loc])
    if first["type"] == "missing":
        return f"{field}: missing"
    if not loc:
        return f"{part}: {first['msg'].removeprefix('Value error, ')}"
    value = first.get("input")
    spec = (specs or {}).get(loc[0])
    allowed = first["msg"].removeprefix("Value error, ")
    if spec is not None and first["type"] in NUMBER_ERRORS:
        unit = f" ({spec.unit})" if spec.unit else ""
        allowed = f"a number from {spec.lower:g} to {spec.upper:g}{unit} is needed"
    if isinstance(value, float) and not math.isfinite(value):
        allowed = f"not a finite number; {allowed if spec else 'a finite number is needed'}"
    return f"{field} = {json_shown(value)}: {allowed}"


def _number_needed(field: str, x: Any, free: FreeParameter, bounds: str) -> str:
    """``field = x: a number from lower to upper (bounds) is needed``, saying first when ``x``
    is a number but not a finite one.
    """
    nan = isinstance(x, float) and not math.isfinite(x)
    return (
        f"{field} = {json_shown(x)}: {'not a finite number; ' if nan else ''}a number from "
        f"{free.lower:g} to {free.upper:g} ({bounds}) is needed"
    )


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
                field = f"posterior_sample.values[{i}][{j}]"
                return _number_needed(field, x, f, f"the prior bounds of {f.name}")
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


VERSION_FORM = re.compile(r"[0-9]+(\.[0-9]+)*[0-9A-Za-z.+!-]{0,30}")
"""What ``ffsim_version`` holds: a release number such as ``0.2.0`` (PEP 440 suffixes allowed)."""

TENSION_KINDS = ("misfit", "declared_conflict")
"""The kinds of entry in ``tensions`` (:meth:`ffsim.calibration.calibrate.Calibrator._tensions`)."""

PROBABILITY_SLACK = 1e-9
"""How far past 1 a probability may be stated (a mean of probabilities rounds)."""

_MISSING = object()


class _PartError(Exception):
    """A part of an artifact's record of its fit is malformed (the message says how)."""


def _require(ok: bool, field: str, value: Any, allowed: str) -> None:
    """Raise ``field = value: allowed`` (``field: missing; allowed``) unless ``ok``."""
    if ok:
        return
    if value is _MISSING:
        raise _PartError(f"{field}: missing; {allowed}")
    nan = isinstance(value, float) and not math.isfinite(value)
    raise _PartError(
        f"{field} = {json_shown(value)}: {'not a finite number; ' if nan else ''}{allowed}"
    )


def _part(obj: Any, key: str) -> Any:
    return obj.get(key, _MISSING) if isinstance(obj, dict) else _MISSING


def _table(obj: Any, field: str, keys: dict[str, tuple[Any, str]]) -> None:
    """Check ``obj`` is an object whose ``keys`` pass: key -> (test of the value, what it is)."""
    _require(isinstance(obj, dict), field, obj, "an object is needed")
    for key, (test, allowed) in keys.items():
        value = _part(obj, key)
        _require(value is not _MISSING and test(value), f"{field}.{key}", value, allowed)


def _list(obj: Any, field: str, allowed: str) -> list[Any]:
    _require(isinstance(obj, list), field, obj, allowed)
    return list(obj)


def _number(low: float = -math.inf, high: float = math.inf) -> Any:
    return lambda x: is_number(x) and low <= x <= high


def _text(x: Any) -> bool:
    return isinstance(x, str) and bool(x.strip())


def _one_of(names: set[str] | tuple[str, ...]) -> Any:
    return lambda x: isinstance(x, str) and x in names


def _names_in(names: set[str] | tuple[str, ...]) -> Any:
    return lambda x: isinstance(x, list) and all(isinstance(n, str) and n in names for n in x)


def _date(x: Any) -> dt.date | None:
    if not isinstance(x, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", x):
        return None
    try:
        return dt.date.fromisoformat(x)
    except ValueError:
        return None


def check_as_of(artifact: dict[str, Any]) -> str:
    """What is wrong with the artifact's ``as_of`` (empty when nothing is): a calendar date
    YYYY-MM-DD, on or after every figure it fitted was published.
    """
    value = _part(artifact, "as_of")
    date = _date(value)
    if date is None:
        said = ": missing;" if value is _MISSING else f" = {json_shown(value)}:"
        return f"as_of{said} a date YYYY-MM-DD is needed"
    published = [_date(o.get("published")) for o in artifact.get("observations", [])]
    latest = max((d for d in published if d is not None), default=None)
    if latest is not None and latest > date:
        return (
            f"as_of = {value}: a date on or after {latest} (the latest publication of a figure "
            "it fitted) is needed"
        )
    return ""


def _check_free_parameters(names: Any, free: tuple[str, ...]) -> None:
    allowed = f"a list of the config's {len(free)} free parameters, in its order, is needed"
    _require(isinstance(names, list) and len(names) == len(free), "free_parameters", names, allowed)
    for i, (name, wanted) in enumerate(zip(names, free, strict=True)):
        _require(
            name == wanted,
            f"free_parameters[{i}]",
            name,
            f"{wanted} (the config's free parameter {i + 1} of {len(free)}) is needed",
        )


def _check_identifiability(part: Any, free: tuple[str, ...]) -> None:
    listed = _names_in(free)
    _table(
        part,
        "identifiability",
        {
            "rule": (_text, "text is needed"),
            "pinned_down": (listed, "a list of the config's free parameters is needed"),
            "not_pinned_down": (listed, "a list of the config's free parameters is needed"),
        },
    )
    both = part["pinned_down"] + part["not_pinned_down"]
    _require(
        sorted(both) == sorted(free),
        "identifiability.pinned_down",
        part["pinned_down"],
        "with not_pinned_down, each free parameter of the config once is needed",
    )
    pairs = _list(
        _part(part, "strong_correlations"),
        "identifiability.strong_correlations",
        "a list of objects is needed",
    )
    for i, pair in enumerate(pairs):
        _table(
            pair,
            f"identifiability.strong_correlations[{i}]",
            {
                "a": (_one_of(free), "a free parameter of the config is needed"),
                "b": (_one_of(free), "a free parameter of the config is needed"),
                "correlation": (_number(-1.0, 1.0), "a number from -1 to 1 is needed"),
            },
        )


def _check_readings(part: Any, ids: set[str]) -> None:
    probability = (_number(0.0, 1.0 + PROBABILITY_SLACK), "a number from 0 to 1 is needed")
    statements = _list(part, "readings", "a list of objects, one per statement, is needed")
    seen: set[str] = set()
    for i, statement in enumerate(statements):
        field = f"readings[{i}]"
        _table(statement, field, {"statement": (_text, "text is needed")})
        name = statement["statement"]
        _require(name not in seen, f"{field}.statement", name, "a statement not listed before")
        seen.add(name)
        readings = _list(
            _part(statement, "readings"),
            f"{field}.readings",
            "a list of objects, one per reading, is needed",
        )
        _require(bool(readings), f"{field}.readings", readings, "at least one reading is needed")
        for j, reading in enumerate(readings):
            _table(
                reading,
                f"{field}.readings[{j}]",
                {
                    "reading": (_text, "text is needed"),
                    "rows": (_names_in(ids), "a list of ids of its observations is needed"),
                    "prior_weight": (_number(0.0, 1.0), "a number from 0 to 1 is needed"),
                    "probability_at_mode": probability,
                    "posterior_probability": probability,
                },
            )
        names = tuple(r["reading"] for r in readings)
        _table(statement, field, {"supported": (_one_of(names), f"one of {', '.join(names)}")})


def _check_tensions(part: Any, ids: set[str]) -> None:
    known = (_one_of(ids), "the id of one of its observations is needed")
    z = (_number(), "a finite number is needed")
    entries = _list(part, "tensions", "a list of objects is needed")
    for i, entry in enumerate(entries):
        field = f"tensions[{i}]"
        _table(
            entry, field, {"kind": (_one_of(TENSION_KINDS), f"one of {', '.join(TENSION_KINDS)}")}
        )
        if entry["kind"] == "declared_conflict":
            both = (lambda x: type(x) is bool, "true or false is needed")
            _table(entry, field, {"a": known, "b": known, "z_a": z, "z_b": z, "both_within": both})
            continue
        _table(
            entry,
            field,
            {
                "id": known,
                "left_out": (_names_in(ids), "a list of ids of its observations is needed"),
                "z_at_best_fit": z,
                "z_when_left_out": z,
                "gain_in_rest_log_posterior": z,
            },
        )
        better = _list(
            _part(entry, "figures_that_improve_most"),
            f"{field}.figures_that_improve_most",
            "a list of objects is needed",
        )
        for j, figure in enumerate(better):
            _table(
                figure,
                f"{field}.figures_that_improve_most[{j}]",
                {"id": known, "z_at_best_fit": z, "z_when_left_out": z},
            )


def check_metadata(artifact: dict[str, Any], free: tuple[str, ...]) -> str:
    """What is wrong with the artifact's record of its fit (empty when nothing is).

    The parts checked are those the commands, the app and the generated docs show:
    ``ffsim_version`` (a release number), ``as_of`` (:func:`check_as_of`), ``free_parameters``
    (the config's free parameters, in order), ``identifiability``, ``readings`` (each
    statement's readings, with rows among the artifact's observations and probabilities from 0
    to 1) and ``tensions`` (misfits and declared conflicts). ``free`` is the config's free
    parameters, ``artifact["observations"]`` already checked to be objects with text ids.
    """
    ids = {o["id"] for o in artifact["observations"]}
    version = _part(artifact, "ffsim_version")
    try:
        _require(
            isinstance(version, str) and VERSION_FORM.fullmatch(version) is not None,
            "ffsim_version",
            version,
            "a release number such as 0.2.0 is needed",
        )
        _check_free_parameters(_part(artifact, "free_parameters"), free)
        _check_identifiability(_part(artifact, "identifiability"), free)
        _check_readings(_part(artifact, "readings"), ids)
        _check_tensions(_part(artifact, "tensions"), ids)
    except _PartError as exc:
        return str(exc)
    return check_as_of(artifact)


def check_parts(artifact: dict[str, Any], where: str) -> None:
    """Check the parts the commands read: the config, the best fit, the free parameters'
    estimates and quantiles, the observations' ids, the posterior draws and the record of the
    fit (:func:`check_metadata`).

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
        raise bad(_first_error(exc, "best_fit_parameters", SPECS_BY_NAME)) from None
    for name, f in free.items():
        stated = artifact["parameters"].get(name)
        if not isinstance(stated, dict):
            raise bad(f"parameters.{name}: missing or not a JSON object")
        for key in QUANTILE_KEYS:
            if not _within(stated.get(key), f):
                raise bad(
                    _number_needed(
                        f"parameters.{name}.{key}", stated.get(key), f, "its prior bounds"
                    )
                )
        if not stated["p05"] <= stated["p50"] <= stated["p95"]:
            raise bad(f"parameters.{name}: p05 <= p50 <= p95 is needed")
    for i, row in enumerate(artifact["observations"]):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise bad(f"observations[{i}]: an object with a text id is needed")
    problem = check_posterior_sample(artifact["posterior_sample"], free) or check_metadata(
        artifact, tuple(free)
    )
    if problem:
        raise bad(problem)
