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
        **made_on(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def made_on() -> dict[str, Any]:
    """What one replication's numbers depend on besides its task: the package versions and
    the platform (:func:`~ffsim.calibration.platform_info.platform_fingerprint`). Each
    replication records its own, where it ran (a worker of a cluster, say), so that a run
    made on several machines says which made which.
    """
    return {"packages": _package_versions(), "platform": platform_fingerprint()}


def replication_made_on(shipped: dict[str, Any], index: int) -> dict[str, Any]:
    """Where replication ``index`` of a run's summary was made: its own record's
    :func:`made_on`, or, for a replication that recorded none (made before replications
    recorded it), the summary's provenance.
    """
    own = shipped["records"][index].get("made_on")
    return own if isinstance(own, dict) else shipped["provenance"]


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

    ``here`` is this machine's :func:`provenance`. Each replication is held to the rule its
    own making allows (:func:`replication_made_on`): exact where it was made with these
    packages on this platform, statistical elsewhere.
    """
    draws = int(shipped["run"]["draws"])
    differences = []
    reasons: list[str] = []
    rules = set()
    for i, record in sorted(records.items()):
        theirs = replication_made_on(shipped, i)
        why = [
            f"{name} {here['packages'].get(name)} here, {v} in the artifact"
            for name, v in sorted(theirs["packages"].items())
            if here["packages"].get(name) != v
        ]
        why += platform_reasons(theirs.get("platform"), here.get("platform"))
        exact = not why
        rules.add("exact" if exact else "statistical")
        reasons += [reason for reason in why if reason not in reasons]
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
    rule = rules.pop() if len(rules) == 1 else "exact or statistical, by replication"
    return SbcCheck(rule, tuple(reasons), tuple(differences))
