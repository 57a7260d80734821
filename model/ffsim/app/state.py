"""The one module that owns the app's session state.

The current scenario is a *base* (the calibrated baseline, a shipped, saved or uploaded
scenario) plus the user's *changes* to levers and parameters. Changes are kept in a plain
session key, not only in widget keys, because Streamlit forgets a widget's state when a page
that does not draw it runs. Widgets start from the base with the changes applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import streamlit as st

from ffsim import __version__
from ffsim.app import links, store
from ffsim.core.errors import InputError
from ffsim.core.parameters import PARAMETER_SPECS
from ffsim.core.regions import REGIONS
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario import (
    SCENARIO_DIR,
    Scenario,
    apply_changes,
    apply_each_change,
    baseline_scenario,
    check_scenario_text,
)

BASE, CHANGES, SAVED, NOTICE = "base", "changes", "saved", "notice"
SHIPPED = {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}
SHIPPED_TEXT = {stem: path.read_text("utf-8") for stem, path in SHIPPED.items()}
"""Shipped scenario files, read once: the URL is rewritten on every rerun."""
LOCAL = "local-"
"""Prefix of a share link's base kept in the local store (``local-<id>``)."""


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
        try:
            restore_from_query({k: st.query_params.get_all(k) for k in st.query_params})
        except Exception as exc:  # a link never stops the app, nor does a reload of it
            st.session_state[BASE] = {"label": "Calibrated baseline", "toml": None}
            st.session_state[CHANGES] = {"levers": {}, "parameters": {}}
            notice(
                f"The link could not be read ({type(exc).__name__}); starting from the "
                "calibrated baseline."
            )


@st.cache_data(max_entries=64, show_spinner="Checking the scenario...")
def _parse(toml: str) -> Scenario | None:
    return checked(toml, "scenario")[0]


def checked(text: str, label: str) -> tuple[Scenario | None, list[str]]:
    """``check_scenario_text``, with whatever it raises on hostile text as a problem."""
    try:
        return check_scenario_text(text, label)
    except RecursionError:
        return None, [f"{label}: nested too deeply to read"]
    except (InputError, ValueError, TypeError, MemoryError) as exc:
        return None, [f"{label}: {exc}"]


def base() -> Scenario:
    """The base scenario of the session."""
    toml = st.session_state[BASE]["toml"]
    parsed = _parse(toml) if toml else None
    return parsed or baseline_scenario()


def base_label() -> str:
    """How the base scenario is named on the pages (Markdown-safe: a name is user text)."""
    return links.plain(st.session_state[BASE]["label"])


def changes() -> dict[str, dict[str, Any]]:
    """The user's changes to the base, by kind (levers, parameters, drivers)."""
    return st.session_state[CHANGES]


def _value(value: float, unit: str) -> str:
    text = f"{value:.6g}"
    return text if unit == "dimensionless" else f"{text} {unit}"


def changes_text(c: Mapping[str, Mapping[str, Any]]) -> str:
    """The changes ``c`` in the sliders' plain labels, in the sliders' order, e.g.
    ``Border closure: timing = -12 months; Prevention at home: timing = -6 months``
    (empty when there are none).
    """
    out = [
        f"{spec.label} = {_value(c['levers'][spec.name], spec.unit)}"
        for spec in LEVER_SPECS.values()
        if spec.name in c.get("levers", {})
    ]
    region_names = {r.id: r.name for r in REGIONS}
    for spec in PARAMETER_SPECS:
        value = c.get("parameters", {}).get(spec.name)
        if value is None:
            continue
        if isinstance(value, Mapping):
            out += [
                f"{spec.label}, {region_names.get(r, r)} = {_value(v, spec.unit)}"
                for r, v in value.items()
            ]
        else:
            out.append(f"{spec.label} = {_value(value, spec.unit)}")
    return "; ".join(out)


def current() -> Scenario:
    """The base with the user's changes applied (invalid changes are dropped with a notice).

    When there are changes, the name says "(edited)" and the description, the base's, ends
    with what was changed (:func:`changes_text`), so that a file saved or downloaded from it
    says so; without changes the base's texts are kept as they are.
    """
    b, c = base(), changes()
    try:
        edited = apply_changes(b, c, "changes")
    except InputError as exc:
        notice(f"Changes could not be applied and were reset: {exc}")
        st.session_state[CHANGES] = {"levers": {}, "parameters": {}}
        return b
    if not (c["levers"] or c["parameters"]):
        return edited
    said = f"Changed here: {changes_text(c)}."
    return replace(
        edited,
        name=f"{b.name} (edited)",
        description=f"{b.description.rstrip()} {said}" if b.description.strip() else said,
    )


