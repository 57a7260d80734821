"""``ffsim compare``, ``validate``, ``explain`` and ``sensitivity``."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import textwrap
from typing import Any

import numpy as np

from ffsim.calibration.baseline import active_artifact, baseline_parameters, read_artifact
from ffsim.cli import checks
from ffsim.cli.options import add_artifact_option, add_executor_options, executor_option
from ffsim.core.errors import InputError
from ffsim.core.simulate import Settings
from ffsim.core.tables import table_bytes, table_format
from ffsim.core.writer import write_file
from ffsim.scenarios.attribution import BALANCES, explain
from ffsim.scenarios.compare import (
    OUTCOMES,
    OUTSIDE_MARK,
    STATISTICS,
    compare,
    outside_note,
    reading,
    signed,
)
from ffsim.scenarios.scenario import (
    Scenario,
    baseline_scenario,
    check_scenario_file,
    load_base,
    load_scenario,
)
from ffsim.scenarios.sensitivity import OUTPUTS, sobol, tornado
from ffsim.scenarios.source import SCENARIO_HELP

COMPARE_DRAWS = 200
"""Posterior draws ``ffsim compare`` uses by default (fewer when the artifact stores fewer)."""

SENSITIVITY_DATE = dt.date(2016, 6, 30)
"""Default date of the tornado, when it lies within the run (else the run's last day)."""

SOBOL_EVERY = 12
"""Default months between Sobol dates (the run's months when it is shorter)."""

SOBOL_N = 256
"""Default Sobol base sample (the largest :data:`~ffsim.cli.checks.MAX_MEMBER_MONTHS` allows
when that is less): the model runs ``--n`` times the free parameters plus two times.
"""


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register the scenario commands on the ``ffsim`` parser."""
    c = sub.add_parser(
        "compare",
        help="key outcomes of scenarios with 90%% intervals; one scenario is compared with its "
        "base",
    )
    c.add_argument(
        "scenarios",
        nargs="+",
        metavar="SCENARIO",
        help=SCENARIO_HELP + "; the first is the reference; given alone, a scenario is compared "
        "with its base (the baseline, or the scenario its `base` names)",
    )
    c.add_argument(
        "--draws",
        metavar="N",
        help=f"posterior draws, 1 to those stored (default {COMPARE_DRAWS} or all stored)",
    )
    c.add_argument(
        "--out",
        metavar="FILE",
        help="write the table (.csv, .parquet or .xlsx, as the extension says): scenario, "
        "content_hash, outcome, statistic, value "
        "(statistics: " + ", ".join(COMPARE_STATISTICS) + ")",
    )
    add_artifact_option(c)
    v = sub.add_parser("validate", help="check scenario files; exit 1 listing every problem")
    v.add_argument("files", nargs="+", metavar="SCENARIO", help=SCENARIO_HELP)
    e = sub.add_parser("explain", help="attribute the difference between two scenarios")
    e.add_argument("a", metavar="A", help=SCENARIO_HELP)
    e.add_argument("b", metavar="B", help=SCENARIO_HELP)
    e.add_argument("--outcome", default="in_theatre", help=f"one of {', '.join(BALANCES)}")
    e.add_argument("--region", default="total", help="total or a region id")
    e.add_argument("--date", metavar="YYYY-MM-DD", help="a day of A's run (default: its end)")
    add_artifact_option(e)
    s = sub.add_parser("sensitivity", help="one-at-a-time tornado and Sobol indices")
    s.add_argument(
        "--scenario", metavar="SCENARIO", help=f"base scenario (default: baseline): {SCENARIO_HELP}"
    )
    s.add_argument("--output", default="in_theatre", help=f"one of {', '.join(OUTPUTS)}")
    s.add_argument("--region", default="total", help="total or a region id")
    s.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help=f"date of the tornado (default {SENSITIVITY_DATE}, or the run's end if earlier)",
    )
    s.add_argument(
        "--every", help="months between Sobol dates, 1 to the run's (default 12, or the run's)"
    )
    s.add_argument(
        "--n", help="Sobol base sample, a power of two (default 256, or the most the run allows)"
    )
    s.add_argument("--seed", default="0", help=f"Sobol seed, 0 to {checks.MAX_SEED}")
    add_executor_options(s, "the Sobol runs")
    add_artifact_option(s)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.2g}"


COMPARE_STATISTICS = STATISTICS
"""The statistics of ``ffsim compare --out``, one row each per scenario and outcome
(:data:`ffsim.scenarios.compare.STATISTICS`; docs/scenarios.md, "Comparing scenarios")."""


def compare_command(args: argparse.Namespace) -> int:
    """``ffsim compare``: outcomes of each scenario at the best fit with 90% intervals, and
    differences from the first at the best fit with paired 90% intervals.
    """
    out = checks.output_file(
        "--out", args.out, inputs=(active_artifact(),), scenarios=args.scenarios
    )
    suffix = None if out is None else table_format("--out", out)
    stored = len(read_artifact()["posterior_sample"]["values"])
    if args.draws is not None:
        checks.whole_number("--draws", args.draws, 1, stored, "the posterior draws stored")
    scenarios = [load_scenario(p) for p in args.scenarios]
    if len(scenarios) == 1:
        scenarios.insert(0, load_base(args.scenarios[0]))
    draws = _compare_draws(args.draws, stored, len(scenarios), scenarios[0].settings.n_months)
    c = compare(scenarios, draws=draws)
    print(textwrap.fill(f"{len(scenarios)} scenarios. " + reading(draws, repr(c.names[0])), 96))
    rows, outside = [], 0
    for outcome, label in OUTCOMES.items():
        print(f"\n{label}")
        q, d = c.quantiles(outcome), c.difference(outcome)
        best_d, off = c.best_difference(outcome), c.difference_outside(outcome)
        for i, name in enumerate(c.names):
            best = c.best[outcome][i]
            if outcome == "peak_month":
                text = (
                    f"{c.month_label(best)}  [{c.month_label(q[i, 0])} to {c.month_label(q[i, 2])}]"
                )
            else:
                text = f"{_fmt(best):>10}  [{_fmt(q[i, 0])} to {_fmt(q[i, 2])}]"
            unit = " months" if outcome == "peak_month" else ""
            mark = f" {OUTSIDE_MARK}" if off[i] else ""
            outside += int(off[i])
            diff = (
                ""
                if i == 0
                else f"   difference {signed(best_d[i])}{unit} "
                f"[{signed(d[i, 0])} to {signed(d[i, 2])}]{mark}"
            )
            print(f"  {name[:48]:<48} {text}{diff}")
            values = (best, *q[i], best_d[i], *d[i])
            for stat, value in zip(COMPARE_STATISTICS, values, strict=True):
                rows.append((name, c.hashes[i], outcome, stat, float(value)))
    if len(scenarios) > 1:
        print("\n" + textwrap.fill(outside_note(outside), 96))
    if out is not None and suffix is not None:
        try:
            write_file(out, _compare_table(rows, suffix))
        except OSError as exc:
            raise InputError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
        print(f"\nwrote {out}")
    return 0


def _compare_table(rows: list[tuple[str, str, str, str, float]], suffix: str) -> bytes | str:
    """The table of ``compare --out`` in the format of ``suffix``: CSV as Python's ``csv``
    writes it (numbers in full), else a Parquet or Excel file of the same columns.
    """
    names = ("scenario", "content_hash", "outcome", "statistic", "value")
    if suffix == ".csv":
        table = io.StringIO(newline="")
        writer = csv.writer(table)
        writer.writerow(names)
        writer.writerows(rows)
        return table.getvalue()
    columns = {
        name: np.array([row[i] for row in rows], dtype=float if name == "value" else object)
        for i, name in enumerate(names)
    }
    return table_bytes(columns, suffix)


def _check_file(path: str) -> tuple[Scenario | None, list[str]]:
    """One file's scenario and problems; whatever goes wrong stays this file's problem."""
    try:
        checks.file_name("file", path)
        return check_scenario_file(path)
    except InputError as exc:
        return None, str(exc).splitlines()
    except RecursionError:
        return None, [f"{path}: nested too deeply to read"]
    except (OSError, ValueError) as exc:  # a last resort: the reader reports these itself
        return None, [f"{path}: cannot read: {' '.join(str(exc).split())[:200]}"]


def _compare_draws(text: str | None, stored: int, n: int, months: int) -> int:
    """``--draws`` of ``compare``: at most those stored, and as many as keep the ensemble of
    ``n`` scenarios (each its best fit and its draws) within the memory budget.
    """
    fits = checks.MAX_MEMBER_MONTHS // (n * months) - 1
    if fits < 1:
        most = checks.MAX_MEMBER_MONTHS // (2 * months)
        raise InputError(
            f"{n} scenarios over {months} months: too many to compare at once; at most {most}"
        )
    high = min(stored, fits)
    why = (
        "the posterior draws stored" if high == stored else f"for {n} scenarios of {months} months"
    )
    if text is None:
        return min(COMPARE_DRAWS, high)
    return checks.whole_number("--draws", text, 1, high, why)


def validate_command(args: argparse.Namespace) -> int:
    """``ffsim validate``: every problem of every file; exit 1 if any.

    The artifact every scenario starts from is checked first (a corrupt one exits 2); then
    each file is checked on its own, so a problem in one never hides those of the others.
    """
    baseline_parameters()
    problems = []
    for path in args.files:
        scenario, found = _check_file(path)
        if scenario is not None:
            name, digest = checks.printable(scenario.name), scenario.content_hash()[:16]
            print(f"ok: {path} ({name}; content hash {digest})")
        problems += found
    for line in problems:
        print(checks.printable(line))
    return 1 if problems else 0


def explain_command(args: argparse.Namespace) -> int:
    """``ffsim explain``: Shapley values of what differs between two scenarios, and flows."""
    checks.choice("--outcome", args.outcome, tuple(BALANCES))
    checks.region(args.region)
    a, b = load_scenario(args.a), load_scenario(args.b)
    date = (
        None
        if args.date is None
        else checks.date_in_run("--date", args.date, a.settings, "A's run")
    )
    e = explain(a, b, args.outcome, args.region, date)
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
    checks.choice("--output", args.output, OUTPUTS)
    checks.region(args.region)
    seed = checks.seed_option("--seed", args.seed)
    executor = executor_option(args)
    base = load_scenario(args.scenario) if args.scenario else baseline_scenario()
    every, n, date = _sensitivity_options(args, base.settings)
    value, bars = tornado(base, args.output, args.region, date)
    print(f"{args.output} ({args.region}) at {date}: {_fmt(value)} in {base.name!r}")
    print("\none at a time: parameters at their posterior 5% and 95%, levers at their bounds")
    for bar in bars:
        low = f"{_fmt(bar.low_setting):>8} -> {_fmt(bar.low_output):>9}"
        high = f"{_fmt(bar.high_setting):>8} -> {_fmt(bar.high_output):>9}"
        print(f"  {bar.name:<36} {bar.kind:<9} {low}   {high}")
    s = sobol(base, args.output, args.region, every, n, seed, executor=executor)
    print(f"\nSobol total-order indices over the posterior 90% ranges ({s.n_runs} runs)")
    order = np.argsort(-s.total.max(axis=0))[:8]
    print(f"  {'parameter':<36}" + "".join(f"{d:%Y-%m}".rjust(9) for d in s.dates))
    for j in order:
        print(f"  {s.names[j]:<36}" + "".join(f"{x:9.2f}" for x in s.total[:, j]))
    return 0


def _sensitivity_options(args: argparse.Namespace, settings: Settings) -> tuple[int, int, dt.date]:
    """``--every``, ``--n`` and ``--date`` checked against the run and the artifact."""
    months = settings.n_months
    every = (
        min(SOBOL_EVERY, months)
        if args.every is None
        else checks.whole_number("--every", args.every, 1, months, "the run's months")
    )
    k = len(read_artifact()["config"]["free"])
    high = 2
    while 2 * high * (k + 2) * months <= checks.MAX_MEMBER_MONTHS:
        high *= 2
    why = f"for {k} parameters over {months} months"
    n = min(SOBOL_N, high) if args.n is None else checks.power_of_two("--n", args.n, 2, high, why)
    if args.date is not None:
        date = checks.date_in_run("--date", args.date, settings)
    else:
        first, last = checks.run_span(settings)
        date = SENSITIVITY_DATE if first <= SENSITIVITY_DATE <= last else last
    return every, n, date
