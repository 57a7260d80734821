"""The right-hand side: named flows, then each stock's inflows minus its outflows.

Pure functions of ``(state, params, drivers)``: time enters only through the driver values at
that instant. Compiled with numba (see README, "Speed"); with ``NUMBA_DISABLE_JIT=1`` the same
code runs as plain Python. Rates are per month, stocks are persons.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from ffsim.core.drivers import EPOCH, months_since
from ffsim.core.jit import kernel
from ffsim.core.layout import (
    AIR_CAMPAIGN,
    BORDER_CLOSURE,
    CALENDAR_TIME,
    CUM_ARRIVALS,
    CUM_DEPARTURES,
    FIGHTERS_ARRIVED,
    IN_THEATRE,
    IN_TRANSIT,
    INTERCEPTED,
    KILLED,
    LOCAL_IN_THEATRE,
    LOCAL_KILLED,
    MOVED_ON,
    P_AIR_LETHALITY,
    P_APPEAL_BASE,
    P_APPEAL_TERRITORY,
    P_BORDER_DETERRENCE,
    P_BORDER_STOP_MAX,
    P_CALIPHATE_EFFECT,
    P_COMBAT_MORTALITY,
    P_COUNTER_MESSAGING,
    P_DEPARTURE_RATE,
    P_DESERTION_SENSITIVITY,
    P_EARLY_WAVE_LEAD,
    P_EXIT_BLOCKING,
    P_FOREIGN_DEATH_RATE,
    P_GROUND_LETHALITY,
    P_INITIAL_IN_THEATRE,
    P_LOCAL_EXIT_RATE,
    P_LOCAL_INITIAL,
    P_LOCAL_RECRUITMENT,
    P_MOMENTUM_SENSITIVITY,
    P_NETWORK_STRENGTH,
    P_ONWARD_RATE,
    P_PAY_ELASTICITY,
    P_PERCEPTION_DELAY,
    P_POOL_EXIT_RATE,
    P_REINTEGRATION_OFFER,
    P_RETRY_PROPENSITY,
    P_RETURN_RATE,
    P_SALIENCE_MIDPOINT,
    P_SALIENCE_WIDTH,
    P_STRENGTH_HALF,
    P_TRANSIT_TIME,
    P_WOMEN_MINORS_EARLY,
    P_WOMEN_MINORS_MID,
    PAY,
    PERCEIVED_TERRITORY,
    POOL,
    PREVENTION,
    R_DEATH_PROPENSITY,
    R_EARLY_WAVE,
    R_PREVENTION_SHARE,
    R_RADICALISATION_RATE,
    R_RETURN_PROPENSITY,
    R_WOMEN_MINORS_SHARE,
    RETURNED,
    STOPPED,
    TERRITORY,
    TERRITORY_LOSS,
    global_index,
    n_regions_of,
    n_state,
    regional_index,
    regional_parameter_index,
)

PAY_REFERENCE_USD = 1000.0
"""Pay at which the pay effect on appeal is 1 (USD/month): mid-2014 pay (Haaretz 2016-06-26)."""

NETWORK_FLOOR = 1.0
"""Persons added to a region's radical circle in the network share, so an empty region is 0/1."""


# Factors that depend only on the parameters and the inputs at one instant (one row of the
# driver table): computed once per row by :func:`row_factors`, not at every Runge-Kutta stage.
N_ROW_FACTORS = 14
(
    G_TERRITORY,
    G_DEPARTURE_SCALE,
    G_PAY_EFFECT,
    G_BASE_APPEAL_EARLY,
    G_BASE_APPEAL_LATE,
    G_NETWORK_GAIN,
    G_PREVENTION,
    G_ARRIVAL_RATE,
    G_BORDER_STOP_RATE,
    G_FOREIGN_DEATH_HAZARD,
    G_COMBAT_HAZARD,
    G_EXIT_OPEN,
    G_REINTEGRATION,
    G_KIND_PERIOD,
) = range(N_ROW_FACTORS)

