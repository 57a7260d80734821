"""``ffsim run``: simulate a scenario, print the summary, write the tidy table (CSV, Parquet or
Excel) and its sidecar.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ffsim import __version__
from ffsim.calibration.baseline import active_artifact, read_artifact
from ffsim.cli.checks import output_file, printable, whole_number
from ffsim.cli.options import add_artifact_option
from ffsim.core.errors import InputError
from ffsim.core.results import BANDS, SUMMARY, Result
from ffsim.core.simulate import simulate, simulate_ensemble
from ffsim.core.tables import table_bytes, table_format
from ffsim.core.variables import label
from ffsim.core.writer import write_files
from ffsim.scenarios.scenario import baseline_scenario, load_scenario
from ffsim.scenarios.source import SCENARIO_HELP

SUMMARY_STOCKS = {name: label(name) for name in SUMMARY}
"""Stocks in the summary of ``ffsim run`` (and of a result in a notebook,
:data:`ffsim.core.results.SUMMARY`), and their labels (``ffsim.core.variables``)."""

BAND_COLUMNS = BANDS
"""The posterior quantiles ``ffsim run --draws`` adds to the table (those ``to_pandas`` adds)."""


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``run`` on the ``ffsim`` parser."""
    run = sub.add_parser("run", help="simulate a scenario (the calibrated baseline without one)")
    run.add_argument("scenario", nargs="?", help=f"{SCENARIO_HELP} (default: baseline)")
    run.add_argument(
        "--out",
        metavar="FILE",
        help="write the tidy table here, as its extension says: .csv, .parquet or .xlsx (with a "
        "provenance sidecar FILE.json)",
    )
    run.add_argument(
        "--draws",
        metavar="N",
        help="add the posterior 5%%, 50%% and 95%% of every value (columns p05, p50, p95), "
        "over the first N stored posterior draws",
    )
    add_artifact_option(run)


def summary_table(result: Result) -> str:
    """Text table of the main stocks at the end of the run, and the peak in theatre, by region."""
    regions = ("total", *result.regions)
    labels = (*SUMMARY_STOCKS.values(), label("peak_in_theatre"))
    head = f"{'region':<16}" + "".join(f"{s:>12}" for s in labels[:-1]) + f"{labels[-1]:>22}"
    lines = [head, "-" * len(head)]
    for region in regions:
        cells = [f"{result.stock(s, region)[-1]:>12,.0f}" for s in SUMMARY_STOCKS]
        theatre = result.stock("in_theatre", region)
        peak = int(theatre.argmax())
        cells.append(f"{theatre[peak]:>14,.0f} {result.dates[peak]:%Y-%m}")
        lines.append(f"{region:<16}" + "".join(cells))
    return "\n".join(lines)


def posterior_draws_option(value: str, path: Path | None = None) -> tuple[int, dict[str, Any]]:
    """Parse ``--draws``: the number of stored posterior draws to use, and the artifact.

    Raises
    ------
    InputError
        Naming ``--draws`` and the value: not a whole number from 1 to the number of draws
        stored in the artifact, or no artifact to draw from.
    """
    path = active_artifact() if path is None else path
    artifact = read_artifact(path)
    stored = len(artifact["posterior_sample"]["values"])
    why = f"the posterior draws stored in {path.name}"
    return whole_number("--draws", value, 1, stored, why), artifact


def run_command(args: argparse.Namespace) -> int:
    """``ffsim run``: every argument is checked before the simulation starts."""
    inputs, scenarios = (active_artifact(),), (args.scenario,)
    out = output_file("--out", args.out, inputs=inputs, scenarios=scenarios)
    if out is not None:
        from ffsim.cli.provenance import sidecar_path

        output_file(
            "--out (its provenance sidecar)",
            str(sidecar_path(out)),
            inputs=inputs,
            scenarios=scenarios,
        )
    suffix = None if out is None else table_format("--out", out)
    draws = posterior_draws_option(args.draws) if args.draws is not None else None
    scenario = load_scenario(args.scenario) if args.scenario else baseline_scenario()
    result = simulate(scenario.parameters, scenario.drivers, scenario.settings)
    first, last = result.dates[0], result.dates[-1]
    print(f"ffsim {__version__}: {printable(scenario.name)}, {first:%Y-%m} to {last:%Y-%m}")
    print(f"persons at the end of {last:%Y-%m}, by source region")
    print(summary_table(result))
    if draws is not None and out is None:
        print(f"posterior bands (p05, p50, p95 over {draws[0]} draws) are written only with --out")
    if out is not None:
        columns = result.tidy_columns()
        if draws is not None:
            from ffsim.calibration.uncertainty import first_draws

            n, artifact = draws
            members = first_draws(scenario.parameters, n, artifact)
            ensemble = simulate_ensemble(members, scenario.drivers, scenario.settings)
            columns |= ensemble.quantile_columns(BAND_COLUMNS)
        from ffsim.cli.provenance import run_provenance, sidecar_path, sidecar_text

        provenance = run_provenance(
            scenario, args.scenario, draws[0] if draws else None, list(columns)
        )
        sidecar = sidecar_path(out)
        try:  # the CSV and its sidecar, replaced together or not at all
            table = table_bytes(columns, suffix or ".csv")
            write_files([(out, table), (sidecar, sidecar_text(provenance))])
        except OSError as exc:
            raise InputError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
        print(f"wrote {out} and {sidecar.name} (where the numbers came from)")
    return 0
