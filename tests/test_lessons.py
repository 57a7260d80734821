"""Lessons: every claim a lesson makes is checked against the model; the Learn page walks."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from model.diagram import LOOPS, STOCK_FLOW_LINKS, STOCK_FLOW_NODES
from model.lessons import LESSONS
from model.scenario import baseline_scenario

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_there_are_five_to_eight_lessons_each_with_a_question_and_an_experiment():
    assert 5 <= len(LESSONS) <= 8
    assert len({lesson.id for lesson in LESSONS}) == len(LESSONS)
    for lesson in LESSONS:
        assert lesson.idea and lesson.question and lesson.experiment, lesson.id
        assert len(lesson.options) >= 2 and 0 <= lesson.expected < len(lesson.options)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.id)
def test_the_model_gives_the_answer_the_lesson_text_is_written_for(lesson):
    base, experiment = lesson.run()
    answer = lesson.answer(base, experiment)
    assert answer.option == lesson.expected, answer.why
    assert any(ch.isdigit() for ch in answer.why)  # the explanation quotes the numbers


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.id)
def test_every_lesson_highlights_real_diagram_elements(lesson):
    nodes = {n.id for n in STOCK_FLOW_NODES}
    flows = {f"{link.source}>{link.target}" for link in STOCK_FLOW_LINKS}
    loop_nodes = {n for path in LOOPS.values() for n in path}
    known = nodes | flows | set(LOOPS) | loop_nodes | {"territory", "pay"}
    assert set(lesson.highlight) <= known, lesson.id
    assert lesson.scenario() is not None  # the experiment is a valid scenario


def test_border_closure_cuts_both_ways():
    # The lesson's sentence, checked whole: earlier closure means fewer arrivals AND returns.
    lesson = next(x for x in LESSONS if x.id == "border")
    base, exp = lesson.run()
    assert exp.stock("cumulative_arrivals")[-1] < base.stock("cumulative_arrivals")[-1]
    assert exp.stock("returned")[-1] < base.stock("returned")[-1]


def test_baseline_lessons_run_the_calibrated_baseline():
    for lesson in (x for x in LESSONS if not x.changes):
        assert lesson.scenario().content_hash() == baseline_scenario().content_hash()


def test_the_learn_page_walks_through_every_lesson():
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("app_pages/learn.py").run()
    assert not at.exception
    for i, lesson in enumerate(LESSONS):
        at.radio(key="learn:lesson").set_value(at.radio(key="learn:lesson").options[i]).run()
        run = at.button(key=f"learn:run:{lesson.id}")
        assert run.disabled  # predict first
        at.radio(key=f"learn:pick:{lesson.id}").set_value(lesson.options[0]).run()
        at.button(key=f"learn:run:{lesson.id}").click().run()
        assert not at.exception, [e.message for e in at.exception]
        feedback = [*at.success, *at.warning]
        assert feedback, lesson.id
        right = lesson.options[lesson.expected].lower()
        assert right in feedback[0].value
        assert (lesson.expected == 0) == bool(at.success)  # picked option 0: right iff expected
        assert len(at.get("plotly_chart")) == len(lesson.charts)
