"""The explorer's side of the local store: where it is, what to say when it cannot be used, and
labels that tell saved scenarios apart.

The store itself is :mod:`ffsim.scenarios.saved_store`: one SQLite database,
``saved_scenarios.sqlite3`` in the data folder (:func:`data_dir`: ``$FFSIM_DATA_DIR`` when set,
else ``$XDG_DATA_HOME/ffsim``, else ``~/.local/share/ffsim``), shared with the command line
(``ffsim run saved:NAME``, ``ffsim scenarios list``). Every change is a transaction against the
version the user saw; nothing is renamed or deleted because it could not be read. No Streamlit
here.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ffsim.app.links import quoted
from ffsim.scenarios import saved_store
from ffsim.scenarios.saved_store import (
    DB_NAME,
    ENV_DATA_DIR,
    ConflictError,
    Saved,
    SavedStore,
    StoreError,
    base_id,
)

__all__ = ["DB_NAME", "ENV_DATA_DIR", "ConflictError", "Saved", "StoreError", "base_id"]

BASE_ID = re.compile(r"[0-9a-f]{16}")
"""A stored base's id: the first 16 hex digits of the SHA-256 of its text."""


UNUSABLE = Path(os.devnull) / "ffsim-store"
"""Where the store points when its folder cannot be worked out (``$FFSIM_DATA_DIR`` names a
``~user`` that is no user; no home folder is known): a folder that can never be made, so nothing
is written anywhere unexpected and every save reports that it failed. Messages never name it:
they name the user's setting (:func:`where`)."""

ALLOWED = (
    "a folder you can write to, as a path (absolute or from the working directory) or as "
    "`~/...` in your own home"
)
"""What ``$FFSIM_DATA_DIR`` may name, as the messages say it."""


def _chosen() -> Path:
    """The store's folder as set (:func:`ffsim.scenarios.saved_store.data_dir`).

    Raises
    ------
    RuntimeError
        When it cannot be worked out: a ``~user`` that names no user, no home folder.
    """
    return saved_store.data_dir()


def data_dir() -> Path:
    """The store's folder (see the module docstring); it may not exist yet; :data:`UNUSABLE`
    when it cannot be worked out.
    """
    try:
        return _chosen()
    except RuntimeError:
        return UNUSABLE


def _setting() -> str:
    """The user's setting (or the default folder), as messages name it."""
    value = os.environ.get(ENV_DATA_DIR, "")
    if value:
        return f"{ENV_DATA_DIR} = {quoted(value, 200)}"
    folder = data_dir()
    shown = "" if folder == UNUSABLE else f" {quoted(str(folder), 200)}"
    return f"The default data folder{shown} ({ENV_DATA_DIR} is not set)"


def where(sub: str | None = None) -> str:
    """The store's folder (or the file ``sub`` in it) as messages name it: its path, or the
    user's setting when no path can be worked out from it (never :data:`UNUSABLE`).
    """
    folder = data_dir()
    if folder != UNUSABLE:
        return quoted(str(folder / sub if sub else folder), 200)
    value = os.environ.get(ENV_DATA_DIR, "")
    if value:
        return f"the folder named by {ENV_DATA_DIR} = {quoted(value, 200)}, which cannot be used"
    return "the default data folder, which cannot be found (no home folder is known)"


def _why_unusable() -> str | None:
    """Why the store's folder cannot be used, as far as can be told before writing, or None:
    it cannot be worked out, it or a folder above it is a file, or it cannot be written.
    """
    value = os.environ.get(ENV_DATA_DIR, "")
    try:
        folder = _chosen()
    except RuntimeError:
        user = value[1:].partition("/")[0] if value.startswith("~") else ""
        if user:
            return f"{quoted('~' + user, 200)} names no user of this computer"
        return "no home folder is known"
    here = folder.absolute()
    for place in (here, *here.parents):
        try:
            mode = place.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue  # made on the first save
        except OSError as exc:
            return f"{quoted(str(place), 200)} cannot be reached ({exc.strerror or exc})"
        named = "it" if place == here else quoted(str(place), 200)
        if not stat.S_ISDIR(mode):
            return f"{named} is a file, not a folder"
        if not os.access(place, os.W_OK | os.X_OK):
            return f"{named} cannot be written (no permission)"
        break
    db = here / DB_NAME
    try:
        mode = os.lstat(db).st_mode
    except OSError:
        return None  # made on the first save
    if not stat.S_ISREG(mode):
        return f"{quoted(str(db), 200)} is not a regular file (a link or a folder)"
    if not os.access(db, os.R_OK | os.W_OK):
        return f"{quoted(str(db), 200)} cannot be written (no permission)"
    return None


