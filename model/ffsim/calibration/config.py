"""The calibration set-up (calibration/config.toml): free parameters, priors, settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import tomllib
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ffsim.calibration.constraints import Constraint
from ffsim.core import layout
from ffsim.core.errors import InputError, shown, unknown_name
from ffsim.core.parameters import SPECS_BY_NAME
from ffsim.core.regions import REGION_IDS
from ffsim.resources import CONFIG_PATH
from ffsim.resources import shown as shown_path

DEFAULT_CONFIG = CONFIG_PATH
ARTICLES_ONLY_CONFIG = DEFAULT_CONFIG.with_name("articles_only.toml")
"""The same set-up with flat priors: what the articles alone say."""


PriorKind = Literal["uniform", "loguniform", "normal", "lognormal"]
LOG_SCALED: frozenset[str] = frozenset({"loguniform", "lognormal"})


class FreeParameter(BaseModel):
    """One estimated parameter and its prior, truncated to ``[lower, upper]``.

    Flat priors are uniform in the value (``uniform``) or in its logarithm (``loguniform``).
    Informative priors are normal in the value (``normal``: ``mean``, ``sd``) or in its
    logarithm (``lognormal``: ``median``, ``sigma_log``) and must name their ``source``. The
    estimation works in the unit interval, linear in the value or in its logarithm, so every
    prior's log density there is 0 (flat) or a quadratic.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Parameter name, or name.region for a regional parameter.")
    prior: PriorKind
    lower: float = Field(allow_inf_nan=False, strict=True)
    upper: float = Field(allow_inf_nan=False, strict=True)
    mean: float | None = Field(None, allow_inf_nan=False, strict=True)
    sd: float | None = Field(None, gt=0.0, allow_inf_nan=False, strict=True)
    median: float | None = Field(None, gt=0.0, allow_inf_nan=False, strict=True)
    sigma_log: float | None = Field(None, gt=0.0, allow_inf_nan=False, strict=True)
    source: str = ""
    evidence_published: dt.date | None = Field(
        None,
        description="Publication date of the latest evidence the prior's centre and spread rest "
        "on; none for a weakly informative prior. A calibration as of an earlier date uses "
        "the weakly informative prior instead (:meth:`as_of`).",
    )

    @model_validator(mode="after")
    def _check(self) -> FreeParameter:
        base, _, region = self.name.partition(".")
        spec = SPECS_BY_NAME.get(base)
        if spec is None:
            raise ValueError(f"name = {shown(self.name)}: {unknown_name(base, SPECS_BY_NAME)}")
        if spec.regional != bool(region) or (region and region not in REGION_IDS):
            raise ValueError(f"{self.name}: regional parameters take name.region, others no region")
        if not spec.lower <= self.lower < self.upper <= spec.upper:
            raise ValueError(
                f"{self.name}: prior [{self.lower:g}, {self.upper:g}] must lie inside the "
                f"parameter's bounds [{spec.lower:g}, {spec.upper:g}] with lower < upper"
            )
        if self.prior in LOG_SCALED and self.lower <= 0:
            raise ValueError(f"{self.name}: a {self.prior} prior needs lower > 0")
        needs = {"normal": ("mean", "sd"), "lognormal": ("median", "sigma_log")}.get(self.prior, ())
        for key in ("mean", "sd", "median", "sigma_log"):
            given = getattr(self, key) is not None
            if given and key not in needs:
                want = " and ".join(needs) if needs else "no centre or spread"
                raise ValueError(f"{self.name}: a {self.prior} prior takes {want}, not {key}")
            if key in needs and not given:
                want = " and ".join(needs)
                raise ValueError(
                    f"{self.name}: a {self.prior} prior needs {want}; {key} is missing"
                )
        centre = self.mean if self.prior == "normal" else self.median
        if centre is not None and not self.lower <= centre <= self.upper:
            raise ValueError(
                f"{self.name}: prior centre {centre:g} outside [{self.lower:g}, {self.upper:g}]"
            )
        if needs and not self.source.strip():
            raise ValueError(f"{self.name}: an informative prior must name its source")
        if self.evidence_published is not None and not needs:
            raise ValueError(f"{self.name}: a flat prior rests on no evidence; drop the date")
        return self

    @property
    def undated(self) -> bool:
        """Whether this is an informative prior, other than the weakly informative rule's,
        without the publication date of its evidence (a config file must give it).
        """
        return (
            self.informative
            and self.evidence_published is None
            and not self.is_weakly_informative()
        )

    def is_weakly_informative(self) -> bool:
        """Whether this prior is the weakly informative rule's, to the config's 3 digits."""
        weak = self.weakly_informative()
        return weak.prior == self.prior and all(
            math.isclose(getattr(self, k), getattr(weak, k), rel_tol=2e-3)
            for k in ("mean", "sd", "median", "sigma_log")
            if getattr(weak, k) is not None
        )

    def weakly_informative(self) -> FreeParameter:
        """The weakly informative prior on the same bounds (the rule of calibration/config.toml's
        header): normal centred in ``[lower, upper]`` with sd a quarter of the range, or, for a
        log-scaled prior, lognormal at the geometric centre with sigma_log a quarter of the
        log range; rounded as the config writes them (4 significant digits).
        """
        if self.log_scaled:
            median = float(f"{math.sqrt(self.lower * self.upper):.4g}")
            sigma = float(f"{math.log(self.upper / self.lower) / 4:.4g}")
            centre = {"median": median, "sigma_log": sigma, "mean": None, "sd": None}
            prior = "lognormal"
        else:
            mean = float(f"{(self.lower + self.upper) / 2:.4g}")
            sd = float(f"{(self.upper - self.lower) / 4:.4g}")
            centre = {"mean": mean, "sd": sd, "median": None, "sigma_log": None}
            prior = "normal"
        return self.model_copy(
            update={
                "prior": prior,
                **centre,
                "source": "weakly informative (no evidence of the time sizes it)",
                "evidence_published": None,
            }
        )

    def as_of(self, date: dt.date) -> FreeParameter:
        """The prior of a calibration as of ``date``: this one when its evidence had been
        published by then (or it rests on none), else the weakly informative prior.
        """
        if self.evidence_published is None or self.evidence_published <= date:
            return self
        weak = self.weakly_informative()
        return weak.model_copy(
            update={
                "source": f"weakly informative: the evidence of the informative prior was "
                f"published on {self.evidence_published.isoformat()}, after {date.isoformat()}"
            }
        )

    @property
    def log_scaled(self) -> bool:
        """Whether the unit interval is linear in the logarithm of the value."""
        return self.prior in LOG_SCALED

    @property
    def informative(self) -> bool:
        """Whether the prior has a centre and a spread (normal or lognormal)."""
        return self.prior in ("normal", "lognormal")

    def packed_index(self) -> int:
        """Position of this parameter in ``Parameters.pack()``."""
        base, _, region = self.name.partition(".")
        if region:
            return layout.regional_parameter_index(
                len(REGION_IDS), layout.REGIONAL_PARAMETERS.index(base), REGION_IDS.index(region)
            )
        return layout.GLOBAL_PARAMETERS.index(base)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map the unit interval to ``[lower, upper]`` (linear in the value or its log).

        The result is clipped to the bounds: ``exp(log(upper))`` can exceed ``upper`` by one
        rounding step, which the parameter schema would reject.
        """
        u = np.asarray(u, dtype=float)
        if self.log_scaled:
            lo, hi = math.log(self.lower), math.log(self.upper)
            value = np.exp(lo + u * (hi - lo))
        else:
            value = self.lower + u * (self.upper - self.lower)
        return np.clip(value, self.lower, self.upper)

    def to_unit(self, value: np.ndarray | float) -> np.ndarray:
        """Inverse of :meth:`from_unit`."""
        value = np.asarray(value, dtype=float)
        if self.log_scaled:
            return (np.log(value) - math.log(self.lower)) / (
                math.log(self.upper) - math.log(self.lower)
            )
        return (value - self.lower) / (self.upper - self.lower)

    def log_prior(self, value: np.ndarray) -> np.ndarray:
        """Log prior density in the unit interval, up to a constant (0 for flat priors)."""
        value = np.asarray(value, dtype=float)
        if self.prior == "normal":
            return -0.5 * np.square((value - self.mean) / self.sd)  # type: ignore[operator]
        if self.prior == "lognormal":
            z = (np.log(value) - math.log(self.median)) / self.sigma_log  # type: ignore[arg-type]
            return -0.5 * np.square(z)
        return np.zeros_like(value)


class OptimizerSettings(BaseModel):
    """The posterior-mode search: number of starts and iterations per start."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    n_starts: int = Field(8, ge=1, le=200, strict=True)
    max_iter: int = Field(400, ge=1, le=100_000, strict=True)


