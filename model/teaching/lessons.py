"""Lessons on the dynamics: one idea each, an experiment on the live model, a question.

Every answer is computed from the model (or the calibration artifact) at run time, never
written in. Each lesson's text is written for one answer (``expected``), and a test asserts
that the model gives it, so the teaching cannot drift from what the model does. Answers are
read at the best fit; each also gives its 90% interval over the posterior draws (paired draw
by draw, as in ``ffsim compare``), because several effects are not pinned down by the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ffsim.calibration.baseline import read_artifact
from ffsim.calibration.forecast import Vintage, posterior_result, vintages
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import load_observations, load_validation
from ffsim.core.regions import REGIONS
from ffsim.core.results import Result
from ffsim.core.simulate import simulate, simulate_ensemble
from ffsim.scenarios.compare import posterior_members
from ffsim.scenarios.scenario import Scenario, baseline_scenario, parse_scenario

THREE_WAY = ("Lower", "About the same (within 5%)", "Higher")
DRAWS = 200
"""Posterior draws behind each interval (the default of ``ffsim compare``)."""
STATEMENT = "nyt_2015_09"
"""The statement whose readings lesson 7 weighs (``reading_of`` in data/observations.csv)."""
READINGS = {"as_paraphrased": "the paraphrase", "primary_source": "the primary source"}
"""Its readings, in the order of lesson 7's options, and how the answer names them."""
EARLY_VINTAGE = dt.date(2015, 4, 30)
"""The vintage lesson 8 starts from: only the Daily Beast's figures for Europe are fitted."""
WORLD_REPORTS = ("world_joined_soufan_2017_10", "world_affiliated_icsr_2018_07")
"""The world totals of 2017-2018 (data/validation.csv, never fitted) that lesson 8 sets the
vintages against: the Soufan Center's 'at least 40,000' and ICSR's 41,490."""
WORLD_BINS = (20_000, 35_000)
"""Where lesson 8's options part: fewer than the first, up to the second, more."""


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


Metric = Callable[[Result], np.ndarray]
"""A number from a run (a scalar) or from an ensemble (one per draw)."""


def _window(result: Result, first: str, last: str) -> slice:
    dates = [d.strftime("%Y-%m") for d in result.dates]
    return slice(dates.index(first), dates.index(last) + 1)


def _ensemble(lesson_id: str | None = None) -> Result:
    """The lesson's experiment (the baseline without an id) over the posterior draws."""
    scenario = LESSONS_BY_ID[lesson_id].scenario() if lesson_id else baseline_scenario()
    return simulate_ensemble(posterior_members(scenario.parameters, DRAWS), scenario.drivers)


def _interval(values: np.ndarray, fmt: str) -> str:
    """The 5% and 95% quantiles over the posterior draws."""
    low, high = np.quantile(values, [0.05, 0.95])
    return f"{low:{fmt}} to {high:{fmt}}"


def _parameter(name: str) -> str:
    """A parameter's best fit and posterior interval, from the shipped artifact."""
    p = read_artifact()["parameters"][name]
    where = (p["estimate"] - p["p05"]) / (p["p95"] - p["p05"])
    edge = "; the best fit lies near its low end" if where < 0.15 else ""
    edge = "; the best fit lies near its high end" if where > 0.85 else edge
    return (
        f"{name} is {p['estimate']:.2g} at the best fit, against {p['p05']:.2g} to "
        f"{p['p95']:.2g} over the posterior (90% interval{edge})"
    )


def _departures(first: str, last: str) -> Metric:
    def metric(result: Result) -> np.ndarray:
        return result.flow("departures")[..., _window(result, first, last)].sum(axis=-1)

    return metric


def _final(stock: str) -> Metric:
    def metric(result: Result) -> np.ndarray:
        return result.stock(stock)[..., -1]

    return metric


def _three_way(before: float, after: float, what: str) -> Answer:
    change = (after - before) / before if before else np.inf
    option = 1 if abs(change) <= 0.05 else (2 if change > 0 else 0)
    return Answer(
        option,
        f"{what}: {before:,.0f} as reported, {after:,.0f} in the experiment ({change:+.0%}).",
    )


