"""An SBC run's ranks read whole (ffsim.calibration.sbc_pooled), on the conjugate toy whose
posterior is known exactly, on ranks whose counts are worked out by hand, and as the docs quote
the shipped run.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from conjugate_toy import REPLICATIONS, L, toy_ranks

from ffsim.calibration.sbc import LOG_LIKELIHOOD
from ffsim.calibration.sbc_pooled import pooled_reading
from ffsim.calibration.sbc_ranks import location_z
from ffsim.cli.docs_sbc import pooled_text
from ffsim.core.errors import InputError
from ffsim.resources import SBC_PATH


def run_of(scale: float = 1.0, ll_shift: float = 0.0, parameters: int = 12) -> dict:
    """Ranks of ``parameters`` toy parameters (posterior sd times ``scale``) and a
    log-likelihood stand-in (posterior shifted by ``ll_shift`` sds), each its own seed."""
    ranks = {f"p{k}": toy_ranks(10 + k, scale=scale) for k in range(parameters)}
    ranks[LOG_LIKELIHOOD] = toy_ranks(99, shift=ll_shift)
    return ranks


def test_an_exact_sampler_reads_as_sound_taken_whole():
    r = pooled_reading(run_of(), L)
    assert (r.replications, r.parameters, r.values) == (REPLICATIONS, 12, 12 * REPLICATIONS)
    assert r.nominal_outside == pytest.approx(0.1)
    assert abs(r.outside / r.values - 0.1) < 0.02
    assert r.outside_p > 0.01 and r.deciles_p > 0.01
    assert abs(r.ll_z) < 3 and r.ll_ks_p > 0.01
    assert r.ll_low_expected == pytest.approx(REPLICATIONS * 6 / 100)


def test_a_narrow_posterior_is_seen_pooled_and_a_shifted_log_likelihood_by_its_z():
    narrow = pooled_reading(run_of(scale=1 / 1.5, ll_shift=0.5), L)
    assert narrow.outside / narrow.values > 0.2
    assert narrow.outside_p < 1e-6 and narrow.deciles_p < 1e-6
    assert narrow.extremes > 2 * narrow.nominal_extremes
    # Draws above the truth: its rank is low too often.
    assert narrow.ll_z < -4 and narrow.ll_ks_p < 1e-4
    assert narrow.ll_low > 2 * narrow.ll_low_expected
    wide = pooled_reading(run_of(scale=1.5), L)
    assert wide.outside / wide.values < 0.05 and wide.outside_p < 1e-6


def test_counts_worked_out_by_hand():
    # Ranks 0..99; the central 90% run is 5..94. "a" is outside in 3 of 5 replications, "b" in
    # 3 of 5 too (a tie), "c" in none.
    ranks = {
        "a": [0, 4, 95, 50, 60],
        "b": [99, 5, 94, 2, 3],
        "c": [5, 94, 50, 50, 50],
        LOG_LIKELIHOOD: [5, 6, 0, 99, 50],
    }
    r = pooled_reading(ranks, 99)
    assert (r.outside, r.values) == (6, 15)
    assert r.most_outside == ("a", "b") and r.most_outside_count == 3
    assert r.expected_outside == pytest.approx(0.5)
    tail = sum(math.comb(5, k) * 0.1**k * 0.9 ** (5 - k) for k in range(3, 6))
    assert r.most_outside_tail == pytest.approx(tail)
    assert r.most_outside_among == pytest.approx(1 - (1 - tail) ** 3)
    assert r.extremes == pytest.approx(2 / 15)  # a's 0 and b's 99
    assert r.ll_low == 2  # ranks 5 and 0
    assert r.ll_mean == pytest.approx(np.mean([5, 6, 0, 99, 50]) / 99)


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ({"a": [1, 2]}, "log_likelihood"),
        ({LOG_LIKELIHOOD: [1, 2]}, "no parameter"),
        ({"a": [1, 2, 3], LOG_LIKELIHOOD: [1, 2]}, "lengths [2, 3]"),
        ({"a": [1], LOG_LIKELIHOOD: [1]}, "at least 2"),
    ],
)
def test_bad_ranks_are_refused_with_what_is_wrong(ranks, message):
    with pytest.raises(InputError, match=re.escape(message)):
        pooled_reading(ranks, 99)


def test_the_docs_quote_the_shipped_run_as_its_ranks_give_it():
    summary = json.loads(SBC_PATH.read_text("utf-8"))
    ranks = summary["ranks"]
    table = np.array([v for name, v in ranks.items() if name != LOG_LIKELIHOOD])
    outside = int(((table < 5) | (table > 94)).sum())
    text = pooled_text(summary)
    assert f"Over the {summary['replications']} replications, {outside:,} of {table.size:,}" in (
        text
    )
    strays = [c["name"] for c in summary["checks"] if not c["inside_bands"]]
    assert f"{len(strays)} of {len(summary['checks'])} quantities leave their own 95% band" in (
        text
    )


def test_the_location_z_of_two_lowest_ranks_is_worked_out_by_hand():
    # mean of rank / L is 0; uniform ranks have variance (L + 2) / (12 L), halved for two
    assert location_z(np.array([0, 0]), 99) == pytest.approx(-0.5 / math.sqrt(101 / 1188 / 2))
    assert location_z(np.array([0, 0]), 99) == pytest.approx(-2.4251, abs=1e-4)


def test_the_chance_of_the_largest_count_among_many_matches_a_simulation():
    r = pooled_reading(
        {"a": [0] * 3 + [50] * 17, "b": [50] * 20, "c": [50] * 20, LOG_LIKELIHOOD: [50] * 20}, 99
    )
    counts = np.random.default_rng(0).binomial(20, 0.1, size=(200_000, 3)).max(axis=1)
    assert r.most_outside_among == pytest.approx(np.mean(counts >= 3), abs=0.005)


def test_replications_whose_ranks_move_together_are_read_by_the_t_test():
    # every parameter outside in the same 3 replications of 20: 30 of 200 ranks (15%) look
    # too many to the binomial test, which counts 200 independent ranks, but are 3 of 20
    # replications to the t-test, as likely as not from a sound inference whose parameters
    # move together
    together = {f"p{k}": [0] * 3 + [50] * 17 for k in range(10)}
    r = pooled_reading({**together, LOG_LIKELIHOOD: list(range(0, 100, 5))}, 99)
    assert r.outside == 30 and r.values == 200 and r.dispersion > 5
    assert r.outside_p < 0.05 < 0.5 < r.outside_t_p
    sound = pooled_reading(run_of(), L)
    assert 0.7 < sound.dispersion < 1.4


def summary_of(ranks: dict, strays: tuple[str, ...] = ()) -> dict:
    checks = [{"name": name, "inside_bands": name not in strays} for name in ranks]
    return {"run": {"draws": 99}, "ranks": ranks, "checks": checks}


def test_the_docs_text_reads_ties_a_single_stray_and_no_excess():
    tie = summary_of(
        {"a": [0, 0, 50, 50], "b": [99, 99, 50, 50], "c": [50] * 4, LOG_LIKELIHOOD: [9] * 4},
        strays=("a",),
    )
    text = pooled_text(tie)
    assert "1 of 4 quantities leaves their own 95% band (`a`)" in text
    assert "The parameters whose true value fell outside" in text
    assert "are `a` and `b`, in 2 of 4 replications each" in text
    calm = summary_of({"a": [50] * 4, "b": [50] * 4, LOG_LIKELIHOOD: [9] * 4})
    text = pooled_text(calm)
    assert "0 of 3 quantities leave their own 95% band," in text
    assert "No parameter's true value fell outside its 90% interval more often than" in text
    assert "most often" not in text


def test_the_docs_claims_about_the_shipped_run_hold():
    """docs/validation.md says, in prose, that the shipped run's share of true values outside
    their 90% intervals is within chance of 10%, and that the log-likelihood's ranks no longer
    lean low (they did at 34 replications, z = -2.05)."""
    summary = json.loads(SBC_PATH.read_text("utf-8"))
    r = pooled_reading(summary["ranks"], summary["run"]["draws"])
    assert r.outside_t_p >= 0.05
    assert abs(r.ll_z) < 1.96
