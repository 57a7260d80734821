"""Saved scenarios: kept in the local store (``ffsim.app.store``) so that they survive a
reload, with a confirmation before one is replaced or deleted.

Each saved scenario is an :class:`Entry` with a label of its own (``store.labels``): two files
carrying one name (a copied or edited store), or a file and a scenario kept for this session
only, are listed apart, each labelled with where it is kept. Saving under a name writes that
name's own file (``store.saved_path``), after a confirmation when it exists; any other file
carrying the name is left as it is and stays listed. A share link names a saved base by the id of
its text's copy (``state.to_query``), never by its name, so replacing a saved scenario changes no
link.

The session keys used here are named in this module: ``saved_cache`` (the store's listing and
the folder stamp it was read at), ``io:pending`` (the action waiting for a confirmation) and
``io:report`` (the outcome of the last action);
scenarios the store could not take stay in ``state.SAVED`` for the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ffsim.app import state, store
from ffsim.app.links import plain, quoted
from ffsim.scenarios.scenario_io import scenario_to_toml


@dataclass(frozen=True)
class Entry:
    """A saved scenario as the pages list it.

    Attributes
    ----------
    label : str
        How the pages name it; no two entries' labels read alike (``store.labels``).
    name : str
        The scenario's own ``name``.
    text : str
        Its TOML.
    path : Path or None
        Its file in the store; None when it is kept for this session only.
    """

    label: str
    name: str
    text: str
    path: Path | None


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
            f"Saved {quoted(scenario.name, 80)} for this session only: {store.write_failure(exc)}."
        )
    st.session_state[state.SAVED].pop(scenario.name, None)
    st.session_state.pop("saved_cache", None)
    said = (
        f"Saved {quoted(scenario.name, 80)} in {plain(str(path))}; it is now offered on the "
        "Compare page."
    )
    looks = store.looks(scenario.name)
    alike = [e for e in listing() if e.path != path and store.looks(e.name) == looks]
    if alike:
        said += (
            " Other saved scenarios carry this name (or one that reads the same) and are kept "
            "as they are, each labelled with where it is kept: "
            + "; ".join(plain(e.label) for e in alike)
            + "."
        )
    return True, said


def _stored() -> list[store.Stored]:
    """The local store's saved scenario files, read again only when its folder changed."""
    stamp = store.stamp()
    cache = st.session_state.get("saved_cache")
    if cache is None or cache[0] != stamp or stamp == -1:
        found, problems = store.list_saved()
        for text in problems:
            state.notice(text)
        cache = (stamp, found)
        st.session_state["saved_cache"] = cache
    return cache[1]


def listing() -> list[Entry]:
    """Every saved scenario: the local store's files, and those kept for this session only
    because the store could not take them; by name, each labelled apart (``store.labels``).
    """
    rows: list[tuple[str, Path | None, str]] = [(s.name, s.path, s.text) for s in _stored()]
    rows += [(name, None, text) for name, text in st.session_state[state.SAVED].items()]
    rows.sort(key=lambda r: (r[0], r[1] is None, str(r[1])))
    tags = store.labels([(name, path) for name, path, _ in rows])
    return [Entry(tag, n, t, p) for tag, (n, p, t) in zip(tags, rows, strict=True)]


def entries() -> dict[str, str]:
    """Saved scenarios, label -> TOML text (every one of :func:`listing`)."""
    return {e.label: e.text for e in listing()}


def replaced_by(name: str) -> Entry | None:
    """The saved scenario that saving under ``name`` would replace: the store's file of that
    name (``store.saved_path``), else the one kept for this session only; None when neither.
    """
    own = store.saved_path(name)
    found = [e for e in listing() if e.name == name and e.path in (own, None)]
    return min(found, key=lambda e: e.path is None) if found else None


def delete(entry: Entry) -> None:
    """Forget a saved scenario: its file in the store, or its copy kept for this session."""
    if entry.path is not None:
        try:
            store.remove(entry.path)
        except OSError as exc:
            state.notice(f"{entry.path} could not be deleted: {exc.strerror or exc}.")
    else:
        st.session_state[state.SAVED].pop(entry.name, None)
    st.session_state.pop("saved_cache", None)


def ask(action: str, entry: Entry) -> None:
    """Hold an action on a saved scenario until confirmed: ``overwrite`` (``entry`` is the one
    a save would replace) or ``delete``.
    """
    st.session_state["io:pending"] = (action, entry)


def pending() -> tuple[str, Entry] | None:
    """The action waiting for a confirmation, as ``(action, entry)``, or None."""
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
