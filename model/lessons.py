"""Lessons on the dynamics: one idea each, an experiment on the live model, a question.

Every answer is computed from the model at run time, never written in. Each lesson's text is
written for one answer (``expected``), and a test asserts that the model gives it, so the
teaching cannot drift from what the model does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.baseline import read_artifact
from model.results import Result
from model.scenario import Scenario, baseline_scenario, parse_scenario
from model.simulate import simulate

THREE_WAY = ("Lower", "About the same (within 5%)", "Higher")


@dataclass(frozen=True)
class Answer:
    """The option the model gives, and why, with the numbers."""

    option: int
    why: str


@dataclass(frozen=True)
class Lesson:
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


def _window(result: Result, first: str, last: str) -> slice:
    dates = [d.strftime("%Y-%m") for d in result.dates]
    return slice(dates.index(first), dates.index(last) + 1)


def _three_way(before: float, after: float, what: str) -> Answer:
    change = (after - before) / before if before else np.inf
    option = 1 if abs(change) <= 0.05 else (2 if change > 0 else 0)
    return Answer(
        option,
        f"{what}: {before:,.0f} as reported, {after:,.0f} in the experiment ({change:+.0%}).",
    )


def _peaks(base: Result, _: Result) -> Answer:
    arrivals, theatre = base.flow("arrivals"), base.stock("in_theatre")
    a, t = int(arrivals.argmax()), int(theatre.argmax())
    lag = t - a
    option = 0 if lag < -3 else (1 if lag <= 3 else 2)
    return Answer(
        option,
        (
            f"Arrivals peaked in {base.dates[a]:%Y-%m} ({arrivals[a]:,.0f} a month); the number in "
            f"theatre peaked in {base.dates[t]:%Y-%m} ({theatre[t]:,.0f}), {lag} months later. "
            "A stock keeps rising while its inflow exceeds its outflows, even when the inflow is "
            "already falling."
        ),
    )


def _drain(base: Result, _: Result) -> Answer:
    theatre = base.stock("in_theatre")
    peak, end = theatre.max(), theatre[-1]
    share = end / peak
    option = 0 if share < 0.5 else (1 if share < 0.9 else 2)
    exits = sum(base.flow(f)[-12:].sum() for f in ("deaths", "returns", "onward_moves")) / 12
    residence = theatre[-12:].mean() / exits / 12 if exits > 0 else np.inf
    peak_month = base.dates[int(theatre.argmax())]
    return Answer(
        option,
        f"The number in theatre peaked at {peak:,.0f} ({peak_month:%Y-%m}) and was {end:,.0f} "
        f"at the end of 2018, {share:.0%} of the peak. In 2018 about {exits:,.0f} a month left "
        f"it by death, return or onward movement: at that rate a fighter stays about "
        f"{residence:,.0f} years on average. A stock drains only as fast as its outflows allow.",
    )


def _departures_between(first: str, last: str, what: str) -> Callable[[Result, Result], Answer]:
    def answer(base: Result, exp: Result) -> Answer:
        w = _window(base, first, last)
        return _three_way(base.flow("departures")[w].sum(), exp.flow("departures")[w].sum(), what)

    return answer


def _final(stock: str, what: str) -> Callable[[Result, Result], Answer]:
    def answer(base: Result, exp: Result) -> Answer:
        return _three_way(base.stock(stock)[-1], exp.stock(stock)[-1], what)

    return answer


def _border_both_ways(base: Result, exp: Result) -> Answer:
    returns = _three_way(
        base.stock("returned")[-1], exp.stock("returned")[-1], "Returned by the end of 2018"
    )
    arrivals = _three_way(
        base.stock("cumulative_arrivals")[-1],
        exp.stock("cumulative_arrivals")[-1],
        "Arrived by the end of 2018",
    )
    return Answer(
        returns.option,
        f"{returns.why} {arrivals.why} Fewer arrive, so fewer are "
        "there to come back, and the closed border also blocks exits.",
    )


def _disagreement(_: Result, __: Result) -> Answer:
    rows = {o["id"]: o for o in read_artifact()["observations"]}
    year, soufan = rows["total_departures_past_year_2015_09"], rows["total_cumulative_2015_12"]
    both = year["within"] and soufan["within"]
    return Answer(
        0 if both else 1,
        (
            "At the best fit, arrivals in the year to September 2015 are "
            f"{year['model_value']:,.0f} "
            f"(reported: as many as 30,000; z {year['z']:+.2f}) and everyone arrived by December "
            f"2015 is {soufan['model_value']:,.0f} (reported: up to 31,000; z {soufan['z']:+.2f}). "
            "Read as written, 30,000 in one year and 'double the year before' imply far more than "
            "31,000 in all; the two counts measure different things, from different sources."
        ),
    )


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "stocks",
        "Stocks accumulate flows",
        "The number of foreign fighters in theatre is a stock: it rises by arrivals and falls "
        "by deaths, returns and onward moves. A stock does not follow its inflow; it "
        "accumulates the difference between inflow and outflows. That is why the number in "
        "theatre kept growing after the monthly flow of arrivals had peaked.",
        ("in_theatre", "in_transit>in_theatre"),
        "stock_flow",
        "Run the calibrated baseline and compare arrivals per month with the stock in theatre.",
        "",
        "Arrivals per month peaked around the turn of 2014-2015. When does the number in "
        "theatre peak?",
        (
            "Before arrivals peak",
            "Within three months of the arrivals peak",
            "More than three months after the arrivals peak",
        ),
        2,
        ("arrivals", "in_theatre"),
        _peaks,
    ),
    Lesson(
        "delays",
        "A stock drains slowly",
        "When arrivals stop, a stock does not empty at once: it drains through its outflows, "
        "here deaths, returns and onward moves. The average time a person stays is the stock "
        "divided by its outflow. With the exit rates the calibration found, that time is long, "
        "so the number in theatre stays near its peak long after the flow of arrivals has "
        "collapsed. This is also where the model misses the reported fall of about 10,000 by "
        "mid-2016 (docs/calibration.md).",
        ("in_theatre", "in_theatre>killed", "in_theatre>returned", "in_theatre>moved_on"),
        "stock_flow",
        "Run the calibrated baseline and follow the stock in theatre after arrivals collapse.",
        "",
        "Arrivals fell to a trickle in 2016. By the end of 2018, the number in theatre is ...",
        ("below half of its peak", "between half and 90% of its peak", "above 90% of its peak"),
        2,
        ("arrivals", "in_theatre"),
        _drain,
    ),
    Lesson(
        "success",
        "Success breeds recruitment",
        "Appeal rises with the group's success: territory held, its momentum, pay and the "
        "strength of its forces (Daily Beast, 2015: 'success breed recruitment'). Remove that "
        "effect and only the base appeal of the war remains: the surge of 2014-2015 shrinks.",
        ("R1",),
        "loops",
        "The group's success adds nothing to appeal (appeal_territory = 0).",
        "[parameters]\nappeal_territory = 0.0\n",
        "Without success breeding recruitment, how many would set out from mid-2014 to the end "
        "of 2015?",
        THREE_WAY,
        0,
        ("departures", "cumulative_departures"),
        _departures_between("2014-07", "2015-12", "Departures July 2014 to December 2015"),
    ),
    Lesson(
        "network",
        "The network effect",
        "Friends and family already in theatre pull others from the same place (NYMag/NYT, "
        "2015). The more of a region's circle has gone, the more of the rest follow: a "
        "reinforcing loop. The calibrated best fit has no network effect at all; the reported "
        "figures do not pin it down, and its posterior spans most of its range. So this lesson "
        "turns it on within that range.",
        ("R2",),
        "loops",
        "Turn on a strong network effect (network_strength = 2, inside the calibrated range).",
        "[parameters]\nnetwork_strength = 2.0\n",
        "With a strong network effect, how many would have set out by the end of 2018?",
        THREE_WAY,
        2,
        ("departures", "cumulative_departures"),
        _final("cumulative_departures", "Set out by the end of 2018"),
    ),
    Lesson(
        "border",
        "Border closure cuts both ways",
        "Closing the Turkish border stops people on their way in, and it also blocks the way "
        "out: returns and onward moves fall too. A policy aimed at one flow changes others "
        "through the same stock.",
        ("in_transit>in_theatre", "in_transit>intercepted", "in_theatre>returned"),
        "stock_flow",
        "Move every step of the border closure a year earlier.",
        "[levers]\nborder_closure_shift = -12\n",
        "With the border closed a year earlier, how many would have returned home by the end of "
        "2018?",
        THREE_WAY,
        0,
        ("arrivals", "returned"),
        _border_both_ways,
    ),
    Lesson(
        "spiral",
        "The spiral of decline",
        "Losses feed on themselves: lost territory and pay cut appeal, fewer recruits arrive, "
        "the force shrinks, and a smaller force is less appealing still (Washington Post, "
        "2016: 'a self-reinforcing spiral of decline'). Hold territory and pay at their peak and "
        "the spiral never starts.",
        ("R1", "territory", "pay"),
        "loops",
        "Hold territory and pay at their 2014 peaks to the end of 2018 (a world assumption).",
        '[drivers]\nterritory = [{ date = "2012-01-01", value = 0.0 }, '
        '{ date = "2014-06-15", value = 0.85 }, { date = "2014-12-01", value = 1.0 }]\n'
        'pay = [{ date = "2012-01-01", value = 300.0 }, '
        '{ date = "2014-06-26", value = 1000.0 }]\n',
        "If the group had held its territory and pay, how many would have set out in 2016 and "
        "2017?",
        THREE_WAY,
        2,
        ("departures", "in_theatre"),
        _departures_between("2016-01", "2017-12", "Departures in 2016-2017"),
    ),
    Lesson(
        "numbers",
        "Why the reported numbers disagree",
        "Reports count different things: everyone who ever travelled or only this year's "
        "recruits, ISIS alone or every group, people in theatre or people 'involved'. Sources "
        "differ (a consultancy, intelligence services, governments) and figures are revised. "
        "The calibration keeps every figure and shows where they cannot all hold at once "
        "(docs/calibration.md).",
        ("arrivals", "in_theatre"),
        "loops",
        "Look at two figures of 2015 against the calibrated model.",
        "",
        "'As many as 30,000 in the past year' (September 2015) and 'up to 31,000 had travelled' "
        "(December 2015): can one run of the model meet both within their uncertainty?",
        ("Yes, both", "No: it meets one and misses the other", "It misses both"),
        1,
        ("arrivals", "cumulative_departures"),
        _disagreement,
    ),
)

LESSONS_BY_ID = {lesson.id: lesson for lesson in LESSONS}
