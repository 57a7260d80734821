"""``ffsim experiments``: runs a design, writes Parquet, prints robustness and the PRIM box;
refuses bad options in one line."""

from __future__ import annotations

import pandas as pd

from ffsim.cli.main import main


def test_experiments_writes_parquet_and_prints_robustness_and_the_box(tmp_path, capsys):
    out = tmp_path / "exp"
    code = main(
        [
            "experiments",
            "--n",
            "60",
            "--processes",
            "1",
            "--policies",
            "baseline,border_closed_year_earlier",
            "--discover",
            "border_closed_year_earlier",
            "--out",
            str(out),
            "--threshold",
            "15,000",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "120 runs (60 scenarios x 2 policies" in text
    assert "max_regret" in text and "satisficing" in text
    assert "fails to cut in_theatre_2016 by 20% from baseline" in text
    table = pd.read_parquet(out / "experiments.parquet")
    assert list(table.columns[-3:]) == ["scenario", "policy", "model"] and len(table) == 120
    assert len(pd.read_parquet(out / "outcomes.parquet")) == 120


def test_bad_options_are_refused_before_any_run(capsys):
    assert main(["experiments", "--design", "grid"]) == 2
    assert "--design grid: allowed one of lhs, sobol" in capsys.readouterr().err
    assert main(["experiments", "--policies", "baseline,nowhere"]) == 2
    assert "--policies nowhere" in capsys.readouterr().err
    assert main(["experiments", "--discover", "early_response"]) == 2
    assert "--discover" in capsys.readouterr().err
