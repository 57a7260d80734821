"""The answers of the lessons on the evidence: how the calibration weighs two readings of one
statement (lesson 7), and what each vintage foresaw of the world totals (lesson 8).

Read from the shipped calibration artifacts at run time: the baseline's readings table, and each
vintage's 300 stored posterior draws set against the world totals of data/validation.csv (never
fitted). Totals are people.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ffsim.calibration.baseline import BASELINE_PATH, active_artifact, read_artifact
from ffsim.calibration.forecast import Vintage, posterior_result, vintages
from ffsim.calibration.measures import measure
from ffsim.calibration.observations import load_observations, load_validation
from ffsim.core.regions import REGIONS
from ffsim.core.results import Result
from ffsim.teaching.lesson import Answer

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


def readings_answer(_: Result, __: Result) -> Answer:
    """Lesson "numbers": which reading of :data:`STATEMENT` the other figures favour, from the
    shipped artifact (posterior probabilities, prior weights and the Bayes factor).
    """
    artifact, note = _readings_artifact()
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
        f"readings; the primary source's own text is what settles the question.{note}",
    )


def _readings_artifact() -> tuple[dict, str]:
    """The artifact lesson 7 reads, and a note when it is not the active one.

    The active artifact, when it fitted :data:`STATEMENT` and the Soufan Group's figure; else
    (an early vintage, fitted before the statement was published) the shipped baseline, which
    the note names.
    """
    artifact = read_artifact()
    fitted = {o["id"] for o in artifact["observations"]}
    if (
        any(s["statement"] == STATEMENT for s in artifact["readings"])
        and "total_cumulative_2015_12" in fitted
    ):
        return artifact, ""
    as_of = artifact.get("as_of", "an earlier date")
    note = (
        f" (The calibration in use, {active_artifact().name}, fits the figures published by "
        f"{as_of}, before this statement; the numbers above are the shipped baseline's.)"
    )
    return read_artifact(BASELINE_PATH), note


def _bin(value: float) -> int:
    """Lesson 8's option for a world total."""
    return int(np.searchsorted(WORLD_BINS, value, side="right"))


def world_vintage(as_of: dt.date | None = None) -> tuple[Vintage, dict[str, np.ndarray]]:
    """A vintage (the last when ``as_of`` is ``None``) and, for each report in
    :data:`WORLD_REPORTS`, its world cumulative arrivals at the report's date, one value per
    stored posterior draw.
    """
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


def vintages_answer(_: Result, __: Result) -> Answer:
    """Lesson "vintages": the world totals reported in 2017-2018, against the forecasts of the
    vintage of :data:`EARLY_VINTAGE` and of the last vintage.
    """
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
    where = "inside its band, and" if inside else "outside its band, and"
    nearer = abs(np.log(e_med / reported)) < abs(np.log(f_med / reported))
    f_low, f_high = np.quantile(f, [0.05, 0.95])
    constraints = read_artifact(early.path)["config"].get("constraint", [])
    known = "; ".join(
        f"{c['source'].split(':')[0]}, {float(c['low']):,.0f} to {float(c['high']):,.0f} "
        f"({c['quantity'].replace('_', ' ')}, {c['date'][:7]})"
        for c in constraints
    )
    priors = (
        f" Besides those figures, that vintage held the estimates of its time as prior "
        f"constraints: {known}."
        if known
        else ""
    )
    lesson = (
        "More figures narrowed the band but moved its median away from the later counts: a "
        "narrower band is not a truer one."
        if nearer and (f_high / f_low) < (high / low)
        else "More figures narrowed the band and moved its median towards the later counts."
    )
    return Answer(
        option,
        f"The Soufan Center counted at least {soufan.reported_low:,.0f} foreigners who had "
        f"travelled by {soufan.ref_end:%B %Y}, and ICSR {reported:,.0f} by {icsr.ref_end:%B %Y} "
        "(both count people who joined IS, women and minors included; data/validation.csv, "
        f"never fitted). For world arrivals by {icsr.ref_end:%B %Y}, the vintage of "
        f"{early.date} gave {_vintage_text(early, e, articles(early))}: the reports lie "
        f"{where} its median is {abs(1 - e_med / reported):.0%} "
        f"{'below' if e_med < reported else 'above'} ICSR's count (by {soufan.ref_end:%B %Y}, "
        f"{np.median(early_values[soufan.id]):,.0f} against 'at least "
        f"{soufan.reported_low:,.0f}').{priors} The vintage of {last.data_date} gave "
        f"{_vintage_text(last, f, articles(last))}: its median is {abs(1 - f_med / reported):.0%} "
        f"{'below' if f_med < reported else 'above'} ICSR's count. {lesson} The drivers are the "
        "war as it happened, so these are conditional forecasts (docs/validation.md).",
    )


