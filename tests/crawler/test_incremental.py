"""Re-crawls fetch only what is new or changed; an interrupted crawl resumes from its JOBDIR."""

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tests.crawler.conftest import rows, run_test_crawl
from tests.crawler.server import SITE

NEW_ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Care board confirms 180 posts will go | Wessex Valley Gazette (sample)</title>
<meta property="og:type" content="article">
<meta property="og:title" content="Care board confirms 180 posts will go">
<meta property="article:published_time" content="2025-04-15T08:00:00Z"></head>
<body><article><h1>Care board confirms 180 posts will go</h1>
<p>The Wessex Valley Integrated Care Board (sample) has confirmed that 180 posts will go in its new structure, about a third of its current workforce.</p>
<p>Staff will be able to apply for a voluntary redundancy scheme before any compulsory redundancies are considered, the board said on Tuesday.</p>
<p>Unions said the NHS could not afford to lose the experience of commissioning staff, many of whom had already been through two reorganisations in ten years.</p>
</article></body></html>
"""

NEW_ITEM = """<item>
<title>Care board confirms 180 posts will go</title>
<link>{{BASE}}/news/care-board-confirms-180-posts.html</link>
<pubDate>Tue, 15 Apr 2025 08:00:00 GMT</pubDate>
</item>
"""


def test_second_crawl_fetches_only_what_is_new_or_changed(crawl, db_path, site_server):
    first = crawl("test-news")
    assert first.stored == 5
    site_server.clear_log()
    feed = (SITE / "feeds" / "news.rss").read_text()
    site_server.add_page("/feeds/news.rss", feed.replace("<item>", NEW_ITEM + "<item>", 1))
    site_server.add_page("/news/care-board-confirms-180-posts.html", NEW_ARTICLE)
    changed = (SITE / "news" / "icb-running-costs-to-halve.html").read_text()
    site_server.add_page(
        "/news/icb-running-costs-to-halve.html",
        changed.replace("</article>", "<p>Update: the board met on Friday.</p></article>"),
    )

    second = crawl("test-news")

    # Unchanged pages: asked with their ETag and Last-Modified, answered 304.
    for path in (
        "/news/trust-to-cut-300-admin-posts.html",
        "/syndicated/trust-to-cut-300-admin-posts.html",
        "/news/vacancy-freeze-for-nurses.html",
        "/news/resignation-scheme-opens.html?utm_source=rss&utm_medium=feed",
    ):
        [request] = site_server.requests_for(path)
        assert request.headers["If-None-Match"].startswith('"')
        assert request.headers["If-Modified-Since"].endswith("GMT")
        assert request.status == 304
    assert second.unchanged == 4
    # The new article: fetched and stored.
    new = site_server.requests_for("/news/care-board-confirms-180-posts.html")
    assert [request.status for request in new] == [200]
    assert "If-None-Match" not in new[0].headers
    assert second.stored == 2  # it and the changed article's new version
    assert rows(db_path, "SELECT title FROM documents WHERE url LIKE '%180-posts%'") == [
        ("Care board confirms 180 posts will go",)
    ]
    # The changed article: fetched whole (its ETag no longer matches) and stored in place of
    # the version stored before, which its crawl_pages row no longer points at.
    assert [
        r.status for r in site_server.requests_for("/news/icb-running-costs-to-halve.html")
    ] == [200]
    assert second.updated == 1 and second.duplicates == 0 and second.near_duplicates == 0
    [(text, doc_id)] = rows(
        db_path, "SELECT text, id FROM documents WHERE url LIKE '%icb-running-costs-to-halve%'"
    )
    assert text.endswith("Update: the board met on Friday.")
    [(page_doc, reason)] = rows(
        db_path,
        "SELECT doc_id, reason FROM crawl_pages WHERE url LIKE '%icb-running-costs-to-halve%'",
    )
    assert page_doc == doc_id and reason.startswith("a new version: replaces document ")
    # The off-topic page is judged again (the query may have changed), so it has no validators.
    [bus] = site_server.requests_for("/news/bus-timetable-changes.html")
    assert "If-None-Match" not in bus.headers and second.filtered == 1
    assert rows(db_path, "SELECT count(*) FROM documents") == [(6,)]


def test_interrupted_crawl_resumes_and_fetches_nothing_twice(crawl, db_path, site_server, tmp_path):
    one_at_a_time = {"CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}

    first = crawl("test-sitemap", max_pages=5, settings=one_at_a_time)

    assert not first.finished
    assert first.stop_reasons == {"test-sitemap": "closespider_pagecount"}
    jobdir = tmp_path / "jobs" / "test-sitemap"
    assert (jobdir / "requests.seen").exists()
    fetched_first = [p for p in site_server.paths_requested() if p != "/robots.txt"]
    site_server.clear_log()

    second = crawl("test-sitemap", settings=one_at_a_time)

    assert second.finished
    assert not jobdir.exists()  # a finished crawl's state is cleared for the next one
    fetched_second = [p for p in site_server.paths_requested() if p != "/robots.txt"]
    assert fetched_second, "the resumed crawl fetched nothing"
    assert set(fetched_first).isdisjoint(fetched_second)
    assert len(fetched_second) == len(set(fetched_second))
    stored = {
        url.removeprefix(site_server.base_url)
        for (url,) in rows(db_path, "SELECT url FROM documents")
    }
    assert stored == {
        "/news/resignation-scheme-opens.html",
        "/news/icb-running-costs-to-halve.html",
        "/news/trust-to-cut-300-admin-posts.html",
        "/union/branch-says-no-to-cuts.html",
        "/letters/workforce-letter-2025.pdf",
        "/news/vacancy-freeze-for-nurses.html",
        "/letters/mars-guidance-2024.pdf",
    }
    assert first.stored + second.stored == 7


def test_a_finished_crawl_starts_afresh_next_time(crawl, site_server):
    crawl("test-union")
    site_server.clear_log()

    crawl("test-union")

    assert site_server.requests_for("/feeds/union.atom")  # no JOBDIR left to skip it


def test_pages_a_locked_corpus_never_took_are_failures_and_the_next_run_stores_them(crawl, db_path):
    # Another process (an extract --redo, say) holds the write lock past the busy timeout
    # for the whole crawl, its last write included: nothing may count as stored.
    from corpus import Corpus

    Corpus.open(db_path).close()
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        locked = crawl("test-news", settings={"NHSCUTS_BUSY_TIMEOUT_S": 0.3})
    finally:
        holder.rollback()
        holder.close()

    assert (locked.stored, locked.failed) == (0, 5)
    for failure in locked.failures:
        assert "locked by another process" in failure.reason, failure
        assert failure.reason.endswith("run the crawl again to fetch it"), failure
    assert rows(db_path, "SELECT count(*) FROM documents") == [(0,)]

    again = crawl("test-news")

    assert (again.stored, again.failed) == (5, 0)
    stored = {
        url for (url,) in rows(db_path, "SELECT url FROM crawl_pages WHERE doc_id IS NOT NULL")
    }
    assert stored == {failure.url for failure in locked.failures}


def _article(number: int) -> str:
    words = " ".join(f"item{number}x{n}" for n in range(3000))  # keeps the workers busy
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Trust {number} to cut posts | Wessex Valley Gazette (sample)</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2025-03-{1 + number % 28:02d}T08:00:00Z">
</head><body><article><h1>Trust {number} to cut posts</h1>
<p>NHS trust number {number} will cut {number} administrative posts through a voluntary
redundancy scheme, its board said. Staff face job losses as the workforce shrinks.</p>
<p>{words}</p></article></body></html>"""


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        parent = stack.pop()
        for task in os.listdir(f"/proc/{parent}/task"):
            children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            found += map(int, children)
            stack += map(int, children)
    return found


