"""ffsim: a stock-and-flow model of foreign-fighter flows to Syria and Iraq, 2012-2018.

The public names are re-exported here; each is imported from its layer on first use, so that
``import ffsim`` (and the command line's start) stays fast::

    import ffsim

    result = ffsim.simulate(ffsim.baseline_parameters())
    result.stock("in_theatre", "tunisia")

Layers, each a subpackage: :mod:`ffsim.core` (parameters, drivers, the model and its
integration), :mod:`ffsim.calibration` (reported figures, estimation, the calibrated baseline,
vintages and forecast skill), :mod:`ffsim.scenarios` (scenario files, levers, comparison,
attribution, sensitivity), :mod:`ffsim.teaching` (diagrams and lessons) and :mod:`ffsim.cli`
(the ``ffsim`` command). The explorer is :mod:`ffsim.app_pages`.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("ffsim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

PUBLIC: dict[str, str] = {
    "Parameters": "ffsim.core.parameters",
    "Drivers": "ffsim.core.drivers",
    "DEFAULT_DRIVERS": "ffsim.core.drivers",
    "REGION_IDS": "ffsim.core.regions",
    "Settings": "ffsim.core.simulate",
    "simulate": "ffsim.core.simulate",
    "simulate_ensemble": "ffsim.core.simulate",
    "simulate_outputs": "ffsim.core.simulate",
    "Selection": "ffsim.core.outputs",
    "Output": "ffsim.core.outputs",
    "simulate_euler": "ffsim.core.euler",
    "Result": "ffsim.core.results",
    "InputError": "ffsim.core.errors",
    "baseline_parameters": "ffsim.calibration.baseline",
    "read_artifact": "ffsim.calibration.baseline",
    "use_artifact": "ffsim.calibration.baseline",
    "posterior_ensemble": "ffsim.calibration.uncertainty",
    "band": "ffsim.calibration.uncertainty",
    "load_observations": "ffsim.calibration.observations",
    "load_validation": "ffsim.calibration.observations",
    "Scenario": "ffsim.scenarios.scenario",
    "load_scenario": "ffsim.scenarios.scenario",
    "baseline_scenario": "ffsim.scenarios.scenario",
    "compare": "ffsim.scenarios.compare",
    "explain": "ffsim.scenarios.attribution",
    "write_xmile": "ffsim.exchange.xmile",
}
"""Public name -> the module that owns it."""

__all__ = ["PUBLIC", "__version__", *PUBLIC]


def __getattr__(name: str) -> Any:
    """Import a public name from its owner on first use (PEP 562)."""
    if name not in PUBLIC:
        raise AttributeError(f"module 'ffsim' has no attribute {name!r}")
    value = getattr(import_module(PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # the same names, for type checkers and editors
    from ffsim.calibration.baseline import (
        baseline_parameters as baseline_parameters,
    )
    from ffsim.calibration.baseline import (
        read_artifact as read_artifact,
    )
    from ffsim.calibration.baseline import (
        use_artifact as use_artifact,
    )
    from ffsim.calibration.observations import (
        load_observations as load_observations,
    )
    from ffsim.calibration.observations import (
        load_validation as load_validation,
    )
    from ffsim.calibration.uncertainty import band as band
    from ffsim.calibration.uncertainty import posterior_ensemble as posterior_ensemble
    from ffsim.core.drivers import DEFAULT_DRIVERS as DEFAULT_DRIVERS
    from ffsim.core.drivers import Drivers as Drivers
    from ffsim.core.errors import InputError as InputError
    from ffsim.core.euler import simulate_euler as simulate_euler
    from ffsim.core.parameters import Parameters as Parameters
    from ffsim.core.regions import REGION_IDS as REGION_IDS
    from ffsim.core.results import Result as Result
    from ffsim.core.simulate import (
        Settings as Settings,
    )
    from ffsim.core.simulate import (
        simulate as simulate,
    )
    from ffsim.core.simulate import (
        simulate_ensemble as simulate_ensemble,
    )
    from ffsim.exchange.xmile import write_xmile as write_xmile
    from ffsim.scenarios.attribution import explain as explain
    from ffsim.scenarios.compare import compare as compare
    from ffsim.scenarios.scenario import (
        Scenario as Scenario,
    )
    from ffsim.scenarios.scenario import (
        baseline_scenario as baseline_scenario,
    )
    from ffsim.scenarios.scenario import (
        load_scenario as load_scenario,
    )