def _experiment(
    lesson_id: str,
    metric: Metric,
    what: str,
    more: Callable[[Result, Result], str] | None = None,
) -> Callable[[Result, Result], Answer]:
    """Answer "lower, about the same or higher" at the best fit, with the posterior change."""

    def answer(base: Result, exp: Result) -> Answer:
        best = _three_way(float(metric(base)), float(metric(exp)), what)
        change = metric(_ensemble(lesson_id)) / metric(_ensemble()) - 1.0
        why = (
            f"{best.why[:-1]} at the best fit, {_interval(change, '+.0%')} over {DRAWS} "
            "posterior draws (90% interval)."
        )
        return Answer(best.option, f"{why} {more(base, exp)}" if more else why)

    return answer


def _peaks(base: Result, _: Result) -> Answer:
    arrivals, theatre = base.flow("arrivals"), base.stock("in_theatre")
    a, t = int(arrivals.argmax()), int(theatre.argmax())
    lag = t - a
    option = 0 if lag < -3 else (1 if lag <= 3 else 2)
    ens = _ensemble()
    lags = ens.stock("in_theatre").argmax(axis=-1) - ens.flow("arrivals").argmax(axis=-1)
    return Answer(
        option,
        (
            f"Arrivals peaked in {base.dates[a]:%Y-%m} ({arrivals[a]:,.0f} a month); the number in "
            f"theatre peaked in {base.dates[t]:%Y-%m} ({theatre[t]:,.0f}), {lag} months later "
            f"({_interval(lags, '.0f')} months over {DRAWS} posterior draws, 90% interval). A "
            "stock keeps rising while its inflow exceeds its outflows, even when the inflow is "
            "already falling."
        ),
    )


def _drain(base: Result, _: Result) -> Answer:
    theatre, arrivals = base.stock("in_theatre"), base.flow("arrivals")
    top = int(theatre.argmax())
    peak, end = theatre[top], theatre[-1]
    share = end / peak
    option = 0 if share < 0.5 else (1 if share < 0.9 else 2)
    after = slice(top + 1, None)
    killed, returned, moved, came = (
        base.flow(f)[after].sum() for f in ("deaths", "returns", "onward_moves", "arrivals")
    )
    exits = sum(base.flow(f)[-12:].sum() for f in ("deaths", "returns", "onward_moves")) / 12
    residence = theatre[-12:].mean() / exits / 12 if exits > 0 else np.inf
    ens = _ensemble().stock("in_theatre")
    shares = ens[:, -1] / ens.max(axis=-1)
    low, high = np.quantile(shares, [0.05, 0.95])
    half = ", so 'about half' is the safer reading" if low < 0.5 < high else ""
    return Answer(
        option,
        f"The number in theatre peaked at {peak:,.0f} ({base.dates[top]:%Y-%m}) and was "
        f"{end:,.0f} at the end of 2018, {share:.0%} of the peak, while arrivals fell from "
        f"{arrivals.max():,.0f} a month ({base.dates[int(arrivals.argmax())]:%Y-%m}) to "
        f"{arrivals[-1]:,.0f}. From the peak to the end of "
        f"2018, {killed:,.0f} were killed, {returned:,.0f} returned and {moved:,.0f} moved on, "
        f"against {came:,.0f} arrivals. In 2018 about {exits:,.0f} a month left: at that rate a "
        f"fighter stays about {residence:,.0f} years on average. The figures pin this down "
        f"only loosely: over {DRAWS} posterior draws the end of 2018 is {low:.0%} to "
        f"{high:.0%} of the peak (90% interval){half}.",
    )


def _border_more(base: Result, exp: Result) -> str:
    arrivals = _three_way(
        base.stock("cumulative_arrivals")[-1],
        exp.stock("cumulative_arrivals")[-1],
        "Arrived by the end of 2018",
    )
    return (
        f"{arrivals.why} Fewer arrive, so fewer are there to come back, and the closed border "
        "also blocks exits."
    )


def _network_more(base: Result, exp: Result) -> str:
    before, after = base.stock("in_theatre").max(), exp.stock("in_theatre").max()
    return (
        f"The peak in theatre: {before:,.0f} as reported, {after:,.0f} without the effect. "
        f"{_parameter('network_strength')}: the reported figures do not pin it down."
    )


def _success_more(_: Result, __: Result) -> str:
    return f"{_parameter('appeal_territory')}: the figures do not pin down how much success adds."


