"""Issue 23's reproductions on the command line: no command writes over a file it reads, a
failed or concurrent write loses nothing, ``calibrate`` never writes the shipped artifact
unasked, ``--as-of`` takes only YYYY-MM-DD, ``ffsim app`` says a refusal in one line."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ffsim.cli.main import main
from ffsim.resources import (
    BASELINE_PATH,
    OBSERVATIONS_PATH,
    SCENARIO_DIR,
    VALIDATION_PATH,
    VINTAGE_DIR,
)

SHIPPED = [BASELINE_PATH, *sorted(VINTAGE_DIR.glob("*.json")), OBSERVATIONS_PATH, VALIDATION_PATH]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ffsim(*args: str, cwd: Path, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "ffsim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=300,
    )


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda p: p.name)
def test_forecast_skill_never_writes_over_a_shipped_file(shipped, capsys):
    before = digest(shipped)
    assert main(["forecast-skill", "--out", str(shipped)]) == 2
    assert "which ffsim reads" in capsys.readouterr().err
    assert digest(shipped) == before


@pytest.mark.parametrize("command", ["run", "compare", "export"])
def test_an_output_onto_the_scenarios_base_is_refused(command, tmp_path, capsys):
    for name in ("early_response", "border_closed_year_earlier"):
        shutil.copy(SCENARIO_DIR / f"{name}.toml", tmp_path)
    base = tmp_path / "border_closed_year_earlier.toml"
    before = digest(base)
    scenario = str(tmp_path / "early_response.toml")
    args = {
        "run": ["run", scenario, "--out", str(base)],
        "compare": ["compare", scenario, "--out", str(base)],
        "export": ["export", scenario, "--xmile", str(base)],
    }[command]
    assert main(args) == 2
    assert "which ffsim reads" in capsys.readouterr().err
    assert digest(base) == before
    link = tmp_path / "link.toml"  # through a link too
    link.symlink_to(base)
    assert main([*args[:-1], str(link)]) == 2
    assert digest(base) == before


def test_a_run_stopped_by_a_file_size_limit_leaves_the_previous_csv_and_sidecar(tmp_path):
    scenario = SCENARIO_DIR / "early_response.toml"
    assert ffsim("run", "--out", "run.csv", cwd=tmp_path).returncode == 0
    pair = [tmp_path / "run.csv", tmp_path / "run.csv.json"]
    before = [digest(p) for p in pair]
    done = ffsim("run", str(scenario), "--out", "run.csv", cwd=tmp_path, fsize=100_000)
    assert done.returncode == 2 and "File too large" in done.stderr
    assert [digest(p) for p in pair] == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.csv", "run.csv.json"]


@pytest.mark.slow  # several processes at once: `make test-slow` (fast-tier budget, README)
def test_two_runs_to_one_path_at_once_leave_one_runs_csv_and_its_own_sidecar(tmp_path):
    scenarios = [SCENARIO_DIR / "early_response.toml", SCENARIO_DIR / "no_air_campaign.toml"]
    for _ in range(3):
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "ffsim", "run", str(s), "--out", "run.csv"],
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for s in scenarios
        ]
        assert [p.wait(timeout=300) for p in procs] == [0, 0]

        side = json.loads((tmp_path / "run.csv.json").read_text("utf-8"))
        alone = tmp_path / "alone"
        alone.mkdir(exist_ok=True)
        assert ffsim("run", side["scenario_file"], "--out", "x.csv", cwd=alone).returncode == 0
        csv = (tmp_path / "run.csv").read_bytes()
        assert csv == (alone / "x.csv").read_bytes()  # whole, and the sidecar's scenario's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone", "run.csv", "run.csv.json"]


def test_a_link_planted_at_exports_old_temporary_name_is_not_followed(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", "utf-8")
    (tmp_path / ".m.xmile.tmp").symlink_to(victim)
    assert main(["export", "--xmile", str(tmp_path / "m.xmile")]) == 0
    assert victim.read_text("utf-8") == "precious"
    long_name = tmp_path / ("m" * 249 + ".xmile")  # 255 characters: legal
    assert main(["export", "--xmile", str(long_name)]) == 0 and long_name.exists()


def test_calibrate_without_out_never_names_the_shipped_artifact(tmp_path, monkeypatch):
    from ffsim.cli import calibrate_command as cc

    monkeypatch.chdir(tmp_path)
    parsed = cc.argparse.Namespace(out=None, replace_shipped=False, config=None, data=None)
    assert cc._out_path(parsed, BASELINE_PATH) == tmp_path / "baseline.json"
    parsed.replace_shipped = True
    assert cc._out_path(parsed, BASELINE_PATH) == BASELINE_PATH
    parsed.config = "mine.toml"
    with pytest.raises(cc.InputError, match="--replace-shipped"):
        cc._out_path(parsed, BASELINE_PATH)
    monkeypatch.setattr(cc, "IN_CHECKOUT", False)  # an installed package
    parsed.config = None
    with pytest.raises(cc.InputError, match="inside the installed package"):
        cc._out_path(parsed, BASELINE_PATH)


def test_calibrate_refuses_the_shipped_artifact_as_out_before_any_work(capsys):
    before = digest(BASELINE_PATH)
    assert main(["calibrate", "--out", str(BASELINE_PATH)]) == 2
    assert "which ffsim reads" in capsys.readouterr().err
    assert digest(BASELINE_PATH) == before


@pytest.mark.parametrize("text", ["20160626", "2016-W26-1", "2016-06-26T00:00", " 2016-06-26"])
def test_as_of_takes_only_yyyy_mm_dd(text, capsys):
    assert main(["calibrate", "--as-of", text, "--out", os.devnull + "x"]) == 2
    err = capsys.readouterr().err
    assert "--as-of" in err and "YYYY-MM-DD" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "options",
    [["--server.port", "99999"], ["--theme.base=/no/such/theme.toml"], ["--no.such", "1"]],
)
def test_ffsim_app_says_a_refused_option_in_one_line(options, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "ffsim", "app", "--server.headless", "true", *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path), "FFSIM_DATA_DIR": str(tmp_path / "d")},
    )
    assert done.returncode == 2, done.stderr[-500:]
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("ffsim app: error: "), done.stderr


# --- found by the second attack on issue 23 ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["run", "saved:mine", "--out", "{db}"],
        ["run", "--out", "{db}"],
        ["export", "--xmile", "{db}", "saved:mine"],
        ["compare", "--draws", "3", "saved:mine", "--out", "{db}-wal"],
    ],
    ids=["run-saved", "run", "export", "compare-wal"],
)
def test_an_output_onto_the_saved_scenarios_database_is_refused(
    args, tmp_path, monkeypatch, capsys
):
    """``ffsim run saved:mine --out <the database>`` replaced every saved scenario with a CSV."""
    from ffsim.scenarios.saved_store import DB_NAME, SavedStore

    monkeypatch.setenv("FFSIM_DATA_DIR", str(tmp_path / "data"))
    store = SavedStore(tmp_path / "data")
    store.save("mine", 'name = "mine"\n[levers]\nprevention_shift = -6\n', None, "a session")
    db = store.path
    (tmp_path / "data" / f"{DB_NAME}-wal").touch()
    before = {p.name: digest(p) for p in db.parent.iterdir()}
    assert main([a.format(db=db) for a in args]) == 2
    assert "which ffsim reads" in capsys.readouterr().err
    assert {p.name: digest(p) for p in db.parent.iterdir()} == before
    assert [s.name for s in store.scenarios()] == ["mine"]


def test_control_characters_in_names_never_reach_the_terminal(tmp_path, monkeypatch, capsys):
    """A name holding an escape sequence (clear the screen, retitle the window) is printed
    with its control characters escaped, by every command that prints a name."""
    from ffsim.scenarios.saved_store import SavedStore

    monkeypatch.setenv("FFSIM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    evil = "evil\x1b[2J\x07\x9b"
    text = 'name = "evil\\u001b[2J\\u0007\\u009b"\n[levers]\nprevention_shift = -6\n'
    (tmp_path / "s.toml").write_text(text, "utf-8")
    SavedStore(tmp_path / "data").save(evil, text, None, "x\x1b]0;pwned\x07")
    for args in (
        ["scenarios", "list"],
        ["run", "s.toml"],
        ["run", f"saved:{evil}"],
        ["run", "saved:nope\x1b]0;t\x07"],
        ["validate", "s.toml"],
        ["export", "--xmile", "o.xmile", "s.toml"],
    ):
        main(args)
        said = capsys.readouterr()
        assert not any(c in said.out + said.err for c in "\x1b\x07\x9b"), args
        assert "\\x1b" in said.out + said.err, args
