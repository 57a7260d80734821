"""An SBC run's verdict as text and as a JSON-able summary (the checks are
:func:`ffsim.calibration.sbc_ranks.sbc_summary`'s).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ffsim.calibration.sbc_ranks import SbcSummary, sbc_summary

JUDGED_FROM = 20
"""Replications below which no verdict is given: with fewer ranks the tests can pass almost any
inference (with 2, every p-value is 0.16 or 1), so a "pass" would say nothing."""


def summarise(ranks: dict[str, np.ndarray], draws: int) -> SbcSummary | None:
    """The rank checks, or ``None`` with fewer than two replications (no test then)."""
    if not ranks or min(len(v) for v in ranks.values()) < 2:
        return None
    return sbc_summary(ranks, draws)


def summary_text(ranks: dict[str, np.ndarray], draws: int) -> str:
    """A table: each quantity's chi-square p-value, band, 90% coverage, and the verdict."""
    summary = summarise(ranks, draws)
    n = min((len(v) for v in ranks.values()), default=0)
    if summary is None:
        return f"{n} replication(s): at least 2 are needed for the rank tests"
    head = f"{'quantity':<36}{'p (chi2)':>10}{'95% band':>9}{'family':>8}{'90% cov.':>10}  verdict"
    lines = [
        f"SBC: {n} replications, ranks among {draws} posterior draws; each quantity's chi-square "
        f"p and ECDF band held to {summary.threshold:.2g} (Bonferroni over the "
        f"{2 * len(summary.rows)} tests of {len(summary.rows)} quantities); its own "
        f"{1 - summary.alpha:.0%} band shown too",
        head,
        "-" * len(head),
    ]
    judged = n >= JUDGED_FROM
    yes = lambda flag: "yes" if flag else "no"  # noqa: E731
    for row in summary.rows:
        verdict = ("passes" if row.passes else "FAILS") if judged else "not judged"
        shape = f" ({row.shape})" if row.shape and judged else ""
        lines.append(
            f"{row.name:<36}{row.p_value:>10.3g}{yes(row.inside_bands):>9}"
            f"{yes(row.inside_family_band):>8}{row.coverage:>10.2f}  {verdict}{shape}"
        )
    if not judged:
        lines.append(
            f"{n} replications: fewer than {JUDGED_FROM}, too few for the tests to tell a sound "
            "inference from a poor one; no verdict is given"
        )
        return "\n".join(lines)
    failing = [r.name for r in summary.rows if not r.passes]
    lines.append(
        f"{len(summary.rows) - len(failing)} of {len(summary.rows)} quantities pass"
        + (f"; failing: {', '.join(failing)}" if failing else "")
    )
    return "\n".join(lines)


def summary_record(
    ranks: dict[str, np.ndarray],
    draws: int,
    run: dict[str, Any],
    records: list[dict[str, Any]],
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """What a run ships: its description and provenance, each replication's ranks, true values
    and what they rest on, and the verdict per quantity (JSON-able).
    """
    summary = summarise(ranks, draws)
    return {
        "run": run,
        "provenance": provenance,
        "replications": len(records),
        "ranks": {name: [int(x) for x in v] for name, v in ranks.items()},
        "theta_true": [r["theta_true"] for r in records],
        "records": [
            {k: v for k, v in r.items() if k not in ("ranks", "theta_true")} for r in records
        ],
        "checks": [] if summary is None else summary.as_records(),
        "passes": None if summary is None or len(records) < JUDGED_FROM else summary.passes,
    }
