"""`nhscuts serve` on a free loopback port, Debian's Chromium, and waiting for a page: shared
by the browser tests (tests/dashboard/test_browser.py) and bench/bench_dashboard.py."""

import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (.ci/run installs it); never `playwright install`
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
NHSCUTS = Path(sys.executable).with_name("nhscuts")
START_TIMEOUT_S = 60


class ServerDidNotStart(RuntimeError):
    pass


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, headless, for the length of the block (never `playwright install`)."""
    from playwright.sync_api import sync_playwright  # the dev extra; callers skip without it

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def settle(page, text: str) -> None:
    """Wait for the app's own text, then for Streamlit to finish running the script.

    Streamlit's "running" widget is not always there while a slow query runs, so the text
    comes first. (bench/bench_dashboard.py times pages with its own check, `shown`.)
    """
    page.get_by_text(text, exact=False).first.wait_for()
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")


@contextlib.contextmanager
def serving(db: Path, log: Path) -> Iterator[str]:
    """`nhscuts serve` on the corpus, its output in `log`, for the length of the block; its URL.

    Raises ServerDidNotStart, with the log, when it is not healthy within START_TIMEOUT_S.
    """
    command = [str(NHSCUTS), "serve", "--db", str(db), "--port"]
    with _healthy(command, log, "nhscuts serve") as url:
        yield url


@contextlib.contextmanager
def streamlit_serving(script: Path, log: Path) -> Iterator[str]:
    """`streamlit run` on a script of its own (bench/dashboard_floor.py), as `serving` does."""
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless",
               "true", "--browser.gatherUsageStats", "false", "--server.port"]  # fmt: skip
    with _healthy(command, log, f"streamlit run {script.name}") as url:
        yield url


@contextlib.contextmanager
def _healthy(command: list[str], log: Path, name: str) -> Iterator[str]:
    """Run `command` with a free port appended until the block ends, once it answers health."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen([*command, str(port)], stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerDidNotStart(f"{name} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
