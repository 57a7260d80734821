"""``ffsim calibrate`` never starts on bad files, never loses a finished run, and shows time."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ffsim.cli import calibrate_command as calibrate_cli
from ffsim.cli.calibrate_command import TimedProgress
from ffsim.cli.main import main

ARTIFACT = {"fit": {"n_within": 1}, "provenance": {"wall_time_s": 1.5}}


@pytest.fixture
def no_calibration(monkeypatch):
    """Any attempt to start the calibration fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the calibration started")

    monkeypatch.setattr(calibrate_cli, "run_calibration", refuse)
    monkeypatch.setattr(calibrate_cli, "Calibrator", refuse)


@pytest.fixture
def inputs(tmp_path) -> dict[str, Path]:
    """A valid-looking config and data file (their contents are the calibration's business)."""
    config, data = tmp_path / "config.toml", tmp_path / "obs.csv"
    config.write_text("seed = 1\n")
    data.write_text("id,value\na,1\n")
    return {"--config": config, "--data": data}


def _args(inputs: dict[str, Path], **override: str) -> list[str]:
    args = ["calibrate"]
    for option, path in inputs.items():
        args += [option, str(override.get(option, path))]
    if "--out" in override:
        args += ["--out", override["--out"]]
    return args


def _one_line_error(capsys, *words: str) -> str:
    err = capsys.readouterr().err
    assert err.startswith("ffsim: error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    return err


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Name -> (path, what the message says)."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" * 1_250_001)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"id,value\n\x00\x00\n")
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    return {
        "missing": (str(tmp_path / "nope.csv"), "does not exist"),
        "directory": (str(tmp_path), "is a directory"),
        "fifo": (str(fifo), "is not a regular file"),
        "device": ("/dev/null", "is under /dev"),
        "proc": ("/proc/cpuinfo", "is under /proc"),
        "empty": (str(empty), "is empty"),
        "too_big": (str(big), "at most 5000000 (5 MB) allowed"),
        "binary": (str(binary), "is not UTF-8 text"),
        "nul_bytes": (str(nul), "is not UTF-8 text"),
    }


BAD_INPUTS = [
    "missing",
    "directory",
    "fifo",
    "device",
    "proc",
    "empty",
    "too_big",
    "binary",
    "nul_bytes",
]


@pytest.mark.parametrize("option", ["--data", "--config"])
@pytest.mark.parametrize("case", BAD_INPUTS)
def test_a_bad_input_file_exits_2_naming_the_option(
    tmp_path, inputs, capsys, no_calibration, option, case
):
    path, what = _bad_inputs(tmp_path)[case]
    out = str(tmp_path / "out.json")
    assert main(_args(inputs, **{option: path, "--out": out})) == 2
    _one_line_error(capsys, f"{option} {path}: ", what)
    assert not Path(out).exists()


def _bad_outputs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    return {
        "directory": (str(tmp_path), "is a directory"),
        "no_parent": (str(tmp_path / "no" / "such" / "x.json"), "does not exist"),
        "parent_is_a_file": (str(a_file / "x.json"), "--out"),
        "proc": ("/proc/x.json", "is under /proc"),
        "sys": ("/sys/x.json", "is under /sys"),
        "dev": ("/dev/x.json", "is under /dev"),
        "dev_null": ("/dev/null", "is under /dev"),
        "fifo": (str(fifo), "is not a regular file"),
    }


BAD_OUTPUTS = ["directory", "no_parent", "parent_is_a_file", "proc", "sys", "dev", "dev_null"]


