"""The generated tables of docs/scenarios.md: the policy levers (from ``LEVER_SPECS``), every
shipped scenario (scenarios/*.toml) and their outcomes by the end of 2018 over 200 posterior
draws (best fit and 90% interval, in people).
"""

from __future__ import annotations

from ffsim.cli.markdown import cell, number


def lever_table() -> str:
    """Every policy lever: default, range, unit, meaning."""
    from ffsim.scenarios.levers import LEVER_SPECS

    rows = ["| lever | default | range | unit | meaning |", "|---|---|---|---|---|"]
    for spec in LEVER_SPECS.values():
        rows.append(
            f"| `{spec.name}` | {spec.default:g} | [{spec.lower:g}, {spec.upper:g}] "
            f"| {spec.unit} | {cell(spec.description)} |"
        )
    return "\n".join(rows)


def _shipped() -> list:
    from ffsim.scenarios.scenario import SCENARIO_DIR, load_scenario

    return [(p, load_scenario(p)) for p in sorted(SCENARIO_DIR.glob("*.toml"))]


def scenario_list() -> str:
    """Every shipped scenario: file, base, what it changes, its question and motivation."""
    from ffsim.scenarios.scenario import baseline_scenario

    base = baseline_scenario()
    out = []
    for path, s in _shipped():
        levers = ", ".join(
            f"`{k} = {v:g}`" for k, v in s.levers.model_dump(exclude_defaults=True).items()
        )
        drivers = ", ".join(
            f"`{n}`" for n, series in s.raw_drivers if series != getattr(base.raw_drivers, n)
        )
        changes = (
            "; ".join(
                x
                for x in (
                    f"levers {levers}" if levers else "",
                    f"drivers {drivers}" if drivers else "",
                )
                if x
            )
            or "nothing (the baseline itself)"
        )
        out.append(
            f"### {s.name}\n\n`scenarios/{path.name}`, base `{s.base}`, content hash "
            f"`{s.content_hash()[:16]}`. Changes: {changes}.\n\n"
            f"{' '.join(s.description.split())}\n\n*Motivation:* {' '.join(s.motivation.split())}"
        )
    return "\n\n".join(out)


COMPARE_DRAWS = 200
"""Posterior draws of the generated outcome tables (``ffsim compare``'s default)."""

COMPARE_COLUMNS = ("cumulative_arrivals", "peak_in_theatre", "killed", "returned", "intercepted")
"""The outcomes of the generated tables (with the month of the peak), as ``ffsim compare``
names them."""


def compare_table() -> str:
    """Outcomes by the end of 2018 for every shipped scenario: best fit and 90% interval; then
    the difference of each from the first (As reported) at the best fit, with its paired 90%
    interval, marked when the best-fit difference lies outside it.
    """
    from ffsim.scenarios.compare import (
        OUTSIDE_MARK,
        compare,
        outside_note,
        reading,
        signed,
    )

    shipped = _shipped()
    c = compare([s for _, s in shipped], draws=COMPARE_DRAWS)
    cols = COMPARE_COLUMNS
    head = "| scenario | " + " | ".join(cols) + " | peak month |"
    rule = "|---" * (len(cols) + 2) + "|"
    rows = [head, rule]
    for i, name in enumerate(c.names):
        cells = []
        for col in cols:
            q = c.quantiles(col)[i]
            cells.append(f"{number(c.best[col][i])} ({number(q[0])} to {number(q[2])})")
        rows.append(
            f"| {name} | " + " | ".join(cells) + f" | {c.month_label(c.best['peak_month'][i])} |"
        )
    diffs = [head.replace("| peak month |", "| peak month (months) |"), rule]
    outside = 0
    for i, name in enumerate(c.names[1:], start=1):
        cells = []
        for col in (*cols, "peak_month"):
            low, _, high = c.difference(col)[i]
            off = bool(c.difference_outside(col)[i])
            outside += off
            mark = f" {OUTSIDE_MARK}" if off else ""
            cells.append(
                f"{signed(c.best_difference(col)[i])} ({signed(low)} to {signed(high)}){mark}"
            )
        diffs.append(f"| {name} | " + " | ".join(cells) + " |")
    note = outside_note(outside).replace(OUTSIDE_MARK, "\\" + OUTSIDE_MARK, 1)
    return "\n".join(
        [
            reading(COMPARE_DRAWS, f"'{c.names[0]}'"),
            "",
            "Outcomes, at the best fit (90% interval):",
            "",
            *rows,
            "",
            f"Difference from '{c.names[0]}', at the best fit (paired 90% interval):",
            "",
            *diffs,
            "",
            note,
        ]
    )
