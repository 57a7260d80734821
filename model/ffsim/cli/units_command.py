"""``ffsim check-units``: the units check of every equation (as Vensim's Units Check)."""

from __future__ import annotations

import argparse
from typing import Any

from ffsim.core.regions import REGION_IDS
from ffsim.exchange.equations import equations
from ffsim.exchange.units import check_units


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``check-units`` on the ``ffsim`` parser."""
    sub.add_parser(
        "check-units",
        help="check that every equation's units agree with its declared units (exit 1 if not)",
    )


def check_units_command(args: argparse.Namespace) -> int:
    """``ffsim check-units``: one line per problem and exit 1, or a summary and exit 0."""
    eqs = equations(REGION_IDS)
    problems = check_units(eqs)
    kinds = {kind: sum(e.kind == kind for e in eqs) for kind in ("stock", "flow", "aux")}
    counted = f"{kinds['stock']} stocks, {kinds['flow']} flows, {kinds['aux']} auxiliaries"
    if problems:
        for problem in problems:
            print(f"units: {problem}")
        print(f"{len(problems)} units problems in {len(eqs)} equations ({counted})")
        return 1
    print(f"{len(eqs)} equations ({counted}): units consistent with their declarations")
    return 0
