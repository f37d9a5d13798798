"""The item pipelines, in order: validate → extract → relevance → duplicates → store.

Each stage either passes the Page on or drops it with a `PageDropped` that says what happened
(failed, unchanged, skipped, filtered, duplicate) and why. `SQLitePipeline` records every
outcome, dropped or stored, in the crawl_pages table, in the same transactions as the
documents.
"""

import logging
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from scrapy import signals
from scrapy.exceptions import DropItem

from corpus import Corpus
from corpus.db import BUSY_TIMEOUT_S
from corpus.document import Document
from crawler.decoding import HTML, JSON, PDF, media_type
from crawler.items import DOCUMENT, Page
from crawler.near_duplicates import FORMAT as SIGNATURE_FORMAT
from crawler.near_duplicates import (
    MIN_NEAR_DUPLICATE_WORDS,
    NearDuplicateIndex,
    from_bytes,
    signature,
    to_bytes,
)
from crawler.reader_pool import ReaderPool, default_workers
from crawler.relevance import RelevanceQuery
from crawler.report import pages_not_stored
from crawler.urls import canonical_url, is_valid_url

logger = logging.getLogger(__name__)


class PageDropped(DropItem):
    """A page that is not stored, and why. `outcome` is a crawl_pages outcome."""

    LOG_LEVELS = {"failed": "WARNING", "filtered": "INFO", "skipped": "INFO"}

    def __init__(self, outcome: str, reason: str, doc_id: str | None = None):
        super().__init__(reason, log_level=self.LOG_LEVELS.get(outcome, "DEBUG"))
        self.outcome = outcome
        self.reason = reason
        self.doc_id = doc_id  # the stored document a duplicate repeats


class ValidatePipeline:
    """Failed fetches and 304s leave here; a good response gets its canonical URL and type."""

    def process_item(self, item: Page) -> Page:
        if item.error:
            raise PageDropped("failed", item.error)
        if item.status == 304:
            raise PageDropped("unchanged", "not modified since the last crawl (HTTP 304)")
        if item.status is None or not 200 <= item.status < 300:
            raise PageDropped("failed", f"HTTP {item.status}")
        url = item.response_url or item.url
        if not is_valid_url(url):
            raise PageDropped("failed", f"not a valid http(s) URL: {url!r}")
        item.canonical_url = canonical_url(url)
        item.media_type = JSON if item.api_fields else media_type(item.content_type, item.body, url)
        if item.media_type not in (HTML, PDF, JSON):
            raise PageDropped("skipped", f"not HTML or PDF ({item.media_type})")
        return item


