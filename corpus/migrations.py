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


@step
def m003_extraction(db: Database) -> None:
    # Filled by analysis.extract: one row per extracted document, then what was found in it.
    # A figure, organisation or scheme inside a claim sentence carries its claim_id.
    db.execute(
        """
        CREATE TABLE extractions (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            extractor_version TEXT NOT NULL,
            extracted_at TEXT NOT NULL,
            figures INTEGER NOT NULL,
            claims INTEGER NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            paragraph INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            sentence TEXT NOT NULL,
            attributed_to TEXT
        )
        """
    )
    located = """
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            claim_id INTEGER REFERENCES claims(id) ON DELETE CASCADE,
            paragraph INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL"""
    db.execute(
        f"""CREATE TABLE figures ({located},
            value REAL NOT NULL,
            unit TEXT NOT NULL
                CHECK (unit IN ('GBP', 'people', 'count', 'percent', 'months', 'years')),
            kind TEXT NOT NULL CHECK (kind IN ('money', 'count', 'percent', 'duration')),
            counts TEXT)"""
    )
    db.execute(
        f"""CREATE TABLE organisations ({located},
            org_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL)"""
    )
    db.execute(f"CREATE TABLE schemes ({located}, scheme_id TEXT NOT NULL, name TEXT NOT NULL)")
    for table, columns in [
        ("claims", ["doc_id"]),
        ("figures", ["doc_id"]),
        ("figures", ["claim_id"]),
        ("figures", ["unit", "value"]),
        ("organisations", ["doc_id"]),
        ("organisations", ["claim_id"]),
        ("organisations", ["name"]),
        ("schemes", ["doc_id"]),
        ("schemes", ["claim_id"]),
        ("schemes", ["name"]),
    ]:
        db[table].create_index(columns)
    db["claims"].enable_fts(
        ["sentence"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


@step
def m004_crawl(db: Database) -> None:
    # Filled by crawler/: a near-duplicate (a syndicated copy) points at the document it copies,
    # found through `minhash`, a MinHash signature of the text's word 4-shingles (128 × uint32).
    db.execute(
        "ALTER TABLE documents ADD COLUMN duplicate_of TEXT "
        "REFERENCES documents(id) ON DELETE SET NULL"
    )
    db.execute("ALTER TABLE documents ADD COLUMN minhash BLOB")
    db["documents"].create_index(["duplicate_of"])
    # One row per document URL the crawler requested, so that a re-crawl sends conditional
    # GETs (ETag, Last-Modified) and the outcome of every page can be audited.
    db.execute(
        """
        CREATE TABLE crawl_pages (
            url TEXT PRIMARY KEY,           -- as requested, before redirects
            canonical_url TEXT,
            source TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            status INTEGER,                 -- HTTP status; NULL when no response came
            outcome TEXT NOT NULL CHECK (outcome IN ('stored', 'near_duplicate', 'duplicate',
                'filtered', 'unchanged', 'skipped', 'failed')),
            reason TEXT,
            doc_id TEXT REFERENCES documents(id) ON DELETE SET NULL,
            fetched_at TEXT NOT NULL        -- ISO timestamp, UTC
        )
        """
    )
    for columns in (["canonical_url"], ["source"], ["outcome"], ["doc_id"]):
        db["crawl_pages"].create_index(columns)


@step
def m005_frames(db: Database) -> None:
    # Filled by analysis.embed: one vector per distinct paragraph text and model, so a re-run
    # encodes only new text. `text_hash` is corpus.document.text_hash(text).
    db.execute(
        """
        CREATE TABLE embeddings (
            id INTEGER PRIMARY KEY,
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,           -- dim float32 values, little-endian, L2-normalised
            chunks INTEGER NOT NULL,        -- pieces encoded and averaged (>1: over 256 tokens)
            created_at TEXT NOT NULL,
            UNIQUE (model, text_hash)
        )
        """
    )
    # Filled by analysis.frames; each `nhscuts frames` run replaces the rows of the last.
    labels = "'partnership', 'opposition', 'neutral'"
    db.execute(
        """
        CREATE TABLE frame_clusters (
            id INTEGER PRIMARY KEY,
            size INTEGER NOT NULL,
            label TEXT NOT NULL,            -- the top terms, short enough for a chart
            terms TEXT NOT NULL,            -- JSON list of the top c-TF-IDF terms
            representatives TEXT NOT NULL,  -- JSON list of paragraph ids, most typical first
            mean_score REAL NOT NULL,
            partnership INTEGER NOT NULL,
            opposition INTEGER NOT NULL,
            neutral INTEGER NOT NULL
        )
        """
    )
    db.execute(
        f"""
        CREATE TABLE paragraph_frames (
            paragraph_id INTEGER PRIMARY KEY REFERENCES paragraphs(id) ON DELETE CASCADE,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            label TEXT NOT NULL CHECK (label IN ({labels})),
            score REAL NOT NULL,            -- partnership +1 ... opposition -1
            cluster INTEGER REFERENCES frame_clusters(id) ON DELETE SET NULL  -- NULL: outlier
        )
        """
    )
    db.execute(
        f"""
        CREATE TABLE document_frames (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            label TEXT NOT NULL CHECK (label IN ({labels})),
            score REAL NOT NULL,
            partnership INTEGER NOT NULL,   -- paragraphs with each label
            opposition INTEGER NOT NULL,
            neutral INTEGER NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE frame_runs (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            model TEXT NOT NULL,
            scorer TEXT NOT NULL,           -- how labels were given: similarity or logistic
            paragraphs INTEGER NOT NULL,
            k INTEGER,                      -- clusters; NULL when too few paragraphs
            silhouette REAL,
            outlier_share REAL,
            ari REAL                        -- mean adjusted Rand index over five seeds
        )
        """
    )
    for table, columns in [
        ("paragraph_frames", ["doc_id"]),
        ("paragraph_frames", ["cluster"]),
        ("document_frames", ["label"]),
    ]:
        db[table].create_index(columns)


@step
def m006_dashboard_indexes(db: Database) -> None:
    # Covering indexes for the dashboard, so that at 100,000 documents its counts and groups
    # read indexes rather than the wide documents rows (the text is inline), once per name
    # or figure. Each of the first five replaces a narrower index.
    for old, table, columns in [
        # A date or kind filter lists its document ids from the index alone.
        ("idx_documents_published", "documents", ["published", "kind", "id"]),
        ("idx_documents_kind", "documents", ["kind", "published", "id"]),
        # Groups of a value and unit, and names, with a count of distinct documents.
        ("idx_figures_unit_value", "figures", ["unit", "value", "doc_id"]),
        ("idx_organisations_name", "organisations", ["name", "doc_id"]),
        ("idx_schemes_name", "schemes", ["name", "doc_id"]),
    ]:
        db.execute(f"DROP INDEX IF EXISTS {old}")
        db[table].create_index(columns)
    # A figure's document date by its id; the spellings of a repeated figure.
    db["documents"].create_index(["id", "published", "kind"])
    db["figures"].create_index(["unit", "value", "text"])
    # An organisation filter matches the canonical name or the text as written, in any case.
    for column in ("name", "text"):
        db.execute(
            f"CREATE INDEX idx_organisations_{column}_nocase "
            f"ON organisations({column} COLLATE NOCASE, doc_id, paragraph)"
        )


@step
def m007_frame_map_positions(db: Database) -> None:
    # Each framed paragraph's place on the dashboard's map (its first two principal
    # components), stored by `nhscuts frames`: NULL until it runs again.
    for column in ("x", "y"):
        db.execute(f"ALTER TABLE paragraph_frames ADD COLUMN {column} REAL")
