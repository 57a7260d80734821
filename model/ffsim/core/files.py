"""Checks of the files a user names, before any work: inputs must be small regular text files,
outputs writable paths. Every refusal names the option, the path and what is allowed.

Special files (FIFOs, devices, sockets) are never opened, and nothing under /proc, /sys or /dev
is read or written. The size of an input is counted while reading it (:func:`read_capped`), never
taken from ``stat`` alone, so a growing file cannot pass a cap.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from ffsim.core.errors import InputError

MAX_INPUT_BYTES = 5_000_000
"""Largest --data or --config file accepted."""

MAX_ARTIFACT_BYTES = 50_000_000
"""Largest artifact ``--check`` reads."""

SPECIAL_DIRS = (Path("/proc"), Path("/sys"), Path("/dev"))
"""Kernel and device file systems: never an input file or a place for an artifact."""


def _megabytes(n: int) -> str:
    return f"{n / 1e6:g} MB"


def size_limit(max_bytes: int) -> str:
    """What a size cap allows, as said in every refusal: ``at most 1000000 (1 MB) allowed``."""
    return f"at most {max_bytes} ({_megabytes(max_bytes)}) allowed"


def _special_dir(resolved: Path) -> Path | None:
    return next((d for d in SPECIAL_DIRS if resolved.is_relative_to(d)), None)


def _resolved(where: str, path: Path) -> Path:
    """The absolute path with links followed; a path that cannot be one is refused."""
    if "\x00" in str(path):
        raise InputError(f"{where}: holds a NUL byte; not a path")
    try:
        return Path(os.path.abspath(path)).resolve()
    except RuntimeError:  # what resolve() raises on a loop (Python 3.11 and 3.12)
        raise InputError(f"{where}: is a loop of symbolic links; a file is needed") from None
    except (OSError, ValueError) as exc:
        if getattr(exc, "errno", None) == errno.ELOOP:
            raise InputError(f"{where}: is a loop of symbolic links; a file is needed") from None
        raise InputError(
            f"{where}: cannot be used: {getattr(exc, 'strerror', None) or exc}"
        ) from None


def missing_target(path: Path) -> str:
    """Where the symbolic link ``path`` points when that does not exist (empty when ``path``
    is not such a link): what a message names instead of saying that ``path`` is missing.
    """
    try:
        if not os.path.islink(path) or os.path.exists(path):
            return ""
        return os.readlink(path)
    except (OSError, ValueError):
        return ""


def _refuse_special(where: str, path: Path) -> None:
    special = _special_dir(_resolved(where, path))
    if special is not None:
        raise InputError(f"{where}: is under {special}, which holds kernel and device files")


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "is a directory; a file is needed"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a FIFO, socket or device); a file is needed"
    return None


def read_capped(where: str, path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them, counted while reading.

    The file is checked with ``stat`` before it is opened, so a FIFO, socket or device is
    never opened; it is then opened without blocking and checked again (``fstat``) in case it
    was swapped meanwhile. The size ``stat`` reports is not trusted: reading stops one byte
    past the cap, so a file that grows, or reports size 0, is refused after at most
    ``max_bytes + 1`` bytes.

    Raises
    ------
    InputError
        Naming ``where`` (the option or file): it is under /proc, /sys or /dev, does not exist,
        is a directory or not a regular file, is larger than ``max_bytes``, or cannot be read.
    """
    _refuse_special(where, path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        target = missing_target(path)
        if target:
            raise InputError(
                f"{where}: is a symbolic link to {target}, which does not exist"
            ) from None
        raise InputError(f"{where}: does not exist") from None
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{where}: cannot be read: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    problem = _kind_problem(info.st_mode)
    if problem is not None:
        raise InputError(f"{where}: {problem}")
    too_big = size_limit(max_bytes)
    if info.st_size > max_bytes:
        raise InputError(f"{where}: is {info.st_size} bytes; {too_big}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{where}: cannot be read: {exc.strerror or exc}") from None
    try:
        problem = _kind_problem(os.fstat(fd).st_mode)
        if problem is not None:
            raise InputError(f"{where}: {problem}")
        chunks, n = [], 0
        while n <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - n))
            if not chunk:
                break
            chunks.append(chunk)
            n += len(chunk)
    except OSError as exc:
        raise InputError(f"{where}: cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if n > max_bytes:
        raise InputError(f"{where}: holds more than {max_bytes} bytes; {too_big}")
    return b"".join(chunks)


def decode_text(where: str, data: bytes) -> str:
    """UTF-8 text from ``data``, without a leading byte-order mark.

    Raises
    ------
    InputError
        Naming ``where``: the bytes are not UTF-8, or hold NUL bytes.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not a UTF-8 text file (byte {exc.start} cannot be decoded); "
            "allowed: UTF-8 text"
        ) from None
    if "\x00" in text:
        raise InputError(f"{where}: contains NUL bytes; not a text file")
    return text.removeprefix("\ufeff")


def read_input_text(option: str, path: Path, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The text of an input file, read once with every check of :func:`check_input_file`."""
    where = f"{option} {path}"
    raw = read_capped(where, path, max_bytes)
    if not raw:
        raise InputError(f"{where}: is empty")
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise InputError(f"{where}: is not UTF-8 text (a binary file?)")
    return text


def check_input_file(option: str, path: Path, max_bytes: int = MAX_INPUT_BYTES) -> None:
    """Refuse an input that cannot be a small UTF-8 text file, without opening anything else.

    Raises
    ------
    InputError
        Naming ``option`` and ``path``: it is under /proc, /sys or /dev, does not exist, is a
        directory, is not a regular file (a FIFO or device is never opened), is empty, is
        larger than ``max_bytes`` (counted while reading), cannot be read, or is not UTF-8 text.
    """
    read_input_text(option, path, max_bytes)


def check_output_file(option: str, path: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done.

    Raises
    ------
    InputError
        Naming ``option`` and ``path``: it is under /proc, /sys or /dev, is a directory or
        another non-regular file, its directory does not exist, or nothing can be written there
        (tested by creating and removing a temporary file in that directory).
    """
    where = f"{option} {path}"
    resolved = _resolved(where, path)
    special = _special_dir(resolved)
    if special is not None:
        raise InputError(
            f"{where}: is under {special}, which holds kernel and device files; "
            "choose a file in a writable directory"
        )
    try:
        info = resolved.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"{where}: cannot be used: {exc.strerror}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError(
            f"{where}: is a directory; give a file name such as {path / 'baseline.json'}"
        )
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(f"{where}: exists and is not a regular file (a FIFO, socket or device)")
    parent = resolved.parent
    # A symbolic link is written through (its target is created or replaced), so a link to
    # nothing is refused only when its target cannot be created: the message names the target.
    target = missing_target(path)
    link = f"is a symbolic link to {target}, whose directory" if target else "directory"
    if not parent.exists():
        raise InputError(f"{where}: {link} {parent if target else path.parent} does not exist")
    if not parent.is_dir():
        raise InputError(f"{where}: {link} {parent if target else path.parent} is not a directory")
    if info is not None and not os.access(resolved, os.W_OK):
        raise InputError(f"{where}: the file exists and is not writable")
    try:
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".ffsim-write-test-"):
            pass
    except OSError as exc:
        raise InputError(
            f"{where}: cannot write in directory {path.parent}: {exc.strerror or exc}"
        ) from None
