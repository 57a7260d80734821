"""The parameter schema: one pydantic model holding default, bounds, unit, description, source.

Everything else (the packed vector the kernel reads, the app's widgets, the calibration bounds,
the parameter table in docs/model.md) is derived from :class:`Parameters`; nothing is written
twice. Rates are per month; stocks and flows count persons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from ffsim.core import layout
from ffsim.core.errors import InputError, format_validation_error
from ffsim.core.regions import REGION_IDS, REGIONS

Category = Literal["assumption", "lever"]


def _param(
    default: float,
    lower: float,
    upper: float,
    unit: str,
    description: str,
    source: str,
    category: Category = "assumption",
) -> Any:
    """A scalar parameter field with its bounds and documentation."""
    return Field(
        default,
        ge=lower,
        le=upper,
        description=description,
        json_schema_extra={
            "unit": unit,
            "source": source,
            "category": category,
            "lower": lower,
            "upper": upper,
        },
    )


def _regional_model(name: str, lower: float, upper: float, defaults: Mapping[str, float]) -> Any:
    fields: dict[str, Any] = {
        rid: (float, Field(defaults[rid], ge=lower, le=upper)) for rid in REGION_IDS
    }
    return create_model(name, __config__=ConfigDict(extra="forbid", frozen=True), **fields)


RadicalisationRate = _regional_model(
    "RadicalisationRate", 0.0, 5000.0, {r.id: r.radicalisation_rate for r in REGIONS}
)
ReturnPropensity = _regional_model(
    "ReturnPropensity", 0.2, 3.0, {r.id: r.return_propensity for r in REGIONS}
)
EarlyWave = _regional_model("EarlyWave", 0.0, 1.0, {r.id: r.early_wave for r in REGIONS})


def _regional(
    model: Any, lower: float, upper: float, unit: str, description: str, source: str
) -> Any:
    return Field(
        default_factory=model,
        description=description,
        json_schema_extra={
            "unit": unit,
            "source": source,
            "category": "assumption",
            "lower": lower,
            "upper": upper,
            "regional": True,
        },
    )


class Parameters(BaseModel):
    """Every parameter of the model. Rates are per month; people are persons.

    Construct with keyword arguments to override defaults, or use :meth:`with_overrides` with a
    nested mapping (as read from a scenario file) for a clear :class:`InputError` on bad input.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- the sympathiser pool -------------------------------------------------------------
    pool_exit_rate: float = _param(
        1 / 48,
        0.005,
        0.2,
        "1/month",
        "Rate at which would-be recruits leave the pool without travelling (disengagement).",
        "Assumption: a mean stay of about four years in the pool; calibrated.",
    )
    departure_rate: float = _param(
        0.035,
        0.001,
        0.3,
        "1/month",
        "Fraction of the pool setting out per month when appeal and network multipliers are 1.",
        "Assumption sized to the 1,000 to 2,000 a month of 2014-2015 (NYMag/NYT 2015-09-27; "
        "Washington Post 2016-09-11); calibrated.",
    )
    # --- appeal: success breeds recruitment ------------------------------------------------
    appeal_base: float = _param(
        0.12,
        0.0,
        1.0,
        "dimensionless",
        "Appeal of travelling to Syria and Iraq independent of the group's success "
        "(the war itself, other groups).",
        "Assumption: flows to 'ISIS and other groups' before the caliphate (Washington Post "
        "2016-09-11, Soufan figure); calibrated.",
    )
    salience_midpoint: float = _param(
        20.0,
        0.0,
        36.0,
        "month since 2012-01",
        "Month at which the war's salience abroad reaches half its full level, for regions "
        "outside the early wave (logistic rise; multiplies the base appeal).",
        "DOMAIN.md (ICSR, December 2013): the flow began with the civil war in 2012-2013, up to "
        "11,000 by December 2013; NYT 2015-09-26 (about 15,000 by September 2014); calibrated.",
    )
    salience_width: float = _param(
        4.0,
        1.0,
        12.0,
        "month",
        "Time scale of the logistic rise of the war's salience abroad (10% to 90% in 4.4 x this).",
        "Assumption: the war's appeal grew over 2012-2013 (DOMAIN.md); calibrated.",
    )
    early_wave_lead: float = _param(
        8.0,
        0.0,
        24.0,
        "month",
        "How many months earlier the war's salience rises in early-wave regions (regional "
        "early_wave = 1).",
        "DOMAIN.md (ICSR, December 2013): Europeans and Tunisians were early; Washington Post "
        "2016-09-11 (France: 69 in H1 2015, fourfold fewer in H1 2016); calibrated.",
    )
    appeal_territory: float = _param(
        3.0,
        0.0,
        4.0,
        "dimensionless",
        "Appeal added by the group's success at full perceived territory, momentum, pay and "
        "strength.",
        "Daily Beast 2015-04-30 ('success breeds recruitment'); Washington Post 2016-09-11 "
        "(appeal 'rested on its strength and its winning'); calibrated.",
    )
    momentum_sensitivity: float = _param(
        2.0,
        0.0,
        6.0,
        "per (index/year)",
        "Steepness of the appeal's response to territorial momentum (gain or loss per year).",
        "Assumption: momentum matters as well as extent (Daily Beast 2015-04-30; "
        "CounterPunch 2017-03-24 on victory as 'divine intervention'); calibrated.",
    )
    perception_delay: float = _param(
        6.0,
        1.0,
        24.0,
        "month",
        "Time for news of territorial gains and losses to shape appeal abroad.",
        "Assumption: the group 'spun the losses as wins' on social media (Daily Beast "
        "2015-04-30), so perception lags events by months.",
    )
    pay_elasticity: float = _param(
        0.5,
        0.0,
        1.0,
        "dimensionless",
        "Elasticity of appeal to foreign fighters' pay (pay relative to $1,000 a month).",
        "Haaretz 2016-06-26: $1,000 a month and free housing 'drew many foreigners'; pay cut "
        "to $400 as numbers fell.",
    )
    strength_half: float = _param(
        10000.0,
        1000.0,
        100000.0,
        "persons",
        "Fighters in theatre (foreign and local) at which the strength effect on appeal is half "
        "its maximum: the spiral of decline.",
        "Assumption; Washington Post 2016-09-11 ('self-reinforcing spiral of decline').",
    )
    network_strength: float = _param(
        2.0,
        0.0,
        3.0,
        "dimensionless",
        "Extra departures when a region's radical circle is all in theatre: friends and family "
        "pulling others (multiplier 1 + strength x share in theatre).",
        "NYMag/NYT 2015-09-27 (Byman: a 'network effect' where friends and family bring "
        "others); calibrated.",
    )
    # --- the journey -----------------------------------------------------------------------
    border_deterrence: float = _param(
        0.3,
        0.0,
        1.0,
        "dimensionless",
        "Share of would-be departures deterred when the border is fully closed.",
        "Washington Post 2016-09-11: 'increasing difficulty of traveling' hurt recruitment.",
    )
    transit_time: float = _param(
        0.5,
        0.25,
        3.0,
        "month",
        "Mean time from leaving home to crossing into Syria or Iraq.",
        "Assumption: a journey through Turkey of a few weeks.",
    )
    # --- in theatre --------------------------------------------------------------------------
    combat_mortality: float = _param(
        0.01,
        0.0,
        0.05,
        "1/month",
        "Death hazard of local fighters without an air campaign.",
        "Assumption; constrained by 10,000 killed by air strikes by Sep 2015 (NYMag/NYT "
        "2015-09-27).",
    )
    air_lethality: float = _param(
        2.0,
        0.0,
        5.0,
        "dimensionless",
        "Relative increase of the death hazard at full air-campaign intensity.",
        "NYMag/NYT 2015-09-27: coalition strikes killed roughly 10,000 fighters; calibrated.",
    )
    ground_lethality: float = _param(
        1.0,
        0.0,
        5.0,
        "per (index/year)",
        "Relative increase of the death hazard per unit of territory retaken per year (ground "
        "offensives): multiplier 1 + air_lethality x air campaign + ground_lethality x "
        "territory loss.",
        "DOMAIN.md: the ground offensives that retook territory (Tikrit, Ramadi, Fallujah, Manbij, "
        "Mosul, Raqqa) killed foreign as well as local fighters; CounterPunch 2017-03-24 (heavy "
        "fighting in Mosul's Old City); calibrated.",
    )
    foreign_death_rate: float = _param(
        0.006,
        0.0005,
        0.05,
        "1/month",
        "Death hazard of a foreign fighter without an air campaign or ground offensive "
        "(multiplied by the same combat multiplier as local fighters).",
        "Prior from ICCT (April 2016): 14% of EU travellers confirmed dead by early 2016; "
        "arithmetic in calibration/config.toml. Daily Beast 2015-04-30: foreigners mostly "
        "in a support role. Calibrated.",
    )
    return_rate: float = _param(
        0.006,
        0.0,
        0.03,
        "1/month",
        "Return hazard of a foreign fighter at full perceived territory and open exits.",
        "Assumption; calibrated against returns implied by regional counts.",
    )
    desertion_sensitivity: float = _param(
        1.0,
        0.0,
        3.0,
        "dimensionless",
        "Relative increase of the return hazard when perceived territory is zero "
        "(multiplier 1 + sensitivity x (1 - territory)).",
        "Haaretz 2016-06-26: desertions and requests for help to get home as the group lost "
        "ground.",
    )
    onward_rate: float = _param(
        0.004,
        0.0,
        0.05,
        "1/month",
        "Hazard of moving on to another theatre (e.g. Libya) when perceived territory is zero.",
        "Haaretz 2016-06-26 (fighters have 'traveled to Libya'); Washington Post 2016-09-11.",
    )
    exit_blocking: float = _param(
        0.7,
        0.0,
        1.0,
        "dimensionless",
        "Share of returns and onward moves blocked when the border is fully closed.",
        "DOMAIN.md: the border closure cut returns as well as arrivals; Washington Post "
        "2016-09-11.",
    )
    initial_in_theatre: float = _param(
        500.0,
        0.0,
        5000.0,
        "persons",
        "Foreign fighters in theatre in January 2012, split across regions by radicalisation rate.",
        "Assumption: a few hundred at the start of the war (not in the articles).",
    )
    # --- local fighters ----------------------------------------------------------------------
    local_recruitment: float = _param(
        1500.0,
        0.0,
        10000.0,
        "persons/month",
        "Local recruitment at full territory (proportional to territory held).",
        "Assumption; Haaretz 2016-06-26 and Washington Post 2016-09-11 on recruiting locals "
        "and children; CounterPunch 2017-03-24 (5-6 million people ruled).",
    )
    local_exit_rate: float = _param(
        0.02,
        0.0,
        0.2,
        "1/month",
        "Hazard of local fighters leaving the ranks for reasons other than death.",
        "Assumption.",
    )
    local_initial: float = _param(
        2000.0,
        0.0,
        20000.0,
        "persons",
        "Local fighters in January 2012.",
        "Assumption: a few thousand (CounterPunch 2017-03-24: Mosul taken by 'a few thousand').",
    )
    # --- policy levers -----------------------------------------------------------------------
    counter_messaging: float = _param(
        0.0,
        0.0,
        1.0,
        "dimensionless",
        "Lever: share of the network effect removed by counter-messaging and disruption.",
        "Policy lever; 0 as reported.",
        "lever",
    )
    reintegration_offer: float = _param(
        0.0,
        0.0,
        1.0,
        "dimensionless",
        "Lever: relative increase of the return hazard from programmes for returnees.",
        "Policy lever; 0 as reported.",
        "lever",
    )
    # --- regional ----------------------------------------------------------------------------
    radicalisation_rate: RadicalisationRate = _regional(  # type: ignore[valid-type]
        RadicalisationRate,
        0.0,
        5000.0,
        "persons/month",
        "Persons a month joining the region's pool of would-be recruits.",
        "Order of magnitude from the regional counts (model/data/regions.toml); calibrated.",
    )
    return_propensity: ReturnPropensity = _regional(  # type: ignore[valid-type]
        ReturnPropensity,
        0.2,
        3.0,
        "dimensionless",
        "Regional multiplier on the return hazard.",
        "DOMAIN.md: return hazards differ by region; 1 by default.",
    )
    early_wave: EarlyWave = _regional(  # type: ignore[valid-type]
        EarlyWave,
        0.0,
        1.0,
        "dimensionless",
        "Share of the early-wave lead in the war's salience (1: the region's salience rises "
        "early_wave_lead months before the others).",
        "DOMAIN.md (ICSR, December 2013): Europeans and Tunisians were early; "
        "model/data/regions.toml.",
    )

    def with_overrides(self, overrides: Mapping[str, Any]) -> Parameters:
        """Return a copy with ``overrides`` applied (regional values may be given in part).

        Raises
        ------
        InputError
            Naming every bad field, its value and what is allowed.
        """
        data = self.model_dump()
        for key, value in overrides.items():
            if key in REGIONAL_FIELDS and isinstance(value, Mapping):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        try:
            return Parameters.model_validate(data)
        except ValidationError as exc:
            raise InputError(
                format_validation_error(
                    exc, "parameters", SPECS_BY_NAME, {n: REGION_IDS for n in REGIONAL_FIELDS}
                )
            ) from None

    def pack(self) -> np.ndarray:
        """The flat float vector the kernel reads, in the order of ``ffsim.core.layout``."""
        glob = [getattr(self, name) for name in layout.GLOBAL_PARAMETERS]
        reg = [
            getattr(getattr(self, n), rid) for n in layout.REGIONAL_PARAMETERS for rid in REGION_IDS
        ]
        return np.array(glob + reg, dtype=np.float64)


