"""Positions of stocks, drivers and parameters in the flat arrays the numerical kernel uses.

The kernel (``ffsim.core.rhs``) works on plain float arrays so that it can be compiled; this module
is the one place that names each position. Every position is derived from a tuple of names (a
misspelt name fails at import), and the arithmetic of the blocks is in functions that the
compiled kernel inlines and Python code calls alike:

- the state vector: one block of ``N_REGIONAL_STOCKS`` integrated stocks per region,
  region-major (:func:`regional_index`), followed by the global stocks (:func:`global_index`);
  the closed-form regional stocks (``CLOSED_FORM_STOCK_NAMES``) are not in it;
- the packed parameter vector: the global parameters, then one block of ``n_regions`` values
  per regional parameter (:func:`regional_parameter_index`).
"""

from __future__ import annotations

from numba.extending import register_jitable

from ffsim.core import structure

# Per-region stocks (persons), named in ``ffsim.core.structure``. The first seven are the people
# ledger; the last five are accumulators of flows, kept as stocks so that monthly flows are exact
# differences. The last one, cumulative radicalisation, has a constant inflow (the region's
# radicalisation rate), so it is closed-form, ``radicalisation_rate x months since the start``: it
# is computed on output (``ffsim.core.results``) and not held in the state vector, whose regional
# blocks hold the first ``N_REGIONAL_STOCKS`` names.
REGIONAL_STOCK_NAMES: tuple[str, ...] = structure.stock_names(regional=True)
CLOSED_FORM_STOCK_NAMES: tuple[str, ...] = tuple(
    name for name in REGIONAL_STOCK_NAMES if structure.STOCKS[name].closed_form
)
"""Regional stocks computed in closed form on output, never integrated (the last names)."""
N_REGIONAL_STOCKS = len(REGIONAL_STOCK_NAMES) - len(CLOSED_FORM_STOCK_NAMES)
"""Regional stocks held in the state vector, per region (the integrated ones)."""
assert REGIONAL_STOCK_NAMES[N_REGIONAL_STOCKS:] == CLOSED_FORM_STOCK_NAMES
POOL = REGIONAL_STOCK_NAMES.index("pool")
IN_TRANSIT = REGIONAL_STOCK_NAMES.index("in_transit")
IN_THEATRE = REGIONAL_STOCK_NAMES.index("in_theatre")
RETURNED = REGIONAL_STOCK_NAMES.index("returned")
KILLED = REGIONAL_STOCK_NAMES.index("killed")
MOVED_ON = REGIONAL_STOCK_NAMES.index("moved_on")
STOPPED = REGIONAL_STOCK_NAMES.index("stopped")
INTERCEPTED = REGIONAL_STOCK_NAMES.index("intercepted")
CUM_DEPARTURES = REGIONAL_STOCK_NAMES.index("cumulative_departures")
CUM_ARRIVALS = REGIONAL_STOCK_NAMES.index("cumulative_arrivals")
FIGHTERS_ARRIVED = REGIONAL_STOCK_NAMES.index("fighters_arrived")
CUM_RADICALISATION = REGIONAL_STOCK_NAMES.index("cumulative_radicalisation")

# Global stocks, after the regional block: perceived territory (index, the information delay
# of the territory driver), local (Syrian and Iraqi) fighters and local fighters killed
# (persons), named in ``ffsim.core.structure``.
GLOBAL_STOCK_NAMES: tuple[str, ...] = structure.stock_names(regional=False)
N_GLOBAL_STOCKS = len(GLOBAL_STOCK_NAMES)
PERCEIVED_TERRITORY = GLOBAL_STOCK_NAMES.index("perceived_territory")
LOCAL_IN_THEATRE = GLOBAL_STOCK_NAMES.index("local_in_theatre")
LOCAL_KILLED = GLOBAL_STOCK_NAMES.index("local_killed")

