"""The calibration artifact's format, owned once: a pydantic model of the file
:func:`ffsim.calibration.artifact.build_artifact` writes (calibration/baseline.json and
calibration/vintages/as-of-*.json).

:class:`Artifact` is made of the parts of :mod:`ffsim.calibration.artifact_parts` and checks
that they agree: the free parameters are the config's, in order; each estimate, quantile and
posterior draw lies within its prior's bounds; the observations' ids are distinct and every
id named elsewhere is one of them; the fit's counts are those of its rows; ``as_of`` is on or
after every fitted figure's publication. :func:`artifact_problem` says the first problem in
one line, ``field = value: what is needed``, and :func:`checked_artifact` refuses a file with
it; docs/artifact.schema.json is :func:`artifact_schema`.
"""

# No `from __future__ import annotations`: pydantic then builds these models from evaluated
# annotations, a few milliseconds less on the start path of every command.

import datetime as dt
import json
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Self

from pydantic import ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ffsim.calibration.artifact_fields import Day, Needs, Part, Version, refusal
from ffsim.calibration.artifact_parts import (
    BEST_FIT,
    IDS,
    OBJECTS,
    Estimate,
    Fit,
    Identifiability,
    Observation,
    PosteriorSample,
    Provenance,
    Statement,
    Tension,
)
from ffsim.calibration.config import CalibrationConfig, FreeParameter
from ffsim.core.errors import InputError, format_validation_error, unknown_name
from ffsim.core.parameters import Parameters

ARTIFACT_FORMAT = "ffsim-calibration/1"
"""The ``format`` every artifact this version reads and writes states."""


def _is_object(x: Any) -> bool:
    return isinstance(x, dict)


FORMAT_NEEDED = f'"{ARTIFACT_FORMAT}" (the format this version reads and writes)'


class Artifact(Part):
    """A calibration artifact: what was fitted, how, what it found, and where it came from."""

    format: Annotated[Literal["ffsim-calibration/1"], Needs(FORMAT_NEEDED, ARTIFACT_FORMAT.__eq__)]
    ffsim_version: Version
    as_of: Day
    config: Annotated[CalibrationConfig, Needs("an object (the calibration config)", _is_object)]
    free_parameters: Annotated[list[str], Needs.texts("a list of the config's free parameters")]
    parameters: Annotated[
        dict[str, Estimate], Needs("an object: one entry per free parameter", _is_object)
    ]
    best_fit_parameters: Annotated[Parameters, BEST_FIT]
    posterior_sample: PosteriorSample
    observations: Annotated[list[Observation], OBJECTS]
    fit: Fit
    readings: Annotated[list[Statement], Needs.items("a list of objects, one per statement,")]
    identifiability: Identifiability
    tensions: Annotated[list[Tension], OBJECTS]
    provenance: Provenance

    @field_validator("free_parameters", mode="before")
    @classmethod
    def _the_configs(cls, names: Any, info: ValidationInfo) -> Any:
        config = info.data.get("config")
        if config is None:
            return names  # the config's own problem is reported
        free = config.names
        if not isinstance(names, list) or len(names) != len(free):
            raise refusal(
                f"a list of the config's {len(free)} free parameters, in its order,", names
            )
        for i, (name, wanted) in enumerate(zip(names, free, strict=True)):
            if name != wanted:
                said = f"{wanted} (the config's free parameter {i + 1} of {len(free)})"
                raise refusal(said, name, (i,))
        return names

    @model_validator(mode="after")
    def _parts_agree(self) -> Self:
        free = {f.name: f for f in self.config.free}
        self._estimates(free)
        self._draws([free[n] for n in self.free_parameters])
        ids = [o.id for o in self.observations]
        self._observations(ids)
        self._fit_counts()
        known = set(ids)
        self._readings(known)
        self._identifiability(tuple(free))
        self._tensions(known)
        return self

    def _estimates(self, free: dict[str, FreeParameter]) -> None:
        missing = [name for name in free if name not in self.parameters]
        if missing:
            needed = "an estimate of each free parameter of the config is needed"
            raise PydanticCustomError("missing", needed, {"at": ("parameters", missing[0])})
        for name, stated in self.parameters.items():
            if name not in free:
                said = unknown_name(name, free)
                raise PydanticCustomError(
                    "unknown", said, {"at": ("parameters", name), "value": stated.model_dump()}
                )
        for name, f in free.items():
            stated = self.parameters[name]
            for key in ("estimate", "p05", "p50", "p95"):
                x = getattr(stated, key)
                if not f.lower <= x <= f.upper:
                    bounds = f"a number from {f.lower:g} to {f.upper:g} (its prior bounds)"
                    raise refusal(bounds, x, ("parameters", name, key))
            if not stated.p05 <= stated.p50 <= stated.p95:
                needed = f"a number from p05 ({stated.p05:g}) to p95 ({stated.p95:g})"
                raise refusal(needed, stated.p50, ("parameters", name, "p50"))

    def _draws(self, columns: list[FreeParameter]) -> None:
        sample = self.posterior_sample
        if sample.names != self.free_parameters:
            needed = "the free parameters, in the order of free_parameters"
            raise refusal(needed, sample.names, ("posterior_sample", "names"))
        for i, row in enumerate(sample.values):
            for j, (x, f) in enumerate(zip(row, columns, strict=True)):
                if type(x) not in (int, float) or not f.lower <= x <= f.upper:  # nan fails too
                    bounds = (
                        f"a number from {f.lower:g} to {f.upper:g} (the prior bounds of {f.name})"
                    )
                    raise refusal(bounds, x, ("posterior_sample", "values", i, j))

    def _observations(self, ids: list[str]) -> None:
        seen: set[str] = set()
        for i, o in enumerate(self.observations):
            if o.id in seen:
                raise refusal("an id not given to an earlier row", o.id, ("observations", i, "id"))
            seen.add(o.id)
        latest = max((dt.date.fromisoformat(o.published) for o in self.observations), default=None)
        as_of = dt.date.fromisoformat(self.as_of)
        if latest is not None and latest > as_of:
            needed = f"a date on or after {latest} (the latest publication of a figure it fitted)"
            raise refusal(needed, as_of, ("as_of",))

    def _fit_counts(self) -> None:
        rows = self.observations
        counts = {
            "n_rows": (len(rows), "the number of its observations"),
            "n_fitted": (sum(o.counted for o in rows), "the number of its counted observations"),
            "n_within": (
                sum(o.counted and o.within for o in rows),
                "the number of its counted observations within one sigma",
            ),
        }
        for key, (count, what) in counts.items():
            stated = getattr(self.fit, key)
            if stated != count:
                raise refusal(f"{count} ({what})", stated, ("fit", key))

    def _readings(self, known: set[str]) -> None:
        _named(known, self.fit.largest_misfits, IDS, ("fit", "largest_misfits"))
        seen: set[str] = set()
        for i, st in enumerate(self.readings):
            if st.statement in seen:
                raise refusal(
                    "a statement not listed before", st.statement, ("readings", i, "statement")
                )
            seen.add(st.statement)
            for j, r in enumerate(st.readings):
                _named(known, r.rows, IDS, ("readings", i, "readings", j, "rows"))

    def _identifiability(self, free: tuple[str, ...]) -> None:
        part, at = self.identifiability, "identifiability"
        for key in ("pinned_down", "not_pinned_down"):
            names = "a list of the config's free parameters"
            _named(set(free), getattr(part, key), names, (at, key))
        if sorted(part.pinned_down + part.not_pinned_down) != sorted(free):
            needed = "with not_pinned_down, each free parameter of the config once"
            raise refusal(needed, part.pinned_down, (at, "pinned_down"))
        for i, pair in enumerate(part.strong_correlations):
            for key in ("a", "b"):
                if getattr(pair, key) not in free:
                    needed = "a free parameter of the config"
                    raise refusal(needed, getattr(pair, key), (at, "strong_correlations", i, key))

    def _tensions(self, known: set[str]) -> None:
        one = "the id of one of its observations"
        for i, t in enumerate(self.tensions):
            for key in ("id", "a", "b"):
                value = getattr(t, key)
                if value is not None and value not in known:
                    raise refusal(one, value, ("tensions", i, key))
            _named(known, t.left_out or [], IDS, ("tensions", i, "left_out"))
            for j, figure in enumerate(t.figures_that_improve_most or []):
                if figure.id not in known:
                    raise refusal(
                        one, figure.id, ("tensions", i, "figures_that_improve_most", j, "id")
                    )


