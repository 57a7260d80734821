"""``ffsim calibrate``: run the calibration, print the fit, write or check the artifact."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ffsim.calibration.artifact import build_artifact, write_artifact
from ffsim.calibration.baseline import BASELINE_PATH, active_artifact
from ffsim.calibration.calibrate import Calibrator
from ffsim.calibration.check import check_artifact
from ffsim.calibration.config import DEFAULT_CONFIG, load_config
from ffsim.calibration.fit_count import beyond_stated
from ffsim.calibration.observations import DEFAULT_PATH, data_hash, load_observations
from ffsim.calibration.problem import Problem
from ffsim.calibration.vintages import (
    article_dates,
    data_date,
    parse_as_of,
    rows_as_of,
    vintage_path,
)
from ffsim.cli.checks import MAX_SEED, file_name, output_file, seed_option
from ffsim.cli.options import executor_option
from ffsim.cli.shipped import read_shipped
from ffsim.core.errors import InputError
from ffsim.core.files import check_input_file
from ffsim.core.parameters import Parameters
from ffsim.resources import IN_CHECKOUT
from ffsim.resources import shown as shown_path

MAX_DETAILS = 20
"""Detailed difference lines ``--check`` prints after its summary."""


class TimedProgress:
    """Prefix each progress line with the elapsed time and an estimate of the time left.

    Accepts both ``progress(text)`` and ``progress(text, done)``, where ``done`` is the
    estimated fraction of the whole calibration completed (0 to 1) or ``None``. The time left
    is ``elapsed * (1 - done) / done``, shown once ``done`` exceeds 2%.
    """

    def __init__(
        self, progress: Callable[[str], Any], clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.progress = progress
        self.clock = clock
        self.start = clock()

    def __call__(self, text: str, done: float | None = None) -> None:
        """Pass ``text`` on to the wrapped callable with the time prefix."""
        elapsed = self.clock() - self.start
        if done is not None and math.isfinite(done) and done > 0.02:
            done = min(done, 1.0)
            left = f"about {elapsed * (1.0 - done) / done:.0f} s left"
        else:
            left = "estimating"
        self.progress(f"[{elapsed:4.0f} s elapsed, {left}] {text}")


def run_calibration(
    config_path: Path,
    data_path: Path,
    seed: int | None,
    progress: Callable[[str], Any] | None = print,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Run the whole calibration; return the artifact (not written).

    Parameters
    ----------
    config_path, data_path
        The calibration config (TOML) and the observations (CSV).
    seed
        Random seed; ``None`` for the config's.
    progress
        Called with one line of text at each stage, prefixed with the elapsed time and an
        estimate of the time left; ``None`` for silence.
    as_of
        Use only the fitted figures published on or before this date (a vintage,
        :mod:`ffsim.calibration.vintages`); ``None`` for all of them. The artifact records the
        vintage's data date (the latest such figure's) as ``as_of``: dates with the same figures
        give the same problem and the same artifact. An informative prior whose evidence was
        published after that date gives way to the weakly informative prior
        (:meth:`~ffsim.calibration.config.CalibrationConfig.as_of`).
    """
    start = time.perf_counter()
    say = TimedProgress(progress) if progress is not None else None
    config = load_config(config_path, "--config")
    if not data_path.exists():
        raise InputError(f"{data_path}: observations file not found")
    everything = load_observations(data_path)
    as_of = data_date(everything, as_of)
    observations = rows_as_of(everything, as_of)
    config_sha256 = config.sha256
    config = config.as_of(as_of)  # informative priors only on evidence published by then
    seed = config.seed if seed is None else seed
    if say is not None:
        say(
            f"calibrating {len(config.free)} parameters against {len(observations)} figures "
            f"published by {as_of} ({data_path.name}), seed {seed}"
        )
    problem = Problem(config, observations, Parameters())
    cal = Calibrator(problem, seed, say).fit()
    artifact = build_artifact(cal, data_path, data_hash(data_path), time.perf_counter() - start)
    artifact["as_of"] = as_of.isoformat()
    artifact["provenance"]["config_sha256"] = config_sha256
    artifact["provenance"]["priors_sha256"] = config.priors_sha256
    return artifact


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def fit_table(artifact: dict[str, Any]) -> str:
    """Text table of every fitted figure: reported, model best fit and 90% band, z, within."""
    head = f"{'figure':<46}{'reported':>17}{'model':>10}{'90% band':>20}{'z':>7}  within"
    lines = [head, "-" * len(head)]
    for o in artifact["observations"]:
        lo, hi = o["reported_low"], o["reported_high"]
        if hi is None:
            reported = f"> {_num(lo)}"
        elif lo == 0:
            reported = f"<= {_num(hi)}"
        elif lo == hi:
            reported = _num(lo)
        else:
            reported = f"{_num(lo)}-{_num(hi)}"
        band = f"{_num(o['model_p05'])}-{_num(o['model_p95'])}"
        counted = "" if o.get("counted", True) else "  (not counted)"
        outside = beyond_stated(o["model_value"], lo, hi)
        lines.append(
            f"{o['id']:<46}{reported:>17}{_num(o['model_value']):>10}{band:>20}{o['z']:>7.2f}  "
            f"{'yes' if o['within'] else 'no'}{f'; {outside}' if outside else ''}{counted}"
        )
    fit = artifact["fit"]
    lines.append(
        f"{fit['n_within']} of {fit['n_fitted']} counted figures within one sigma of the reported "
        f"value or range ({fit['share_within']:.0%}); within two sigma: "
        f"{fit['share_within_2sigma']:.0%}; log-space RMSE {fit['rmse_log']:.3f}. A statement "
        "read several ways counts the rows of its most probable reading only."
    )
    return "\n".join(lines)


