"""A release is named alike everywhere: the version in pyproject.toml, its release note in
CHANGELOG.md, and CITATION.cff (Citation File Format 1.2.0)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)$", re.MULTILINE)
"""A version's heading in CHANGELOG.md: ``## 0.3.0 (2026-12-07)``."""


def _version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def _citation() -> dict[str, str]:
    """The top-level ``key: value`` lines of CITATION.cff (the file keeps to that form for its
    scalars; cffconvert validates the whole file against the CFF schema, docs in README)."""
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    pairs = re.findall(r"^([a-z-]+): *\"?([^\"\n>]*)\"?$", text, re.MULTILINE)
    return {key: value.strip() for key, value in pairs}


def test_every_version_has_a_dated_release_note_newest_first():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert all(HEADING.match(h) or h == "## Unreleased" for h in headings), headings
    released = HEADING.findall(text)
    assert released[0][0] == _version(), "the newest release note is the package's version"
    versions = [tuple(map(int, v.split("."))) for v, _ in released]
    assert versions == sorted(versions, reverse=True)
    dates = [dt.date.fromisoformat(d) for _, d in released]
    assert dates == sorted(dates, reverse=True)


def test_the_citation_names_this_version_and_its_release_date():
    cff = _citation()
    assert cff["cff-version"] == "1.2.0"
    keys = re.findall(r"^([a-z-]+):", (ROOT / "CITATION.cff").read_text(), re.MULTILINE)
    assert {"cff-version", "message", "title", "authors", "version", "date-released"} <= set(keys)
    assert cff["version"] == _version()
    notes = dict(HEADING.findall((ROOT / "CHANGELOG.md").read_text(encoding="utf-8")))
    assert cff["date-released"] == notes[_version()]
