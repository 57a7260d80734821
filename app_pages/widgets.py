"""Parameter widgets generated from the parameter schema (model.parameters.PARAMETER_SPECS)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from model.parameters import PARAMETER_SPECS, ParameterSpec
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


def parameter_widgets() -> dict[str, Any]:
    """Draw a widget for every parameter; return the values as ``Parameters`` overrides.

    Policy levers are shown first and apart from world assumptions; regional parameters sit in
    an expander per parameter.
    """
    values: dict[str, Any] = {}
    st.subheader("Policy levers")
    for spec in (s for s in PARAMETER_SPECS if s.category == "lever"):
        values[spec.name] = _slider(spec, spec.name, float(spec.default), widget_key(spec.name))
    st.subheader("Assumptions")
    for spec in (s for s in PARAMETER_SPECS if s.category == "assumption"):
        if spec.regional:
            with st.expander(f"{spec.name} ({spec.unit}), by region"):
                assert isinstance(spec.default, dict)
                values[spec.name] = {
                    r.id: _slider(spec, r.name, spec.default[r.id], widget_key(spec.name, r.id))
                    for r in REGIONS
                }
        else:
            label = f"{spec.name} ({spec.unit})"
            values[spec.name] = _slider(spec, label, float(spec.default), widget_key(spec.name))
    return values


def reset_widgets() -> None:
    """Forget every parameter widget's value, so the next run shows the defaults."""
    for key in [k for k in st.session_state if str(k).startswith("param:")]:
        del st.session_state[key]