# Factors that depend on the state as well, computed per member in :func:`derivatives`.
N_STATE_FACTORS = 3
(F_SUCCESS_APPEAL, F_RETURN_HAZARD, F_ONWARD_HAZARD) = range(N_STATE_FACTORS)

N_FACTORS = N_ROW_FACTORS + N_STATE_FACTORS
"""Rows of the scratch space of :func:`rhs_into`: the row factors, then the state factors."""

SALIENCE_CLAMP = 40.0
"""Largest |argument| of the salience logistic: beyond it the salience is 0 or 1 to 1e-17."""

CALIPHATE_RAMP_START = months_since(EPOCH, dt.date(2014, 6, 1))
"""Start of the caliphate's rise in appeal (months since 2012-01-01): 1 June 2014, the start of
the month in which Mosul fell (10 June) and the caliphate was proclaimed (29 June; DOMAIN.md).
The ramp runs over that calendar month, so that its two kinks fall on month boundaries, which
are boundaries of every integration step (1/n of a month): the Runge-Kutta steps stay smooth."""

CALIPHATE_RAMP_END = months_since(EPOCH, dt.date(2014, 7, 1))
"""End of the rise (months since 2012-01-01): 1 July 2014, after the proclamation."""

KINDS_LATE_START = months_since(EPOCH, dt.date(2015, 7, 1))
"""Start of the third period of the shares of women and minors among arrivals (months since
2012-01-01): 1 July 2015. The national counts of the time rise in three steps: before the
caliphate, in its first year, and from mid-2015 (France: women 26% of departures in 2014, 44% in
2015; Germany's BfV: 5% in 2013, 14% by mid-2015, 20% by July 2016; docs/calibration.md,
"Travellers by kind"). The share rises linearly over July 2015, so that its kinks fall on month
boundaries, as the caliphate's ramp does."""

KINDS_LATE_END = months_since(EPOCH, dt.date(2015, 8, 1))
"""End of the rise to the third period's shares of women and minors: 1 August 2015."""


@kernel()
def salience(months: float, midpoint: float, width: float) -> float:
    """The war's salience abroad (0 to 1): a logistic rise with ``midpoint`` and ``width``.

    ``months`` is calendar time in months since 2012-01-01; ``midpoint`` is the month of
    half salience and ``width`` its time scale (months).
    """
    x = (months - midpoint) / width
    x = min(max(x, -SALIENCE_CLAMP), SALIENCE_CLAMP)
    return 1.0 / (1.0 + math.exp(-x))


@kernel()
def caliphate(months: float) -> float:
    """The caliphate event (0 to 1): 0 before June 2014, rising linearly over June 2014 (the fall
    of Mosul and the proclamation of the caliphate) and 1 after (``months`` since 2012-01-01).
    """
    x = (months - CALIPHATE_RAMP_START) / (CALIPHATE_RAMP_END - CALIPHATE_RAMP_START)
    return min(max(x, 0.0), 1.0)


