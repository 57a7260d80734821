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
        "accumulates the difference between inflow and outflows, so it keeps growing after "
        "the inflow has peaked, until the inflow falls to the outflows. When the flow peaked "
        "is itself disputed. In the model, arrivals peak in the second half of 2014 and fall "
        "through 2015. US officials of the time put the high later or held it longer: 'some "
        "1,000 new recruits' a month in September 2015 (The New York Times, 26 September "
        "2015); 'between 1,500 and 2,000' a month when Maj. Gen. Peter Gersten arrived in "
        "Baghdad in 2015, about 200 a year later (Pentagon briefing, 26 April 2016); 'a couple "
        "thousand a month' in 2015 (a US official, CNN, 9 December 2016). The model does not "
        "follow them: fitted to the totals of the time as well, it puts more people there by "
        "September 2014 and fewer a month in 2015 (the answer gives the numbers). The reports "
        "do not add up among themselves either. Whichever date is right, the lesson holds: a "
        "stock peaks when its inflow falls to its outflows, not when its inflow peaks.",
        ("in_theatre", "in_transit>in_theatre"),
        "stock_flow",
        "Run the calibrated baseline and compare arrivals per month with the stock in theatre.",
        "",
        "In the model, arrivals per month peak in the second half of 2014. When does the "
        "model's number in theatre peak?",
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
        "the stock divided by its outflow. In the model, arrivals fall to a tenth of their peak "
        "within about a year and a half; the number in theatre falls far more slowly. Its "
        "largest outflow is deaths, highest in 2016-2017, the years of the ground offensives "
        "that retook the cities (Mosul, Raqqa); returns, the next, fall once the closed border "
        "blocks the way out (France counted 12 returns in the first half of 2016, against 25 "
        "in the half-year before; Interior Ministry, September 2016). Deaths far exceed returns "
        "in the model's world, mostly because of the rest of the world (the Middle East, North "
        "Africa beyond Tunisia, Russia, Central Asia), most of its arrivals, with few returns "
        "and many deaths; without it, deaths still exceed returns by about half by the end of "
        "2016, Tunisia's and the other Western countries' most of all. "
        "No count of the time covers those countries. The national counts of Western "
        "Europe tell another story: about half of the British had returned and 9 to 12% were "
        "killed (Home Office and Ministry of Defence, 2015-2016), a third of the Germans had "
        "returned and 16% were dead (BfV, figures to January 2017), about 30% of the EU's had "
        "returned and "
        "14% were confirmed dead (ICCT, April 2016); France's last count of 2016 had about as "
        "many dead as returned. The model kills more Western Europeans than their governments "
        "counted (the answer sets each region beside its counts). The stock drains over years, "
        "not months.",
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
        "Appeal may rise with the group's success: territory held, its momentum, pay and the "
        "strength of its forces ('Success breed recruitment', an adviser in The Daily Beast, "
        "April 2015; its victories of 2014 were 'a powerful argument to win adherents', "
        "CounterPunch, March 2017). In the model, appeal has two parts: the war's rise, which "
        "began before the caliphate (ICSR counted up to 11,000 foreign fighters in Syria by "
        "December 2013), and the group's success, a reinforcing loop. The caliphate of June "
        "2014 as a dated jump of appeal was tested and rejected: it fits the figures no better "
        "(docs/calibration.md). At the best fit the success loop carries the surge of "
        "2014-2015; remove it, holding everything else, and the surge shrinks. But the figures "
        "cannot decide how strong the loop is: refitted with success adding nothing, the model "
        "fits them about as well, the war's rise carrying the surge instead (the answer shows "
        "both). Success breeding recruitment is a hypothesis the reported figures cannot "
        "decide, and the experiment shows what it means in the best-fit model, not that it "
        "happened.",
        ("R1",),
        "loops",
        "The group's success adds nothing to appeal (appeal_territory = 0).",
        "[parameters]\nappeal_territory = 0.0\n",
        "In the best-fit model, without success breeding recruitment, how many would set out "
        "from mid-2014 to the end of 2015?",
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
        "follow: a reinforcing loop. The calibrated best fit includes such an effect, but the "
        "reported figures cannot decide its strength: refitted with no network effect, or with "
        "a strong one, the model fits them about as well, and the two disagree on how much of "
        "the flow it carried (the answer shows both). No count of the time traces recruits "
        "through families and towns over time. Remove it to see how much of the flow it "
        "carries in the best-fit model. Counter-messaging, a policy lever, removes a share of "
        "it (the scenario 'Network disrupted early' on the Compare page), so its value rests "
        "on a hypothesis.",
        ("R2",),
        "loops",
        "Remove the network effect (network_strength = 0).",
        "[parameters]\nnetwork_strength = 0.0\n",
        "In the best-fit model, without the network effect, how many would have set out by the "
        "end of 2018?",
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
        "through the same stock. Both actions are recorded: Turkey had banned more than 26,600 "
        "people from entry and deported more than 2,500 by November 2015 (Daily Sabah, 22 "
        "November 2015); the group lost its last stretch of the border in August 2016 "
        "(Washington Post, September 2016), and French returns fell as the border closed. How "
        "strongly the closure stopped people is set by that evidence of the time, not by the "
        "counts: the counts alone fit a border that stopped no one about as well (the answer "
        "shows it).",
        ("in_transit>in_theatre", "in_transit>stopped", "in_theatre>returned"),
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
        "Losses may feed on themselves: lost territory and pay cut appeal, fewer recruits "
        "arrive, the force shrinks, and a smaller force is less appealing still (Washington "
        "Post, September 2016: 'a self-reinforcing spiral of decline', and the group's 'lost "
        "luster', as it summarised FBI Director Comey in May 2016; Haaretz, June 2016: pay cut "
        "from $1,000 to $400 a "
        "month). Officials of the time also named the closed border and prevention at home. "
        "In the best-fit model, hold territory and pay at their peaks and the spiral does not "
        "start. But appeal acts only on the would-be recruits still at home: in the model the "
        "surge of 2014-2015 had drained that pool to about a tenth of its size before the "
        "surge, and in 2016-2017 departures ran below the pace at which new people were drawn "
        "into it. The pool is the model's construct; no figure of the time counts it. Nor is "
        "every would-be recruit in it: thousands stopped at home or at the border were back "
        "home and could try again, and the figures cannot say whether they would (a blocked "
        "pool or a drained one; the answer gives the count). Holding "
        "territory raises departures at the best fit, but it cannot bring back the surge. And "
        "the figures cannot decide how strong the loop is: refitted with success adding "
        "nothing, the model fits them about as well and holding territory changes almost "
        "nothing (the answer shows both). The spiral is a hypothesis the figures cannot "
        "decide.",
        ("R1", "B1", "territory", "pay"),
        "loops",
        "Hold territory at its peak of January 2015 and pay at its peak of mid-2014, to the end "
        "of 2018 (a world assumption).",
        '[drivers]\nterritory = [{ date = "2012-01-01", value = 0.0 }, '
        '{ date = "2013-06-01", value = 0.15 }, { date = "2014-01-01", value = 0.35 }, '
        '{ date = "2014-06-15", value = 0.85 }, { date = "2015-01-01", value = 1.0 }]\n'
        'pay = [{ date = "2012-01-01", value = 300.0 }, '
        '{ date = "2014-06-26", value = 1000.0 }]\n',
        "In the best-fit model, if the group had held its territory and pay, how many would "
        "have set out in 2016 and 2017?",
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
        "the calibration made with the figures published by a date, and the priors of that "
        "time (the Forecasts page). On 30 April 2015 the only figures the model fits were the "
        "Daily Beast's: about 5,000 fighters from Europe by October 2014 and roughly 8,000 by "
        "April 2015, figures that may count a wider Europe. They say nothing directly of the "
        "other source regions. But two estimates of the time hold the model as prior "
        "constraints: ICSR's count of up to 11,000 foreign fighters in Syria by December 2013, "
        "and the CIA's 20,000 to 31,500 fighters of September 2014. With them and its other "
        "priors, that vintage's "
        "90% band for everyone who had arrived by mid-2018 holds the world totals reported in "
        "2017-2018, and its median lies within about a tenth of them. The later articles narrow "
        "the band, but move its median up, above both reports: the articles' figures pull the "
        "model's world total higher than the later counts. A narrower band is not a truer "
        "one. Every vintage runs the war as it happened (territory, pay, air campaign, border "
        "closure), so these are conditional forecasts.",
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
