"""Reading a share link: its query parameters read one by one, never trusted.

A link carries ``v`` (the ffsim version that made it), ``base`` (a shipped scenario, or
``local-<id>`` for a base kept in this computer's store) and one key per change:
``lever.NAME``, ``param.NAME`` or ``param.NAME.REGION``. This module reads the link's form: a
key that is not of these forms, repeated or too long, or a value that is not a plain decimal
number, is left out with a notice naming the key, the value and what is allowed. What the values
mean (a known name and region, a whole number where months are counted, a finite number within
bounds) is checked by the one path every scenario takes, ``apply_each_change``; the changes it
refuses are left out with its own words, and the rest of the link is used. No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario_input import allowed_value

MAX_KEYS = 200
"""Keys read from one link; the rest are left out with a notice."""

MAX_CHARS = 40
"""Longest key suffix or value read (a number needs far fewer)."""

NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
"""A plain decimal number: no nan, inf, hex, underscores or spaces."""

ASSUMPTIONS = {s.name: s for s in PARAMETER_SPECS if s.category == "assumption"}
LOCAL_BASE = re.compile(r"local-([0-9a-f]{16})")
KNOWN = "v, base, lever.NAME, param.NAME, param.NAME.REGION"


def quoted(text: str, limit: int = MAX_CHARS) -> str:
    """User text as a notice shows it: in a code span (so Markdown, HTML and LaTeX in it stay
    plain text), quoted with its control characters escaped, cut to ``limit`` characters.
    """
    cut = text if len(text) <= limit else text[:limit]
    shown = "`" + repr(cut).replace("`", "\u02cb") + "`"
    if len(text) > limit:
        shown += f" (cut; {len(text):,} characters)"
    return shown


def plain(text: str) -> str:
    """Text for a Markdown element, shown as written: on one line, with the characters that
    would format it (emphasis, code, links, HTML, LaTeX, tables) escaped.
    """
    flat = " ".join(text.split())
    flat = re.sub(r"([\\`*$\[\]<>|~#])", r"\\\1", flat)
    return re.sub(r"(?<!\w)_|_(?!\w)", r"\_", flat)


@dataclass
class Link:
    """What a link asks for: ``base`` (None: the baseline; a shipped stem; ``local-<id>``),
    its changes as flat tables (``levers``, ``parameters``; a regional value by dotted name),
    the link key and text each change came from, and a notice for everything left out.

    The link's values are only read here (a key's form, a number's spelling); whether they
    can be used is decided by the scenario's own checks (``apply_each_change``), the same as
    for a file, an upload or a saved scenario.
    """

    base: str | None = None
    changes: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"levers": {}, "parameters": {}}
    )
    sources: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def refused(self, section: str, name: str, why: str) -> str:
        """The notice for a change the scenario's checks left out."""
        key, raw = self.sources.get((section, name), (f"{section}.{name}", ""))
        return f"Link key {quoted(key)} = {quoted(raw)} ignored: {why}."


def _number(key: str, raw: str, section: str, name: str) -> int | float:
    """The number ``raw`` spells (an int when written without a point or exponent), or
    ValueError with the notice's text.
    """
    allowed = allowed_value(section, name) or "a number"
    head = f"Link key {quoted(key)} = {quoted(raw)} ignored"
    if len(raw) > MAX_CHARS:
        raise ValueError(f"{head}: too long; allowed: {allowed}.")
    text = raw.strip()
    if not NUMBER.fullmatch(text):
        raise ValueError(f"{head}: not a number; allowed: {allowed}.")
    return int(text) if text.lstrip("+-").isdigit() else float(text)


def _lever(link: Link, key: str, name: str, raw: str) -> None:
    if name in ASSUMPTIONS:
        link.notices.append(
            f"Link key {quoted(key)} ignored: {name} is a world assumption; use param.{name}."
        )
        return
    link.changes["levers"][name] = _number(key, raw, "levers", name)
    link.sources[("levers", name)] = (key, raw)


def _parameter(link: Link, key: str, parts: list[str], raw: str) -> None:
    name = parts[0]
    if name in LEVER_SPECS:
        link.notices.append(
            f"Link key {quoted(key)} ignored: {name} is a policy lever; use lever.{name}."
        )
        return
    if len(parts) > 2:
        link.notices.append(
            f"Link key {quoted(key)} ignored: not part of a share link; allowed: param.NAME or "
            "param.NAME.REGION."
        )
        return
    dotted = ".".join(parts)
    link.changes["parameters"][dotted] = _number(key, raw, "parameters", dotted)
    link.sources[("parameters", dotted)] = (key, raw)


def _base(link: Link, raw: str, shipped: Sequence[str]) -> None:
    if raw in shipped or LOCAL_BASE.fullmatch(raw):
        link.base = raw
    elif raw == "baseline":
        link.base = None
    elif raw == "uploaded":  # links of ffsim 0.2 and before
        link.notices.append(
            "This link was made from an uploaded scenario, which older links could not carry; "
            "starting from the calibrated baseline. Upload the scenario file again."
        )
    else:
        link.notices.append(
            f"Link base {quoted(raw)} ignored: not a shipped scenario; allowed: baseline, "
            f"{', '.join(shipped)} (or a base kept on this computer); starting from the "
            "calibrated baseline."
        )


def read_link(query: Mapping[str, Sequence[str]], version: str, shipped: Sequence[str]) -> Link:
    """Check a link's query parameters (each key with every value given for it)."""
    link = Link()
    keys = list(query)
    if len(keys) > MAX_KEYS:
        link.notices.append(
            f"The link has {len(keys):,} keys; only the first {MAX_KEYS} were read."
        )
        keys = keys[:MAX_KEYS]
    for key in keys:
        values = [str(v) for v in query[key]]
        if not values:
            continue
        if len(values) > 1:
            link.notices.append(
                f"Link key {quoted(key)} ignored: given {len(values)} times "
                f"({', '.join(quoted(v, 12) for v in values[:3])}); a key may appear once."
            )
            continue
        raw = values[0]
        if key == "v":
            if raw != version:
                link.notices.append(
                    f"This link was made with ffsim {quoted(raw, 20)}; this is {version}."
                )
            continue
        if key == "base":
            _base(link, raw, shipped)
            continue
        kind, _, rest = key.partition(".")
        try:
            if kind == "lever" and rest and len(rest) <= MAX_CHARS:
                _lever(link, key, rest, raw)
            elif kind == "param" and rest and len(rest) <= 2 * MAX_CHARS:
                _parameter(link, key, rest.split("."), raw)
            else:
                link.notices.append(
                    f"Link key {quoted(key)} ignored: not part of a share link; allowed: {KNOWN}."
                )
        except ValueError as exc:
            link.notices.append(str(exc))
    return link