@kernel()
def row_factors(p: np.ndarray, d: np.ndarray, g: np.ndarray) -> None:
    """Write into ``g`` the factors of the flows that depend only on parameters and inputs.

    Parameters
    ----------
    p
        Packed parameters, shape (n_params, B).
    d
        Inputs at one instant, shape (N_INPUTS, B), or (N_INPUTS, 1) when shared by all members.
    g
        Output, shape (N_ROW_FACTORS, B): the territory index; the departure scale
        (departure rate x border deterrence, per month); the pay effect on appeal,
        ``(pay / $1,000) ** pay_elasticity``; the base appeal of early-wave and other regions
        (``appeal_base`` x the war's salience x ``(1 + caliphate_effect x caliphate)``); the
        network gain; the prevention index (each region's share stopped at home is its
        ``prevention_share`` times it); the arrival and border-stop rates of those in transit
        (per month; the stop probability is ``border_stop_max`` x the closure index, at most
        1); the foreign-fighter and local death hazards (per month, raised by the air campaign
        and ground offensives); the share of exits from theatre left open by the border;
        ``1 + reintegration_offer``; the period factor of the share of women and minors
        among arrivals (``women_minors_early`` before June 2014, rising to
        ``women_minors_mid`` over the month of the caliphate, and to 1 over July 2015).
    """
    n_members = p.shape[1]
    shared = d.shape[1] == 1
    for b in range(n_members):
        db = 0 if shared else b
        # Probability that a crossing is stopped: the effect at full closure x the closure index.
        border = min(p[P_BORDER_STOP_MAX, b] * d[BORDER_CLOSURE, db], 1.0)
        months = d[CALENDAR_TIME, db]
        after_caliphate = caliphate(months)
        caliphate_gain = 1.0 + p[P_CALIPHATE_EFFECT, b] * after_caliphate
        midpoint = p[P_SALIENCE_MIDPOINT, b]
        width = p[P_SALIENCE_WIDTH, b]
        # Deaths rise with the air campaign and with the ground offensives that retake territory.
        combat_multiplier = (
            1.0
            + p[P_AIR_LETHALITY, b] * d[AIR_CAMPAIGN, db]
            + p[P_GROUND_LETHALITY, b] * d[TERRITORY_LOSS, db]
        )
        transit_exit = 1.0 / p[P_TRANSIT_TIME, b]
        g[G_TERRITORY, b] = d[TERRITORY, db]
        g[G_DEPARTURE_SCALE, b] = p[P_DEPARTURE_RATE, b] * (
            1.0 - p[P_BORDER_DETERRENCE, b] * border
        )
        g[G_PAY_EFFECT, b] = (max(d[PAY, db], 0.0) / PAY_REFERENCE_USD) ** p[P_PAY_ELASTICITY, b]
        g[G_BASE_APPEAL_EARLY, b] = (
            p[P_APPEAL_BASE, b]
            * salience(months + p[P_EARLY_WAVE_LEAD, b], midpoint, width)
            * caliphate_gain
        )
        g[G_BASE_APPEAL_LATE, b] = (
            p[P_APPEAL_BASE, b] * salience(months, midpoint, width) * caliphate_gain
        )
        g[G_NETWORK_GAIN, b] = p[P_NETWORK_STRENGTH, b] * (1.0 - p[P_COUNTER_MESSAGING, b])
        g[G_PREVENTION, b] = d[PREVENTION, db]
        g[G_ARRIVAL_RATE, b] = (1.0 - border) * transit_exit
        g[G_BORDER_STOP_RATE, b] = border * transit_exit
        g[G_FOREIGN_DEATH_HAZARD, b] = p[P_FOREIGN_DEATH_RATE, b] * combat_multiplier
        g[G_COMBAT_HAZARD, b] = p[P_COMBAT_MORTALITY, b] * combat_multiplier
        g[G_EXIT_OPEN, b] = 1.0 - p[P_EXIT_BLOCKING, b] * border
        g[G_REINTEGRATION, b] = 1.0 + p[P_REINTEGRATION_OFFER, b]
        early_kind = p[P_WOMEN_MINORS_EARLY, b]
        mid_kind = p[P_WOMEN_MINORS_MID, b]
        late = (months - KINDS_LATE_START) / (KINDS_LATE_END - KINDS_LATE_START)
        late = min(max(late, 0.0), 1.0)  # a ramp over July 2015
        g[G_KIND_PERIOD, b] = (
            early_kind + (mid_kind - early_kind) * after_caliphate + (1.0 - mid_kind) * late
        )


