"""``ffsim forecast-skill``: how well each vintage foresaw the figures published after it."""

from __future__ import annotations

import argparse
import csv
import io
from typing import Any

from ffsim.calibration.forecast import figure_table, forecast_all, proper_table, skill_table
from ffsim.calibration.hub import quantile_columns
from ffsim.calibration.observations import load_observations
from ffsim.calibration.vintages import article_dates
from ffsim.cli.checks import choice, output_file
from ffsim.core.errors import InputError
from ffsim.core.tables import frame_bytes, table_bytes, table_format
from ffsim.core.writer import write_file
from ffsim.resources import VALIDATION_PATH


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``forecast-skill`` on the ``ffsim`` parser."""
    f = sub.add_parser(
        "forecast-skill",
        help="each vintage's posterior predictive against the figures published after it",
    )
    f.add_argument(
        "--vintage",
        metavar="YYYY-MM-DD",
        help="also list every later figure of this vintage (one of the articles' dates)",
    )
    f.add_argument(
        "--out",
        metavar="FILE",
        help="write every vintage's figures as a table (.csv, .parquet or .xlsx, as the "
        "extension says)",
    )
    f.add_argument(
        "--quantiles",
        metavar="FILE",
        help="write every vintage's forecast of every later figure as quantiles in the forecast "
        "hubs' long format (as_of, target, horizon, quantile_level, value, ...; 23 levels; "
        ".csv, .parquet or .xlsx)",
    )


def _table(rows: list[dict[str, Any]], suffix: str) -> bytes | str:
    """The rows of ``--out`` as CSV (Python's ``csv``), or a Parquet or Excel file."""
    if suffix == ".csv":
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        return text.getvalue()
    import pandas as pd

    return frame_bytes(pd.DataFrame(rows), suffix)


def forecast_skill_command(args: argparse.Namespace) -> int:
    """Print the skill and proper-score tables (and one vintage's figures); write the tables
    asked for.
    """
    out = output_file("--out", args.out, inputs=(VALIDATION_PATH,))
    suffix = None if out is None else table_format("--out", out)
    quantiles = output_file("--quantiles", args.quantiles, inputs=(VALIDATION_PATH,))
    q_suffix = None if quantiles is None else table_format("--quantiles", quantiles)
    if out is not None and quantiles is not None and out.resolve() == quantiles.resolve():
        raise InputError(f"--quantiles {quantiles}: the same file as --out; name another")
    chosen = None
    if args.vintage is not None:
        dates = [d.isoformat() for d in article_dates(load_observations())]
        chosen = dates.index(choice("--vintage", args.vintage, dates))
    report = forecast_all()
    print("Forecast skill: each vintage's posterior predictive against every later figure")
    print("(drivers as they happened; bands include the reporting error of each figure)\n")
    print(skill_table(report))
    print("\nProper scores: WIS on the log scale (lower is better), log score (higher is better),")
    print("PIT histogram of the later figures (flat when the bands are as wide as the scatter)\n")
    print(proper_table(report))
    if chosen is not None:
        v, forecasts = report[chosen]
        print(f"\nLater figures, vintage {v.label}\n")
        print(figure_table(forecasts))
    if out is not None:
        rows = [
            {"vintage": v.date.isoformat(), "data_date": v.data_date.isoformat(), **f.as_dict()}
            for v, forecasts in report
            for f in forecasts
        ]
        try:
            write_file(out, _table(rows, suffix or ".csv"))
        except OSError as exc:
            raise InputError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
        print(f"\nwrote {out}")
    if quantiles is not None:
        try:
            write_file(quantiles, table_bytes(quantile_columns(report), q_suffix or ".csv"))
        except OSError as exc:
            raise InputError(
                f"--quantiles {quantiles}: cannot write: {exc.strerror or exc}"
            ) from None
        print(f"\nwrote {quantiles}")
    return 0
