"""The parts of a calibration artifact, each a pydantic model of what
:func:`ffsim.calibration.artifact.build_artifact` writes there.

Each part checks what it holds by itself (a statement's supported reading is one of its
readings, an estimate's quantiles are in order, a tension has the keys of its kind); what
parts must agree on is checked by :class:`ffsim.calibration.artifact_model.Artifact`.
"""

# No `from __future__ import annotations`: pydantic then builds these models from evaluated
# annotations, a few milliseconds less on the start path of every command.

from typing import Annotated, Any, Self, get_args

from pydantic import ValidationError, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from ffsim.calibration.artifact_fields import (
    Correlation,
    Count,
    Day,
    Finite,
    Flag,
    Needs,
    Part,
    Probability,
    Share,
    Text,
    Version,
    is_number,
    refusal,
)
from ffsim.calibration.config import PriorKind
from ffsim.core.errors import unknown_name
from ffsim.core.parameters import PARAMETER_SPECS, SPECS_BY_NAME, Parameters
from ffsim.core.regions import REGION_IDS

IDS = "a list of ids of its observations"
"""What a list of observation ids needs (each one an id of the artifact's observations)."""

Words = Annotated[str, Needs("text", lambda x: isinstance(x, str))]
"""Text that may be empty (a flat prior names no source)."""
Positive = Annotated[float, Needs.number(0.0)]
"""A finite number from 0 up."""
OBJECTS = Needs.items("a list of objects")
ROW_SCHEMA = WithJsonSchema({"type": "array", "items": {"type": "number"}})
"""A posterior draw in the JSON Schema (its numbers are checked against the priors' bounds)."""


Stated = Annotated[
    float, Needs("a number within the prior's bounds", lambda x: type(x) in (int, float))
]
"""A number whose bounds the artifact checks (a prior's): here only a JSON number."""


class Estimate(Part):
    """What the fit says of one free parameter (``parameters.<name>``); the artifact checks
    that the estimate and the quantiles lie within the prior's bounds, in order.
    """

    estimate: Stated
    p05: Stated
    p50: Stated
    p95: Stated
    prior: Annotated[str, Needs.one_of(*get_args(PriorKind))]
    prior_lower: Finite
    prior_upper: Finite
    prior_centre: Finite | None
    prior_spread: Finite | None
    prior_source: Words
    posterior_width_vs_prior: Positive
    pinned_down: Flag
    at_prior_edge: Flag
    optimiser_starts_relative_spread: Positive


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


NUMBER_ERRORS = frozenset(
    {"float_type", "float_parsing", "finite_number", "less_than_equal", "greater_than_equal"}
)
"""Pydantic's errors for a parameter that is not a number in its field's range."""


def _best_fit(x: Any) -> Any:
    """``x`` if it states every parameter, each strictly of its type and within its bounds."""
    if not isinstance(x, dict):
        raise refusal("an object", x)
    missing = missing_parameters(x)
    if missing:
        raise PydanticCustomError(
            "missing",
            "an artifact states every parameter (and every region of a regional one), never "
            "leaving one to the schema's default",
            {"at": tuple(missing[0].split("."))},
        )
    try:
        Parameters.model_validate(x, strict=True)  # a number is a number, never text
    except ValidationError as exc:
        first = exc.errors()[0]
        loc, value = tuple(first["loc"]), first.get("input")
        spec = SPECS_BY_NAME.get(str(loc[0])) if loc else None
        if spec is not None and first["type"] in NUMBER_ERRORS:
            unit = f" ({spec.unit})" if spec.unit else ""
            needed = f"a number from {spec.lower:g} to {spec.upper:g}{unit}"
            raise refusal(needed, value, loc) from None
        if first["type"] == "extra_forbidden":
            allowed = REGION_IDS if len(loc) > 1 else SPECS_BY_NAME
            said = unknown_name(str(loc[-1]), allowed)
            raise PydanticCustomError("unknown", said, {"at": loc, "value": value}) from None
        said = first["msg"].removeprefix("Value error, ")
        raise PydanticCustomError("needed", said, {"at": loc, "value": value}) from None
    return x


BEST_FIT = Needs("every parameter of the schema, strictly typed and within its bounds", _best_fit)
"""The check of ``best_fit_parameters``: a :class:`~ffsim.core.parameters.Parameters` stated
whole (a parameter left out would silently take the schema's default)."""


class PosteriorSample(Part):
    """The stored posterior draws: one row per draw, one column per name. The artifact checks
    the names are its free parameters and each draw lies within its prior's bounds.
    """

    names: Annotated[list[str], Needs.texts("a non-empty list of parameter names")]
    values: Annotated[
        list[Annotated[list[Any], Needs.items("a list of numbers, one per name"), ROW_SCHEMA]],
        Needs.items("a non-empty list of rows (posterior draws)", 1),
    ]

    @model_validator(mode="after")
    def _rows(self) -> Self:
        if not self.names:
            raise refusal("a non-empty list of parameter names", self.names, ("names",))
        width = len(self.names)
        for i, row in enumerate(self.values):
            if len(row) != width:
                raise refusal(f"a list of {width} numbers (one per name)", row, ("values", i))
        return self


class Observation(Part):
    """One fitted figure as the fit met it (``observations[i]``)."""

    id: Text
    source: Text
    outlet: Text
    published: Day
    ref_start: Day
    date: Day
    region: Text
    measure: Text
    form: Text
    groups: Text
    sigma_log: Positive | None
    reading_of: Text | None
    reading: Text | None
    counted: Flag
    reported_low: Finite
    reported_high: Finite | None
    model_value: Finite
    model_p05: Finite
    model_p95: Finite
    z: Finite
    within: Flag
    share_of_posterior_within: Share
    conflicts_with: Text | None


