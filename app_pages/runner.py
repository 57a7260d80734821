"""Cached model runs for the app, keyed by the parameters' JSON."""

from __future__ import annotations

import streamlit as st

from model.parameters import Parameters
from model.results import Result
from model.simulate import simulate


@st.cache_data(max_entries=128, show_spinner=False)
def run_cached(params_json: str) -> Result:
    """Simulate the parameters given as JSON (the cache key is the exact text)."""
    return simulate(Parameters.model_validate_json(params_json))


def run(params: Parameters) -> Result:
    """Simulate ``params`` through the bounded cache."""
    return run_cached(params.model_dump_json())