def _named(known: set[str], names: Iterable[str], needed: str, at: tuple[Any, ...]) -> None:
    """Refuse ``names`` (at ``at``) unless each is in ``known``."""
    names = list(names)
    if not all(n in known for n in names):
        raise refusal(needed, names, at)


def artifact_problem(data: Any) -> str:
    """What is wrong with ``data`` (an artifact as JSON gives it), in one line
    ``field = value: what is needed``; empty when nothing is.
    """
    try:
        Artifact.model_validate(data)
    except ValidationError as exc:
        return format_validation_error(exc, "", {}, as_json=True).splitlines()[0]
    return ""


def json_kind(x: Any) -> str:
    """The JSON name of the kind of ``x``: null, true, false, number, string, array, object."""
    if x is None or isinstance(x, bool):
        return json.dumps(x)
    names = {int: "number", float: "number", str: "string", list: "array", dict: "object"}
    return names.get(type(x), type(x).__name__)


def parse_json(text: str, where: str) -> Any:
    """JSON text as Python values; :class:`InputError` naming ``where`` when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InputError(f"{where}: not a calibration artifact (invalid JSON: {exc})") from None
    except RecursionError:
        raise InputError(f"{where}: not a calibration artifact (JSON nested too deeply)") from None


def checked_artifact(data: Any, where: str) -> dict[str, Any]:
    """``data`` (JSON read from ``where``) unchanged if it is a calibration artifact.

    Raises
    ------
    InputError
        In one line naming ``where``, the field, the value and what is needed:
        ``<where>: not a calibration artifact (<field> = <value>: <what is needed>)``; of an
        artifact of another format, that this version does not read it and how to make one.
    """
    if not isinstance(data, dict):
        kind = json_kind(data)
        raise InputError(
            f"{where}: not a calibration artifact (a JSON {kind}, an object was expected)"
        )
    problem = artifact_problem(data)
    if problem.startswith("format"):
        raise InputError(
            f"{where}: not a calibration artifact this version reads ({problem}); make one "
            "with `ffsim calibrate`"
        )
    if problem:
        raise InputError(f"{where}: not a calibration artifact ({problem})")
    return data


def artifact_schema() -> str:
    """The JSON Schema of :class:`Artifact` (docs/artifact.schema.json), as text."""
    return json.dumps(Artifact.model_json_schema(), indent=1, sort_keys=True) + "\n"
