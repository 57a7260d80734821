"""``ffsim sbc --check``'s comparison (ffsim.calibration.sbc_artifact): exact where a replication
was made with these packages on this platform, statistical elsewhere, replication by
replication; on hand-made summaries, without running a calibration.
"""

from __future__ import annotations

import copy

from ffsim.calibration.sbc_artifact import (
    allowed_rank_difference,
    check_replications,
    made_on,
    provenance,
)

OTHER = {
    "packages": {"numpy": "0.0.1"},
    "platform": {"cpu": "elsewhere", "machine": "x86_64", "blas": [], "numpy_simd": {}},
}


def shipped(made: list[dict | None], summary_made: dict) -> dict:
    """A two-quantity summary of ``len(made)`` replications, each ``made_on`` as given (None:
    recorded nothing), the summary's own provenance ``summary_made``."""
    n = len(made)
    return {
        "run": {"draws": 99},
        "provenance": {**summary_made, "ffsim": "x"},
        "ranks": {"a": [50] * n, "log_likelihood": [40] * n},
        "theta_true": [{"a": 1.0 + i} for i in range(n)],
        "records": [{"index": i, **({"made_on": m} if m else {})} for i, m in enumerate(made)],
    }


def rerun(summary: dict, shift: int = 0) -> dict[int, dict]:
    """The summary's replications as a re-run returns them, each rank moved by ``shift``."""
    return {
        i: {
            "theta_true": dict(summary["theta_true"][i]),
            "ranks": {k: v[i] + shift for k, v in summary["ranks"].items()},
        }
        for i in range(len(summary["records"]))
    }


def test_each_replication_is_held_to_the_rule_its_own_making_allows():
    here = provenance()
    # replication 0 made here, replication 1 elsewhere; the summary written elsewhere
    summary = shipped([made_on(), OTHER], OTHER)
    check = check_replications(summary, rerun(summary), here)
    assert check.passed and check.rule == "exact or statistical, by replication"
    assert any("numpy" in reason for reason in check.reasons)
    moved = check_replications(summary, rerun(summary, shift=1), here)
    # one rank off: replication 0 (exact) fails, replication 1 (statistical) does not
    assert [d.split(":")[0] for d in moved.differences] == ["replication 0", "replication 0"]


def test_a_replication_that_recorded_nothing_takes_the_summary_provenance():
    here = provenance()
    made_here = shipped([None], made_on())
    assert check_replications(made_here, rerun(made_here), here).rule == "exact"
    elsewhere = shipped([None], OTHER)
    check = check_replications(elsewhere, rerun(elsewhere, shift=3), here)
    assert check.rule == "statistical" and check.passed
    assert allowed_rank_difference(50, 99) > 3
    far = copy.deepcopy(elsewhere)
    far["ranks"]["a"] = [0]
    assert not check_replications(far, rerun(elsewhere), here).passed
