"""Concurrent sessions: N browser sessions (1, 4, 8) moving a slider on the Explore page at once.

One Streamlit server; N pages in one headless chromium (each its own browser context, so its
own session), each moving the `border_closure_shift` slider `MOVES` times. Two times are
recorded for every move:

- **server time**: the script run that the move triggers, measured inside the app (the router
  appends each run's duration to the file named by ``FFSIM_TIMING_LOG``);
- **slider to chart**: from the key press to the first chart's new data in the page.

Run: ``.venv/bin/python benchmarks/load.py [--sessions 1,4,8] [--pin]`` (about 3 minutes;
needs /usr/bin/chromium).
Prints a Markdown table of medians and 95th percentiles per N. The machine is shared and
noisy: read the ratios between N more than the absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

SESSIONS = (1, 4, 8)
MOVES = 12
FIRST_CHART = (
    "() => { const c = document.querySelector('.js-plotly-plot');"
    " return c && c.data ? JSON.stringify(c.data.map(t => t.y)) : null; }"
)
"""The first chart's data, or null while the page redraws it."""

SLIDER = 'input[type=range][aria-label="Border closure: timing (months)"]'


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def _session(browser, url: str, first_chart: str, settled: str, ready) -> list[float]:
    context = await browser.new_context(viewport={"width": 1500, "height": 2600})
    page = await context.new_page()
    await page.goto(url, timeout=180_000)
    await page.wait_for_function(settled, timeout=180_000)
    await ready.wait()  # every session loaded, log cleared: the moves start together
    slider = page.locator(SLIDER)
    times = []
    for i in range(MOVES):
        before = await page.evaluate(first_chart)
        await slider.focus()
        start = time.perf_counter()
        await page.keyboard.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
        changed = f"() => {{ const d = ({first_chart})(); return d !== null && d !== {before!r}; }}"
        await page.wait_for_function(changed, timeout=180_000)
        await page.wait_for_function(settled, timeout=180_000)
        times.append(time.perf_counter() - start)
    await context.close()
    return times


async def _measure(url: str, n: int, log: Path) -> tuple[list[float], list[float]]:
    from playwright.async_api import async_playwright
    from test_browser import ARGS, CHROMIUM, SETTLED

    with tempfile.TemporaryDirectory() as home:
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=ARGS, env={**os.environ, "HOME": home}
            )
            # Sessions load first; only the moves' script runs are logged after the barrier.
            barrier = asyncio.Barrier(n + 1)

            async def clear_log() -> None:
                await barrier.wait()
                log.write_text("")
                await barrier.wait()

            class _Ready:
                async def wait(self) -> None:
                    await barrier.wait()
                    await barrier.wait()

            ready = _Ready()
            *results, _ = await asyncio.gather(
                *(_session(browser, url, FIRST_CHART, SETTLED, ready) for _ in range(n)),
                clear_log(),
            )
            await browser.close()
    wall = [t for r in results for t in r]
    server = [float(x) for x in log.read_text().split()]
    return wall, server


def main() -> None:
    """Measure each N and print the table.

    Arguments: ``--sessions 1,4,8`` (the N measured) and ``--pin``, which runs the server on
    one core and the browser on the other (processes inherit the affinity they are started
    with), so that the browser drawing N pages does not take the server's CPU: the server
    time then measures the server, as it would be with its users on their own machines.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default=",".join(map(str, SESSIONS)))
    parser.add_argument("--pin", action="store_true")
    args = parser.parse_args()
    sessions = [int(n) for n in args.sessions.split(",")]
    cores = sorted(os.sched_getaffinity(0))
    if args.pin and len(cores) < 2:
        parser.error("--pin needs two cores")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "timing.log"
        os.environ["FFSIM_TIMING_LOG"] = str(log)
        from test_browser import running_app

        rows = []
        if args.pin:
            os.sched_setaffinity(0, cores[:1])  # the server inherits the first core
        with running_app() as url:
            if args.pin:
                os.sched_setaffinity(0, cores[1:])  # the browser, every other core
            for n in sessions:
                wall, server = asyncio.run(_measure(url, n, log))
                rows.append((n, server, wall))
    where = f"server on core {cores[0]}, browser on {cores[1:]}" if args.pin else "shared cores"
    print(f"{where}; {MOVES} moves per session")
    print("| sessions | script runs | server time median | p95 | slider to chart median | p95 |")
    print("|---|---|---|---|---|---|")
    for n, server, wall in rows:
        print(
            f"| {n} | {len(server)} | {statistics.median(server) * 1e3:.0f} ms "
            f"| {_p95(server) * 1e3:.0f} ms | {statistics.median(wall):.2f} s "
            f"| {_p95(wall):.2f} s |"
        )


if __name__ == "__main__":
    main()
