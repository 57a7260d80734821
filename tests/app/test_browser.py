"""The app in a real browser: Debian's chromium driven by Playwright.

Starts the app on a free port, loads it, moves a slider with the keyboard, waits for the rerun,
checks that the chart changed, and saves a screenshot; then opens the Forecasts page, picks
another vintage and checks that the bands changed; then loads a tampered share link and sees a
notice, not a traceback. In CI (``CI`` set) a missing browser is a failure, never a skip:
`.ci/run` installs chromium with apt-get.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ffsim.teaching.lessons import LESSONS

pytestmark = pytest.mark.slow  # the slow tier: `make test-slow`, once in CI

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(os.environ.get("FFSIM_SCREENSHOT_DIR", ROOT / "build" / "screenshots"))


def _require_browser() -> None:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    if missing:
        message = "browser test cannot run: missing " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(theme: str = "light") -> Iterator[str]:
    """Start the app on a free local port in Streamlit's ``theme`` ("light" or "dark"); yield
    its URL; stop it afterwards."""
    port = _free_port()
    data = tempfile.mkdtemp(prefix="ffsim-data-")  # saved scenarios: never the user's own
    env = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "FFSIM_DATA_DIR": data,
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            f"--theme.base={theme}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the app did not start within 90 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def app_url():
    _require_browser()
    with running_app() as url:
        yield url


# the first chart (the grid's one legend above it is HTML)
FIRST_CHART = (
    "() => JSON.stringify(document.querySelectorAll('.js-plotly-plot')[0].data.map(t => t.y))"
)
SETTLED = (
    "() => !document.querySelector('[data-testid=stStatusWidget]') && "
    "document.querySelectorAll('.js-plotly-plot').length === 8"
)


def one_live(label: str) -> str:
    """A page function: true when exactly one slider has this label and nothing is stale."""
    return (
        "() => document.querySelectorAll("
        f"'input[type=range][aria-label=\"{label}\"]').length === 1 && "
        "!document.querySelector('[data-stale=true]')"
    )


def test_slider_moves_and_the_chart_follows_in_a_real_browser(app_url):
    from playwright.sync_api import sync_playwright

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS, env={**os.environ, "HOME": home}
        )
        page = browser.new_page(viewport={"width": 1500, "height": 2600})
        page.goto(app_url)
        page.wait_for_function(SETTLED, timeout=90_000)
        before = page.evaluate(FIRST_CHART)
        label = "Border closure: timing (months)"
        slider = page.locator(f'input[type=range][aria-label="{label}"]')
        page.wait_for_function(one_live(label), timeout=60_000)
        assert slider.input_value() == "0"
        # One step at a time: each step reruns the page, and the levers now sit in the page
        # body, whose rerun can take the focus away from the slider between two key presses;
        # so each press waits for the page to settle (at most 20 presses for the 6 steps).
        # While a rerun replaces the lever block, Streamlit can show the old slider (marked
        # stale) beside the new one for a moment (CI saw two); each read and press waits until
        # there is one slider again and nothing stale.
        # A press can also land just as a rerun begins (the status widget not yet shown): a
        # press that finds two sliders is tried again after the page settles.
        from playwright.sync_api import Error as PlaywrightError

        def settle() -> None:
            for _ in range(2):  # twice, a second apart: a rerun that had not begun has now
                page.wait_for_function(SETTLED, timeout=60_000)
                page.wait_for_function(one_live(label), timeout=60_000)
                page.wait_for_timeout(1000)

        for _ in range(20):
            settle()
            if slider.input_value() == "-6":
                break
            try:
                slider.press("ArrowLeft")  # focuses the slider, then presses
            except PlaywrightError as error:
                if "strict mode violation" not in str(error):
                    raise
        page.wait_for_function(f"() => ({FIRST_CHART})() !== {before!r}", timeout=60_000)
        settle()
        assert slider.input_value() == "-6"
        assert page.evaluate(FIRST_CHART) != before
        shot = SCREENSHOT_DIR / "explore_after_slider.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000


FORECAST_CHARTS = 5  # four world totals and the forecast strip
FORECASTS_SETTLED = (
    "() => !document.querySelector('[data-testid=stStatusWidget]') && "
    f"document.querySelectorAll('.js-plotly-plot').length === {FORECAST_CHARTS}"
)


def test_the_forecasts_page_follows_the_vintage_in_a_real_browser(app_url):
    from playwright.sync_api import sync_playwright

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS, env={**os.environ, "HOME": home}
        )
        page = browser.new_page(viewport={"width": 1500, "height": 2600})
        page.goto(f"{app_url}/forecasts")
        page.wait_for_function(FORECASTS_SETTLED, timeout=120_000)
        before = page.evaluate(FIRST_CHART)
        radio = page.locator("[data-testid=stRadio]")
        radio.get_by_text("as of 2016-09-11", exact=True).click()
        page.wait_for_function(f"() => ({FIRST_CHART})() !== {before!r}", timeout=120_000)
        page.wait_for_function(FORECASTS_SETTLED, timeout=60_000)
        assert page.evaluate(FIRST_CHART) != before
        assert radio.locator("input[type=radio]:checked").count() == 1
        shot = SCREENSHOT_DIR / "forecasts_after_vintage.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000


TAMPERED_LINK = (
    "?lever.border_closure_shift=nan&lever.prevention_strength=1e400"
    "&param.radicalisation_rate=5&param.radicalisation_rate.france=3&lever.air_campaign_strength=0.5"
)


def test_a_tampered_share_link_shows_notices_not_a_traceback_in_a_real_browser(app_url):
    from playwright.sync_api import sync_playwright

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS, env={**os.environ, "HOME": home}
        )
        page = browser.new_page(viewport={"width": 1500, "height": 2600})
        page.goto(f"{app_url}/{TAMPERED_LINK}")
        page.wait_for_function(SETTLED, timeout=90_000)
        notices = page.locator("[data-testid=stAlertContentWarning]").all_inner_texts()
        assert page.locator("[data-testid=stException]").count() == 0
        assert not page.get_by_text("Traceback").count()
        said = " ".join(notices)
        assert "lever.border_closure_shift" in said and "nan" in said, notices
        assert "lever.prevention_strength" in said and "1e400" in said, notices
        assert "a regional parameter" in said, notices
        # the rest of the link is used, and the URL now holds only what was used
        assert "lever.air_campaign_strength=0.5" in page.url
        assert "nan" not in page.url and "1e400" not in page.url
        shot = SCREENSHOT_DIR / "explore_tampered_link.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000


# --- Legibility: both sizes, both themes (issue 24, item 4) ---------------------------------

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
LEGIBILITY_DIR = SCREENSHOT_DIR / "legibility"

MEASURE = """() => {
  const out = {truncated: [], overlaps: [], plots: [], outside: [], pageWidth: 0};
  const vw = window.innerWidth;
  out.pageWidth = document.documentElement.scrollWidth;
  // metrics: label and value shown whole (no ellipsis)
  for (const m of document.querySelectorAll('[data-testid=stMetric]')) {
    for (const el of m.querySelectorAll('*')) {
      if (el.children.length === 0 && el.textContent.trim() &&
          el.scrollWidth > el.clientWidth + 1) {
        out.truncated.push(el.textContent.trim());
      }
    }
  }
  // tables: a static table (st.table) as wide as its container at most; a data grid
  // (st.dataframe, drawn on a canvas) measured by its scroller, whose content is as wide as
  // its columns
  out.tables = [];
  for (const t of document.querySelectorAll('[data-testid=stTable]')) {
    const table = t.querySelector('table');
    if (table && table.scrollWidth > t.clientWidth + 1) {
      out.tables.push('table ' + table.scrollWidth + ' px in ' + t.clientWidth + ' px: ' +
        [...table.querySelectorAll('th')].map(h => h.textContent.trim()).join(' | '));
    }
  }
  for (const g of document.querySelectorAll('[data-testid=stDataFrame]')) {
    const s = g.querySelector('.dvn-scroller');
    if (s && s.clientWidth > 0 && s.scrollWidth > s.clientWidth + 1) {
      out.tables.push('data grid ' + s.scrollWidth + ' px in ' + s.clientWidth + ' px');
    }
  }
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  plots.forEach((plot, i) => {
    const svg = plot.querySelector('.main-svg');
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    // the plotting area: one plot's, or a grid's from its top panel to its bottom one
    const drags = [...plot.querySelectorAll('.nsewdrag')].map(d => d.getBoundingClientRect());
    const title = (plot.querySelector('.gtitle') || {}).textContent || ('chart ' + i);
    if (drags.length && plot.data.some(t => t.x && t.x[0] !== null)) {
      const top = Math.min(...drags.map(r => r.top));
      const bottom = Math.max(...drags.map(r => r.bottom));
      out.plots.push({title: title, fraction: (bottom - top) / box.height});
    }
    const texts = [...plot.querySelectorAll('text')].filter(t => t.textContent.trim())
      .map(t => ({text: t.textContent.trim(), r: t.getBoundingClientRect()}))
      .filter(t => t.r.width > 0 && t.r.height > 0);
    for (const t of texts) {
      if (t.r.left < box.left - 1 || t.r.right > box.right + 1 || t.r.right > vw + 1) {
        out.outside.push(title + ': ' + t.text);
      }
    }
    for (let a = 0; a < texts.length; a++) {
      for (let b = a + 1; b < texts.length; b++) {
        const p = texts[a].r, q = texts[b].r;
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 2 && h > 2) out.overlaps.push(title + ': ' + texts[a].text + ' / ' + texts[b].text);
      }
    }
  });
  // a legend whose entries do not all fit its box scrolls: the entries out of sight are hidden
  out.hidden = [];
  plots.forEach((plot, i) => {
    const legend = plot.querySelector('.legend');
    const bg = legend && legend.querySelector('.bg');
    if (!bg) return;
    const b = bg.getBoundingClientRect();
    const hidden = [...legend.querySelectorAll('.traces')].filter(t => {
      const r = t.getBoundingClientRect();
      return r.bottom > b.bottom + 1 || r.top < b.top - 1;
    }).length;
    const title = (plot.querySelector('.gtitle') || {}).textContent || ('chart ' + i);
    if (hidden) out.hidden.push(title + ': ' + hidden + ' entries scrolled out of sight');
  });
  return out;
}"""


def _run_the_first_lesson(page) -> None:
    """Learn: predict the first answer of the first lesson, then run its experiment."""
    page.get_by_text(LESSONS[0].options[0], exact=True).click()
    button = page.get_by_role("button", name="Run the experiment")
    button.and_(page.locator(":enabled")).wait_for(timeout=60_000)
    button.click()


def _compute_the_sobol_indices(page) -> None:
    """Sensitivity: compute the Sobol indices at the smallest base sample (the default)."""
    page.get_by_role("button", name="Compute Sobol indices").click()


LEGIBILITY_PAGES = {
    "explore": ("", 8, None),
    "compare": ("compare", 4, None),
    "sensitivity": ("sensitivity", 1, None),
    "sobol": ("sensitivity", 3, _compute_the_sobol_indices),
    "calibration": ("calibration", 3, None),
    "forecasts": ("forecasts", 5, None),
    "learn": ("learn", len(LESSONS[0].charts), _run_the_first_lesson),
}
"""Every page that draws charts: its URL path, the charts it draws at least when settled
(Calibration: two and one per estimated parameter, counted on the page), and for the pages that
draw theirs on a button (the Sobol indices, a lesson of Learn), what presses it."""

SETTLED_WITH = (
    "n => !document.querySelector('[data-testid=stStatusWidget]') && "
    "!document.querySelector('[data-stale=true]') && "
    "document.querySelectorAll('.js-plotly-plot').length >= n"
)


def settle(page, n_charts: int) -> None:
    """Wait until the page has run, drawn at least ``n_charts`` charts and drawn no new one
    for two seconds."""
    page.wait_for_function(SETTLED_WITH, arg=n_charts, timeout=120_000)
    count, steady = -1, 0
    while steady < 4:
        page.wait_for_timeout(500)
        now = page.evaluate("() => document.querySelectorAll('.js-plotly-plot').length")
        steady = steady + 1 if now == count else 0
        count = now
    page.wait_for_timeout(500)  # plotly's last relayout


@pytest.fixture(scope="module", params=["light", "dark"])
def themed_url(request):
    _require_browser()
    with running_app(request.param) as url:
        yield request.param, url


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_charts_metrics_and_levers_are_legible_at_both_sizes_and_themes(themed_url, size):
    """Screenshots at 1280x800 and 390x844 in light and dark, in build/screenshots/legibility;
    on every chart the plot takes two thirds of the height, no two texts overlap or leave the
    chart and no legend hides an entry; metrics are shown whole; at 1280 px no table is wider
    than its place; on the phone nothing is wider than the screen and the levers are on the
    page, not only in the closed sidebar. The pages that draw charts on a button (the Sobol
    indices, a lesson) are measured after it is pressed."""
    from playwright.sync_api import sync_playwright

    theme, url = themed_url
    width, height = VIEWPORTS[size]
    LEGIBILITY_DIR.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as home, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS, env={**os.environ, "HOME": home}
        )
        page = browser.new_page(viewport={"width": width, "height": height})
        for name, (path, n_charts, press) in LEGIBILITY_PAGES.items():
            page.goto(f"{url}/{path}")
            if press is not None:
                settle(page, 0)
                press(page)
            settle(page, n_charts)
            shot = f"{name}_{width}x{height}_{theme}"
            page.screenshot(path=str(LEGIBILITY_DIR / f"{shot}.png"))
            found = page.evaluate(MEASURE)
            problems += [f"{name}: metric cut: {t}" for t in found["truncated"]]
            problems += [f"{name}: texts overlap: {t}" for t in found["overlaps"]]
            problems += [f"{name}: text outside its chart: {t}" for t in found["outside"]]
            problems += [f"{name}: legend hides entries: {t}" for t in found["hidden"]]
            problems += [
                f"{name}: plot {c['fraction']:.2f} of {c['title']}"
                for c in found["plots"]
                if c["fraction"] < 2 / 3
            ]
            if size == "desktop":
                problems += [f"{name}: wider than its place: {t}" for t in found["tables"]]
            if size == "phone":
                if found["pageWidth"] > width:
                    problems.append(f"{name}: page {found['pageWidth']} px wide on a {width} px")
                if name == "explore":
                    lever = page.locator(
                        'input[type=range][aria-label="Border closure: timing (months)"]'
                    )
                    if not lever.is_visible():
                        problems.append("explore: the levers are not on the page")
            # the whole page too: Streamlit scrolls its own container, so the window is made
            # as tall as the page (the width, and so the layout, unchanged)
            tall = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                "[data-testid=stMain] *')].map(e => e.scrollHeight))"
            )
            page.set_viewport_size({"width": width, "height": min(int(tall) + 100, 12000)})
            page.wait_for_timeout(1500)
            page.screenshot(path=str(LEGIBILITY_DIR / f"{shot}_whole.png"))
            page.set_viewport_size({"width": width, "height": height})
        browser.close()
    assert not problems, "\n".join(problems)