# Drivers, in the order of the columns of a driver table.
DRIVER_NAMES: tuple[str, ...] = ("territory", "pay", "air_campaign", "border_closure", "prevention")
# Inputs the kernel reads besides the drivers, derived from them and from the calendar
# (``ffsim.core.drivers.Drivers.inputs``): columns after the drivers in the kernel's input
# table. Calendar time is in months since 2012-01-01 (the war's salience abroad is a function of
# it); territory loss is the territory retaken over the last quarter, per year (index/year, >= 0).
INPUT_NAMES: tuple[str, ...] = (*DRIVER_NAMES, "calendar_time", "territory_loss")
N_INPUTS = len(INPUT_NAMES)
TERRITORY = INPUT_NAMES.index("territory")
PAY = INPUT_NAMES.index("pay")
AIR_CAMPAIGN = INPUT_NAMES.index("air_campaign")
BORDER_CLOSURE = INPUT_NAMES.index("border_closure")
PREVENTION = INPUT_NAMES.index("prevention")
CALENDAR_TIME = INPUT_NAMES.index("calendar_time")
TERRITORY_LOSS = INPUT_NAMES.index("territory_loss")

# Parameters: global scalars first, then one block of n_regions values per regional parameter,
# in the order of the fields of ``ffsim.core.parameters.Parameters`` (which refuses to import
# if the two disagree). ``P_<NAME>`` is the position of global parameter ``<name>`` and
# ``R_<NAME>`` the number of the block of regional parameter ``<name>``.
GLOBAL_PARAMETERS: tuple[str, ...] = (
    "pool_exit_rate",
    "departure_rate",
    "appeal_base",
    "salience_midpoint",
    "salience_width",
    "caliphate_effect",
    "early_wave_lead",
    "appeal_territory",
    "momentum_sensitivity",
    "perception_delay",
    "pay_elasticity",
    "strength_half",
    "network_strength",
    "border_deterrence",
    "border_stop_max",
    "transit_time",
    "retry_propensity",
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
    "women_minors_early",
    "women_minors_mid",
)
REGIONAL_PARAMETERS: tuple[str, ...] = (
    "radicalisation_rate",
    "return_propensity",
    "early_wave",
    "prevention_share",
    "death_propensity",
    "women_minors_share",
)
N_GLOBAL_PARAMETERS = len(GLOBAL_PARAMETERS)
P_POOL_EXIT_RATE = GLOBAL_PARAMETERS.index("pool_exit_rate")
P_DEPARTURE_RATE = GLOBAL_PARAMETERS.index("departure_rate")
P_APPEAL_BASE = GLOBAL_PARAMETERS.index("appeal_base")
P_SALIENCE_MIDPOINT = GLOBAL_PARAMETERS.index("salience_midpoint")
P_SALIENCE_WIDTH = GLOBAL_PARAMETERS.index("salience_width")
P_CALIPHATE_EFFECT = GLOBAL_PARAMETERS.index("caliphate_effect")
P_EARLY_WAVE_LEAD = GLOBAL_PARAMETERS.index("early_wave_lead")
P_APPEAL_TERRITORY = GLOBAL_PARAMETERS.index("appeal_territory")
P_MOMENTUM_SENSITIVITY = GLOBAL_PARAMETERS.index("momentum_sensitivity")
P_PERCEPTION_DELAY = GLOBAL_PARAMETERS.index("perception_delay")
P_PAY_ELASTICITY = GLOBAL_PARAMETERS.index("pay_elasticity")
P_STRENGTH_HALF = GLOBAL_PARAMETERS.index("strength_half")
P_NETWORK_STRENGTH = GLOBAL_PARAMETERS.index("network_strength")
P_BORDER_DETERRENCE = GLOBAL_PARAMETERS.index("border_deterrence")
P_BORDER_STOP_MAX = GLOBAL_PARAMETERS.index("border_stop_max")
P_TRANSIT_TIME = GLOBAL_PARAMETERS.index("transit_time")
P_RETRY_PROPENSITY = GLOBAL_PARAMETERS.index("retry_propensity")
P_COMBAT_MORTALITY = GLOBAL_PARAMETERS.index("combat_mortality")
P_AIR_LETHALITY = GLOBAL_PARAMETERS.index("air_lethality")
P_GROUND_LETHALITY = GLOBAL_PARAMETERS.index("ground_lethality")
P_FOREIGN_DEATH_RATE = GLOBAL_PARAMETERS.index("foreign_death_rate")
P_RETURN_RATE = GLOBAL_PARAMETERS.index("return_rate")
P_DESERTION_SENSITIVITY = GLOBAL_PARAMETERS.index("desertion_sensitivity")
P_ONWARD_RATE = GLOBAL_PARAMETERS.index("onward_rate")
P_EXIT_BLOCKING = GLOBAL_PARAMETERS.index("exit_blocking")
P_INITIAL_IN_THEATRE = GLOBAL_PARAMETERS.index("initial_in_theatre")
P_LOCAL_RECRUITMENT = GLOBAL_PARAMETERS.index("local_recruitment")
P_LOCAL_EXIT_RATE = GLOBAL_PARAMETERS.index("local_exit_rate")
P_LOCAL_INITIAL = GLOBAL_PARAMETERS.index("local_initial")
P_COUNTER_MESSAGING = GLOBAL_PARAMETERS.index("counter_messaging")
P_REINTEGRATION_OFFER = GLOBAL_PARAMETERS.index("reintegration_offer")
P_WOMEN_MINORS_EARLY = GLOBAL_PARAMETERS.index("women_minors_early")
P_WOMEN_MINORS_MID = GLOBAL_PARAMETERS.index("women_minors_mid")
R_RADICALISATION_RATE = REGIONAL_PARAMETERS.index("radicalisation_rate")
R_RETURN_PROPENSITY = REGIONAL_PARAMETERS.index("return_propensity")
R_EARLY_WAVE = REGIONAL_PARAMETERS.index("early_wave")
R_PREVENTION_SHARE = REGIONAL_PARAMETERS.index("prevention_share")
R_DEATH_PROPENSITY = REGIONAL_PARAMETERS.index("death_propensity")
R_WOMEN_MINORS_SHARE = REGIONAL_PARAMETERS.index("women_minors_share")


