"""The document record every stage writes, and how its id and paragraphs are made."""

import hashlib
import re
import unicodedata
import zlib
from dataclasses import InitVar, dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from corpus.migrations import DOCUMENT_KINDS

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
# A tab or three or more spaces inside a line is a column gap (a table rendered as text):
# it is kept as exactly two spaces, so that the columns can still be told apart.
_COLUMN_GAP = re.compile(r"[ \f\v\u00a0]*\t[ \t\f\v\u00a0]*|[ \f\v\u00a0]{3,}")
# Text with none of these has no column gaps and no run of more than two spaces, the common
# case (prose): it is normalised without a regular expression per line, to the same result.
_GAPS_OR_ODD_SPACES = re.compile(r"[\t\f\v\u00a0]| {3}")


def _normalise_line(line: str) -> str:
    cells = _COLUMN_GAP.split(line.strip())
    return "  ".join(_SPACES.sub(" ", cell).strip() for cell in cells)


def normalise_text(text: str) -> str:
    """Unicode NFC, LF line ends, trimmed lines, paragraphs separated by exactly one blank line;
    runs of spaces become one space, column gaps two.

    >>> normalise_text("A  line\\r\\n\\n\\n\\nNext ")
    'A line\\n\\nNext'
    >>> normalise_text("Staff group     Plan\\tActual")
    'Staff group  Plan  Actual'
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "")
    if _GAPS_OR_ODD_SPACES.search(text) is None:
        lines = [line.strip() for line in text.replace("  ", " ").split("\n")]
    else:
        lines = [_normalise_line(line) for line in text.split("\n")]
    blocks = _BLANK_LINES.split("\n".join(lines))
    return "\n\n".join(block.strip() for block in blocks if block.strip())


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are the blocks between blank lines (of already normalised text)."""
    return [block for block in text.split("\n\n") if block]


def content_id(text: str) -> str:
    """The document id: a hash of the normalised text, so the same content gets the same id."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


def text_hash(text: str) -> str:
    """The embeddings table's key of a text: 32 hex digits of its BLAKE2b hash."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Document:
    """One document ready to store. `text` is normalised when the record is built."""

    text: str
    source: str
    content_type: str
    extractor_version: str
    kind: str = "other"
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    raw: bytes | None = None
    fetched_at: str = field(default_factory=now_utc)
    # Set by the crawler's duplicates stage: the stored document this one nearly repeats,
    # and the MinHash signature it was compared by.
    duplicate_of: str | None = None
    minhash: bytes | None = field(default=None, repr=False)
    # True when `text` comes from normalise_text already (corpus.formats.extract's does), as
    # normalising is idempotent but costs as much as a tenth of extracting a web page.
    text_is_normalised: InitVar[bool] = False

    def __post_init__(self, text_is_normalised: bool) -> None:
        if self.kind not in DOCUMENT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(DOCUMENT_KINDS)}, not {self.kind!r}")
        if not text_is_normalised:
            self.text = normalise_text(self.text)
        if self.canonical_url is None:
            self.canonical_url = self.url

    @cached_property
    def id(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def stored_raw(self) -> tuple[str, bytes]:
        """The raw bytes' SHA-256 and their zlib-compressed copy, as the corpus keeps them.
        Cached, so a crawl worker can make them before the record reaches the writer."""
        raw = self.raw if self.raw is not None else self.text.encode("utf-8")
        return hashlib.sha256(raw).hexdigest(), zlib.compress(raw, 6)

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)

    def row(self) -> dict:
        sha256, compressed_raw = self.stored_raw
        return {
            "id": self.id,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "source": self.source,
            "kind": self.kind,
            "title": self.title,
            "author": self.author,
            "published": self.published,
            "fetched_at": self.fetched_at,
            "content_type": self.content_type,
            "text": self.text,
            "word_count": len(self.text.split()),
            "sha256": sha256,
            "raw": compressed_raw,
            "extractor_version": self.extractor_version,
            "duplicate_of": self.duplicate_of,
            "minhash": self.minhash,
        }
