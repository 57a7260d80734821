"""``ffsim sbc`` from the command line: a small set-up run, resumed, summarised and refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ffsim.cli.main import main

SMALL = """
name = "sbc_test"
description = "Three free parameters and a short chain: a set-up small enough for a test."
seed = 1

[optimizer]
n_starts = 1
max_iter = 40

[sampler]
walkers = 8
steps = 80
burn = 20
keep = 20

[[free]]
name = "radicalisation_rate.france"
prior = "lognormal"
lower = 2.0
upper = 300.0
median = 24.49
sigma_log = 1.253
source = "weakly informative (no evidence of the time sizes it)"

[[free]]
name = "radicalisation_rate.united_kingdom"
prior = "lognormal"
lower = 1.0
upper = 200.0
median = 14.14
sigma_log = 1.325
source = "weakly informative (no evidence of the time sizes it)"

[[free]]
name = "radicalisation_rate.other_europe"
prior = "lognormal"
lower = 2.0
upper = 500.0
median = 31.62
sigma_log = 1.38
source = "weakly informative (no evidence of the time sizes it)"
"""


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def test_a_small_sbc_runs_resumes_and_writes_its_summary(small, tmp_path, capsys):
    out = tmp_path / "run"
    args = ["sbc", "--config", str(small), "--out", str(out), "--draws", "9", "--seed", "3"]
    assert main([*args, "--replications", "1"]) == 0
    first = capsys.readouterr()
    assert "at least 2 are needed" in first.out
    assert main([*args, "--replications", "3"]) == 0
    again = capsys.readouterr()
    assert "1 of 3 replications already" in again.err and "2 to run" in again.err
    assert re.search(r"\(2 of 2; [0-9].* elapsed, about 0 s left\)", again.err), again.err
    assert "time" not in again.out  # progress goes to standard error, the verdict to output
    assert "SBC: 3 replications, ranks among 9 posterior draws" in again.out
    assert "fewer than 20, too few for the tests" in again.out and "not judged" in again.out
    assert "passes" not in again.out
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 3 and len(summary["theta_true"]) == 3
    assert set(summary["ranks"]) == {
        "radicalisation_rate.france",
        "radicalisation_rate.united_kingdom",
        "radicalisation_rate.other_europe",
        "log_likelihood",
    }
    assert len(summary["checks"]) == 4 and summary["passes"] is None
    assert summary["provenance"]["packages"]["numpy"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--replications", "0"], ["--replications 0", "1 to 1000000"]),
        (["--draws", "3"], ["--draws 3", "9 to 9999"]),
        (["--processes", "2", "--scheduler", "tcp://127.0.0.1:9"], ["exclude each other"]),
        (["--as-of", "2015/01/01"], ["--as-of", "YYYY-MM-DD"]),
    ],
)
def test_bad_options_are_refused_before_any_work(tmp_path, capsys, argv, words):
    assert main(["sbc", "--out", str(tmp_path / "x"), *argv]) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, (word, err)
    assert not (tmp_path / "x").exists()


def test_a_folder_of_another_run_is_refused_naming_the_difference(small, tmp_path, capsys):
    out = tmp_path / "run"
    base = ["sbc", "--config", str(small), "--out", str(out), "--draws", "9"]
    assert main([*base, "--replications", "1", "--seed", "3"]) == 0
    capsys.readouterr()
    assert main([*base, "--replications", "1", "--seed", "4"]) == 2
    assert "seed: 3 in the folder, 4 now" in capsys.readouterr().err


def test_an_out_that_is_a_file_or_cannot_be_made_is_refused_in_one_line(small, tmp_path, capsys):
    a_file = tmp_path / "taken"
    a_file.write_text("mine\n")
    args = ["sbc", "--config", str(small), "--draws", "9", "--replications", "1"]
    assert main([*args, "--out", str(a_file)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ffsim: error: --out") and "is a file" in err and err.count("\n") == 1
    assert a_file.read_text() == "mine\n"  # left as it was
    assert main([*args, "--out", str(a_file / "below")]) == 2
    assert "cannot make the folder" in capsys.readouterr().err


def test_a_missing_config_is_refused_naming_the_option(tmp_path, capsys):
    assert main(["sbc", "--config", str(tmp_path / "none.toml"), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ffsim: error: ") and "--config" in err and "Traceback" not in err


def test_the_shipped_run_is_taken_whole_from_its_summary_and_summarised_alike(tmp_path, capsys):
    from ffsim.resources import SBC_PATH

    shipped = json.loads(SBC_PATH.read_text())
    n = shipped["replications"]
    out = tmp_path / "run"
    argv = ["sbc", "--from-summary", str(SBC_PATH), "--out", str(out), "--replications", str(n)]
    assert main(argv) == 0
    done = capsys.readouterr()
    assert f"SBC: {n} replication(s) taken from" in done.err and "0 to run" in done.err
    summary = json.loads((out / "summary.json").read_text())
    made = {k: shipped["provenance"][k] for k in ("packages", "platform")}
    for record in shipped["records"]:  # those that recorded nothing take the summary's
        record.setdefault("made_on", made)
    assert {k: v for k, v in summary.items() if k != "provenance"} == {
        k: v for k, v in shipped.items() if k != "provenance"
    }
    # so that --check holds a replication to where it was made, not to where it was gathered
    from ffsim.calibration.sbc_artifact import replication_made_on

    assert replication_made_on(summary, 0) == replication_made_on(shipped, 0)
    taken = (out / "replications" / "00000.json").read_text()
    assert json.loads(taken)["made_on"] == replication_made_on(shipped, 0)


def test_a_summary_of_another_run_is_refused_before_any_work(tmp_path, capsys):
    from ffsim.resources import SBC_PATH

    out = tmp_path / "run"
    argv = ["sbc", "--from-summary", str(SBC_PATH), "--out", str(out), "--seed", "7"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("ffsim: error: --from-summary") and "seed: 20150430 in the summary" in err
    assert not out.exists()
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]")
    assert main(["sbc", "--from-summary", str(junk), "--out", str(out)]) == 2
    assert "not an SBC summary" in capsys.readouterr().err
    assert main(["sbc", "--from-summary", str(junk), "--check"]) == 2
    assert "exclude each other" in capsys.readouterr().err
    shipped = json.loads(SBC_PATH.read_text())
    shipped["ranks"]["log_likelihood"][0] = 1e400  # json reads Infinity
    bad = tmp_path / "inf.json"
    bad.write_text(json.dumps(shipped))
    n = str(shipped["replications"])
    assert main(["sbc", "--from-summary", str(bad), "--out", str(out), "--replications", n]) == 2
    err = capsys.readouterr().err
    assert "ranks of 'log_likelihood': inf" in err and err.count("\n") == 1
    assert not out.exists()
    # the summary it starts from is an input: never written over
    inside = tmp_path / "run2"
    inside.mkdir()
    own = inside / "summary.json"
    own.write_text(SBC_PATH.read_text())
    assert main(["sbc", "--from-summary", str(own), "--out", str(inside), "--replications", n]) == 2
    assert "--out" in capsys.readouterr().err and own.read_text() == SBC_PATH.read_text()


def test_a_summary_made_by_other_code_is_said_so():
    from ffsim import __version__
    from ffsim.calibration.artifact import _git
    from ffsim.cli.sbc_command import made_by_text

    commit, _ = _git()
    assert made_by_text({"ffsim": __version__, "git_commit": commit}) == ""
    text = made_by_text({"ffsim": "0.1.0", "git_commit": "abc"})
    assert text.startswith("was made by ffsim 0.1.0 at commit abc; this is ffsim")
    assert "no provenance" in made_by_text(None)
