"""Downloader middlewares: retries that back off, redirect loops caught, conditional GETs."""

import asyncio
import email.utils
import sqlite3
from datetime import UTC, datetime

from scrapy import signals
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.response import response_status_message

from corpus import Corpus
from crawler.items import DOCUMENT


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (429, 5xx, timeouts), each after a longer wait than the one before.

    Scrapy retries at once; a server that said "too many requests" needs a pause. The wait is
    RETRY_BACKOFF_BASE_DELAY × 2^(retries so far), at most RETRY_BACKOFF_MAX_DELAY, or what
    the server's Retry-After header asks when that is shorter than the maximum.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base_delay = settings.getfloat("RETRY_BACKOFF_BASE_DELAY", 2.0)
        self.max_delay = settings.getfloat("RETRY_BACKOFF_MAX_DELAY", 60.0)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self.delay(request, response.headers.get(b"Retry-After")))
        return retry

    async def process_exception(self, request, exception):
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self.delay(request, None))
        return retry

    def delay(self, request, retry_after: bytes | None) -> float:
        asked = _retry_after_seconds(retry_after)
        if asked is not None:
            return min(asked, self.max_delay)
        return min(self.base_delay * 2 ** request.meta.get("retry_times", 0), self.max_delay)


def _retry_after_seconds(value: bytes | None) -> float | None:
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with a loop (A → B → A) reported as one.

    Scrapy's duplicate filter drops the second request for A without a word, so the page would
    vanish from the counts; this raises IgnoreRequest, which reaches the spider's errback.
    """

    def _redirect(self, redirected, request, reason):
        visited = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in visited:
            raise IgnoreRequest(f"redirect loop: {request.url} redirects back to {redirected.url}")
        return super()._redirect(redirected, request, reason)


class ConditionalGetMiddleware:
    """Sends If-None-Match / If-Modified-Since for documents fetched by an earlier crawl.

    The validators come from the corpus's crawl_pages table, written by SQLitePipeline. Only
    pages whose text is in the corpus get them: a listing or navigation page is always fetched
    whole, as its links are how new documents are found, and an off-topic page is judged again
    (the relevance query, or --keep-all, may have changed). The spider turns a 304 into an
    "unchanged" page.
    """

    def __init__(self, db_path: str):
        self.db_path = db_path
        self.corpus = None

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.settings.get("NHSCUTS_DB"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider) -> None:
        self.corpus = Corpus.open(self.db_path)

    def spider_closed(self, spider) -> None:
        if self.corpus is not None:
            self.corpus.close()
            self.corpus = None

    def process_request(self, request):
        if self.corpus is None or request.meta.get("role") != DOCUMENT:
            return None
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            return None
        try:
            row = self.corpus.conn.execute(
                "SELECT etag, last_modified FROM crawl_pages WHERE url = ? AND outcome IN "
                "('stored', 'near_duplicate', 'duplicate', 'unchanged')",
                [request.url],
            ).fetchone()
        except sqlite3.Error:  # a corpus without the crawl tables yet, or a locked file
            return None
        if row:
            etag, last_modified = row
            if etag:
                request.headers[b"If-None-Match"] = etag
            if last_modified:
                request.headers[b"If-Modified-Since"] = last_modified
        return None
