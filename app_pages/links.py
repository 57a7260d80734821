"""Reading a share link: its query parameters checked one by one, never trusted.

A link carries ``v`` (the ffsim version that made it), ``base`` (a shipped scenario, or
``local-<id>`` for a base kept in this computer's store) and one key per change:
``lever.NAME``, ``param.NAME`` or ``param.NAME.REGION``. Every key that cannot be used (unknown,
repeated, too long, not a finite number, a fraction for a whole number, out of bounds, a region
of a parameter that has none or the reverse) is left out with a notice naming the key, the value
and what is allowed; the rest of the link is used. No Streamlit here.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.regions import REGION_IDS
from ffsim.scenarios.levers import LEVER_SPECS, Levers

MAX_KEYS = 200
"""Keys read from one link; the rest are left out with a notice."""

MAX_CHARS = 40
"""Longest key suffix or value read (a number needs far fewer)."""

NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
"""A plain decimal number: no nan, inf, hex, underscores or spaces."""

ASSUMPTIONS = {s.name: s for s in PARAMETER_SPECS if s.category == "assumption"}
INTEGER_LEVERS = {n for n, f in Levers.model_fields.items() if f.annotation is int}
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
    the changes it carries, and a notice for everything left out.
    """

    base: str | None = None
    levers: dict[str, float] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def _number(key: str, raw: str, lower: float, upper: float, whole: bool, unit: str) -> float:
    """The value of ``raw``, or ValueError with the notice's text."""
    kind = "a whole number" if whole else "a number"
    allowed = f"allowed: {kind} from {lower:g} to {upper:g}" + (f" ({unit})" if unit else "")
    head = f"Link value {quoted(key)} = {quoted(raw)} ignored"
    if len(raw) > MAX_CHARS:
        raise ValueError(f"{head}: too long; {allowed}.")
    if not NUMBER.fullmatch(raw.strip()):
        raise ValueError(f"{head}: not a number; {allowed}.")
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"{head}: too large to be a number; {allowed}.")
    if whole and not value.is_integer():
        raise ValueError(f"{head}: not a whole number; {allowed}.")
    if not lower <= value <= upper:
        raise ValueError(f"{head}: out of bounds; {allowed}.")
    return int(value) if whole else value


def _suggest(name: str, names: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, names, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _lever(link: Link, key: str, name: str, raw: str) -> None:
    spec = LEVER_SPECS.get(name)
    if spec is None:
        link.notices.append(
            f"Link key {quoted(key)} ignored: not a policy lever{_suggest(name, list(LEVER_SPECS))}"
            f"; allowed: {', '.join(LEVER_SPECS)}."
        )
        return
    whole = name in INTEGER_LEVERS
    link.levers[name] = _number(key, raw, spec.lower, spec.upper, whole, spec.unit)


def _parameter(link: Link, key: str, parts: list[str], raw: str) -> None:
    name = parts[0]
    spec = ASSUMPTIONS.get(name)
    if name in LEVER_SPECS:
        link.notices.append(
            f"Link key {quoted(key)} ignored: {name} is a policy lever; use lever.{name}."
        )
        return
    if spec is None or len(parts) > 2:
        hint = _suggest(name, list(ASSUMPTIONS)) if spec is None else ""
        link.notices.append(
            f"Link key {quoted(key)} ignored: not a world assumption{hint}; allowed: "
            "param.NAME or param.NAME.REGION with a name from the Model page's table."
        )
        return
    if spec.regional and len(parts) == 1:
        link.notices.append(
            f"Link key {quoted(key)} = {quoted(raw)} ignored: {name} is set by region; allowed: "
            f"param.{name}.REGION with REGION one of {', '.join(REGION_IDS)}."
        )
        return
    if not spec.regional and len(parts) == 2:
        link.notices.append(
            f"Link key {quoted(key)} ignored: {name} is one value for every region; "
            f"allowed: param.{name}."
        )
        return
    if spec.regional and parts[1] not in REGION_IDS:
        link.notices.append(
            f"Link key {quoted(key)} ignored: no region {quoted(parts[1])}; allowed: "
            f"{', '.join(REGION_IDS)}."
        )
        return
    value = _number(key, raw, spec.lower, spec.upper, False, spec.unit)
    if spec.regional:
        link.parameters.setdefault(name, {})[parts[1]] = value
    else:
        link.parameters[name] = value


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