def _fallback_paths() -> list[Path]:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"ffsim-calibration-{stamp}-{os.getpid()}.json"
    return [Path.cwd() / name, Path(tempfile.gettempdir()) / name]


def write_with_fallback(artifact: dict[str, Any], out: Path) -> tuple[Path, list[str]]:
    """Write the artifact to ``out``; if that fails, to a fallback file so no work is lost.

    ``out`` is replaced in one step (:func:`ffsim.core.writer.write_file`), so a failed write
    leaves any previous artifact intact. The fallback is ``ffsim-calibration-<time>-<pid>.json`` in
    the current directory, else in the system's temporary directory.

    Returns
    -------
    tuple
        The path written and the error of each place that failed (empty when ``out`` worked).

    Raises
    ------
    OSError
        When no place could be written; the message lists every attempt.
    """
    errors: list[str] = []
    for i, target in enumerate([out, *_fallback_paths()]):
        try:
            write_artifact(artifact, target)
            return target, errors
        except OSError as exc:
            errors.append(f"{'--out ' if i == 0 else ''}{target}: {exc.strerror or exc}")
    raise OSError("; ".join(errors))


def _check(args: argparse.Namespace, config_path: Path, data_path: Path, out: Path) -> int:
    shipped = read_shipped(out)
    seed = _seed(args) if args.seed is not None else shipped["provenance"].get("seed")
    if type(seed) is not int or not 0 <= seed <= MAX_SEED:
        raise InputError(
            f"--out {out}: the artifact records no seed from 0 to {MAX_SEED}; give --seed"
        )
    # Through JSON, as the shipped one was, so tuples and lists compare alike.
    as_of = _as_of(args)
    if as_of is None and isinstance(shipped.get("as_of"), str):
        as_of = parse_as_of(shipped["as_of"])
    new = json.loads(json.dumps(run_calibration(config_path, data_path, seed, as_of=as_of)))
    report = check_artifact(shipped, new)
    print(fit_table(new))
    print(report.headline())
    for line in report.summary:
        print(line)
    if not report.passed:
        n = len(report.differences)
        shown = min(n, MAX_DETAILS)
        print(f"MISMATCH with {out}: {n} difference{'s' if n != 1 else ''} (first {shown}):")
        for line in report.differences[:MAX_DETAILS]:
            print(f"  {line}")
        return 1
    print(f"check passed: the re-run reproduces {out} under the {report.rule} rule")
    return 0


