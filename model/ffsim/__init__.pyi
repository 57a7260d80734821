"""The public names of :mod:`ffsim`, each with the module that owns it: the one list of them.

Type checkers and editors read this stub; at run time ``ffsim/__init__.py`` reads the same
imports to load each name from its owner on first use (as SPEC 1's ``lazy_loader`` does).
"""

from ffsim.calibration.baseline import baseline_parameters as baseline_parameters
from ffsim.calibration.baseline import read_artifact as read_artifact
from ffsim.calibration.baseline import use_artifact as use_artifact
from ffsim.calibration.observations import load_observations as load_observations
from ffsim.calibration.observations import load_validation as load_validation
from ffsim.calibration.uncertainty import band as band
from ffsim.calibration.uncertainty import posterior_ensemble as posterior_ensemble
from ffsim.core.drivers import DEFAULT_DRIVERS as DEFAULT_DRIVERS
from ffsim.core.drivers import Drivers as Drivers
from ffsim.core.errors import InputError as InputError
from ffsim.core.euler import simulate_euler as simulate_euler
from ffsim.core.outputs import Output as Output
from ffsim.core.outputs import Selection as Selection
from ffsim.core.parameters import Parameters as Parameters
from ffsim.core.regions import REGION_IDS as REGION_IDS
from ffsim.core.results import Result as Result
from ffsim.core.simulate import Settings as Settings
from ffsim.core.simulate import simulate_ensemble as simulate_ensemble
from ffsim.core.simulate import simulate_outputs as simulate_outputs
from ffsim.exchange.xmile import write_xmile as write_xmile
from ffsim.exploration.run import experiments as experiments
from ffsim.scenarios.attribution import explain as explain
from ffsim.scenarios.compare import compare as compare
from ffsim.scenarios.scenario import Scenario as Scenario
from ffsim.scenarios.scenario import baseline_scenario as baseline_scenario
from ffsim.scenarios.scenario import load_scenario as load_scenario
from ffsim.scenarios.simulation import simulate as simulate
from ffsim.scenarios.source import shipped_names as shipped_names

__version__: str
PUBLIC: dict[str, str]
