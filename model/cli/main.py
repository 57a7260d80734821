"""The ``ffsim`` command line: run, calibrate, compare, validate, explain, sensitivity."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ffsim import __version__
from ffsim.calibration.baseline import active_artifact, read_artifact, use_artifact
from ffsim.cli.options import add_artifact_option
from ffsim.core.errors import InputError
from ffsim.core.results import Result
from ffsim.core.simulate import simulate, simulate_ensemble
from ffsim.core.variables import label
from ffsim.scenarios.scenario import baseline_scenario, load_scenario

SUMMARY_STOCKS = {
    name: label(name)
    for name in (
        "cumulative_departures",
        "in_theatre",
        "returned",
        "killed",
        "moved_on",
        "intercepted",
    )
}
"""Stocks in the summary of ``ffsim run``, and their labels (``ffsim.core.variables``)."""

BAND_COLUMNS = {"p05": 0.05, "p50": 0.5, "p95": 0.95}
"""The posterior quantiles ``ffsim run --draws`` adds to the CSV."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"ffsim: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = _Parser(prog="ffsim", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ffsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="simulate a scenario (the calibrated baseline without one)")
    run.add_argument("scenario", nargs="?", help="scenario TOML file")
    run.add_argument("--out", metavar="FILE.csv", help="write the tidy CSV here")
    run.add_argument(
        "--draws",
        metavar="N",
        help="add the posterior 5%%, 50%% and 95%% of every value (columns p05, p50, p95), "
        "over the first N stored posterior draws",
    )
    add_artifact_option(run)
    cal = sub.add_parser(
        "calibrate", help="estimate the parameters from the reported figures and write an artifact"
    )
    cal.add_argument(
        "--out", metavar="FILE.json", help="artifact path (default calibration/baseline.json)"
    )
    cal.add_argument("--seed", type=int, help="random seed (default: the config's)")
    cal.add_argument("--config", metavar="FILE.toml", help="calibration config")
    cal.add_argument("--data", metavar="FILE.csv", help="observations file")
    cal.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="a vintage: fit only the figures published on or before this date (default "
        "--out calibration/vintages/as-of-DATE.json; the latest article's date is the baseline)",
    )
    cal.add_argument(
        "--check",
        action="store_true",
        help="re-run and check against the artifact at --out: identical on the same packages "
        "and platform, else statistically; exit 1 on a mismatch",
    )
    from ffsim.cli.forecast import add_command as add_forecast
    from ffsim.cli.scenarios import add_commands

    add_commands(sub)
    add_forecast(sub)
    app = sub.add_parser(
        "app",
        help="start the explorer (Streamlit); further options go to `streamlit run`",
    )
    add_artifact_option(app)
    return parser


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
    problem = (
        f"--draws {value if value.strip() else repr(value)}: allowed a whole number from 1 to "
        f"{stored} (the posterior draws stored in {path.name})"
    )
    try:
        n = int(value)
    except ValueError:
        raise InputError(problem) from None
    if not 1 <= n <= stored:
        raise InputError(problem)
    return n, artifact


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario) if args.scenario else baseline_scenario()
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.exists():
        raise InputError(f"--out {args.out}: directory {out.parent} does not exist")
    if out is not None:
        from ffsim.cli.provenance import sidecar_path
        from ffsim.core.files import check_output_file

        check_output_file("--out", out)
        check_output_file("--out (its provenance sidecar)", sidecar_path(out))
    draws = posterior_draws_option(args.draws) if args.draws is not None else None
    result = simulate(scenario.parameters, scenario.drivers, scenario.settings)
    first, last = result.dates[0], result.dates[-1]
    print(f"ffsim {__version__}: {scenario.name}, {first:%Y-%m} to {last:%Y-%m}")
    print(f"persons at the end of {last:%Y-%m}, by source region")
    print(summary_table(result))
    if draws is not None and out is None:
        print(f"posterior bands (p05, p50, p95 over {draws[0]} draws) are written only with --out")
    if out is not None:
        table = result.tidy()
        if draws is not None:
            from ffsim.calibration.uncertainty import first_draws

            n, artifact = draws
            members = first_draws(scenario.parameters, n, artifact)
            ensemble = simulate_ensemble(members, scenario.drivers, scenario.settings)
            table = pd.concat([table, ensemble.tidy_quantiles(BAND_COLUMNS)], axis=1)
        from ffsim.cli.provenance import run_provenance, write_sidecar

        provenance = run_provenance(
            scenario, args.scenario, draws[0] if draws else None, list(table.columns)
        )
        try:
            table.to_csv(out, index=False, float_format="%.6f")
            sidecar = write_sidecar(out, provenance)
        except OSError as exc:
            raise InputError(f"--out {args.out}: cannot write: {exc.strerror}") from None
        print(f"wrote {out} and {sidecar.name} (where the numbers came from)")
    return 0


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs command ``name`` (modules are imported only when used)."""
    if name == "run":
        return _run
    if name == "calibrate":
        from ffsim.cli.calibrate import calibrate_command

        return calibrate_command
    if name == "forecast-skill":
        from ffsim.cli.forecast import forecast_skill_command

        return forecast_skill_command
    from ffsim.cli import scenarios

    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "compare": scenarios.compare_command,
        "validate": scenarios.validate_command,
        "explain": scenarios.explain_command,
        "sensitivity": scenarios.sensitivity_command,
    }
    return commands[name]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for bad input, with a one-line message)."""
    args, extra = build_parser().parse_known_args(argv)
    try:
        if extra and args.command != "app":
            raise InputError(f"unrecognized arguments: {' '.join(extra)}")
        if getattr(args, "artifact", None) is not None and args.command != "app":
            use_artifact(Path(args.artifact))
        if args.command == "app":
            from ffsim.cli.app import app_command

            return app_command(args, extra)
        return _command(args.command)(args)
    except InputError as exc:
        problems = str(exc).splitlines()
        print(f"ffsim: error: {'; '.join(problems)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (e.g. `head`) went away: stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
