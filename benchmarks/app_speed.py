"""Server time of a slider change in the app (AppTest), and the time a real browser takes.

Every timed change moves a slider to a new value, so the cached runs and bands miss: the time
includes the model run, the posterior band, the fit score and all charts of the Explore page.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def server_ms(repeat: int = 15) -> float:
    from streamlit.testing.v1 import AppTest

    from ffsim.app.state import widget_key

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    slider = widget_key("param", "combat_mortality")
    times = []
    for i in range(repeat + 2):
        value = 0.002 + 0.0007 * i
        at.slider(key=slider).set_value(value)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times[2:]) * 1e3


def browser_ms(repeat: int = 8) -> float:
    sys.path.insert(0, str(ROOT / "tests"))
    import os
    import tempfile

    from playwright.sync_api import sync_playwright
    from test_browser import ARGS, CHROMIUM, FIRST_CHART, SETTLED, running_app

    times = []
    with running_app() as url, tempfile.TemporaryDirectory() as home, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS, env={**os.environ, "HOME": home}
        )
        page = browser.new_page(viewport={"width": 1500, "height": 2600})
        page.goto(url)
        page.wait_for_function(SETTLED, timeout=120_000)
        slider = page.locator('input[type=range][aria-label="Border closure: timing (months)"]')
        for _ in range(repeat + 1):
            before = page.evaluate(FIRST_CHART)
            slider.focus()
            start = time.perf_counter()
            page.keyboard.press("ArrowLeft")
            page.wait_for_function(f"() => ({FIRST_CHART})() !== {before!r}", timeout=60_000)
            page.wait_for_function(SETTLED, timeout=60_000)
            times.append(time.perf_counter() - start)
        browser.close()
    return statistics.median(times[1:]) * 1e3


if __name__ == "__main__":
    server, browser = server_ms(), browser_ms()
    print(f"| slider change to redrawn Explore page, server (AppTest) | {server:.0f} ms | 100 ms |")
    print(f"| slider change to redrawn charts in chromium (Playwright) | {browser:.0f} ms | 1 s |")
