"""Prior constraints on the model's outputs: figures of the time that are not the articles'.

A constraint is evidence of the time (``shared/DOMAIN.md``) about a quantity the model
computes rather than about one parameter, such as the whole force in theatre that the CIA
estimated in September 2014. It enters the log posterior as a prior would, with the same
standardised residual as a reported range (inside the range 0, outside the log distance to
the nearer end over ``sigma_log``), but it is not one of the articles' figures: it is written
in ``calibration/config.toml`` with its source, and it never counts among the fitted figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ffsim.calibration.likelihood import z_range
from ffsim.calibration.measures import time_at, value_at
from ffsim.core import layout
from ffsim.core.outputs import Output, Outputs
from ffsim.core.regions import REGION_IDS
from ffsim.core.results import Result

ConstrainedQuantity = Literal["fighters_in_theatre", "foreign_share", "cumulative_arrivals"]
"""What a constraint may bound, with ``F`` the foreign travellers in theatre of the kind the
figure counts (``counts``: everyone, or the fighters, without the women and minors) times
``foreign_counted_share`` and ``L`` the local fighters in theatre: ``fighters_in_theatre`` is
``L + F``; ``foreign_share`` is ``F / (L + F)``; ``cumulative_arrivals`` is every arrival of a
foreign traveller of that kind since the start, in all regions, times
``foreign_counted_share``."""

Kind = Literal["travellers", "fighters"]
"""Who a figure counts among the foreigners: everyone who travelled, or the fighters (the
arrivals less the women and minors, ``fighters_arrived``)."""


class Constraint(BaseModel):
    """One figure of the time that bounds a model output, with its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    quantity: ConstrainedQuantity
    date: dt.date = Field(description="The day the figure refers to (read at its end).")
    low: float = Field(gt=0.0, allow_inf_nan=False, strict=True)
    high: float = Field(gt=0.0, allow_inf_nan=False, strict=True)
    published: dt.date = Field(description="When the figure was first published.")
    sigma_log: float = Field(gt=0.0, le=2.0, allow_inf_nan=False, strict=True)
    foreign_counted_share: float = Field(
        1.0,
        gt=0.0,
        le=1.0,
        allow_inf_nan=False,
        strict=True,
        description="Share of the foreigners of its kind in theatre that the figure counts "
        "(e.g. those with the Islamic State).",
    )
    counts: Kind = Field(
        "travellers", description="Who it counts among the foreigners: travellers or fighters."
    )
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Constraint:
        if self.high < self.low:
            raise ValueError(f"{self.id}: high = {self.high:g} is below low = {self.low:g}")
        if self.published < self.date:
            raise ValueError(
                f"{self.id}: published {self.published} is before the date the figure refers "
                f"to, {self.date}"
            )
        if self.quantity == "foreign_share" and self.high > 1.0:
            raise ValueError(f"{self.id}: a share's high = {self.high:g} is above 1")
        return self

    def outputs(self) -> tuple[Output, ...]:
        """The trajectories :meth:`model_value` reads."""
        kinds = (Output("cumulative_arrivals", REGION_IDS), Output("fighters_arrived", REGION_IDS))
        if self.quantity == "cumulative_arrivals":
            return kinds[1:] if self.counts == "fighters" else kinds[:1]
        read = (Output("in_theatre", REGION_IDS), Output("local_in_theatre"))
        return read + kinds if self.counts == "fighters" else read

    def model_value(self, result: Result | Outputs) -> np.ndarray:
        """The model's value of the constrained quantity, one per ensemble member."""
        t = time_at(result, self.date)
        share = self.foreign_counted_share
        fighters = self.counts == "fighters"
        arrived_index = layout.FIGHTERS_ARRIVED if fighters else layout.CUM_ARRIVALS
        if self.quantity == "cumulative_arrivals":
            return share * value_at(result.regional_sum(arrived_index, REGION_IDS), t)
        if fighters:  # the fighters' share of everyone who has arrived by then
            arrived = value_at(result.regional_sum(layout.CUM_ARRIVALS, REGION_IDS), t)
            kept = value_at(result.regional_sum(layout.FIGHTERS_ARRIVED, REGION_IDS), t)
            share = share * kept / np.maximum(arrived, 1e-9)
        foreign = share * value_at(result.regional_sum(layout.IN_THEATRE, REGION_IDS), t)
        local = value_at(result.theatre("local_in_theatre"), t)
        if self.quantity == "foreign_share":
            return foreign / np.maximum(local + foreign, 1e-9)
        return local + foreign

    def z(self, result: Result | Outputs) -> np.ndarray:
        """Standardised residual of the model against the range (0 inside it)."""
        return z_range(self.model_value(result), self.low, self.high, self.sigma_log)

    def log_density(self, result: Result | Outputs) -> np.ndarray:
        """The constraint's term in the log posterior: ``-z**2 / 2``."""
        return -0.5 * np.square(self.z(result))
