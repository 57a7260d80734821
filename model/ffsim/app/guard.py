"""What the explorer says when the calibration artifact is missing or corrupt.

The router checks the active artifact on every run against the artifact's format
(:mod:`ffsim.calibration.artifact_model`: its best-fit parameters, its posterior draws, each
estimated parameter's range and every part the pages read), and stops with one message naming
the file, the field, the value and how to make it again. A page that reads more of it (the
Calibration page) catches what a damaged part raises with :func:`damaged`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import streamlit as st

from ffsim.calibration.baseline import active_artifact, baseline_parameters, read_artifact
from ffsim.core.errors import InputError
from ffsim.resources import shown

BAD_CONTENT = (KeyError, TypeError, ValueError, IndexError, AttributeError)
"""What reading a damaged part of an artifact raises (pydantic's errors are ValueErrors)."""

ADVICE = (
    "Compute it again with `ffsim calibrate` (or restore the shipped file), or start the "
    "explorer on another artifact with `ffsim app --artifact PATH`."
)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


@st.cache_data(max_entries=4, show_spinner="Checking the calibration artifact...")
def _problem(path_text: str, stamp: tuple[int, int]) -> str | None:
    path = Path(path_text)
    try:
        read_artifact(path)
        baseline_parameters(path)
    except InputError as exc:
        return str(exc)
    return None


def _what(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, KeyError):
        return f"no part {text}"
    return f"{type(exc).__name__}: {text[:200]}"


def problem() -> str | None:
    """What is wrong with the active calibration artifact, in one line naming it, or None."""
    path = active_artifact()
    return _problem(str(path), _stamp(path))


def message(text: str) -> str:
    """``text`` followed by how to make the artifact again (unless it says so already)."""
    return text if "ffsim calibrate" in text else f"{text}. {ADVICE}"


def damaged(exc: BaseException) -> NoReturn:
    """Say on the page that the active artifact's part just read is damaged; stop the page."""
    where = shown(active_artifact())
    st.error(message(f"{where} is damaged: the page cannot read it ({_what(exc)})"))
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover
