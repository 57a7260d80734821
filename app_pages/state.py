"""The one module that owns the app's session state.

The current scenario is a *base* (the calibrated baseline, a shipped, saved or uploaded
scenario) plus the user's *changes* to levers and parameters. Changes are kept in a plain
session key, not only in widget keys, because Streamlit forgets a widget's state when a page
that does not draw it runs. Widgets start from the base with the changes applied.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from ffsim import __version__
from ffsim.core.errors import InputError
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.scenarios.levers import Levers
from ffsim.scenarios.scenario import SCENARIO_DIR, Scenario, baseline_scenario, check_scenario_text
from ffsim.scenarios.scenario_io import scenario_to_toml

BASE, CHANGES, SAVED, NOTICE = "base", "changes", "saved", "notice"
SHIPPED = {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}
SHIPPED_TEXT = {stem: path.read_text("utf-8") for stem, path in SHIPPED.items()}
"""Shipped scenario files, read once: the URL is rewritten on every rerun."""


def widget_key(kind: str, name: str, region: str | None = None) -> str:
    """Session key of a lever or parameter widget: ``lever:x``, ``param:x`` or ``param:x:r``."""
    return f"{kind}:{name}" if region is None else f"{kind}:{name}:{region}"


def init() -> None:
    """Create the session keys on the first run of a session; restore a shared URL."""
    if BASE not in st.session_state:
        st.session_state[BASE] = {"label": "Calibrated baseline", "toml": None}
        st.session_state[CHANGES] = {"levers": {}, "parameters": {}}
        st.session_state[SAVED] = {}
        st.session_state[NOTICE] = []
        restore_from_query(dict(st.query_params))


@st.cache_data(max_entries=64, show_spinner=False)
def _parse(toml: str) -> Scenario | None:
    scenario, _ = check_scenario_text(toml, "scenario")
    return scenario


def base() -> Scenario:
    """The base scenario of the session."""
    toml = st.session_state[BASE]["toml"]
    parsed = _parse(toml) if toml else None
    return parsed or baseline_scenario()


def base_label() -> str:
    """How the base scenario is named on the pages."""
    return st.session_state[BASE]["label"]


def changes() -> dict[str, dict[str, Any]]:
    """The user's changes to the base, by kind (levers, parameters, drivers)."""
    return st.session_state[CHANGES]


def current() -> Scenario:
    """The base with the user's changes applied (invalid changes are dropped with a notice)."""
    b, c = base(), changes()
    try:
        levers = Levers(**{**b.levers.model_dump(), **c["levers"]})
        assumptions = b.assumptions.with_overrides(c["parameters"])
    except (InputError, ValueError) as exc:
        notice(f"Changes could not be applied and were reset: {exc}")
        st.session_state[CHANGES] = {"levers": {}, "parameters": {}}
        return b
    return replace(
        b,
        levers=levers,
        assumptions=assumptions,
        name=f"{b.name} (edited)" if (c["levers"] or c["parameters"]) else b.name,
    )


def record_change(kind: str, name: str, value: Any, region: str | None = None) -> None:
    """Store a widget's value as a change from the base (or drop it when equal to the base)."""
    b = base()
    section = "levers" if kind == "lever" else "parameters"
    store = changes()[section]
    if region is None:
        default = getattr(b.levers if kind == "lever" else b.assumptions, name)
        if value == default:
            store.pop(name, None)
        else:
            store[name] = value
    else:
        default = getattr(getattr(b.assumptions, name), region)
        regional = dict(store.get(name, {}))
        if value == default:
            regional.pop(region, None)
        else:
            regional[region] = value
        if regional:
            store[name] = regional
        else:
            store.pop(name, None)


def _clear_widgets() -> None:
    for key in [k for k in st.session_state if str(k).startswith(("lever:", "param:"))]:
        del st.session_state[key]


def set_base(label: str, toml: str | None, keep: dict[str, dict[str, Any]] | None = None) -> None:
    """Make a new base current; widgets restart from it (with ``keep`` changes, if given)."""
    st.session_state[BASE] = {"label": label, "toml": toml}
    st.session_state[CHANGES] = keep or {"levers": {}, "parameters": {}}
    _clear_widgets()


def reset_changes() -> None:
    """Back to the base: forget every change (an ``on_click`` callback)."""
    st.session_state[CHANGES] = {"levers": {}, "parameters": {}}
    _clear_widgets()