class ExtractPipeline:
    """Main text, title, author and date: corpus.formats for HTML and PDF, the API's own
    fields for GOV.UK. Drops pages with no text, non-articles where only articles are wanted,
    and documents published before --since. The reading runs in worker processes
    (NHSCUTS_EXTRACT_WORKERS, crawler/reader_pool.py), so fetching never waits for it."""

    def __init__(self, since: str | None, workers: int):
        self.since = since
        self.workers = workers
        self.reader: ReaderPool | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        workers = settings.get("NHSCUTS_EXTRACT_WORKERS")
        workers = default_workers() if workers is None else int(workers)
        return cls(settings.get("NHSCUTS_SINCE"), workers)

    def open_spider(self) -> None:
        self.reader = ReaderPool(self.workers)

    def close_spider(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    async def process_item(self, item: Page) -> Page:
        read = await self.reader.read(item, self.since)
        if read.document is None:
            raise PageDropped(read.outcome, read.reason)
        item.document = read.document
        item.minhash = read.minhash
        item.canonical_url = read.document.canonical_url
        return item


class RelevancePipeline:
    """Keeps pages about NHS workforce cuts (crawler/relevance.toml); --keep-all keeps all."""

    def __init__(self, query: RelevanceQuery | None):
        self.query = query

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if settings.getbool("NHSCUTS_KEEP_ALL"):
            return cls(None)
        return cls(RelevanceQuery.load(settings.get("NHSCUTS_RELEVANCE_FILE")))

    def process_item(self, item: Page) -> Page:
        if self.query is None:
            return item
        document = item.document
        missing = self.query.missing(document.title, document.text)
        if missing:
            raise PageDropped("filtered", f"off-topic: no {' and no '.join(missing)} term")
        return item


class DuplicatesPipeline:
    """Skips a page whose exact text is stored already; marks a near-copy; replaces a page
    whose text has changed since it was stored.

    - A page at a stored URL (canonical form) with the same text is a duplicate; with
      other text, it is a new version of the page: it is stored, and the stored document
      is removed (`replaces`), so the corpus holds each URL's latest text once.
    - The same URL twice in one crawl (two links redirecting to one page) is a duplicate.
    - A near-duplicate (a syndicated copy with another headline or footer: the Jaccard
      similarity of their word 4-shingles is at least NHSCUTS_NEAR_DUPLICATE_SIMILARITY,
      crawler/near_duplicates.py) is stored with `duplicate_of` set to the original of the
      most similar stored document's group. The original is the copy published first (an
      undated one last, the smaller id between equals), whichever the crawl read first: a
      page read after its own syndicated copies becomes their original (`original_of`).
      The signatures of every stored document are loaded when the spider opens.
    """

    def __init__(self, db_path: str, similarity: float):
        self.db_path = db_path
        self.corpus: Corpus | None = None
        self.urls: dict[str, str] = {}  # canonical URL → doc id, this crawl
        self.ids: set[str] = set()
        self.index = NearDuplicateIndex(similarity)
        # doc id → (published, duplicate_of) of every document in the index
        self.placed: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            settings.get("NHSCUTS_DB"), settings.getfloat("NHSCUTS_NEAR_DUPLICATE_SIMILARITY")
        )

    def open_spider(self) -> None:
        self.corpus = Corpus.open(self.db_path)
        for doc_id, minhash, published, duplicate_of in _stored_signatures(self.corpus):
            self.index.add(doc_id, minhash)
            self.placed[doc_id] = (published, duplicate_of)

    def close_spider(self) -> None:
        if self.corpus is not None:
            self.corpus.close()
            self.corpus = None

    def process_item(self, item: Page) -> Page:
        document = item.document
        url = document.canonical_url
        if url in self.urls:
            earlier = self.urls[url]
            raise PageDropped("duplicate", f"URL already stored as document {earlier}", earlier)
        if document.id in self.ids or self.corpus.has_document(document.id):
            raise PageDropped("duplicate", f"same text as document {document.id}", document.id)
        if earlier := self._stored_id_by_url(url):
            item.replaces = earlier  # the page has changed since it was stored
            self.index.remove(earlier)
            self.placed[earlier] = (None, document.id)  # its copies now follow the new text
        if item.minhash is not None:  # made by the reader for texts long enough
            minhash = from_bytes(item.minhash)
            if found := self.index.most_similar(minhash):
                original = self._original(found[0])
                if _first_published(document.published, document.id, *self._dated(original)):
                    item.original_of = original  # read after its copies: it comes first
                    self.placed[original] = (self._dated(original)[0], document.id)
                else:
                    item.duplicate_of = original
            self.index.add(document.id, minhash)
            self.placed[document.id] = (document.published, item.duplicate_of)
        self.urls[url] = document.id
        self.ids.add(document.id)
        return item

    def _original(self, doc_id: str) -> str:
        """The first of the group `doc_id` belongs to (duplicate_of followed to its end)."""
        seen = {doc_id}
        while (pointer := self.placed.get(doc_id, (None, None))[1]) and pointer not in seen:
            doc_id = pointer
            seen.add(doc_id)
        return doc_id

    def _dated(self, doc_id: str) -> tuple[str | None, str]:
        return self.placed.get(doc_id, (None, None))[0], doc_id

    def _stored_id_by_url(self, url: str) -> str | None:
        row = self.corpus.conn.execute(
            "SELECT id FROM documents WHERE canonical_url = ? LIMIT 1", [url]
        ).fetchone()
        return row[0] if row else None


def _first_published(published: str | None, doc_id: str, other_published, other_id) -> bool:
    """Does the first document come before the other: published earlier, an undated one
    after any dated one, the smaller id between equals (so the order of reading never
    decides)?"""
    return (published is None, published or "", doc_id) < (
        other_published is None,
        other_published or "",
        other_id,
    )