@dataclass(frozen=True)
class ParameterSpec:
    """Documentation and bounds of one parameter, derived from :class:`Parameters`."""

    name: str
    default: float | dict[str, float]
    lower: float
    upper: float
    unit: str
    description: str
    source: str
    category: Category
    regional: bool


def _specs() -> tuple[ParameterSpec, ...]:
    defaults = Parameters()
    out = []
    for name, field in Parameters.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict)
        regional = bool(extra.get("regional", False))
        value = getattr(defaults, name)
        out.append(
            ParameterSpec(
                name=name,
                default=value.model_dump() if regional else value,
                lower=float(extra["lower"]),  # type: ignore[arg-type]
                upper=float(extra["upper"]),  # type: ignore[arg-type]
                unit=str(extra["unit"]),
                description=field.description or "",
                source=str(extra["source"]),
                category=extra["category"],  # type: ignore[arg-type]
                regional=regional,
            )
        )
    return tuple(out)


PARAMETER_SPECS: tuple[ParameterSpec, ...] = _specs()
SPECS_BY_NAME: dict[str, ParameterSpec] = {s.name: s for s in PARAMETER_SPECS}
REGIONAL_FIELDS: frozenset[str] = frozenset(s.name for s in PARAMETER_SPECS if s.regional)

if (
    tuple(s.name for s in PARAMETER_SPECS if not s.regional) != layout.GLOBAL_PARAMETERS
    or tuple(s.name for s in PARAMETER_SPECS if s.regional) != layout.REGIONAL_PARAMETERS
):
    raise ImportError("ffsim.core.layout parameter order does not match ffsim.core.parameters")
