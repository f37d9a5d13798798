"""The demo site: every sample, published as a page or a PDF letter, comes back by crawling."""

import socket
import sqlite3
import urllib.request

import pytest
from click.testing import CliRunner

from crawler.demo_site import SAMPLES, build_site, crawl_demo_site, read_samples, serve_site
from nhscuts.cli import cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo crawl, as `make demo` runs it: (report, rows of documents by URL path)."""
    tmp = tmp_path_factory.mktemp("demo")
    report = crawl_demo_site(tmp / "demo.db", tmp / "site")
    connection = sqlite3.connect(tmp / "demo.db")
    connection.row_factory = sqlite3.Row
    rows = connection.execute(
        "SELECT url, title, published, kind, content_type, text FROM documents"
    ).fetchall()
    connection.close()
    return report, {"/" + row["url"].split("/", 3)[3]: row for row in rows}


def test_every_sample_becomes_a_document_with_its_title_date_and_kind(demo):
    report, rows = demo
    samples = read_samples()
    assert len(samples) == 44
    assert {page.path: (page.title, page.published.isoformat(), page.kind) for page in samples} == {
        path: (row["title"], row["published"], row["kind"]) for path, row in rows.items()
    }
    assert (report.stored, report.failed) == (44, 0)


def test_the_government_letters_are_stored_as_pdfs(demo):
    _, rows = demo
    letters = [page for page in read_samples() if page.is_pdf]
    assert letters
    for letter in letters:
        row = rows[letter.path]
        assert row["content_type"] == "application/pdf"
        # The letter's first paragraph survives the trip through the PDF.
        first_words = " ".join(letter.body.split()[:12])
        assert first_words in " ".join(row["text"].split())


def test_nhscuts_demo_twice_fetches_only_what_changed(tmp_path):
    with socket.socket() as probe:  # a free port, the same for both runs, as `make demo` has
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    command = ["demo", "--db", str(tmp_path / "demo.db"), "--site", str(tmp_path / "site")]
    first = CliRunner().invoke(cli, [*command, "--port", port])
    again = CliRunner().invoke(cli, [*command, "--port", port])
    assert first.exit_code == 0, first.output
    assert "44 stored" in first.output
    # The site is rebuilt unchanged, so every page answers 304 Not Modified.
    assert again.exit_code == 0, again.output
    assert "0 stored" in again.output and "44 unchanged" in again.output
    with sqlite3.connect(tmp_path / "demo.db") as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 44


def test_the_site_has_a_feed_a_sitemap_and_robots_txt_naming_it(tmp_path):
    with serve_site(tmp_path) as server:
        pages = build_site(SAMPLES, tmp_path, server.url)

        def get(path: str) -> str:
            with urllib.request.urlopen(server.url + path) as response:
                return response.read().decode("utf-8")

        feed, sitemap, robots = get("feed.xml"), get("sitemap.xml"), get("robots.txt")
        listings = [get("index.html")] + [get(f"page/{n}.html") for n in range(2, 6)]
    assert feed.count("<item>") == sitemap.count("<url>") == len(pages) == 44
    assert f"Sitemap: {server.url}sitemap.xml" in robots
    assert all(f"<lastmod>{page.published.isoformat()}</lastmod>" in sitemap for page in pages)
    # Newest first, ten a page, each page linking the next until the last.
    assert all(f'href="{page.path}"' in "".join(listings) for page in pages)
    assert [('rel="next"' in listing) for listing in listings] == [True] * 4 + [False]
    assert server.requests.count("/feed.xml") == 1
