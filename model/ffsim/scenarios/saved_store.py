"""Saved scenarios: one SQLite database that the explorer and the command line share.

The database is ``saved_scenarios.sqlite3`` in the data folder (:func:`data_dir`). It holds each
saved scenario's TOML text under its name with a version, when and by whom it was saved, and
the uploaded bases by the id of their text. Every change is a transaction (the standard
library's ``sqlite3``, write-ahead log), and Save, Replace and Delete succeed only against the
version the user saw: otherwise :class:`ConflictError` says who changed it, and the caller offers
both. Versions come from one counter, so a name deleted and saved again never gets a version a
user saw before.

On first use a folder of scenario files from earlier versions (``saved_scenarios/*.toml``, and
files an earlier version had moved aside as ``.corrupt``) is copied in, in one transaction, every
file under its name (a second file carrying a name already taken gets its file's name added);
the files are left as they were. Nothing else outside the database is read: a link, a FIFO or a
file too large is not followed, and is listed as not copied.

A read or write that fails (the database busy for longer than :data:`BUSY_SECONDS`, an I/O
error, too many open files) is retried and then reported as a :class:`StoreError` naming the
database; nothing is ever renamed or deleted because it could not be read. No Streamlit here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import stat
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple, TypeVar

from ffsim.core.errors import InputError
from ffsim.scenarios.scenario_input import MAX_SCENARIO_BYTES

SAVED_PREFIX = "saved:"
"""How the command line names a saved scenario: ``ffsim run saved:NAME``."""

ENV_DATA_DIR = "FFSIM_DATA_DIR"
"""Environment variable that moves the data folder (tests point it at a temporary folder)."""

DB_NAME = "saved_scenarios.sqlite3"
"""The database's file name in the data folder."""

LEGACY_SAVED, LEGACY_BASES = "saved_scenarios", "bases"
"""Folders of scenario files that earlier versions kept; copied in on first use."""

BUSY_SECONDS = 10.0
"""How long a transaction waits for another session's to finish."""

ATTEMPTS = 3
"""How many times a failed read or write is tried before it is reported."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenario (
    name TEXT PRIMARY KEY, text TEXT NOT NULL, version INTEGER NOT NULL,
    saved_utc TEXT NOT NULL, saved_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS base (id TEXT PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS not_copied (file TEXT PRIMARY KEY, reason TEXT NOT NULL);
"""

T = TypeVar("T")


def data_dir() -> Path:
    """The data folder: ``$FFSIM_DATA_DIR`` when set, else ``$XDG_DATA_HOME/ffsim``, else
    ``~/.local/share/ffsim``; it may not exist yet.

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


class Saved(NamedTuple):
    """A saved scenario: its name, TOML text, version, and when (UTC) and by whom it was saved."""

    name: str
    text: str
    version: int
    saved_utc: str
    saved_by: str


class StoreError(OSError):
    """The database could not be read or written (after :data:`ATTEMPTS` tries)."""


class ConflictError(Exception):
    """A change asked against a version that is no longer the current one.

    Attributes
    ----------
    name : str
        The scenario's name.
    seen : int or None
        The version the user saw (None: no scenario of that name).
    current : Saved or None
        What the store holds now (None: it was deleted).
    """

    def __init__(self, name: str, seen: int | None, current: Saved | None) -> None:
        self.name, self.seen, self.current = name, seen, current
        if current is None:
            now = "it has been deleted meanwhile"
        else:
            now = (
                f"it was saved by {current.saved_by} at {current.saved_utc} "
                f"(version {current.version})"
            )
        super().__init__(f"saved scenario {name!r}: {now}; the version you saw was {seen}")


def base_id(text: str) -> str:
    """The id an uploaded base's text is stored under: 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _read_plain_file(path: Path) -> str:
    """A file's text, refusing links, FIFOs, devices and files over the scenario size cap."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = f.read(MAX_SCENARIO_BYTES + 1)
    if len(data) > MAX_SCENARIO_BYTES:
        raise ValueError(f"larger than {MAX_SCENARIO_BYTES} bytes")
    return data.decode("utf-8").removeprefix("\ufeff")


def _name_in(text: str) -> str:
    """The ``name`` of a scenario's text; ValueError when there is none."""
    try:
        name = tomllib.loads(text).get("name")
    except RecursionError:
        raise ValueError("nested too deeply to read") from None
    if not isinstance(name, str) or not name.strip():
        raise ValueError("it has no name")
    return name