def _documents_stored(db: Path) -> int:
    # The crawl creates the file before its migrations make the tables; until then, none stored.
    if not db.exists():
        return 0
    try:
        return rows(db, "SELECT count(*) FROM documents")[0][0]
    except sqlite3.OperationalError as error:
        if "no such table" in str(error) or "locked" in str(error):
            return 0
        raise


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_ctrl_c_stops_the_crawl_gracefully_and_it_resumes(
    db_path, sources_file, site_server, tmp_path
):
    count = 400
    for number in range(count):
        site_server.add_page(f"/bulk/{number}.html", _article(number), "text/html; charset=utf-8")
    urls = "".join(f"<url><loc>{{{{BASE}}}}/bulk/{n}.html</loc></url>" for n in range(count))
    sitemap = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    site_server.add_page("/sitemap-index.xml", sitemap, "application/xml")
    busy = {"CONCURRENT_REQUESTS": 8, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}
    results: list = []
    crawling = threading.Thread(
        target=lambda: results.append(
            run_test_crawl(db_path, sources_file, "test-sitemap", settings=busy)
        )
    )
    crawling.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _documents_stored(db_path) >= 20:
            break
        time.sleep(0.2)
    # Ctrl-C in a terminal reaches the crawl process and its reading workers alike.
    for pid in _descendants(os.getpid()):
        if "python" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
            os.kill(pid, signal.SIGINT)
    crawling.join(timeout=60)

    assert not crawling.is_alive(), "the crawl hung after Ctrl-C"
    [first] = results
    assert not first.finished and first.failed == 0
    assert rows(db_path, "SELECT count(*) FROM crawl_pages WHERE outcome = 'failed'") == [(0,)]
    site_server.clear_log()

    second = run_test_crawl(db_path, sources_file, "test-sitemap", settings=busy)

    assert second.finished and second.failed == 0
    bulk = "SELECT count(*) FROM documents WHERE url LIKE '%/bulk/%'"
    assert rows(db_path, bulk) == [(count,)]
    refetched = [p for p in site_server.paths_requested() if p.startswith("/bulk/")]
    assert len(refetched) == len(set(refetched)) == count - first.stored
