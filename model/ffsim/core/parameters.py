"""The parameter schema: one pydantic model holding default, bounds, unit, description, source.

Everything else (the packed vector the kernel reads, the app's widgets, the policy levers that
set parameters, the calibration bounds, the parameter table in docs/model.md) is derived from
:class:`Parameters`; nothing is written twice. Its fields come in groups, one module each:
recruitment (``ffsim.core.recruitment_parameters``), the journey and the theatre
(``ffsim.core.theatre_parameters``), and here the policy levers and the regional parameters.
How a field is declared and read back is in ``ffsim.core.parameter_fields``. Rates are per
month; stocks and flows count persons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import ConfigDict, ValidationError

from ffsim.core import layout
from ffsim.core.errors import InputError, format_validation_error
from ffsim.core.parameter_fields import (
    WOMEN_MINORS,
    ParameterSpec,
    parameter_field,
    regional_field,
    regional_model,
    specs_of,
)
from ffsim.core.recruitment_parameters import RecruitmentParameters
from ffsim.core.regions import REGION_IDS, REGIONS
from ffsim.core.theatre_parameters import TheatreParameters

__all__ = ["PARAMETER_SPECS", "REGIONAL_FIELDS", "SPECS_BY_NAME", "ParameterSpec", "Parameters"]

RadicalisationRate = regional_model(
    "RadicalisationRate", 0.0, 5000.0, {r.id: r.radicalisation_rate for r in REGIONS}, __name__
)
ReturnPropensity = regional_model(
    "ReturnPropensity", 0.2, 3.0, {r.id: r.return_propensity for r in REGIONS}, __name__
)
EarlyWave = regional_model("EarlyWave", 0.0, 1.0, {r.id: r.early_wave for r in REGIONS}, __name__)
DeathPropensity = regional_model(
    "DeathPropensity", 0.2, 3.0, {r.id: r.death_propensity for r in REGIONS}, __name__
)
PreventionShare = regional_model(
    "PreventionShare", 0.0, 0.95, {r.id: r.prevention_share for r in REGIONS}, __name__
)
WomenMinorsShare = regional_model(
    "WomenMinorsShare", 0.0, 0.8, {r.id: r.women_minors_share for r in REGIONS}, __name__
)


# pydantic orders inherited fields from the last base to the first: recruitment, then theatre.
class Parameters(TheatreParameters, RecruitmentParameters):
    """Every parameter of the model. Rates are per month; people are persons.

    Construct with keyword arguments to override defaults, or use :meth:`with_overrides` with a
    mapping (as read from a scenario file) for a clear :class:`InputError` on bad input.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- policy levers (``ffsim.scenarios.levers.Levers`` takes them from here) --------------
    counter_messaging: float = parameter_field(
        0.0,
        0.0,
        1.0,
        "dimensionless",
        "Counter-messaging and disruption: share of the network effect removed.",
        "Policy lever; 0 as reported.",
        "lever",
        label="Counter-messaging",
    )
    reintegration_offer: float = parameter_field(
        0.0,
        0.0,
        1.0,
        "dimensionless",
        "Programmes for returnees: relative increase of the return hazard.",
        "Policy lever; 0 as reported.",
        "lever",
        label="Programmes for returnees",
    )
    # --- travellers by kind ------------------------------------------------------------------
    women_minors_early: float = parameter_field(
        0.28,
        0.0,
        1.0,
        "dimensionless",
        "Share of women and minors among a region's arrivals before the caliphate (up to June "
        "2014), relative to the share from July 2015 (``women_minors_share``).",
        "National counts published by September 2016, mean over the seven regions of the ratio "
        "of the first period's share to the third's (France's Interior Ministry and Senate, "
        "2014-2016; Germany's BfV, 2013-2016; docs/calibration.md, 'Travellers by kind'); not "
        "calibrated.",
        group=WOMEN_MINORS,
        label="Women and minors before the caliphate (relative)",
    )
    women_minors_mid: float = parameter_field(
        0.74,
        0.0,
        1.0,
        "dimensionless",
        "Share of women and minors among a region's arrivals in the caliphate's first year "
        "(July 2014 to June 2015), relative to the share from July 2015; it rises from "
        "``women_minors_early`` over June 2014, with the caliphate's ramp.",
        "As women_minors_early: the mean ratio of the second period's share to the third's "
        "(docs/calibration.md, 'Travellers by kind'); not calibrated.",
        group=WOMEN_MINORS,
        label="Women and minors in the caliphate's first year (relative)",
    )
    # --- regional ----------------------------------------------------------------------------
    radicalisation_rate: RadicalisationRate = regional_field(  # type: ignore[valid-type]
        RadicalisationRate,
        "persons/month",
        "Persons a month joining the region's pool of would-be recruits.",
        "Order of magnitude from the regional counts (model/ffsim/core/data/regions.toml); "
        "calibrated.",
        label="Joining the pool of would-be recruits",
    )
    return_propensity: ReturnPropensity = regional_field(  # type: ignore[valid-type]
        ReturnPropensity,
        "dimensionless",
        "Regional multiplier on the return hazard.",
        "DOMAIN.md: return hazards differ by region; 1 by default.",
        label="Regional return multiplier",
    )
    early_wave: EarlyWave = regional_field(  # type: ignore[valid-type]
        EarlyWave,
        "dimensionless",
        "Share of the early-wave lead in the war's salience (1: the region's salience rises "
        "early_wave_lead months before the others).",
        "DOMAIN.md (ICSR, December 2013): Europeans and Tunisians were early; "
        "model/ffsim/core/data/regions.toml.",
        label="Part of the early wave",
    )
    prevention_share: PreventionShare = regional_field(  # type: ignore[valid-type]
        PreventionShare,
        "dimensionless",
        "Share of the region's departures stopped at home when prevention measures are at their "
        "September 2016 level (the prevention driver's index 1); the share stopped is this times "
        "the index, at most 1.",
        "Priors from the national counts of people stopped before leaving (Tunisia's Interior "
        "Ministry, April 2015 and 2016; Belgium's OCAM, August 2016; DOMAIN.md), arithmetic in "
        "calibration/config.toml; calibrated.",
        label="Departures stopped at home",
    )
    death_propensity: DeathPropensity = regional_field(  # type: ignore[valid-type]
        DeathPropensity,
        "dimensionless",
        "Regional multiplier on the death hazard of foreign fighters.",
        "Priors from the national counts of the killed published by March 2017 (France, the "
        "United Kingdom, Belgium, Germany, Denmark, Australia, Tunisia; DOMAIN.md), arithmetic "
        "in calibration/config.toml; calibrated.",
        label="Regional death multiplier",
    )
    women_minors_share: WomenMinorsShare = regional_field(  # type: ignore[valid-type]
        WomenMinorsShare,
        "dimensionless",
        "Share of women and minors among the region's arrivals after the caliphate (June "
        "2014); before it, this times ``women_minors_early``. Figures that count fighters are "
        "set against the arrivals less the women and minors (``fighters_arrived``).",
        "National counts published by September 2016 (France's Interior Ministry; the UK's "
        "counter-terrorism police; Belgium's OCAD; Germany's BfV; Canada's Public Safety; "
        "Tunisia's Ministry for Women; ICCT, April 2016), by region in "
        "model/ffsim/core/data/regions.toml; not calibrated.",
        label="Women and minors among arrivals",
    )

    def with_overrides(self, overrides: Mapping[str, Any]) -> Parameters:
        """Return a copy with ``overrides`` applied.

        A regional parameter's values may be given in part, as a mapping
        (``{"radicalisation_rate": {"france": 60.0}}``, as in a scenario file) or by dotted name
        (``{"radicalisation_rate.france": 60.0}``, as in the calibration artifact).

        Raises
        ------
        InputError
            Naming every bad field, its value and what is allowed.
        """
        data = self.model_dump()
        problems = []
        for key, value in overrides.items():
            name, dot, region = key.partition(".")
            if dot and name in REGIONAL_FIELDS:
                current = data[name] if isinstance(data[name], Mapping) else {}
                data[name] = {**current, region: value}
            elif dot and name in SPECS_BY_NAME:
                problems.append(
                    f"parameters.{key}: {name} is not regional; regional parameters: "
                    f"{', '.join(sorted(REGIONAL_FIELDS))}"
                )
            elif key in REGIONAL_FIELDS and isinstance(value, Mapping):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        try:
            parameters = Parameters.model_validate(data)
        except ValidationError as exc:
            problems.append(
                format_validation_error(
                    exc, "parameters", SPECS_BY_NAME, {n: REGION_IDS for n in REGIONAL_FIELDS}
                )
            )
        if problems:
            raise InputError("\n".join(problems))
        return parameters

    def pack(self) -> np.ndarray:
        """The flat float vector the kernel reads, in the order of ``ffsim.core.layout``."""
        # Read from the validated fields' dictionaries (a fifth of the time of getattr).
        fields = self.__dict__
        values = [fields[name] for name in layout.GLOBAL_PARAMETERS]
        for name in layout.REGIONAL_PARAMETERS:
            regional = fields[name].__dict__
            values.extend([regional[rid] for rid in REGION_IDS])
        return np.array(values, dtype=np.float64)


PARAMETER_SPECS: tuple[ParameterSpec, ...] = specs_of(Parameters)
SPECS_BY_NAME: dict[str, ParameterSpec] = {s.name: s for s in PARAMETER_SPECS}
REGIONAL_FIELDS: frozenset[str] = frozenset(s.name for s in PARAMETER_SPECS if s.regional)

if (
    tuple(s.name for s in PARAMETER_SPECS if not s.regional) != layout.GLOBAL_PARAMETERS
    or tuple(s.name for s in PARAMETER_SPECS if s.regional) != layout.REGIONAL_PARAMETERS
):
    raise ImportError("ffsim.core.layout parameter order does not match ffsim.core.parameters")
