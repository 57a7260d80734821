"""Scenarios in and out: save, download, upload, share by URL, export results."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ffsim.app_pages import runner, saved, state, store
from ffsim.app_pages.links import plain, quoted
from ffsim.core.results import csv_text
from ffsim.scenarios.scenario import scenario_text_from_bytes
from ffsim.scenarios.scenario_io import scenario_to_toml

MAX_PROBLEMS = 20  # problems of an upload listed; the rest are counted


def _finish_save(name: str) -> None:
    saved.clear_pending()
    ok, text = saved.save(name)
    saved.report("success" if ok else "error", text)


def _on_save() -> None:
    name = st.session_state.get("io:name", "").strip()
    if not name:
        return
    if name in saved.entries():
        saved.ask("overwrite", name)  # confirmed by "Replace it" below
    else:
        _finish_save(name)


def _finish_delete(name: str) -> None:
    saved.clear_pending()
    saved.delete(name)
    saved.report("success", f"Deleted the saved scenario {quoted(name, 80)}.")


def _use(name: str, text: str) -> None:
    problems = state.load_text(text, name)
    if problems:
        listed = "; ".join(plain(p) for p in problems[:3])
        saved.report("error", f"{quoted(name, 80)} cannot be used; the base is kept: {listed}")
    else:
        saved.report("success", f"{quoted(name, 80)} is now the base; Explore starts from it.")


def read_upload(name: str, data: bytes) -> list[str]:
    """Make an uploaded file the base; its problems (the state is kept when there are any).

    The library reads the bytes as it reads a file (size, UTF-8, NUL bytes, a byte-order mark
    dropped) and checks the text; whatever hostile text raises is a problem, never a traceback.
    """
    if not data.strip():
        return [f"{name}: the file is empty"]
    try:
        return state.load_text(scenario_text_from_bytes(data, name), name)
    except RecursionError:
        return [f"{name}: nested too deeply to read"]
    except (ValueError, TypeError, MemoryError) as exc:  # InputError is a ValueError
        return str(exc).splitlines() or [f"{name}: cannot be read"]


st.title("Scenarios in and out")
scenario = state.current()
st.write(
    f"Current scenario: **{plain(scenario.name)}** (base: {state.base_label()}), content hash "
    f"`{scenario.content_hash()[:16]}`."
)

st.subheader("Save and download")
st.caption(
    f"Saved scenarios are kept on this computer, in {plain(str(store.data_dir() / store.SAVED))} "
    f"(set {store.ENV_DATA_DIR} to keep them elsewhere), as scenario files that `ffsim run` "
    "reads. They survive a reload of the page and are offered on the Compare page."
)
name = st.text_input("Name for the current settings", key="io:name", max_chars=120)
st.button("Save", key="io:save", disabled=not name.strip(), on_click=_on_save)
entries = saved.entries()
pending = saved.pending()
if pending and pending[0] == "overwrite" and pending[1] != name.strip():
    saved.clear_pending()  # the name was changed meanwhile
    pending = None
if pending:
    action, target = pending
    with st.container(border=True):
        if action == "overwrite":
            st.warning(
                f"A saved scenario is already called {quoted(target, 80)}. Replace it with the "
                "current settings?"
            )
            yes, no = "Replace it", "Keep the saved one"
            confirm = _finish_save
        else:
            st.warning(f"Delete the saved scenario {quoted(target, 80)}?")
            yes, no = "Delete it", "Keep it"
            confirm = _finish_delete
        left, right, _ = st.columns([1, 1, 2])
        left.button(yes, key="io:confirm", on_click=confirm, args=(target,), type="primary")
        right.button(no, key="io:cancel", on_click=saved.clear_pending)
outcome = saved.pop_report()
if outcome:
    (st.success if outcome[0] == "success" else st.error)(outcome[1])
st.download_button(
    "Download the current scenario (TOML)",
    scenario_to_toml(scenario, name=name.strip() or None),
    file_name=f"{store.slug(name.strip() or scenario.name)}.toml",
    mime="application/toml",
    key="io:download",
)
for i, (saved_name, text) in enumerate(entries.items()):
    row = st.columns([4, 1, 1, 1])
    where = saved.file_of(saved_name)
    row[0].write(plain(saved_name) + ("" if where else " (this session only)"))
    row[1].download_button(
        "TOML",
        text,
        file_name=f"{store.slug(saved_name)}.toml",
        mime="application/toml",
        key=f"io:dl:{i}",
    )
    row[2].button("Use", key=f"io:use:{i}", on_click=_use, args=(saved_name, text))
    row[3].button("Delete", key=f"io:del:{i}", on_click=saved.ask, args=("delete", saved_name))

st.subheader("Upload a scenario")
uploaded = st.file_uploader(
    "Scenario file (.toml)", type=["toml"], key="io:upload", max_upload_size=1
)
if uploaded is not None and state.last_upload().get("file_id") != uploaded.file_id:
    problems = read_upload(uploaded.name, uploaded.getvalue())
    state.remember_upload(uploaded.file_id, uploaded.name, problems)
    if not problems:
        st.rerun()
upload = state.last_upload()
if upload.get("problems"):
    found = upload["problems"]
    more = len(found) - MAX_PROBLEMS
    st.error(
        "The file was not loaded; the previous scenario is kept.\n\n"
        + "\n".join(f"- {plain(p)}" for p in found[:MAX_PROBLEMS])
        + (f"\n- and {more} more" if more > 0 else "")
    )
elif upload:
    st.success(
        f"Loaded {plain(upload['name'])}; the Explore page starts from it. A copy is kept in "
        f"{plain(str(store.data_dir() / store.BASES))}, so the share link and a reload find it."
    )

st.subheader("Share")
query = urlencode(state.to_query())
base_url = getattr(getattr(st, "context", None), "url", "") or ""
st.code(f"{base_url.split('?')[0]}?{query}", language=None)
st.caption(
    "The link carries the model version, the base scenario and every lever and parameter "
    "changed. A shipped base travels by name; an uploaded or saved base by the id of its copy "
    "kept on this computer, so the link works here (and after a reload) but not elsewhere: to "
    "share such a scenario, download its TOML."
)

st.subheader("Export results")
st.caption(f"The run covers {scenario.settings.start} to {scenario.settings.end} (its [settings]).")
st.download_button(
    "Download the current run as CSV (date, region, variable, value)",
    csv_text(runner.run(scenario).tidy_columns()),
    file_name="ffsim_run.csv",
    mime="text/csv",
    key="io:csv",
)
