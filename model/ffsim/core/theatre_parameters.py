"""Parameters of the journey, of foreign and local fighters in theatre, and of their exits.

One group of the fields of :class:`ffsim.core.parameters.Parameters`, each with its default,
bounds, unit, description and source. Rates are per month; people are persons.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ffsim.core.parameter_fields import STARTING, THEATRE, TRAVEL, parameter_field


class TheatreParameters(BaseModel):
    """The journey to Syria or Iraq, and deaths, returns and onward moves in theatre, of foreign
    and local fighters (part of ``Parameters``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- the journey -----------------------------------------------------------------------
    border_deterrence: float = parameter_field(
        0.3,
        0.0,
        1.0,
        "dimensionless",
        "Share of would-be departures deterred when the border is sealed (stop probability 1).",
        "Washington Post 2016-09-11: 'increasing difficulty of traveling' hurt recruitment.",
        group=TRAVEL,
        label="Departures deterred by a closed border",
    )
    border_stop_max: float = parameter_field(
        0.85,
        0.0,
        1.0,
        "probability",
        "Probability that an attempted crossing of the Turkey-Syria border is stopped when the "
        "closure is at its September 2016 level (the border driver's index 1); the probability "
        "is this times the index, at most 1.",
        "Prior from Turkey's deportations and returns of 2014-2015 against the flow of the time "
        "(Daily Sabah 2015-11-22; NYT 2015-09-26; DOMAIN.md), arithmetic in "
        "calibration/config.toml; calibrated.",
        group=TRAVEL,
        label="Crossings stopped by the closed border",
    )
    transit_time: float = parameter_field(
        0.5,
        0.25,
        3.0,
        "month",
        "Mean time from leaving home to crossing into Syria or Iraq.",
        "Assumption: a journey through Turkey of a few weeks.",
        group=TRAVEL,
        label="Travel time to Syria or Iraq",
    )
    retry_propensity: float = parameter_field(
        0.3,
        0.0,
        1.0,
        "dimensionless",
        "How readily people stopped from leaving set out again, relative to a would-be recruit of "
        "the pool: their monthly hazard of setting out again is this times the pool's departure "
        "hazard (departure rate x appeal x network); those the measures at home stop again stay "
        "stopped. 0: no one tries twice (a stop drains the pool for good); 1, the most allowed: "
        "a stop changes nothing but the journey's start (those stopped are watched, their "
        "passports often withdrawn, so they are taken to try again no more readily than the "
        "pool).",
        "Weakly informative: no count of the time says how many of those stopped tried again "
        "(DOMAIN.md; Belgium's OCAM counted 73 stopped and 157 candidates, 30 August 2016); "
        "calibrated.",
        group=TRAVEL,
        label="Stopped people trying again",
    )
    # --- in theatre --------------------------------------------------------------------------
    combat_mortality: float = parameter_field(
        0.01,
        0.0,
        0.05,
        "1/month",
        "Death hazard of local fighters without an air campaign.",
        "Assumption; constrained by 10,000 killed by air strikes by Sep 2015 (NYMag/NYT "
        "2015-09-27).",
        group=THEATRE,
        label="Death rate of local fighters",
    )
    air_lethality: float = parameter_field(
        2.0,
        0.0,
        5.0,
        "dimensionless",
        "Relative increase of the death hazard at full air-campaign intensity.",
        "NYMag/NYT 2015-09-27: coalition strikes killed roughly 10,000 fighters; calibrated.",
        group=THEATRE,
        label="Added deaths from the air campaign",
    )
    ground_lethality: float = parameter_field(
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
        group=THEATRE,
        label="Added deaths from ground offensives",
    )
    foreign_death_rate: float = parameter_field(
        0.006,
        0.0005,
        0.05,
        "1/month",
        "Death hazard of a foreign fighter without an air campaign or ground offensive "
        "(multiplied by the same combat multiplier as local fighters).",
        "Prior from ICCT (April 2016): 14% of EU travellers confirmed dead by early 2016; "
        "arithmetic in calibration/config.toml. Daily Beast 2015-04-30: foreigners mostly "
        "in a support role. Calibrated.",
        group=THEATRE,
        label="Death rate of foreign fighters",
    )
    return_rate: float = parameter_field(
        0.006,
        0.0,
        0.03,
        "1/month",
        "Return hazard of a foreign fighter at full perceived territory and open exits.",
        "Assumption; calibrated against returns implied by regional counts.",
        group=THEATRE,
        label="Return rate",
    )
    desertion_sensitivity: float = parameter_field(
        1.0,
        0.0,
        3.0,
        "dimensionless",
        "Relative increase of the return hazard when perceived territory is zero "
        "(multiplier 1 + sensitivity x (1 - territory)).",
        "Haaretz 2016-06-26: desertions and requests for help to get home as the group lost "
        "ground.",
        group=THEATRE,
        label="Extra returns as territory is lost",
    )
    onward_rate: float = parameter_field(
        0.004,
        0.0,
        0.05,
        "1/month",
        "Hazard of moving on to another theatre (e.g. Libya) when perceived territory is zero.",
        "Haaretz 2016-06-26 (fighters have 'traveled to Libya'); Washington Post 2016-09-11.",
        group=THEATRE,
        label="Moving on to another theatre",
    )
    exit_blocking: float = parameter_field(
        0.7,
        0.0,
        1.0,
        "dimensionless",
        "Share of returns and onward moves blocked when the border is sealed (stop probability 1).",
        "DOMAIN.md: the border closure cut returns as well as arrivals; Washington Post "
        "2016-09-11.",
        group=TRAVEL,
        label="Exits blocked by a closed border",
    )
    initial_in_theatre: float = parameter_field(
        500.0,
        0.0,
        5000.0,
        "persons",
        "Foreign fighters in theatre in January 2012, split across regions by radicalisation rate.",
        "Assumption: a few hundred at the start of the war (not in the articles).",
        group=STARTING,
        label="Foreign fighters in theatre, January 2012",
    )
    # --- local fighters ----------------------------------------------------------------------
    local_recruitment: float = parameter_field(
        1500.0,
        0.0,
        10000.0,
        "persons/month",
        "Local recruitment at full territory (proportional to territory held).",
        "Assumption; Haaretz 2016-06-26 and Washington Post 2016-09-11 on recruiting locals "
        "and children; CounterPunch 2017-03-24 (5-6 million people ruled).",
        group=STARTING,
        label="Local recruitment",
    )
    local_exit_rate: float = parameter_field(
        0.02,
        0.0,
        0.2,
        "1/month",
        "Hazard of local fighters leaving the ranks for reasons other than death.",
        "Assumption.",
        group=STARTING,
        label="Local fighters leaving the ranks",
    )
    local_initial: float = parameter_field(
        2000.0,
        0.0,
        20000.0,
        "persons",
        "Local fighters in January 2012.",
        "Assumption: a few thousand (CounterPunch 2017-03-24: Mosul taken by 'a few thousand').",
        group=STARTING,
        label="Local fighters, January 2012",
    )
