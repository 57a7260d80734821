"""The saved-scenario store (issue 23): changes only against the version seen, nothing lost to
sessions saving at once, a transient read error reported and never a renamed file, nothing read
outside the store, the command line reads saved scenarios by name."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from ffsim.cli.main import main
from ffsim.scenarios import saved_store
from ffsim.scenarios.saved_store import ConflictError, SavedStore, StoreError

TEXT = 'name = "{name}"\n[levers]\nprevention_shift = {shift}\n'


def text(name: str, shift: int = -6) -> str:
    return TEXT.format(name=name, shift=shift)


def test_save_replace_and_delete_act_only_on_the_version_seen(tmp_path):
    store = SavedStore(tmp_path)
    first = store.save("mine", text("mine"), None, "session A")
    with pytest.raises(ConflictError) as info:  # B saw no "mine": told who saved it
        store.save("mine", text("mine", -12), None, "session B")
    assert info.value.current == first and "session A" in str(info.value)
    second = store.save("mine", text("mine", -12), first.version, "session B")
    with pytest.raises(ConflictError):  # A confirms a Replace of the version it saw
        store.save("mine", text("mine", -3), first.version, "session A")
    with pytest.raises(ConflictError):  # nor a Delete of it
        store.delete("mine", first.version)
    assert store.get("mine") == second
    store.delete("mine", second.version)
    again = store.save("mine", text("mine"), None, "session A")
    assert again.version > second.version  # a version seen before never comes back


def _hammer(folder: str, who: str, seconds: float, log: str) -> None:
    """Save, replace and delete three names in a loop; log every change that succeeded."""
    store = SavedStore(Path(folder))
    done: list[str] = []
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        name = f"shared {i % 3}"
        seen = store.get(name)
        try:
            if seen is not None and i % 4 == 3:
                store.delete(name, seen.version)
                done.append(f"delete\t{name}\t{seen.version}")
            else:
                new = store.save(
                    name, text(name, -(i % 12)), None if seen is None else seen.version, who
                )
                done.append(f"save\t{name}\t{new.version}\t{who}")
        except ConflictError:
            pass
        i += 1
    Path(log).write_text("\n".join(done) + "\n", "utf-8")


@pytest.mark.slow  # several processes at once: `make test-slow` (fast-tier budget, README)
def test_two_processes_saving_replacing_and_deleting_one_set_of_names_lose_nothing(tmp_path):
    """Every change a session was told had succeeded is in the store's history: the versions
    each name went through, replayed in order, end at what the store holds."""
    logs = [tmp_path / f"{who}.log" for who in "ab"]
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_hammer, args=(str(tmp_path), who, 4.0, str(log)))
        for who, log in zip("ab", logs, strict=True)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    events = [line.split("\t") for log in logs for line in log.read_text().splitlines() if line]
    saves = [e for e in events if e[0] == "save"]
    assert len(saves) > 20 and {e[3] for e in saves} == {"a", "b"}  # both sessions worked
    versions = [int(e[2]) for e in saves]
    assert len(versions) == len(set(versions))  # no two saves were told the same version
    store = SavedStore(tmp_path)
    for name in (f"shared {k}" for k in range(3)):
        history = sorted(
            (int(e[2]), e[0]) for e in events if e[1] == name and e[0] in ("save", "delete")
        )
        latest_save = max((v for v, kind in history if kind == "save"), default=None)
        deleted = {v for v, kind in history if kind == "delete"}
        held = store.get(name)
        if held is None:
            assert latest_save in deleted  # the last version saved was deleted, knowingly
        else:
            assert held.version == latest_save  # the last save told "saved" is what is held


def test_a_transient_read_error_is_retried_and_reported_never_a_renamed_file(tmp_path, monkeypatch):
    store = SavedStore(tmp_path)
    store.save("mine", text("mine"), None, "a session")
    real = sqlite3.connect
    failures = iter([OSError(24, "Too many open files")] * 2)

    def flaky(*args, **kwargs):
        exc = next(failures, None)
        if exc is not None:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(saved_store.sqlite3, "connect", flaky)
    assert [s.name for s in store.scenarios()] == ["mine"]  # the third try reads it
    monkeypatch.setattr(
        saved_store.sqlite3, "connect", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "EIO"))
    )
    with pytest.raises(StoreError):
        store.scenarios()
    monkeypatch.setattr(saved_store.sqlite3, "connect", real)
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == []
    assert [s.name for s in store.scenarios()] == ["mine"]


def test_nothing_outside_the_store_is_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text('name = "secret"\npassword = "hunter2"\n', "utf-8")
    folder = tmp_path / "data" / "saved_scenarios"
    folder.mkdir(parents=True)
    (folder / "link.toml").symlink_to(secret)  # a link out of the folder of an earlier version
    store = SavedStore(tmp_path / "data")
    assert store.scenarios() == []
    assert [file for file, _ in store.not_copied()] == [str(folder / "link.toml")]
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / saved_store.DB_NAME).symlink_to(secret)  # the database itself a link
    with pytest.raises(StoreError, match="not a regular file"):
        SavedStore(linked).scenarios()
    assert secret.read_text("utf-8").startswith('name = "secret"')


def test_a_change_by_another_writer_is_seen_at_once(tmp_path):
    a, b = SavedStore(tmp_path), SavedStore(tmp_path)
    a.save("mine", text("mine"), None, "session A")
    held = b.get("mine")
    assert held is not None
    a.save("mine", text("mine", -12), held.version, "session A")
    changed = b.get("mine")
    assert changed is not None and "-12" in changed.text


def test_the_command_line_runs_lists_and_backs_up_saved_scenarios(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FFSIM_DATA_DIR", str(tmp_path / "data"))
    assert main(["run", "saved:mine"]) == 2
    assert "saved:mine: no saved scenarios yet" in capsys.readouterr().err
    SavedStore(tmp_path / "data").save("mine", text("mine", -12), None, "a session")
    assert main(["scenarios", "list"]) == 0
    assert "saved:mine  (version 1" in capsys.readouterr().out
    assert main(["run", "saved:mine"]) == 0
    assert ": mine, 2012-01 to 2018-12" in capsys.readouterr().out
    assert main(["run", "saved:other"]) == 2
    assert "no saved scenario of that name; saved: 'mine'" in capsys.readouterr().err
    assert main(["scenarios", "backup", str(tmp_path / "copy.sqlite3")]) == 0
    assert "wrote" in capsys.readouterr().out
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    try:
        assert copy.execute("SELECT name FROM scenario").fetchall() == [("mine",)]
    finally:
        copy.close()
    assert main(["scenarios", "show", "mine"]) == 0
    assert capsys.readouterr().out == text("mine", -12)
