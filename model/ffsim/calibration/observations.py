"""Reported figures from the five source articles: loading and validating data/observations.csv.

Each row carries its provenance (file, outlet, date), the date or period it refers to, what was
counted, its value and form, the uncertainty assigned, and whether it is fitted. The CSV is
described column by column in data/README.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ffsim.calibration.figure_labels import figure_label
from ffsim.core.errors import InputError, format_validation_error
from ffsim.core.regions import REGION_IDS
from ffsim.resources import OBSERVATIONS_PATH, VALIDATION_PATH

Form = Literal["point", "roughly", "range", "lower_bound", "upper_bound", "ratio", "difference"]
Measure = Literal[
    "cumulative_arrivals",
    "cumulative_departures",
    "in_theatre",
    "fighting_abroad",
    "arrivals_total",
    "arrivals_per_month",
    "departures_per_month",
    "arrivals_peak_month",
    "arrivals_ratio",
    "killed_all_fighters_total",
    "in_theatre_fall_from_peak",
    "returned",
    "killed",
]
Use = Literal["fit", "driver_input", "not_used", "validation"]
Population = Literal["", "fighters", "travellers", "involved"]
Stage = Literal["", "attempted", "departed", "arrived", "present", "killed", "returned", "driver"]
Theatre = Literal["", "syria_iraq", "syria", "iraq", "abroad", "unclear"]

RATIO_MEASURES = frozenset({"arrivals_ratio"})
"""Measures that are ratios of two counts of the same people: the share cancels."""

DEFAULT_PATH = OBSERVATIONS_PATH
"""The articles' figures (``data/observations.csv``)."""