# --- The record of the time, set beside the model (lessons 1 and 2) ---------------------------

FLOW_REPORTS = (
    (
        "2015-04",
        "'between 1,500 and 2,000' a month when he arrived in Baghdad about a year "
        "earlier (Maj. Gen. Peter Gersten, Pentagon briefing, 26 April 2016)",
    ),
    ("2015-09", "'some 1,000 new recruits' a month (The New York Times, 26 September 2015)"),
    (
        "2016-04",
        "'around 200' a month (Gersten, 26 April 2016), 'a quarter or less' of 2,000 "
        "(Col. Steve Warren, Reuters, 28 April 2016)",
    ),
)
"""Monthly flows of foreign fighters reported by US officials, by the month they describe."""
YEAR_2015_REPORT = (
    "'a couple thousand a month' in 2015, 'several hundred' in all of 2016 (a US official, "
    "CNN, 9 December 2016)"
)
"""A US official's description of 2015 as a whole (lesson 1)."""
TOTAL_ROWS = {
    "total_cumulative_2014_09_primary": "The New York Times' 'about 15,000' by September 2014",
    "total_cumulative_2015_12": "the Soufan Group's 'up to 31,000' by December 2015",
}
"""Fitted totals of the time that lesson 1 sets against the model's timing."""


def flow_record(base: Result) -> str:
    """Lesson "stocks": the model's monthly arrivals against what US officials reported, and
    its totals against the totals of the time (from the artifact's rows, where it fitted them).
    """
    arrivals = base.flow("arrivals")
    fighters = np.diff(base.stock("fighters_arrived"), prepend=base.initial("fighters_arrived"))
    months = [d.strftime("%Y-%m") for d in base.dates]
    parts = [
        f"{month}: {arrivals[months.index(month)]:,.0f} travellers "
        f"({fighters[months.index(month)]:,.0f} of them fighters, without the women and "
        f"minors) against {report}"
        for month, report in FLOW_REPORTS
    ]
    year = arrivals[months.index("2015-01") : months.index("2015-12") + 1].mean()
    parts.append(f"2015 on average: {year:,.0f} travellers a month against {YEAR_2015_REPORT}")
    rows = {o["id"]: o for o in read_artifact()["observations"]}
    totals = [
        f"{rows[i]['model_value']:,.0f} against {what}"
        for i, what in TOTAL_ROWS.items()
        if i in rows
    ]
    above = bool(totals) and all(
        rows[i]["model_value"] > rows[i]["reported_high"] for i in TOTAL_ROWS
    )
    below = arrivals[months.index("2015-04")] < 1500 and year < 1500
    if below and above:
        verdict = (
            "The model's flow is below what US officials described through 2015, while its "
            f"totals lie above the totals of the time ({'; '.join(totals)}): it has more "
            "people by September 2014 and fewer a month in 2015 than the reports, so it dates "
            "the peak earlier than they do."
        )
    else:
        verdict = f"The model's totals: {'; '.join(totals) or 'not fitted in this calibration'}."
    return (
        f"Set against the record, the model's arrivals in {'; in '.join(parts)}. {verdict} The "
        "reports do not add up among themselves either: 1,500 a month for all of 2015 added to "
        "the Times' 'about 15,000' of September 2014 would exceed the Soufan Group's 'up to "
        "31,000' by December 2015. The lesson's point does not depend on the date: the stock "
        "peaks when arrivals fall to the outflows, not when arrivals peak."
    )


