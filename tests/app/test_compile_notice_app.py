"""The explorer's notice while the model compiles (issue 24), and none when it is loaded."""

from __future__ import annotations

from pathlib import Path

import numba
from streamlit.testing.v1 import AppTest

import ffsim.app.main as app_main
from ffsim.core.compile_notice import warm_up

ROOT = Path(__file__).resolve().parents[2]


def fresh_function():
    """A function numba has never compiled (no cache: each call of this makes a new one)."""

    @numba.njit(cache=False)
    def add_one(x):
        return x + 1

    return add_one


def _app(monkeypatch, tmp_path, warm) -> AppTest:
    monkeypatch.setenv("FFSIM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(app_main, "_compiled", False)
    monkeypatch.setattr(app_main, "warm_up", warm)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_explorer_says_it_compiled_the_model_only_when_it_did(monkeypatch, tmp_path):
    compiled = _app(monkeypatch, tmp_path, lambda: fresh_function()(1))
    said = [i.value for i in compiled.info if "compiled for this computer" in i.value]
    assert len(said) == 1 and "later starts load the compiled model" in said[0]
    assert app_main._compiled
    compiled.run()  # the next run of the page: compiled already, nothing said
    assert not [i for i in compiled.info if "compiled" in i.value]
    loaded = _app(monkeypatch, tmp_path, warm_up)  # kernels already loaded: no compilation
    assert not [i for i in loaded.info if "compil" in i.value]
