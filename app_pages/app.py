"""The explorer's routing: the pages and what runs around every page.

``streamlit run app.py`` (the repository's script) and ``ffsim app`` (installed) both run
:func:`main`. Pages are files beside this one, named by absolute path so that they are found
wherever ffsim is installed.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from ffsim.app_pages import state
from ffsim.calibration.baseline import ENV_ARTIFACT, baseline_parameters, use_artifact
from ffsim.core.errors import InputError

PAGES_DIR = Path(__file__).resolve().parent

PAGES: tuple[tuple[str, str], ...] = (
    ("explore.py", "Explore"),
    ("compare.py", "Compare"),
    ("calibration.py", "Calibration"),
    ("forecasts.py", "Forecasts"),
    ("model_page.py", "Model"),
    ("learn.py", "Learn"),
    ("scenarios_io.py", "Scenarios in and out"),
)
"""Page files and titles, in the order of the navigation; the first is the default."""


def main() -> None:
    """Set up the page, route to the chosen page, keep the URL in step with the state."""
    st.set_page_config(page_title="ffsim explorer", layout="wide")
    try:
        if os.environ.get(ENV_ARTIFACT):  # `ffsim app --artifact PATH`
            use_artifact(Path(os.environ[ENV_ARTIFACT]))
        baseline_parameters()
    except InputError as exc:
        st.error(f"The explorer cannot start: {exc}")
        st.stop()
    state.init()
    page = st.navigation(
        [
            st.Page(PAGES_DIR / name, title=title, default=i == 0)
            for i, (name, title) in enumerate(PAGES)
        ]
    )
    for text in state.pop_notices():
        st.warning(text)
    page.run()
    st.query_params.from_dict(state.to_query())


if __name__ == "__main__":
    main()