class SamplerSettings(BaseModel):
    """The emcee sampler: walkers, steps, burn-in and the draws kept in the artifact."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    walkers: int = Field(48, ge=4, le=10_000, strict=True)
    steps: int = Field(1500, ge=2, le=1_000_000, strict=True)
    burn: int = Field(700, ge=0, strict=True)
    keep: int = Field(300, ge=1, le=100_000, strict=True)
    max_steps: int | None = Field(
        None,
        ge=2,
        le=1_000_000,
        strict=True,
        description="Longest chain: while the kept chain is shorter than 50 times its longest "
        "autocorrelation time, it is extended (TAU_MULTIPLE, EXTENSION in "
        "ffsim.calibration.calibrate), up to this many steps. None: exactly `steps`.",
    )

    @model_validator(mode="after")
    def _check(self) -> SamplerSettings:
        if self.burn >= self.steps:
            raise ValueError(f"burn = {self.burn} must be less than steps = {self.steps}")
        if self.max_steps is not None and self.max_steps < self.steps:
            raise ValueError(f"max_steps = {self.max_steps} must be at least steps = {self.steps}")
        return self


class CalibrationConfig(BaseModel):
    """Everything that defines a calibration run besides the data and the code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("baseline", description="Label of this configuration in output.")
    description: str = ""
    seed: int = Field(ge=0, strict=True)
    optimizer: OptimizerSettings = OptimizerSettings()
    sampler: SamplerSettings = SamplerSettings()
    free: tuple[FreeParameter, ...] = Field(min_length=1)
    constraint: tuple[Constraint, ...] = Field(
        (),
        description="Prior constraints on model outputs (``ffsim.calibration.constraints``).",
    )

    @model_validator(mode="after")
    def _check(self) -> CalibrationConfig:
        names = [f.name for f in self.free]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"free parameters listed twice: {', '.join(dupes)}")
        ids = [c.id for c in self.constraint]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"constraints listed twice: {', '.join(twice)}")
        if self.sampler.walkers < 2 * len(self.free):
            raise ValueError(
                f"sampler.walkers = {self.sampler.walkers}: at least twice the number of free "
                f"parameters ({2 * len(self.free)}) is needed"
            )
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """The free parameters' names, in order (dotted for a region: ``rate.france``)."""
        return tuple(f.name for f in self.free)

    @property
    def sha256(self) -> str:
        """SHA-256 of the whole set-up (free parameters, priors, optimiser, sampler, seed) as
        canonical JSON: the same for any file that says the same, whatever its comments.
        """
        return canonical_sha256(self.model_dump(mode="json"))

    @property
    def priors_sha256(self) -> str:
        """SHA-256 of the free parameters and their priors, and of the prior constraints, as
        canonical JSON (without constraints, the hash of the priors alone, as before them).
        """
        priors = [f.model_dump(mode="json") for f in self.free]
        if not self.constraint:
            return canonical_sha256(priors)
        constraints = [c.model_dump(mode="json") for c in self.constraint]
        return canonical_sha256({"free": priors, "constraint": constraints})

    def as_of(self, date: dt.date) -> CalibrationConfig:
        """The set-up of a calibration as of ``date``: every prior whose evidence was published
        after ``date`` replaced by the weakly informative prior (:meth:`FreeParameter.as_of`),
        and every constraint published after ``date`` left out.
        """
        return self.model_copy(
            update={
                "free": tuple(f.as_of(date) for f in self.free),
                "constraint": tuple(c for c in self.constraint if c.published <= date),
            }
        )