def _cannot(why: str) -> str:
    """The user's setting, ``why`` it cannot be used, and what is allowed."""
    allowed = "allowed: " if os.environ.get(ENV_DATA_DIR) else f"set {ENV_DATA_DIR} to "
    return f"{_setting()} cannot be used: {why}; {allowed}{ALLOWED}"


def data_dir_problem() -> str | None:
    """Why the store's folder cannot be used, naming the user's setting and what is allowed;
    None when it can, as far as can be told before writing (a save still reports a failure).
    """
    why = _why_unusable()
    if why is None:
        return None
    return _cannot(why) + ". New saved scenarios and uploaded bases are kept for this session only."


def write_failure(exc: OSError) -> str:
    """The words for a write to the store that failed with ``exc``: the user's setting, why,
    and what is allowed.
    """
    return _cannot(_why_unusable() or f"it cannot be written ({exc.strerror or exc})")


def slug(name: str) -> str:
    """A file name's stem for ``name``: its lowercase letters and digits, joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:40] or "scenario"


def database() -> SavedStore:
    """The store of the data folder (nothing is opened until it is used)."""
    return SavedStore(data_dir())


def list_saved() -> tuple[list[Saved], list[str]]:
    """Every saved scenario, by name, and notices: the store cannot be read now (reading is
    tried again on the next run), or files of an earlier version's folder not copied in.
    """
    db = database()
    try:
        found = db.scenarios()
        skipped = db.not_copied()
    except OSError as exc:
        return [], [
            f"The saved scenarios in {where(DB_NAME)} cannot be read just now "
            f"({exc.strerror or exc}); nothing was changed, and they are read again on the "
            "next action."
        ]
    notices = [
        f"The file {quoted(file, 200)} of an earlier version's saved scenarios was not copied "
        f"into {where(DB_NAME)} ({reason}); it is left as it was."
        for file, reason in skipped
    ]
    return found, notices


def load_base(stored: str) -> str | None:
    """The stored base of id ``stored``, or None when it is not there or cannot be read."""
    if not BASE_ID.fullmatch(stored):
        return None
    try:
        text = database().load_base(stored)
    except OSError:
        return None
    return text if text is not None and base_id(text) == stored else None


def looks(name: str) -> str:
    """How a name reads on a page: NFKC-normalised, without control and format characters
    (zero-width spaces, say), its white space collapsed to single spaces.
    """
    normal = unicodedata.normalize("NFKC", name)
    shown = "".join(c for c in normal if unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(shown.split())


def labels(entries: Sequence[tuple[str, str | None]]) -> list[str]:
    """A label for each saved scenario ``(name, where it is kept, or None when kept for this
    session only)``, no two reading alike (:func:`looks`), so that every one can be told apart
    and chosen.

    A scenario is labelled by its name; when other names read the same, by its name and where
    it is kept: ``name (saved)`` or ``name (this session only)``. A label that still reads
    like an earlier one (a name written to look like another's label) is numbered: ``#2``.
    """
    count = Counter(looks(name) for name, _ in entries)
    taken: set[str] = set()
    out = []
    for name, kept in entries:
        label = name
        if count[looks(name)] > 1:
            label = f"{name} ({kept or 'this session only'})"
        unique, n = label, 1
        while looks(unique) in taken:
            n += 1
            unique = f"{label} #{n}"
        taken.add(looks(unique))
        out.append(unique)
    return out