class OptimiserStart(Part):
    """Where one optimiser start ended (``-Infinity`` when it found no finite posterior)."""

    log_posterior: Annotated[float, Needs("a number", lambda x: type(x) in (int, float) and x == x)]
    iterations: Count


class Fit(Part):
    """How well the best fit meets the figures, and how well the sampler explored."""

    central_estimate: Text | None = None  # read by the Calibration page only, which says so
    n_fitted: Count
    n_rows: Count
    n_within: Count
    share_within: Share
    share_within_2sigma: Share
    log_posterior: Finite
    log_likelihood: Finite
    rmse_log: Positive
    largest_misfits: Annotated[list[str], Needs.texts(IDS)]
    optimiser_starts: Annotated[list[OptimiserStart], OBJECTS]
    optimiser_starts_max_relative_spread: Positive
    sampler_acceptance_fraction: Share
    sampler_autocorr_time_max: Positive
    sampler_kept_steps_over_tau: Positive
    sampler_effective_samples_min: Annotated[
        float, Needs("a positive number", lambda x: is_number(x) and x > 0, (("minimum", 0),))
    ]


class Reading(Part):
    """One way of reading a statement, and how probable the fit finds it."""

    reading: Text
    rows: Annotated[list[str], Needs.texts(IDS)]
    prior_weight: Share
    probability_at_mode: Probability
    posterior_probability: Probability


class Statement(Part):
    """A statement read in several ways (``readings[i]``)."""

    statement: Text
    readings: Annotated[list[Reading], Needs.items("a list of objects, one per reading", 1)]
    supported: Text

    @model_validator(mode="after")
    def _supported(self) -> Self:
        names = [r.reading for r in self.readings]
        if self.supported not in names:
            raise refusal(f"one of {', '.join(names)}", self.supported, ("supported",))
        return self


class Pair(Part):
    """Two free parameters whose posterior draws are strongly correlated."""

    a: Text
    b: Text
    correlation: Correlation


class Identifiability(Part):
    """Which free parameters the data pin down, by :attr:`rule`."""

    rule: Text
    pinned_down: Annotated[list[str], Needs.texts("a list of the config's free parameters")]
    not_pinned_down: Annotated[list[str], Needs.texts("a list of the config's free parameters")]
    strong_correlations: Annotated[list[Pair], OBJECTS]


ObservationId = Annotated[
    str, Needs("the id of one of its observations", lambda x: isinstance(x, str))
]


class Figure(Part):
    """A figure a misfit's leaving out moves most."""

    id: ObservationId
    z_at_best_fit: Finite
    z_when_left_out: Finite


TENSION_KEYS = {
    "misfit": (
        "id",
        "left_out",
        "z_at_best_fit",
        "z_when_left_out",
        "gain_in_rest_log_posterior",
        "figures_that_improve_most",
    ),
    "declared_conflict": ("a", "b", "z_a", "z_b", "both_within"),
}
"""The keys of each kind of tension (:meth:`ffsim.calibration.calibrate.Calibrator._tensions`)."""


class Tension(Part):
    """A misfit (what leaving the figure out gains the rest) or a declared conflict (whether
    both figures are met); the keys of :data:`TENSION_KEYS` for its kind.
    """

    kind: Annotated[str, Needs.one_of(*TENSION_KEYS)]
    id: ObservationId | None = None
    left_out: Annotated[list[str], Needs.texts(IDS)] | None = None
    z_at_best_fit: Finite | None = None
    z_when_left_out: Finite | None = None
    gain_in_rest_log_posterior: Finite | None = None
    figures_that_improve_most: Annotated[list[Figure], OBJECTS] | None = None
    a: ObservationId | None = None
    b: ObservationId | None = None
    z_a: Finite | None = None
    z_b: Finite | None = None
    both_within: Flag | None = None

    @classmethod
    def required(cls, data: dict[str, Any]) -> list[str]:
        """``kind``, and the keys of its kind once it is a known one."""
        kind = data.get("kind")
        return ["kind", *(TENSION_KEYS.get(kind, ()) if isinstance(kind, str) else ())]


def _versions(x: Any) -> bool:
    return isinstance(x, dict) and all(isinstance(v, str) for v in x.values())


def _sha256(what: str) -> Needs:
    return Needs(
        f"64 hexadecimal digits ({what})",
        lambda x: isinstance(x, str) and len(x) == 64 and set(x) <= set("0123456789abcdef"),
        (("pattern", "^[0-9a-f]{64}$"),),
    )


class Provenance(Part):
    """Where, when and from what the artifact was computed: the hashes of the data file, of the
    calibration set-up and of the priors the run used freeze what the fit saw (a test fails
    when any of them changes without a new calibration).
    """

    data_file: Text
    data_sha256: Annotated[str, _sha256("the data file's SHA-256")]
    config_sha256: Annotated[str, _sha256("the calibration set-up's SHA-256, canonical JSON")]
    priors_sha256: Annotated[str, _sha256("the SHA-256 of the priors the run used")]
    code_version: Version
    git_commit: Text
    git_dirty: Flag
    kernel_hash: Text
    seed: Count
    packages: Annotated[dict[str, str], Needs("an object of package names to versions", _versions)]
    platform: Annotated[dict[str, Any], Needs("an object", lambda x: isinstance(x, dict))]
    wall_time_s: Positive
    created_utc: Text
