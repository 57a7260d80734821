"""The explorer's local store: saved scenarios and uploaded bases, kept across reloads.

Everything lives in one folder, :func:`data_dir`: ``$FFSIM_DATA_DIR`` when set, else
``$XDG_DATA_HOME/ffsim``, else ``~/.local/share/ffsim``. Saved scenarios are scenario files,
``saved_scenarios/<name>-<hash>.toml`` (``ffsim run`` reads them as they are); an uploaded base
is ``bases/<hash>.toml``, named in the share link by its hash. Files are written atomically (a
temporary file, then a rename). A file that cannot be read is moved aside (``.corrupt``
appended to its name), never deleted. No Streamlit here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ffsim.app.links import quoted
from ffsim.scenarios.scenario import MAX_SCENARIO_BYTES

ENV_DATA_DIR = "FFSIM_DATA_DIR"
"""Environment variable that moves the store (tests point it at a temporary folder)."""

SAVED, BASES = "saved_scenarios", "bases"
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
    """The store's folder as set (see the module docstring).

    Raises
    ------
    RuntimeError
        When it cannot be worked out: a ``~user`` that names no user, no home folder.
    """
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR]).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "")
    root = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return root / "ffsim"


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
    """The store's folder (or its subfolder ``sub``) as messages name it: its path, or the
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
    for sub in (here / SAVED, here / BASES):
        with contextlib.suppress(OSError):
            if not stat.S_ISDIR(sub.stat().st_mode):
                return f"{quoted(str(sub), 200)} is a file, not a folder"
            if not os.access(sub, os.W_OK | os.X_OK):
                return f"{quoted(str(sub), 200)} cannot be written (no permission)"
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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def slug(name: str) -> str:
    """A file name's stem for ``name``: its lowercase letters and digits, joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:40] or "scenario"


def saved_path(name: str) -> Path:
    """The file of the saved scenario ``name``: its slug and a hash of the name."""
    return data_dir() / SAVED / f"{slug(name)}-{_digest(name)[:12]}.toml"


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a reader sees the old file or the new, whole.

    Raises
    ------
    OSError
        When the folder cannot be made or the file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_text(path: Path) -> str:
    """A stored file's text, read without following a FIFO or a device, size-capped.

    Raises
    ------
    OSError
        When it cannot be opened; ValueError when it is not a small regular UTF-8 file.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = f.read(MAX_SCENARIO_BYTES + 1)
    if len(data) > MAX_SCENARIO_BYTES:
        raise ValueError(f"larger than {MAX_SCENARIO_BYTES} bytes")
    return data.decode("utf-8").removeprefix("\ufeff")  # a BOM, as a scenario file may have


def set_aside(path: Path) -> Path:
    """Move an unreadable file out of the way (``.corrupt``, numbered if taken); its new path."""
    target = path.with_name(path.name + ".corrupt")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt{n}")
    os.replace(path, target)
    return target


def _name_of(text: str) -> str:
    """The ``name`` of a saved scenario's text; ValueError when there is none."""
    try:
        raw = tomllib.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("it has no name")
    return name


def stamp() -> int:
    """Modification time (ns) of the saved scenarios' folder, -1 when it does not exist: it
    changes whenever a file is added, replaced, moved aside or removed.
    """
    try:
        return (data_dir() / SAVED).stat().st_mtime_ns
    except OSError:
        return -1


class Stored(NamedTuple):
    """A saved scenario's file in the store: the scenario's ``name``, the file, its text."""

    name: str
    path: Path
    text: str


def list_saved() -> tuple[list[Stored], list[str]]:
    """Every saved scenario file, sorted by name then file (two files may carry one name: a
    copied or edited store), and notices.

    A file that cannot be read (not UTF-8, not TOML, no name, a FIFO, too large) is moved
    aside with a notice saying where; an unreadable folder is a notice.
    """
    folder = data_dir() / SAVED
    found: list[Stored] = []
    notices: list[str] = []
    try:
        paths = sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    except OSError as exc:
        return [], [
            f"The saved scenarios in {where(SAVED)} cannot be listed: {exc.strerror or exc}."
        ]
    for path in paths:
        try:
            text = read_text(path)
            name = _name_of(text)
        except FileNotFoundError:
            continue  # removed by another session meanwhile
        except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError included
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            try:
                aside = set_aside(path)
                notices.append(
                    f"The saved scenario file {path} cannot be read ({reason}); it was moved "
                    f"aside to {aside.name}, not deleted."
                )
            except OSError:
                notices.append(f"The saved scenario file {path} cannot be read ({reason}).")
            continue
        found.append(Stored(name, path, text))
    return sorted(found, key=lambda s: (s.name, s.path)), notices


def looks(name: str) -> str:
    """How a name reads on a page: NFKC-normalised, without control and format characters
    (zero-width spaces, say), its white space collapsed to single spaces.
    """
    normal = unicodedata.normalize("NFKC", name)
    shown = "".join(c for c in normal if unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(shown.split())


def labels(entries: Sequence[tuple[str, Path | None]]) -> list[str]:
    """A label for each saved scenario ``(name, file or None when kept for this session only)``,
    no two reading alike (:func:`looks`), so that every one can be told apart and chosen.

    A scenario is labelled by its name; when other names read the same, by its name and where
    it is kept: ``name (file name)`` or ``name (this session only)``. A label that still reads
    like an earlier one (a name written to look like another's label) is numbered: ``#2``.
    """
    count = Counter(looks(name) for name, _ in entries)
    taken: set[str] = set()
    out = []
    for name, path in entries:
        label = name
        if count[looks(name)] > 1:
            label = f"{name} ({path.name if path else 'this session only'})"
        unique, n = label, 1
        while looks(unique) in taken:
            n += 1
            unique = f"{label} #{n}"
        taken.add(looks(unique))
        out.append(unique)
    return out


def save(name: str, text: str) -> Path:
    """Store ``text`` as the saved scenario ``name`` in that name's file (:func:`saved_path`,
    replacing it when there; another file carrying the same name is left as it is); its path.

    Raises
    ------
    OSError
        When the store cannot be written.
    """
    path = saved_path(name)
    write_text(path, text)
    return path


def remove(path: Path) -> None:
    """Delete a saved scenario's file (gone already is fine)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def save_base(text: str) -> str:
    """Keep a base's text under its id (once); the id.

    Raises
    ------
    OSError
        When the store cannot be written.
    """
    stored = base_id(text)
    path = data_dir() / BASES / f"{stored}.toml"
    if not path.exists():
        write_text(path, text)
    return stored


def base_id(text: str) -> str:
    """The id a base's text is stored under."""
    return _digest(text)[:16]


def load_base(stored: str) -> str | None:
    """The stored base of id ``stored``, or None when it is not there or cannot be read."""
    if not BASE_ID.fullmatch(stored):
        return None
    try:
        text = read_text(data_dir() / BASES / f"{stored}.toml")
    except (OSError, ValueError):
        return None
    return text if base_id(text) == stored else None
