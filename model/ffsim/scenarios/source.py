"""What a scenario named on the command line (or given to the Python API) is: the one resolver.

A scenario is given as text, and read as the first of these that applies:

1. ``saved:NAME``: the saved scenario NAME (:mod:`ffsim.scenarios.saved_store`);
2. a path that exists: that file (a local file wins over a shipped scenario of the same name:
   ``early_response`` in the current folder is that file, the shipped one is then reached by its
   path, which ``ffsim scenarios list`` prints);
3. ``baseline``: the calibrated baseline;
4. the name of a shipped scenario (``early_response``, the file name without ``.toml``): that
   shipped file.

Anything else is refused with the shipped names listed. Nothing is read here but the folder of
shipped scenarios; the readers (:func:`ffsim.scenarios.scenario.check_scenario_file`) read the
file or the saved entry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ffsim import resources
from ffsim.core.errors import InputError
from ffsim.scenarios.saved_store import SAVED_PREFIX

BASELINE = "baseline"
"""The name of the calibrated baseline, the root of every chain of bases."""

SCENARIO_HELP = (
    "a scenario file, a shipped scenario's name (`ffsim scenarios list`) or saved:NAME; a file "
    "that exists wins over a shipped name"
)
"""How the command line's help describes a scenario argument."""

Kind = Literal["file", "shipped", "saved", "baseline"]


@dataclass(frozen=True)
class ScenarioSource:
    """Where a scenario given as ``given`` is read from.

    ``path`` is the file read (a local file or a shipped one), None for a saved scenario and
    for the baseline; ``name`` is the saved or shipped name (the file name for a file).
    """

    given: str
    kind: Kind
    name: str
    path: Path | None


def shipped_paths() -> dict[str, Path]:
    """Each shipped scenario's name (its file name without ``.toml``) and file, sorted."""
    try:
        files = sorted(resources.SCENARIO_DIR.glob("*.toml"))
    except OSError:
        files = []
    return {p.stem: p for p in files}


def shipped_names() -> tuple[str, ...]:
    """The names a scenario may be given by: ``baseline`` and every shipped scenario's."""
    return (BASELINE, *shipped_paths())


def scenario_source(given: str | Path) -> ScenarioSource:
    """Resolve a scenario as given (see the module docstring for the order).

    Raises
    ------
    InputError
        ``<given>: does not exist, and is not a shipped scenario; ...`` listing the shipped
        names and how a saved scenario is named.
    """
    text = str(given)
    if isinstance(given, str) and text.startswith(SAVED_PREFIX):
        return ScenarioSource(text, "saved", text.removeprefix(SAVED_PREFIX), None)
    if text and os.path.lexists(text):
        return ScenarioSource(text, "file", Path(text).stem, Path(text))
    if text == BASELINE:
        return ScenarioSource(text, "baseline", BASELINE, None)
    shipped = shipped_paths()
    if text in shipped:
        return ScenarioSource(text, "shipped", text, shipped[text])
    raise InputError(
        f"{text}: does not exist, and is not a shipped scenario; allowed: a scenario file, a "
        f"shipped scenario ({', '.join(shipped_names())}) or {SAVED_PREFIX}NAME for a saved one "
        "(`ffsim scenarios list`)"
    )
