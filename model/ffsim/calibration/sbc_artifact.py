"""The shipped SBC run: its summary with provenance, and the check that a re-run reproduces it.

``calibration/sbc/summary.json`` holds the run's description (``sbc.json``), every replication's
ranks and what they rest on, the rank checks, and the provenance (ffsim's version and commit, the
package versions, the platform). ``ffsim sbc --check`` re-runs the first replications and
compares them with the shipped ones under one of two rules, as ``ffsim calibrate --check`` does:

- **exact** when the packages and the platform are the shipped ones: the same true parameters and
  the same ranks;
- **statistical** otherwise: another BLAS kernel changes the last bits, the chain diverges and
  the re-run's posterior draws are another sample. The true parameters must agree within
  ``1e-9`` relative (they come from the prior and the seed; only a rejection decision at the
  edge could differ). A rank among ``L`` draws is then a new draw, as if binomial with the same
  probability ``q`` that a posterior draw lies below the truth; two such ranks differ by at
  most ``3.5 sqrt(2 L q (1 - q)) + 1`` but about once in 2,000 (3.5 standard deviations of the
  difference, normal approximation), with ``q`` read from the shipped rank.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from ffsim import __version__
from ffsim.calibration.artifact import _git, _package_versions
from ffsim.calibration.platform_info import platform_fingerprint, platform_reasons

STATISTICAL_SDS = 3.5
"""Standard deviations of the difference of two ranks allowed by the statistical rule."""


def provenance() -> dict[str, Any]:
    """Who made the run, where, with what."""
    commit, dirty = _git()
    return {
        "ffsim": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "packages": _package_versions(),
        "platform": platform_fingerprint(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def allowed_rank_difference(rank: int, draws: int) -> float:
    """How far a re-run's rank may lie from ``rank`` under the statistical rule."""
    q = (rank + 0.5) / (draws + 1)
    return STATISTICAL_SDS * math.sqrt(2 * draws * q * (1 - q)) + 1


@dataclass(frozen=True)
class SbcCheck:
    """The verdict of ``ffsim sbc --check``."""

    rule: str
    reasons: tuple[str, ...]
    differences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """No difference beyond the rule."""
        return not self.differences

    def headline(self) -> str:
        """One line: the rule and why it applies."""
        why = "; ".join(self.reasons) if self.reasons else "same package versions and platform"
        return f"rule: {self.rule} ({why})"


def check_replications(
    shipped: dict[str, Any], records: dict[int, dict[str, Any]], here: dict[str, Any]
) -> SbcCheck:
    """Compare re-run replications ``records`` with the shipped run's ranks and truths.

    ``here`` is this machine's :func:`provenance`.
    """
    theirs = shipped["provenance"]
    reasons = [
        f"{name} {here['packages'].get(name)} here, {v} in the artifact"
        for name, v in sorted(theirs["packages"].items())
        if here["packages"].get(name) != v
    ]
    reasons += platform_reasons(theirs.get("platform"), here.get("platform"))
    exact = not reasons
    draws = int(shipped["run"]["draws"])
    differences = []
    for i, record in sorted(records.items()):
        for name, value in record["theta_true"].items():
            was = shipped["theta_true"][i][name]
            same = value == was if exact else abs(value - was) <= 1e-9 * max(abs(was), 1e-300)
            if not same:
                differences.append(f"replication {i}: true {name} {value!r}, shipped {was!r}")
        for name, rank in record["ranks"].items():
            was = shipped["ranks"][name][i]
            limit = 0 if exact else allowed_rank_difference(was, draws)
            if abs(rank - was) > limit:
                differences.append(
                    f"replication {i}: rank of {name} {rank}, shipped {was} (allowed "
                    f"{'none' if exact else f'within {limit:.1f}'})"
                )
    return SbcCheck("exact" if exact else "statistical", tuple(reasons), tuple(differences))