def _stored_signatures(corpus: Corpus) -> list[tuple[str, object, str | None, str | None]]:
    """(id, MinHash signature, published, duplicate_of) of every stored document, computing
    (and saving) the signatures not made yet, such as those of documents added by `nhscuts
    add`, or made by an older nhscuts."""
    missing = corpus.conn.execute(
        "SELECT id, text FROM documents WHERE word_count >= ? "
        "AND (minhash IS NULL OR substr(minhash, 1, ?) != ?)",
        [MIN_NEAR_DUPLICATE_WORDS, len(SIGNATURE_FORMAT), SIGNATURE_FORMAT],
    ).fetchall()
    if missing:
        with corpus.transaction():
            corpus.conn.executemany(
                "UPDATE documents SET minhash = ? WHERE id = ?",
                [(to_bytes(signature(text)), doc_id) for doc_id, text in missing],
            )
    return [
        (doc_id, from_bytes(data), published, duplicate_of)
        for doc_id, data, published, duplicate_of in corpus.conn.execute(
            "SELECT id, minhash, published, duplicate_of FROM documents "
            "WHERE substr(minhash, 1, ?) = ?",
            [len(SIGNATURE_FORMAT), SIGNATURE_FORMAT],
        )
    ]


@dataclass
class _Batch:
    """What one transaction writes."""

    documents: list[Document] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (new id, old id)
    originals: list[tuple[str, str]] = field(default_factory=list)  # (new id, old original)
    pages: list[dict] = field(default_factory=list)  # crawl_pages rows

    def __bool__(self) -> bool:
        return bool(self.documents or self.pages)

    def put_back(self, earlier: "_Batch") -> None:
        self.documents[:0], self.replaced[:0], self.originals[:0], self.pages[:0] = (
            earlier.documents,
            earlier.replaced,
            earlier.originals,
            earlier.pages,
        )


