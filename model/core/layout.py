"""Positions of stocks, drivers and parameters in the flat arrays the numerical kernel uses.

The kernel (``ffsim.core.rhs``) works on plain float arrays so that it can be compiled; this module
is the one place that names each position. Per-region stocks are stored region-major:
index ``region * N_REGIONAL_STOCKS + stock``, followed by the global stocks.
"""

from __future__ import annotations

# Per-region stocks (persons). The first seven are the people ledger; the last three are
# accumulators of flows, kept as stocks so that monthly flows are exact differences.
POOL = 0  # would-be recruits (sympathiser pool)
IN_TRANSIT = 1
IN_THEATRE = 2
RETURNED = 3
KILLED = 4
MOVED_ON = 5
INTERCEPTED = 6
CUM_DEPARTURES = 7
CUM_ARRIVALS = 8
CUM_RADICALISATION = 9
N_REGIONAL_STOCKS = 10

REGIONAL_STOCK_NAMES: tuple[str, ...] = (
    "pool",
    "in_transit",
    "in_theatre",
    "returned",
    "killed",
    "moved_on",
    "intercepted",
    "cumulative_departures",
    "cumulative_arrivals",
    "cumulative_radicalisation",
)

# Global stocks, after the regional block (offsets from n_regions * N_REGIONAL_STOCKS).
PERCEIVED_TERRITORY = 0  # index, information delay of the territory driver
LOCAL_IN_THEATRE = 1  # persons, local (Syrian and Iraqi) fighters
LOCAL_KILLED = 2  # persons
N_GLOBAL_STOCKS = 3
GLOBAL_STOCK_NAMES: tuple[str, ...] = ("perceived_territory", "local_in_theatre", "local_killed")

# Drivers, in the order of the columns of a driver table.
TERRITORY = 0
PAY = 1
AIR_CAMPAIGN = 2
BORDER_CLOSURE = 3
PREVENTION = 4
DRIVER_NAMES: tuple[str, ...] = ("territory", "pay", "air_campaign", "border_closure", "prevention")
# Inputs the kernel reads besides the drivers, derived from them and from the calendar
# (``ffsim.core.simulate.kernel_inputs``): columns after the drivers in the kernel's input table.
CALENDAR_TIME = 5  # months since 2012-01-01 (the war's salience abroad is a function of it)
TERRITORY_LOSS = 6  # territory retaken over the last quarter, per year (index/year, >= 0)
INPUT_NAMES: tuple[str, ...] = (*DRIVER_NAMES, "calendar_time", "territory_loss")
N_INPUTS = len(INPUT_NAMES)

# Parameters: global scalars first, then one block of n_regions values per regional parameter.
GLOBAL_PARAMETERS: tuple[str, ...] = (
    "pool_exit_rate",
    "departure_rate",
    "appeal_base",
    "salience_midpoint",
    "salience_width",
    "early_wave_lead",
    "appeal_territory",
    "momentum_sensitivity",
    "perception_delay",
    "pay_elasticity",
    "strength_half",
    "network_strength",
    "border_deterrence",
    "transit_time",
    "combat_mortality",
    "air_lethality",
    "ground_lethality",
    "foreign_death_rate",
    "return_rate",
    "desertion_sensitivity",
    "onward_rate",
    "exit_blocking",
    "initial_in_theatre",
    "local_recruitment",
    "local_exit_rate",
    "local_initial",
    "counter_messaging",
    "reintegration_offer",
)
REGIONAL_PARAMETERS: tuple[str, ...] = ("radicalisation_rate", "return_propensity", "early_wave")
N_GLOBAL_PARAMETERS = len(GLOBAL_PARAMETERS)

(
    P_POOL_EXIT_RATE,
    P_DEPARTURE_RATE,
    P_APPEAL_BASE,
    P_SALIENCE_MIDPOINT,
    P_SALIENCE_WIDTH,
    P_EARLY_WAVE_LEAD,
    P_APPEAL_TERRITORY,
    P_MOMENTUM_SENSITIVITY,
    P_PERCEPTION_DELAY,
    P_PAY_ELASTICITY,
    P_STRENGTH_HALF,
    P_NETWORK_STRENGTH,
    P_BORDER_DETERRENCE,
    P_TRANSIT_TIME,
    P_COMBAT_MORTALITY,
    P_AIR_LETHALITY,
    P_GROUND_LETHALITY,
    P_FOREIGN_DEATH_RATE,
    P_RETURN_RATE,
    P_DESERTION_SENSITIVITY,
    P_ONWARD_RATE,
    P_EXIT_BLOCKING,
    P_INITIAL_IN_THEATRE,
    P_LOCAL_RECRUITMENT,
    P_LOCAL_EXIT_RATE,
    P_LOCAL_INITIAL,
    P_COUNTER_MESSAGING,
    P_REINTEGRATION_OFFER,
) = range(N_GLOBAL_PARAMETERS)
R_RADICALISATION_RATE = 0
R_RETURN_PROPENSITY = 1
R_EARLY_WAVE = 2


def n_state(n_regions: int) -> int:
    """Length of the state vector for ``n_regions`` regions."""
    return n_regions * N_REGIONAL_STOCKS + N_GLOBAL_STOCKS


def n_parameters(n_regions: int) -> int:
    """Length of the packed parameter vector for ``n_regions`` regions."""
    return N_GLOBAL_PARAMETERS + len(REGIONAL_PARAMETERS) * n_regions
