"""``ffsim export --xmile FILE``: the model as XMILE for Stella, Vensim or PySD."""

from __future__ import annotations

import argparse
from typing import Any

from ffsim.calibration.baseline import active_artifact
from ffsim.cli.checks import output_file, printable
from ffsim.cli.options import add_artifact_option
from ffsim.core.errors import InputError
from ffsim.exchange.xmile import write_xmile
from ffsim.scenarios.scenario import baseline_scenario, load_scenario
from ffsim.scenarios.source import SCENARIO_HELP


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``export`` on the ``ffsim`` parser."""
    export = sub.add_parser(
        "export",
        help="write the model as XMILE (Stella, Vensim, PySD) at the calibrated baseline or a "
        "scenario",
    )
    export.add_argument("scenario", nargs="?", help=f"{SCENARIO_HELP} (default: baseline)")
    export.add_argument(
        "--xmile", metavar="FILE.xmile", required=True, help="write the XMILE file here"
    )
    export.add_argument(
        "--flat",
        action="store_true",
        help="one variable per region (pool_france, ...) instead of arrays over a dimension",
    )
    add_artifact_option(export)


def export_command(args: argparse.Namespace) -> int:
    """``ffsim export``: every argument is checked before the file is built."""
    out = output_file(
        "--xmile", args.xmile, inputs=(active_artifact(),), scenarios=(args.scenario,)
    )
    assert out is not None  # --xmile is required
    scenario = load_scenario(args.scenario) if args.scenario else baseline_scenario()
    try:
        write_xmile(
            out,
            scenario.parameters,
            scenario.drivers,
            scenario.settings,
            name=scenario.name,
            array=not args.flat,
        )
    except OSError as exc:
        raise InputError(f"--xmile {out}: cannot write: {exc.strerror or exc}") from None
    settings = scenario.settings
    layout = "one variable per region" if args.flat else "regions as an array"
    print(f"wrote {out}: {printable(scenario.name)}, {settings.start} to {settings.end}, {layout}")
    print(
        f"the file asks for RK4 at dt = {settings.dt:g} month, as `ffsim run`; PySD integrates "
        "with Euler whatever the file says: compare it with "
        "ffsim.simulate_euler at the same dt (docs/model.md, 'The model in XMILE')"
    )
    return 0
