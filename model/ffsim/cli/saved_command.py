"""``ffsim scenarios``: the shipped scenarios and the saved ones the explorer and the command
line share.

``list`` prints the shipped scenarios (each one's name and title; every command takes the name
where it takes a scenario file) and then the saved ones (name, version and who saved it when);
``show NAME`` prints a shipped or saved scenario's TOML; ``backup FILE`` writes a copy of the
whole saved store (an SQLite file, written in one step). A saved scenario is run as
``ffsim run saved:NAME`` (also ``compare``, ``explain``, ``export``), a shipped one as
``ffsim run early_response``.
"""

from __future__ import annotations

import argparse
from typing import Any

from ffsim.cli.checks import output_file, printable
from ffsim.core.errors import InputError
from ffsim.core.toml_text import loads_toml
from ffsim.core.writer import write_file
from ffsim.resources import SCENARIO_DIR
from ffsim.scenarios.saved_store import SAVED_PREFIX, SavedStore, data_dir, read_saved
from ffsim.scenarios.scenario_input import read_scenario_text
from ffsim.scenarios.source import BASELINE, shipped_names, shipped_paths


def add_command(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``scenarios`` on the ``ffsim`` parser."""
    s = sub.add_parser(
        "scenarios",
        help="the shipped scenarios (run one by name) and the saved ones shared with the "
        f"explorer (run one as {SAVED_PREFIX}NAME)",
    )
    actions = s.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "list",
        help="the shipped scenarios (name and title), then the saved ones (name, version, when "
        "and by whom each was saved)",
    )
    show = actions.add_parser("show", help="print a shipped or saved scenario's TOML")
    show.add_argument(
        "name",
        help=f"a shipped scenario's name, or a saved one's ({SAVED_PREFIX}NAME, or NAME when "
        "no shipped scenario has it)",
    )
    backup = actions.add_parser("backup", help="write a copy of the whole saved store (SQLite)")
    backup.add_argument("file", metavar="FILE.sqlite3")


def _store() -> SavedStore:
    try:
        return SavedStore(data_dir())
    except RuntimeError as exc:
        raise InputError(f"the saved scenarios' folder cannot be worked out: {exc}") from None


def _cannot(store: SavedStore, exc: OSError) -> InputError:
    return InputError(f"{store.path}: the saved scenarios cannot be read: {exc.strerror or exc}")


def _title(text: str, where: str) -> str:
    """The ``name`` of a scenario's TOML text (empty when it has none or cannot be parsed)."""
    try:
        name = loads_toml(text, where).get("name", "")
    except InputError:
        return ""
    return " ".join(name.split()) if isinstance(name, str) else ""


def baseline_toml() -> str:
    """The calibrated baseline as scenario TOML: a file with only ``base = "baseline"`` and a
    name, the start of a scenario of one's own.
    """
    from ffsim.scenarios.scenario import baseline_scenario
    from ffsim.scenarios.scenario_io import scenario_to_toml

    return scenario_to_toml(baseline_scenario())


def show_text(name: str) -> str:
    """The TOML text ``ffsim scenarios show NAME`` prints: a shipped scenario's file (the
    baseline's TOML for ``baseline``), else the saved scenario NAME (or ``saved:NAME``).
    """
    if name.startswith(SAVED_PREFIX):
        return read_saved(name.removeprefix(SAVED_PREFIX))
    if name == BASELINE:
        return baseline_toml()
    shipped = shipped_paths()
    if name in shipped:
        return read_scenario_text(shipped[name])
    try:
        return read_saved(name)
    except InputError as exc:
        raise InputError(
            f"{exc}; shipped: {', '.join(shipped_names())} (`ffsim scenarios list`)"
        ) from None


def _list_shipped() -> None:
    shipped = shipped_paths()
    print(f"{len(shipped) + 1} shipped scenarios (run one by name: ffsim run early_response)")
    rows = [(BASELINE, "The calibrated baseline (no scenario file)")]
    for name, path in shipped.items():
        try:
            rows.append((name, _title(read_scenario_text(path), str(path))))
        except InputError:
            rows.append((name, ""))
    width = max(len(n) for n, _ in rows)
    for name, title in rows:
        print(f"  {name:<{width}}  {printable(title)}")
    print(
        f"their files are in {printable(str(SCENARIO_DIR))}; a file of the same name in the "
        "current folder is read instead of a shipped one"
    )


def saved_command(args: argparse.Namespace) -> int:
    """``ffsim scenarios list|show|backup``."""
    if args.action == "show":
        print(show_text(args.name), end="")
        return 0
    if args.action == "list":
        _list_shipped()
        print()
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
