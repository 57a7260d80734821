"""The generated block of docs/validation.md on simulation-based calibration: the shipped SBC
run (``calibration/sbc/summary.json``), how far it has come, its ranks read whole
(:func:`ffsim.calibration.sbc_pooled.pooled_reading`) and each quantity's rank checks.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from ffsim.calibration.platform_info import blas_kernels
from ffsim.calibration.sbc_artifact import replication_made_on
from ffsim.calibration.sbc_pooled import LOW_RANK, pooled_reading
from ffsim.calibration.sbc_summary import JUDGED_FROM
from ffsim.resources import SBC_PATH, shown


def sbc_block() -> str:
    """What the shipped SBC run holds: its size, its wall time and the rank checks."""
    if not SBC_PATH.exists():
        return f"No SBC run is shipped yet ({shown(SBC_PATH)} is absent)."
    summary = json.loads(SBC_PATH.read_text("utf-8"))
    run, n = summary["run"], summary["replications"]
    prov = summary["provenance"]
    lines = [
        f"The shipped run ({shown(SBC_PATH)}): {n} replication{'s' if n != 1 else ''} of the "
        f"shipped set-up as of {run['as_of']}, seed {run['seed']}, each true value ranked among "
        f"{run['draws']} thinned posterior draws, gathered by ffsim {prov['ffsim']}; "
        f"{wall_time_text(summary)}.",
        "",
    ]
    if not summary["checks"]:
        lines.append("Too few replications for the rank tests (at least 2 are needed).")
        return "\n".join(lines)
    if summary["passes"] is None:
        lines.append(
            f"With {n} replications (fewer than {JUDGED_FROM}) the tests cannot tell a sound "
            "inference from a poor one: no verdict is given, and the table shows the ranks' "
            "statistics as they stand."
        )
    else:
        passing = sum(c["passes"] for c in summary["checks"])
        lines.append(
            f"{passing} of {len(summary['checks'])} quantities pass both family-wise checks "
            f"(chi-square p and the ECDF band, each at {0.05 / (2 * len(summary['checks'])):.2g}"
            ": Bonferroni over the two tests of every quantity)."
        )
    judged = summary["passes"] is not None
    if judged:
        lines += ["", pooled_text(summary)]
    lines += [
        "",
        "| quantity | chi-square p | inside its 95% band | inside the family-wise band "
        "| 90% coverage | verdict | how the ranks depart |",
        "|---|---|---|---|---|---|---|",
    ]
    yes = lambda flag: "yes" if flag else "no"  # noqa: E731
    for c in summary["checks"]:
        verdict = ("passes" if c["passes"] else "**fails**") if judged else "not judged"
        lines.append(
            f"| `{c['name']}` | {c['p_value']:.3g} | {yes(c['inside_bands'])} "
            f"| {yes(c.get('inside_family_band', True))} | {c['coverage']:.2f} | {verdict} "
            f"| {c.get('shape', '') or '-'} |"
        )
    return "\n".join(lines)


def wall_time_text(summary: dict[str, Any]) -> str:
    """How long a replication took, by the machine that made it (each replication's
    ``made_on``, else the summary's provenance): its CPU and OpenBLAS kernel.
    """
    groups: dict[str, list[float]] = {}
    for i, record in enumerate(summary["records"]):
        platform = replication_made_on(summary, i).get("platform") or {}
        where = (
            f"{platform.get('cpu', 'an unrecorded CPU')} (OpenBLAS kernel {blas_kernels(platform)})"
        )
        groups.setdefault(where, []).append(float(record["seconds"]) / 60)
    parts = [
        f"{statistics.median(minutes):.1f} minutes (median; {min(minutes):.1f} to "
        f"{max(minutes):.1f}) on {where}"
        + (f" for {len(minutes)} of them" if len(groups) > 1 else "")
        for where, minutes in groups.items()
    ]
    return "a replication took " + "; ".join(parts)


def _names(names: list[str] | tuple[str, ...]) -> str:
    """``a``, ``a and b``, ``a, b and c``, each in backticks."""
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def pooled_text(summary: dict[str, Any]) -> str:
    """The run's ranks read whole, in words, from the shipped summary (its ranks and checks)."""
    draws = int(summary["run"]["draws"])
    r = pooled_reading(summary["ranks"], draws)
    checks = summary["checks"]
    strays = [c["name"] for c in checks if not c["inside_bands"]]
    alpha = 0.05
    text = (
        f"**Taken whole.** Over the {r.replications} replications, {r.outside:,} of "
        f"{r.values:,} true values ({r.outside / r.values:.1%}) fell outside the central 90% "
        f"interval ({r.nominal_outside:.0%} for a sound inference). The binomial test, which "
        f"takes the ranks as independent, gives p = {r.outside_p:.2g}; but the ranks of one "
        f"replication need not be (its count outside varies {r.dispersion:.2f} times as much "
        "as independent ranks' would), so the test to read is across replications, which are "
        f"independent: a t-test of each one's count outside gives p = {r.outside_t_p:.2g}. "
        f"Pooled over the {r.parameters} parameters, the ranks' deciles give chi-square "
        f"p = {r.deciles_p:.2g} (taking the ranks as independent too), and {r.extremes:.1%} of "
        f"the ranks are 0 or {draws} ({r.nominal_extremes:.0%} expected). The log-likelihood "
        f"of the figures at the truth was ranked {LOW_RANK} or lower in {r.ll_low} of "
        f"{r.replications} replications (about {r.ll_low_expected:.1f} expected); its mean "
        f"scaled rank is {r.ll_mean:.2f} (0.5 expected; z = {r.ll_z:.2f}, KS p = "
        f"{r.ll_ks_p:.2g}). "
    )
    verb = "leaves" if len(strays) == 1 else "leave"
    text += f"{len(strays)} of {len(checks)} quantities {verb} their own 95% band" + (
        f" ({_names(strays)})" if strays else ""
    )
    text += (
        f", where about {alpha * len(checks):.1f} sound ones would by chance; that band is "
        "drawn to show the shape, not to judge. "
    )
    if r.most_outside_count <= r.expected_outside:
        return text + (
            f"No parameter's true value fell outside its 90% interval more often than the "
            f"{r.expected_outside:.1f} times expected of {r.replications}."
        )
    many = len(r.most_outside) > 1
    chance = (
        "within what chance gives among so many"
        if r.most_outside_among >= alpha
        else "more than chance gives among so many"
    )
    return text + (
        f"The parameter{'s' if many else ''} whose true value fell outside the 90% interval "
        f"most often {'are' if many else 'is'} {_names(r.most_outside)}, in "
        f"{r.most_outside_count} of {r.replications} replications"
        f"{' each' if many else ''} ({r.expected_outside:.1f} expected; a binomial tail of "
        f"p = {r.most_outside_tail:.2g} for one parameter; among {r.parameters} independent "
        f"parameters the largest count would reach {r.most_outside_count} with probability "
        f"about {r.most_outside_among:.2g}: {chance})."
    )
