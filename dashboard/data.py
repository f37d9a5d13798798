"""The dashboard's one bridge to the corpus: a cached connection and cached query results.

The corpus file is named by the NHSCUTS_DB environment variable (`nhscuts serve --db F` sets
it), else data/corpus.db. Every read goes through corpus.queries, whose SQL is parameterised.
Results are plain rows and pandas DataFrames, cached for TTL_S seconds per set of arguments.
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from corpus import Corpus, CorpusError, queries
from corpus.document import text_hash
from corpus.migrations import DOCUMENT_KINDS
from corpus.queries import UNITS, ClaimFilters, QueryError, SearchFilters

DB_ENV_VAR = "NHSCUTS_DB"
DEFAULT_DB = Path("data/corpus.db")
TTL_S = 60
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
    return _Shared(Corpus.open(path, create=False))


def _read(path: str, function, *args, **kwargs):
    shared = _shared(path)
    with shared.lock:
        return function(shared.corpus, *args, **kwargs)


@st.cache_data(ttl=5, show_spinner=False)
def corpus_status(path: str) -> Status:
    """Whether the dashboard has something to show, and if not, why."""
    if not Path(path).exists():
        return Status("missing", path)
    try:
        documents = _read(path, lambda corpus: queries.corpus_stats(corpus).documents)
    except CorpusError as error:
        _shared.clear()
        return Status("broken", path, str(error))
    return Status("ok", path) if documents else Status("empty", path)


def _filters(kind: str | None, since: str | None, until: str | None) -> SearchFilters:
    return SearchFilters(kind=kind or None, since=since, until=until)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def published_years(path: str) -> tuple[int, int] | None:
    return _read(path, queries.published_years)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def entity_names(path: str, table: str) -> list[str]:
    return _read(path, queries.entity_names, table)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def overview(path: str, kind=None, since=None, until=None) -> dict:
    counts = _read(path, queries.overview_counts, _filters(kind, since, until))
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


@st.cache_data(ttl=TTL_S, show_spinner=False)
def count_claims(path: str, search: ClaimQuery) -> int:
    return _read(path, queries.count_claims, search.query, search.filters())


@st.cache_data(ttl=TTL_S, show_spinner=False)
def claim_page(path: str, search: ClaimQuery, page: int, page_size: int) -> list[dict]:
    """One page of claim hits, each with its figures and names located in the sentence."""

    def read(corpus):
        hits = queries.search_claims(
            corpus, search.query, search.filters(), limit=page_size, offset=page * page_size
        )
        spans = queries.claim_spans(corpus, [hit.claim_id for hit in hits])
        return [{**hit.as_dict(), "spans": spans[hit.claim_id]} for hit in hits]

    return _read(path, read)


CSV_COLUMNS = [
    "claim_id", "doc_id", "paragraph", "sentence", "figures", "organisations", "schemes",
    "attributed_to", "title", "published", "source", "kind", "url",
]  # fmt: skip


@st.cache_data(ttl=TTL_S, show_spinner=False)
def claims_csv(path: str, search: ClaimQuery) -> str:
    """Every match of a claim search (no limit) as CSV text."""
    hits = _read(path, queries.search_claims, search.query, search.filters(), None)
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


@st.cache_data(ttl=TTL_S, show_spinner=False)
def documents(path: str, kind=None, since=None, until=None, title=None) -> tuple[int, pd.DataFrame]:
    total, rows = _read(path, queries.list_documents, _filters(kind, since, until), title)
    columns = ["id", "title", "published", "kind", "source", "url", "word_count", "figures"]
    return total, pd.DataFrame(rows, columns=[*columns, "claims"])


@st.cache_data(ttl=TTL_S, show_spinner=False)
def document(path: str, doc_id: str) -> dict | None:
    return _read(path, queries.get_document, doc_id)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def figures(path: str, kind=None, since=None, until=None, unit=None, organisation=None):
    rows = _read(
        path, queries.figure_rows, _filters(kind, since, until), unit or None, organisation or None
    )
    return pd.DataFrame(
        rows,
        columns=[
            "id", "text", "value", "unit", "kind", "counts", "doc_id", "paragraph",
            "published", "title", "doc_kind", "source", "url", "sentence",
        ],
    )  # fmt: skip


@st.cache_data(ttl=TTL_S, show_spinner=False)
def repeated_figures(path: str, kind=None, since=None, until=None, unit=None, organisation=None):
    return _read(
        path,
        queries.repeated_figures,
        _filters(kind, since, until),
        unit or None,
        organisation or None,
    )


@st.cache_data(ttl=TTL_S, show_spinner=False)
def has_frames(path: str) -> bool:
    return _read(path, queries.has_rows, "paragraph_frames")


@st.cache_data(ttl=TTL_S, show_spinner=False)
def frame_map(path: str, kind=None, since=None, until=None, limit: int = 5000) -> pd.DataFrame:
    """Framed paragraphs with x, y: their embeddings projected on two principal components.

    x and y are missing (NaN) when no embedding of the paragraph is stored.
    """
    rows = _read(path, queries.frame_paragraphs, _filters(kind, since, until), limit)
    frame = pd.DataFrame(
        rows,
        columns=[
            "paragraph_id", "doc_id", "label", "score", "cluster", "text", "published",
            "kind", "source", "title",
        ],
    )  # fmt: skip
    frame["x"], frame["y"] = np.nan, np.nan
    if frame.empty:
        return frame
    hashes = [text_hash(text) for text in frame["text"]]
    vectors = _read(path, queries.embedding_vectors, sorted(set(hashes)))
    have = [i for i, key in enumerate(hashes) if key in vectors]
    if len(have) >= 2:
        matrix = np.stack(
            [
                np.frombuffer(vectors[hashes[i]][1], dtype="<f4", count=vectors[hashes[i]][0])
                for i in have
            ]
        )
        centred = matrix - matrix.mean(axis=0)
        _, _, components = np.linalg.svd(centred, full_matrices=False)
        projected = centred @ components[:2].T
        frame.loc[have, "x"] = projected[:, 0]
        frame.loc[have, "y"] = projected[:, 1] if projected.shape[1] > 1 else 0.0
    frame["cluster"] = frame["cluster"].map(
        lambda value: "outlier" if pd.isna(value) else f"cluster {int(value)}"
    )
    return frame


@st.cache_data(ttl=TTL_S, show_spinner=False)
def frame_clusters(path: str) -> list[dict]:
    return _read(path, queries.frame_clusters)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def frame_balance(path: str, kind=None, since=None, until=None, by: str = "kind"):
    rows = _read(path, queries.frame_balance, _filters(kind, since, until), by)
    return pd.DataFrame(
        rows, columns=["year", "group", "partnership", "opposition", "neutral", "mean_score"]
    )
