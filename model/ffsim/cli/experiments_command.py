"""``ffsim experiments``: a design of experiments over uncertainties and policies, its outcomes as
Parquet, the policies' robustness and, asked for, the PRIM box of a policy's failures.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from ffsim.cli.checks import choice, file_name, seed_option, whole_number
from ffsim.cli.options import add_executor_options, executor_option
from ffsim.core.errors import InputError
from ffsim.exploration.design import DESIGNS
from ffsim.exploration.run import POSTERIOR, experiments, shipped_policies

DEFAULT_OUTCOME = "in_theatre_2016"


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``experiments`` on the ``ffsim`` parser."""
    e = sub.add_parser(
        "experiments",
        help="run a design of experiments over uncertainties and policies; robustness, PRIM",
    )
    e.add_argument("--n", default="100", help="scenarios of the uncertainties (default 100)")
    e.add_argument("--design", default="lhs", help="lhs (default) or sobol (n a power of two)")
    e.add_argument("--seed", default="0", help="seed of the design (default 0)")
    e.add_argument(
        "--uncertainties",
        default=POSTERIOR,
        help="posterior (default: draws of the calibrated posterior), all (every assumption "
        "over its range), or parameter names separated by commas",
    )
    e.add_argument("--levers", help="levers to draw (all, or names separated by commas)")
    e.add_argument(
        "--policies",
        default="baseline",
        help="shipped scenarios run on every scenario, separated by commas (default baseline)",
    )
    e.add_argument("--out", metavar="FOLDER", help="write experiments.parquet, outcomes.parquet")
    add_executor_options(e, "the runs")
    e.add_argument(
        "--outcome", default=DEFAULT_OUTCOME, help=f"outcome judged (default {DEFAULT_OUTCOME})"
    )
    e.add_argument("--threshold", help="satisficing: the outcome at or below this is met")
    e.add_argument(
        "--discover",
        metavar="POLICY",
        help="PRIM box of the scenarios where POLICY fails to cut the outcome by --cut from "
        "the first policy",
    )
    e.add_argument("--cut", default="20", help="percent cut asked of --discover (default 20)")


def _names(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def experiments_command(args: argparse.Namespace) -> int:
    """Run the design, print what was run, the robustness and the box; write Parquet."""
    from ffsim.exploration.robustness import robustness
    from ffsim.exploration.storage import write_experiments

    n = whole_number("--n", args.n, 1, 1_000_000)
    design = choice("--design", args.design, DESIGNS)
    seed = seed_option("--seed", args.seed)
    cut = whole_number("--cut", args.cut, 1, 99) / 100
    threshold = None
    if args.threshold is not None:
        try:
            threshold = float(args.threshold.replace(",", ""))
        except ValueError:
            raise InputError(f"--threshold {args.threshold}: allowed a number") from None
    executor = executor_option(args)
    policies = _names(args.policies) or ["baseline"]
    for p in policies:
        choice("--policies", p, shipped_policies())
    if args.discover is not None and (
        args.discover not in policies or args.discover == policies[0]
    ):
        raise InputError(
            f"--discover {args.discover}: allowed one of the policies after the first "
            f"({', '.join(policies[1:]) or 'add one to --policies'})"
        )
    out = file_name("--out", args.out) if args.out is not None else None
    uncertainties: Any = args.uncertainties
    if uncertainties not in (POSTERIOR, "all"):
        uncertainties = _names(uncertainties)
    start = time.perf_counter()
    result = experiments(
        levers=_names(args.levers) if args.levers not in (None, "all") else args.levers,
        uncertainties=uncertainties,
        n=n,
        design=design,
        seed=seed,
        policies=None if args.levers else policies,
        executor=executor,
    )
    seconds = time.perf_counter() - start
    if args.outcome not in result.outcomes:
        raise InputError(f"--outcome {args.outcome}: allowed {', '.join(result.outcomes)}")
    runs = len(result.experiments)
    count = runs // n
    print(
        f"{runs:,} runs ({n:,} scenarios x {count} polic{'y' if count == 1 else 'ies'}, "
        f"{design}, seed {seed}) in "
        f"{seconds:,.1f} s on {executor.workers} worker(s)"
    )
    if out is not None:
        paths = write_experiments(result, Path(out))
        print(f"wrote {paths[0]} and {paths[1]}")
    if len(set(result.experiments["policy"])) > 1:
        table = robustness(result, args.outcome, threshold)
        print(f"\nRobustness of each policy: {args.outcome} (persons; lower is better)\n")
        print(table.to_string(float_format=lambda v: f"{v:,.2f}" if v < 1 else f"{v:,.0f}"))
    if args.discover is not None:
        from ffsim.exploration.discovery import fails_to_cut, prim_box
        from ffsim.exploration.factors import factor_labels

        x, y = fails_to_cut(result, args.discover, policies[0], args.outcome, cut)
        print(
            f"\n{args.discover} fails to cut {args.outcome} by {cut:.0%} from {policies[0]} "
            f"in {int(y.sum()):,} of {len(y):,} scenarios."
        )
        if y.any():
            box = prim_box(x, y)
            print(f"PRIM box (coverage {box.coverage:.0%}, density {box.density:.0%}):")
            for line in box.sentences(factor_labels()):
                print(f"  {line}")
    return 0
