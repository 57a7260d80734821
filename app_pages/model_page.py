"""Model: stock-and-flow and causal loop diagrams, equations, parameter documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from model.levers import LEVER_SPECS
from model.parameters import PARAMETER_SPECS

MODEL_MD = Path(__file__).resolve().parents[1] / "docs" / "model.md"


@st.cache_data(max_entries=1, show_spinner=False)
def _doc() -> str:
    return MODEL_MD.read_text("utf-8")


def section(text: str, heading: str) -> str:
    """The body of a ``## heading`` section of docs/model.md."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    return match.group(1).strip() if match else ""


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)


doc = _doc()
st.title("The model")
st.caption("From docs/model.md, the same source as the documentation.")
diagrams = mermaid_blocks(doc)
tabs = st.tabs(["Stocks and flows", "Feedback loops", "Equations", "Parameters", "Levers"])
with tabs[0]:
    st.mermaid_chart(diagrams[0])
    st.markdown(section(doc, "Stocks and flows").split("```mermaid")[0])
with tabs[1]:
    st.mermaid_chart(diagrams[1])
    loops = section(doc, "Feedback loops")
    st.markdown(loops.split("```", 2)[-1] if "```" in loops else loops)
with tabs[2]:
    st.markdown(section(doc, "Equations"))
    st.markdown(section(doc, "Numerical method"))
with tabs[3]:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "parameter": s.name,
                    "kind": s.category + (", regional" if s.regional else ""),
                    "range": f"[{s.lower:g}, {s.upper:g}]",
                    "unit": s.unit,
                    "meaning": s.description,
                    "source": s.source,
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
                    "lever": s.name,
                    "default": s.default,
                    "range": f"[{s.lower:g}, {s.upper:g}]",
                    "unit": s.unit,
                    "meaning": s.description,
                }
                for s in LEVER_SPECS.values()
            ]
        ),
        hide_index=True,
        width="stretch",
    )