@kernel()
def derivatives(
    y: np.ndarray, p: np.ndarray, g: np.ndarray, dydt: np.ndarray, f: np.ndarray
) -> None:
    """Write the derivatives of an ensemble of states into ``dydt`` (persons/month).

    Parameters
    ----------
    y
        States, shape (n_state, B): one column per member, rows in ``ffsim.core.layout`` order
        (persons; perceived territory as an index).
    p
        Packed parameters, shape (n_params, B) (columns of ``Parameters.pack``).
    g
        Row factors at this instant, shape (N_ROW_FACTORS, B), from :func:`row_factors`.
    dydt
        Output, shape (n_state, B).
    f
        Scratch space, shape (N_STATE_FACTORS, B); its contents on entry are ignored. Output
        and scratch are the only arrays written.
    """
    nr = n_regions_of(y.shape[0])
    n_members = y.shape[1]

    # Per-member factors that depend on the state: appeal of success, return and onward hazards.
    for b in range(n_members):
        # Success = perceived territory x momentum effect x pay effect x strength effect. The
        # momentum effect is the sigmoid 1 + z / sqrt(1 + z**2) of z = momentum_sensitivity x
        # yearly trend of perceived territory (1 when flat, between 0 and 2; an algebraic
        # sigmoid, which costs a square root where a logistic would cost an exponential); the
        # strength effect is S / (S + strength_half), S all fighters in theatre (the spiral of
        # decline).
        perceived = max(y[global_index(nr, PERCEIVED_TERRITORY), b], 0.0)
        trend_per_year = 12.0 * (g[G_TERRITORY, b] - perceived) / p[P_PERCEPTION_DELAY, b]
        z = p[P_MOMENTUM_SENSITIVITY, b] * trend_per_year
        momentum_effect = 1.0 + z / math.sqrt(1.0 + z * z)
        strength = max(y[global_index(nr, LOCAL_IN_THEATRE), b], 0.0)
        for r in range(nr):
            strength += max(y[regional_index(r, IN_THEATRE), b], 0.0)
        strength_effect = strength / (strength + p[P_STRENGTH_HALF, b])
        success = perceived * momentum_effect * g[G_PAY_EFFECT, b] * strength_effect
        f[F_SUCCESS_APPEAL, b] = p[P_APPEAL_TERRITORY, b] * success
        f[F_RETURN_HAZARD, b] = (
            p[P_RETURN_RATE, b]
            * (1.0 + p[P_DESERTION_SENSITIVITY, b] * (1.0 - perceived))
            * g[G_REINTEGRATION, b]
            * g[G_EXIT_OPEN, b]
        )
        f[F_ONWARD_HAZARD, b] = p[P_ONWARD_RATE, b] * (1.0 - perceived) * g[G_EXIT_OPEN, b]

    # Per-region flows (persons/month), all non-negative, then stocks: inflows minus outflows.
    # Rows are taken as 1-D views, so that the loop over members is over contiguous memory.
    departure_scale = g[G_DEPARTURE_SCALE]
    base_early = g[G_BASE_APPEAL_EARLY]
    base_late = g[G_BASE_APPEAL_LATE]
    network_gain = g[G_NETWORK_GAIN]
    prevention = g[G_PREVENTION]
    arrival_rate = g[G_ARRIVAL_RATE]
    border_stop_rate = g[G_BORDER_STOP_RATE]
    death_hazard = g[G_FOREIGN_DEATH_HAZARD]
    success_appeal = f[F_SUCCESS_APPEAL]
    return_hazard = f[F_RETURN_HAZARD]
    onward_hazard = f[F_ONWARD_HAZARD]
    kind_period = g[G_KIND_PERIOD]
    pool_exit = p[P_POOL_EXIT_RATE]
    retry_propensity = p[P_RETRY_PROPENSITY]
    for r in range(nr):
        y_pool = y[regional_index(r, POOL)]
        y_transit = y[regional_index(r, IN_TRANSIT)]
        y_theatre = y[regional_index(r, IN_THEATRE)]
        y_stopped = y[regional_index(r, STOPPED)]
        rates = p[regional_parameter_index(nr, R_RADICALISATION_RATE, r)]
        propensities = p[regional_parameter_index(nr, R_RETURN_PROPENSITY, r)]
        early_waves = p[regional_parameter_index(nr, R_EARLY_WAVE, r)]
        prevention_shares = p[regional_parameter_index(nr, R_PREVENTION_SHARE, r)]
        death_propensities = p[regional_parameter_index(nr, R_DEATH_PROPENSITY, r)]
        women_minors = p[regional_parameter_index(nr, R_WOMEN_MINORS_SHARE, r)]
        d_pool = dydt[regional_index(r, POOL)]
        d_transit = dydt[regional_index(r, IN_TRANSIT)]
        d_theatre = dydt[regional_index(r, IN_THEATRE)]
        d_returned = dydt[regional_index(r, RETURNED)]
        d_killed = dydt[regional_index(r, KILLED)]
        d_moved_on = dydt[regional_index(r, MOVED_ON)]
        d_stopped = dydt[regional_index(r, STOPPED)]
        d_intercepted = dydt[regional_index(r, INTERCEPTED)]
        d_departures = dydt[regional_index(r, CUM_DEPARTURES)]
        d_arrivals = dydt[regional_index(r, CUM_ARRIVALS)]
        d_fighters = dydt[regional_index(r, FIGHTERS_ARRIVED)]
        for b in range(n_members):
            pool = max(y_pool[b], 0.0)
            in_transit = max(y_transit[b], 0.0)
            in_theatre = max(y_theatre[b], 0.0)
            stopped = max(y_stopped[b], 0.0)
            early = early_waves[b]

            appeal = early * base_early[b] + (1.0 - early) * base_late[b] + success_appeal[b]
            network = 1.0 + network_gain[b] * in_theatre / (pool + in_theatre + NETWORK_FLOOR)
            disengagement = pool_exit[b] * pool
            # The pool's departure hazard (per month); the stopped set out again at
            # retry_propensity times it, and those stopped again at home stay stopped.
            hazard = departure_scale[b] * appeal * network
            departures = hazard * pool
            home_stop = min(prevention_shares[b] * prevention[b], 1.0)
            prevented_at_home = home_stop * departures
            entering_transit = departures - prevented_at_home
            retrying = retry_propensity[b] * hazard * (1.0 - home_stop) * stopped
            arrivals = arrival_rate[b] * in_transit
            stopped_at_border = border_stop_rate[b] * in_transit
            deaths = death_hazard[b] * death_propensities[b] * in_theatre
            returns = return_hazard[b] * propensities[b] * in_theatre
            onward = onward_hazard[b] * in_theatre

            d_pool[b] = rates[b] - disengagement - departures
            d_transit[b] = entering_transit + retrying - arrivals - stopped_at_border
            d_theatre[b] = arrivals - deaths - returns - onward
            d_returned[b] = returns
            d_killed[b] = deaths
            d_moved_on[b] = onward
            d_stopped[b] = prevented_at_home + stopped_at_border - retrying
            d_intercepted[b] = prevented_at_home + stopped_at_border
            d_departures[b] = departures
            d_arrivals[b] = arrivals
            d_fighters[b] = arrivals * (1.0 - min(women_minors[b] * kind_period[b], 1.0))

    # Theatre stocks: perceived territory (information delay) and local fighters.
    for b in range(n_members):
        territory = g[G_TERRITORY, b]
        local = max(y[global_index(nr, LOCAL_IN_THEATRE), b], 0.0)
        local_deaths = g[G_COMBAT_HAZARD, b] * local
        dydt[global_index(nr, PERCEIVED_TERRITORY), b] = (
            territory - y[global_index(nr, PERCEIVED_TERRITORY), b]
        ) / p[P_PERCEPTION_DELAY, b]
        dydt[global_index(nr, LOCAL_IN_THEATRE), b] = (
            p[P_LOCAL_RECRUITMENT, b] * territory - local_deaths - p[P_LOCAL_EXIT_RATE, b] * local
        )
        dydt[global_index(nr, LOCAL_KILLED), b] = local_deaths


