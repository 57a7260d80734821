"""Saved scenarios: kept in the local store (``ffsim.app_pages.store``) so that they survive a
reload, with a confirmation before one is replaced or deleted.

The session keys used here are named in this module: ``saved_cache`` (the store's listing and
the folder stamp it was read at), ``io:pending`` (the action waiting for a confirmation) and
``io:report`` (the outcome of the last action);
scenarios the store could not take stay in ``state.SAVED`` for the session.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ffsim.app_pages import state, store
from ffsim.app_pages.links import plain, quoted
from ffsim.scenarios.scenario_io import scenario_to_toml


def save(name: str) -> tuple[bool, str]:
    """Save the current scenario under ``name`` in the local store; (saved, what to say).

    The TOML is read back first: a scenario that would not load again is not saved. When the
    store cannot be written, the scenario is kept for this session only.
    """
    try:
        text = scenario_to_toml(state.current(), name=name)
    except (ValueError, TypeError) as exc:
        return False, f"The scenario cannot be written as TOML: {plain(str(exc))}"
    scenario, problems = state.checked(text, name)
    if scenario is None:
        listed = "; ".join(plain(p) for p in problems[:3])
        return False, f"The scenario would not load again, so it was not saved: {listed}"
    try:
        path = store.save(scenario.name, text)
    except OSError as exc:
        st.session_state[state.SAVED][scenario.name] = text
        return True, (
            f"Saved {quoted(scenario.name, 80)} for this session only: the store "
            f"{plain(str(store.data_dir()))} cannot be written ({exc.strerror or exc})."
        )
    st.session_state[state.SAVED].pop(scenario.name, None)
    st.session_state.pop("saved_cache", None)
    return True, (
        f"Saved {quoted(scenario.name, 80)} in {plain(str(path))}; it is now offered on the "
        "Compare page."
    )


def _stored() -> dict[str, tuple[Path, str]]:
    """The local store's saved scenarios, read again only when its folder changed."""
    stamp = store.stamp()
    cache = st.session_state.get("saved_cache")
    if cache is None or cache[0] != stamp or stamp == -1:
        found, problems = store.list_saved()
        for text in problems:
            state.notice(text)
        cache = (stamp, found)
        st.session_state["saved_cache"] = cache
    return cache[1]


def entries() -> dict[str, str]:
    """Saved scenarios, name -> TOML text: the local store's, and any kept for this session
    only because the store could not be written.
    """
    out = {name: text for name, (_, text) in _stored().items()}
    out.update(st.session_state[state.SAVED])
    return dict(sorted(out.items()))


def file_of(name: str) -> Path | None:
    """The store's file of the saved scenario ``name`` (None: kept for this session only)."""
    entry = _stored().get(name)
    return entry[0] if entry else None


def delete(name: str) -> None:
    """Forget a saved scenario, in the store and in this session."""
    path = file_of(name)
    if path is not None:
        try:
            store.remove(path)
        except OSError as exc:
            state.notice(f"{path} could not be deleted: {exc.strerror or exc}.")
    st.session_state[state.SAVED].pop(name, None)
    st.session_state.pop("saved_cache", None)


def ask(action: str, name: str) -> None:
    """Hold an action (``overwrite`` or ``delete``) on a saved scenario until confirmed."""
    st.session_state["io:pending"] = (action, name)


def pending() -> tuple[str, str] | None:
    """The action waiting for a confirmation, as ``(action, name)``, or None."""
    return st.session_state.get("io:pending")


def clear_pending() -> None:
    """Drop the action waiting for a confirmation."""
    st.session_state.pop("io:pending", None)


def report(kind: str, text: str) -> None:
    """Keep the outcome of an action (``success`` or ``error``) to show on the next run."""
    st.session_state["io:report"] = (kind, text)


def pop_report() -> tuple[str, str] | None:
    """The outcome of the last action, once."""
    return st.session_state.pop("io:report", None)
