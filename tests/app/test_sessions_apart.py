"""No session harms another: the libraries a page needs late (pandas, pyarrow) are imported once
when the explorer starts, so a page importing them never meets a chart being drawn in another
session (found by the attack of issue 23: ``partially initialized module 'pandas'``).

Each test runs in a fresh interpreter (``subprocess``), where nothing is imported yet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FIRST_RUN = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120)
at.run()
print(json.dumps({{"errors": [e.message for e in at.exception],
                   "loaded": [m for m in ("pandas", "pyarrow") if m in sys.modules]}}))
"""

TWO_SESSIONS = """
import json, sys, threading
from streamlit.testing.v1 import AppTest
app = {app!r}
pages = "model/ffsim/app/pages/{{}}_page.py".format
drawing = AppTest.from_file(app, default_timeout=120)
drawing.run()
errors, opened = [], threading.Event()

def draw():
    # the pages that draw without pandas of their own, again and again, while the other opens
    for i in range(9):
        drawing.switch_page(pages(("explore", "sensitivity", "learn")[i % 3])).run()
        errors.extend(e.message for e in drawing.exception)
        if opened.is_set() and i >= 2:
            break

def open_pages():
    # each page that imports pandas, in a session of its own (the first one imports it)
    for page in ("compare", "calibration", "forecasts", "model"):
        at = AppTest.from_file(app, default_timeout=120)
        at.run()
        at.switch_page(pages(page)).run()
        errors.extend(e.message for e in at.exception)
    opened.set()

threads = [threading.Thread(target=draw), threading.Thread(target=open_pages)]
for t in threads:
    t.start()
for t in threads:
    t.join(timeout=300)
print(json.dumps({{"errors": errors, "hung": [t.is_alive() for t in threads]}}))
"""


def _fresh(script: str, tmp_path: Path) -> dict:
    env = {**os.environ, "FFSIM_DATA_DIR": str(tmp_path / "data")}
    code = textwrap.dedent(script).format(app=str(ROOT / "app.py"))
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_libraries_pages_need_late_are_imported_when_the_explorer_starts(tmp_path):
    seen = _fresh(FIRST_RUN, tmp_path)
    assert seen["errors"] == []
    assert seen["loaded"] == ["pandas", "pyarrow"]


@pytest.mark.slow  # several processes at once: `make test-slow` (fast-tier budget, README)
def test_a_session_drawing_while_another_opens_every_page_is_not_harmed(tmp_path):
    seen = _fresh(TWO_SESSIONS, tmp_path)
    assert seen["errors"] == [] and seen["hung"] == [False, False]