@kernel()
def rhs_into(y: np.ndarray, p: np.ndarray, d: np.ndarray, dydt: np.ndarray, f: np.ndarray) -> None:
    """Write the derivatives of an ensemble of states into ``dydt`` (persons/month).

    :func:`row_factors` then :func:`derivatives`, for a caller that evaluates each instant once
    (an Euler step, a reference solver); the Runge-Kutta integrator calls the two apart, so that
    the row factors are computed once per row of the driver table.

    Parameters
    ----------
    y
        States, shape (n_state, B): one column per member, rows in ``ffsim.core.layout`` order
        (persons; perceived territory as an index).
    p
        Packed parameters, shape (n_params, B) (columns of ``Parameters.pack``).
    d
        Inputs at this instant, shape (N_INPUTS, B), or (N_INPUTS, 1) when shared by all
        members: the five drivers, calendar time and territory loss (``ffsim.core.layout``).
    dydt
        Output, shape (n_state, B).
    f
        Scratch space, shape (N_FACTORS, B), for the per-member factors; its contents on entry
        are ignored. Output and scratch are the only arrays written.
    """
    row_factors(p, d, f[:N_ROW_FACTORS])
    derivatives(y, p, f[:N_ROW_FACTORS], dydt, f[N_ROW_FACTORS:])


