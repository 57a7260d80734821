"""The one writer of every file ffsim writes: whole files, replaced in one step, in groups.

Each file is written to a temporary file of its own in the target's folder (``tempfile.mkstemp``:
a new name created exclusively, so a link planted at a predictable name is never followed),
flushed and synced to disk, and then put in place with ``os.replace``, an atomic rename. A reader
sees the old file or the new one, whole; a failed write (a full disk, ``ulimit -f``, an I/O error)
leaves the old file as it was and no temporary file behind.

A group of files (a CSV and its provenance sidecar) is written together: every temporary file is
written first, then each is renamed into place; if a rename fails, the targets already replaced
get their old bytes back, so the group is replaced together or not at all. Writers of one path
on this machine take turns (``filelock``, one lock file per target in a private folder of the
system's temporary directory), so two commands writing one CSV and its sidecar at once leave
one command's pair, never a CSV of one and a sidecar of the other.

A target that is a symbolic link is written through: the link's target is replaced, the link
kept. Names of up to the file system's limit (255 bytes) are written: the temporary name is short
and independent of the target's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_TIMEOUT = 120.0
"""Seconds a writer waits for another writer of the same path before giving up."""

TEMP_PREFIX = ".ffsim-"
"""How the writer's temporary files begin (they end in ``.tmp``)."""


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def _mode(target: Path) -> int:
    """The permissions the new file gets: the old file's, else what the umask allows."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _lock_folder() -> Path | None:
    """A folder of this user's lock files, private to the user; None when none can be made."""
    folder = Path(tempfile.gettempdir()) / f"ffsim-locks-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return None  # a link or another user's folder: never a place for our locks
    return folder


@contextlib.contextmanager
def _locked(targets: Sequence[Path]) -> Iterator[None]:
    """Hold the lock of every target, taken in one order so two groups never wait on each other.

    Without a usable lock folder the files are still replaced atomically, only not in turns.
    """
    folder = _lock_folder()
    if folder is None:
        yield
        return
    with contextlib.ExitStack() as stack:
        for target in sorted(set(targets)):
            key = hashlib.sha256(os.fsencode(target)).hexdigest()[:32]
            lock = FileLock(str(folder / f"{key}.lock"), timeout=LOCK_TIMEOUT)
            try:
                stack.enter_context(lock)
            except Timeout:
                raise OSError(
                    0, f"another process has been writing it for over {LOCK_TIMEOUT:g} s", target
                ) from None
        yield


def _temporary(target: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``target``, synced to disk; its path."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), _mode(target))
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _old_bytes(target: Path) -> bytes | None:
    """What ``target`` holds now (None when it does not exist), to put back on a failure."""
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None


def _put_back(target: Path, old: bytes | None) -> None:
    """Restore ``target`` to ``old`` (remove it when it did not exist), as far as possible."""
    with contextlib.suppress(OSError):
        if old is None:
            target.unlink(missing_ok=True)
        else:
            os.replace(_temporary(target, old), target)


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def write_files(files: Sequence[tuple[Path, bytes | str]]) -> None:
    """Write every ``(path, data)`` of a group, replaced together or not at all (see the module
    docstring); text is written as UTF-8 exactly as given (no newline translation).

    Raises
    ------
    OSError
        Naming the file (``filename``) that could not be written; every target then holds what
        it held before, and no temporary file is left.
    """
    targets = [Path(os.path.realpath(path)) for path, _ in files]
    payloads = [_as_bytes(data) for _, data in files]
    with _locked(targets):
        written: list[Path] = []  # temporary files not yet renamed into place
        try:
            for target, data in zip(targets, payloads, strict=True):
                try:
                    written.append(_temporary(target, data))
                except OSError as exc:
                    raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None
            old = [_old_bytes(t) for t in targets] if len(targets) > 1 else [None]
            for i, (tmp, target) in enumerate(zip(list(written), targets, strict=True)):
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    for j in range(i):
                        _put_back(targets[j], old[j])
                    raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None
                written.remove(tmp)
        finally:
            for tmp in written:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    for folder in {t.parent for t in targets}:
        _sync_folder(folder)


def write_file(path: Path, data: bytes | str) -> None:
    """Write one file in one step (:func:`write_files` with a group of one)."""
    write_files([(path, data)])
