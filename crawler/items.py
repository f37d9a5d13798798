"""The one item the spiders yield: a fetched page (or a failed fetch), before any processing."""

from dataclasses import dataclass, field

from corpus.document import Document, now_utc

# What a request was for: documents are stored, the rest only lead to documents.
DOCUMENT = "document"
ENTRY = "entry"  # a feed, sitemap, listing page or search-API page


@dataclass
class Page:
    """A response as a spider saw it. The pipelines validate, extract, filter and store it.

    A failed fetch is a Page too (with `error` set and no body), so that every outcome,
    good or bad, passes through the same pipelines and is counted in one place.
    """

    url: str  # as requested, before redirects: the key of the crawl_pages row
    source: str
    kind: str
    role: str = DOCUMENT
    response_url: str | None = None  # after redirects
    status: int | None = None
    body: bytes = field(default=b"", repr=False)
    content_type: str = ""  # the Content-Type header, parameters included
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str = field(default_factory=now_utc)
    error: str | None = None  # why no usable response came (timeout, HTTP 404, ...)
    # Site mode and sitemaps reach listing and tag pages too; only articles are kept.
    must_be_article: bool = False
    # Fields a structured API already gives (GOV.UK Content API): title, published,
    # description, body_html, author. The text then comes from these, not from the body.
    api_fields: dict | None = field(default=None, repr=False)
    # Set by the pipelines, in order.
    canonical_url: str | None = None
    media_type: str | None = None  # text/html, application/pdf or application/json
    document: Document | None = field(default=None, repr=False)
    minhash: bytes | None = field(default=None, repr=False)  # see crawler/near_duplicates.py
    duplicate_of: str | None = None
    replaces: str | None = None  # the stored document of this URL, when its text has changed
    original_of: str | None = None  # a near-duplicate's original, when this one came first


@dataclass
class PageRead:
    """What reading a page gave (crawler/page_reading.py): a Document and its MinHash
    signature, or the crawl_pages outcome and reason of a page that is not stored."""

    document: Document | None = None
    minhash: bytes | None = field(default=None, repr=False)  # None under MIN_NEAR_DUPLICATE_WORDS
    outcome: str | None = None
    reason: str | None = None
