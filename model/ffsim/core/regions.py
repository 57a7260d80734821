"""The set of source regions, read from the data file ``model/ffsim/core/data/regions.toml``."""

from __future__ import annotations

import tomllib
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field


class Region(BaseModel):
    """One source region and the defaults of its regional parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str
    figures: str = Field(description="Which article figures map onto this region.")
    radicalisation_rate: float = Field(ge=0.0)
    return_propensity: float = Field(gt=0.0)
    early_wave: float = Field(ge=0.0, le=1.0)
    prevention_share: float = Field(ge=0.0, le=1.0)
    death_propensity: float = Field(gt=0.0)
    women_minors_share: float = Field(ge=0.0, le=0.8)


def load_regions(text: str | None = None) -> tuple[Region, ...]:
    """Read the region set.

    Parameters
    ----------
    text
        TOML text with ``[[region]]`` tables; the shipped ``regions.toml`` when omitted.
    """
    if text is None:
        text = resources.files("ffsim.core.data").joinpath("regions.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    regions = tuple(Region.model_validate(r) for r in raw["region"])
    ids = [r.id for r in regions]
    if len(set(ids)) != len(ids) or "total" in ids:
        raise ValueError(f"region ids must be unique and not 'total', got {ids}")
    return regions


REGIONS: tuple[Region, ...] = load_regions()
REGION_IDS: tuple[str, ...] = tuple(r.id for r in REGIONS)
