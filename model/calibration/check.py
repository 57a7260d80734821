"""Does a re-run calibration reproduce an artifact? Exact on the same platform, else statistical."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ffsim.calibration.artifact import VOLATILE, compare
from ffsim.core.errors import InputError

ESTIMATE_RTOL = 1e-4
"""Best-fit estimates must agree within this relative difference under the statistical rule."""

ESTIMATE_ATOL_AT_ZERO = 1e-12
"""An estimate of exactly 0 must be reproduced within this absolute difference."""

QUANTILES = {"p05": 0.05, "p50": 0.5, "p95": 0.95}
"""The posterior quantiles stored for each parameter, by key."""

N_SIGMA = 3.0
"""How many Monte Carlo standard errors a quantile may move under the statistical rule."""

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


@dataclass(frozen=True)
class _Difference:
    path: str
    shipped: Any
    new: Any

    @property
    def section(self) -> str:
        return self.path.split(".", 1)[0].split("[", 1)[0]

    @property
    def relative(self) -> float | None:
        """``|new - shipped| / |shipped|`` for two numbers (inf from 0), else None."""
        a, b = self.shipped, self.new
        if not _is_number(a) or not _is_number(b):
            return None
        return _relative(float(a), float(b))


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _relative(shipped: float, new: float) -> float:
    if shipped == new:
        return 0.0
    if shipped == 0.0 or not (math.isfinite(shipped) and math.isfinite(new)):
        return math.inf
    return abs(new - shipped) / abs(shipped)


def _walk(shipped: Any, new: Any, path: str = "") -> Iterator[_Difference]:
    """Every differing value (as :func:`ffsim.calibration.artifact.compare` finds them, rtol 0)."""
    if isinstance(shipped, dict) and isinstance(new, dict):
        for key in sorted(set(shipped) | set(new)):
            if key in VOLATILE:
                continue
            where = f"{path}.{key}" if path else key
            if key not in shipped or key not in new:
                yield _Difference(where, shipped.get(key), new.get(key))
            else:
                yield from _walk(shipped[key], new[key], where)
    elif isinstance(shipped, list) and isinstance(new, list):
        if len(shipped) != len(new):
            yield _Difference(path, f"{len(shipped)} items", f"{len(new)} items")
        else:
            for i, (a, b) in enumerate(zip(shipped, new, strict=True)):
                yield from _walk(a, b, f"{path}[{i}]")
    elif shipped != new:
        yield _Difference(path, shipped, new)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _without_platform(artifact: dict[str, Any]) -> dict[str, Any]:
    prov = {k: v for k, v in artifact.get("provenance", {}).items() if k != "platform"}
    return {**artifact, "provenance": prov}


def section_summary(shipped: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Per top-level section: how many values differ and the largest relative difference.

    Volatile provenance (times, git commit, kernel hash, platform) is left out, as in
    :func:`ffsim.calibration.artifact.compare`.
    """
    by_section: dict[str, list[_Difference]] = {}
    for d in _walk(_without_platform(shipped), _without_platform(new)):
        by_section.setdefault(d.section, []).append(d)
    lines = []
    for section, diffs in sorted(by_section.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        n = len(diffs)
        text = f"{section}: {n} value{' differs' if n == 1 else 's differ'}"
        numeric = [d for d in diffs if d.relative is not None]
        if numeric:
            worst = max(numeric, key=lambda d: d.relative or 0.0)
            text += (
                f", largest relative difference {worst.relative:.2g} at {worst.path} "
                f"(shipped {worst.shipped!r}, now {worst.new!r})"
            )
        others = [d for d in diffs if d.relative is None]
        if others:
            text += (
                f"; {len(others)} not numbers, e.g. {others[0].path} "
                f"(shipped {_short(others[0].shipped)}, now {_short(others[0].new)})"
            )
        lines.append(text)
    return lines


def _kernels(platform: dict[str, Any]) -> str:
    blas = platform.get("blas")
    if not isinstance(blas, list):
        return str(blas)
    return ", ".join(sorted({str(b.get("architecture")) for b in blas})) or "none"


def _libraries(platform: dict[str, Any]) -> str:
    blas = platform.get("blas")
    if not isinstance(blas, list):
        return str(blas)
    return ", ".join(f"{b.get('internal_api')} {b.get('version')}" for b in blas) or "none"


def _simd(platform: dict[str, Any]) -> str:
    simd = platform.get("numpy_simd")
    targets = simd.get("dispatch_available") if isinstance(simd, dict) else simd
    return (" ".join(targets) or "none") if isinstance(targets, list) else str(targets)


def _platform_reasons(shipped: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    if shipped is None:
        here = f" (here: BLAS kernel {_kernels(new)}, CPU {new.get('cpu')})" if new else ""
        return [f"the artifact records no platform{here}"]
    if new is None:
        return ["no platform recorded here"]
    reasons = []
    if shipped.get("cpu") != new.get("cpu"):
        reasons.append(f"CPU {new.get('cpu')} here, {shipped.get('cpu')} in the artifact")
    if shipped.get("machine") != new.get("machine"):
        reasons.append(f"{new.get('machine')} here, {shipped.get('machine')} in the artifact")
    if shipped.get("blas") != new.get("blas"):
        if _kernels(shipped) != _kernels(new):
            reasons.append(f"BLAS kernel {_kernels(new)} here, {_kernels(shipped)} in the artifact")
        else:
            reasons.append(f"BLAS {_libraries(new)} here, {_libraries(shipped)} in the artifact")
    if shipped.get("numpy_simd") != new.get("numpy_simd"):
        reasons.append(f"numpy SIMD {_simd(new)} here, {_simd(shipped)} in the artifact")
    other = sorted((set(shipped) | set(new)) - {"cpu", "machine", "blas", "numpy_simd"})
    reasons += [f"platform {k} differs" for k in other if shipped.get(k) != new.get(k)]
    return reasons


def _package_reasons(shipped: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [
        f"{name} {new.get(name, 'absent')} here, {shipped.get(name, 'absent')} in the artifact"
        for name in sorted(set(shipped) | set(new))
        if shipped.get(name) != new.get(name)
    ]


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


def quantile_tolerance(q: float, ess: float, n_draws: int) -> float:
    """Allowed ``|F_shipped(new quantile) - q|``: 3 Monte Carlo standard errors plus 1/n.

    See :func:`check_artifact` for the reasoning.
    """
    return N_SIGMA * math.sqrt(2.0 * q * (1.0 - q) / ess) + 1.0 / n_draws


def empirical_cdf(draws: np.ndarray, x: float) -> float:
    """Mid-point empirical CDF of ``draws`` at ``x``: (#below + #at or below) / (2 n).

    Ties (a walker that stayed put gives repeated draws) count half, so the value at a stored
    quantile of distinct draws is the quantile's probability within ``1/(2 n)``.
    """
    below = np.count_nonzero(draws < x)
    at_or_below = np.count_nonzero(draws <= x)
    return float(below + at_or_below) / (2.0 * draws.size)


def _statistical(shipped: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Failing criteria (detailed lines) and the criterion summary of the statistical rule."""
    failures: list[str] = []
    summary: list[str] = []
    # (c) the same problem: free parameters, figures and data.
    same = {
        "free parameters": (
            list(_get(shipped, "free_parameters")),
            list(_get(new, "free_parameters")),
        ),
        "observation ids": (
            [o.get("id") for o in _get(shipped, "observations")],
            [o.get("id") for o in _get(new, "observations")],
        ),
        "data_sha256": (
            _get(shipped, "provenance", "data_sha256"),
            _get(new, "provenance", "data_sha256"),
        ),
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
                else f"relative difference {_relative(a, b):.3g} > {ESTIMATE_RTOL:g}"
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
            tol = quantile_tolerance(q, ess, n_draws)
            if not abs(prob - q) <= tol:
                bad_quantiles.append(
                    f"{key} of {name}: shipped {old_q!r}, now {new_q!r}; the shipped draws put "
                    f"{new_q:.6g} at probability {prob:.3f}, {abs(prob - q):.3f} from {q:g} "
                    f"(allowed {tol:.3f})"
                )
    summary.append(
        f"posterior quantiles: {n_quantiles - len(bad_quantiles)} of {n_quantiles} within Monte "
        f"Carlo error ({N_SIGMA:g} standard errors, effective samples {ess:.0f}, "
        f"{n_draws} shipped draws)"
    )
    summary += [f"  FAILS {line}" for line in bad_quantiles]
    return bad_estimates + bad_quantiles, summary


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

        ``|F(new quantile) - q| <= 3 * sqrt(2 * q * (1 - q) / ess) + 1 / n_draws``.

        A quantile estimated from ``ess`` effective samples has a standard error of
        ``sqrt(q (1 - q) / ess)`` in probability; the two runs are independent, so their
        difference has ``sqrt(2)`` times that; 3 standard errors are allowed, plus the
        granularity ``1 / n_draws`` of the stored draws. ``ess`` is the shipped run's
        ``fit.sampler_effective_samples_min``, capped at the number of stored draws, because
        the stored quantiles are computed from those draws (and so carry at least their error);
    (c) the free-parameter names, the observation ids and ``data_sha256`` are the same.

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
        problems = compare(_without_platform(shipped), _without_platform(new), 0.0)
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
    reasons = _package_reasons(packages_a, packages_b) + _platform_reasons(platform_a, platform_b)
    failures, summary = _statistical(shipped, new)
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
