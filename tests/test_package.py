"""The package as users install it: a wheel with everything a run needs, `import ffsim` that a
user's own `model.py` cannot shadow, and the layers as docs/architecture.md draws them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "model",
    "calibration",
    "data",
    "scenarios",
    "docs",
)
"""What a wheel is built from."""


def test_every_dotted_name_is_a_path_and_the_editable_install_a_plain_path():
    import ffsim.core.rhs

    assert Path(ffsim.core.rhs.__file__).resolve() == ROOT / "model" / "ffsim" / "core" / "rhs.py"
    site = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    pth = list(site.glob("__editable__*ffsim*.pth"))
    if pth:  # installed editable (make test): one plain path, no import hook
        assert [line.strip() for line in pth[0].read_text().splitlines() if line.strip()] == [
            str(ROOT / "model")
        ]
        assert not list(site.glob("__editable__*ffsim*finder.py"))


def test_the_shipped_folders_are_the_top_level_ones():
    from ffsim import resources

    for name in ("calibration", "data", "scenarios", "docs"):
        link = ROOT / "model" / "ffsim" / "shipped" / name
        assert link.is_symlink() and link.resolve() == ROOT / name, name
    assert resources.shown(resources.BASELINE_PATH) == "calibration/baseline.json"


def test_import_ffsim_from_the_parent_of_a_clone_is_the_package(tmp_path):
    # A clone named ffsim, and Python started in its parent: the folder is not a package.
    (tmp_path / "ffsim").symlink_to(ROOT)
    code = "import ffsim; print(ffsim.__file__); print(ffsim.simulate.__module__)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split()
    assert Path(out[0]).resolve() == ROOT / "model" / "ffsim" / "__init__.py"
    assert out[1] == "ffsim.scenarios.simulation"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """The wheel, built from this tree and installed in a fresh virtual environment whose
    only other packages are the dependencies (read from the project's environment)."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Built from a copy of the sources, so that builds in parallel workers share no build/.
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, source / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next((tmp / "dist").glob("ffsim-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    # The dependencies, not ffsim: a plain path entry runs no .pth file, so the project's
    # editable install is not seen.
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    (site / "deps.pth").write_text(str(deps) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "model.py").write_text(
        "raise SystemExit('a user module named model was imported')\n"
    )
    return {"wheel": wheel, "python": venv / "bin" / "python", "site": site, "cwd": elsewhere}


def _ffsim(
    installed: dict[str, Path], *args: str, timeout: int = 300
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(installed["python"]), "-m", "ffsim", *args],
        cwd=installed["cwd"],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_the_wheel_ships_the_data_the_artifacts_the_scenarios_and_the_explorer(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for name in (
        "ffsim/__init__.pyi",
        "ffsim/shipped/calibration/baseline.json",
        "ffsim/shipped/calibration/config.toml",
        "ffsim/shipped/calibration/vintages/as-of-2015-04-30.json",
        "ffsim/shipped/data/observations.csv",
        "ffsim/shipped/data/validation.csv",
        "ffsim/shipped/scenarios/no_air_campaign.toml",
        "ffsim/shipped/docs/model.md",
        "ffsim/core/data/regions.toml",
        "ffsim/app/main.py",
        "ffsim/app/pages/explore_page.py",
    ):
        assert name in names, name
    assert not any(n.startswith(("model/", "tests/")) for n in names)


def test_installed_run_gives_the_repository_numbers_from_another_folder(installed):
    here = subprocess.run(
        [sys.executable, "-m", "ffsim", "run"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    there = _ffsim(installed, "run")
    assert there.returncode == 0, there.stderr
    assert "Calibrated baseline (as reported)" in there.stdout
    assert there.stdout == here.stdout


def test_installed_import_is_the_package_not_a_users_model_py(installed):
    code = "import ffsim, ffsim.core.simulate as s; print(ffsim.__file__); print(s.__name__)"
    out = subprocess.run(
        [str(installed["python"]), "-c", code],
        cwd=installed["cwd"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(installed["site"]) in out and "ffsim.core.simulate" in out


@pytest.mark.slow  # 10 to 13 s: starts the installed wheel's command in a process
def test_installed_compare_and_a_corrupt_artifact(installed, tmp_path):
    scenario = "no_air_campaign.toml"
    (installed["cwd"] / scenario).write_text((ROOT / "scenarios" / scenario).read_text())
    done = _ffsim(installed, "compare", scenario, "--draws", "20")
    assert done.returncode == 0, done.stderr
    assert "No air campaign" in done.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    done = _ffsim(installed, "run", "--artifact", str(bad))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a calibration artifact" in done.stderr


def test_installed_calibrate_finds_its_config_data_and_artifact(installed):
    # The whole --check is the slow test below; here, a date before any figure stops it after
    # every file was found.
    done = _ffsim(installed, "calibrate", "--check", "--as-of", "2014-01-01")
    assert done.returncode == 2
    assert "no fitted figure had been published by then" in done.stderr


@pytest.mark.slow
def test_installed_calibration_reproduces_the_shipped_artifact(installed):
    # The full calibration, run by the installed wheel from an unrelated folder, checked against
    # the shipped artifact: identical on the same packages and platform, else the best fit within
    # 1e-4 relative and the posterior within Monte Carlo error (ffsim.calibration.check). The
    # one full run of the baseline's calibration in CI (the vintages are `make check-vintages`).
    done = _ffsim(installed, "calibrate", "--check", timeout=1800)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "check passed: the re-run reproduces" in done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


APP_TEST = """
import json
from streamlit.testing.v1 import AppTest
from ffsim.cli.app_command import app_script
script = app_script()
at = AppTest.from_file(str(script), default_timeout=120)
at.run()
print(json.dumps({
    "script": str(script),
    "exceptions": [e.message for e in at.exception],
    "errors": [e.value for e in at.error],
    "charts": len(at.get("plotly_chart")),
    "captions": [c.value for c in at.sidebar.caption],
}))
"""
"""The installed explorer's entry script (the one ``ffsim app`` hands to Streamlit), run once
headless by the installed interpreter: what a first visitor's session runs."""


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read()


@pytest.mark.slow  # 10 to 13 s: starts the installed wheel's command in a process
def test_installed_app_starts_and_serves(installed, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["FFSIM_DATA_DIR"] = str(tmp_path / "data")
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                str(installed["python"]),
                "-m",
                "ffsim",
                "app",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
            ],
            cwd=installed["cwd"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                health = _get(f"{base}/_stcore/health")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("ffsim app did not answer within 90 s: " + log.read_text()[-2000:])
        assert health == (200, b"ok")
        status, page = _get(f"{base}/")
        assert status == 200
        assert b"<title>Streamlit</title>" in page and b'<div id="root">' in page
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    said = log.read_text()
    assert "Traceback" not in said and "Error" not in said, said[-2000:]
    assert f"{port}" in said  # the server said where it listens

    # The page script itself, as the installed package ships it, run headless.
    done = subprocess.run(
        [str(installed["python"]), "-c", APP_TEST],
        cwd=installed["cwd"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    ran = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(ran["script"]).is_relative_to(installed["site"]), ran["script"]
    assert ran["exceptions"] == [] and ran["errors"] == [], ran
    assert ran["charts"] > 0  # the Explore page drew its charts
    assert any("Calibrated baseline" in c for c in ran["captions"]), ran["captions"]


def test_architecture_doc_names_every_module_and_nothing_else():
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    named = set(re.findall(r"\b(model/ffsim/[a-z_/]+\.py)\b", text))
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "model").rglob("*.py")
        if p.name != "__init__.py"
    }
    assert named <= modules, f"named but missing: {sorted(named - modules)}"
    assert modules <= named, f"not in docs/architecture.md: {sorted(modules - named)}"


def test_every_public_name_resolves_from_its_owner():
    import importlib

    import ffsim

    for name, owner in ffsim.PUBLIC.items():
        value = getattr(ffsim, name)
        assert getattr(importlib.import_module(owner), name) is value, name
    with pytest.raises(AttributeError):
        _ = ffsim.no_such_name


def test_import_ffsim_loads_no_heavy_library():
    code = (
        "import sys, ffsim; heavy = {'numba', 'scipy', 'pandas', 'streamlit', 'plotly'};"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- every README example, run by the installed wheel from an unrelated folder (issue 24) ----

README_COMMANDS_NOT_RUN = {
    "calibrate": "minutes each; `calibrate --check` is the slow test above, run by the wheel",
    "app": "the explorer: test_installed_app_starts_and_serves starts the installed one",
    "sbc": "hours: each replication is a full calibration; tests/cli/test_sbc_command.py runs the "
    "command on a small set-up",
}
"""README commands not run as written, and why. A line's optional parts in brackets
(``[--flat]``) are left out: its plain form is run."""

README_OPTIONS_NOT_RUN = {
    "--scheduler": "needs a Dask scheduler at the README's address; the same code path runs on "
    "a LocalCluster of two workers in tests/exploration/test_executors.py",
}
"""README command lines left out for an option they use, and why."""


def _readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def _readme_commands() -> list[str]:
    """Every ``ffsim`` command line of the README's ``sh`` blocks (continuations joined)."""
    lines = []
    for block in _readme_blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            if re.match(
                r"\s*(\.venv/bin/)?(ffsim|python -m ffsim)\b",
                line.replace(".venv/bin/python", "python"),
            ):
                lines.append(line.strip())
    return lines


def _readme_folder(installed: dict[str, Path], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An unrelated folder holding what the README's commands name (copies of the scenario
    files, a scenario.toml and my_scenario.toml, an artifact mine.json), and an environment
    whose saved store holds "My scenario"."""
    here = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "scenarios", here / "scenarios")
    for name in ("scenario.toml", "my_scenario.toml"):
        shutil.copy2(ROOT / "scenarios" / "no_air_campaign.toml", here / name)
    shutil.copy2(ROOT / "calibration" / "baseline.json", here / "mine.json")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["FFSIM_DATA_DIR"] = str(tmp_path / "data")
    save = (
        "from ffsim.scenarios.saved_store import SavedStore, data_dir\n"
        "SavedStore(data_dir()).save('My scenario', 'name = \"My scenario\"\\n', None, 'a test')\n"
    )
    subprocess.run([str(installed["python"]), "-c", save], env=env, cwd=here, check=True)
    return here, env


@pytest.mark.slow  # the wheel compiles both kernels afresh (about 30 s); the checkout's run of
# the same blocks is in the fast tier (tests/test_docs.py)
def test_installed_wheel_runs_the_readmes_python_examples(installed, tmp_path):
    blocks = _readme_blocks("python")
    assert blocks
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for block in blocks:
        done = subprocess.run(
            [str(installed["python"]), "-c", block + "\nprint(ffsim.__file__)"],
            cwd=installed["cwd"],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert str(installed["site"]) in done.stdout  # the wheel's ffsim, not the checkout's


@pytest.mark.slow
def test_installed_wheel_runs_every_readme_command_line(installed, tmp_path):
    import glob
    import shlex

    here, env = _readme_folder(installed, tmp_path)
    ran = 0
    for line in _readme_commands():
        words = shlex.split(line, comments=True)
        words = words[3:] if words[0].endswith("python") else words[1:]  # python -m ffsim
        if words[0] in README_COMMANDS_NOT_RUN or README_OPTIONS_NOT_RUN.keys() & set(words):
            continue
        plain = [w for w in words if not (w.startswith("[") or w.endswith("]"))]
        args = [m for w in plain for m in (sorted(glob.glob(w, root_dir=here)) or [w])]
        done = subprocess.run(
            [str(installed["python"]), "-m", "ffsim", *args],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=900,
            env=env,
        )
        assert done.returncode == 0, (line, done.stderr[-2000:])
        ran += 1
    assert ran >= 20, ran
