"""The real app in headless Chromium: `nhscuts serve` on a free loopback port, driven by Playwright.

Needs Debian's chromium (`.ci/run` installs it); never `playwright install`. Set
NHSCUTS_SCREENSHOTS to a folder to keep a screenshot of each page (`make screenshots`).
"""

import csv
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.dashboard.serving import (
    CHROMIUM,
    NHSCUTS,
    ServerDidNotStart,
    chromium,
    serving,
    settle,
)

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is absent: install Debian's chromium and chromium-driver (.ci/run does)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
expect = sync_api.expect

ALL_CLAIMS = "the OR said OR staff OR savings OR MARS OR costs"  # the 11 claims; 10 per page
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def framed_db(sample_db, tmp_path_factory):
    """The sample corpus after `nhscuts embed` and `nhscuts frames`, as a user runs them."""
    path = tmp_path_factory.mktemp("framed") / "corpus.db"
    shutil.copyfile(sample_db, path)
    for stage in ("embed", "frames"):
        done = subprocess.run(
            [str(NHSCUTS), stage, "--db", str(path)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"nhscuts {stage} failed:\n{done.stdout}\n{done.stderr}"
    return path


@pytest.fixture(scope="module")
def server(framed_db, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    try:
        with serving(framed_db, log) as url:
            yield url
    except ServerDidNotStart as problem:
        pytest.fail(str(problem))


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    yield opened
    context.close()


def screenshot(page, name: str) -> None:
    folder = os.environ.get("NHSCUTS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(2000)  # charts and tables draw after the script has finished
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_overview_shows_the_corpus(server, page):
    page.goto(server)
    settle(page, "NHS workforce cuts: the corpus")
    documents = page.locator('[data-testid="stMetric"]', has_text="Documents")
    assert documents.get_by_test_id("stMetricValue").inner_text() == "6"
    page.wait_for_selector("canvas, svg.marks", state="attached")
    screenshot(page, "overview")


def test_claim_search_in_the_browser(server, page, tmp_path):
    page.goto(f"{server}/claims")
    settle(page, "Claim search")
    box = page.get_by_label("Search claims", exact=True).and_(page.locator("input"))
    box.fill(ALL_CLAIMS)
    box.press("Enter")
    settle(page, "Page 1 of 2")  # the page's last line: every result is drawn

    # Highlighted: the search terms, the figures and the names, in each of the 10 on the page.
    results = page.locator(".nc-text")
    expect(results).to_have_count(10)
    expect(page.get_by_text("11 matching claims")).to_be_visible()
    assert page.locator(".nc-text mark").count() >= 10
    assert page.locator(".nc-text .nc-figure").count() >= 10
    assert "9,000" in page.locator(".nc-text .nc-figure").all_inner_texts()
    assert page.locator(".nc-text .nc-organisation").count() >= 1
    screenshot(page, "claims")

    # The query is in the URL, and the URL alone shows the same results.
    assert "q=the+OR+said" in page.url or "q=the%20OR%20said" in page.url
    first = results.first.inner_text()
    page.reload()
    settle(page, "Page 1 of 2")
    expect(results).to_have_count(10)
    expect(results.first).to_have_text(first)
    expect(box).to_have_value(ALL_CLAIMS)

    # The CSV holds every match, not only the page shown.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all as CSV").click()
    saved = tmp_path / "claims.csv"
    download.value.save_as(saved)
    with saved.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 11
    assert {row["sentence"] for row in rows} >= {first.strip()}


def test_open_a_document_from_a_claim(server, page):
    page.goto(f"{server}/claims?q=MARS")
    settle(page, "Page 1 of 1")
    href = page.get_by_role("link", name="Open the document").first.get_attribute("href")
    assert "documents?doc=" in href
    page.goto(server + href if href.startswith("/") else href)
    settle(page, "Provenance")
    expect(page.locator(".nc-text").last).to_contain_text("think carefully")
    assert page.locator(".nc-text .nc-figure").count() >= 1
    assert page.locator(".nc-text .nc-organisation").count() >= 1
    assert "MARS" in page.locator(".nc-text .nc-scheme").all_inner_texts()
    expect(page.get_by_text("sha256", exact=True)).to_have_count(1)
    screenshot(page, "document")


def test_figures_page_opens_each_view_from_its_tab_and_keeps_it_in_the_url(server, page):
    page.goto(f"{server}/figures")
    settle(page, "oldest document first")
    expect(page.get_by_text("12 figures")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    screenshot(page, "figures")

    page.get_by_role("tab", name="Over time").click()
    settle(page, "Choose a unit to plot")
    page.locator('[data-testid="stVegaLiteChart"]').locator("canvas, svg").first.wait_for()
    assert "view=Over+time" in page.url

    page.get_by_role("tab", name="Repeated across documents").click()
    settle(page, "Repeated in:")
    expect(page.get_by_text("First appearance:")).to_be_visible()
    shared = page.url
    assert "view=Repeated+across+documents" in shared
    page.goto(shared)  # a shared link opens the same view
    settle(page, "Repeated in:")


def test_framings_page_maps_the_paragraphs_and_lists_clusters_and_balance(server, page, framed_db):
    with sqlite3.connect(framed_db) as conn:
        framed = conn.execute("SELECT count(*) FROM paragraph_frames").fetchone()[0]
        clusters = conn.execute("SELECT count(*) FROM frame_clusters").fetchone()[0]
    page.goto(f"{server}/framings")
    settle(page, "click it to read the whole paragraph")
    expect(page.get_by_text(f"{framed} framed paragraphs")).to_be_visible()
    page.wait_for_selector("canvas, svg.marks", state="attached")  # the map, drawn
    screenshot(page, "framings")

    page.get_by_role("tab", name="Clusters").click()
    settle(page, "paragraphs · mean framing")
    assert clusters > 0
    expanders = page.locator('[data-testid="stExpander"]')
    expect(expanders.filter(has_text="paragraphs · mean framing")).to_have_count(clusters)
    assert "view=Clusters" in page.url

    page.get_by_role("tab", name="Balance over time").click()
    settle(page, "Mean framing by year")  # the balance table
    expect(page.get_by_role("button", name="Download the balance (CSV)")).to_be_visible()
    screenshot(page, "framings-balance")


# On a canvas (Streamlit draws charts of over 2,000 points on one): the centre of a red
# (opposition) or green (partnership) disc; the axes, grid and neutral points are grey.
_FIND_A_COLOURED_POINT = """canvas => {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const pixels = context.getImageData(0, 0, width, height).data;
  const coloured = (x, y) => {
    const at = 4 * (y * width + x);
    const [r, g, b] = [pixels[at], pixels[at + 1], pixels[at + 2]];
    return Math.max(r, g, b) - Math.min(r, g, b) > 60;
  };
  for (let y = 3; y < height - 3; y++) {
    for (let x = 3; x < width - 3; x++) {
      if ([[0, 0], [-2, 0], [2, 0], [0, -2], [0, 2]].every(([dx, dy]) => coloured(x + dx, y + dy))) {
        const box = canvas.getBoundingClientRect();
        return [box.left + (x * box.width) / width, box.top + (y * box.height) / height];
      }
    }
  }
  return null;
}"""


def test_hovering_a_point_of_the_map_shows_its_start_and_a_click_all_of_it(server, page, framed_db):
    with sqlite3.connect(framed_db) as conn:
        framed = {
            " ".join(text.split())
            for (text,) in conn.execute(
                "SELECT p.text FROM paragraphs p JOIN paragraph_frames f ON f.paragraph_id = p.id"
            )
        }
    page.goto(f"{server}/framings")
    settle(page, "click it to read the whole paragraph")
    map_ = page.locator('[data-testid="stVegaLiteChart"]').first
    map_.locator("canvas, svg.marks").first.wait_for()
    stance = ", ".join(f'.mark-symbol path[fill="{colour}"]' for colour in ("#b91c1c", "#0f766e"))
    if map_.locator("svg.marks").count():
        point = map_.locator(stance).first.bounding_box()
        point = point and (point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
    else:
        point = map_.locator("canvas").first.evaluate(_FIND_A_COLOURED_POINT)
    assert point, "no opposition or partnership point drawn on the map"

    page.mouse.move(*point)  # hovering shows the start of the paragraph
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_contain_text("paragraph")
    start = tooltip.locator("tr").first.locator("td").last.inner_text()
    start = " ".join(start.split()).removesuffix(" …")
    assert len(start) > 20 and any(text.startswith(start) for text in framed), start

    page.mouse.click(*point)

    link = page.get_by_role("link", name="Open the document")
    expect(link).to_be_visible()
    shown = page.locator('[data-testid="stMarkdown"] blockquote').first.inner_text()
    # A coloured point was clicked; a grey one drawn over it would show its own paragraph.
    assert " ".join(shown.split()) in framed
    assert "/documents?doc=" in link.get_attribute("href")
