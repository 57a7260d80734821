"""The rendered API reference (docs/api, Sphinx autodoc): built with warnings as errors, and
naming every public name of ``ffsim``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ffsim

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "docs" / "api"


def _build(source: Path, out: Path) -> subprocess.CompletedProcess:
    """``sphinx -W``: any warning (a docstring Sphinx cannot parse, a name it cannot import)
    fails the build."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            *map(str, (source, out)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_api_reference_builds_without_warnings_and_documents_every_public_name(tmp_path):
    index = (SOURCE / "index.rst").read_text("utf-8")
    documented = set(re.findall(r"^\.\. auto\w+:: ffsim\.(\w+)$", index, flags=re.M))
    assert documented >= set(ffsim.PUBLIC), set(ffsim.PUBLIC) - documented
    done = _build(SOURCE, tmp_path / "html")
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "html" / "index.html").read_text("utf-8")
    for name in ffsim.PUBLIC:
        assert f'id="ffsim.{name}"' in page, name
    assert "the calibrated baseline unless told otherwise" in page


@pytest.mark.slow  # a second Sphinx build: `make test-slow` (fast-tier budget, README)
def test_a_warning_fails_the_build(tmp_path):
    broken = tmp_path / "api"
    shutil.copytree(SOURCE, broken)
    with (broken / "index.rst").open("a", encoding="utf-8") as f:
        f.write("\n.. autofunction:: ffsim.no_such_name\n")
    done = _build(broken, tmp_path / "html")
    assert done.returncode != 0 and "no_such_name" in done.stderr
