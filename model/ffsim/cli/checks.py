"""Checks of command-line values, made before any work starts.

Each refusal is an :class:`~ffsim.core.errors.InputError` of one line naming the option, the
value as typed and what is allowed, e.g. ``--every 0: allowed a whole number from 1 to 84 (the
run's months)``. Output paths are checked with :func:`ffsim.core.files.check_output_file`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ffsim.core.errors import InputError
from ffsim.core.files import check_output_file
from ffsim.core.regions import REGION_IDS
from ffsim.core.simulate import Settings
from ffsim.resources import shipped_files
from ffsim.resources import shown as shown_path
from ffsim.scenarios.saved_store import DB_NAME, data_dir

MAX_SHOWN = 60
"""Longest value an error message repeats (longer ones are cut with ``...``)."""

MAX_SEED = 2**32 - 1
"""Largest random seed accepted (seeds are whole numbers from 0)."""

MAX_MEMBER_MONTHS = 1024 * 28 * 84
"""Largest ensemble a command runs, in model runs times months: ``sensitivity --n 1024`` on the
baseline's 84 months (1024 x 28 runs), about 2 GB of memory.
"""

REGIONS = ("total", *REGION_IDS)
"""What ``--region`` takes: the sum over regions, or one source region's id."""


def shown(value: str) -> str:
    """A value as a message repeats it: as typed, quoted when it is empty, has outer blanks or
    characters that do not print (a newline, a control character), and cut when long.
    """
    plain = bool(value) and value.strip() == value and value.isprintable()
    text = value if plain else repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def printable(text: str) -> str:
    """``text`` as the terminal is given it: every character that does not print (an escape,
    a bell, a carriage return, a control character) written as its Python escape, so a name
    cannot move the cursor, retitle the window or clear the screen; newlines are kept.
    """
    return "\n".join(
        "".join(c if c.isprintable() else repr(c)[1:-1] for c in line) for line in text.split("\n")
    )


def refuse(option: str, value: str, allowed: str) -> InputError:
    """The error for ``option value``: ``<option> <value>: <allowed>``."""
    return InputError(f"{option} {shown(value)}: {allowed}")


def whole_number(option: str, value: str, low: int, high: int, why: str = "") -> int:
    """``value`` as a whole number (decimal digits, an optional sign) from ``low`` to ``high``."""
    allowed = f"allowed a whole number from {low} to {high}" + (f" ({why})" if why else "")
    text = value.strip()
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", text) or not low <= int(text) <= high:
        raise refuse(option, value, allowed)
    return int(text)


def power_of_two(option: str, value: str, low: int, high: int, why: str = "") -> int:
    """``value`` as a power of two from ``low`` to ``high`` (both powers of two)."""
    allowed = f"allowed a power of two from {low} to {high}" + (f" ({why})" if why else "")
    text = value.strip()
    n = int(text) if re.fullmatch(r"\+?[0-9]{1,30}", text) else 0
    if not low <= n <= high or n & (n - 1):
        raise refuse(option, value, allowed)
    return n


def seed_option(option: str, value: str) -> int:
    """A random seed: a whole number from 0 to :data:`MAX_SEED`."""
    return whole_number(option, value, 0, MAX_SEED)


def choice(option: str, value: str, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed`` exactly (case counts)."""
    if value not in allowed:
        raise refuse(option, value, f"allowed one of {', '.join(allowed)}")
    return value


def region(value: str, option: str = "--region") -> str:
    """A region option: ``total`` or a source region's id (:data:`REGIONS`)."""
    return choice(option, value, REGIONS)


def run_span(settings: Settings) -> tuple[dt.date, dt.date]:
    """The first and the last day of a run."""
    return settings.start_date, settings.month_ends()[-1]


def date_in_run(option: str, value: str, settings: Settings, whose: str = "the run") -> dt.date:
    """``value`` as a calendar date YYYY-MM-DD within the run of ``settings``."""
    first, last = run_span(settings)
    allowed = f"allowed a date YYYY-MM-DD from {first} to {last} ({whose})"
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise refuse(option, value, allowed) from None
    if not first <= date <= last:
        raise refuse(option, value, allowed)
    return date


def file_name(option: str, value: str) -> Path:
    """A path as typed: refused when empty or holding a NUL character (no file has either)."""
    if not value.strip():
        raise refuse(option, value, "a file name is needed")
    if "\x00" in value:
        raise refuse(option, value, "a file name cannot hold a NUL character")
    return Path(value)


def output_file(
    option: str,
    value: str | None,
    inputs: Iterable[str | Path | None] = (),
    scenarios: Iterable[str | None] = (),
    allow: Path | None = None,
) -> Path | None:
    """An output path checked before any work (``None`` when the option was not given).

    Refused: an empty name, a name ending in ``/``, ``.`` or ``..`` (a directory), any file the
    command reads (its ``inputs``; each of its ``scenarios`` and every base in their chains;
    every file ffsim ships, the artifacts, configs, data, scenarios and docs: writing there
    would destroy it), compared through links and hard links, and whatever
    :func:`~ffsim.core.files.check_output_file` refuses (a directory, a special file, a path
    under /proc, /sys or /dev, a directory that does not exist or cannot be written). ``allow``
    is a shipped file the command may replace (``calibrate --replace-shipped``).
    """
    if value is None:
        return None
    path = file_name(option, value)
    if os.path.basename(value) in ("", ".", ".."):
        raise refuse(option, value, "names a directory; a file name is needed")
    for source in read_files(inputs, scenarios):
        if allow is not None and _same_file(source, allow):
            continue
        if _same_file(path, source):
            raise refuse(
                option, value, f"is {shown_path(source)}, which ffsim reads; name another file"
            )
    check_output_file(option, path)
    return path


def read_files(
    inputs: Iterable[str | Path | None], scenarios: Iterable[str | None] = ()
) -> list[Path]:
    """The files a command reads: ``inputs``, the chain of bases of each of ``scenarios``
    (as :func:`~ffsim.scenarios.source.scenario_source` resolves them: a file or a shipped
    scenario; a saved one, ``saved:NAME``, and ``baseline`` are not files), every file ffsim
    ships and the saved scenarios' database (:func:`saved_store_files`).
    """
    from ffsim.scenarios.base_chain import base_files
    from ffsim.scenarios.source import scenario_source

    found = [Path(p) for p in inputs if p is not None]
    for scenario in scenarios:
        try:
            path = None if scenario is None else scenario_source(scenario).path
        except InputError:  # nothing to read: the command reports it when it loads the scenario
            continue
        if path is not None:
            found += base_files(path)
    return found + list(shipped_files()) + saved_store_files()


def saved_store_files() -> list[Path]:
    """The saved scenarios' database and its SQLite companions (write-ahead log, shared
    memory, journal): never an output, whatever the command (``ffsim run saved:NAME --out``
    onto the database would have replaced every saved scenario with a CSV).
    """
    try:
        db = data_dir() / DB_NAME
    except RuntimeError:  # no home folder: there is no store to protect
        return []
    return [db, *(db.with_name(f"{DB_NAME}{end}") for end in ("-wal", "-shm", "-journal"))]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # either is missing (or not a path): not the same file
        return False
