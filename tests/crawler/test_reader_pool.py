"""The worker processes that read pages: results as in-process, and a crashing page."""

import asyncio
import os

from crawler.items import Page, PageRead
from crawler.reader_pool import ReaderPool
from tests.crawler.server import SITE


def read_or_die(item: Page, since: str | None) -> PageRead:
    """Reads like the crawler, except that a page whose URL says "crash" kills the worker,
    as a page that crashes lxml or pypdf in C would."""
    if "crash" in item.url:
        os._exit(1)
    from crawler.page_reading import read_page

    return read_page(item, since)


def page(path: str) -> Page:
    return Page(
        url=f"http://127.0.0.1:8000{path}",
        source="test-news",
        kind="news",
        status=200,
        body=(SITE / path.lstrip("/")).read_bytes(),
        content_type="text/html; charset=utf-8",
        media_type="text/html",
    )


def read_all(pool: ReaderPool, pages: list[Page]) -> list[PageRead]:
    async def run():
        return await asyncio.gather(*(pool.read(item, None) for item in pages))

    try:
        return asyncio.run(run())
    finally:
        pool.close()


ARTICLES = ["/news/trust-to-cut-300-admin-posts.html", "/news/icb-running-costs-to-halve.html"]


def test_workers_read_pages_as_the_crawl_process_would():
    in_workers = read_all(ReaderPool(workers=2), [page(path) for path in ARTICLES])
    in_process = read_all(ReaderPool(workers=0), [page(path) for path in ARTICLES])

    assert [read.document.id for read in in_workers] == [read.document.id for read in in_process]
    assert [read.document.title for read in in_workers] == [
        "Kingsmere trust to cut 300 admin posts",
        "Care board told to halve its running costs",
    ]
    assert all(read.minhash for read in in_workers)  # long enough to be compared


def test_a_page_that_kills_its_worker_fails_alone():
    crashing = page(ARTICLES[0])
    crashing.url = "http://127.0.0.1:8000/news/crash.html"
    pages = [page(ARTICLES[0]), crashing, page(ARTICLES[1])]

    results = read_all(ReaderPool(workers=2, read_page=read_or_die), pages)

    assert (results[1].outcome, results[1].reason) == (
        "failed",
        "the page crashed the text extractor",
    )
    assert results[0].document is not None and results[2].document is not None
