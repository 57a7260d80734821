"""Scenarios in and out: save, download, upload, share by URL, export results."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

from ffsim.app import runner, saved, state, store
from ffsim.app.links import plain, quoted
from ffsim.core.results import csv_text
from ffsim.scenarios.scenario import scenario_text_from_bytes
from ffsim.scenarios.scenario_io import scenario_to_toml

MAX_PROBLEMS = 20  # problems of an upload listed; the rest are counted


def _finish_save(name: str, seen: int | None) -> None:
    saved.clear_pending()
    ok, text = saved.save(name, seen)
    saved.report("success" if ok else "error", text)


def _on_save() -> None:
    name = st.session_state.get("io:name", "").strip()
    if not name:
        return
    replaced = saved.replaced_by(name)
    if replaced is not None:
        saved.ask("overwrite", replaced)  # confirmed by "Replace it" below
    else:
        _finish_save(name, None)


def _finish_delete(entry: saved.Entry) -> None:
    saved.clear_pending()
    ok, text = saved.delete(entry)
    saved.report("success" if ok else "error", text)


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
store_problem = store.data_dir_problem()
if store_problem:
    st.caption(
        f"{store_problem} They are offered on the Compare page until the page is reloaded; to "
        "keep one, download its TOML."
    )
else:
    st.caption(
        "Saved scenarios are kept on this computer, in the database "
        f"{plain(str(store.database().path))} (set {store.ENV_DATA_DIR} to keep them "
        "elsewhere), which `ffsim run saved:NAME` and `ffsim scenarios list` read. They survive a "
        "reload of the page and are offered on the Compare page."
    )
name = st.text_input("Name for the current settings", key="io:name", max_chars=120)
st.button("Save", key="io:save", disabled=not name.strip(), on_click=_on_save)
entries = saved.listing()
pending = saved.pending()
if pending and pending[0] == "overwrite" and pending[1].name != name.strip():
    saved.clear_pending()  # the name was changed meanwhile
    pending = None
if pending:
    action, target = pending
    with st.container(border=True):
        if action == "overwrite":
            kept = (
                f"version {target.version}, saved by {plain(target.saved_by)}"
                if target.version is not None
                else "for this session only"
            )
            st.warning(
                f"A saved scenario is already called {quoted(target.name, 80)} ({kept}). "
                "Replace it with the current settings?"
            )
            yes, no = "Replace it", "Keep the saved one"
            confirm: Callable[..., None] = _finish_save
            args: tuple[object, ...] = (target.name, target.version)
        else:
            st.warning(f"Delete the saved scenario {quoted(target.label, 80)}?")
            yes, no = "Delete it", "Keep it"
            confirm, args = _finish_delete, (target,)
        left, right, _ = st.columns([1, 1, 2])
        left.button(yes, key="io:confirm", on_click=confirm, args=args, type="primary")
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
for i, entry in enumerate(entries):
    row = st.columns([4, 1, 1, 1])
    alone = entry.version is None and entry.label == entry.name  # else the label says where
    row[0].write(plain(entry.label) + (" (this session only)" if alone else ""))
    row[1].download_button(
        "TOML",
        entry.text,
        file_name=f"{store.slug(entry.name)}.toml",
        mime="application/toml",
        key=f"io:dl:{i}",
    )
    row[2].button("Use", key=f"io:use:{i}", on_click=_use, args=(entry.label, entry.text))
    row[3].button("Delete", key=f"io:del:{i}", on_click=saved.ask, args=("delete", entry))

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
elif upload and state.base_kept():
    st.success(
        f"Loaded {plain(upload['name'])}; the Explore page starts from it. A copy is kept in "
        f"{plain(str(store.database().path))}, so the share link and a reload find it."
    )
elif upload:
    st.success(
        f"Loaded {plain(upload['name'])}; the Explore page starts from it, for this session "
        f"only: no copy could be kept in {store.where(store.DB_NAME)}, so the share link and a "
        "reload will not find it (download its TOML to keep it)."
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
