"""The script ``ffsim app`` runs draws what ``make app`` draws, and nothing of Streamlit's magic.

Run as the script, ``main.py`` put its attribute docstrings ("Page files and titles ...") on every
page of the installed explorer, because Streamlit writes every bare expression of the script it
runs; ``make app`` ran ``app.py``, which only imports and calls, and hid it (issue 24).
"""

from __future__ import annotations

import ast
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ffsim.app import main as main_module
from ffsim.cli.app_command import app_script

REPO_APP = Path(__file__).resolve().parents[2] / "app.py"


def _bare_strings(path: Path) -> list[str]:
    """The string expressions at module level after the module docstring (what magic writes)."""
    body = ast.parse(path.read_text("utf-8")).body[1:]
    return [
        node.value.value
        for node in body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]


def _texts(script: Path) -> list[str]:
    at = AppTest.from_file(str(script), default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def test_the_installed_entry_script_writes_no_developer_note_and_matches_make_app():
    notes = _bare_strings(Path(main_module.__file__))
    assert notes  # main.py has attribute docstrings: the test has something to look for
    installed, repository = _texts(app_script()), _texts(REPO_APP)
    for note in notes:
        first = note.split("\n")[0].strip()[:40]
        assert not any(first in text for text in installed), first
    assert installed == repository
    assert _bare_strings(app_script()) == [] and _bare_strings(REPO_APP) == []