def rhs(y: np.ndarray, p: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The derivative (pure: returns a new array). See :func:`rhs_into`.

    Accepts one member (``y`` of shape (n_state,), ``p`` (n_params,), ``d`` (N_INPUTS,)) or an
    ensemble in the column layout of :func:`rhs_into`.
    """
    y = np.asarray(y, dtype=np.float64)
    single = y.ndim == 1
    y2 = np.ascontiguousarray(y.reshape(y.shape[0], -1))
    p2 = np.ascontiguousarray(np.asarray(p, dtype=np.float64).reshape(len(p), -1))
    d2 = np.ascontiguousarray(np.asarray(d, dtype=np.float64).reshape(len(d), -1))
    out = np.empty_like(y2)
    rhs_into(y2, p2, d2, out, np.empty((N_FACTORS, y2.shape[1])))
    return out[:, 0] if single else out


@kernel()
def initial_state(p: np.ndarray, d0: np.ndarray, n_regions: int) -> np.ndarray:
    """States at the start of the run, shape (n_state, B), for parameters ``p`` (n_params, B).

    Each region's pool is at its pre-war equilibrium ``radicalisation_rate / pool_exit_rate``
    (no outlet to Syria before 2012); ``initial_in_theatre`` is split across regions in
    proportion to radicalisation rates and counted as departed and arrived (its fighters at the
    share of women and minors before the caliphate); perceived territory
    equals the territory driver in ``d0`` (shape (N_INPUTS, B) or (N_INPUTS, 1)); local fighters
    start at ``local_initial``.
    """
    n_members = p.shape[1]
    shared = d0.shape[1] == 1
    y = np.zeros((n_state(n_regions), n_members))
    for b in range(n_members):
        total_rate = 0.0
        for r in range(n_regions):
            total_rate += p[regional_parameter_index(n_regions, R_RADICALISATION_RATE, r), b]
        for r in range(n_regions):
            rate = p[regional_parameter_index(n_regions, R_RADICALISATION_RATE, r), b]
            share = rate / total_rate if total_rate > 0.0 else 1.0 / n_regions
            y[regional_index(r, POOL), b] = rate / p[P_POOL_EXIT_RATE, b]
            y[regional_index(r, IN_THEATRE), b] = p[P_INITIAL_IN_THEATRE, b] * share
            y[regional_index(r, CUM_DEPARTURES), b] = y[regional_index(r, IN_THEATRE), b]
            y[regional_index(r, CUM_ARRIVALS), b] = y[regional_index(r, IN_THEATRE), b]
            women_minors = p[regional_parameter_index(n_regions, R_WOMEN_MINORS_SHARE, r), b]
            y[regional_index(r, FIGHTERS_ARRIVED), b] = y[regional_index(r, IN_THEATRE), b] * (
                1.0 - min(women_minors * p[P_WOMEN_MINORS_EARLY, b], 1.0)
            )
        y[global_index(n_regions, PERCEIVED_TERRITORY), b] = d0[TERRITORY, 0 if shared else b]
        y[global_index(n_regions, LOCAL_IN_THEATRE), b] = p[P_LOCAL_INITIAL, b]
    return y
