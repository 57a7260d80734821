"""``ffsim scenarios``: the saved scenarios the explorer and the command line share.

``list`` prints each one's name, version and who saved it when; ``show NAME`` prints its TOML;
``backup FILE`` writes a copy of the whole store (an SQLite file, written in one step). A saved
scenario is run as ``ffsim run saved:NAME`` (also ``compare``, ``explain``, ``export``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ffsim.cli.checks import output_file, printable
from ffsim.core.errors import InputError
from ffsim.core.writer import write_file
from ffsim.scenarios.saved_store import SAVED_PREFIX, SavedStore, data_dir, read_saved


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``scenarios`` on the ``ffsim`` parser."""
    s = sub.add_parser(
        "scenarios",
        help=f"the saved scenarios shared with the explorer (run one as {SAVED_PREFIX}NAME)",
    )
    actions = s.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="name, version, when and by whom each was saved")
    show = actions.add_parser("show", help="print a saved scenario's TOML")
    show.add_argument("name")
    backup = actions.add_parser("backup", help="write a copy of the whole store (SQLite)")
    backup.add_argument("file", metavar="FILE.sqlite3")


def _store() -> SavedStore:
    try:
        return SavedStore(data_dir())
    except RuntimeError as exc:
        raise InputError(f"the saved scenarios' folder cannot be worked out: {exc}") from None


def _cannot(store: SavedStore, exc: OSError) -> InputError:
    return InputError(f"{store.path}: the saved scenarios cannot be read: {exc.strerror or exc}")


def saved_command(args: argparse.Namespace) -> int:
    """``ffsim scenarios list|show|backup``."""
    if args.action == "show":
        print(read_saved(args.name), end="")
        return 0
    store = _store()
    if args.action == "backup":
        out = output_file("FILE", args.file, inputs=(store.path,))
        assert out is not None
        try:
            data = store.snapshot()
        except OSError as exc:
            raise _cannot(store, exc) from None
        try:
            write_file(out, data)
        except OSError as exc:
            raise InputError(f"FILE {out}: cannot write: {exc.strerror or exc}") from None
        print(f"wrote {out}: a copy of {store.path}")
        return 0
    try:
        found = store.scenarios()
    except OSError as exc:
        raise _cannot(store, exc) from None
    print(f"{len(found)} saved scenarios in {store.path}")
    for s in found:
        name, by = printable(s.name), printable(s.saved_by)
        print(f"  {SAVED_PREFIX}{name}  (version {s.version}, {s.saved_utc}, {by})")
    return 0
