"""The ``ffsim`` command line: run, calibrate, compare, validate, explain, sensitivity,
export, check-units, forecast-skill, experiments, sbc, scenarios (shipped and saved), levers and
app.

Wherever a command takes a scenario it takes a file, a shipped scenario's name
(``early_response``, ``baseline``) or a saved one's (``saved:NAME``); a file that exists wins
over a shipped name (README, "Using it").
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ffsim import __version__
from ffsim.calibration.baseline import use_artifact
from ffsim.cli.checks import file_name, printable, shown
from ffsim.cli.options import add_artifact_option, add_executor_options
from ffsim.cli.run_command import SUMMARY_STOCKS, summary_table
from ffsim.core.errors import InputError

__all__ = ["SUMMARY_STOCKS", "build_parser", "main", "summary_table"]

FILE_ARGUMENTS = {
    "scenario": "scenario",
    "scenarios": "scenario",
    "a": "scenario A",
    "b": "scenario B",
    "artifact": "--artifact",
    "config": "--config",
    "data": "--data",
    "xmile": "--xmile",
}
"""Arguments that name an input file, and how messages name them."""


MODEL_COMMANDS = frozenset(
    {"run", "compare", "explain", "sensitivity", "calibrate", "forecast-skill"}
)
"""Commands that run the model: while one runs, a compilation of the model is announced."""


def _compile_notice() -> None:
    """The line on standard error when numba starts compiling the model (a cache miss: the first
    run after installing or updating ffsim); loading it from the cache says nothing.
    """
    from ffsim.core.compile_notice import COMPILE_MESSAGE

    print(f"ffsim: {COMPILE_MESSAGE}...", file=sys.stderr, flush=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"ffsim: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = _Parser(prog="ffsim", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ffsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    from ffsim.cli.run_command import add_command as add_run

    add_run(sub)
    cal = sub.add_parser(
        "calibrate", help="estimate the parameters from the reported figures and write an artifact"
    )
    cal.add_argument(
        "--out",
        metavar="FILE.json",
        help="artifact path (default: baseline.json, or as-of-DATE.json with --as-of, in the "
        "current folder)",
    )
    cal.add_argument(
        "--replace-shipped",
        action="store_true",
        help="replace the shipped artifact (calibration/baseline.json, or the vintage's) from "
        "the shipped config and data; only in a source checkout",
    )
    cal.add_argument("--seed", help="random seed, 0 to 4294967295 (default: the config's)")
    cal.add_argument("--config", metavar="FILE.toml", help="calibration config")
    cal.add_argument("--data", metavar="FILE.csv", help="observations file")
    cal.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="a vintage: fit only the figures published on or before this date (the latest "
        "article's date is the baseline); 'vintages': every earlier vintage, each as its own "
        "calibration, over --processes or --scheduler",
    )
    add_executor_options(cal, "--as-of vintages (default: one vintage after another)")
    cal.add_argument(
        "--check",
        action="store_true",
        help="re-run and check against the artifact at --out (default: the shipped one): "
        "identical on the same packages and platform, else statistically; exit 1 on a mismatch",
    )
    from ffsim.cli.export_command import add_command as add_export
    from ffsim.cli.forecast_command import add_command as add_forecast
    from ffsim.cli.levers_command import add_command as add_levers
    from ffsim.cli.saved_command import add_command as add_saved
    from ffsim.cli.scenario_commands import add_commands
    from ffsim.cli.units_command import add_command as add_check_units

    add_commands(sub)
    add_saved(sub)
    add_levers(sub)
    add_forecast(sub)
    add_export(sub)
    add_check_units(sub)
    from ffsim.cli.experiments_command import add_command as add_experiments

    add_experiments(sub)
    from ffsim.cli.sbc_command import add_command as add_sbc

    add_sbc(sub)
    app = sub.add_parser(
        "app",
        help="start the explorer (Streamlit); further options go to `streamlit run`",
    )
    add_artifact_option(app)
    return parser


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs command ``name`` (modules are imported only when used)."""
    if name == "run":
        from ffsim.cli.run_command import run_command

        return run_command
    if name == "calibrate":
        from ffsim.cli.calibrate_command import calibrate_command

        return calibrate_command
    if name == "export":
        from ffsim.cli.export_command import export_command

        return export_command
    if name == "check-units":
        from ffsim.cli.units_command import check_units_command

        return check_units_command
    if name == "forecast-skill":
        from ffsim.cli.forecast_command import forecast_skill_command

        return forecast_skill_command
    if name == "levers":
        from ffsim.cli.levers_command import levers_command

        return levers_command
    if name == "experiments":
        from ffsim.cli.experiments_command import experiments_command

        return experiments_command
    if name == "sbc":
        from ffsim.cli.sbc_command import sbc_command

        return sbc_command
    if name == "scenarios":
        from ffsim.cli.saved_command import saved_command

        return saved_command
    from ffsim.cli import scenario_commands as scenarios

    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "compare": scenarios.compare_command,
        "validate": scenarios.validate_command,
        "explain": scenarios.explain_command,
        "sensitivity": scenarios.sensitivity_command,
    }
    return commands[name]


def _check_file_names(args: argparse.Namespace) -> None:
    """Refuse an empty file name (or one holding NUL) before anything is opened."""
    for attribute, option in FILE_ARGUMENTS.items():
        value = getattr(args, attribute, None)
        if args.command == "sensitivity" and attribute == "scenario":
            option = "--scenario"
        for text in value if isinstance(value, list) else [value]:
            if text is not None:
                file_name(option, text)


def _parse(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]] | int:
    """Parsed arguments, or the exit code when argparse stopped (help, version, a usage error)."""
    try:
        return build_parser().parse_known_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for bad input, with a one-line message).

    Every argument is checked before any work starts; a bad one is a single line
    ``ffsim: error: <option> <value>: <what is allowed>`` on standard error.
    """
    parsed = _parse(argv)
    if isinstance(parsed, int):
        return parsed
    args, extra = parsed
    try:
        if extra and args.command != "app":
            raise InputError(f"unrecognized arguments: {' '.join(map(shown, extra))}")
        _check_file_names(args)
        if getattr(args, "artifact", None) is not None and args.command != "app":
            use_artifact(Path(args.artifact))
        if args.command == "app":
            from ffsim.cli.app_command import app_command

            return app_command(args, extra)
        command = _command(args.command)
        if args.command not in MODEL_COMMANDS:
            return command(args)
        from ffsim.core.compile_notice import on_compile

        with on_compile(_compile_notice):
            return command(args)
    except InputError as exc:
        _error(str(exc))
        return 2
    except RecursionError:  # a last resort: every reader refuses deep nesting itself
        _error("an input is nested too deeply to read")
        return 2
    except BrokenPipeError:  # the reader (e.g. `head`) went away: stop quietly
        sys.stderr.close()
        return 0
    except OSError as exc:  # a last resort: files are checked first, so most likely stdout
        return _os_error(exc)


def _os_error(exc: OSError) -> int:
    """Report an OSError no reader turned into an InputError, in one line: files name
    themselves; a full disk or an I/O error without a file is standard output failing.
    """
    if exc.filename:
        _error(f"{exc.filename}: {exc.strerror or exc}")
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
        _error(f"cannot write the output: {exc.strerror}")
    else:
        _error(str(exc))
    return 2


def _error(message: str) -> None:
    problems = [line for line in message.splitlines() if line.strip()] or [message]
    print(f"ffsim: error: {printable('; '.join(problems))}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
