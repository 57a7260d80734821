"""Parameter widgets generated from the parameter schema (model.parameters.PARAMETER_SPECS)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from model.parameters import PARAMETER_SPECS, Parameters, ParameterSpec
from model.regions import REGIONS

STEPS = 200


def widget_key(name: str, region: str | None = None) -> str:
    """Session-state key of a parameter's widget."""
    return f"param:{name}" if region is None else f"param:{name}:{region}"


def _slider(spec: ParameterSpec, label: str, default: float, key: str) -> float:
    step = (spec.upper - spec.lower) / STEPS
    return st.slider(
        label,
        min_value=float(spec.lower),
        max_value=float(spec.upper),
        value=float(default),
        step=step,
        format="%.4g",
        key=key,
        help=f"{spec.description} Unit: {spec.unit}. Source: {spec.source}",
    )


def parameter_widgets(start: Parameters) -> dict[str, Any]:
    """Draw a widget for every parameter; return the values as ``Parameters`` overrides.

    Widgets start at the values of ``start`` (the calibrated baseline). Policy levers are shown
    first and apart from world assumptions; regional parameters sit in an expander each.
    """
    values: dict[str, Any] = {}
    st.subheader("Policy levers")
    for spec in (s for s in PARAMETER_SPECS if s.category == "lever"):
        value = float(getattr(start, spec.name))
        values[spec.name] = _slider(spec, spec.name, value, widget_key(spec.name))
    st.subheader("Assumptions")
    for spec in (s for s in PARAMETER_SPECS if s.category == "assumption"):
        if spec.regional:
            by_region = getattr(start, spec.name)
            with st.expander(f"{spec.name} ({spec.unit}), by region"):
                values[spec.name] = {
                    r.id: _slider(
                        spec, r.name, float(getattr(by_region, r.id)), widget_key(spec.name, r.id)
                    )
                    for r in REGIONS
                }
        else:
            label = f"{spec.name} ({spec.unit})"
            value = float(getattr(start, spec.name))
            values[spec.name] = _slider(spec, label, value, widget_key(spec.name))
    return values


def reset_widgets() -> None:
    """Forget every parameter widget's value, so the next run starts from the baseline again."""
    for key in [k for k in st.session_state if str(k).startswith("param:")]:
        del st.session_state[key]
