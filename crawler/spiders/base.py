"""The base every spider shares: requests that always report back, and Pages from responses.

Spiders only parse. A response becomes a `Page` item and a failed request becomes a Page
with `error` set; the pipelines decide everything else.
"""

from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.web._newclient import ResponseFailed

from crawler.items import DOCUMENT, ENTRY, Page
from crawler.sources import Source

ROBOTS_FORBIDDEN = "Forbidden by robots.txt"


class SourceRequest(scrapy.Request):
    """A Request that names its spider callbacks cheaply when it is queued on disk (JOBDIR)
    or in Redis. Scrapy finds the names with inspect.getmembers over the whole spider, for
    every request: 0.4 ms each, a tenth of a crawl's own work per page. A bound method of
    the spider is found under its own name."""

    def to_dict(self, *, spider: scrapy.Spider | None = None) -> dict:
        callbacks = {"callback": self.callback, "errback": self.errback}
        if spider is None or not all(
            _is_own_method(spider, method) for method in callbacks.values() if callable(method)
        ):
            return super().to_dict(spider=spider)
        # Scrapy's own to_dict on a copy without callbacks, then the names put in.
        data = self.replace(callback=None, errback=None).to_dict(spider=None)
        for key, method in callbacks.items():
            data[key] = method.__name__ if callable(method) else method
        return data


def _is_own_method(spider, method) -> bool:
    bound_to = getattr(method, "__self__", None)
    return bound_to is spider and getattr(spider, method.__name__, None) == method


class SourceSpider(scrapy.Spider):
    """A crawl of one source. Subclasses yield requests from `start` and parse entry pages."""

    name = "source"

    def __init__(self, source: Source, since: str | None = None, **kwargs):
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.since = since  # ISO date: entries dated before it are not fetched

    # --- requests -------------------------------------------------------------------------

    def document_request(self, url: str, callback=None, **meta) -> scrapy.Request:
        """A request for a page that may be stored. A 304 reaches the callback, as a
        re-crawl's conditional GET answers "unchanged" with it."""
        return SourceRequest(
            url,
            callback=callback or self.parse_document,
            errback=self.fetch_failed,
            meta={"role": DOCUMENT, "handle_httpstatus_list": [304], **meta},
        )

    def entry_request(self, url: str, callback, *, optional=False, **meta) -> scrapy.Request:
        """A request for a feed, sitemap, listing or search page: parsed for links, not kept.

        An optional one (robots.txt read for sitemaps, a feed a page links to) is no failure
        when it is missing.
        """
        errback = self.ignore_failure if optional else self.fetch_failed
        return SourceRequest(url, callback=callback, errback=errback, meta={"role": ENTRY, **meta})

    # --- responses ------------------------------------------------------------------------

    def parse_document(self, response):
        yield self.page(response)
        if self.source.follow_pdfs and response.status == 200 and _is_html(response):
            for url in self.pdf_links(response):
                yield self.document_request(url)

    def page(self, response, **fields) -> Page:
        headers = response.headers
        return Page(
            url=_first_url(response.request),
            source=self.source.name,
            kind=self.source.kind,
            role=response.meta.get("role", DOCUMENT),
            response_url=response.url,
            status=response.status,
            body=response.body,
            content_type=_header(headers, b"Content-Type") or "",
            etag=_header(headers, b"ETag"),
            last_modified=_header(headers, b"Last-Modified"),
            must_be_article=response.meta.get("must_be_article", False),
            **fields,
        )

    def fetch_failed(self, failure):
        """Errback: a request that got no usable response becomes a failed Page."""
        if failure.check(IgnoreRequest) and str(failure.value) == ROBOTS_FORBIDDEN:
            return  # counted from Scrapy's robotstxt/forbidden statistic
        request = failure.request
        response = getattr(failure.value, "response", None)
        yield Page(
            url=_first_url(request),
            source=self.source.name,
            kind=self.source.kind,
            role=request.meta.get("role", DOCUMENT),
            response_url=response.url if response is not None else request.url,
            status=response.status if response is not None else None,
            error=describe_failure(failure, self.settings),
        )

    def ignore_failure(self, failure) -> None:
        return None

    # --- shared parsing -------------------------------------------------------------------

    def pdf_links(self, response) -> list[str]:
        links = (response.urljoin(href.strip()) for href in response.css("a::attr(href)").getall())
        return [
            url
            for url in dict.fromkeys(links)
            if urlsplit(url).path.lower().endswith(".pdf") and self.is_own(url)
        ]

    def is_own(self, url: str) -> bool:
        """Whether a URL is on one of the source's hosts."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.source.hosts

    def is_too_old(self, published: str | None) -> bool:
        return bool(self.since and published and published < self.since)


def select_links(response, selector: str) -> list[str]:
    """Absolute URLs picked by a source's selector: XPath when it starts with / or (, else CSS.

    The selector may pick <a> elements, elements holding one, or href attributes directly.
    """
    nodes = response.xpath(selector) if selector.startswith(("/", "(")) else response.css(selector)
    links = []
    for node in nodes:
        if isinstance(node.root, str):
            href = node.root
        else:
            href = node.attrib.get("href") or node.xpath("string(.//a/@href)").get()
        if href and href.strip() and not href.strip().startswith(("#", "javascript:", "mailto:")):
            links.append(response.urljoin(href.strip()))
    return list(dict.fromkeys(links))


def iso_date(text: str | None) -> str | None:
    """An ISO date from a feed or sitemap date: RFC 822 (RSS) or ISO 8601 (Atom, sitemaps)."""
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def describe_failure(failure, settings) -> str:
    """Why a request failed, in a few words a user can act on."""
    error = failure.value
    if failure.check(HttpError):
        return f"HTTP {error.response.status}"
    if failure.check(DownloadTimeoutError, TimeoutError):
        return f"timed out after {settings.getint('DOWNLOAD_TIMEOUT')} s (DOWNLOAD_TIMEOUT)"
    if failure.check(DownloadCancelledError) and "max size" in str(error):
        limit = settings.getint("DOWNLOAD_MAXSIZE") / 1024 / 1024
        return f"larger than the {limit:g} MB download limit (DOWNLOAD_MAXSIZE)"
    if failure.check(ResponseDataLossError) or (
        failure.check(ResponseFailed) and "DataLoss" in repr(error)
    ):
        return "truncated body: the connection closed before the whole page came"
    if failure.check(IgnoreRequest):
        message = str(error)
        if message == "max redirections reached":
            return f"too many redirects (more than {settings.getint('REDIRECT_MAX_TIMES')})"
        return message
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return "connection refused (is the site down?)"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "host not found (check the URL, or the network)"
    return f"{type(error).__name__}: {error}".rstrip(": ")


def _first_url(request) -> str:
    """The URL as first requested: a redirected request remembers where it started."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def _header(headers, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def _is_html(response) -> bool:
    content_type = (_header(response.headers, b"Content-Type") or "").lower()
    return "html" in content_type
