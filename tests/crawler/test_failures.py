"""Bad responses: each is counted and logged with its URL and reason, and the crawl goes on."""

import pytest

from tests.crawler.conftest import rows, run_test_crawl, write_sources_file
from tests.crawler.server import SITE, SiteServer


@pytest.fixture(scope="module")
def error_crawl(tmp_path_factory):
    """One crawl of feeds/errors.rss, into a corpus that already holds the news feed."""
    folder = tmp_path_factory.mktemp("errors")
    with SiteServer(SITE).start() as server:
        sources = write_sources_file(folder / "sources.toml", server.base_url)
        db = folder / "corpus.db"
        run_test_crawl(db, sources, "test-news")
        before = rows(db, "SELECT id, text FROM documents")
        logs: list[str] = []
        report = run_test_crawl(db, sources, "test-errors", logs=logs)
        yield server, db, report, before, logs


FAILURES = [
    ("/errors/slow.html", "timed out after 2 s (DOWNLOAD_TIMEOUT)"),
    ("/errors/missing.html", "HTTP 404"),
    ("/errors/loop-a.html", "redirect loop: "),
    ("/errors/redirect-chain?n=1", "too many redirects (more than 5)"),
    ("/errors/truncated.html", "truncated body: the connection closed before the whole page came"),
    ("/errors/empty.html", "no main text found in the HTML (a listing or empty page?)"),
    ("/errors/corrupt.pdf", "corrupt or unreadable PDF (PdfStreamError)"),
    ("/errors/huge.html", "larger than the 10 MB download limit (DOWNLOAD_MAXSIZE)"),
]


@pytest.mark.parametrize(("path", "reason"), FAILURES, ids=[path for path, _ in FAILURES])
def test_bad_response_is_counted_logged_and_recorded(error_crawl, path, reason):
    server, db, report, _, logs = error_crawl
    url = server.url(path)

    reasons = {failure.url: failure.reason for failure in report.failures}
    assert reasons[url].startswith(reason)
    assert any(f"failed: {url}: {reason}" in line and "WARNING" in line for line in logs)
    assert rows(db, "SELECT outcome, reason FROM crawl_pages WHERE url = ?", url) == [
        ("failed", reasons[url])
    ]


def test_failures_never_stop_the_crawl_nor_lose_what_was_stored(error_crawl):
    server, db, report, before, _ = error_crawl

    assert report.finished
    assert report.failed == len(FAILURES) == len(report.failures)
    after = set(rows(db, "SELECT id, text FROM documents"))
    assert set(before) <= after
    # The good article among the failures was stored by the first crawl: now a 304.
    pages = dict(rows(db, "SELECT url, outcome FROM crawl_pages"))
    assert pages[server.url("/news/icb-running-costs-to-halve.html")] == "unchanged"


def test_a_503_is_retried_and_the_page_stored(error_crawl):
    server, db, report, _, _ = error_crawl

    assert [request.status for request in server.requests_for("/errors/flaky.html")] == [503, 200]
    assert rows(
        db, "SELECT outcome FROM crawl_pages WHERE url = ?", server.url("/errors/flaky.html")
    ) == [("stored",)]


def test_windows_1252_text_is_read_right_whatever_the_page_declares(error_crawl):
    server, db, _, _, _ = error_crawl

    outcomes = dict(rows(db, "SELECT url, outcome FROM crawl_pages WHERE url LIKE '%cp1252%'"))
    # Declared UTF-8 or undeclared, both decode to the same text: one is stored, one repeats it.
    assert sorted(outcomes.values()) == ["duplicate", "stored"]
    [(title, text)] = rows(db, "SELECT title, text FROM documents WHERE url LIKE '%cp1252%'")
    assert title == "Trust’s £3m savings plan puts 40 posts at risk"
    assert "The NHS trust’s savings plan — worth £3m this year — puts 40 posts at risk" in text
    assert "â€" not in text and "\ufffd" not in text


def test_a_page_that_is_not_html_or_pdf_is_skipped_with_its_type(error_crawl):
    server, db, report, _, _ = error_crawl

    assert rows(
        db, "SELECT outcome, reason FROM crawl_pages WHERE url = ?", server.url("/errors/logo.png")
    ) == [("skipped", "not HTML or PDF (image/png)")]
    assert report.skipped == 1
