"""Read-only SQL over the corpus: ranked search, statistics and whole-table reads.

Every query here is parameterised; table names are checked against the schema.
"""

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date

import dateparser

from corpus.db import Corpus, CorpusError

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
SNIPPET_TOKENS = 24


class QueryError(ValueError):
    """A search query or filter the corpus cannot run. The message says how to fix it."""


@dataclass
class SearchFilters:
    kind: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive


@dataclass
class SearchHit:
    doc_id: str
    paragraph: int
    snippet: str  # matched terms wrapped in <mark>…</mark>
    title: str | None
    published: str | None
    source: str
    kind: str
    url: str | None
    score: float  # bm25: lower is better

    def as_dict(self) -> dict:
        return asdict(self)


def date_bound(text: str, *, end: bool = False) -> str:
    """A --since/--until value as an ISO date: "2010" → 2010-01-01 (or 2010-12-31 as an end).

    >>> date_bound("2010-03", end=True)
    '2010-03-31'
    """
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-12-31" if end else f"{text}-01-01"
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise QueryError(f"bad month in date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
        if not end:
            return f"{year:04d}-{month:02d}-01"
        next_month = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(next_month.toordinal() - 1).isoformat()
    parsed = dateparser.parse(text, languages=["en"], settings={"DATE_ORDER": "DMY"})
    if parsed is None:
        raise QueryError(f"cannot read the date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    return parsed.date().isoformat()


def search_paragraphs(
    corpus: Corpus, query: str, filters: SearchFilters | None = None, limit: int = 20
) -> list[SearchHit]:
    """Paragraphs matching an FTS5 query, best bm25 first, with highlighted snippets.

    The query uses FTS5 syntax: words (all must match), "exact phrases", OR, NOT, prefix*.
    """
    if not query.strip():
        raise QueryError("the search query is empty")
    filters = filters or SearchFilters()
    where, params = ["paragraphs_fts MATCH :query"], {"query": query, "limit": limit}
    if filters.kind:
        where.append("d.kind = :kind")
        params["kind"] = filters.kind
    if filters.since:
        where.append("d.published >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append("d.published <= :until")
        params["until"] = filters.until
    join = (
        "JOIN paragraphs p ON p.id = paragraphs_fts.rowid JOIN documents d ON d.id = p.doc_id"
        if len(where) > 1
        else ""
    )
    # Rank first, then make snippets for the top rows only: snippet() is the costly part.
    sql = f"""
        WITH top AS (
            SELECT paragraphs_fts.rowid AS pid, paragraphs_fts.rank AS score
            FROM paragraphs_fts {join}
            WHERE {" AND ".join(where)}
            ORDER BY paragraphs_fts.rank
            LIMIT :limit
        )
        SELECT p.doc_id, p."index",
               snippet(paragraphs_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_TOKENS}),
               d.title, d.published, d.source, d.kind, d.url, top.score
        FROM top
        JOIN paragraphs_fts ON paragraphs_fts.rowid = top.pid
        JOIN paragraphs p ON p.id = top.pid
        JOIN documents d ON d.id = p.doc_id
        WHERE paragraphs_fts MATCH :query
        ORDER BY top.score
    """
    try:
        rows = corpus.conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as error:
        raise _query_error(query, error) from None
    return [SearchHit(*row) for row in rows]


def _query_error(query: str, error: sqlite3.OperationalError) -> Exception:
    message = str(error)
    if "locked" in message or "busy" in message:
        return CorpusError("the corpus is locked by another process; try again in a moment")
    return QueryError(
        f'cannot read the search query {query!r} ({message}); close every "quote" and '
        'bracket, and quote words with hyphens or colons, e.g. "non-clinical"'
    )


@dataclass
class CorpusStats:
    documents: int
    by_kind: list[tuple[str, int]]
    by_source: list[tuple[str, int]]
    by_year: list[tuple[str, int]]
    tables: list[tuple[str, int]]
    file_bytes: int


def corpus_stats(corpus: Corpus) -> CorpusStats:
    conn = corpus.conn

    def grouped(expression: str) -> list[tuple[str, int]]:
        return conn.execute(
            f"SELECT {expression} AS key, count(*) FROM documents GROUP BY key ORDER BY key"
        ).fetchall()

    tables = [
        (name, conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
        for name in user_tables(corpus)
    ]
    return CorpusStats(
        documents=conn.execute("SELECT count(*) FROM documents").fetchone()[0],
        by_kind=grouped("kind"),
        by_source=grouped("source"),
        by_year=grouped("coalesce(substr(published, 1, 4), 'undated')"),
        tables=tables,
        file_bytes=sum(
            path.stat().st_size
            for path in (corpus.path, corpus.path.with_name(corpus.path.name + "-wal"))
            if path.exists()
        ),
    )


def user_tables(corpus: Corpus) -> list[str]:
    """Tables a user may export: not SQLite's own, nor the FTS index's shadow tables."""
    fts_shadow = re.compile(r"_fts(_(data|idx|docsize|config|content))?$")
    return [
        name
        for name in corpus.db.table_names()
        if not name.startswith(("sqlite_", "_sqlite")) and not fts_shadow.search(name)
    ]


def table_columns(corpus: Corpus, table: str) -> list[tuple[str, str]]:
    """(name, declared type) of each column of a user table."""
    _check_table(corpus, table)
    return [(column.name, column.type) for column in corpus.db[table].columns]


def iter_table_rows(corpus: Corpus, table: str, batch_size: int = 5000) -> Iterator[list[tuple]]:
    """Every row of `table`, in batches, streamed from one cursor (never all in memory)."""
    _check_table(corpus, table)
    cursor = corpus.conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
    while rows := cursor.fetchmany(batch_size):
        yield rows


def _check_table(corpus: Corpus, table: str) -> None:
    tables = user_tables(corpus)
    if table not in tables:
        raise QueryError(f"no table {table!r}; the corpus has: {', '.join(tables)}")
