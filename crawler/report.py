"""What a crawl reports: counts of each outcome, the failures with their reasons, log lines."""

import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from scrapy import signals
from scrapy.logformatter import LogFormatter

from crawler.items import Page

COUNTS = (
    "fetched",
    "stored",
    "near_duplicates",
    "updated",
    "duplicates",
    "filtered",
    "unchanged",
    "skipped",
    "failed",
)


@dataclass
class Failure:
    url: str
    reason: str


@dataclass
class CrawlReport:
    """Counts for one crawl (all its sources together).

    fetched: HTTP responses received (robots.txt not counted); stored: documents added,
    near-duplicates included; near_duplicates: near-copies found (stored with duplicate_of
    set, or stored as the original of a copy read before it); updated: stored
    as a new version of a page stored before, which it replaces; duplicates:
    the same URL or text already stored, not stored again; filtered: off-topic by the
    relevance query; unchanged: 304 Not Modified; skipped: not a document (a listing or
    navigation page, not HTML/PDF, published before --since, forbidden by robots.txt);
    failed: no usable response or no text, each listed in `failures`.
    """

    fetched: int = 0
    stored: int = 0
    near_duplicates: int = 0
    updated: int = 0
    duplicates: int = 0
    filtered: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    # False when the crawl stopped early (--max-pages, Ctrl-C): run it again to resume.
    finished: bool = True
    stop_reasons: dict[str, str] = field(default_factory=dict)  # source → Scrapy's reason
    errors: dict[str, str] = field(default_factory=dict)  # source → why its crawl could not run

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "CrawlReport":
        data = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        data["failures"] = [Failure(**failure) for failure in data.get("failures", [])]
        return cls(**data)

    def merge(self, other: "CrawlReport") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures.extend(other.failures)
        self.finished = self.finished and other.finished
        self.stop_reasons.update(other.stop_reasons)
        self.errors.update(other.errors)


# Sent by the storing pipeline when the crawl ends with pages it could not write:
# pages_not_stored(urls, updates, reason), for the pages counted as stored (`updates` of them
# new versions of stored documents).
pages_not_stored = object()

_OUTCOME_COUNTS = {
    "failed": "failed",
    "unchanged": "unchanged",
    "skipped": "skipped",
    "filtered": "filtered",
    "duplicate": "duplicates",
}


class CrawlTally:
    """Counts one crawler's outcomes from Scrapy's signals into a CrawlReport.

    `on_change(report)` is called after each change, for a progress line.
    """

    def __init__(self, source: str, on_change: Callable[[CrawlReport], None] | None = None):
        self.source = source
        self.report = CrawlReport(finished=False)  # until Scrapy says it finished
        self.on_change = on_change or (lambda report: None)
        self.crawler = None

    def attach(self, crawler) -> "CrawlTally":
        self.crawler = crawler
        connect = crawler.signals.connect
        connect(self.response_received, signal=signals.response_received)
        connect(self.item_scraped, signal=signals.item_scraped)
        connect(self.item_dropped, signal=signals.item_dropped)
        connect(self.item_error, signal=signals.item_error)
        connect(self.spider_error, signal=signals.spider_error)
        connect(self.spider_closed, signal=signals.spider_closed)
        connect(self.pages_not_stored, signal=pages_not_stored)
        return self

    def response_received(self, response, request, spider=None) -> None:
        if request.meta.get("dont_obey_robotstxt") and response.url.endswith("/robots.txt"):
            return  # RobotsTxtMiddleware's own fetch
        self.report.fetched += 1
        self.on_change(self.report)

    def item_scraped(self, item, response=None, spider=None) -> None:
        self.report.stored += 1
        if isinstance(item, Page) and (item.duplicate_of or item.original_of):
            self.report.near_duplicates += 1  # either way round, one near-copy found
        if isinstance(item, Page) and item.replaces:
            self.report.updated += 1
        self.on_change(self.report)

    def item_dropped(self, item, response, exception, spider=None) -> None:
        outcome = getattr(exception, "outcome", "failed")
        name = _OUTCOME_COUNTS.get(outcome, "failed")
        setattr(self.report, name, getattr(self.report, name) + 1)
        if name == "failed":
            self.report.failures.append(Failure(_url(item), str(exception)))
        self.on_change(self.report)

    def item_error(self, item, response, spider=None, failure=None) -> None:
        # A bug or a corpus error in a pipeline: counted as a failure, the crawl goes on.
        self.report.failed += 1
        reason = failure.getErrorMessage() if failure is not None else "pipeline error"
        self.report.failures.append(Failure(_url(item), f"internal error: {reason}"))
        self.on_change(self.report)

    def pages_not_stored(self, urls: list[str], updates: int, reason: str) -> None:
        # Counted as stored when the pipeline took them; the corpus never did.
        self.report.stored -= len(urls)
        self.report.updated -= updates
        self.report.failed += len(urls)
        self.report.failures.extend(Failure(url, reason) for url in urls)
        self.on_change(self.report)

    def spider_error(self, failure, response, spider=None) -> None:
        # A spider that cannot parse a page (a bug, or a page far from what it expects).
        self.report.failed += 1
        reason = f"cannot parse: {failure.getErrorMessage()}"
        self.report.failures.append(Failure(response.url, reason))
        self.on_change(self.report)

    def crashed(self, failure) -> None:
        """Errback of the crawl itself: the spider could not run (see the log's traceback)."""
        self.report.finished = False
        self.report.errors[self.source] = failure.getErrorMessage()

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats if self.crawler else None
        if stats is not None:
            self.report.skipped += stats.get_value("robotstxt/forbidden", 0)
        self.report.finished = reason == "finished"
        self.report.stop_reasons[self.source] = reason
        self.on_change(self.report)


def _url(item) -> str:
    # The URL as linked (before redirects): the one a user can find in the feed or sitemap.
    return getattr(item, "url", None) or "?"


class PageLogFormatter(LogFormatter):
    """Logs a dropped page as one line, "failed: URL: reason", not the whole item.

    Failures are warnings; off-topic and skipped pages INFO; duplicates and 304s DEBUG.
    """

    def dropped(self, item, exception, response, spider=None):
        entry = super().dropped(item, exception, response, spider)
        outcome = getattr(exception, "outcome", "dropped")
        entry["msg"] = "%(outcome)s: %(url)s: %(reason)s"
        entry["args"] = {"outcome": outcome, "url": _url(item), "reason": exception}
        return entry

    def scraped(self, item, response, spider=None):
        entry = super().scraped(item, response, spider)
        entry["msg"] = "stored: %(url)s" + os.linesep + "  %(title)s"
        document = getattr(item, "document", None)
        entry["args"] = {"url": _url(item), "title": getattr(document, "title", "")}
        entry["level"] = logging.DEBUG
        return entry
