"""Saved scenarios: kept in the local store (``ffsim.app.store``, one SQLite database) so that
they survive a reload and are shared with the command line, with a confirmation before one is
replaced or deleted.

Each saved scenario is an :class:`Entry` with a label of its own (``store.labels``) and the
version the user saw. Save, Replace and Delete act only on that version: when another session
changed the scenario meanwhile, nothing is changed, the user is told who changed it and when,
and is offered both (replace theirs with the current settings, or keep theirs). A scenario the
store could not take is kept for this session only (``state.SAVED``). A share link names a saved
base by the id of its text's copy (``state.to_query``), never by its name.

The session keys used here are named in this module: ``io:pending`` (the action waiting for a
confirmation) and ``io:report`` (the outcome of the last action); scenarios the store could not
take stay in ``state.SAVED`` for the session.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    version : int or None
        The version listed (what a Replace or Delete acts on); None when it is kept for this
        session only.
    saved_by : str
        Who saved that version, and when (empty for this session's own copy).
    """

    label: str
    name: str
    text: str
    version: int | None
    saved_by: str = ""


def _who() -> str:
    """How this session is named to another session whose change it overtook."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
    except ImportError:  # pragma: no cover - streamlit moved it
        ctx = None
    return f"explorer session {ctx.session_id[:8]}" if ctx is not None else "an explorer session"


def save(name: str, seen: int | None) -> tuple[bool, str]:
    """Save the current scenario under ``name`` in the local store if the version there is still
    ``seen`` (None: no scenario of that name); (saved, what to say).

    The TOML is read back first: a scenario that would not load again is not saved. When the
    store cannot be written, the scenario is kept for this session only. When another session
    saved or deleted ``name`` meanwhile, nothing is saved and the user is asked again (both
    versions offered).
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
        new = store.database().save(scenario.name, text, seen, _who())
    except store.ConflictError as exc:
        return False, _conflict(exc, "saved", "overwrite")
    except OSError as exc:
        st.session_state[state.SAVED][scenario.name] = text
        return True, (
            f"Saved {quoted(scenario.name, 80)} for this session only: {store.write_failure(exc)}."
        )
    st.session_state[state.SAVED].pop(scenario.name, None)
    said = (
        f"Saved {quoted(scenario.name, 80)} (version {new.version}) in "
        f"{plain(str(store.database().path))}; it is now offered on the Compare page and to "
        f"`ffsim run saved:NAME`."
    )
    looks = store.looks(scenario.name)
    alike = [e for e in listing() if e.name != scenario.name and store.looks(e.name) == looks]
    if alike:
        said += (
            " Other saved scenarios carry a name that reads the same and are kept as they are: "
            + "; ".join(plain(e.label) for e in alike)
            + "."
        )
    return True, said


def _conflict(exc: store.ConflictError, verb: str, action: str) -> str:
    """What to say when another session changed a scenario between the listing and the click;
    when it saved a new version, the choice is offered again against that version.
    """
    name = quoted(exc.name, 80)
    if exc.current is None:
        return (
            f"Not {verb}: {name} was deleted by another session after this page listed it; "
            "nothing was changed. Save again to keep the current settings under that name."
        )
    current = exc.current
    ask(action, _entry(current, current.name))
    return (
        f"Not {verb}: {name} was changed by {plain(current.saved_by)} at {current.saved_utc} "
        f"(version {current.version}) after this page listed it; nothing was changed. Both are "
        f"offered: {'replace' if action == 'overwrite' else 'delete'} their version, or keep "
        "it (it is listed below)."
    )


def _entry(saved: store.Saved, label: str) -> Entry:
    return Entry(
        label, saved.name, saved.text, saved.version, f"{saved.saved_by}, {saved.saved_utc}"
    )


def _stored() -> list[store.Saved]:
    """The store's saved scenarios, read on every run (a change by another session or by the
    command line shows at once); notices said once per session.
    """
    found, problems = store.list_saved()
    said = st.session_state.setdefault("io:said", set())
    for text in problems:
        if text not in said:
            state.notice(text)
            said.add(text)
    return found


def listing() -> list[Entry]:
    """Every saved scenario: the local store's, and those kept for this session only because
    the store could not take them; by name, each labelled apart (``store.labels``).
    """
    rows: list[tuple[str, store.Saved | None, str]] = [(s.name, s, s.text) for s in _stored()]
    rows += [(name, None, text) for name, text in st.session_state[state.SAVED].items()]
    rows.sort(key=lambda r: (r[0], r[1] is None))
    tags = store.labels([(name, "saved" if kept else None) for name, kept, _ in rows])
    return [
        _entry(kept, tag) if kept is not None else Entry(tag, name, text, None)
        for tag, (name, kept, text) in zip(tags, rows, strict=True)
    ]


def entries() -> dict[str, str]:
    """Saved scenarios, label -> TOML text (every one of :func:`listing`)."""
    return {e.label: e.text for e in listing()}


def replaced_by(name: str) -> Entry | None:
    """The saved scenario that saving under ``name`` would replace: the store's of that name,
    else the one kept for this session only; None when neither.
    """
    found = [e for e in listing() if e.name == name]
    return min(found, key=lambda e: e.version is None) if found else None


def delete(entry: Entry) -> tuple[bool, str]:
    """Forget a saved scenario, the version listed only; (deleted, what to say)."""
    if entry.version is None:
        st.session_state[state.SAVED].pop(entry.name, None)
        return True, f"Deleted the saved scenario {quoted(entry.label, 80)}."
    try:
        store.database().delete(entry.name, entry.version)
    except store.ConflictError as exc:
        return False, _conflict(exc, "deleted", "delete")
    except OSError as exc:
        return False, f"{quoted(entry.label, 80)} could not be deleted: {exc.strerror or exc}."
    return True, f"Deleted the saved scenario {quoted(entry.label, 80)}."


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