def _seed(args: argparse.Namespace) -> int | None:
    return None if args.seed is None else seed_option("--seed", args.seed)


def _as_of(args: argparse.Namespace) -> dt.date | None:
    text = getattr(args, "as_of", None)
    return None if text is None else parse_as_of(text)


def _out_path(args: argparse.Namespace, shipped: Path) -> Path:
    """Where the artifact goes: ``--out``; with ``--replace-shipped``, the shipped artifact
    (``shipped``: the baseline or the vintage's), in a source checkout only; else a file of the
    shipped one's name in the current folder, never the installed package.

    Raises
    ------
    InputError
        ``--replace-shipped`` with ``--out``, with another ``--config`` or ``--data``, or where
        ffsim is installed as a package (the shipped files are the package's own).
    """
    if args.replace_shipped:
        given = [o for o in ("out", "config", "data") if getattr(args, o) is not None]
        if given:
            raise InputError(
                f"--replace-shipped: replaces {shown_path(shipped)} from the shipped config and "
                f"data; allowed without --{given[0]}"
            )
        if not IN_CHECKOUT:
            raise InputError(
                f"--replace-shipped: {shipped} is inside the installed package; allowed only in "
                "a source checkout of ffsim (give --out FILE.json instead)"
            )
        return shipped
    if args.out is not None:
        return file_name("--out", args.out)
    return Path.cwd() / shipped.name


VINTAGES = "vintages"
"""The ``--as-of`` value that runs every earlier vintage (those that are not the baseline)."""


@dataclass(frozen=True)
class VintageTask:
    """One vintage's calibration, as a task for an executor (``None``: the shipped file, found
    where the worker has ffsim installed).
    """

    as_of: dt.date
    seed: int | None
    config_path: Path | None = None
    data_path: Path | None = None


def run_vintage(task: VintageTask) -> dict[str, Any]:
    """The vintage's artifact, as JSON would give it back (so it compares as a shipped one)."""
    artifact = run_calibration(
        task.config_path or DEFAULT_CONFIG,
        task.data_path or DEFAULT_PATH,
        task.seed,
        progress=None,
        as_of=task.as_of,
    )
    return json.loads(json.dumps(artifact))


def earlier_vintages(data_path: Path) -> tuple[dt.date, ...]:
    """The data dates of the vintages that are not the baseline, in order."""
    observations = load_observations(data_path)
    dates = {data_date(observations, d) for d in article_dates(observations)}
    return tuple(sorted(d for d in dates if vintage_path(d, observations) != BASELINE_PATH))


