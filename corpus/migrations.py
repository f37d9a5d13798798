"""Numbered schema steps for the corpus file, applied in order through sqlite-utils' Migrations.

Every stage's tables are created here, so that the corpus package owns the whole schema and
a database written by a newer nhscuts (one with steps this code does not know) is refused.
"""

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "nhscuts"
migrations = Migrations(MIGRATION_SET)
STEP_NAMES: list[str] = []  # in order; Migrations keeps its own list private


def step(fn):
    STEP_NAMES.append(fn.__name__)
    return migrations()(fn)


DOCUMENT_KINDS = ("news", "union", "government", "campaign", "other")


@step
def m001_documents_and_paragraphs(db: Database) -> None:
    kinds = ", ".join(f"'{kind}'" for kind in DOCUMENT_KINDS)
    db.execute(
        f"""
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,            -- content hash: first 16 hex of sha256(normalised text)
            url TEXT,
            canonical_url TEXT,
            source TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ({kinds})),
            title TEXT,
            author TEXT,
            published TEXT,                 -- ISO date, YYYY-MM-DD
            fetched_at TEXT NOT NULL,       -- ISO timestamp, UTC
            content_type TEXT NOT NULL,
            text TEXT NOT NULL,
            word_count INTEGER NOT NULL,
            sha256 TEXT NOT NULL,           -- of the raw bytes
            raw BLOB,                       -- zlib-compressed raw bytes, for re-extraction
            extractor_version TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE paragraphs (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            "index" INTEGER NOT NULL,       -- 1-based position in the document
            text TEXT NOT NULL,
            UNIQUE (doc_id, "index")
        )
        """
    )
    for table, column in [
        ("documents", "canonical_url"),
        ("documents", "published"),
        ("documents", "kind"),
        ("documents", "source"),
        ("documents", "sha256"),
    ]:
        db[table].create_index([column])
    # No stemming: with porter, prefix queries miss ("redundanc*" finds nothing, as the index
    # holds "redund"). Users match variants with prefix*; unicode61 folds case and accents.
    tokenize = "unicode61 remove_diacritics 2"
    db["documents"].enable_fts(["title", "text"], create_triggers=True, tokenize=tokenize)
    db["paragraphs"].enable_fts(["text"], create_triggers=True, tokenize=tokenize)


@step
def m002_search_cache(db: Database) -> None:
    # Top results of slow (very common) queries, valid while `generation` (the highest
    # paragraph id) is unchanged; see corpus.queries.search_paragraphs.
    db.execute(
        """
        CREATE TABLE search_cache (
            key TEXT NOT NULL,
            filters TEXT NOT NULL,
            generation INTEGER NOT NULL,
            paragraph_ids TEXT NOT NULL,    -- JSON list, best first
            complete INTEGER NOT NULL,      -- 1: the list holds every match
            created_at TEXT NOT NULL,
            PRIMARY KEY (key, filters)
        )
        """
    )
