"""Policy levers: what a government or coalition could change, kept apart from world assumptions.

Driver levers reshape the reported driver series (the timing and strength of the Turkish border
closure and of prevention at home, the strength of the air campaign); parameter levers set the
two policy parameters of the model (programmes for returnees, counter-messaging), and take their
default, bounds, unit and description from the parameter schema (``ffsim.core.parameters``),
which defines them once. A lever at its default reproduces the calibrated baseline exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

from ffsim.core.drivers import FIRST_KNOT, LAST_KNOT, Drivers, DriverSeries, Knot
from ffsim.core.parameters import PARAMETER_SPECS, SPECS_BY_NAME


def _lever(
    default: float, lower: float, upper: float, unit: str, description: str, *, label: str
) -> Any:
    """A lever field with its bounds, documentation and short plain ``label``."""
    return Field(
        default,
        ge=lower,
        le=upper,
        description=description,
        json_schema_extra={"label": label, "unit": unit, "lower": lower, "upper": upper},
    )


def _parameter_lever(name: str) -> Any:
    """The lever that sets policy parameter ``name``: its field in the parameter schema."""
    spec = SPECS_BY_NAME[name]
    assert spec.category == "lever" and isinstance(spec.default, float)
    return _lever(
        spec.default, spec.lower, spec.upper, spec.unit, spec.description, label=spec.label
    )


class Levers(BaseModel):
    """The policy levers of a scenario; defaults reproduce what was reported."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    border_closure_shift: int = _lever(
        0,
        -36,
        36,
        "months",
        "Timing of the Turkish border closure: every dated step of the reported closure moved "
        "by this many months (negative: earlier).",
        label="Border closure: timing",
    )
    border_closure_strength: float = _lever(
        1.0,
        0.0,
        2.0,
        "dimensionless",
        "Strength of the closure: share of the reported rise above the 2012 level (0: no "
        "tightening; above 1: stronger, capped at a sealed border).",
        label="Border closure: strength",
    )
    prevention_shift: int = _lever(
        0,
        -36,
        36,
        "months",
        "Timing of prevention at home (travel bans, parental permission): months moved.",
        label="Prevention at home: timing",
    )
    prevention_strength: float = _lever(
        1.0,
        0.0,
        2.0,
        "dimensionless",
        "Strength of prevention at home: share of the reported rise (0: none; capped at 1).",
        label="Prevention at home: strength",
    )
    air_campaign_strength: float = _lever(
        1.0,
        0.0,
        1.0,
        "dimensionless",
        "Intensity of the air campaign relative to what was reported (0: no air campaign).",
        label="Air campaign: intensity",
    )
    reintegration_offer: float = _parameter_lever("reintegration_offer")
    counter_messaging: float = _parameter_lever("counter_messaging")


@dataclass(frozen=True)
class LeverSpec:
    """Bounds, unit and meaning of one lever, derived from :class:`Levers`."""

    name: str
    default: float
    lower: float
    upper: float
    unit: str
    description: str
    label: str


def _spec(name: str, field: FieldInfo) -> LeverSpec:
    extra = field.json_schema_extra
    assert isinstance(extra, dict)
    return LeverSpec(
        name,
        float(field.default),
        float(extra["lower"]),  # type: ignore[arg-type]
        float(extra["upper"]),  # type: ignore[arg-type]
        str(extra["unit"]),
        field.description or "",
        str(extra["label"]),
    )


LEVER_SPECS: dict[str, LeverSpec] = {
    name: _spec(name, field) for name, field in Levers.model_fields.items()
}

PARAMETER_LEVERS: tuple[str, ...] = tuple(
    name
    for name in LEVER_SPECS
    if name in SPECS_BY_NAME and SPECS_BY_NAME[name].category == "lever"
)
"""Levers that are model parameters (the rest reshape drivers), in the order of ``Levers``."""

if set(PARAMETER_LEVERS) != {s.name for s in PARAMETER_SPECS if s.category == "lever"}:
    raise ImportError("every parameter of category 'lever' needs a field of Levers, and only those")

DRIVER_LEVERS = {
    "border_closure": ("border_closure_shift", "border_closure_strength"),
    "prevention": ("prevention_shift", "prevention_strength"),
    "air_campaign": (None, "air_campaign_strength"),
}
"""Which levers reshape which driver: (timing lever, strength lever)."""


def shift_date(date: dt.date, months: int) -> dt.date:
    """``date`` moved by whole ``months``, the day clamped to the target month's length."""
    index = date.year * 12 + (date.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(date.day, (nxt - dt.timedelta(days=1)).day))


def reshape(series: DriverSeries, shift: int, strength: float) -> DriverSeries:
    """Move a series in time and scale its change from its first value.

    Each knot's value becomes ``v0 + strength * (v - v0)``, clipped to the series' bounds, and
    its date moves by ``shift`` months. Its source keeps the reported knot and says how the
    lever moved it, so that a shifted date never carries a report as if made for that date.
    """
    if shift == 0 and strength == 1.0:
        return series
    v0 = series.knots[0].value
    how = ", ".join(
        part
        for part in (
            f"moved {shift:+d} months" if shift else "",
            f"its change from the first value scaled x{strength:g}" if strength != 1.0 else "",
        )
        if part
    )
    knots = tuple(
        Knot(
            date=shift_date(k.date, shift),
            value=min(max(v0 + strength * (k.value - v0), series.lower), series.upper),
            source=f"{k.source} (the knot {k.date}: {k.value:g}, {how} by a lever)",
        )
        for k in series.knots
    )
    return series.model_copy(update={"knots": knots})


def lever_reach_problems(drivers: Drivers) -> list[str]:
    """One line per knot that a timing lever, anywhere in its range, would move outside the
    dates a knot may have (``FIRST_KNOT`` to ``LAST_KNOT``).

    A scenario's knots must leave room for every value of its timing levers, so that no lever
    setting (a slider, a share link, the tornado's bounds) can make its drivers invalid.
    """
    problems = []
    for name, (shift_name, _) in DRIVER_LEVERS.items():
        if shift_name is None:
            continue
        spec = LEVER_SPECS[shift_name]
        first = shift_date(FIRST_KNOT, int(-spec.lower))
        last = shift_date(LAST_KNOT, int(-spec.upper))
        for i, k in enumerate(getattr(drivers, name).knots):
            if not first <= k.date <= last:
                problems.append(
                    f"drivers.{name}[{i}].date = {k.date}: {shift_name} (from {spec.lower:g} to "
                    f"{spec.upper:g} months) would move it outside {FIRST_KNOT} to {LAST_KNOT}; "
                    f"allowed: {first} to {last}"
                )
    return problems


def apply_levers(drivers: Drivers, levers: Levers) -> Drivers:
    """The drivers as reshaped by the driver levers."""
    updates = {}
    for name, (shift_name, strength_name) in DRIVER_LEVERS.items():
        shift = getattr(levers, shift_name) if shift_name else 0
        updates[name] = reshape(getattr(drivers, name), shift, getattr(levers, strength_name))
    return drivers.model_copy(update=updates)