def _all_vintages(args: argparse.Namespace, config_path: Path, data_path: Path) -> int:
    """``--as-of vintages``: each earlier vintage calibrated on the executor, then checked
    against its shipped artifact (``--check``) or written as each finishes.
    """
    if args.out is not None:
        raise InputError(
            "--out: allowed only with one --as-of date; with --as-of vintages each artifact "
            "goes to as-of-DATE.json in the current folder (or, with --replace-shipped, the "
            "shipped file)"
        )
    executor = executor_option(args)
    observations = load_observations(data_path)
    dates = earlier_vintages(data_path)
    targets, seeds = {}, {}
    seed = _seed(args)
    for d in dates:
        shipped = vintage_path(d, observations)
        seeds[d] = seed
        if args.check:
            targets[d] = shipped
            # a missing or corrupt shipped vintage is said before any work; the re-run takes
            # the seed it records unless --seed is given, as a single --check does
            recorded = read_shipped(shipped)["provenance"].get("seed")
            if seed is None:
                if type(recorded) is not int or not 0 <= recorded <= MAX_SEED:
                    raise InputError(
                        f"{shipped}: the artifact records no seed from 0 to {MAX_SEED}; give --seed"
                    )
                seeds[d] = recorded
        else:
            targets[d] = _out_path(args, shipped)
            output_file(
                "--out",
                str(targets[d]),
                inputs=(config_path, data_path, active_artifact()),
                allow=shipped if args.replace_shipped else None,
            )
    tasks = [
        VintageTask(
            d,
            seeds[d],
            None if config_path == DEFAULT_CONFIG else config_path.resolve(),
            None if data_path == DEFAULT_PATH else data_path.resolve(),
        )
        for d in dates
    ]
    print(
        f"calibrating {len(tasks)} vintages ({', '.join(map(str, dates))}) on "
        f"{executor.workers} worker(s)",
        file=sys.stderr,
        flush=True,
    )
    failed = 0
    for i, artifact in executor.as_completed(run_vintage, tasks):
        d, target = dates[i], targets[dates[i]]
        if args.check:
            report = check_artifact(read_shipped(target), artifact)
            print(f"vintage {d}: {report.headline()}")
            for line in report.summary:
                print(f"  {line}")
            if not report.passed:
                failed += 1
                for line in report.differences[:MAX_DETAILS]:
                    print(f"  {line}")
            continue
        written, errors = write_with_fallback(artifact, target)
        print(f"vintage {d}: wrote {written}")
        if errors:
            print(f"ffsim: error: cannot write {errors[0]}; saved to {written}", file=sys.stderr)
            failed += 1
    if args.check:
        print(f"{len(dates) - failed} of {len(dates)} vintages reproduce their shipped artifacts")
    return 1 if failed else 0


def calibrate_command(args: argparse.Namespace) -> int:
    """Run ``ffsim calibrate`` with parsed arguments; return the exit code.

    Every file is checked before any computation (:func:`check_input_file`,
    :func:`check_output_file`; the output is never one of the inputs or a shipped file but with
    ``--replace-shipped``), and the artifact is never lost: if writing ``--out`` fails after
    the run, it goes to a fallback file that is named on standard error (exit 1).
    """
    config_path = DEFAULT_CONFIG if args.config is None else file_name("--config", args.config)
    data_path = DEFAULT_PATH if args.data is None else file_name("--data", args.data)
    as_of = None if getattr(args, "as_of", None) == VINTAGES else _as_of(args)
    seed = _seed(args)
    check_input_file("--config", config_path)
    check_input_file("--data", data_path)
    if getattr(args, "as_of", None) == VINTAGES:
        return _all_vintages(args, config_path, data_path)
    if args.processes is not None or args.scheduler is not None:
        raise InputError(
            f"--{'processes' if args.processes is not None else 'scheduler'}: allowed only "
            "with --as-of vintages (one calibration already runs on every core)"
        )
    shipped = BASELINE_PATH if as_of is None else vintage_path(as_of, load_observations(data_path))
    if args.check:  # compares with --out, else the shipped artifact; writes nothing
        out = shipped if args.out is None else file_name("--out", args.out)
        return _check(args, config_path, data_path, out)
    out = _out_path(args, shipped)
    output_file(
        "--out",
        str(out) if args.out is None else args.out,
        inputs=(config_path, data_path, active_artifact()),
        allow=shipped if args.replace_shipped else None,
    )
    artifact = run_calibration(config_path, data_path, seed, as_of=as_of)
    print(fit_table(artifact))
    try:
        written, errors = write_with_fallback(artifact, out)
    except OSError as exc:
        print(
            f"ffsim: error: could not write the artifact anywhere ({exc}); "
            "it follows on standard output",
            file=sys.stderr,
        )
        print(json.dumps(artifact, indent=1, sort_keys=True))
        return 1
    if errors:
        print(
            f"ffsim: error: cannot write {errors[0]}; the artifact was saved to {written} instead",
            file=sys.stderr,
        )
        return 1
    secs = artifact["provenance"]["wall_time_s"]
    print(f"wrote {out} in {secs:.1f} s" if math.isfinite(secs) else f"wrote {out}")
    return 0
