"""Learn: short lessons on stocks, delays and feedback; predict first, then run and compare."""

from __future__ import annotations

import streamlit as st

from ffsim.app import charts, runner, state, widgets
from ffsim.calibration.baseline import active_artifact, is_shipped
from ffsim.resources import shown
from ffsim.teaching.diagram import LOOP_NAMES, loop_mermaid, stock_flow_mermaid
from ffsim.teaching.lesson import Lesson
from ffsim.teaching.lessons import LESSONS
from ffsim.teaching.plain_names import plain_diagram

st.title("Learn: how stocks, flows and feedback produced the reported numbers")
st.caption(
    "Eight short lessons. Each shows one idea on the diagram, asks what you expect, then runs "
    "the calibrated model so you can compare. The answers are computed by the model, not "
    "written in: at the best fit, with the 90% interval over the posterior draws where the "
    "reported figures leave room. A 90-minute class plan built on these lessons is in "
    "docs/teaching.md."
)


@st.cache_data(max_entries=16, show_spinner="Running the lesson's experiment...")
def _run(lesson_id: str, artifact: str):  # noqa: ANN202
    """The lesson's runs and answer, under the active ``artifact`` (its key: a new or changed
    artifact is a new entry, as for every run that reads its draws).
    """
    lesson = next(x for x in LESSONS if x.id == lesson_id)
    base, exp = lesson.run()
    return base, exp, lesson.answer(base, exp)


titles = [f"{i + 1}. {lesson.title}" for i, lesson in enumerate(LESSONS)]
choice = st.radio("Lesson", titles, key="learn:lesson", horizontal=True)
lesson: Lesson = LESSONS[titles.index(choice)]

st.header(lesson.title)
if not is_shipped():
    st.info(
        "The lessons' texts were written for the shipped calibration. The answers are computed "
        f"from `{shown(active_artifact())}`, the artifact this explorer was started with, and say "
        "where it differs."
    )
st.write(lesson.idea)
loops = [h for h in lesson.highlight if h in LOOP_NAMES]
if lesson.diagram == "loops":
    st.mermaid_chart(plain_diagram(loop_mermaid(lesson.highlight)))
    if loops:
        st.caption("Highlighted: " + "; ".join(f"{h}, {LOOP_NAMES[h]}" for h in loops))
else:
    st.mermaid_chart(plain_diagram(stock_flow_mermaid(lesson.highlight)))
    st.caption("Highlighted: the stock and flows this lesson is about.")

st.subheader("Predict")
st.write(lesson.question)
pick = st.radio(
    "Your prediction",
    lesson.options,
    index=None,
    key=f"learn:pick:{lesson.id}",
    label_visibility="collapsed",
)
st.write(f"Experiment: {lesson.experiment}")
if st.button("Run the experiment", key=f"learn:run:{lesson.id}", disabled=pick is None):
    state.reveal(lesson.id)
if pick is None and not state.revealed(lesson.id):
    st.info("Choose what you expect first; the run is shown after.")
if state.revealed(lesson.id):
    base, exp, answer = _run(lesson.id, runner.artifact_key())
    right = lesson.options[answer.option]
    if pick == right:
        st.success(f"Your prediction matches the model: {right.lower()}. {answer.why}")
    else:
        said = pick.lower() if pick else "no prediction"
        st.warning(f"You expected {said}; the model gives {right.lower()}. {answer.why}")
    results = {"As reported (baseline)": base}
    if lesson.changes:
        results["Experiment"] = exp
    cols = st.columns(len(lesson.charts))
    for col, variable in zip(cols, lesson.charts, strict=True):
        widgets.chart(
            col, charts.overlay_figure(results, variable), key=f"learn:chart:{lesson.id}:{variable}"
        )
