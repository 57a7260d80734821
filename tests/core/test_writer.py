"""The one writer: whole files in one step, groups together or not at all, no temporary file
left, a link planted at a temporary name never followed, long names written (issue 23)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ffsim.core import writer
from ffsim.core.writer import write_file, write_files


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(writer.TEMP_PREFIX))


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("old\n", "utf-8")

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError) as info:
        write_file(target, "new\n")
    assert info.value.filename == str(target) and info.value.errno == 5
    assert target.read_text("utf-8") == "old\n" and leftovers(tmp_path) == []


def test_a_group_is_replaced_together_or_not_at_all(tmp_path, monkeypatch):
    csv, side = tmp_path / "run.csv", tmp_path / "run.csv.json"
    csv.write_text("old csv", "utf-8")
    side.write_text("old json", "utf-8")
    real = os.replace

    def second_fails(src, dst) -> None:
        if str(dst) == str(side):
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OSError):
        write_files([(csv, "new csv"), (side, "new json")])
    assert csv.read_text("utf-8") == "old csv" and side.read_text("utf-8") == "old json"
    assert leftovers(tmp_path) == []


def test_under_a_file_size_limit_the_old_file_stays_whole(tmp_path):
    """``ulimit -f``: the write fails with EFBIG (Python ignores SIGXFSZ); nothing is cut."""
    target = tmp_path / "big.bin"
    target.write_bytes(b"x" * 10)
    code = (
        "import sys; from pathlib import Path; from ffsim.core.writer import write_file\n"
        "try:\n    write_file(Path(sys.argv[1]), b'y' * 200_000)\n"
        "except OSError as e:\n    print(e.errno); sys.exit(3)\n"
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    done = subprocess.run(
        [sys.executable, "-c", code, str(target)], preexec_fn=limit, capture_output=True, text=True
    )
    assert done.returncode == 3, done.stderr
    assert target.read_bytes() == b"x" * 10 and leftovers(tmp_path) == []


def test_a_link_planted_at_the_old_temporary_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", "utf-8")
    (tmp_path / ".m.xmile.tmp").symlink_to(victim)  # the fixed name export used
    write_file(tmp_path / "m.xmile", "<xmile/>")
    assert victim.read_text("utf-8") == "precious"
    assert (tmp_path / "m.xmile").read_text("utf-8") == "<xmile/>"


def test_a_name_of_255_bytes_is_written(tmp_path):
    target = tmp_path / ("n" * 250 + ".csv")
    write_file(target, "a,b\n")
    assert target.read_text("utf-8") == "a,b\n"


def test_a_link_is_written_through_and_kept(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old", "utf-8")
    (tmp_path / "link.csv").symlink_to(real)
    write_file(tmp_path / "link.csv", "new")
    assert (tmp_path / "link.csv").is_symlink() and real.read_text("utf-8") == "new"


def test_the_new_file_keeps_the_old_files_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", "utf-8")
    target.chmod(0o640)
    write_file(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640


def test_writers_of_one_pair_at_once_leave_one_writers_pair(tmp_path):
    """Threads writing a CSV and its sidecar at once: never a CSV of one and a sidecar of
    another, never a spliced file."""
    csv, side = tmp_path / "run.csv", tmp_path / "run.csv.json"
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for _ in range(30):
                write_files([(csv, f"{k}\n" * 20_000), (side, f"{k}")])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    checks = 0
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        text = csv.read_text("utf-8") if csv.exists() else ""
        assert len(set(text.split())) <= 1  # whole: never two writers' lines in one file
        checks += 1
    for t in threads:
        t.join()
    assert not errors and checks
    assert csv.read_text("utf-8") == f"{side.read_text('utf-8')}\n" * 20_000
    assert leftovers(tmp_path) == []
