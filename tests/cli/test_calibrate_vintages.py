"""``ffsim calibrate --as-of vintages``: every earlier vintage as its own calibration, over an
executor; checked against the shipped artifacts, or written as each finishes."""

from __future__ import annotations

import json
import os

import pytest

from ffsim.calibration.observations import DEFAULT_PATH
from ffsim.cli import calibrate_command as calibrate_cli
from ffsim.cli.main import main
from ffsim.resources import VINTAGE_DIR


def _shipped(task: calibrate_cli.VintageTask) -> dict:
    """The shipped artifact of the task's vintage, as a faithful re-run would return it."""
    return json.loads((VINTAGE_DIR / f"as-of-{task.as_of.isoformat()}.json").read_text())


def test_the_earlier_vintages_are_the_shipped_ones():
    shipped = sorted(p.stem.removeprefix("as-of-") for p in VINTAGE_DIR.glob("as-of-*.json"))
    assert [d.isoformat() for d in calibrate_cli.earlier_vintages(DEFAULT_PATH)] == shipped


def test_every_vintage_is_checked_and_a_difference_fails(monkeypatch, capsys):
    monkeypatch.setattr(calibrate_cli, "run_vintage", _shipped)
    assert main(["calibrate", "--as-of", "vintages", "--check"]) == 0
    assert "3 of 3 vintages reproduce their shipped artifacts" in capsys.readouterr().out

    def one_off(task):
        artifact = _shipped(task)
        if task.as_of.isoformat() == "2015-09-27":
            name = next(iter(artifact["parameters"]))
            artifact["parameters"][name]["estimate"] *= 1.01
        return artifact

    monkeypatch.setattr(calibrate_cli, "run_vintage", one_off)
    assert main(["calibrate", "--as-of", "vintages", "--check"]) == 1
    out = capsys.readouterr().out
    assert "2 of 3 vintages reproduce" in out and "vintage 2015-09-27" in out


def test_each_vintage_is_written_as_it_finishes(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(calibrate_cli, "run_vintage", _shipped)
    monkeypatch.chdir(tmp_path)
    assert main(["calibrate", "--as-of", "vintages"]) == 0
    written = sorted(p.name for p in tmp_path.glob("as-of-*.json"))
    assert written == sorted(p.name for p in VINTAGE_DIR.glob("as-of-*.json"))
    assert os.path.getsize(tmp_path / written[0]) > 1000


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--as-of", "vintages", "--out", "x.json"], ["--out", "only with one --as-of date"]),
        (["--processes", "2"], ["--processes", "only with --as-of vintages"]),
        (["--scheduler", "tcp://127.0.0.1:9"], ["--scheduler", "only with --as-of vintages"]),
        (["--as-of", "vintages", "--processes", "0"], ["--processes 0", "1 to 1024"]),
    ],
)
def test_misused_options_are_refused_before_any_work(monkeypatch, capsys, argv, words):
    def refuse(*args, **kwargs):
        raise AssertionError("a calibration started")

    monkeypatch.setattr(calibrate_cli, "run_vintage", refuse)
    monkeypatch.setattr(calibrate_cli, "run_calibration", refuse)
    assert main(["calibrate", *argv]) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, (word, err)


def test_a_vintage_task_names_no_path_for_the_shipped_files(monkeypatch, capsys):
    """So that a worker on another machine finds its own installed copy; a file given on the
    command line travels as its absolute path."""
    seen: list[calibrate_cli.VintageTask] = []

    def record(task):
        seen.append(task)
        return _shipped(task)

    monkeypatch.setattr(calibrate_cli, "run_vintage", record)
    assert main(["calibrate", "--as-of", "vintages", "--check"]) == 0
    assert len(seen) == 3
    assert all(t.config_path is None and t.data_path is None for t in seen)
    assert {t.seed for t in seen} == {
        _shipped(t)["provenance"]["seed"] for t in seen
    }  # --check re-runs with the seed each artifact records
    capsys.readouterr()