def _spiral_more(base: Result, _: Result) -> str:
    pool, w = base.stock("pool"), _window(base, "2016-01", "2017-12")
    end_2015 = _window(base, "2015-12", "2015-12").start
    drawn, left = base.flow("radicalisation")[w].sum(), base.flow("departures")[w].sum()
    return (
        f"The pool of would-be recruits, {pool.max():,.0f} at its largest "
        f"({base.dates[int(pool.argmax())]:%Y-%m}), was down to {pool[end_2015]:,.0f} at the end "
        f"of 2015; in 2016-2017, {drawn:,.0f} were newly drawn into it and {left:,.0f} set out. "
        "Appeal can only act on those still at home."
    )


def _reported(row: dict) -> str:
    low, high, form = row["reported_low"], row["reported_high"], row["form"]
    if form == "upper_bound":
        return f"at most {high:,.0f}"
    if form == "lower_bound":
        return f"at least {low:,.0f}"
    if form == "range":
        return f"{low:,.0f} to {high:,.0f}"
    if form == "ratio":
        return f"{low:g} times"
    return f"about {low:,.0f}" if form == "roughly" else f"{low:,.0f}"


def _figure(row: dict) -> str:
    """One figure of the artifact: what it counts, the model's value and the reported one."""
    names = {r.id: r.name for r in REGIONS}
    who = "" if row["region"] == "total" else f" from {names.get(row['region'], row['region'])}"
    date, since = row["date"][:7], row["ref_start"][:7]
    what = {
        "arrivals_total": f"arrivals{who} from {since} to {date}",
        "arrivals_ratio": f"arrivals{who} from {since} to {date} over the year before",
        "cumulative_arrivals": f"arrived{who} by {date}",
        "cumulative_departures": f"set out{who} by {date}, attempts included",
    }.get(row["measure"], f"{row['measure']}{who}, {date}")
    value = row["model_value"]
    model = f"{value:.2f} times" if row["form"] == "ratio" else f"{value:,.0f}"
    outside = "" if row["within"] else ", outside one sigma"
    return f"{what}: model {model} (reported {_reported(row)}{outside})"


def _readings(_: Result, __: Result) -> Answer:
    artifact = read_artifact()
    rows = {o["id"]: o for o in artifact["observations"]}
    statement = next(s for s in artifact["readings"] if s["statement"] == STATEMENT)
    readings = {r["reading"]: r for r in statement["readings"]}
    prob = {name: readings[name]["posterior_probability"] for name in READINGS}
    weight = {name: readings[name]["prior_weight"] for name in READINGS}
    favoured = max(READINGS, key=prob.__getitem__)
    other = next(name for name in READINGS if name != favoured)
    # Bayes factor: how far the other figures moved the odds from the prior weights.
    factor = (prob[favoured] / prob[other]) / (weight[favoured] / weight[other])
    how = "lean towards" if factor < 3 else ("favour" if factor < 20 else "strongly favour")
    listed = {
        name: "; ".join(_figure(rows[i]) for i in readings[name]["rows"]) for name in READINGS
    }
    return Answer(
        list(READINGS).index(favoured),
        f"Read as paraphrased: {listed['as_paraphrased']}. Read from the primary source: "
        f"{listed['primary_source']}. Soufan Group, {_figure(rows['total_cumulative_2015_12'])}. "
        f"The calibration gave the two readings prior weights of {weight[favoured]:g} and "
        f"{weight[other]:g}. Given the other figures, {READINGS[favoured]} has a posterior "
        f"probability of {prob[favoured]:.2f} and {READINGS[other]} {prob[other]:.2f}: they "
        f"{how} {READINGS[favoured]} (Bayes factor {factor:.1f}). The figures weigh the "
        "readings; the primary source's own text is what settles the question.",
    )


def _bin(value: float) -> int:
    """Lesson 8's option for a world total."""
    return int(np.searchsorted(WORLD_BINS, value, side="right"))


def world_vintage(as_of: dt.date | None = None) -> tuple[Vintage, dict[str, np.ndarray]]:
    """A vintage (the last when ``as_of`` is ``None``) and, for each report in
    :data:`WORLD_REPORTS`, its world cumulative arrivals at the report's date, one value per
    stored posterior draw."""
    observations = load_observations()
    vs = vintages(observations)
    vintage = vs[-1] if as_of is None else next(v for v in vs if v.date == as_of)
    result = posterior_result(read_artifact(vintage.path))
    reports = {o.id: o for o in load_validation()}
    return vintage, {i: measure(result, reports[i]) for i in WORLD_REPORTS}


