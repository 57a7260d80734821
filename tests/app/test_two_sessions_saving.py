"""Two explorer sessions saving, replacing and deleting the same names in a loop lose nothing
(issue 23's done-when): two real processes, each calling what the Scenarios page calls
(``saved.replaced_by``, ``saved.save``, ``saved.delete`` of ``ffsim.app.saved``, on the store of
one data folder), each keeping a log of what it was told.

At the end, for every name: each version a session was told it saved is either the one the
store holds, or was acted on by exactly one later change a session was told succeeded (a
Replace of that version, or a Delete of it); no change succeeded against a version nobody was
told was saved; no version number was told twice; and nothing was answered but success or the
documented conflict ("Not saved: ..."/"Not deleted: ..."), never an exception, never a
scenario kept "for this session only".

The fast tier runs it for 3 seconds; the slow tier (``make test-slow``) for a minute.
"""

from __future__ import annotations

import collections
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ffsim.scenarios.saved_store import SavedStore

HERE = Path(__file__).resolve().parent
NAMES = ("shared 0", "shared 1", "shared 2")
VERSION = re.compile(r"^Saved .* \(version (\d+)\) in ")
CONFLICT = ("Not saved: ", "Not deleted: ")


def session(who: str, seconds: float, folder: str, seed: int) -> None:
    """One session's loop, run in a process of its own (``python -c``); its log is
    ``folder/<who>.log``, one JSON line per operation."""
    import logging

    logging.disable(logging.WARNING)  # Streamlit's bare-mode warnings, once per call
    import streamlit as st

    from ffsim.app import saved, state

    state.init()
    rng = random.Random(seed)
    root = Path(folder)
    (root / f"{who}.ready").touch()
    while not all((root / f"{w}.ready").exists() for w in "ab"):
        time.sleep(0.01)  # both sessions start their loops together
    end = time.monotonic() + seconds
    with open(root / f"{who}.log", "w", encoding="utf-8") as log:
        while time.monotonic() < end:
            name, action = rng.choice(NAMES), rng.choice(("save", "save", "delete"))
            shift = rng.choice([s for s in range(-36, 37) if s])
            st.session_state[state.CHANGES]["levers"]["prevention_shift"] = shift
            row: dict = {"who": who, "name": name, "shift": shift}
            try:
                entry = saved.replaced_by(name)  # what the page lists for this name
                if rng.random() < 0.5:
                    time.sleep(rng.random() * 0.01)  # the user reading before clicking
                if action == "delete" and entry is None:
                    continue
                if action == "delete":
                    assert entry is not None
                    row |= {"op": "delete", "seen": entry.version}
                    ok, said = saved.delete(entry)
                else:  # Save; on a taken name the page asks, and the user confirms Replace
                    seen = None if entry is None else entry.version
                    row |= {"op": "save" if seen is None else "replace", "seen": seen}
                    ok, said = saved.save(name, seen)
                found = VERSION.match(said) if ok else None
                if ok and (row["op"] == "delete" or found):
                    row |= {"outcome": "ok", "version": int(found[1]) if found else None}
                elif not ok and said.startswith(CONFLICT):
                    row |= {"outcome": "conflict"}
                else:
                    row |= {"outcome": "other"}
                row["said"] = said
            except Exception as exc:  # every exception is logged, and fails the test
                row |= {"outcome": "raised", "said": repr(exc)}
            log.write(json.dumps(row) + "\n")


def run_two_sessions(folder: Path, seconds: float) -> list[dict]:
    """Run two sessions on the data folder ``folder`` for ``seconds``; every logged operation."""
    env = {**os.environ, "FFSIM_DATA_DIR": str(folder / "data")}
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from test_two_sessions_saving import session; "
        "session(sys.argv[2], float(sys.argv[3]), sys.argv[4], int(sys.argv[5]))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(HERE), who, str(seconds), str(folder), str(seed)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, seed in (("a", 1), ("b", 2))
    ]
    for p in procs:
        _, err = p.communicate(timeout=seconds + 300)
        assert p.returncode == 0, err[-3000:]
    logs = [(folder / f"{who}.log").read_text("utf-8") for who in "ab"]
    return [json.loads(line) for text in logs for line in text.splitlines()]


def check(rows: list[dict], store: SavedStore) -> collections.Counter:
    """Assert that nothing was lost (see the module docstring); the counts of operations."""
    counts = collections.Counter(f"{r['op']} {r['outcome']}" for r in rows)
    bad = [r for r in rows if r["outcome"] not in ("ok", "conflict")]
    assert bad == [], bad[:5]
    done = [r for r in rows if r["outcome"] == "ok"]
    told = [r["version"] for r in done if r["op"] != "delete"]
    assert len(told) == len(set(told)), "a version number was told twice"
    assert {r["who"] for r in done} == {"a", "b"}  # both sessions changed things
    for name in NAMES:
        saves = {r["version"]: r for r in done if r["name"] == name and r["op"] != "delete"}
        acted_on = collections.Counter(
            r["seen"] for r in done if r["name"] == name and r["seen"] is not None
        )
        assert set(acted_on) <= set(saves), "a change succeeded against a version never told"
        assert max(acted_on.values(), default=1) == 1, "two changes succeeded on one version"
        left = sorted(set(saves) - set(acted_on))
        held = store.get(name)
        if held is None:
            assert left == [], f"{name}: saved versions {left} are gone, never deleted"
        else:
            assert left == [held.version], f"{name}: the store holds {held}, saved {left}"
            assert f"prevention_shift = {saves[held.version]['shift']}\n" in held.text
        news = sum(1 for r in done if r["name"] == name and r["op"] == "save")
        deletes = sum(1 for r in done if r["name"] == name and r["op"] == "delete")
        assert news == deletes + (held is not None)
    return counts


def _summary(counts: collections.Counter) -> str:
    total = sum(counts.values())
    conflicts = sum(n for k, n in counts.items() if k.endswith("conflict"))
    return f"{total} operations, {conflicts} conflicts: " + ", ".join(
        f"{k} {n}" for k, n in sorted(counts.items())
    )


@pytest.mark.parametrize(
    "seconds",
    [pytest.param(3.0, id="3s"), pytest.param(60.0, id="60s", marks=pytest.mark.slow)],
)
def test_two_sessions_saving_replacing_and_deleting_one_set_of_names_lose_nothing(
    tmp_path, seconds, record_property
):
    rows = run_two_sessions(tmp_path, seconds)
    counts = check(rows, SavedStore(tmp_path / "data"))
    assert counts["save ok"] and counts["replace ok"] and counts["delete ok"]
    record_property("operations", _summary(counts))
    print(_summary(counts))
