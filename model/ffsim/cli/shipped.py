"""The artifact ``ffsim calibrate --check`` compares a re-run with, read and checked before the
calibration starts: every part the check reads must be there and well formed, so a corrupt
file is a one-line error at once, never a traceback after the whole calibration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ffsim.calibration.artifact_checks import (
    ARTIFACT_FORMAT,
    check_as_of,
    is_number,
    json_kind,
    json_shown,
    missing_parameters,
    parse_json,
)
from ffsim.core.errors import InputError, format_validation_error
from ffsim.core.files import MAX_ARTIFACT_BYTES, read_input_text
from ffsim.core.parameters import Parameters

QUANTILES = ("estimate", "p05", "p50", "p95")
"""What the check compares of each parameter."""

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted (a calibration artifact has 5 levels)."""


def _depth(value: Any) -> int:
    """How deeply ``value`` nests arrays and objects (found without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            if deepest > MAX_DEPTH:
                break
            stack += [(x, depth + 1) for x in (item.values() if isinstance(item, dict) else item)]
    return deepest


def _problem(artifact: Any) -> str:
    """What is wrong with the parts the check reads (empty when nothing is)."""
    if not isinstance(artifact, dict):
        return f"a JSON {json_kind(artifact)}, an object was expected"
    if _depth(artifact) > MAX_DEPTH:
        return f"nested more than {MAX_DEPTH} levels deep"
    provenance = artifact.get("provenance")
    if not isinstance(provenance, dict):
        return "no provenance"
    if not isinstance(provenance.get("data_sha256"), str):
        return "provenance.data_sha256 missing or not text"
    names = artifact.get("free_parameters")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return "free_parameters: a list of parameter names is needed"
    observations = artifact.get("observations")
    if not isinstance(observations, list) or not all(isinstance(o, dict) for o in observations):
        return "observations: a list of objects is needed"
    parameters = artifact.get("parameters")
    if not isinstance(parameters, dict):
        return "parameters: an object is needed"
    for name, stated in parameters.items():
        for key in QUANTILES:
            if not isinstance(stated, dict) or not is_number(stated.get(key)):
                return f"parameters.{name}.{key}: a number is needed"
    if artifact.get("format") != ARTIFACT_FORMAT:
        return f"format = {str(artifact.get('format'))[:40]!r}; allowed: {ARTIFACT_FORMAT!r}"
    best = artifact.get("best_fit_parameters", {})
    if not isinstance(best, dict):
        return "best_fit_parameters: an object is needed"
    for name, value in best.items():
        values = value.values() if isinstance(value, dict) else [value]
        bad = [x for x in values if not is_number(x)]
        if bad:
            nan = isinstance(bad[0], float)  # a float that is not a number: nan or inf
            return (
                f"best_fit_parameters.{name} = {json_shown(value)}: "
                f"{'not a finite number; ' if nan else ''}a finite number (or one per region) "
                "is needed"
            )
    if "best_fit_parameters" in artifact:  # as every command reads it: whole, strictly typed
        missing = missing_parameters(best)
        if missing:
            return f"best_fit_parameters.{missing[0]}: missing"
        try:
            Parameters.model_validate(best, strict=True)
        except ValidationError as exc:
            return format_validation_error(exc, "best_fit_parameters", {}).splitlines()[0]
    if "as_of" in artifact:  # the date the re-run fits the figures published by
        problem = check_as_of(artifact)
        if problem:
            return problem
    fit = artifact.get("fit")
    ess: Any = fit.get("sampler_effective_samples_min") if isinstance(fit, dict) else None
    if not is_number(ess) or ess <= 0:
        return "fit.sampler_effective_samples_min: a positive number is needed"
    return _sample_problem(artifact.get("posterior_sample"))


def _sample_problem(sample: Any) -> str:
    if not isinstance(sample, dict):
        return "posterior_sample: an object is needed"
    names, values = sample.get("names"), sample.get("values")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return "posterior_sample.names: a non-empty list of parameter names is needed"
    if not isinstance(values, list) or not values:
        return "posterior_sample.values: no posterior draws (a non-empty list of rows is needed)"
    for i, row in enumerate(values):
        if not isinstance(row, list) or len(row) != len(names):
            return (
                f"posterior_sample.values[{i}]: a list of {len(names)} numbers "
                "(one per name) is needed"
            )
        if not all(is_number(x) for x in row):
            return f"posterior_sample.values[{i}]: a value is not a finite number"
    return ""


def read_shipped(out: Path) -> dict[str, Any]:
    """Read the artifact at ``--out`` for ``--check``.

    Raises
    ------
    InputError
        ``--out <path>: ...``: not a small regular text file, not JSON, or a part the check
        reads is missing or malformed.
    """
    where = f"--out {out}"
    artifact = parse_json(read_input_text("--out", out, MAX_ARTIFACT_BYTES), where)
    problem = _problem(artifact)
    if problem:
        raise InputError(f"{where}: not a calibration artifact ({problem})")
    return artifact
