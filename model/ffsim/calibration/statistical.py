"""The statistical rule of the artifact check: best fit within 1e-4, quantiles within MC error.

Used by :func:`ffsim.calibration.check.check_artifact` when a re-run ran on other package
versions or another platform, where floating-point results differ in the last bits and the MCMC
chain gives another, equally valid posterior sample. Quantile tolerances are in probability (the
shipped draws' empirical CDF at the new quantile); estimates are compared relative to the
shipped value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ffsim.calibration.differences import relative_difference
from ffsim.core.errors import InputError

ESTIMATE_RTOL = 1e-4
"""Best-fit estimates must agree within this relative difference under the statistical rule."""

ESTIMATE_ATOL_AT_ZERO = 1e-12
"""An estimate of exactly 0 must be reproduced within this absolute difference."""

QUANTILES = {"p05": 0.05, "p50": 0.5, "p95": 0.95}
"""The posterior quantiles stored for each parameter, by key."""

FAMILY_ALPHA = 0.0027
"""The chance that a correct re-run fails the quantile criterion, for the artifact as a whole:
that of a single test at 3 standard errors. An artifact stores 78 quantiles (26 parameters x 3),
so the chance is spread over them (Bonferroni), each getting ``FAMILY_ALPHA / 78``. Until 2026-11
each quantile was allowed 3 normal standard errors: on 1,000 pairs of independent samples of one
posterior of the shipped size, that rule failed 233 pairs, this one 3
(``tests/calibration/test_artifact_check.py``). A re-run on another CPU shares the seed and
diverges only gradually, so it failed less often, but it did fail (a vintage's p05 of
``combat_mortality`` in CI, 2026-11-22)."""


def _get(artifact: dict[str, Any], *keys: str) -> Any:
    value: Any = artifact
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise InputError(
                f"artifact field {'.'.join(keys)}: missing; a calibration artifact "
                f"(format ffsim-calibration/1) is needed"
            )
        value = value[key]
    return value


def quantile_bounds(
    q: float, ess: float, n_draws: int, n_quantiles: int = 1
) -> tuple[float, float]:
    """Allowed range of ``F_shipped(new quantile)`` when ``n_quantiles`` are checked.

    The new run's ``q`` quantile sits near the order statistic of rank ``r = q (n + 1)`` of its
    ``n = ess`` effective draws, whose probability is ``U ~ Beta(r, n + 1 - r)``; the shipped
    run's ``n`` draws below it are then ``Binomial(n, U)``, so their count is beta-binomial.
    The range is that count's central ``1 - FAMILY_ALPHA / n_quantiles`` interval, divided by
    ``n``, widened by the granularity ``1 / n_draws`` of the stored draws. Exact for independent
    draws, where a normal approximation is not: in the tails (p05, p95 of 300 draws) it fails
    ten times too often at 4 standard errors. For one quantile of many draws it is close to 3
    standard errors of the difference, ``3 sqrt(2 q (1 - q) / n)``.
    """
    from scipy.stats import betabinom  # here: scipy.stats costs a start a third of a second

    n = max(1, int(ess))
    r = q * (n + 1)
    alpha = FAMILY_ALPHA / (2.0 * max(1, n_quantiles))
    count = betabinom(n, r, n + 1 - r)
    return float(count.ppf(alpha)) / n - 1.0 / n_draws, float(count.isf(alpha)) / n + 1.0 / n_draws


def empirical_cdf(draws: np.ndarray, x: float) -> float:
    """Mid-point empirical CDF of ``draws`` at ``x``: (#below + #at or below) / (2 n).

    Ties (a walker that stayed put gives repeated draws) count half, so the value at a stored
    quantile of distinct draws is the quantile's probability within ``1/(2 n)``.
    """
    below = np.count_nonzero(draws < x)
    at_or_below = np.count_nonzero(draws <= x)
    return float(below + at_or_below) / (2.0 * draws.size)


def statistical_criteria(
    shipped: dict[str, Any], new: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """Failing criteria (detailed lines) and the criterion summary of the statistical rule.

    The criteria (a), (b) and (c) are those of :func:`ffsim.calibration.check.check_artifact`.
    Raises :class:`~ffsim.core.errors.InputError` when a field they need is missing.
    """
    failures: list[str] = []
    summary: list[str] = []
    # (c) the same problem: free parameters, figures, data, set-up and priors.
    same = {
        "free parameters": (
            list(_get(shipped, "free_parameters")),
            list(_get(new, "free_parameters")),
        ),
        "observation ids": (
            [o.get("id") for o in _get(shipped, "observations")],
            [o.get("id") for o in _get(new, "observations")],
        ),
        **{
            key: (_get(shipped, "provenance", key), _get(new, "provenance", key))
            for key in ("data_sha256", "config_sha256", "priors_sha256")
        },
        "as_of date": (shipped.get("as_of"), new.get("as_of")),
    }
    for what, (a, b) in same.items():
        if a != b:
            if isinstance(a, list) and isinstance(b, list):
                only_a = [x for x in a if x not in b]
                only_b = [x for x in b if x not in a]
                detail = f"only in the artifact: {only_a}; only here: {only_b}"
                if not only_a and not only_b:
                    detail = "same names in a different order"
            else:
                detail = f"shipped {a!r}, now {b!r}"
            failures.append(f"{what} differ: {detail}")
    if failures:
        summary.append("not the same problem: " + "; ".join(failures))
        return failures, summary

    params_a = _get(shipped, "parameters")
    # (a) best fit.
    bad_estimates = []
    for name in params_a:
        a = float(_get(shipped, "parameters", name, "estimate"))
        b = float(_get(new, "parameters", name, "estimate"))
        ok = abs(b) <= ESTIMATE_ATOL_AT_ZERO if a == 0.0 else abs(b - a) <= ESTIMATE_RTOL * abs(a)
        if not ok:
            how = (
                f"absolute difference {abs(b - a):.3g} > {ESTIMATE_ATOL_AT_ZERO:g}"
                if a == 0.0
                else f"relative difference {relative_difference(a, b):.3g} > {ESTIMATE_RTOL:g}"
            )
            bad_estimates.append(f"estimate of {name}: shipped {a!r}, now {b!r}, {how}")
    summary.append(
        f"best fit: {len(params_a) - len(bad_estimates)} of {len(params_a)} estimates within "
        f"{ESTIMATE_RTOL:g} relative"
    )
    summary += [f"  FAILS {line}" for line in bad_estimates]

    # (b) posterior quantiles against the shipped draws.
    sample = _get(shipped, "posterior_sample")
    draws = np.asarray(sample["values"], dtype=float)
    names = list(sample["names"])
    n_draws = draws.shape[0]
    ess_chain = float(_get(shipped, "fit", "sampler_effective_samples_min"))
    ess = min(ess_chain, float(n_draws))
    bad_quantiles = []
    n_quantiles = 0
    n_checked = len(params_a) * len(QUANTILES)
    bounds = {key: quantile_bounds(q, ess, n_draws, n_checked) for key, q in QUANTILES.items()}
    for name in params_a:
        if name not in names:
            bad_quantiles.append(f"{name}: no posterior draws in the artifact")
            continue
        column = draws[:, names.index(name)]
        for key, q in QUANTILES.items():
            n_quantiles += 1
            old_q = float(_get(shipped, "parameters", name, key))
            new_q = float(_get(new, "parameters", name, key))
            prob = empirical_cdf(column, new_q)
            low, high = bounds[key]
            if not low <= prob <= high:
                bad_quantiles.append(
                    f"{key} of {name}: shipped {old_q!r}, now {new_q!r}; the shipped draws put "
                    f"{new_q:.6g} at probability {prob:.3f} (allowed {max(low, 0.0):.3f} to "
                    f"{min(high, 1.0):.3f} for {q:g})"
                )
    summary.append(
        f"posterior quantiles: {n_quantiles - len(bad_quantiles)} of {n_quantiles} within Monte "
        f"Carlo error (beta-binomial ranges, so that a correct re-run fails with chance "
        f"{FAMILY_ALPHA:g} in all; effective samples {ess:.0f}, {n_draws} shipped draws)"
    )
    summary += [f"  FAILS {line}" for line in bad_quantiles]
    return bad_estimates + bad_quantiles, summary
