"""Options several commands share."""

from __future__ import annotations

import argparse


def add_artifact_option(parser: argparse.ArgumentParser) -> None:
    """``--artifact PATH``: start from this calibration artifact instead of the shipped one."""
    parser.add_argument(
        "--artifact",
        metavar="FILE.json",
        help="calibration artifact to start from (default: the shipped calibration/baseline.json)",
    )
