"""``ffsim levers``: every policy lever, from the one definition of them
(:class:`ffsim.scenarios.levers.Levers`): its name, label, default, allowed range, unit and
what it does.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario_input import LEVER_ALLOWED


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``levers`` on the ``ffsim`` parser."""
    sub.add_parser(
        "levers",
        help="the policy levers a scenario sets under [levers]: default, range, unit, meaning",
    )


def levers_text() -> str:
    """The text ``ffsim levers`` prints."""
    lines = [
        f"{len(LEVER_SPECS)} policy levers: set them under [levers] in a scenario file; at "
        "their defaults they reproduce the calibrated baseline",
    ]
    for name, spec in LEVER_SPECS.items():
        unit = "" if spec.unit == "dimensionless" else f" {spec.unit}"
        lines += [
            "",
            f"{name}  ({spec.label})",
            f"  default {spec.default:g}{unit}; allowed: {LEVER_ALLOWED[name][0]}",
            *textwrap.wrap(spec.description, 94, initial_indent="  ", subsequent_indent="  "),
        ]
    return "\n".join(lines) + "\n"


def levers_command(args: argparse.Namespace) -> int:
    """``ffsim levers``."""
    print(levers_text(), end="")
    return 0
