"""The calibration set-up (calibration/config.toml): free parameters, priors, settings."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from model import layout
from model.errors import InputError, format_validation_error
from model.parameters import SPECS_BY_NAME
from model.regions import REGION_IDS

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "calibration" / "config.toml"


class FreeParameter(BaseModel):
    """One estimated parameter and its prior (uniform in the value or in its logarithm)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Parameter name, or name.region for a regional parameter.")
    prior: Literal["uniform", "loguniform"]
    lower: float
    upper: float

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
        if self.prior == "loguniform" and self.lower <= 0:
            raise ValueError(f"{self.name}: a loguniform prior needs lower > 0")
        return self

    def packed_index(self) -> int:
        """Position of this parameter in ``Parameters.pack()``."""
        base, _, region = self.name.partition(".")
        if region:
            k = layout.REGIONAL_PARAMETERS.index(base)
            return layout.N_GLOBAL_PARAMETERS + k * len(REGION_IDS) + REGION_IDS.index(region)
        return layout.GLOBAL_PARAMETERS.index(base)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map the unit interval to the prior's range (uniform prior in ``u``)."""
        if self.prior == "loguniform":
            return np.exp(math.log(self.lower) + u * (math.log(self.upper) - math.log(self.lower)))
        return self.lower + u * (self.upper - self.lower)

    def to_unit(self, value: np.ndarray | float) -> np.ndarray:
        """Inverse of :meth:`from_unit`."""
        value = np.asarray(value, dtype=float)
        if self.prior == "loguniform":
            return (np.log(value) - math.log(self.lower)) / (
                math.log(self.upper) - math.log(self.lower)
            )
        return (value - self.lower) / (self.upper - self.lower)


class OptimizerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    n_starts: int = Field(8, ge=1, le=200)
    max_iter: int = Field(400, ge=1, le=100_000)


class SamplerSettings(BaseModel):
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