@register_jitable
def regional_index(region: int, stock: int) -> int:
    """Position in the state vector of regional stock ``stock`` (e.g. ``IN_THEATRE``) of the
    region numbered ``region`` (its position in ``ffsim.core.regions.REGION_IDS``).
    """
    return region * N_REGIONAL_STOCKS + stock


@register_jitable
def global_index(n_regions: int, stock: int) -> int:
    """Position in the state vector of global stock ``stock`` (e.g. ``LOCAL_KILLED``) when there
    are ``n_regions`` regions.
    """
    return n_regions * N_REGIONAL_STOCKS + stock


@register_jitable
def regional_parameter_index(n_regions: int, parameter: int, region: int) -> int:
    """Position in the packed parameter vector of regional parameter ``parameter`` (e.g.
    ``R_EARLY_WAVE``) of the region numbered ``region``, when there are ``n_regions`` regions.
    """
    return N_GLOBAL_PARAMETERS + parameter * n_regions + region


@register_jitable
def n_state(n_regions: int) -> int:
    """Length of the state vector for ``n_regions`` regions."""
    return global_index(n_regions, N_GLOBAL_STOCKS)


@register_jitable
def n_regions_of(n_state: int) -> int:
    """Number of regions for a state vector of length ``n_state``."""
    return (n_state - N_GLOBAL_STOCKS) // N_REGIONAL_STOCKS


def n_parameters(n_regions: int) -> int:
    """Length of the packed parameter vector for ``n_regions`` regions."""
    return N_GLOBAL_PARAMETERS + len(REGIONAL_PARAMETERS) * n_regions
