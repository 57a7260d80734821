"""``ffsim compare``, ``validate``, ``explain`` and ``sensitivity``."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from ffsim.cli.options import add_artifact_option
from ffsim.core.errors import InputError
from ffsim.scenarios.attribution import BALANCES, explain
from ffsim.scenarios.compare import OUTCOMES, compare
from ffsim.scenarios.scenario import baseline_scenario, check_scenario_file, load_scenario
from ffsim.scenarios.sensitivity import OUTPUTS, sobol, tornado


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register the scenario commands on the ``ffsim`` parser."""
    c = sub.add_parser("compare", help="key outcomes of scenarios with 90%% intervals")
    c.add_argument("scenarios", nargs="+", metavar="SCENARIO.toml")
    c.add_argument("--draws", type=int, default=200, help="posterior draws (default 200)")
    c.add_argument("--out", metavar="FILE.csv", help="write the table as tidy CSV")
    add_artifact_option(c)
    v = sub.add_parser("validate", help="check scenario files; exit 1 listing every problem")
    v.add_argument("files", nargs="+", metavar="FILE.toml")
    e = sub.add_parser("explain", help="attribute the difference between two scenarios")
    e.add_argument("a", metavar="A.toml")
    e.add_argument("b", metavar="B.toml")
    e.add_argument("--outcome", default="in_theatre", choices=sorted(BALANCES))
    e.add_argument("--region", default="total")
    e.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: end)")
    add_artifact_option(e)
    s = sub.add_parser("sensitivity", help="one-at-a-time tornado and Sobol indices")
    s.add_argument("--scenario", metavar="FILE.toml", help="base scenario (default: baseline)")
    s.add_argument("--output", default="in_theatre", choices=OUTPUTS)
    s.add_argument("--region", default="total")
    s.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2016, 6, 30))
    s.add_argument("--every", type=int, default=12, help="months between Sobol dates")
    s.add_argument("--n", type=int, default=256, help="Sobol base sample (power of two)")
    s.add_argument("--seed", type=int, default=0)
    add_artifact_option(s)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.2g}"


def compare_command(args: argparse.Namespace) -> int:
    """``ffsim compare``: outcomes of each scenario with 90% intervals, paired differences."""
    scenarios = [load_scenario(p) for p in args.scenarios]
    c = compare(scenarios, draws=args.draws)
    print(f"{len(scenarios)} scenarios, {args.draws} posterior draws each; 90% intervals;")
    print(f"differences are paired by draw, against {c.names[0]!r}.")
    rows = []
    for outcome, label in OUTCOMES.items():
        print(f"\n{label}")
        q, d = c.quantiles(outcome), c.difference(outcome)
        for i, name in enumerate(c.names):
            best = c.best[outcome][i]
            if outcome == "peak_month":
                text = (
                    f"{c.month_label(best)}  [{c.month_label(q[i, 0])} to {c.month_label(q[i, 2])}]"
                )
            else:
                text = f"{_fmt(best):>10}  [{_fmt(q[i, 0])} to {_fmt(q[i, 2])}]"
            diff = (
                ""
                if i == 0
                else f"   difference {_fmt(d[i, 1])} [{_fmt(d[i, 0])} to {_fmt(d[i, 2])}]"
            )
            print(f"  {name[:48]:<48} {text}{diff}")
            for stat, value in (
                ("best_fit", best),
                ("p05", q[i, 0]),
                ("p50", q[i, 1]),
                ("p95", q[i, 2]),
                ("difference_p05", d[i, 0]),
                ("difference_p50", d[i, 1]),
                ("difference_p95", d[i, 2]),
            ):
                rows.append((name, c.hashes[i], outcome, stat, float(value)))
    if args.out:
        out = Path(args.out)
        if not out.parent.exists():
            raise InputError(f"--out {args.out}: directory {out.parent} does not exist")
        with out.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["scenario", "content_hash", "outcome", "statistic", "value"])
            writer.writerows(rows)
        print(f"\nwrote {out}")
    return 0


def validate_command(args: argparse.Namespace) -> int:
    """``ffsim validate``: every problem of every file; exit 1 if any."""
    problems = []
    for path in args.files:
        scenario, found = check_scenario_file(path)
        if scenario is not None:
            print(f"ok: {path} ({scenario.name}; content hash {scenario.content_hash()[:16]})")
        problems += found
    for line in problems:
        print(line)
    return 1 if problems else 0


def explain_command(args: argparse.Namespace) -> int:
    """``ffsim explain``: Shapley values of what differs between two scenarios, and flows."""
    a, b = load_scenario(args.a), load_scenario(args.b)
    e = explain(a, b, args.outcome, args.region, args.date)
    print(
        f"{args.outcome} ({args.region}) at {e.date}: {a.name!r} {_fmt(e.value_a)}, "
        f"{b.name!r} {_fmt(e.value_b)}, difference {_fmt(e.total)}"
    )
    if not e.components:
        print("the scenarios do not differ")
        return 0
    print("\nby component (Shapley values sum to the difference; one at a time for comparison)")
    for name, phi, oat in zip(e.components, e.shapley, e.one_at_a_time, strict=True):
        print(f"  {name:<40} {_fmt(phi):>10}   one at a time {_fmt(oat):>10}")
    print(f"  {'interaction (difference - sum one at a time)':<40} {_fmt(e.interaction):>10}")
    print("\nby flow (stock balance: changes in inflows minus outflows)")
    for name, value in e.flows.items():
        print(f"  {name:<40} {_fmt(value):>10}")
    return 0


def sensitivity_command(args: argparse.Namespace) -> int:
    """``ffsim sensitivity``: one-at-a-time tornado and Sobol indices over time."""
    base = load_scenario(args.scenario) if args.scenario else baseline_scenario()
    value, bars = tornado(base, args.output, args.region, args.date)
    print(f"{args.output} ({args.region}) at {args.date}: {_fmt(value)} in {base.name!r}")
    print("\none at a time: parameters at their posterior 5% and 95%, levers at their bounds")
    for bar in bars:
        low = f"{_fmt(bar.low_setting):>8} -> {_fmt(bar.low_output):>9}"
        high = f"{_fmt(bar.high_setting):>8} -> {_fmt(bar.high_output):>9}"
        print(f"  {bar.name:<36} {bar.kind:<9} {low}   {high}")
    s = sobol(base, args.output, args.region, args.every, args.n, args.seed)
    print(f"\nSobol total-order indices over the posterior 90% ranges ({s.n_runs} runs)")
    order = np.argsort(-s.total.max(axis=0))[:8]
    print(f"  {'parameter':<36}" + "".join(f"{d:%Y-%m}".rjust(9) for d in s.dates))
    for j in order:
        print(f"  {s.names[j]:<36}" + "".join(f"{x:9.2f}" for x in s.total[:, j]))
    return 0
