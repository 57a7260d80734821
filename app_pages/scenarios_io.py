"""Scenarios in and out: save, download, upload, share by URL, export results."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ffsim.app_pages import runner, state
from ffsim.scenarios.scenario import MAX_SCENARIO_BYTES
from ffsim.scenarios.scenario_io import scenario_to_toml

st.title("Scenarios in and out")
scenario = state.current()
st.write(
    f"Current scenario: **{scenario.name}** (base: {state.base_label()}), content hash "
    f"`{scenario.content_hash()[:16]}`."
)

st.subheader("Save and download")
name = st.text_input("Name for the current settings", key="io:name", max_chars=120)
if st.button("Save", key="io:save", disabled=not name.strip()):
    state.save_current(name.strip())
    st.success(f"Saved '{name.strip()}'; it is now offered on the Compare page.")
st.download_button(
    "Download the current scenario (TOML)",
    scenario_to_toml(scenario, name=name.strip() or None),
    file_name="scenario.toml",
    mime="application/toml",
    key="io:download",
)
for saved_name, text in state.saved().items():
    cols = st.columns([3, 1, 1])
    cols[0].write(saved_name)
    cols[1].download_button("TOML", text, file_name=f"{saved_name}.toml", key=f"io:dl:{saved_name}")
    if cols[2].button("Use", key=f"io:use:{saved_name}"):
        state.load_text(text, saved_name)
        st.rerun()

st.subheader("Upload a scenario")
uploaded = st.file_uploader("Scenario file (.toml)", type=["toml"], key="io:upload")
if uploaded is not None and state.last_upload().get("file_id") != uploaded.file_id:
    data = uploaded.getvalue()
    if len(data) > MAX_SCENARIO_BYTES:
        problems = [f"{uploaded.name}: {len(data)} bytes; at most {MAX_SCENARIO_BYTES} allowed"]
    else:
        try:
            problems = state.load_text(data.decode("utf-8"), uploaded.name)
        except UnicodeDecodeError:
            problems = [f"{uploaded.name}: not a UTF-8 text file"]
    state.remember_upload(uploaded.file_id, uploaded.name, problems)
    if not problems:
        st.rerun()
upload = state.last_upload()
if upload.get("problems"):
    st.error(
        "The file was not loaded; the previous scenario is kept.\n\n"
        + "\n".join(f"- {p}" for p in upload["problems"])
    )
elif upload:
    st.success(f"Loaded {upload['name']}; the Explore page starts from it.")

st.subheader("Share")
query = urlencode(state.to_query())
base_url = getattr(getattr(st, "context", None), "url", "") or ""
st.code(f"{base_url.split('?')[0]}?{query}", language=None)
st.caption(
    "The link carries the model version, a shipped base scenario and every lever and parameter "
    "changed. An uploaded or saved base cannot travel in a link: download its TOML instead."
)

st.subheader("Export results")
st.download_button(
    "Download the current run as CSV (date, region, variable, value)",
    runner.run(scenario).tidy().to_csv(index=False, float_format="%.6f"),
    file_name="ffsim_run.csv",
    mime="text/csv",
    key="io:csv",
)
