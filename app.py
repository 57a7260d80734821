"""ffsim explorer: routes to the pages; the pages live in app_pages/."""

from __future__ import annotations

import streamlit as st

from app_pages import state

st.set_page_config(page_title="ffsim explorer", layout="wide")
state.init()
page = st.navigation(
    [
        st.Page("app_pages/explore.py", title="Explore", default=True),
        st.Page("app_pages/compare.py", title="Compare"),
        st.Page("app_pages/calibration.py", title="Calibration"),
        st.Page("app_pages/forecasts.py", title="Forecasts"),
        st.Page("app_pages/model_page.py", title="Model"),
        st.Page("app_pages/learn.py", title="Learn"),
        st.Page("app_pages/scenarios_io.py", title="Scenarios in and out"),
    ]
)
for text in state.pop_notices():
    st.warning(text)
page.run()
st.query_params.from_dict(state.to_query())
