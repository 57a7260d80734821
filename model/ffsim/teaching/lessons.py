"""Lessons on the dynamics: one idea each, an experiment on the live model, a question.

Every answer is computed from the model (or the calibration artifact) at run time, never
written in. Each lesson's text is written for one answer (``expected``), and a test asserts
that the model gives it, so the teaching cannot drift from what the model does. Answers are
read at the best fit; each also gives its 90% interval over the posterior draws (paired draw
by draw, as in ``ffsim compare``), because several effects are not pinned down by the figures.

This module holds the lessons' texts and experiments; the answers are computed by
:mod:`ffsim.teaching.dynamics` (lessons 1 to 6) and :mod:`ffsim.teaching.evidence` (lessons 7
and 8), and :class:`~ffsim.teaching.lesson.Lesson` is the type.
"""

from __future__ import annotations

from ffsim.teaching.dynamics import (
    border_note,
    departures_metric,
    drain_answer,
    experiment_answer,
    final_metric,
    network_note,
    peaks_answer,
    spiral_note,
    success_note,
)
from ffsim.teaching.evidence import WORLD_BINS, readings_answer, vintages_answer
from ffsim.teaching.lesson import Lesson

THREE_WAY = ("Lower", "About the same (within 5%)", "Higher")
"""The options of an experiment's question (:func:`~ffsim.teaching.dynamics.three_way`)."""


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
        "Arrivals per month peaked in the second half of 2014. When does the number in "
        "theatre peak?",
        (
            "Before arrivals peak",
            "Within three months of the arrivals peak",
            "More than three months after the arrivals peak",
        ),
        2,
        ("arrivals", "in_theatre"),
        peaks_answer,
    ),
    Lesson(
        "delays",
        "A stock drains slowly",
        "When arrivals fall, a stock does not empty at once: it drains only through its "
        "outflows, here deaths, returns and onward moves. The average time a person stays is "
        "the stock divided by its outflow. Arrivals fell to a tenth of their peak within about "
        "a year and a half; the number in theatre fell far more slowly. Its largest outflow is "
        "deaths, which rose with the air campaign and with the ground offensives that retook "
        "the cities in 2016-2017 (Mosul, Raqqa); returns, the next, fell once the closed border "
        "blocked the way out. The stock drains over years, not months.",
        ("in_theatre", "in_theatre>killed", "in_theatre>returned", "in_theatre>moved_on"),
        "stock_flow",
        "Run the calibrated baseline and follow the stock in theatre after arrivals collapse.",
        "",
        "Arrivals fell to a trickle in 2016. By the end of 2018, the number in theatre is ...",
        ("below half of its peak", "between half and 90% of its peak", "above 90% of its peak"),
        0,
        ("arrivals", "in_theatre"),
        drain_answer,
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
        experiment_answer(
            "success",
            departures_metric("2014-07", "2015-12"),
            "Departures July 2014 to December 2015",
            success_note,
        ),
    ),
    Lesson(
        "network",
        "The network effect",
        "Friends and family already in theatre pull others from the same place: a 'network "
        "effect' where 'friends, family are bringing along other friends and family' (Byman, "
        "in NYMag/NYT, 2015). The more of a region's circle has gone, the more of the rest "
        "follow: a reinforcing loop. The calibrated best fit includes such an effect, though "
        "the reported figures pin its strength down only loosely. Remove it to see how much of "
        "the flow it carried. Counter-messaging, a policy lever, removes a share of it (the "
        "scenario 'Network disrupted early' on the Compare page).",
        ("R2",),
        "loops",
        "Remove the network effect (network_strength = 0).",
        "[parameters]\nnetwork_strength = 0.0\n",
        "Without the network effect, how many would have set out by the end of 2018?",
        THREE_WAY,
        0,
        ("departures", "cumulative_departures"),
        experiment_answer(
            "network",
            final_metric("cumulative_departures"),
            "Set out by the end of 2018",
            network_note,
        ),
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
        experiment_answer(
            "border", final_metric("returned"), "Returned by the end of 2018", border_note
        ),
    ),
    Lesson(
        "spiral",
        "The spiral of decline",
        "Losses feed on themselves: lost territory and pay cut appeal, fewer recruits arrive, "
        "the force shrinks, and a smaller force is less appealing still (Washington Post, "
        "2016: 'a self-reinforcing spiral of decline'). Hold territory and pay at their peaks "
        "and the spiral does not start. But appeal acts only on the would-be recruits still at "
        "home, and the surge of 2014-2015 had drained that pool to about a tenth of its size "
        "before the surge; by 2016-2017 departures ran at about half the pace at which new "
        "people were drawn into it, and the pool refilled slowly. Holding territory raises "
        "departures, but it cannot bring back the surge.",
        ("R1", "B1", "territory", "pay"),
        "loops",
        "Hold territory at its peak of January 2015 and pay at its peak of mid-2014, to the end "
        "of 2018 (a world assumption).",
        '[drivers]\nterritory = [{ date = "2012-01-01", value = 0.0 }, '
        '{ date = "2013-06-01", value = 0.15 }, { date = "2014-01-01", value = 0.35 }, '
        '{ date = "2014-06-15", value = 0.85 }, { date = "2015-01-01", value = 1.0 }]\n'
        'pay = [{ date = "2012-01-01", value = 300.0 }, '
        '{ date = "2014-06-26", value = 1000.0 }]\n',
        "If the group had held its territory and pay, how many would have set out in 2016 and "
        "2017?",
        THREE_WAY,
        2,
        ("departures", "in_theatre"),
        experiment_answer(
            "spiral",
            departures_metric("2016-01", "2017-12"),
            "Departures in 2016-2017",
            spiral_note,
        ),
    ),
    Lesson(
        "numbers",
        "Why the reported numbers disagree",
        "Reports count different things: everyone who ever travelled or one year's recruits, "
        "ISIS alone or every group, people in theatre or people 'involved'. Sources differ and "
        "figures are revised, and a figure can change as it is retold. New York Magazine (27 "
        "September 2015) wrote that 'as many as 30,000' foreigners had joined 'in the past "
        "year', double the year before. Read that way, at least 45,000 had gone by then, which "
        "cannot hold with the Soufan Group's 'up to 31,000' by December 2015, nor with the "
        "'some 1,000 new recruits' a month of the same article. The magazine's source, The New "
        "York Times of 26 September 2015, wrote something else: nearly 30,000 had travelled "
        "since 2011, against about 15,000 a year earlier. The doubling is of the count since "
        "2011, and 'in the past year' is the magazine's wording. Behind a paraphrase, go to "
        "the primary source. The calibration keeps both readings and lets the other figures "
        "weigh them (docs/calibration.md).",
        ("in_transit>in_theatre", "in_theatre"),
        "stock_flow",
        "Weigh the two readings of the statement against the other figures, in the calibrated "
        "model.",
        "",
        "Which reading do the other reported figures favour, in the calibration?",
        (
            "The paraphrase: 30,000 in the past year, double the year before",
            "The primary source: nearly 30,000 since 2011, about 15,000 a year earlier",
        ),
        1,
        ("arrivals", "cumulative_arrivals"),
        readings_answer,
    ),
    Lesson(
        "vintages",
        "What could have been known, when?",
        "A forecast can be judged only against what was known when it was made. A vintage is "
        "the calibration made with the figures published by a date (the Forecasts page). On 30 "
        "April 2015 the only figures the model fits were the Daily Beast's: about 5,000 "
        "fighters from Europe by October 2014 and roughly 8,000 by April 2015, figures that may "
        "count a wider Europe. They say nothing directly of the other source regions, which the "
        "priors (the evidence of the time) then set on their own. That vintage's 90% band for "
        "everyone who had arrived by mid-2018 holds the world totals reported in 2017-2018, but "
        "it spans a factor of more than ten, and its median lies below half of them. Each later "
        "article narrows the band: with every article's figures, the median lies within a tenth "
        "of ICSR's count and above the Soufan Center's 'more than 40,000'. Every vintage runs "
        "the war as it happened (territory, pay, air "
        "campaign, border closure), so these are conditional forecasts.",
        ("in_transit>in_theatre", "in_theatre"),
        "stock_flow",
        "On the Forecasts page, choose the vintage of 2015-04-30, then the last one, and set "
        "each band for everyone who arrived against the reports of 2017-2018 (the coloured "
        "marks); the answer below gives both vintages' numbers.",
        "",
        "On 30 April 2015 the model had only the Daily Beast's figures for Europe. How many "
        "foreigners in all, from every region, would the reports of 2017-2018 count as having "
        "gone to Syria and Iraq?",
        (
            f"Fewer than {WORLD_BINS[0]:,}",
            f"{WORLD_BINS[0]:,} to {WORLD_BINS[1]:,}",
            f"More than {WORLD_BINS[1]:,}",
        ),
        2,
        ("cumulative_arrivals",),
        vintages_answer,
    ),
)

LESSONS_BY_ID = {lesson.id: lesson for lesson in LESSONS}
