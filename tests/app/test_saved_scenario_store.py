"""The explorer's local store, headless (Streamlit AppTest): every saved scenario reachable and
told apart, and an unusable data folder named as the user set it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ffsim.app import store
from ffsim.scenarios.saved_store import SavedStore

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
IO = "model/ffsim/app/pages/scenarios_io_page.py"


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch) -> Path:
    """Every test keeps saved scenarios and uploaded bases in a folder of its own."""
    folder = tmp_path / "ffsim-data"
    monkeypatch.setenv("FFSIM_DATA_DIR", str(folder))
    return folder


def started(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def clicked(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def save_as(at: AppTest, name: str) -> AppTest:
    at.switch_page(IO).run()
    at.text_input(key="io:name").input(name).run()
    return clicked(at, "io:save")


def scenario(name: str, shift: int) -> str:
    return f'name = "{name}"\n[levers]\nprevention_shift = {shift}\n'


def stored(folder: Path) -> dict[str, str]:
    """Name -> text of every saved scenario in the store of ``folder``."""
    return {s.name: s.text for s in SavedStore(folder).scenarios()}


def refuse_writes(monkeypatch, exc: OSError) -> None:
    """The store takes no write (a full or read-only disk); reading it still works."""

    def refused(*args, **kwargs):
        raise exc

    monkeypatch.setattr(SavedStore, "save", refused)
    monkeypatch.setattr(SavedStore, "save_base", refused)


def rows(at: AppTest) -> list[str]:
    """The saved scenarios listed on the Scenarios page (one Markdown row each, Use beside)."""
    count = sum(1 for b in at.button if str(b.key).startswith("io:use:"))
    listed = [m.value for m in at.markdown if m.value and not m.value.startswith(("#", "Current"))]
    return listed[-count:] if count else []


def everything_said(at: AppTest) -> str:
    kinds = ("warning", "error", "success", "info", "caption", "markdown")
    return "\n".join(e.value for kind in kinds for e in getattr(at, kind))


# --- 1. every stored scenario reachable and told apart ----------------------------------------


def test_an_earlier_folder_of_files_is_copied_in_once_each_file_kept_and_left_as_it_was(
    own_data_dir,
):
    """Two files carrying one name (a copied store) both become saved scenarios, the second
    under its file's name; the files are left on disk, and a Delete removes one entry only."""
    folder = own_data_dir / "saved_scenarios"
    folder.mkdir(parents=True)
    texts = {"a.toml": scenario("twin", -6), "b.toml": scenario("twin", -12)}
    for file, text in texts.items():
        (folder / file).write_text(text, "utf-8")
    at = started()
    assert stored(own_data_dir) == {"twin": texts["a.toml"], "twin (b.toml)": texts["b.toml"]}
    at.switch_page("model/ffsim/app/pages/compare_page.py").run()
    offered = at.multiselect(key="compare:chosen").options
    assert {"Saved: twin", "Saved: twin (b.toml)"} <= set(offered)
    at.switch_page(IO).run()
    assert rows(at) == ["twin", "twin (b.toml)"]
    for i, file in enumerate(texts):
        clicked(at, f"io:use:{i}")
        assert at.session_state["base"]["toml"] == texts[file]  # each one reachable
    clicked(at, "io:del:1")
    assert any("`'twin (b.toml)'`" in w.value for w in at.warning)  # says which one
    clicked(at, "io:confirm")
    assert stored(own_data_dir) == {"twin": texts["a.toml"]}
    assert {p.name: p.read_text("utf-8") for p in folder.iterdir()} == texts  # left as it was
    started()  # a new session copies nothing twice
    assert stored(own_data_dir) == {"twin": texts["a.toml"]}


def test_saving_under_a_taken_name_asks_naming_the_version_and_replaces_only_that(own_data_dir):
    at = save_as(started(), "mine")
    first = SavedStore(own_data_dir).get("mine")
    assert first is not None
    at.switch_page("model/ffsim/app/pages/explore_page.py").run()
    at.slider(key="lever:prevention_shift").set_value(-12).run()
    save_as(at, "mine")
    assert any(
        f"already called `'mine'` (version {first.version}, saved by explorer session" in w.value
        for w in at.warning
    )
    clicked(at, "io:confirm")
    now = SavedStore(own_data_dir).get("mine")
    assert now is not None and now.version > first.version
    assert "prevention_shift = -12" in now.text


def test_a_scenario_kept_for_the_session_beside_a_stored_one_of_its_name_is_listed_too(
    own_data_dir, monkeypatch
):
    """A store that stops taking writes (a full or read-only disk): the session's copy of
    ``mine`` used to hide the stored ``mine``."""
    at = save_as(started(), "mine")
    refuse_writes(monkeypatch, PermissionError(13, "Permission denied", "x"))
    at.switch_page("model/ffsim/app/pages/explore_page.py").run()
    at.slider(key="lever:prevention_shift").set_value(-12).run()
    save_as(at, "mine")
    clicked(at, "io:confirm")
    assert any("for this session only" in s.value for s in at.success)
    assert rows(at) == ["mine (saved)", "mine (this session only)"]
    at.switch_page("model/ffsim/app/pages/compare_page.py").run()
    offered = at.multiselect(key="compare:chosen").options
    assert {"Saved: mine (saved)", "Saved: mine (this session only)"} <= set(offered)