class Observation(BaseModel):
    """One figure from an article (one row of data/observations.csv)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    source_file: str
    locator_start: int | None = Field(
        None, ge=0, description="Offset of the stating sentence's first character in the seed."
    )
    locator_end: int | None = Field(None, ge=0, description="Offset just after its last.")
    locator_sha256: str = Field(
        "", pattern=r"^([0-9a-f]{64})?$", description="SHA-256 of the sentence, UTF-8."
    )
    outlet: str
    published: dt.date
    ref_start: dt.date
    ref_end: dt.date
    region: str
    quantity: str
    measure: Measure | None = None
    value: float | None = Field(None, allow_inf_nan=False)
    low: float | None = Field(None, allow_inf_nan=False)
    high: float | None = Field(None, allow_inf_nan=False)
    form: Form
    groups: str
    population: Population = ""
    stage: Stage = ""
    theatre: Theatre = ""
    counted_share: float = Field(
        1.0,
        gt=0.0,
        le=1.0,
        allow_inf_nan=False,
        description="Share of the model's quantity that the figure counts besides its kind (a "
        "count of fighters, population 'fighters', is set against the model's fighters by "
        "``ffsim.calibration.measures``): 1 in every shipped row.",
    )
    sigma_log: float | None = Field(None, gt=0.0, le=2.0, allow_inf_nan=False)
    use: Use
    base_start: dt.date | None = None
    base_end: dt.date | None = None
    conflicts_with: str = ""
    reading_of: str = Field(
        "",
        pattern=r"^[a-z0-9_]*$",
        description="Statement this row is one reading of; rows sharing it are alternatives.",
    )
    reading: str = Field("", pattern=r"^[a-z0-9_]*$")
    reading_weight: float | None = Field(None, gt=0.0, lt=1.0, allow_inf_nan=False)
    note: str

    @model_validator(mode="after")
    def _check(self) -> Observation:
        if self.ref_end < self.ref_start:
            raise ValueError(f"ref_end {self.ref_end} is before ref_start {self.ref_start}")
        if self.form != "difference":
            for key in ("value", "low", "high"):
                x = getattr(self, key)
                if x is not None and x < 0:
                    raise ValueError(
                        f"{key} = {x:g}: must be >= 0 (counts, rates and ratios are not "
                        "negative; only a difference may be)"
                    )
        if bool(self.reading_of) != bool(self.reading) or bool(self.reading) != (
            self.reading_weight is not None
        ):
            raise ValueError("reading_of, reading and reading_weight go together (all or none)")
        if self.reading and self.use != "fit":
            raise ValueError("only fitted rows can be readings of a statement")
        located = (self.locator_start, self.locator_end, self.locator_sha256)
        if any(located) or self.locator_start == 0:
            if self.locator_start is None or self.locator_end is None or not self.locator_sha256:
                raise ValueError("locator_start, locator_end and locator_sha256 go together")
            if self.locator_end <= self.locator_start:
                raise ValueError("locator_end must be after locator_start")
        if self.counted_share != 1.0 and self.measure in RATIO_MEASURES:
            raise ValueError("a ratio's share cancels: counted_share must be 1")
        if self.use not in ("fit", "validation"):
            return self
        if self.measure is None or self.sigma_log is None:
            raise ValueError(f"a {self.use} row needs a measure and a sigma_log")
        if self.form == "range":
            if self.low is None or self.high is None or not 0 < self.low <= self.high:
                raise ValueError(f"a range needs 0 < low <= high, got [{self.low}, {self.high}]")
        elif self.form == "lower_bound" and (self.low is None or self.low <= 0):
            raise ValueError("a lower bound needs low > 0")
        elif self.form == "upper_bound" and (self.high is None or self.high <= 0):
            raise ValueError("an upper bound needs high > 0")
        elif self.form in ("point", "roughly", "ratio", "difference") and not self.value:
            raise ValueError(f"form {self.form} needs a non-zero value")
        if (self.measure == "arrivals_ratio") != (self.base_start is not None):
            raise ValueError("arrivals_ratio needs base_start and base_end, other measures none")
        if self.base_start is not None and (
            self.base_end is None or self.base_end < self.base_start
        ):
            raise ValueError("base_end must be given and not before base_start")
        for part in self.regions:
            if part not in REGION_IDS:
                raise ValueError(f"region {part!r} is not one of {', '.join(REGION_IDS)}")
        return self

    @property
    def label(self) -> str:
        """A plain label: region, what was counted, date or period (``figure_labels``)."""
        return figure_label(
            self.region, self.measure, self.quantity, self.ref_start, self.ref_end, self.form
        )

    @property
    def regions(self) -> tuple[str, ...]:
        """Source regions summed by this figure (all of them for ``total`` and ``none``)."""
        if self.region in ("total", "none"):
            return REGION_IDS
        return tuple(self.region.split("+"))

    @property
    def reported_low(self) -> float:
        """Lowest value the article allows (the value itself for point figures)."""
        if self.form in ("range", "lower_bound"):
            return float(self.low)  # type: ignore[arg-type]
        if self.form == "upper_bound":
            return 0.0
        return float(self.value)  # type: ignore[arg-type]

    @property
    def reported_high(self) -> float:
        """Highest value the article allows (infinity for a lower bound)."""
        if self.form in ("range", "upper_bound"):
            return float(self.high)  # type: ignore[arg-type]
        if self.form == "lower_bound":
            return float("inf")
        return float(self.value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Reading:
    """One way of reading a statement: its name, prior weight and the rows it fits."""

    name: str
    weight: float
    rows: tuple[int, ...]


@dataclass(frozen=True)
class Statement:
    """A reported statement that admits several readings (rows sharing ``reading_of``)."""

    id: str
    readings: tuple[Reading, ...]


def statements(observations: tuple[Observation, ...]) -> tuple[Statement, ...]:
    """The statements with alternative readings, in order of first appearance.

    Row indices refer to positions in ``observations``.

    Raises
    ------
    InputError
        When a statement has fewer than two readings, or a reading's weight differs between
        its rows, or the weights do not sum to 1.
    """
    groups: dict[str, dict[str, list[int]]] = {}
    for i, o in enumerate(observations):
        if o.reading_of:
            groups.setdefault(o.reading_of, {}).setdefault(o.reading, []).append(i)
    out, problems = [], []
    for sid, readings in groups.items():
        built = []
        for name, rows in readings.items():
            weights = {observations[i].reading_weight for i in rows}
            if len(weights) != 1:
                problems.append(f"{sid}.{name}: rows give different reading_weight {weights}")
            built.append(Reading(name, float(observations[rows[0]].reading_weight), tuple(rows)))  # type: ignore[arg-type]
        if len(built) < 2:
            problems.append(f"{sid}: a statement needs at least two readings, got {len(built)}")
        total = sum(r.weight for r in built)
        if abs(total - 1.0) > 1e-9:
            problems.append(f"{sid}: reading weights sum to {total:g}, must sum to 1")
        out.append(Statement(sid, tuple(built)))
    if problems:
        raise InputError("\n".join(problems))
    return tuple(out)


def data_hash(path: Path = DEFAULT_PATH) -> str:
    """SHA-256 of the observations file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_observations(text: str, label: str = "observations.csv") -> tuple[Observation, ...]:
    """Validate the CSV text; every problem is reported with its row id and field."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise InputError(f"{label}: no data rows (a header and at least one figure are needed)")
    out, problems = [], []
    for line, raw in enumerate(rows, start=2):
        cleaned = {k: (v if v != "" else None) for k, v in raw.items()}
        for key in (
            "conflicts_with",
            "reading_of",
            "reading",
            "population",
            "stage",
            "theatre",
            "locator_sha256",
        ):
            cleaned[key] = raw.get(key) or ""
        if cleaned.get("counted_share") is None:
            cleaned.pop("counted_share", None)  # 1: the figure counts what the model counts
        if None in raw:
            problems.append(f"{label} line {line}: more fields than the header has columns")
            continue
        try:
            out.append(Observation.model_validate(cleaned))
        except ValidationError as exc:
            where = f"{label} line {line} ({raw.get('id', '?')})"
            messages = format_validation_error(exc, "", {}).splitlines()
            problems += [f"{where}: {m.removeprefix(': ')}" for m in messages]
    ids = [o.id for o in out]
    problems += [f"{label}: duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for o in out:
        if o.conflicts_with and o.conflicts_with not in ids:
            problems.append(f"{label}: {o.id}.conflicts_with names unknown id {o.conflicts_with}")
    if problems:
        raise InputError("\n".join(problems))
    out_t = tuple(out)
    statements(fitted(out_t))
    return out_t


def load_observations(path: Path = DEFAULT_PATH) -> tuple[Observation, ...]:
    """All rows of the observations file.

    Raises
    ------
    InputError
        When a row is invalid, or is a ``validation`` row: those live in
        ``data/validation.csv`` and never enter a fit.
    """
    rows = parse_observations(path.read_text("utf-8"), path.name)
    stray = [o.id for o in rows if o.use == "validation"]
    if stray:
        raise InputError(
            f"{path.name}: rows {', '.join(stray)} have use = validation; validation figures "
            f"belong in {VALIDATION_PATH.name} and are never fitted (use is one of fit, "
            "driver_input, not_used here)"
        )
    return rows


def load_validation(path: Path = VALIDATION_PATH) -> tuple[Observation, ...]:
    """The validation figures (``data/validation.csv``): every row has ``use = validation``.

    They are published after the articles' dates (the US officials' killed totals of 2016 and
    early 2017 in no article; the reports of October 2017 to July 2018) and never enter a fit:
    :func:`load_observations` refuses them and the calibration reads only fitted rows.

    Raises
    ------
    InputError
        Naming each row that is not a validation row.
    """
    rows = parse_observations(path.read_text("utf-8"), path.name)
    problems = [
        f"{path.name}: {o.id}.use = {o.use}; every row here must be validation"
        for o in rows
        if o.use != "validation"
    ]
    if problems:
        raise InputError("\n".join(problems))
    return rows


def fitted(observations: tuple[Observation, ...]) -> tuple[Observation, ...]:
    """The rows used in the likelihood."""
    return tuple(o for o in observations if o.use == "fit")
