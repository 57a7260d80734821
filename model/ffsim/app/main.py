"""The explorer's routing: the pages and what runs around every page.

``streamlit run app.py`` (the repository's script) and ``ffsim app`` (installed, through
``streamlit_app.py``) both run :func:`main`; neither runs this module as the script, whose
attribute docstrings Streamlit's magic would write on the page. Pages are the files in
``pages/``, named by absolute path so that they are found wherever ffsim is installed.

The libraries that pages need late (pandas, and pyarrow for Streamlit's tables) are imported
here, once, before any session runs a page: a page importing pandas for the first time while
another session drew a chart crashed that chart (plotly looks pandas up in ``sys.modules``, where
it is only partly initialised meanwhile). ``tests/app/test_sessions_apart.py`` checks it.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pandas  # noqa: F401 - imported at start (see the module docstring)
import pyarrow  # noqa: F401 - imported at start (see the module docstring)
import streamlit as st

from ffsim.app import guard, saved, state, store, widgets
from ffsim.calibration.baseline import ENV_ARTIFACT, baseline_parameters, use_artifact
from ffsim.core.compile_notice import COMPILE_MESSAGE, on_compile, warm_up
from ffsim.core.errors import InputError

PAGES_DIR = Path(__file__).resolve().parent / "pages"

PAGES: tuple[tuple[str, str, str], ...] = (
    ("explore_page.py", "Explore", "explore"),
    ("compare_page.py", "Compare", "compare"),
    ("sensitivity_page.py", "Sensitivity", "sensitivity"),
    ("experiments_page.py", "Experiments", "experiments"),
    ("calibration_page.py", "Calibration", "calibration"),
    ("forecasts_page.py", "Forecasts", "forecasts"),
    ("model_page.py", "Model", "model_page"),
    ("learn_page.py", "Learn", "learn"),
    ("scenarios_io_page.py", "Scenarios in and out", "scenarios_io"),
)
"""Page files (in ``pages/``), titles and URL paths, in the order of the navigation; the first is
the default. The URL paths are those of the earlier file names, so that saved links still open."""

MAX_NOTICES = 8
"""Notices shown at the top of a page; the rest are counted."""

TOOLBAR_MODE = "minimal"
"""The toolbar shows no "Deploy" button: set here for every run, passed by ``ffsim app`` on its
command line and in ``.streamlit/config.toml`` beside the repository's ``app.py`` (the first
page of a session is drawn before this script sets it)."""

ENV_TIMING_LOG = "FFSIM_TIMING_LOG"
"""When set, each script run appends its duration in seconds to this file (benchmarks/load.py)."""


_COMPILE_LOCK = threading.Lock()
_compiled = False
"""Whether this server process has compiled (or loaded) the kernels; the first page run of the
first session does it, a session starting meanwhile waits for it."""


def compile_model() -> None:
    """Compile the model's kernels, or load them from the cache, once per server process.

    While numba compiles (a cache miss: the first start after installing or updating ffsim) a
    notice at the top of the page says so, and then how long it took; when the kernels load
    from the cache nothing is shown.
    """
    global _compiled
    with _COMPILE_LOCK:
        if _compiled:
            return
        placeholder = st.empty()
        started: list[float] = []

        def notice() -> None:
            started.append(time.perf_counter())
            placeholder.info(COMPILE_MESSAGE[0].upper() + COMPILE_MESSAGE[1:] + "...", icon="⏳")

        with on_compile(notice):
            warm_up()
        _compiled = True
        if started:
            seconds = time.perf_counter() - started[0]
            placeholder.info(
                f"The model was compiled for this computer in {seconds:.0f} s (once after "
                "installing or updating ffsim; later starts load the compiled model)."
            )


def main() -> None:
    """Set up the page, route to the chosen page, keep the URL in step with the state."""
    start = time.perf_counter()
    st.set_option("client.toolbarMode", TOOLBAR_MODE)
    st.set_page_config(page_title="ffsim explorer", layout="wide")
    try:
        if os.environ.get(ENV_ARTIFACT):  # `ffsim app --artifact PATH`
            use_artifact(Path(os.environ[ENV_ARTIFACT]))
        baseline_parameters()
        problem = guard.problem()
    except InputError as exc:
        problem = str(exc)
    if problem:
        st.error(f"The explorer cannot start: {guard.message(problem)}")
        st.stop()
    compile_model()
    state.init()
    store_problem = store.data_dir_problem()
    if store_problem:
        state.notice(store_problem)
    st.query_params.from_dict(state.to_query())  # a link's unusable keys do not outlive a reload
    page = st.navigation(
        [
            st.Page(PAGES_DIR / name, title=title, url_path=url, default=i == 0)
            for i, (name, title, url) in enumerate(PAGES)
        ]
    )
    widgets.image_format_choice()  # what every chart's camera button saves: PNG or SVG
    saved.entries()  # reads the local store: a damaged file's notice shows on this run
    notices = state.pop_notices()
    for text in notices[:MAX_NOTICES]:
        st.warning(text)
    if len(notices) > MAX_NOTICES:
        st.warning(f"... and {len(notices) - MAX_NOTICES} more notices like these.")
    page.run()
    st.query_params.from_dict(state.to_query())
    if os.environ.get(ENV_TIMING_LOG):
        with open(os.environ[ENV_TIMING_LOG], "a", encoding="utf-8") as log:
            log.write(f"{time.perf_counter() - start:.6f}\n")


if __name__ == "__main__":
    main()