def test_names_that_read_alike_are_labelled_apart():
    names = ["mine", "mine\u200b", "mine ", "Mine"]
    labels = store.labels([*((n, "saved") for n in names), ("mine", None)])
    assert labels == [
        "mine (saved)",
        "mine\u200b (saved) #2",
        "mine  (saved) #3",
        "Mine",
        "mine (this session only)",
    ]
    # a name written to look like another's label is numbered, never shown twice
    forged = store.labels([("twin", "saved"), ("twin", None), ("twin (saved)", "saved")])
    assert len({store.looks(label) for label in forged}) == 3
    assert forged[2] == "twin (saved) #2"


def test_looks_drops_what_a_page_does_not_show():
    assert store.looks(" mi\u200bne\t\r\n x\x7f") == "mine x"
    assert store.looks("\uff4d\uff49\uff4e\uff45") == "mine"  # full-width letters


# --- 2. an unusable data folder is named as the user set it ------------------------------------

MINE = b'name = "My upload"\n[levers]\nborder_closure_strength = 0.0\n'


def walk_through(at: AppTest) -> str:
    """Every message the store can give: start, Scenarios page, a save, an upload, a link."""
    said = [everything_said(at)]
    save_as(at, "kept")
    said.append(everything_said(at))
    at.file_uploader[0].set_value(("mine.toml", MINE, "application/toml")).run()
    assert not at.exception
    said.append(everything_said(at))
    at.run()
    said.append(everything_said(at))
    said.append(everything_said(started({"base": "local-0123456789abcdef"})))
    return "\n".join(said)


def unusable(kind: str, tmp_path: Path) -> tuple[str, str]:
    """A value of FFSIM_DATA_DIR that cannot be used, and the reason the notice must give."""
    if kind == "no such user":
        return (
            "~ffsim-no-such-user-8c1f/x",
            "`'~ffsim-no-such-user-8c1f'` names no user of this computer",
        )
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", "utf-8")
    if kind == "a file":
        return str(blocker), "it is a file, not a folder"
    return str(blocker / "below"), f"`'{blocker}'` is a file, not a folder"


@pytest.mark.parametrize("kind", ["no such user", "a file", "below a file"])
def test_every_message_names_the_unusable_setting_never_the_placeholder(
    kind, tmp_path, monkeypatch
):
    """Found by the attack: with ``FFSIM_DATA_DIR=~nosuchuser/x`` the Scenarios page's caption,
    the save and upload messages and a link's notice named ``/dev/null/ffsim-store``; with a
    file there, the upload still said a copy was kept."""
    value, why = unusable(kind, tmp_path)
    monkeypatch.setenv("FFSIM_DATA_DIR", value)
    said = walk_through(started())
    assert str(store.UNUSABLE) not in said and os.devnull not in said
    assert "A copy is kept" not in said and "are kept on this computer" not in said
    setting = f"FFSIM_DATA_DIR = `{value!r}` cannot be used: {why}; allowed: a folder you can"
    for message in (
        "Saved `'kept'` for this session only: " + setting,  # the save
        "The base could not be kept on this computer: " + setting,  # the upload
        setting,  # the notice on every page, and the Scenarios page's caption
    ):
        assert message in said, (message, said)
    assert "so the share link and a reload will not find it" in said
    assert "The link's base `'local-0123456789abcdef'` is not kept on this computer (in" in said
    assert not Path("~ffsim-no-such-user-8c1f").exists()


def test_a_folder_that_cannot_be_written_is_named_with_what_is_allowed(own_data_dir, monkeypatch):
    """A read-only folder (emulated: the tests may run as root, who writes anywhere)."""
    own_data_dir.mkdir()
    access = os.access

    def no_write(path, mode, **kw) -> bool:
        return False if Path(path) == own_data_dir and mode & os.W_OK else access(path, mode, **kw)

    monkeypatch.setattr(os, "access", no_write)
    refuse_writes(monkeypatch, PermissionError(13, "Permission denied", "x"))
    said = walk_through(started())
    setting = (
        f"FFSIM_DATA_DIR = `{str(own_data_dir)!r}` cannot be used: it cannot be written (no "
        "permission); allowed: a folder you can write to"
    )
    assert "Saved `'kept'` for this session only: " + setting in said
    assert "The base could not be kept on this computer: " + setting in said
    assert "A copy is kept" not in said and "are kept on this computer" not in said


def test_a_write_failure_the_folder_did_not_foretell_names_the_setting_and_the_reason(
    own_data_dir, monkeypatch
):
    refuse_writes(monkeypatch, OSError(28, "No space left on device", "x"))
    at = save_as(started(), "kept")
    assert any(
        f"FFSIM_DATA_DIR = `{str(own_data_dir)!r}` cannot be used: it cannot be written (No "
        "space left on device); allowed:" in s.value
        for s in at.success
    )


def test_no_home_folder_is_a_problem_named_never_a_traceback(monkeypatch):
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("FFSIM_DATA_DIR")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert store.data_dir() == store.UNUSABLE
    problem = store.data_dir_problem()
    assert problem is not None
    assert problem.startswith("The default data folder (FFSIM_DATA_DIR is not set) cannot be")
    assert "no home folder is known; set FFSIM_DATA_DIR to a folder you can write to" in problem
    assert "default data folder, which cannot be found" in store.where(store.DB_NAME)
    assert str(store.UNUSABLE) not in problem + store.where()


def test_a_usable_folder_is_no_problem_and_is_named_by_its_path(own_data_dir):
    assert store.data_dir_problem() is None  # not made yet: made on the first save
    own_data_dir.mkdir()
    assert store.data_dir_problem() is None
    assert store.where(store.DB_NAME) == f"`{str(own_data_dir / 'saved_scenarios.sqlite3')!r}`"
