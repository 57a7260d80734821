"""``ffsim app``: start the explorer with Streamlit, wherever ffsim is installed."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from ffsim.calibration.baseline import ENV_ARTIFACT, use_artifact
from ffsim.resources import shown


def app_script() -> Path:
    """The entry script, ``model/ffsim/app/streamlit_app.py``, found through the import system
    (the same in a source checkout and an installed wheel): like the repository's ``app.py``, it
    only calls :func:`ffsim.app.main.main`, so Streamlit's magic writes nothing of its own.
    """
    import importlib.util

    spec = importlib.util.find_spec("ffsim.app.streamlit_app")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin)


def app_command(args: argparse.Namespace, streamlit_args: list[str]) -> NoReturn:
    """Run ``streamlit run`` on the explorer (through :mod:`ffsim.app.serve`, which says a
    refused option in one line); ``streamlit_args`` are passed on unchanged.

    ``--artifact`` is checked first (a one-line error if missing or corrupt), then handed to
    the app through the environment variable ``FFSIM_ARTIFACT``.
    """
    env = dict(os.environ)
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    if args.artifact is not None:
        path = Path(args.artifact).resolve()
        use_artifact(path)
        env[ENV_ARTIFACT] = str(path)
        print(f"ffsim app: starting from {shown(path)}")
    # No "Deploy" button (ffsim.app.main.TOOLBAR_MODE); an option given by the user wins.
    toolbar = "--client.toolbarMode=minimal"
    # ffsim.app.serve runs `streamlit run` and says a refusal in one line, not a traceback.
    command = [sys.executable, "-m", "ffsim.app.serve", str(app_script()), toolbar, *streamlit_args]
    sys.stdout.flush()
    os.execve(sys.executable, command, env)  # becomes the Streamlit server: signals reach it
