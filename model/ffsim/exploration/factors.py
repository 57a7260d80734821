"""What an experiment varies: policy levers and uncertain parameters, each with its bounds taken
from the schema that defines it.

Levers come from :data:`ffsim.scenarios.levers.LEVER_SPECS` and parameters from
:data:`ffsim.core.parameters.PARAMETER_SPECS` (a regional parameter is one factor per region,
named ``radicalisation_rate.france`` as in the calibration artifact). Nothing here lists a
lever or a parameter by name, so a new one in either schema is a factor at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ffsim.core import layout
from ffsim.core.errors import InputError
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.regions import REGION_IDS
from ffsim.scenarios.levers import LEVER_SPECS, Levers

Kind = Literal["lever", "uncertainty"]


@dataclass(frozen=True)
class Factor:
    """One varied input: its name (a column of the experiments), bounds, unit and plain label."""

    name: str
    kind: Kind
    lower: float
    upper: float
    unit: str
    label: str
    integer: bool = False


def lever_factors() -> dict[str, Factor]:
    """Every policy lever as a factor; a lever declared ``int`` (a timing in months) stays whole."""
    return {
        name: Factor(
            name,
            "lever",
            spec.lower,
            spec.upper,
            spec.unit,
            spec.label,
            integer=Levers.model_fields[name].annotation is int,
        )
        for name, spec in LEVER_SPECS.items()
    }


def parameter_factors() -> dict[str, Factor]:
    """Every world assumption of the parameter schema (not the levers) as a factor, with the
    schema's bounds; regional ones per region.
    """
    out = {}
    for spec in PARAMETER_SPECS:
        if spec.category == "lever":
            continue
        names = [f"{spec.name}.{r}" for r in REGION_IDS] if spec.regional else [spec.name]
        for name in names:
            region = name.partition(".")[2]
            label = f"{spec.label} ({region.replace('_', ' ').title()})" if region else spec.label
            out[name] = Factor(name, "uncertainty", spec.lower, spec.upper, spec.unit, label)
    return out


def packed_index(name: str) -> int:
    """Position of parameter ``name`` (``a`` or ``a.region``) in ``Parameters.pack()``."""
    base, _, region = name.partition(".")
    if region:
        return layout.regional_parameter_index(
            len(REGION_IDS), layout.REGIONAL_PARAMETERS.index(base), REGION_IDS.index(region)
        )
    return layout.GLOBAL_PARAMETERS.index(base)


def choose(
    names: Sequence[str] | Mapping[str, tuple[float, float]],
    known: Mapping[str, Factor],
    what: str,
) -> tuple[Factor, ...]:
    """The factors ``names`` among ``known``: ``"all"`` for every one, or names with optional
    narrower bounds (``{"network_strength": (0.5, 1.5)}``).

    Raises
    ------
    InputError
        Naming an unknown factor or bounds outside the schema's, with what is allowed.
    """
    if isinstance(names, str):
        if names != "all":
            raise InputError(f"{what} {names!r}: allowed 'all' or a list of names")
        return tuple(known.values())
    bounds = dict(names) if isinstance(names, Mapping) else {n: None for n in names}
    chosen, problems = [], []
    for name, limits in bounds.items():
        if name not in known:
            problems.append(f"{what} {name!r}: unknown; allowed: {', '.join(known)}")
            continue
        factor = known[name]
        if limits is not None:
            lower, upper = (float(v) for v in limits)
            if not factor.lower <= lower < upper <= factor.upper:
                problems.append(
                    f"{what} {name!r}: bounds ({lower:g}, {upper:g}); allowed: lower below "
                    f"upper, within {factor.lower:g} to {factor.upper:g} (the schema's)"
                )
                continue
            factor = Factor(
                name, factor.kind, lower, upper, factor.unit, factor.label, factor.integer
            )
        chosen.append(factor)
    if problems:
        raise InputError("\n".join(problems))
    return tuple(chosen)


def factor_labels() -> dict[str, str]:
    """Every factor's plain label, by name (levers and parameters)."""
    return {name: f.label for name, f in {**parameter_factors(), **lever_factors()}.items()}