RECORD_SHARES: dict[str, tuple[str, str, tuple[float, float], tuple[float, float] | None]] = {
    "united_kingdom": (
        "2016-08",
        "about half returned, 9-12% killed (Home Office and Ministry of Defence, November 2015 "
        "to August 2016)",
        (0.44, 0.50),
        (0.09, 0.12),
    ),
    "france": (
        "2016-09",
        "18-28% returned, 16-20% presumed dead (Interior Ministry and UCLAT, March to late 2016)",
        (0.18, 0.28),
        (0.16, 0.20),
    ),
    "other_europe": (
        "2016-12",
        "23-50% returned, 14-28% killed (Germany's BfV, Belgium's OCAM, Denmark, ICCT's EU "
        "count, the EU's coordinator; 2015 to January 2017)",
        (0.23, 0.50),
        (0.14, 0.28),
    ),
    "united_states": (
        "2015-02",
        "40 of about 180 returned, aid workers included, no count of the killed (DNI Clapper, "
        "March 2015)",
        (0.22, 0.22),
        None,
    ),
    "other_western": (
        "2016-10",
        "about 20% returned, 29-33% killed (Australian Border Force, October 2016)",
        (0.20, 0.20),
        (0.29, 0.33),
    ),
    "tunisia": (
        "2016-12",
        "about 800 returned and at least 800 killed, 18-20% and 18-27% (Interior Ministry, "
        "December 2015 and December 2016; all theatres)",
        (0.18, 0.20),
        (0.18, 0.27),
    ),
}
"""What the national counts published by March 2017 said of each region: the month the model is
read at, the counts in words, and returned and killed as shares of those who went (ranges over
the counts; /tmp/work/priors_evidence.md compiles them with sources). The rest of the world has
no count of the time."""


def _where(value: float, band: tuple[float, float]) -> str:
    low, high = band
    tolerance = 0.02  # the counts are rounded to a few per cent
    if value < low - tolerance:
        return "below"
    return "above" if value > high + tolerance else "within"


def shares_record(base: Result) -> str:
    """Lesson "delays": returned and killed as shares of arrivals by region, in the model at the
    date of each region's counts, against what the counts of the time said.
    """
    names = {r.id: r.name for r in REGIONS}
    months = [d.strftime("%Y-%m") for d in base.dates]
    lines = []
    for region, (month, words, returned, killed) in RECORD_SHARES.items():
        k = months.index(month)
        came = base.stock("cumulative_arrivals", region)[k]
        r = base.stock("returned", region)[k] / came
        d = base.stock("killed", region)[k] / came
        verdicts = f"returns {_where(r, returned)} the counts"
        if killed is not None:
            verdicts += f", deaths {_where(d, killed)}"
        lines.append(
            f"{names[region]} by {month}: returned {r:.0%}, killed {d:.0%} (counts: {words}; "
            f"{verdicts})"
        )
    k = months.index("2016-12")
    world = base.stock("cumulative_arrivals")[k]
    rest = base.stock("cumulative_arrivals", "rest_of_world")[k]
    rr = base.stock("returned", "rest_of_world")[k] / rest
    rd = base.stock("killed", "rest_of_world")[k] / rest
    wr, wd = base.stock("returned")[k] / world, base.stock("killed")[k] / world
    xr = (base.stock("returned")[k] - rr * rest) / (world - rest)
    xd = (base.stock("killed")[k] - rd * rest) / (world - rest)
    west = ("united_kingdom", "france", "other_europe")
    more = [
        f"the {names[r]}" if names[r].startswith("United") else names[r]
        for r in west
        if base.stock("returned", r)[k] >= base.stock("killed", r)[k]
    ]
    return (
        f"By region, in the model against the national counts of the time: {'; '.join(lines)}. "
        f"The rest of the world, {rest / world:.0%} of the model's arrivals by the end of 2016, "
        f"had {rr:.0%} returned and {rd:.0%} killed; no count of the time covers it. In the "
        f"world as a whole, {wr:.0%} returned and {wd:.0%} were killed by the end of 2016; "
        f"without the rest of the world, {xr:.0%} and {xd:.0%}. The national counts of Western "
        "Europe have returns as large as deaths or larger (France's last count of 2016 about "
        "equal); at the end of 2016 the model's returns are as large as its deaths only in "
        f"{', '.join(more) if more else 'none of them'}."
    )
