"""A notice while the model compiles, and only then (issue 24): numba's ``numba:compile``
event fires on a cache miss and never when a kernel is already compiled or loaded."""

from __future__ import annotations

import os
import subprocess
import sys

import numba
import pytest

from ffsim.core.compile_notice import COMPILE_MESSAGE, on_compile, warm_up


def fresh_function():
    """A function numba has never compiled (no cache: each call of this makes a new one)."""

    @numba.njit(cache=False)
    def add_one(x):
        return x + 1

    return add_one


def test_the_notice_comes_once_when_numba_compiles_and_never_when_compiled():
    calls = []
    first, second = fresh_function(), fresh_function()
    with on_compile(lambda: calls.append(1)):
        assert first(1) == 2 and second(2) == 3  # two compilations: one notice
    assert calls == [1]
    with on_compile(lambda: calls.append(2)):
        assert first(5) == 6  # compiled already: no notice
        warm_up()  # the model's kernels, compiled or loaded by the session's fixture
    assert calls == [1]
    assert first(7) == 8 and calls == [1]  # outside the block nothing listens


@pytest.mark.slow
def test_the_command_line_says_so_on_a_cache_miss_and_not_on_a_hit(tmp_path):
    env = {**os.environ, "FFSIM_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "ffsim", "run"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=600,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stderr == f"ffsim: {COMPILE_MESSAGE}...\n"
    assert runs[1].stderr == ""
    assert runs[0].stdout == runs[1].stdout
