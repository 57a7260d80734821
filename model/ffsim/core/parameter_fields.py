"""How a parameter is declared and documented: field builders and the spec derived from a field.

A parameter is a pydantic field that carries its default, bounds, unit, short plain label,
description and source
(``ffsim.core.parameters.Parameters`` and the groups it is made of). :class:`ParameterSpec` is the
plain record read back from such a field, which widgets, docs tables and the calibration config
use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ffsim.core.regions import REGION_IDS

Category = Literal["assumption", "lever"]
"""A world assumption (estimated or set by the user) or a policy lever."""

RECRUITMENT = "Recruitment and appeal"
TRAVEL = "Travel and the border"
THEATRE = "In theatre: deaths, returns, moving on"
STARTING = "Starting values and local fighters"
WOMEN_MINORS = "Women and minors"
BY_REGION = "By region"
GROUPS: tuple[str, ...] = (RECRUITMENT, TRAVEL, THEATRE, STARTING, WOMEN_MINORS, BY_REGION)
"""The topics a world assumption belongs to, in the order the app folds them: every assumption
field names one (:func:`parameter_field`'s ``group``; a regional field is always
:data:`BY_REGION`), a policy lever none."""


def parameter_field(
    default: float,
    lower: float,
    upper: float,
    unit: str,
    description: str,
    source: str,
    category: Category = "assumption",
    *,
    label: str,
    group: str = "",
) -> Any:
    """A scalar parameter field with its bounds and documentation; ``label`` is its short plain
    name, shown by the app in place of the identifier; ``group`` is the topic of an assumption
    (one of :data:`GROUPS` but :data:`BY_REGION`), under which the app shows it, and empty for
    a lever.

    Raises
    ------
    ValueError
        When an assumption names no topic of :data:`GROUPS`, or a lever names one.
    """
    if category == "assumption" and group not in GROUPS[:-1]:
        allowed = ", ".join(GROUPS[:-1])
        raise ValueError(
            f"parameter {label!r}: group {group!r}; an assumption needs one of {allowed}"
        )
    if category == "lever" and group:
        raise ValueError(f"parameter {label!r}: group {group!r}; a lever has no group")
    return Field(
        default,
        ge=lower,
        le=upper,
        description=description,
        json_schema_extra={
            "label": label,
            "unit": unit,
            "source": source,
            "category": category,
            "lower": lower,
            "upper": upper,
            "group": group,
        },
    )


def regional_model(
    name: str, lower: float, upper: float, defaults: Mapping[str, float], module: str
) -> type[BaseModel]:
    """A frozen model with one bounded float per region (``REGION_IDS``), for a regional
    parameter's values.

    ``module`` is the name of the module that binds the model to ``name``, so that its values
    can be pickled (Streamlit's cache pickles them).
    """
    fields: dict[str, Any] = {
        rid: (float, Field(defaults[rid], ge=lower, le=upper)) for rid in REGION_IDS
    }
    return create_model(
        name, __config__=ConfigDict(extra="forbid", frozen=True), __module__=module, **fields
    )


def regional_field(
    model: type[BaseModel], unit: str, description: str, source: str, *, label: str
) -> Any:
    """A regional parameter field: values of ``model`` (see :func:`regional_model`, whose bounds
    of every region's value it records), with the parameter's documentation and short ``label``.
    """
    metadata = model.model_fields[REGION_IDS[0]].metadata
    lower = next(m.ge for m in metadata if hasattr(m, "ge"))
    upper = next(m.le for m in metadata if hasattr(m, "le"))
    return Field(
        default_factory=model,
        description=description,
        json_schema_extra={
            "label": label,
            "unit": unit,
            "source": source,
            "category": "assumption",
            "lower": lower,
            "upper": upper,
            "regional": True,
            "group": BY_REGION,
        },
    )


@dataclass(frozen=True)
class ParameterSpec:
    """Documentation and bounds of one parameter, derived from its field."""

    name: str
    label: str
    default: float | dict[str, float]
    lower: float
    upper: float
    unit: str
    description: str
    source: str
    category: Category
    regional: bool
    group: str
    """The topic of an assumption (one of :data:`GROUPS`), empty for a lever."""


def specs_of(model: type[BaseModel]) -> tuple[ParameterSpec, ...]:
    """The spec of every field of ``model`` (built with :func:`parameter_field` or
    :func:`regional_field`), in field order.
    """
    defaults = model()
    out = []
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict)
        regional = bool(extra.get("regional", False))
        value = getattr(defaults, name)
        out.append(
            ParameterSpec(
                name=name,
                label=str(extra["label"]),
                default=value.model_dump() if regional else value,
                lower=float(extra["lower"]),  # type: ignore[arg-type]
                upper=float(extra["upper"]),  # type: ignore[arg-type]
                unit=str(extra["unit"]),
                description=field.description or "",
                source=str(extra["source"]),
                category=extra["category"],  # type: ignore[arg-type]
                regional=regional,
                group=str(extra.get("group", "")),
            )
        )
    return tuple(out)


def assumption_groups(specs: tuple[ParameterSpec, ...]) -> dict[str, list[ParameterSpec]]:
    """The world assumptions among ``specs`` by topic, in the order of :data:`GROUPS` (topics
    with no assumption left out), each in the order of ``specs``; levers are in none.
    """
    groups: dict[str, list[ParameterSpec]] = {title: [] for title in GROUPS}
    for spec in specs:
        if spec.category == "assumption":
            groups[spec.group].append(spec)
    return {title: members for title, members in groups.items() if members}
