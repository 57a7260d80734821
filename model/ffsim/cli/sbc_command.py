"""``ffsim sbc``: simulation-based calibration of the calibration pipeline, resumable, on this
machine, a process pool or a Dask cluster; ``--check`` re-runs the shipped run's first
replications.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from ffsim.cli.checks import file_name, output_file, seed_option, whole_number
from ffsim.cli.options import add_executor_options, executor_option
from ffsim.core.errors import InputError
from ffsim.core.writer import write_file

DEFAULT_OUT = "sbc-run"
DEFAULT_SEED = "20150430"
DEFAULT_DRAWS = "99"
SUMMARY = "summary.json"


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``sbc`` on the ``ffsim`` parser."""
    s = sub.add_parser(
        "sbc",
        help="simulation-based calibration: calibrate on figures simulated from the prior, "
        "rank the truth among the posterior draws",
    )
    s.add_argument(
        "--replications",
        help="replications (default 100; with --check, how many of the shipped run's first "
        "replications to re-run, default 1)",
    )
    s.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="FOLDER",
        help=f"the run's folder (default {DEFAULT_OUT}); a run there is resumed; the summary "
        f"goes to FOLDER/{SUMMARY}",
    )
    s.add_argument("--seed", default=DEFAULT_SEED, help=f"the run's seed (default {DEFAULT_SEED})")
    s.add_argument(
        "--draws",
        default=DEFAULT_DRAWS,
        help=f"posterior draws each true value is ranked among (default {DEFAULT_DRAWS})",
    )
    s.add_argument("--config", help="calibration set-up (default: the shipped config.toml)")
    s.add_argument(
        "--as-of", help="the vintage: figures published by this date (default: all fitted)"
    )
    s.add_argument(
        "--from-summary",
        metavar="SUMMARY",
        help="take the replications of a run's summary as done (the shipped one: "
        "calibration/sbc/summary.json) and run only the others; its settings must be the run's",
    )
    add_executor_options(s, "the replications", per_core=True)
    s.add_argument(
        "--check",
        action="store_true",
        help="re-run the shipped run's first replications and compare (exact on the same "
        "packages and platform, else statistical); exit 1 on a mismatch",
    )


def sbc_command(args: argparse.Namespace) -> int:
    """Run (or resume) the replications, print the rank checks, write the summary."""
    from ffsim.calibration.config import DEFAULT_CONFIG, load_config
    from ffsim.calibration.observations import DEFAULT_PATH, data_hash, load_observations
    from ffsim.calibration.sbc_artifact import check_replications, provenance
    from ffsim.calibration.sbc_run import (
        manifest,
        rank_table,
        run_sbc,
        start_from,
        summary_replications,
    )
    from ffsim.calibration.sbc_summary import summary_record, summary_text
    from ffsim.calibration.vintages import data_date, parse_as_of, rows_as_of
    from ffsim.resources import SBC_PATH

    default_n = "1" if args.check else "100"
    replications = whole_number("--replications", args.replications or default_n, 1, 1_000_000)
    draws = whole_number("--draws", args.draws, 9, 9999)
    seed = seed_option("--seed", args.seed)
    out = file_name("--out", args.out)
    executor = executor_option(args, per_core=True)
    config_path = file_name("--config", args.config) if args.config else DEFAULT_CONFIG
    as_of = parse_as_of(args.as_of) if args.as_of else None
    shipped = None
    if args.check and args.from_summary:
        raise InputError("--from-summary and --check exclude each other (--check re-runs)")
    start_path = file_name("--from-summary", args.from_summary) if args.from_summary else None
    if args.check:
        try:
            shipped = json.loads(SBC_PATH.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{SBC_PATH}: no readable shipped SBC run ({exc})") from None
        if replications > shipped["replications"]:
            raise InputError(
                f"--replications {replications}: the shipped run has "
                f"{shipped['replications']}; allowed 1 to {shipped['replications']}"
            )
    config = load_config(config_path, "--config")
    everything = load_observations(DEFAULT_PATH)
    as_of = data_date(everything, as_of)
    observations = rows_as_of(everything, as_of)
    config = config.as_of(as_of)
    run = manifest(config, data_hash(DEFAULT_PATH), as_of, seed, draws)
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    start = None
    if start_path is not None:
        names = [f.name for f in config.free]
        try:
            started = read_summary(start_path)
            start = summary_replications(started, run, names, replications)
        except InputError as exc:
            raise InputError(f"--from-summary {start_path}: {exc}") from None
        made_by = made_by_text(started.get("provenance"))
        if made_by:
            say(f"SBC: {start_path} {made_by}")
    if shipped is not None:
        differ = [k for k, v in shipped["run"].items() if run.get(k) != v]
        if differ:
            raise InputError(
                "--check: the shipped run was made with other settings: "
                + ", ".join(f"{k} {shipped['run'][k]!r} (here {run.get(k)!r})" for k in differ)
            )
        with tempfile.TemporaryDirectory() as folder:
            records = run_sbc(Path(folder), config, observations, run, replications, executor, say)
        report = check_replications(shipped, records, provenance())
        print(report.headline())
        for line in report.differences:
            print(f"  {line}")
        if not report.passed:
            print(f"MISMATCH with {SBC_PATH}: {len(report.differences)} difference(s)")
            return 1
        print(f"check passed: {replications} replication(s) reproduce {SBC_PATH}")
        return 0
    # the run's folder is made, and its summary is never written over an input, before any work
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file; the run's folder is needed (a new or a run's)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot make the folder ({exc.strerror or exc})") from None
    summary_path = out / SUMMARY
    inputs = (config_path, DEFAULT_PATH, *((start_path,) if start_path else ()))
    output_file("--out", str(summary_path), inputs=inputs)
    if start is not None:
        added = start_from(out, start, run)
        say(f"SBC: {added} replication(s) taken from {start_path}")
    records = run_sbc(out, config, observations, run, replications, executor, say)
    ranks = rank_table(records)
    print(summary_text(ranks, draws))
    summary = summary_record(ranks, draws, run, [records[i] for i in sorted(records)], provenance())
    write_file(summary_path, json.dumps(summary, indent=1, sort_keys=True) + "\n")
    print(f"wrote {summary_path}")
    return 0


def read_summary(path: Path) -> dict[str, Any]:
    """A run's summary for ``--from-summary``: a JSON object, or a one-line error."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"not a readable SBC summary ({exc})") from None
    if not isinstance(data, dict):
        raise InputError("not an SBC summary (a JSON object is needed)")
    return data


def made_by_text(provenance: object) -> str:
    """How the code that made a summary differs from this one, or "" when it does not (its
    ffsim version and commit): a run's description does not include the code, so a summary
    made by other code is taken, and the difference said.
    """
    from ffsim import __version__
    from ffsim.calibration.artifact import _git

    if not isinstance(provenance, dict):
        return "records no provenance: the code that made it is unknown"
    commit, _ = _git()
    theirs = (provenance.get("ffsim"), provenance.get("git_commit"))
    if theirs == (__version__, commit):
        return ""
    here = f"at commit {commit[:12]}" if commit != "unknown" else "(an installed package)"
    return (
        f"was made by ffsim {theirs[0]} at commit {str(theirs[1])[:12]}; this is ffsim "
        f"{__version__} {here}"
    )
