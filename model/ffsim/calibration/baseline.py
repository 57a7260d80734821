"""The calibrated baseline: the artifact every run starts from, and its best-fit parameters.

The shipped artifact (``calibration/baseline.json``) is the default. ``--artifact PATH`` on the
command line, or ``ffsim app --artifact PATH``, makes another the active one for the process
(:func:`use_artifact`). There is no fallback: a missing or corrupt artifact is an
:class:`~ffsim.core.errors.InputError` that names the file and says how to make one, never a
silent run on the schema defaults.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ffsim.calibration.artifact_model import checked_artifact, parse_json
from ffsim.core.errors import InputError
from ffsim.core.files import MAX_ARTIFACT_BYTES, missing_target, read_input_text
from ffsim.core.parameters import Parameters
from ffsim.resources import BASELINE_PATH, shown

ENV_ARTIFACT = "FFSIM_ARTIFACT"
"""Environment variable through which ``ffsim app --artifact`` hands the artifact to the app."""

_active: list[Path] = [BASELINE_PATH]


def active_artifact() -> Path:
    """The artifact runs start from: the shipped baseline unless :func:`use_artifact` chose
    another.
    """
    return _active[0]


def _where(path: Path, option: str) -> str:
    return f"{option} {path}" if option else shown(path)


def read_artifact(path: Path | None = None, option: str = "") -> dict[str, Any]:
    """Read and check a calibration artifact (the active one by default), as JSON gives it.

    Raises
    ------
    InputError
        In one line naming the file (and ``option`` when given): it is missing, not a small
        regular text file, not JSON, or not a calibration artifact of this version's format
        (:func:`ffsim.calibration.artifact_model.checked_artifact` names the field, the value
        and what is needed).
    """
    path = active_artifact() if path is None else Path(path)
    where = _where(path, option)
    if not path.exists():
        target = missing_target(path)
        what = (
            f"is a symbolic link to {target}, which does not exist"
            if target
            else "no calibration artifact there"
        )
        raise InputError(
            f"{where}: {what}; make one with `ffsim calibrate` (or give --artifact PATH)"
        )
    text = read_input_text(option or shown(path), path, MAX_ARTIFACT_BYTES)
    return checked_artifact(parse_json(text, where), where)


@lru_cache(maxsize=8)
def _parameters(path: Path, stamp: tuple[int, int], option: str) -> Parameters:
    return Parameters.model_validate(read_artifact(path, option)["best_fit_parameters"])


def baseline_parameters(path: Path | None = None, option: str = "") -> Parameters:
    """Best-fit parameters of the artifact at ``path`` (the active one by default).

    Raises
    ------
    InputError
        When the artifact is missing or corrupt (:func:`read_artifact`), or its parameters do
        not fit the schema (the field and value are named).
    """
    path = active_artifact() if path is None else Path(path)
    return _parameters(path, artifact_stamp(path), option)


def artifact_stamp(path: Path) -> tuple[int, int]:
    """The modification time (ns) and size of the artifact at ``path``, (0, 0) when it cannot be
    read (reading it then reports the problem): part of the key of what is cached from it.
    """
    try:
        info = Path(path).stat()
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


def use_artifact(path: Path, option: str = "--artifact") -> None:
    """Make ``path`` the active artifact for this process, after checking it whole.

    Raises
    ------
    InputError
        As :func:`baseline_parameters`; the active artifact is then unchanged.
    """
    path = Path(path)
    baseline_parameters(path, option)
    _active[0] = path


@lru_cache(maxsize=1)
def _shipped_resolved() -> Path:
    return BASELINE_PATH.resolve()


def is_shipped(path: Path | None = None) -> bool:
    """Whether ``path`` (the active artifact by default) is the shipped baseline."""
    path = active_artifact() if path is None else Path(path)
    return path == BASELINE_PATH or path.resolve() == _shipped_resolved()


def baseline_label(path: Path | None = None) -> str:
    """How output names the baseline: the shipped one, or the artifact it came from."""
    path = active_artifact() if path is None else Path(path)
    if is_shipped(path):
        return "Calibrated baseline (as reported)"
    return f"Calibrated baseline from {path}"
