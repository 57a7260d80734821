"""Time-varying drivers: validated, dated piecewise-linear series and their evaluation.

Defaults are read from ``model/ffsim/core/data/drivers.toml``, where every knot names its source. A
series is held constant before its first knot and after its last.
"""

from __future__ import annotations

import datetime as dt
import itertools
import numbers
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ffsim.core import layout
from ffsim.core.errors import InputError, format_validation_error, shown

EPOCH = dt.date(2012, 1, 1)
"""Origin of calendar time (months), whatever the start of a run."""

LOSS_WINDOW = 3.0
"""Months over which territory retaken is counted for the ground-combat death hazard: a
battle for a city lasts months (Mosul, Raqqa), so losses are spread over a quarter."""


FIRST_KNOT, LAST_KNOT = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
"""Earliest and latest date of a knot."""


class Knot(BaseModel):
    """One dated value of a driver.

    ``date`` is a date or its ISO text (``2014-12-01``) between :data:`FIRST_KNOT` and
    :data:`LAST_KNOT`; ``value`` a finite number, never true/false or text.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    value: float = Field(allow_inf_nan=False)
    source: str = ""

    @field_validator("date", mode="before")
    @classmethod
    def _date_or_text(cls, v: Any) -> Any:
        if not isinstance(v, dt.date | str):
            raise ValueError(f"{shown(v)} is not a date; allowed: a date such as 2014-12-01")
        return v

    @field_validator("date")
    @classmethod
    def _in_range(cls, v: dt.date) -> dt.date:
        if not FIRST_KNOT <= v <= LAST_KNOT:
            raise ValueError(f"{v} is outside the dates allowed, {FIRST_KNOT} to {LAST_KNOT}")
        return v

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ValueError(f"{shown(v)} is not a number; allowed: a finite number")
        return v


class DriverSeries(BaseModel):
    """A piecewise-linear series with its unit, bounds and dated, sourced knots."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: str
    description: str
    lower: float
    upper: float
    knots: tuple[Knot, ...] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _check(self) -> DriverSeries:
        dates = [k.date for k in self.knots]
        if any(b <= a for a, b in itertools.pairwise(dates)):
            raise ValueError(
                f"knot dates must be strictly increasing, got {[str(d) for d in dates]}"
            )
        for i, k in enumerate(self.knots):
            if not self.lower <= k.value <= self.upper:
                raise ValueError(
                    f"knots[{i}].value = {k.value:g} on {k.date}: "
                    f"allowed range [{self.lower:g}, {self.upper:g}] {self.unit}"
                )
        return self

    def at_months(self, months: np.ndarray, start: dt.date) -> np.ndarray:
        """Evaluate at times given in months since ``start``."""
        x = np.array([months_since(start, k.date) for k in self.knots])
        y = np.array([k.value for k in self.knots])
        return np.interp(months, x, y)


class Drivers(BaseModel):
    """The five exogenous drivers of the model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    territory: DriverSeries
    pay: DriverSeries
    air_campaign: DriverSeries
    border_closure: DriverSeries
    prevention: DriverSeries

    def table(self, months: np.ndarray, start: dt.date) -> np.ndarray:
        """Driver values at ``months`` (since ``start``): shape ``(len(months), 5)``."""
        return np.column_stack(
            [getattr(self, name).at_months(months, start) for name in layout.DRIVER_NAMES]
        )

    def inputs(self, months: np.ndarray, start: dt.date) -> np.ndarray:
        """Everything the kernel reads from outside the state: shape ``(len(months), N_INPUTS)``.

        The five drivers, then calendar time (months since 2012-01-01) and the territory
        retaken over the last ``LOSS_WINDOW`` months, per year: ``max(0, territory(t - w) -
        territory(t)) x 12 / w`` (index/year), which drives deaths in ground offensives.
        """
        months = np.asarray(months, dtype=float)
        table = self.table(months, start)
        calendar = months + months_since(EPOCH, start)
        before = self.territory.at_months(months - LOSS_WINDOW, start)
        loss = np.maximum(before - table[:, layout.TERRITORY], 0.0) * 12.0 / LOSS_WINDOW
        return np.column_stack([table, calendar, loss])

    def with_overrides(self, overrides: Mapping[str, Any]) -> Drivers:
        """Return a copy where each named driver's knots are replaced.

        ``overrides`` maps a driver name to a list of knots (``{date, value, source}``);
        unit, description and bounds stay those of the default series.

        Raises
        ------
        InputError
            Naming the driver, the knot and what is allowed.
        """
        data = self.model_dump()
        for name, knots in overrides.items():
            if name not in data:
                raise InputError(
                    f"drivers.{name}: unknown driver; allowed: {', '.join(layout.DRIVER_NAMES)}"
                )
            data[name] = {**data[name], "knots": knots}
        try:
            return Drivers.model_validate(data)
        except ValidationError as exc:
            raise InputError(format_validation_error(exc, "drivers", {})) from None


def close_knots(drivers: Drivers, step: float) -> list[str]:
    """Pairs of successive knots closer than one integration step, one line each.

    A kink of a piecewise-linear driver inside an RK4 step costs that step accuracy; two kinks
    within one step (a spike narrower than the step) make the integrator first-order in the
    step, so the scenario layer refuses them (``docs/model.md``, "Drivers and the step").
    """
    lines = []
    for name, series in drivers:
        for a, b in itertools.pairwise(series.knots):
            gap = months_since(a.date, b.date)
            if gap < step - 1e-9:
                lines.append(
                    f"drivers.{name}: knots {a.date} and {b.date} are {gap:.3g} months apart, "
                    f"closer than one integration step (settings.dt = {step:g} month); "
                    "allowed: knots at least one step apart (a smaller dt, or knots further apart)"
                )
    return lines


def months_since(start: dt.date, date: dt.date) -> float:
    """Months from ``start`` to ``date``, counting each calendar month as one unit.

    The day within a month is a fraction of that month's length, so 2012-01-16 is about 0.48
    months after 2012-01-01.
    """
    whole = (date.year - start.year) * 12 + (date.month - start.month)
    days = _days_in_month(date.year, date.month)
    return whole + (date.day - 1) / days - (start.day - 1) / _days_in_month(start.year, start.month)


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.date(year, month, 1)).days


def load_default_drivers() -> Drivers:
    """The shipped default drivers, grounded in the articles."""
    text = resources.files("ffsim.core.data").joinpath("drivers.toml").read_text("utf-8")
    return Drivers.model_validate(tomllib.loads(text))


DEFAULT_DRIVERS: Drivers = load_default_drivers()
