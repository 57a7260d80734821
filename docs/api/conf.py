"""Sphinx configuration of ffsim's API reference (``docs/api``).

Built by ``tests/test_api_reference.py`` with warnings as errors (``-W``), in the fast tier:
``python -m sphinx -W -b html docs/api OUT``. The pages document the public names of
``ffsim`` (``ffsim.PUBLIC``, read from ``model/ffsim/__init__.pyi``) from their docstrings.
"""

from __future__ import annotations

import ffsim

project = "ffsim"
author = "ffsim contributors"
release = ffsim.__version__
version = release
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}
autodoc_inherit_docstrings = False
root_doc = "index"
exclude_patterns: list[str] = []
html_theme = "alabaster"
html_static_path: list[str] = []
