"""``ffsim forecast-skill``: how well each vintage foresaw the figures published after it."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from ffsim.calibration.forecast import Report, figure_table, forecast_all, skill_table
from ffsim.core.errors import InputError


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
    f.add_argument("--out", metavar="FILE.csv", help="write every vintage's figures as CSV")


def _pick(report: Report, text: str) -> int:
    dates = [v.date.isoformat() for v, _ in report]
    if text not in dates:
        raise InputError(f"--vintage {text!r}: allowed one of {', '.join(dates)}")
    return dates.index(text)


def forecast_skill_command(args: argparse.Namespace) -> int:
    """Print the skill table (and one vintage's figures); write the CSV if asked."""
    out = Path(args.out) if args.out else None
    if out is not None:
        from ffsim.cli.calibrate import check_output_file

        check_output_file("--out", out)
    report = forecast_all()
    chosen = _pick(report, args.vintage) if args.vintage else None
    print("Forecast skill: each vintage's posterior predictive against every later figure")
    print("(drivers as they happened; bands include the reporting error of each figure)\n")
    print(skill_table(report))
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
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"\nwrote {out}")
    return 0