@pytest.mark.parametrize("case", [*BAD_OUTPUTS, "fifo"])
def test_a_bad_out_exits_2_naming_the_option(tmp_path, inputs, capsys, no_calibration, case):
    path, what = _bad_outputs(tmp_path)[case]
    assert main(_args(inputs, **{"--out": path})) == 2
    _one_line_error(capsys, f"--out {path}: ", what)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _drop_permission_override() -> None:
    """Give up CAP_DAC_OVERRIDE (root's licence to ignore file permissions) in this process,
    so that a directory's permission bits bind root as they bind any user (capset(2))."""
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    cap_dac_override = 1
    data[0].effective &= ~(1 << cap_dac_override)
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def _in_a_child_bound_by_permissions(work) -> dict:
    """Run ``work()`` in a forked child that has given up CAP_DAC_OVERRIDE; its result (a
    JSON-able value) or its exception, as the parent sees it. The test process keeps its rights.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            _drop_permission_override()
            answer = {"result": work()}
        except BaseException as exc:  # handed to the parent, which fails the test
            answer = {"error": repr(exc)}
        with os.fdopen(write_end, "w") as fh:
            fh.write(json.dumps(answer))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as fh:
        text = fh.read()
    os.waitpid(pid, 0)
    return json.loads(text)


def test_an_unwritable_directory_is_refused(tmp_path, inputs, no_calibration):
    # Runs as root too (CI is root): the check runs in a child without CAP_DAC_OVERRIDE, so the
    # directory's mode 0o500 binds it; the child first shows that it cannot write there itself.
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)

    def attempt() -> dict:
        try:
            (locked / "probe").write_text("x")
            writable = True
        except PermissionError:
            writable = False
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(_args(inputs, **{"--out": str(locked / "x.json")}))
        return {"writable": writable, "code": code, "err": err.getvalue()}

    try:
        answer = _in_a_child_bound_by_permissions(attempt)
    finally:
        locked.chmod(0o700)
    assert "result" in answer, answer
    result = answer["result"]
    assert result["writable"] is False  # the directory really is closed to the check
    assert result["code"] == 2
    err = result["err"]
    assert err.startswith("ffsim: error: --out ") and err.count("\n") == 1, err
    assert f"cannot write in directory {locked}: Permission denied" in err
    assert not (locked / "x.json").exists()


def test_a_directory_where_nothing_can_be_written_is_refused(
    tmp_path, inputs, capsys, no_calibration, monkeypatch
):
    # As root, permissions do not stop a write; a read-only file system is simulated instead.
    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", read_only)
    out = tmp_path / "x.json"
    assert main(_args(inputs, **{"--out": str(out)})) == 2
    _one_line_error(
        capsys, f"--out {out}: cannot write in directory {tmp_path}: Read-only file system"
    )


def test_check_needs_an_artifact_to_read(tmp_path, inputs, capsys, no_calibration):
    missing = str(tmp_path / "none.json")
    assert main([*_args(inputs, **{"--out": missing}), "--check"]) == 2
    _one_line_error(capsys, f"--out {missing}: does not exist")
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    assert main([*_args(inputs, **{"--out": str(junk)}), "--check"]) == 2
    _one_line_error(capsys, f"--out {junk}: not a calibration artifact (invalid JSON")


def test_a_fifo_as_data_does_not_hang_the_command(tmp_path, inputs):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    args = _args(inputs, **{"--data": str(fifo), "--out": str(tmp_path / "x.json")})
    proc = subprocess.run(
        [sys.executable, "-m", "ffsim", *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        f"ffsim: error: --data {fifo}: is not a regular file (a FIFO, socket or device); "
        "a file is needed\n"
    )


@pytest.fixture
def finished_run(monkeypatch):
    """A calibration that finishes at once with ARTIFACT."""
    monkeypatch.setattr(calibrate_cli, "run_calibration", lambda *a, **k: dict(ARTIFACT))
    monkeypatch.setattr(calibrate_cli, "fit_table", lambda artifact: "(fit table)")


def _failing_writes(monkeypatch, *directories: Path) -> None:
    """Writing into any of ``directories`` fails as a full disk would."""
    real = calibrate_cli.write_artifact

    def write(artifact, path):
        if Path(path).resolve().parent in {d.resolve() for d in directories}:
            raise OSError(28, "No space left on device")
        real(artifact, path)

    monkeypatch.setattr(calibrate_cli, "write_artifact", write)


def test_a_normal_run_writes_out_atomically(tmp_path, inputs, finished_run, capsys):
    out = tmp_path / "art" / "a.json"
    out.parent.mkdir()
    assert main(_args(inputs, **{"--out": str(out)})) == 0
    assert json.loads(out.read_text()) == ARTIFACT
    assert os.listdir(out.parent) == ["a.json"]  # no temporary file left behind
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote {out} in 1.5 s"


def test_a_failed_write_saves_the_artifact_in_the_current_directory(
    tmp_path, inputs, finished_run, monkeypatch, capsys
):
    target_dir, cwd = tmp_path / "target", tmp_path / "cwd"
    target_dir.mkdir()
    cwd.mkdir()
    out = target_dir / "baseline.json"
    out.write_text('{"previous": true}\n')
    monkeypatch.chdir(cwd)
    _failing_writes(monkeypatch, target_dir)
    assert main(_args(inputs, **{"--out": str(out)})) == 1
    [saved] = list(cwd.glob("ffsim-calibration-*.json"))
    assert json.loads(saved.read_text()) == ARTIFACT
    assert json.loads(out.read_text()) == {"previous": True}  # the old artifact is intact
    err = _one_line_error(capsys, f"cannot write --out {out}: No space left on device")
    assert err.rstrip().endswith(f"the artifact was saved to {saved} instead")
    assert sorted(p.name for p in target_dir.iterdir()) == ["baseline.json"]


def test_the_fallback_goes_to_the_temp_dir_when_the_current_directory_fails(
    tmp_path, inputs, finished_run, monkeypatch, capsys
):
    target_dir, cwd, temp = tmp_path / "target", tmp_path / "cwd", tmp_path / "temp"
    for d in (target_dir, cwd, temp):
        d.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    _failing_writes(monkeypatch, target_dir, cwd)
    assert main(_args(inputs, **{"--out": str(target_dir / "a.json")})) == 1
    [saved] = list(temp.glob("ffsim-calibration-*.json"))
    assert json.loads(saved.read_text()) == ARTIFACT
    _one_line_error(capsys, f"the artifact was saved to {saved} instead")


def test_when_nothing_can_be_written_the_artifact_goes_to_standard_output(
    tmp_path, inputs, finished_run, monkeypatch, capsys
):
    target_dir, cwd, temp = tmp_path / "target", tmp_path / "cwd", tmp_path / "temp"
    for d in (target_dir, cwd, temp):
        d.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    _failing_writes(monkeypatch, target_dir, cwd, temp)
    assert main(_args(inputs, **{"--out": str(target_dir / "a.json")})) == 1
    captured = capsys.readouterr()
    assert "could not write the artifact anywhere" in captured.err
    assert json.loads(captured.out.split("\n", 1)[1]) == ARTIFACT


def test_progress_shows_elapsed_and_estimated_time_left():
    lines: list[str] = []
    now = [100.0]
    say = TimedProgress(lines.append, clock=lambda: now[0])
    say("calibrating")  # the one-argument form (before the lead's change)
    now[0] = 112.0
    say("optimiser start 3/8", 0.3)
    say("early", 0.01)
    say("no estimate", None)
    now[0] = 150.0
    say("done", 1.0)
    assert lines == [
        "[   0 s elapsed, estimating] calibrating",
        "[  12 s elapsed, about 28 s left] optimiser start 3/8",
        "[  12 s elapsed, estimating] early",
        "[  12 s elapsed, estimating] no estimate",
        "[  50 s elapsed, about 0 s left] done",
    ]


def test_run_calibration_gives_the_calibrator_the_timed_progress(tmp_path, monkeypatch):
    # Every step of run_calibration but the wiring is replaced, so this runs without a model.
    seen: dict[str, object] = {}

    class FakeCalibrator:
        def __init__(self, problem, seed, progress):
            seen["seed"] = seed
            self.progress = progress

        def fit(self):
            if self.progress is not None:  # as the real Calibrator: None is silence
                self.progress("optimiser start 1/8: log-likelihood -9", 0.25)
                self.progress("sampler: step 800/8000")
            return self

    class FakeConfig:
        seed = 5
        free = ("a", "b")
        sha256 = "c" * 64
        priors_sha256 = "p" * 64

        def as_of(self, date):
            seen["config_as_of"] = date
            return self

    monkeypatch.setattr(calibrate_cli, "load_config", lambda path, option="": FakeConfig())
    monkeypatch.setattr(calibrate_cli, "load_observations", lambda path: ["o1", "o2", "o3"])
    monkeypatch.setattr(calibrate_cli, "data_date", lambda obs, as_of: dt.date(2016, 9, 11))
    monkeypatch.setattr(calibrate_cli, "rows_as_of", lambda obs, as_of: obs)
    monkeypatch.setattr(calibrate_cli, "Problem", lambda *args: "problem")
    monkeypatch.setattr(calibrate_cli, "Parameters", lambda: None)
    monkeypatch.setattr(calibrate_cli, "Calibrator", FakeCalibrator)
    monkeypatch.setattr(calibrate_cli, "data_hash", lambda path: "hash")
    monkeypatch.setattr(
        calibrate_cli, "build_artifact", lambda cal, *args: {"ok": True, "provenance": {}}
    )
    data = tmp_path / "obs.csv"
    data.write_text("id\n")
    lines: list[str] = []
    assert calibrate_cli.run_calibration(tmp_path / "c.toml", data, None, lines.append) == {
        "ok": True,
        "as_of": "2016-09-11",
        "provenance": {"config_sha256": "c" * 64, "priors_sha256": "p" * 64},
    }
    assert seen["seed"] == 5
    assert seen["config_as_of"] == dt.date(2016, 9, 11)  # the priors as of the data's date
    assert [line.split("] ", 1)[1] for line in lines] == [
        "calibrating 2 parameters against 3 figures published by 2016-09-11 (obs.csv), seed 5",
        "optimiser start 1/8: log-likelihood -9",
        "sampler: step 800/8000",
    ]
    assert lines[0].startswith("[   0 s elapsed, estimating]")
    assert "s left]" in lines[1] and "estimating]" in lines[2]
    assert calibrate_cli.run_calibration(tmp_path / "c.toml", data, 3, None)["ok"]
    assert seen["seed"] == 3


def test_the_fit_table_marks_the_rows_the_count_leaves_out():
    """26 rows are fitted, 21 counted (the most probable reading of each statement): the table
    says which 5 are not, so that its last line adds up.
    """
    from ffsim.calibration.baseline import read_artifact
    from ffsim.cli.calibrate_command import fit_table

    artifact = read_artifact()
    lines = fit_table(artifact).splitlines()
    left_out = [line.split()[0] for line in lines if line.endswith("(not counted)")]
    assert left_out == [o["id"] for o in artifact["observations"] if not o["counted"]]
    assert len(artifact["observations"]) - len(left_out) == artifact["fit"]["n_fitted"]
    assert lines[-1].startswith(f"{artifact['fit']['n_within']} of {artifact['fit']['n_fitted']}")