def record_change(kind: str, name: str, value: Any, region: str | None = None) -> None:
    """Store a widget's value as a change from the base (or drop it when equal to the base)."""
    b = base()
    section = "levers" if kind == "lever" else "parameters"
    kept = changes()[section]
    if region is None:
        default = getattr(b.levers if kind == "lever" else b.assumptions, name)
        if value == default:
            kept.pop(name, None)
        else:
            kept[name] = value
    else:
        default = getattr(getattr(b.assumptions, name), region)
        regional = dict(kept.get(name, {}))
        if value == default:
            regional.pop(region, None)
        else:
            regional[region] = value
        if regional:
            kept[name] = regional
        else:
            kept.pop(name, None)


def _clear_widgets() -> None:
    for key in [k for k in st.session_state if str(k).startswith(("lever:", "param:"))]:
        del st.session_state[key]


def set_base(label: str, toml: str | None, keep: dict[str, dict[str, Any]] | None = None) -> None:
    """Make a new base current; widgets restart from it (with ``keep`` changes, if given).

    A base that is not shipped is kept in the local store, so that the share link (and a
    reload) can name it.
    """
    if toml and toml not in SHIPPED_TEXT.values():
        try:
            store.database().save_base(toml)
        except OSError as exc:
            notice(
                f"The base could not be kept on this computer: {store.write_failure(exc)}. "
                "It is used in this session only: a reload will start from the calibrated "
                "baseline, and so will the share link."
            )
    st.session_state[BASE] = {"label": label, "toml": toml}
    st.session_state[CHANGES] = keep or {"levers": {}, "parameters": {}}
    _clear_widgets()


def base_kept() -> bool:
    """Whether a share link and a reload find the base: the baseline, a shipped scenario, or a
    base whose copy is in the local store.
    """
    toml = st.session_state[BASE]["toml"]
    if not toml or toml in SHIPPED_TEXT.values():
        return True
    return store.load_base(store.base_id(toml)) is not None


def reset_changes() -> None:
    """Back to the base: forget every change (an ``on_click`` callback)."""
    st.session_state[CHANGES] = {"levers": {}, "parameters": {}}
    _clear_widgets()


def load_text(text: str, label: str) -> list[str]:
    """Validate scenario TOML and make it the base; on problems keep the state, return them."""
    scenario, problems = checked(text, label)
    if scenario is None:
        return problems or [f"{label}: not a valid scenario"]
    set_base(scenario.name, text)
    return []


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
    """Query parameters that restore the current scenario: version, base, changes."""
    q = {"v": __version__}
    toml = st.session_state[BASE]["toml"]
    stem = next((s for s, text in SHIPPED_TEXT.items() if toml == text), None)
    if stem:
        q["base"] = stem
    elif toml:
        q["base"] = LOCAL + store.base_id(toml)  # kept in the local store by set_base
    for name, value in changes()["levers"].items():
        q[f"lever.{name}"] = repr(value)
    for name, value in changes()["parameters"].items():
        if isinstance(value, dict):
            for region, v in value.items():
                q[f"param.{name}.{region}"] = repr(v)
        else:
            q[f"param.{name}"] = repr(value)
    return q


def _link_base(asked: str) -> tuple[str, str | None]:
    """Label and TOML of a link's base (the baseline's, with a notice, when unusable)."""
    if asked in SHIPPED_TEXT:
        text: str | None = SHIPPED_TEXT[asked]
    else:
        text = store.load_base(asked.removeprefix(LOCAL))
        if text is None:
            notice(
                f"The link's base {links.quoted(asked)} is not kept on this computer (in "
                f"{store.where(store.DB_NAME)}); starting from the calibrated baseline."
            )
            return "Calibrated baseline", None
    assert text is not None
    scenario, problems = checked(text, asked)
    if scenario is None:
        notice(
            f"The link's base {links.quoted(asked)} is no longer valid; starting from the "
            "calibrated baseline. " + "; ".join(problems[:3])
        )
        return "Calibrated baseline", None
    return scenario.name, text


def restore_from_query(query: Mapping[str, Sequence[str]]) -> None:
    """Restore base and changes from a link's query parameters (every value of each key).

    What cannot be used is left out with a notice; the rest of the link is used.
    """
    link = links.read_link(query, __version__, list(SHIPPED_TEXT))
    for text in link.notices:
        notice(text)
    if link.base:
        label, toml = _link_base(link.base)
        st.session_state[BASE] = {"label": label, "toml": toml}
    _, kept, refused = apply_each_change(base(), link.changes, "link")
    for (section, name), why in refused.items():
        notice(link.refused(section, name, why))
    st.session_state[CHANGES] = nested(kept)


def nested(flat: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Changes as the session keeps them: a regional value under its parameter's name."""
    out: dict[str, dict[str, Any]] = {"levers": dict(flat.get("levers", {})), "parameters": {}}
    for key, value in flat.get("parameters", {}).items():
        name, dot, region = key.partition(".")
        if dot:
            out["parameters"].setdefault(name, {})[region] = value
        else:
            out["parameters"][key] = value
    return out
