"""The dashboard's one bridge to the corpus: a cached connection and cached query results.

The corpus file is named by the NHSCUTS_DB environment variable (`nhscuts serve --db F` sets
it), else data/corpus.db. Every read goes through corpus.queries, whose SQL is parameterised.
Results are plain rows and pandas DataFrames, cached per set of arguments and per `Source`:
the file and its data version, which changes whenever another process (a crawl, an
extraction) commits to it. So a result is computed once per change of the corpus, not once a
minute, and is never older than the corpus.
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from corpus import Corpus, CorpusError, queries
from corpus.migrations import DOCUMENT_KINDS
from corpus.queries import UNITS, ClaimFilters, QueryError, SearchFilters

DB_ENV_VAR = "NHSCUTS_DB"
DEFAULT_DB = Path("data/corpus.db")
TTL_S = 3600  # a backstop only: the data version keys every result
MAX_ENTRIES = 200  # per function: filter combinations kept
PAGE_CACHE_KIB = 65536  # SQLite's page cache for the shared connection (default: 2,000 KiB)
KINDS = tuple(kind for kind in DOCUMENT_KINDS)
__all__ = ["KINDS", "UNITS", "QueryError"]


def db_path() -> Path:
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB).expanduser().resolve()


@dataclass(frozen=True)
class Status:
    state: str  # ok, missing, empty or broken
    path: str
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "ok"


class _Shared:
    """One connection for every session; the lock keeps one query on it at a time."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _shared(path: str) -> _Shared:
    corpus = Corpus.open(path, create=False)
    # The dashboard's indexes and aggregates read tens of MiB; keep them in memory.
    corpus.conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    return _Shared(corpus)


def _read(path: str, function, *args, **kwargs):
    shared = _shared(path)
    with shared.lock:
        return function(shared.corpus, *args, **kwargs)


@dataclass(frozen=True)
class Source:
    """A corpus as the cached reads key it: its file and the version of its data."""

    path: str
    version: int


def source(path: str) -> Source:
    """The corpus at `path` now. Its version changes when another connection commits."""
    version = _read(path, lambda corpus: corpus.conn.execute("PRAGMA data_version").fetchone()[0])
    return Source(path, version)


@st.cache_data(ttl=5, show_spinner=False)
def corpus_status(path: str) -> Status:
    """Whether the dashboard has something to show, and if not, why."""
    if not Path(path).exists():
        return Status("missing", path)
    try:
        documents = _read(path, queries.has_rows, "documents")
    except CorpusError as error:
        _shared.clear()
        return Status("broken", path, str(error))
    return Status("ok", path) if documents else Status("empty", path)


def _filters(kind: str | None, since: str | None, until: str | None) -> SearchFilters:
    return SearchFilters(kind=kind or None, since=since, until=until)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def published_years(source: Source) -> tuple[int, int] | None:
    return _read(source.path, queries.published_years)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def entity_names(source: Source, table: str) -> list[str]:
    return _read(source.path, queries.entity_names, table)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def overview(source: Source, kind=None, since=None, until=None) -> dict:
    counts = _read(source.path, queries.overview_counts, _filters(kind, since, until))
    counts["by_year_kind"] = pd.DataFrame(
        counts["by_year_kind"], columns=["year", "kind", "documents"]
    )
    for table in ("organisations", "schemes"):
        counts[table] = pd.DataFrame(counts[table], columns=["name", "documents", "mentions"])
    return counts


@dataclass(frozen=True)
class ClaimQuery:
    """A claim search as the page holds it: hashable, so that results can be cached."""

    query: str
    kind: str | None = None
    since: str | None = None
    until: str | None = None
    organisation: str | None = None
    scheme: str | None = None
    unit: str | None = None
    min_value: float | None = None

    def filters(self) -> ClaimFilters:
        return ClaimFilters(
            kind=self.kind or None,
            since=self.since,
            until=self.until,
            organisation=self.organisation or None,
            scheme=self.scheme or None,
            unit=self.unit or None,
            min_value=self.min_value,
        )


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def count_claims(source: Source, search: ClaimQuery) -> int:
    return _read(source.path, queries.count_claims, search.query, search.filters())


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def claim_page(source: Source, search: ClaimQuery, page: int, page_size: int) -> list[dict]:
    """One page of claim hits, each with its figures and names located in the sentence."""

    def read(corpus):
        hits = queries.search_claims(
            corpus, search.query, search.filters(), limit=page_size, offset=page * page_size
        )
        spans = queries.claim_spans(corpus, [hit.claim_id for hit in hits])
        return [{**hit.as_dict(), "spans": spans[hit.claim_id]} for hit in hits]

    return _read(source.path, read)


CSV_COLUMNS = [
    "claim_id", "doc_id", "paragraph", "sentence", "figures", "organisations", "schemes",
    "attributed_to", "title", "published", "source", "kind", "url",
]  # fmt: skip


