"""Scenarios by name on the command line (shipped names, ``baseline``, ``saved:NAME``, files),
``ffsim scenarios list|show``, ``ffsim levers``, ``compare`` of one scenario with its base, and
the output formats ``--out`` takes (issue 24)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ffsim.cli.main import main
from ffsim.resources import SCENARIO_DIR
from ffsim.scenarios.levers import LEVER_SPECS
from ffsim.scenarios.scenario import baseline_scenario, load_scenario
from ffsim.scenarios.source import shipped_names

SHIPPED = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def _call(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    said = capsys.readouterr()
    return code, said.out, said.err


def test_every_shipped_scenario_is_reached_by_its_name_from_any_folder(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert len(SHIPPED) >= 8 and shipped_names() == ("baseline", *SHIPPED)
    for name in SHIPPED:
        assert load_scenario(name) == load_scenario(SCENARIO_DIR / f"{name}.toml")
    assert load_scenario("baseline") == baseline_scenario()
    code, by_name, err = _call(capsys, "run", "early_response")
    assert code == 0 and err == ""
    code, by_path, _ = _call(capsys, "run", str(SCENARIO_DIR / "early_response.toml"))
    assert code == 0 and by_name == by_path and "Early response" in by_name


def test_a_file_that_exists_wins_over_a_shipped_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("early_response").write_text('name = "Mine, not shipped"\n', encoding="utf-8")
    assert load_scenario("early_response").name == "Mine, not shipped"
    code, out, _ = _call(capsys, "run", "early_response")
    assert code == 0 and "Mine, not shipped" in out


def test_an_unknown_name_is_refused_listing_the_shipped_names(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for command in (["run", "early_responze"], ["compare", "baseline", "early_responze"]):
        code, out, err = _call(capsys, *command)
        assert code == 2 and out == ""
        assert (
            err.startswith("ffsim: error: early_responze: does not exist") and err.count("\n") == 1
        )
        assert all(name in err for name in shipped_names()) and "saved:NAME" in err


def test_compare_explain_and_export_take_names(tmp_path, capsys):
    out = tmp_path / "c.csv"
    code, _, err = _call(
        capsys, "compare", "baseline", "no_air_campaign", "--draws", "3", "--out", str(out)
    )
    assert code == 0 and err == ""
    names = pd.read_csv(out)["scenario"].unique().tolist()
    assert names == [baseline_scenario().name, "No air campaign"]
    code, said, _ = _call(capsys, "explain", "baseline", "no_air_campaign")
    assert code == 0 and "No air campaign" in said
    xmile = tmp_path / "m.xmile"
    code, said, _ = _call(capsys, "export", "territory_held", "--xmile", str(xmile))
    assert code == 0 and "Territory held" in said and xmile.stat().st_size > 0


def test_compare_with_one_scenario_compares_it_with_its_base(tmp_path, capsys):
    alone, pair = tmp_path / "alone.csv", tmp_path / "pair.csv"
    assert main(["compare", "early_response", "--draws", "3", "--out", str(alone)]) == 0
    # early_response builds on border_closed_year_earlier (its `base`)
    pair_args = ["compare", "border_closed_year_earlier", "early_response", "--draws", "3"]
    assert main([*pair_args, "--out", str(pair)]) == 0
    assert alone.read_text() == pair.read_text()
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "Mine"\n[levers]\nair_campaign_strength = 0.5\n', encoding="utf-8")
    assert main(["compare", str(mine), "--draws", "3", "--out", str(alone)]) == 0
    names = pd.read_csv(alone)["scenario"].unique().tolist()
    assert names == [baseline_scenario().name, "Mine"]
    capsys.readouterr()
    code, _, err = _call(capsys, "compare", "baseline")
    assert code == 2 and "the calibrated baseline has no base" in err


def test_scenarios_list_shows_shipped_and_saved_apart(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FFSIM_DATA_DIR", str(tmp_path / "data"))
    code, out, _ = _call(capsys, "scenarios", "list")
    assert code == 0
    shipped, saved = out.split("\n\n")
    assert shipped.startswith(f"{len(SHIPPED) + 1} shipped scenarios")
    for name in shipped_names():
        assert f"\n  {name} " in shipped
    assert "No air campaign" in shipped
    assert saved.startswith("0 saved scenarios in")


def test_scenarios_show_prints_a_shipped_scenario_and_the_baseline(tmp_path, capsys):
    code, out, _ = _call(capsys, "scenarios", "show", "no_air_campaign")
    assert code == 0 and out == (SCENARIO_DIR / "no_air_campaign.toml").read_text("utf-8")
    code, out, _ = _call(capsys, "scenarios", "show", "baseline")
    assert code == 0 and tomllib.loads(out)["base"] == "baseline"
    start = tmp_path / "start.toml"
    start.write_text(out, encoding="utf-8")
    assert load_scenario(start).content_hash() == baseline_scenario().content_hash()


def test_levers_lists_every_lever_from_its_one_definition(capsys):
    code, out, _ = _call(capsys, "levers")
    assert code == 0 and out.startswith(f"{len(LEVER_SPECS)} policy levers")
    for name, spec in LEVER_SPECS.items():
        block = out.split(f"\n{name}  ({spec.label})\n")[1].split("\n\n")[0]
        assert f"default {spec.default:g}" in block
        assert f"[{spec.lower:g}, {spec.upper:g}]" in block
        assert spec.description.split()[0] in block


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--out", "{}"],
        ["compare", "baseline", "--draws", "2", "--out", "{}"],
        ["forecast-skill", "--out", "{}"],
    ],
)
@pytest.mark.parametrize("name", ["x.txt", "x.xls", "x.json", "x"])
def test_an_extension_ffsim_does_not_write_is_refused_before_any_work(
    tmp_path, monkeypatch, capsys, command, name
):
    import ffsim.core.simulate

    def no_work(*args, **kwargs):
        raise AssertionError("the model ran")

    monkeypatch.setattr(ffsim.core.simulate, "_integrate", no_work)
    out = tmp_path / name
    code, said, err = _call(capsys, *(a.format(out) for a in command))
    assert code == 2 and said == ""
    assert err.startswith(f"ffsim: error: --out {out}: ") and err.count("\n") == 1
    assert ".csv (CSV), .parquet (Parquet), .xlsx (Excel)" in err
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def run_csv(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("csv") / "run.csv"
    assert main(["run", "no_air_campaign", "--draws", "3", "--out", str(out)]) == 0
    return pd.read_csv(out, parse_dates=["date"])


@pytest.mark.parametrize("suffix", [".parquet", ".XLSX"])
def test_run_writes_parquet_and_excel_for_real_with_the_sidecar(tmp_path, run_csv, suffix):
    other = tmp_path / f"run{suffix}"
    assert main(["run", "no_air_campaign", "--draws", "3", "--out", str(other)]) == 0
    if suffix == ".parquet":
        assert other.read_bytes()[:4] == b"PAR1"
        table = pd.read_parquet(other)
    else:
        assert other.read_bytes()[:2] == b"PK"  # a zip archive, as every .xlsx file is
        table = pd.read_excel(other, engine="openpyxl")
    assert list(table.columns) == list(run_csv.columns)
    assert (table["region"] == run_csv["region"]).all()
    assert (pd.to_datetime(table["date"]) == run_csv["date"]).all()
    np.testing.assert_allclose(table["value"], run_csv["value"], atol=5e-7)
    np.testing.assert_allclose(table["p95"], run_csv["p95"], atol=5e-7)
    side = json.loads((tmp_path / f"run{suffix}.json").read_text())
    assert side["columns"] == list(run_csv.columns) and side["scenario_file"] == "no_air_campaign"


def test_compare_writes_parquet_with_the_csv_columns(tmp_path):
    csv, parquet = tmp_path / "c.csv", tmp_path / "c.parquet"
    for out in (csv, parquet):
        assert main(["compare", "no_air_campaign", "--draws", "3", "--out", str(out)]) == 0
    a, b = pd.read_csv(csv), pd.read_parquet(parquet)
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    np.testing.assert_allclose(a["value"], b["value"], rtol=1e-12)
