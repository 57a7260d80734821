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
from pathlib import Path

from ffsim.scenarios.scenario import MAX_SCENARIO_BYTES

ENV_DATA_DIR = "FFSIM_DATA_DIR"
"""Environment variable that moves the store (tests point it at a temporary folder)."""

SAVED, BASES = "saved_scenarios", "bases"
BASE_ID = re.compile(r"[0-9a-f]{16}")
"""A stored base's id: the first 16 hex digits of the SHA-256 of its text."""


UNUSABLE = Path(os.devnull) / "ffsim-store"
"""Where the store points when ``$FFSIM_DATA_DIR`` cannot be used: a folder that can never be
made, so nothing is written anywhere unexpected and every save reports that it failed."""


def data_dir_problem() -> str | None:
    """Why ``$FFSIM_DATA_DIR`` cannot be used (a ``~user`` that names no user), or None."""
    value = os.environ.get(ENV_DATA_DIR, "")
    try:
        Path(value).expanduser()
    except RuntimeError as exc:
        return (
            f"{ENV_DATA_DIR} = {value!r} cannot be used ({exc}); allowed: a folder path, "
            "absolute or from the working directory, or ~/... for your own home. Saved "
            "scenarios and uploaded bases are not kept in this session."
        )
    return None


def data_dir() -> Path:
    """The store's folder (see the module docstring); it may not exist yet."""
    if os.environ.get(ENV_DATA_DIR):
        if data_dir_problem():
            return UNUSABLE
        return Path(os.environ[ENV_DATA_DIR]).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "")
    root = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return root / "ffsim"


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


def list_saved() -> tuple[dict[str, tuple[Path, str]], list[str]]:
    """Every saved scenario, ``name -> (path, TOML text)`` sorted by name, and notices.

    A file that cannot be read (not UTF-8, not TOML, no name, a FIFO, too large) is moved
    aside with a notice saying where; an unreadable folder is a notice.
    """
    folder = data_dir() / SAVED
    found: dict[str, tuple[Path, str]] = {}
    notices: list[str] = []
    try:
        paths = sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    except OSError as exc:
        return {}, [f"The saved scenarios in {folder} cannot be listed: {exc.strerror or exc}."]
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
        found.setdefault(name, (path, text))
    return dict(sorted(found.items())), notices


def save(name: str, text: str) -> Path:
    """Store ``text`` as the saved scenario ``name`` (replacing one of that name); its path.

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