def load_text(text: str, label: str) -> list[str]:
    """Validate scenario TOML and make it the base; on problems keep the state, return them."""
    scenario, problems = check_scenario_text(text, label)
    if scenario is None:
        return problems
    set_base(scenario.name, text)
    return []


def save_current(name: str) -> str:
    """Save the current scenario under ``name``; return its TOML."""
    text = scenario_to_toml(current(), name=name)
    st.session_state[SAVED][name] = text
    return text


def saved() -> dict[str, str]:
    """Scenarios saved in this session: name -> TOML text."""
    return st.session_state[SAVED]


def notice(text: str) -> None:
    """Queue a notice for the top of the next page shown."""
    st.session_state[NOTICE].append(text)


def pop_notices() -> list[str]:
    """The queued notices, emptying the queue."""
    out, st.session_state[NOTICE] = st.session_state[NOTICE], []
    return out


# --- page flags: what a page remembers between reruns ---------------------------------------


def remember_upload(file_id: str, name: str, problems: list[str]) -> None:
    """Record the outcome of processing an uploaded file (so it is processed once)."""
    st.session_state["upload"] = {"file_id": file_id, "name": name, "problems": problems}


def last_upload() -> dict[str, Any]:
    """The last processed upload: ``file_id``, ``name``, ``problems`` (empty dict if none)."""
    return st.session_state.get("upload", {})


def reveal(lesson_id: str) -> None:
    """Mark a lesson's experiment as run, so its answer stays shown."""
    st.session_state.setdefault("revealed", set()).add(lesson_id)


def revealed(lesson_id: str) -> bool:
    """Whether the answer to a lesson has been revealed in this session."""
    return lesson_id in st.session_state.get("revealed", set())


# --- sharing through the URL -------------------------------------------------------------


def to_query() -> dict[str, str]:
    """Query parameters that restore the current scenario: version, shipped base, changes."""
    q = {"v": __version__}
    toml = st.session_state[BASE]["toml"]
    stem = next((s for s, text in SHIPPED_TEXT.items() if toml == text), None)
    if stem:
        q["base"] = stem
    elif toml:
        q["base"] = "uploaded"  # an uploaded base cannot travel in a URL; see the page text
    for name, value in changes()["levers"].items():
        q[f"lever.{name}"] = repr(value)
    for name, value in changes()["parameters"].items():
        if isinstance(value, dict):
            for region, v in value.items():
                q[f"param.{name}.{region}"] = repr(v)
        else:
            q[f"param.{name}"] = repr(value)
    return q


def restore_from_query(query: dict[str, Any]) -> None:
    """Restore base and changes from query parameters; bad values leave a notice, not a crash."""
    keys = [k for k in query if k == "base" or k.startswith(("lever.", "param."))]
    if not keys:
        return
    if query.get("v") and query["v"] != __version__:
        notice(f"This link was made with ffsim {query['v']}; this is {__version__}.")
    stem = str(query.get("base", ""))
    if stem in SHIPPED_TEXT:
        text = SHIPPED_TEXT[stem]
        scenario, _ = check_scenario_text(text, stem)
        label = scenario.name if scenario else stem
        st.session_state[BASE] = {"label": label, "toml": text}
    elif stem:
        notice(f"Link base {stem!r} is not a shipped scenario; starting from the baseline.")
    levers: dict[str, Any] = {}
    params: dict[str, Any] = {}
    names = {s.name for s in PARAMETER_SPECS}
    for key, raw in query.items():
        try:
            value = float(str(raw))
        except ValueError:
            if key.startswith(("lever.", "param.")):
                notice(f"Link value {key} = {raw!r} is not a number; ignored.")
            continue
        parts = key.split(".")
        if parts[0] == "lever" and len(parts) == 2 and parts[1] in Levers.model_fields:
            levers[parts[1]] = int(value) if parts[1].endswith("_shift") else value
        elif parts[0] == "param" and len(parts) == 2 and parts[1] in names:
            params[parts[1]] = value
        elif parts[0] == "param" and len(parts) == 3 and parts[1] in names:
            params.setdefault(parts[1], {})[parts[2]] = value
        elif parts[0] in ("lever", "param"):
            notice(f"Link key {key!r} is not a lever or parameter; ignored.")
    candidate = {"levers": levers, "parameters": params}
    b = base()
    try:
        Levers(**{**b.levers.model_dump(), **levers})
        b.assumptions.with_overrides(params)
    except (InputError, ValueError) as exc:
        notice(f"The link's values are invalid and were ignored: {exc}")
        return
    st.session_state[CHANGES] = candidate
