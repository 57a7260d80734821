"""Checks of the files a user names, before any work: inputs must be small regular text files,
outputs writable paths. Every refusal names the option, the path and what is allowed.

Special files (FIFOs, devices, sockets) are never opened, and nothing under /proc, /sys or /dev
is read or written.
"""

from __future__ import annotations

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


def _special_dir(resolved: Path) -> Path | None:
    return next((d for d in SPECIAL_DIRS if resolved.is_relative_to(d)), None)


def check_input_file(option: str, path: Path, max_bytes: int = MAX_INPUT_BYTES) -> None:
    """Refuse an input that cannot be a small UTF-8 text file, without opening anything else.

    Raises
    ------
    InputError
        Naming ``option`` and ``path``: it is under /proc, /sys or /dev, does not exist, is a
        directory, is not a regular file (a FIFO or device is never opened), is empty, is
        larger than ``max_bytes``, cannot be read, or is not UTF-8 text.
    """
    where = f"{option} {path}"
    special = _special_dir(Path(os.path.abspath(path)).resolve())
    if special is not None:
        raise InputError(f"{where}: is under {special}, which holds kernel and device files")
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{where}: does not exist") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot be read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{where}: is a directory; a file is needed")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{where}: is not a regular file (a FIFO, socket or device); a file is needed"
        )
    if info.st_size == 0:
        raise InputError(f"{where}: is empty")
    if info.st_size > max_bytes:
        raise InputError(
            f"{where}: is {info.st_size} bytes; at most {max_bytes} "
            f"({_megabytes(max_bytes)}) allowed"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{where}: cannot be read: {exc.strerror}") from None
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise InputError(f"{where}: is not UTF-8 text (a binary file?)")


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
    resolved = Path(os.path.abspath(path)).resolve()
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
    if not parent.exists():
        raise InputError(f"{where}: directory {path.parent} does not exist")
    if not parent.is_dir():
        raise InputError(f"{where}: {path.parent} is not a directory")
    if info is not None and not os.access(resolved, os.W_OK):
        raise InputError(f"{where}: the file exists and is not writable")
    try:
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".ffsim-write-test-"):
            pass
    except OSError as exc:
        raise InputError(
            f"{where}: cannot write in directory {path.parent}: {exc.strerror or exc}"
        ) from None
