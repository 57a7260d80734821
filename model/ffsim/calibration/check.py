"""Does a re-run calibration reproduce an artifact? Exact on the same platform, else statistical.

This module decides the rule and reports; where the values differ is found by
:mod:`ffsim.calibration.differences`, the statistical criteria are in
:mod:`ffsim.calibration.statistical`, and the platform's differences are named by
:func:`ffsim.calibration.platform_info.platform_reasons`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ffsim.calibration.artifact import compare
from ffsim.calibration.differences import section_summary, without_platform
from ffsim.calibration.platform_info import platform_reasons
from ffsim.calibration.statistical import ESTIMATE_RTOL, statistical_criteria

Rule = Literal["exact", "statistical"]


@dataclass(frozen=True)
class CheckReport:
    """The outcome of :func:`check_artifact`.

    Attributes
    ----------
    rule
        ``"exact"`` (same packages and platform: every value identical) or ``"statistical"``.
    passed
        Whether the new artifact reproduces the shipped one under ``rule``.
    differences
        Detailed lines, one per failing value (exact) or failing criterion (statistical).
    summary
        Where the differences lie: per top-level section, the number of differing values and
        the largest relative difference; under the statistical rule also every parameter whose
        estimate or quantile fails, with the numbers.
    explanation
        Why ``rule`` applies, e.g. ``"BLAS kernel Haswell here, SkylakeX in the artifact"``.
    """

    rule: Rule
    passed: bool
    differences: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    explanation: str = ""

    def headline(self) -> str:
        """One line: the rule, why it applies and what it requires."""
        if self.rule == "exact":
            criterion = "every value identical"
        else:
            criterion = (
                f"best fit within {ESTIMATE_RTOL:g} relative, "
                "posterior quantiles within Monte Carlo error"
            )
        return f"rule: {self.rule} ({self.explanation}): {criterion}"


def _package_reasons(shipped: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [
        f"{name} {new.get(name, 'absent')} here, {shipped.get(name, 'absent')} in the artifact"
        for name in sorted(set(shipped) | set(new))
        if shipped.get(name) != new.get(name)
    ]


def check_artifact(shipped: dict[str, Any], new: dict[str, Any]) -> CheckReport:
    """Check that ``new`` (a re-run) reproduces ``shipped``, with a rule that holds anywhere.

    **Exact** when ``provenance.packages`` and ``provenance.platform`` of both artifacts are
    equal (an artifact without ``platform`` counts as another platform): every value must be
    identical, except volatile provenance (wall time, creation time, git commit and dirty flag,
    kernel hash, platform).

    **Statistical** otherwise. Floating-point results differ in the last bits between BLAS
    kernels, SIMD targets or package versions; the optimiser absorbs that, but the MCMC chain
    diverges and gives another, equally valid posterior sample. The check passes when

    (a) every best-fit estimate agrees within ``1e-4`` relative (absolute ``1e-12`` for an
        estimate of exactly 0);
    (b) every stored posterior quantile ``q`` (p05, p50, p95) of the new run agrees with the
        shipped posterior within its Monte Carlo error: with ``F`` the empirical CDF of the
        shipped draws of that parameter (mid-point at ties),

        ``F(new quantile)`` lies in the range of
        :func:`~ffsim.calibration.statistical.quantile_bounds`.

        The new run's quantile, from ``ess`` effective draws, sits at a probability ``U`` that
        is Beta-distributed; the shipped draws below it are binomial given ``U``, so their count
        is beta-binomial. Its central range is taken at ``1 - 0.0027 / m`` for ``m`` quantiles
        checked (Bonferroni), so that a correct re-run fails about once in 370 in all (one test
        at 3 standard errors), not at each quantile, and widened by the granularity
        ``1 / n_draws`` of the stored draws. ``ess`` is the
        shipped run's ``fit.sampler_effective_samples_min``, capped at the number of stored
        draws, because the stored quantiles are computed from those draws (and so carry at
        least their error);
    (c) the free-parameter names, the observation ids, ``data_sha256``, ``config_sha256`` and
    ``priors_sha256`` are the same.

    Parameters
    ----------
    shipped, new
        Artifacts as read from JSON (lists, not tuples).

    Returns
    -------
    CheckReport
        The rule applied and why, the outcome, a summary of where the differences lie and
        the detailed differences.

    Raises
    ------
    InputError
        When a field the statistical rule needs is missing from an artifact.
    """
    prov_a = shipped.get("provenance", {})
    prov_b = new.get("provenance", {})
    packages_a, packages_b = prov_a.get("packages", {}), prov_b.get("packages", {})
    platform_a, platform_b = prov_a.get("platform"), prov_b.get("platform")
    sections = section_summary(shipped, new)
    if packages_a == packages_b and platform_a is not None and platform_a == platform_b:
        problems = compare(without_platform(shipped), without_platform(new), 0.0)
        summary = []
        if problems:
            summary = [f"{len(problems)} values differ, by section:"]
            summary += [f"  {line}" for line in sections]
        return CheckReport(
            rule="exact",
            passed=not problems,
            differences=problems,
            summary=summary,
            explanation="same package versions and platform",
        )
    reasons = _package_reasons(packages_a, packages_b) + platform_reasons(platform_a, platform_b)
    failures, summary = statistical_criteria(shipped, new)
    if sections:
        summary.append("values that differ, by section (expected under this rule):")
        summary += [f"  {line}" for line in sections]
    return CheckReport(
        rule="statistical",
        passed=not failures,
        differences=failures,
        summary=summary,
        explanation="; ".join(reasons),
    )