def claims_csv(source: Source, search: ClaimQuery) -> str:
    """Every match of a claim search (no limit) as CSV text.

    Not cached: the page builds it only when the download button is pressed, on a thread of
    its own, and a download is rare beside the searches drawn.
    """
    hits = _read(source.path, queries.search_claims, search.query, search.filters(), None)
    rows = [
        {
            **hit.as_dict(),
            "figures": "; ".join(figure["text"] for figure in hit.figures),
            "organisations": "; ".join(hit.organisations),
            "schemes": "; ".join(hit.schemes),
        }
        for hit in hits
    ]
    return pd.DataFrame(rows, columns=CSV_COLUMNS).to_csv(index=False)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def documents(
    source: Source, kind=None, since=None, until=None, title=None, page=0, page_size=100, words=None
) -> tuple[int, pd.DataFrame]:
    """(how many documents match, one page of them, newest first); QueryError for bad `words`."""
    total, rows = _read(
        source.path,
        queries.list_documents,
        _filters(kind, since, until),
        title,
        limit=page_size,
        offset=page * page_size,
        words=words,
    )
    columns = ["id", "title", "published", "kind", "source", "url", "word_count", "figures"]
    return total, pd.DataFrame(rows, columns=[*columns, "claims"])


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def document(source: Source, doc_id: str) -> dict | None:
    return _read(source.path, queries.get_document, doc_id)


# Rows per page of the documents and figures tables: the grid of 1,000 documents cost the page
# 0.4 s more to draw than 200 (and all 280,000 figures of a large corpus stalled it).
DOCUMENT_PAGE_SIZE = 100
FIGURE_PAGE_SIZE = 100
# Paragraphs on the framings map. The map drew in 1.58 s with 1,000, 1.77 with 2,500 and
# 1.85 with 5,000; 2,500 with an excerpt of each in the tooltip took 1.76 s, 5,000 took 1.92.
FRAME_MAP_SIZE = 2500
FIGURE_COLUMNS = [
    "id", "text", "value", "unit", "kind", "counts", "doc_id", "paragraph", "published",
    "title", "doc_kind", "source", "url", "sentence",
]  # fmt: skip


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def count_figures(source: Source, kind=None, since=None, until=None, unit=None, organisation=None):
    return _read(
        source.path,
        queries.count_figures,
        _filters(kind, since, until),
        unit or None,
        organisation or None,
    )


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def figure_page(
    source: Source, kind, since, until, unit, organisation, page: int, page_size: int
) -> pd.DataFrame:
    """One page of the figures, oldest document first."""
    rows = _read(
        source.path,
        queries.figure_rows,
        _filters(kind, since, until),
        unit or None,
        organisation or None,
        limit=page_size,
        offset=page * page_size,
    )
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def figures_by_year(
    source: Source, kind=None, since=None, until=None, unit=None, organisation=None
) -> pd.DataFrame:
    rows = _read(
        source.path,
        queries.figures_by_year,
        _filters(kind, since, until),
        unit or None,
        organisation or None,
    )
    return pd.DataFrame(rows, columns=["year", "unit", "figures"])


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def figure_sample(
    source: Source, kind=None, since=None, until=None, unit=None, organisation=None, size=5000
) -> tuple[int, pd.DataFrame]:
    """(how many dated figures match, a sample of at most `size` of them to plot)."""
    dated, rows = _read(
        source.path,
        queries.figure_sample,
        _filters(kind, since, until),
        unit or None,
        organisation or None,
        size,
    )
    columns = ["id", "text", "value", "unit", "published", "title", "doc_kind", "source"]
    return dated, pd.DataFrame(rows, columns=columns)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def repeated_figures(
    source: Source, kind=None, since=None, until=None, unit=None, organisation=None, limit=20
) -> tuple[int, list[dict]]:
    """(how many figures are repeated, the `limit` most repeated with their first documents)."""
    return _read(
        source.path,
        queries.repeated_figures,
        _filters(kind, since, until),
        unit or None,
        organisation or None,
        limit=limit,
    )


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def has_frames(source: Source) -> bool:
    return _read(source.path, queries.has_rows, "paragraph_frames")


@st.cache_data(ttl=TTL_S, max_entries=20, show_spinner=False)  # FRAME_MAP_SIZE paragraphs each
def frame_map(
    source: Source, kind=None, since=None, until=None, limit: int = FRAME_MAP_SIZE
) -> tuple[int, pd.DataFrame]:
    """(how many framed paragraphs match, at most `limit` of them, chosen evenly, with their
    place on the map: x, y, missing (NaN) where `nhscuts frames` has not stored it)."""
    total, rows = _read(source.path, queries.frame_paragraphs, _filters(kind, since, until), limit)
    frame = pd.DataFrame(
        rows,
        columns=[
            "paragraph_id", "doc_id", "label", "score", "cluster", "x", "y", "text",
            "published", "kind", "source", "title",
        ],
    )  # fmt: skip
    frame[["x", "y"]] = frame[["x", "y"]].astype(float)
    frame["cluster"] = frame["cluster"].map(
        lambda value: "outlier" if pd.isna(value) else f"cluster {int(value)}"
    )
    return total, frame


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def frame_clusters(source: Source) -> list[dict]:
    return _read(source.path, queries.frame_clusters)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def frame_balance(source: Source, kind=None, since=None, until=None, by: str = "kind"):
    rows = _read(source.path, queries.frame_balance, _filters(kind, since, until), by)
    return pd.DataFrame(
        rows, columns=["year", "group", "partnership", "opposition", "neutral", "mean_score"]
    )
