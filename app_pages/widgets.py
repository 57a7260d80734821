"""Widgets generated from the schemas: policy levers (ffsim.scenarios.levers) and assumptions
(ffsim.core.parameters), each estimated parameter with its calibrated 90% range.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ffsim.app_pages.state import record_change, widget_key
from ffsim.core.parameters import PARAMETER_SPECS, ParameterSpec
from ffsim.core.regions import REGIONS
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario import Scenario

STEPS = 200


def _range_text(ranges: dict[str, Any], name: str) -> str:
    p = ranges.get(name)
    return f" (calibrated 90%: {p['p05']:.3g} to {p['p95']:.3g})" if p else " (not estimated)"


def lever_widgets(scenario: Scenario) -> None:
    """A slider per policy lever, starting from ``scenario``; records changes."""
    for spec in LEVER_SPECS.values():
        key = widget_key("lever", spec.name)
        value = getattr(scenario.levers, spec.name)
        new: float
        if spec.name.endswith("_shift"):
            new = st.slider(
                f"{spec.name} ({spec.unit})",
                int(spec.lower),
                int(spec.upper),
                int(value),
                1,
                key=key,
                help=spec.description,
            )
        else:
            new = st.slider(
                f"{spec.name}",
                float(spec.lower),
                float(spec.upper),
                float(value),
                (spec.upper - spec.lower) / STEPS,
                key=key,
                help=spec.description,
                format="%.3g",
            )
        record_change("lever", spec.name, new)


def _slider(spec: ParameterSpec, label: str, value: float, key: str, range_text: str) -> float:
    return st.slider(
        label + range_text,
        min_value=float(spec.lower),
        max_value=float(spec.upper),
        value=float(value),
        step=(spec.upper - spec.lower) / STEPS,
        format="%.4g",
        key=key,
        help=f"{spec.description} Unit: {spec.unit}. Source: {spec.source}",
    )


def assumption_widgets(scenario: Scenario, ranges: dict[str, Any]) -> None:
    """A slider per world assumption (regional ones grouped); records changes.

    ``ranges`` maps an estimated parameter (``name`` or ``name.region``) to its artifact entry.
    """
    for spec in (s for s in PARAMETER_SPECS if s.category == "assumption"):
        if spec.regional:
            by_region = getattr(scenario.assumptions, spec.name)
            with st.expander(f"{spec.name} ({spec.unit}), by region"):
                for r in REGIONS:
                    new = _slider(
                        spec,
                        r.name,
                        getattr(by_region, r.id),
                        widget_key("param", spec.name, r.id),
                        _range_text(ranges, f"{spec.name}.{r.id}"),
                    )
                    record_change("param", spec.name, new, r.id)
        else:
            new = _slider(
                spec,
                f"{spec.name} ({spec.unit})",
                getattr(scenario.assumptions, spec.name),
                widget_key("param", spec.name),
                _range_text(ranges, spec.name),
            )
            record_change("param", spec.name, new)