class SQLitePipeline:
    """Stores documents through corpus.Corpus, and every page's outcome in crawl_pages.

    Writes go in transactions of NHSCUTS_BATCH_SIZE pages (and at least every few seconds),
    so an interrupted crawl loses at most the batches in flight; the last is written when the
    spider closes. They run on a thread of their own, where SQLite (indexing the text for
    FTS5 above all) works without holding Python's GIL, so the reactor goes on fetching;
    at most MAX_BATCHES_IN_FLIGHT wait for it. A batch that cannot be written (the file
    locked past the busy timeout) is logged, kept and written with the next one; if the last
    write still fails, its stored pages are reported as failed (signal `pages_not_stored`)
    and are not in crawl_pages, so the next run fetches them again.
    """

    FLUSH_EVERY_S = 5.0
    MAX_BATCHES_IN_FLIGHT = 2

    def __init__(self, db_path: str, batch_size: int, busy_timeout: float = BUSY_TIMEOUT_S):
        self.db_path = db_path
        self.batch_size = batch_size
        self.busy_timeout = busy_timeout
        self.signals = None  # the crawler's, to report pages it could not store
        self.corpus: Corpus | None = None  # made, used and closed on the writer thread
        self.writer: ThreadPoolExecutor | None = None
        self.pending = _Batch()
        self.in_flight: deque[tuple[Future, _Batch]] = deque()
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(
            settings.get("NHSCUTS_DB"),
            settings.getint("NHSCUTS_BATCH_SIZE"),
            settings.getfloat("NHSCUTS_BUSY_TIMEOUT_S", BUSY_TIMEOUT_S),
        )
        pipeline.signals = crawler.signals
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def open_spider(self) -> None:
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nhscuts-sqlite")
        try:
            self.writer.submit(self._open).result()  # a CorpusError is raised here, as it was
        except Exception:
            self.writer.shutdown()
            self.writer = None
            raise

    def close_spider(self) -> None:
        if self.writer is None:
            return
        try:
            self.flush()
            while self.in_flight:
                self._settle_oldest()
            if self.pending:  # a batch that failed before: one last try
                try:
                    self.writer.submit(self._write, self.pending).result()
                except Exception as error:
                    self._not_stored(self.pending, error)
        finally:
            self.writer.submit(self._close).result()
            self.writer.shutdown()
            self.writer = None

    def process_item(self, item: Page) -> Page:
        document = item.document
        document.duplicate_of, document.minhash = item.duplicate_of, item.minhash
        self.pending.documents.append(document)
        if item.replaces:
            self.pending.replaced.append((document.id, item.replaces))
        if item.original_of:
            self.pending.originals.append((document.id, item.original_of))
        outcome = "near_duplicate" if item.duplicate_of else "stored"
        reasons = [f"near-duplicate of {item.duplicate_of}"] if item.duplicate_of else []
        if item.original_of:
            reasons.append(f"published before its near-duplicate {item.original_of}")
        if item.replaces:
            reasons.append(f"a new version: replaces document {item.replaces}")
        reason = "; ".join(reasons) or None
        self._record(item, outcome, reason, document.id)
        return item

    def item_dropped(self, item, response, exception, spider=None) -> None:
        if isinstance(item, Page) and isinstance(exception, PageDropped):
            self._record(item, exception.outcome, exception.reason, exception.doc_id)

    def _record(self, item: Page, outcome: str, reason: str | None, doc_id: str | None) -> None:
        if item.role != DOCUMENT or self.writer is None:
            return
        # Validators only for pages whose text is stored: see ConditionalGetMiddleware.
        keep_validators = outcome in ("stored", "near_duplicate", "duplicate")
        self.pending.pages.append(
            {
                "url": item.url,
                "canonical_url": item.canonical_url,
                "source": item.source,
                "etag": item.etag if keep_validators else None,
                "last_modified": item.last_modified if keep_validators else None,
                "status": item.status,
                "outcome": outcome,
                "reason": reason,
                "doc_id": doc_id,
                "fetched_at": item.fetched_at,
            }
        )
        due = time.monotonic() - self.last_flush > self.FLUSH_EVERY_S
        if len(self.pending.pages) >= self.batch_size or due:
            self.flush()

    def flush(self) -> None:
        """Hand the pending documents and page outcomes to the writer, as one transaction."""
        self.last_flush = time.monotonic()
        if self.pending:
            batch, self.pending = self.pending, _Batch()
            self.in_flight.append((self.writer.submit(self._write, batch), batch))
        while self.in_flight and (
            len(self.in_flight) > self.MAX_BATCHES_IN_FLIGHT or self.in_flight[0][0].done()
        ):
            self._settle_oldest()

    def _settle_oldest(self) -> None:
        future, batch = self.in_flight.popleft()
        try:
            future.result()
        except Exception as error:
            self.pending.put_back(batch)  # written with the next batch, if the file allows
            logger.error(
                "%d pages not written yet (%s): kept, and tried again with the next batch",
                len(batch.pages),
                error,
            )

    def _not_stored(self, batch: _Batch, error: Exception) -> None:
        stored = {document.id for document in batch.documents}
        urls = [page["url"] for page in batch.pages if page["doc_id"] in stored]
        updates = sum(new in stored for new, _old in batch.replaced)
        logger.error(
            "%d pages could not be stored (%s); run the crawl again to fetch them", len(urls), error
        )
        if self.signals is not None:
            reason = f"not stored: {error}; run the crawl again to fetch it"
            self.signals.send_catch_log(pages_not_stored, urls=urls, updates=updates, reason=reason)

    # --- on the writer thread ---------------------------------------------------------

    def _open(self) -> None:
        self.corpus = Corpus.open(self.db_path, busy_timeout=self.busy_timeout)

    def _close(self) -> None:
        if self.corpus is not None:
            self.corpus.close()
            self.corpus = None

    def _write(self, batch: _Batch) -> None:
        with self.corpus.transaction():
            for _ in self.corpus.add(batch.documents, batch_size=max(1, len(batch.documents))):
                pass
            self.corpus.conn.executemany(_UPSERT_PAGE, batch.pages)
            self.corpus.replace_documents(batch.replaced)
            self.corpus.make_originals(batch.originals)


# A page seen again keeps what is still true of it: its validators after a 304, its document.
_UPSERT_PAGE = """
INSERT INTO crawl_pages
    (url, canonical_url, source, etag, last_modified, status, outcome, reason, doc_id, fetched_at)
VALUES
    (:url, :canonical_url, :source, :etag, :last_modified, :status, :outcome, :reason, :doc_id,
     :fetched_at)
ON CONFLICT (url) DO UPDATE SET
    canonical_url = coalesce(excluded.canonical_url, canonical_url),
    source = excluded.source,
    etag = CASE WHEN excluded.outcome = 'unchanged' THEN etag ELSE excluded.etag END,
    last_modified = CASE WHEN excluded.outcome = 'unchanged' THEN last_modified
                         ELSE excluded.last_modified END,
    status = excluded.status,
    outcome = excluded.outcome,
    reason = excluded.reason,
    doc_id = coalesce(excluded.doc_id, doc_id),
    fetched_at = excluded.fetched_at
"""