def _vintage_text(vintage: Vintage, values: np.ndarray, n_articles: int) -> str:
    low, median, high = np.quantile(values, [0.05, 0.5, 0.95])
    return (
        f"a median of {median:,.0f} (90% band {low:,.0f} to {high:,.0f} over its "
        f"{len(values)} posterior draws, a factor of {high / low:.1f} from end to end; "
        f"{vintage.n_fitted} rows fitted, from {n_articles} article"
        f"{'s' if n_articles != 1 else ''})"
    )


def _vintages(_: Result, __: Result) -> Answer:
    reports = {o.id: o for o in load_validation() if o.id in WORLD_REPORTS}
    soufan, icsr = (reports[i] for i in WORLD_REPORTS)
    option = _bin(min(o.reported_low for o in reports.values()))
    observations = load_observations()
    early, early_values = world_vintage(EARLY_VINTAGE)
    last, last_values = world_vintage()

    def articles(v: Vintage) -> int:
        return len(
            {o.source_file for o in observations if o.use == "fit" and o.published <= v.date}
        )

    e, f = early_values[icsr.id], last_values[icsr.id]
    e_med, f_med = float(np.median(e)), float(np.median(f))
    reported = icsr.reported_low
    low, high = np.quantile(e, [0.05, 0.95])
    inside = low <= reported <= high and np.quantile(early_values[soufan.id], 0.95) >= (
        soufan.reported_low
    )
    where = "inside its band, but" if inside else "outside its band, and"
    return Answer(
        option,
        f"The Soufan Center counted at least {soufan.reported_low:,.0f} foreigners who had "
        f"travelled by {soufan.ref_end:%B %Y}, and ICSR {reported:,.0f} by {icsr.ref_end:%B %Y} "
        "(both count people who joined IS, women and minors included; data/validation.csv, "
        f"never fitted). For world arrivals by {icsr.ref_end:%B %Y}, the vintage of "
        f"{early.date} gave {_vintage_text(early, e, articles(early))}: the reports lie "
        f"{where} its median is {max(e_med, reported) / min(e_med, reported):.1f} times "
        f"{'lower' if e_med < reported else 'higher'} (by {soufan.ref_end:%B %Y}, "
        f"{np.median(early_values[soufan.id]):,.0f} against 'at least "
        f"{soufan.reported_low:,.0f}'). The vintage of {last.data_date} gave "
        f"{_vintage_text(last, f, articles(last))}: its median is {abs(1 - f_med / reported):.0%} "
        f"{'below' if f_med < reported else 'above'} ICSR's count. Figures for Europe alone left "
        "the other regions to the priors: a band wide enough to hold the answer is honest about "
        "what was known, but says little. The drivers are the war as it happened, so these are "
        "conditional forecasts (docs/validation.md).",
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
        "When arrivals fall, a stock does not empty at once: it drains only through its "
        "outflows, here deaths, returns and onward moves. The average time a person stays is "
        "the stock divided by its outflow. Arrivals fell to a tenth of their peak within a "
        "year and a half; the number in theatre fell far more slowly. Its largest outflow is "
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
        _experiment(
            "success",
            _departures("2014-07", "2015-12"),
            "Departures July 2014 to December 2015",
            _success_more,
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
        _experiment(
            "network",
            _final("cumulative_departures"),
            "Set out by the end of 2018",
            _network_more,
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
        _experiment("border", _final("returned"), "Returned by the end of 2018", _border_more),
    ),
    Lesson(
        "spiral",
        "The spiral of decline",
        "Losses feed on themselves: lost territory and pay cut appeal, fewer recruits arrive, "
        "the force shrinks, and a smaller force is less appealing still (Washington Post, "
        "2016: 'a self-reinforcing spiral of decline'). Hold territory and pay at their peaks "
        "and the spiral does not start. But appeal acts only on the would-be recruits still at "
        "home, and the surge of 2014-2015 had drained that pool: by 2016 departures had fallen "
        "to about the pace at which new people were drawn into it. Holding territory raises "
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
        _experiment(
            "spiral", _departures("2016-01", "2017-12"), "Departures in 2016-2017", _spiral_more
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
        _readings,
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
        "of the reported total. Every vintage runs the war as it happened (territory, pay, air "
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
        _vintages,
    ),
)

LESSONS_BY_ID = {lesson.id: lesson for lesson in LESSONS}