def canonical_sha256(data: Any) -> str:
    """SHA-256 of ``data`` as JSON with sorted keys and no spaces (UTF-8)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SCENARIO_KEYS = ("motivation", "base", "levers", "parameters", "drivers", "settings")
"""Top-level keys of a scenario file that a calibration config never has: a file holding
them is named as a scenario file (the scenario layer's ``TOP_LEVEL_KEYS``; a test holds them in
step)."""


def _inner(annotation: Any) -> Any:
    """The annotation without ``| None``."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _bound(metadata: list[Any], key: str) -> str:
    value = next((getattr(m, key) for m in metadata if getattr(m, key, None) is not None), None)
    return "" if value is None else str(value) if isinstance(value, int) else f"{value:g}"


def _range(metadata: list[Any]) -> str:
    """A field's bounds as said: `` from 2 to 1000000``, `` from 0 up``, `` above 0``."""
    ge, gt, le = (_bound(metadata, key) for key in ("ge", "gt", "le"))
    low = f"from {ge}" if ge else f"above {gt}" if gt else ""
    if low and le:
        return f" {low} to {le}"
    if ge:
        return f" {low} up"
    return f" {low}" if low else f" up to {le}" if le else ""


def _keys(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def allowed_value(model: type[BaseModel], name: str) -> str:
    """What field ``name`` of ``model`` (a config section) allows, as a message says it:
    ``a whole number from 2 to 1000000``, ``one of uniform, loguniform, normal, lognormal``.
    """
    field = model.model_fields[name]
    kind = _inner(field.annotation)
    if kind is int:
        return "a whole number" + _range(field.metadata)
    if kind is float:
        bounds = _range(field.metadata)
        return f"a finite number{bounds}" if bounds else "any finite number"
    if kind is str:
        return "text in quotes"
    if kind is dt.date:
        return "a date written YYYY-MM-DD, without quotes (a TOML date)"
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(map(str, get_args(kind)))
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return f"a table [{name}] with keys {_keys(kind)}"
    if get_origin(kind) is tuple:
        return f"one or more [[{name}]] tables, each with keys {_keys(get_args(kind)[0])}"
    return str(kind)  # pragma: no cover - every field of the config is one of the above


_ENTRY_TABLES: dict[str, tuple[type[BaseModel], str]] = {
    "free": (FreeParameter, "name"),
    "constraint": (Constraint, "id"),
}
"""The config's arrays of tables: the model of an entry and the key that names it."""


def _entry_label(raw: dict[str, Any], table: str, index: int) -> tuple[str, str]:
    """The label of entry ``index`` (from 0) of the array of tables ``table`` as messages name
    it (``free #3 (appeal_base)``: the name only when it is printable text of at most 60
    characters), and the name given in the file ("" when there is none).
    """
    entries = raw.get(table)
    entry = entries[index] if isinstance(entries, list) else None
    given = entry.get(_ENTRY_TABLES[table][1]) if isinstance(entry, dict) else None
    name_given = given if isinstance(given, str) else ""
    plain = name_given.isprintable() and 0 < len(name_given) <= 60
    return f"{table} #{index + 1}" + (f" ({name_given})" if plain else ""), name_given


def _problem(err: Any, raw: dict[str, Any]) -> str:
    """One validation error as ``field = value: what is allowed``."""
    loc = list(err["loc"])
    name_given = ""
    model: type[BaseModel] = CalibrationConfig
    label = ""
    if loc[:1] in (["free"], ["constraint"]) and len(loc) > 1 and isinstance(loc[1], int):
        label, name_given = _entry_label(raw, str(loc[0]), loc[1])
        model, loc = _ENTRY_TABLES[str(loc[0])][0], loc[2:]
    elif loc[:1] in (["optimizer"], ["sampler"]) and len(loc) > 1:
        model = OptimizerSettings if loc[0] == "optimizer" else SamplerSettings
        label, loc = str(loc[0]), loc[1:]
    path = ".".join(map(str, loc))
    if label.startswith(tuple(_ENTRY_TABLES)):
        field = f"{label}: {path}" if path else label
    else:
        field = ".".join(p for p in (label, path) if p)
    head = f"{field}: " if field else ""
    if err["type"] == "value_error":  # the entry's own check, which names the entry again
        return head + err["msg"].removeprefix("Value error, ").removeprefix(f"{name_given}: ")
    if err["type"] == "extra_forbidden":
        return f"{field}: {unknown_name(str(loc[-1]), model.model_fields)}"
    name = str(loc[-1]) if loc else ""
    if name not in model.model_fields:  # a whole [[free]] entry of the wrong kind
        return f"{field} = {shown(err.get('input'))}: a table with keys {_keys(model)} is needed"
    allowed = allowed_value(model, name)
    if err["type"] == "missing":
        return f"{field}: missing; allowed {allowed}"
    value = err.get("input")
    if isinstance(value, float) and not math.isfinite(value):
        return f"{field} = {shown(value)}: not a finite number; allowed {allowed}"
    return f"{field} = {shown(value)}: allowed {allowed}"


def _not_a_config(raw: dict[str, Any]) -> str:
    """Why ``raw`` is not a calibration config at all (empty when it may be one)."""
    if "seed" in raw or "free" in raw:
        return ""
    others = sorted(set(raw) - set(CalibrationConfig.model_fields))
    has = f"; it has {', '.join(others)}" if others else ""
    if any(k in raw for k in SCENARIO_KEYS):
        has += ": a scenario file? run it with ffsim run"
    return (
        f"not a calibration config (no seed, no [[free]] table{has}); a config has seed, "
        f"name, description, [optimizer], [sampler] and [[free]] tables, as "
        f"{shown_path(DEFAULT_CONFIG)}"
    )


def load_config(path: Path = DEFAULT_CONFIG, option: str = "") -> CalibrationConfig:
    """Read and validate a calibration config file.

    Raises
    ------
    InputError
        One line per problem, each ``<option> <path>: <field> = <value>: <what is allowed>``
        (just the path when ``option`` is empty): the file cannot be read, is not TOML, is not
        a calibration config at all (a scenario file, say), has an unknown key (the closest
        allowed one is suggested), or a value of the wrong type or out of range.
    """
    where = f"{option} {path}" if option else str(path)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{where}: is not UTF-8 text (a binary file?)") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read: {exc.strerror}") from None
    not_config = _not_a_config(raw)
    if not_config:
        raise InputError(f"{where}: {not_config}")
    try:
        config = CalibrationConfig.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        undated = [
            f"free #{i + 1} ({f.name}): an informative prior that is not the weakly informative "
            "rule needs evidence_published, the date its evidence was published (YYYY-MM-DD)"
            for i, f in enumerate(config.free)
            if f.undated
        ]
        if undated:
            raise InputError("\n".join(f"{where}: {p}" for p in undated))
        return config
    # A list left short only because its entries failed is reported through those entries.
    problems = [
        _problem(err, raw)
        for err in errors
        if err["type"] != "too_short"
        or not any(e is not err and e["loc"][:1] == err["loc"] for e in errors)
    ]
    raise InputError("\n".join(f"{where}: {p}" for p in dict.fromkeys(problems)))
