"""Fixtures for crawler tests: the loopback test site, a sources file aimed at it, a crawl."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from crawler.run import CrawlOptions, run_crawl
from tests.crawler.server import SITE, SiteServer

# Fast and impolite, for a loopback server only: no delays, no throttle, short timeouts.
TEST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_TIMEOUT": 2,
    "RETRY_TIMES": 1,
    "RETRY_BACKOFF_BASE_DELAY": 0,
    "LOG_LEVEL": "INFO",
}

TEST_SOURCES = """
[[source]]
name = "test-news"
title = "Wessex Valley Gazette (sample)"
kind = "news"
spider = "feed"
base_url = "{base}"
feeds = ["/feeds/news.rss"]

[[source]]
name = "test-union"
title = "Kingsmere Health Branch (sample)"
kind = "union"
spider = "feed"
base_url = "{base}"
feeds = ["/feeds/union.atom"]

[[source]]
name = "test-errors"
title = "Error cases"
kind = "news"
spider = "feed"
base_url = "{base}"
feeds = ["/feeds/errors.rss"]

[[source]]
name = "test-sitemap"
title = "Wessex Valley Gazette (sample), by sitemap"
kind = "news"
spider = "sitemap"
base_url = "{base}"

[[source]]
name = "test-listing"
title = "Wessex Valley Gazette (sample), by listing"
kind = "news"
spider = "listing"
base_url = "{base}"
listings = ["/news/"]
article_links = "li.story h2 a"
next_page = "a[rel='next']"
deny = ['/private/']

[[source]]
name = "test-govuk"
title = "GOV.UK (test)"
kind = "government"
spider = "govuk"
base_url = "{base}"
max_pages = 10

[source.search]
queries = ["NHS workforce"]
organisations = ["department-of-health-and-social-care", "nhs-england"]
page_size = 4
"""


@pytest.fixture
def site_server():
    """The test site (tests/data/site/) and its error routes, on 127.0.0.1 at a free port."""
    server = SiteServer(SITE).start()
    yield server
    server.stop()


def write_sources_file(path: Path, base_url: str) -> Path:
    path.write_text(TEST_SOURCES.format(base=base_url), encoding="utf-8")
    return path


def run_test_crawl(
    db: Path, sources_file: Path, *sources: str, logs: list | None = None, **options
):
    """A real crawl (Scrapy in a child process) with TEST_SETTINGS under the given settings."""
    options["settings"] = {**TEST_SETTINGS, **options.get("settings", {})}
    options.setdefault("jobdir", db.parent / "jobs")
    crawl_options = CrawlOptions(db=db, sources=sources, sources_file=sources_file, **options)
    return run_crawl(crawl_options, on_log=(logs if logs is not None else []).append)


@pytest.fixture
def sources_file(site_server, tmp_path) -> Path:
    """A sources file whose sources all point at `site_server` (see TEST_SOURCES)."""
    return write_sources_file(tmp_path / "sources.toml", site_server.base_url)


@pytest.fixture
def crawl(db_path, sources_file):
    """Run a real crawl into `db_path`; returns the CrawlReport. Its log is in `crawl.logs`.

    crawl("test-news", keep_all=True), or crawl(url=site_server.url("/")) for site mode.
    """
    logs: list[str] = []

    def run(*sources: str, **options):
        return run_test_crawl(db_path, sources_file, *sources, logs=logs, **options)

    run.logs = logs
    return run


def rows(db: Path, sql: str, *params) -> list[tuple]:
    # Closed at once: a connection left for the garbage collector may close during a later
    # crawl, and SQLite's closing checks must not race a writer in another process.
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()
