"""A lesson: one idea, an experiment on the live model, a question and the answer the model gives.

The texts and experiments are in :mod:`ffsim.teaching.lessons`; the answers are computed at run
time by :mod:`ffsim.teaching.dynamics` and :mod:`ffsim.teaching.evidence`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ffsim.core.results import Result
from ffsim.core.simulate import simulate
from ffsim.scenarios.scenario import Scenario, baseline_scenario, parse_scenario


@dataclass(frozen=True)
class Answer:
    """The option the model gives, and why, with the numbers."""

    option: int
    why: str


@dataclass(frozen=True)
class Lesson:
    """One lesson: its texts, what it highlights, its experiment and how it is answered."""

    id: str
    title: str
    idea: str
    highlight: tuple[str, ...]  # stock-flow nodes or flows (source>target), or loop ids
    diagram: str  # "stock_flow" or "loops"
    experiment: str  # what the one click does
    changes: str  # scenario TOML (without name); empty for the baseline itself
    question: str
    options: tuple[str, ...]
    expected: int  # the option the idea text is written for (tested against the model)
    charts: tuple[str, ...]  # variables drawn, baseline against the experiment
    answer: Callable[[Result, Result], Answer]

    def scenario(self) -> Scenario:
        """The experiment as a validated scenario on the calibrated baseline."""
        if not self.changes:
            return baseline_scenario()
        return parse_scenario(f'name = "{self.title}"\n{self.changes}', f"lesson {self.id}")

    def run(self) -> tuple[Result, Result]:
        """(baseline, experiment) runs at the best-fit parameters."""
        base, exp = baseline_scenario(), self.scenario()
        return simulate(base.parameters, base.drivers), simulate(exp.parameters, exp.drivers)
