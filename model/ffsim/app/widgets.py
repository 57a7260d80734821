"""Widgets generated from the schemas: policy levers (ffsim.scenarios.levers) and assumptions
(ffsim.core.parameters), each estimated parameter with its calibrated 90% range.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ffsim.app.legend import legend_html
from ffsim.app.state import record_change, widget_key
from ffsim.core.parameter_fields import BY_REGION, assumption_groups
from ffsim.core.parameters import PARAMETER_SPECS, ParameterSpec
from ffsim.core.regions import REGIONS
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario import Scenario
from ffsim.teaching.plain_names import plain_text

STEPS = 200

IMAGE_FORMATS = {"PNG": "png", "SVG": "svg"}
"""The formats the camera button of every chart saves, by the name the sidebar offers."""

IMAGE_FORMAT_KEY = "chart:image_format"
"""Session key of the chosen format (a widget of the entry script, kept across pages)."""


def image_format_choice() -> None:
    """The sidebar's choice of the format every chart's camera button saves (PNG or SVG)."""
    st.sidebar.segmented_control(
        "Chart download format",
        list(IMAGE_FORMATS),
        default="PNG",
        key=IMAGE_FORMAT_KEY,
        help="The camera button above each chart saves it as PNG (a picture) or SVG (vector "
        "graphics, for print and editing).",
    )


def chart_config(key: str) -> dict[str, Any]:
    """Plotly's configuration of the chart ``key``: its camera button saves the chosen format."""
    # None when the choice is cleared: PNG.
    image_format = IMAGE_FORMATS.get(st.session_state.get(IMAGE_FORMAT_KEY) or "PNG", "png")
    name = "".join(c if c.isalnum() else "_" for c in key)
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": image_format, "filename": f"ffsim_{name}", "scale": 2},
    }


def chart(where: Any, figure: Any, key: str) -> None:
    """Show a plotly figure in ``where`` (``st``, a container or a column): every chart of the
    app goes through here, so that each offers its download as PNG or SVG.
    """
    where.plotly_chart(figure, key=key, config=chart_config(key))


def legend(where: Any, *figures: Any) -> None:
    """Show in ``where`` the one legend of a group of ``figures`` (each hides its own), as HTML
    that wraps at any width (:func:`ffsim.app.legend.legend_html`; its names escaped).
    """
    where.markdown(legend_html(*figures), unsafe_allow_html=True)


def slider_label(label: str, unit: str) -> str:
    """A slider's label: the plain label, with the unit unless it is dimensionless."""
    return label if unit == "dimensionless" else f"{label} ({unit})"


def plain_number(x: float) -> str:
    """A number as a label reads it: three significant digits, thousands separated, never an
    exponent (1,710; 7,560; 0.0127).
    """
    if abs(x) >= 1000:
        return f"{float(f'{x:.3g}'):,.0f}"
    return f"{x:.3g}"


def _range_text(ranges: dict[str, Any], name: str) -> str:
    p = ranges.get(name)
    if not p:
        return " (not estimated)"
    return f" (calibrated 90%: {plain_number(p['p05'])} to {plain_number(p['p95'])})"


def slider_format(lower: float, upper: float, integer: bool = False) -> str:
    """How a slider shows its value (Streamlit's printf-style ``format``): whole numbers
    thousands separated where the range spans a hundred or more (10,000 rather than 10000),
    else three significant digits (0.00537 rather than 0.005368).
    """
    if integer or upper - lower >= 100:
        return "%,d"
    return "%.3g"


def lever_widgets(scenario: Scenario, columns: int = 1) -> None:
    """A slider per policy lever, starting from ``scenario``, in ``columns`` columns (which a
    phone stacks); records changes.
    """
    cells = st.columns(columns) if columns > 1 else [st.container()]
    for i, spec in enumerate(LEVER_SPECS.values()):
        with cells[i % len(cells)]:
            _lever(scenario, spec)


def _lever(scenario: Scenario, spec: Any) -> None:
    """The slider of lever ``spec``; records its change."""
    key = widget_key("lever", spec.name)
    value = getattr(scenario.levers, spec.name)
    new: float
    help_text = f"{plain_text(spec.description)} Unit: {spec.unit}. Identifier: `{spec.name}`."
    if spec.name.endswith("_shift"):
        new = st.slider(
            slider_label(spec.label, spec.unit),
            int(spec.lower),
            int(spec.upper),
            int(value),
            1,
            key=key,
            help=help_text,
            format="%d",
        )
    else:
        new = st.slider(
            slider_label(spec.label, spec.unit),
            float(spec.lower),
            float(spec.upper),
            float(value),
            (spec.upper - spec.lower) / STEPS,
            key=key,
            help=help_text,
            format=slider_format(spec.lower, spec.upper),
        )
    record_change("lever", spec.name, new)


def _slider(spec: ParameterSpec, label: str, value: float, key: str, range_text: str) -> float:
    return st.slider(
        label + range_text,
        min_value=float(spec.lower),
        max_value=float(spec.upper),
        value=float(value),
        step=(spec.upper - spec.lower) / STEPS,
        format=slider_format(spec.lower, spec.upper),
        key=key,
        help=f"{plain_text(spec.description)} Unit: {spec.unit}. Source: {spec.source} "
        f"Identifier: `{spec.name}`.",
    )


def assumption_widgets(scenario: Scenario, ranges: dict[str, Any]) -> None:
    """A slider per world assumption (regional ones grouped); records changes.

    ``ranges`` maps an estimated parameter (``name`` or ``name.region``) to its artifact entry.
    Every slider sits in an expander: the regional assumptions one each, the others by the
    topic their field declares (``ffsim.core.parameter_fields.GROUPS``).
    """
    for title, specs in assumption_groups(PARAMETER_SPECS).items():
        if title == BY_REGION:
            st.caption(title)
            for spec in specs:
                _assumption(scenario, ranges, spec)
        else:
            with st.expander(f"{title} ({len(specs)})"):
                for spec in specs:
                    _assumption(scenario, ranges, spec)


def _assumption(scenario: Scenario, ranges: dict[str, Any], spec: ParameterSpec) -> None:
    """The slider (or, for a regional assumption, an expander of sliders) of ``spec``."""
    if spec.regional:
        by_region = getattr(scenario.assumptions, spec.name)
        with st.expander(f"{slider_label(spec.label, spec.unit)}, by region"):
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
            slider_label(spec.label, spec.unit),
            getattr(scenario.assumptions, spec.name),
            widget_key("param", spec.name),
            _range_text(ranges, spec.name),
        )
        record_change("param", spec.name, new)
