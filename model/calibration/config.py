"""The calibration set-up (calibration/config.toml): free parameters, priors, settings."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ffsim.core import layout
from ffsim.core.errors import InputError, format_validation_error
from ffsim.core.parameters import SPECS_BY_NAME
from ffsim.core.regions import REGION_IDS
from ffsim.resources import CONFIG_PATH

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
    lower: float = Field(allow_inf_nan=False)
    upper: float = Field(allow_inf_nan=False)
    mean: float | None = Field(None, allow_inf_nan=False)
    sd: float | None = Field(None, gt=0.0, allow_inf_nan=False)
    median: float | None = Field(None, gt=0.0, allow_inf_nan=False)
    sigma_log: float | None = Field(None, gt=0.0, allow_inf_nan=False)
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> FreeParameter:
        base, _, region = self.name.partition(".")
        spec = SPECS_BY_NAME.get(base)
        if spec is None:
            raise ValueError(f"{self.name}: unknown parameter")
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
            if given != (key in needs):
                want = ", ".join(needs) if needs else "no centre or spread"
                raise ValueError(f"{self.name}: a {self.prior} prior takes {want}, not {key}")
        centre = self.mean if self.prior == "normal" else self.median
        if centre is not None and not self.lower <= centre <= self.upper:
            raise ValueError(
                f"{self.name}: prior centre {centre:g} outside [{self.lower:g}, {self.upper:g}]"
            )
        if needs and not self.source.strip():
            raise ValueError(f"{self.name}: an informative prior must name its source")
        return self

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
    n_starts: int = Field(8, ge=1, le=200)
    max_iter: int = Field(400, ge=1, le=100_000)


class SamplerSettings(BaseModel):
    """The emcee sampler: walkers, steps, burn-in and the draws kept in the artifact."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    walkers: int = Field(48, ge=4, le=10_000)
    steps: int = Field(1500, ge=2, le=1_000_000)
    burn: int = Field(700, ge=0)
    keep: int = Field(300, ge=1, le=100_000)

    @model_validator(mode="after")
    def _check(self) -> SamplerSettings:
        if self.burn >= self.steps:
            raise ValueError(f"burn = {self.burn} must be less than steps = {self.steps}")
        return self


class CalibrationConfig(BaseModel):
    """Everything that defines a calibration run besides the data and the code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("baseline", description="Label of this configuration in output.")
    description: str = ""
    seed: int = Field(ge=0)
    optimizer: OptimizerSettings = OptimizerSettings()
    sampler: SamplerSettings = SamplerSettings()
    free: tuple[FreeParameter, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> CalibrationConfig:
        names = [f.name for f in self.free]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"free parameters listed twice: {', '.join(dupes)}")
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


def load_config(path: Path = DEFAULT_CONFIG) -> CalibrationConfig:
    """Read and validate a calibration config file."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
        return CalibrationConfig.model_validate(raw)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, str(path), {})) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