class SavedStore:
    """The saved scenarios and uploaded bases in the database of ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DB_NAME

    # -- connections -------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.lstat(self.path).st_mode):
                raise StoreError(0, "is not a regular file (a link, a folder?)", str(self.path))
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SCHEMA)
            self._copy_folder_once(db)
        except BaseException:
            db.close()
            raise
        return db

    def _attempt(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` on a new connection, tried :data:`ATTEMPTS` times; a StoreError after."""
        for attempt in range(ATTEMPTS):
            try:
                db = self._open()
                try:
                    return work(db)
                finally:
                    db.close()
            except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as exc:
                if isinstance(exc, StoreError) or attempt == ATTEMPTS - 1:
                    if isinstance(exc, StoreError):
                        raise
                    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                    raise StoreError(0, f"cannot be used ({why})", str(self.path)) from exc
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    @staticmethod
    @contextlib.contextmanager
    def _transaction(db: sqlite3.Connection) -> Iterator[None]:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- the folder of earlier versions --------------------------------------------------------

    def _copy_folder_once(self, db: sqlite3.Connection) -> None:
        """Copy the scenario files of earlier versions in, once, in one transaction."""
        if db.execute("SELECT 1 FROM meta WHERE key = 'copied_folder'").fetchone():
            return
        with self._transaction(db):
            if db.execute("SELECT 1 FROM meta WHERE key = 'copied_folder'").fetchone():
                return  # another session copied them meanwhile
            self._copy_saved(db)
            self._copy_bases(db)
            db.execute("INSERT INTO meta VALUES ('copied_folder', ?)", (_now(),))

    def _legacy_files(self, sub: str) -> list[Path]:
        folder = self.folder / sub
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [
            Path(e.path)
            for e in entries
            if not e.name.startswith(".")
            and (e.name.endswith(".toml") or ".toml.corrupt" in e.name)
        ]

    def _copy_saved(self, db: sqlite3.Connection) -> None:
        for path in self._legacy_files(LEGACY_SAVED):
            try:
                text = _read_plain_file(path)
                name = _name_in(text)
            except (OSError, ValueError) as exc:  # TOML and UTF-8 errors are ValueErrors
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                db.execute("INSERT OR REPLACE INTO not_copied VALUES (?, ?)", (str(path), reason))
                continue
            held = db.execute("SELECT text FROM scenario WHERE name = ?", (name,)).fetchone()
            if held is not None and held[0] == text:
                continue
            if held is not None:
                name = f"{name} ({path.name})"
            version = self._next_version(db)
            db.execute(
                "INSERT OR REPLACE INTO scenario VALUES (?, ?, ?, ?, ?)",
                (name, text, version, _now(), f"the file {path}"),
            )

    def _copy_bases(self, db: sqlite3.Connection) -> None:
        for path in self._legacy_files(LEGACY_BASES):
            with contextlib.suppress(OSError, ValueError):
                text = _read_plain_file(path)
                if path.name == f"{base_id(text)}.toml":
                    db.execute("INSERT OR IGNORE INTO base VALUES (?, ?)", (base_id(text), text))

    @staticmethod
    def _next_version(db: sqlite3.Connection) -> int:
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        version = (int(row[0]) if row else 0) + 1
        db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (str(version),))
        return version

    # -- saved scenarios -----------------------------------------------------------------------

    def scenarios(self) -> list[Saved]:
        """Every saved scenario, by name."""
        rows = self._attempt(
            lambda db: db.execute("SELECT * FROM scenario ORDER BY name").fetchall()
        )
        return [Saved(*row) for row in rows]

    def get(self, name: str) -> Saved | None:
        """The saved scenario ``name``, or None."""
        return self._attempt(lambda db: _current(db, name))

    def not_copied(self) -> list[tuple[str, str]]:
        """Files of the earlier folder that could not be copied in, with the reason."""
        return self._attempt(
            lambda db: db.execute("SELECT * FROM not_copied ORDER BY file").fetchall()
        )

    def save(self, name: str, text: str, seen: int | None, by: str) -> Saved:
        """Store ``text`` as ``name`` if the current version is ``seen`` (None: no scenario
        of that name exists); the stored scenario.

        Raises
        ------
        ConflictError
            When the current version is not ``seen``.
        StoreError
            When the database cannot be written.
        """

        def work(db: sqlite3.Connection) -> Saved:
            with self._transaction(db):
                current = _current(db, name)
                if (None if current is None else current.version) != seen:
                    raise ConflictError(name, seen, current)
                new = Saved(name, text, self._next_version(db), _now(), by)
                db.execute("INSERT OR REPLACE INTO scenario VALUES (?, ?, ?, ?, ?)", new)
            return new

        return self._attempt(work)

    def delete(self, name: str, seen: int) -> None:
        """Delete ``name`` if its current version is ``seen``.

        Raises
        ------
        ConflictError
            When it was changed or deleted meanwhile.
        StoreError
            When the database cannot be written.
        """

        def work(db: sqlite3.Connection) -> None:
            with self._transaction(db):
                current = _current(db, name)
                if current is None or current.version != seen:
                    raise ConflictError(name, seen, current)
                db.execute("DELETE FROM scenario WHERE name = ?", (name,))

        self._attempt(work)

    # -- uploaded bases ------------------------------------------------------------------------

    def save_base(self, text: str) -> str:
        """Keep an uploaded base's text (once); its id."""
        stored = base_id(text)
        self._attempt(
            lambda db: db.execute("INSERT OR IGNORE INTO base VALUES (?, ?)", (stored, text))
        )
        return stored

    def load_base(self, stored: str) -> str | None:
        """The base of id ``stored``, or None when there is none."""
        row = self._attempt(
            lambda db: db.execute("SELECT text FROM base WHERE id = ?", (stored,)).fetchone()
        )
        return None if row is None else row[0]

    # -- a copy --------------------------------------------------------------------------------

    def snapshot(self) -> bytes:
        """The whole database as one consistent SQLite file's bytes (a backup)."""
        return self._attempt(lambda db: db.serialize())


def read_saved(name: str) -> str:
    """The TOML text of the saved scenario ``name`` in the data folder's store.

    Raises
    ------
    InputError
        Naming ``saved:NAME``: no such saved scenario (the names saved are listed), or the
        store cannot be read.
    """
    where = f"{SAVED_PREFIX}{name}"
    try:
        store = SavedStore(data_dir())
        if not store.path.exists() and not (store.folder / LEGACY_SAVED).is_dir():
            raise InputError(f"{where}: no saved scenarios yet (none in {store.path})")
        found = store.get(name)
        names = [s.name for s in store.scenarios()] if found is None else []
    except (OSError, RuntimeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{where}: the saved scenarios cannot be read: {why}") from None
    if found is None:
        listed = ", ".join(repr(n) for n in names[:20]) or "none"
        raise InputError(f"{where}: no saved scenario of that name; saved: {listed}")
    return found.text


def _current(db: sqlite3.Connection, name: str) -> Saved | None:
    """The stored scenario ``name`` as the transaction sees it, or None."""
    row = db.execute("SELECT * FROM scenario WHERE name = ?", (name,)).fetchone()
    return None if row is None else Saved(*row)
