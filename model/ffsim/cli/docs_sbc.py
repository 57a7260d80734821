"""The generated block of docs/validation.md on simulation-based calibration: the shipped SBC
run (``calibration/sbc/summary.json``), how far it has come and each quantity's rank checks.
"""

from __future__ import annotations

import json
import statistics

from ffsim.calibration.sbc_summary import JUDGED_FROM
from ffsim.resources import SBC_PATH, shown


def sbc_block() -> str:
    """What the shipped SBC run holds: its size, its wall time and the rank checks."""
    if not SBC_PATH.exists():
        return f"No SBC run is shipped yet ({shown(SBC_PATH)} is absent)."
    summary = json.loads(SBC_PATH.read_text("utf-8"))
    run, n = summary["run"], summary["replications"]
    seconds = [r["seconds"] for r in summary["records"]]
    prov = summary["provenance"]
    lines = [
        f"The shipped run ({shown(SBC_PATH)}): {n} replication{'s' if n != 1 else ''} of the "
        f"shipped set-up as of {run['as_of']}, seed {run['seed']}, each true value ranked among "
        f"{run['draws']} thinned posterior draws; a replication took "
        f"{statistics.median(seconds) / 60:.1f} minutes (median; {min(seconds) / 60:.1f} to "
        f"{max(seconds) / 60:.1f}) on {prov['platform'].get('cpu', 'an unrecorded CPU')}, "
        f"ffsim {prov['ffsim']}.",
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
