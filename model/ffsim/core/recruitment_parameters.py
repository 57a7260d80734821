"""Parameters of recruitment: the sympathiser pool and the appeal of travelling to Syria and Iraq.

One group of the fields of :class:`ffsim.core.parameters.Parameters`, each with its default,
bounds, unit, description and source. Rates are per month.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ffsim.core.parameter_fields import RECRUITMENT, parameter_field


class RecruitmentParameters(BaseModel):
    """The sympathiser pool and what makes its members set out (part of ``Parameters``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- the sympathiser pool -------------------------------------------------------------
    pool_exit_rate: float = parameter_field(
        1 / 48,
        0.005,
        0.2,
        "1/month",
        "Rate at which would-be recruits leave the pool without travelling (disengagement).",
        "Assumption: a mean stay of about four years in the pool; calibrated.",
        group=RECRUITMENT,
        label="Leaving the pool without travelling",
    )
    departure_rate: float = parameter_field(
        0.035,
        0.001,
        0.3,
        "1/month",
        "Fraction of the pool setting out per month when appeal and network multipliers are 1.",
        "Assumption sized to the 1,000 to 2,000 a month of 2014-2015 (NYMag/NYT 2015-09-27; "
        "Washington Post 2016-09-11); calibrated.",
        group=RECRUITMENT,
        label="Departure rate from the pool",
    )
    # --- appeal: success breeds recruitment ------------------------------------------------
    appeal_base: float = parameter_field(
        0.12,
        0.0,
        1.0,
        "dimensionless",
        "Appeal of travelling to Syria and Iraq independent of the group's success "
        "(the war itself, other groups).",
        "Assumption: flows to 'ISIS and other groups' before the caliphate (Washington Post "
        "2016-09-11, Soufan figure); calibrated.",
        group=RECRUITMENT,
        label="Appeal of the war itself",
    )
    salience_midpoint: float = parameter_field(
        20.0,
        0.0,
        36.0,
        "month since 2012-01",
        "Month at which the war's salience abroad reaches half its full level, for regions "
        "outside the early wave (logistic rise; multiplies the base appeal).",
        "DOMAIN.md (ICSR, December 2013): the flow began with the civil war in 2012-2013, up to "
        "11,000 by December 2013; NYT 2015-09-26 (about 15,000 by September 2014); calibrated.",
        group=RECRUITMENT,
        label="War's salience abroad: half-way month",
    )
    salience_width: float = parameter_field(
        4.0,
        1.0,
        12.0,
        "month",
        "Time scale of the logistic rise of the war's salience abroad (10% to 90% in 4.4 x this).",
        "Assumption: the war's appeal grew over 2012-2013 (DOMAIN.md); calibrated.",
        group=RECRUITMENT,
        label="War's salience abroad: rise time",
    )
    caliphate_effect: float = parameter_field(
        0.0,
        0.0,
        4.0,
        "dimensionless",
        "Relative rise of the base appeal with the caliphate: over June 2014 (Mosul fell on 10 "
        "June, the caliphate was proclaimed on 29 June) the base appeal rises linearly to "
        "(1 + this) times the war's.",
        "DOMAIN.md: Mosul fell on 10 June 2014 and the caliphate was proclaimed on 29 June 2014; "
        "NYT 2015-09-26: about 15,000 foreign fighters by September 2014, nearly 30,000 a year "
        "later. 0 in the baseline: estimated, the jump fitted the figures and predicted each "
        "left-out article no better than the territory the caliphate seized, which acts "
        "through the success loop (docs/calibration.md, 'The caliphate: two structures').",
        group=RECRUITMENT,
        label="Rise of appeal with the caliphate",
    )
    early_wave_lead: float = parameter_field(
        8.0,
        0.0,
        24.0,
        "month",
        "How many months earlier the war's salience rises in early-wave regions (regional "
        "early_wave = 1).",
        "DOMAIN.md (ICSR, December 2013): Europeans and Tunisians were early; Washington Post "
        "2016-09-11 (France: 69 in H1 2015, fourfold fewer in H1 2016); calibrated.",
        group=RECRUITMENT,
        label="Lead of the early-wave regions",
    )
    appeal_territory: float = parameter_field(
        3.0,
        0.0,
        4.0,
        "dimensionless",
        "Appeal added by the group's success at full perceived territory, momentum, pay and "
        "strength.",
        "Daily Beast 2015-04-30 ('success breeds recruitment'); Washington Post 2016-09-11 "
        "(appeal 'rested on its strength and its winning'); calibrated.",
        group=RECRUITMENT,
        label="Appeal of the group's success",
    )
    momentum_sensitivity: float = parameter_field(
        2.0,
        0.0,
        6.0,
        "per (index/year)",
        "Steepness of the appeal's response to territorial momentum (gain or loss per year).",
        "Assumption: momentum matters as well as extent (Daily Beast 2015-04-30; "
        "CounterPunch 2017-03-24 on victory as 'divine intervention'); calibrated.",
        group=RECRUITMENT,
        label="Response to territorial momentum",
    )
    perception_delay: float = parameter_field(
        6.0,
        1.0,
        24.0,
        "month",
        "Time for news of territorial gains and losses to shape appeal abroad.",
        "Assumption: the group 'spun the losses as wins' on social media (Daily Beast "
        "2015-04-30), so perception lags events by months.",
        group=RECRUITMENT,
        label="Delay before news shapes appeal",
    )
    pay_elasticity: float = parameter_field(
        0.5,
        0.0,
        1.0,
        "dimensionless",
        "Elasticity of appeal to foreign fighters' pay (pay relative to $1,000 a month).",
        "Haaretz 2016-06-26: $1,000 a month and free housing 'drew many foreigners'; pay cut "
        "to $400 as numbers fell.",
        group=RECRUITMENT,
        label="Response of appeal to pay",
    )
    strength_half: float = parameter_field(
        10000.0,
        1000.0,
        100000.0,
        "persons",
        "Fighters in theatre (foreign and local) at which the strength effect on appeal is half "
        "its maximum: the spiral of decline.",
        "Assumption; Washington Post 2016-09-11 ('self-reinforcing spiral of decline').",
        group=RECRUITMENT,
        label="Fighters at half the strength effect",
    )
    network_strength: float = parameter_field(
        2.0,
        0.0,
        3.0,
        "dimensionless",
        "Extra departures when a region's radical circle is all in theatre: friends and family "
        "pulling others (multiplier 1 + strength x share in theatre).",
        "NYMag/NYT 2015-09-27 (Byman: a 'network effect' where friends and family bring "
        "others); calibrated.",
        group=RECRUITMENT,
        label="Pull of friends and family",
    )
