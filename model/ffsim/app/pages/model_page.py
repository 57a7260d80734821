"""Model: stock-and-flow and causal loop diagrams, equations, parameter documentation."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ffsim.app import state, store
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.exchange.xmile import xmile_bytes
from ffsim.resources import DOCS_DIR
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.teaching.diagram import loop_mermaid, stock_flow_mermaid
from ffsim.teaching.plain_names import plain_diagram, plain_text

MODEL_MD = DOCS_DIR / "model.md"


@st.cache_data(max_entries=1, show_spinner="Reading docs/model.md...")
def _doc() -> str:
    return MODEL_MD.read_text("utf-8")


def section(text: str, heading: str) -> str:
    """The body of a ``## heading`` section of docs/model.md."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    return match.group(1).strip() if match else ""


try:
    doc = _doc()
except (OSError, UnicodeDecodeError) as exc:
    st.error(f"docs/model.md cannot be read ({exc}); the equations and notes are left out.")
    doc = ""
st.title("The model")
st.caption("Diagrams from model/ffsim/teaching/diagram.py; text from docs/model.md.")
tabs = st.tabs(["Stocks and flows", "Feedback loops", "Equations", "Parameters", "Levers", "XMILE"])
with tabs[0]:
    st.mermaid_chart(plain_diagram(stock_flow_mermaid()))
    st.markdown(section(doc, "Stocks and flows").split("<!-- BEGIN")[0])
with tabs[1]:
    st.mermaid_chart(plain_diagram(loop_mermaid()))
    loops = section(doc, "Feedback loops")
    st.markdown(loops.split("<!-- END LOOP DIAGRAM -->")[-1])
with tabs[2]:
    st.markdown(section(doc, "Equations"))
    st.markdown(section(doc, "Numerical method"))
with tabs[3]:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "parameter": s.label,
                    "kind": s.category + (", regional" if s.regional else ""),
                    "range": f"[{s.lower:g}, {s.upper:g}]",
                    "unit": s.unit,
                    "meaning": plain_text(s.description),
                    "source": plain_text(s.source),
                    "identifier": s.name,
                }
                for s in PARAMETER_SPECS
                if s.category == "assumption"
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**What the model leaves out**\n\n" + section(doc, "What the model leaves out"))
with tabs[4]:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "lever": s.label,
                    "default": s.default,
                    "range": f"[{s.lower:g}, {s.upper:g}]",
                    "unit": s.unit,
                    "meaning": plain_text(s.description),
                    "identifier": s.name,
                }
                for s in LEVER_SPECS.values()
            ]
        ),
        hide_index=True,
        width="stretch",
    )
with tabs[5]:
    scenario = state.current()
    st.download_button(
        "Download the current scenario's model (XMILE, for Stella, Vensim or PySD)",
        xmile_bytes(scenario.parameters, scenario.drivers, scenario.settings, scenario.name),
        file_name=f"{store.slug(scenario.name)}.xmile",
        mime="application/xml",
        key="model:xmile",
    )
    st.markdown(section(doc, "The model in XMILE").split("<!-- BEGIN")[0])
