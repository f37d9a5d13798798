"""Read-only SQL over the corpus: ranked search, statistics and whole-table reads.

Every query here is parameterised; table names are checked against the schema.
"""

import json
import re
import sqlite3
import time
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
    Ranking costs about half a microsecond per matching paragraph, so the order of a query
    that took longer than SLOW_QUERY_MS is cached until the corpus changes.
    """
    if not query.strip():
        raise QueryError("the search query is empty")
    filters = filters or SearchFilters()
    try:
        ids = _ranked_paragraph_ids(corpus, query, filters, limit)
        if not ids:
            return []
        # Snippets only for the rows kept: snippet() per matching row would cost more than
        # the ranking itself.
        rows = corpus.conn.execute(
            f"""
            SELECT p.id, p.doc_id, p."index",
                   snippet(paragraphs_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_TOKENS}),
                   d.title, d.published, d.source, d.kind, d.url
            FROM paragraphs_fts
            JOIN paragraphs p ON p.id = paragraphs_fts.rowid
            JOIN documents d ON d.id = p.doc_id
            WHERE paragraphs_fts MATCH ? AND paragraphs_fts.rowid IN ({",".join("?" * len(ids))})
            """,
            [query, *(pid for pid, _ in ids)],
        ).fetchall()
    except sqlite3.OperationalError as error:
        raise _query_error(query, error) from None
    by_id = {row[0]: row[1:] for row in rows}
    return [SearchHit(*by_id[pid], score=score) for pid, score in ids if pid in by_id]


SLOW_QUERY_MS = 20
CACHE_DEPTH = 200


def _ranked_paragraph_ids(
    corpus: Corpus, query: str, filters: SearchFilters, limit: int, always_cache: bool = False
) -> list[tuple[int, float]]:
    """(paragraph id, bm25 score) of the best `limit` matches, from the cache when valid."""
    conn = corpus.conn
    key, filters_key = _cache_key(query), json.dumps(asdict(filters), sort_keys=True)
    generation = conn.execute("SELECT coalesce(max(id), 0) FROM paragraphs").fetchone()[0]
    cached = conn.execute(
        "SELECT paragraph_ids, complete FROM search_cache "
        "WHERE key = ? AND filters = ? AND generation = ?",
        [key, filters_key, generation],
    ).fetchone()
    if cached and (cached[1] or limit <= CACHE_DEPTH):
        return [tuple(pair) for pair in json.loads(cached[0])[:limit]]

    where, params = ["paragraphs_fts MATCH :query"], {"query": query}
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
    depth = max(limit, CACHE_DEPTH)
    started = time.perf_counter()
    # bm25() with ORDER BY … LIMIT uses SQLite's top-N sorter; the rank column sorts all rows.
    ranked = conn.execute(
        f"""
        SELECT paragraphs_fts.rowid, bm25(paragraphs_fts) AS score
        FROM paragraphs_fts {join}
        WHERE {" AND ".join(where)}
        ORDER BY score
        LIMIT {depth}
        """,
        params,
    ).fetchall()
    if always_cache or (time.perf_counter() - started) * 1000 > SLOW_QUERY_MS:
        _store_in_cache(corpus, key, filters_key, generation, ranked, len(ranked) < depth)
    return ranked[:limit]


def _cache_key(query: str) -> str:
    query = " ".join(query.split())
    # A single bare word matches case-insensitively, so "NHS" and "nhs" share an entry;
    # anything longer keeps its case, as FTS5 operators (OR, NOT) are case-sensitive.
    return query.lower() if re.fullmatch(r"[^\W_]+", query) else query


def _store_in_cache(corpus, key, filters_key, generation, ranked, complete) -> None:
    conn = corpus.conn
    if conn.in_transaction:
        return
    try:
        # The cache is best effort: never wait behind a writer for it.
        conn.execute("PRAGMA busy_timeout = 50")
        with conn:
            conn.execute(
                "INSERT OR REPLACE INTO search_cache VALUES (?, ?, ?, ?, ?, datetime('now'))",
                [key, filters_key, generation, json.dumps(ranked), int(complete)],
            )
    except sqlite3.Error:
        pass
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(corpus.busy_timeout * 1000)}")


def warm_search_cache(corpus: Corpus, min_paragraphs: int = 40_000, terms: int = 100) -> int:
    """Rank in advance the words found in more than `min_paragraphs` paragraphs.

    Those are the queries slow enough to notice (about 25 ms per 40,000 matches). Returns
    how many were ranked. Cheap on a small corpus, where no word can qualify.
    """
    total = corpus.conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
    if total < min_paragraphs:
        return 0
    corpus.conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.paragraph_terms "
        "USING fts5vocab(main, paragraphs_fts, 'row')"
    )
    frequent = corpus.conn.execute(
        "SELECT term FROM temp.paragraph_terms WHERE doc > ? ORDER BY doc DESC LIMIT ?",
        [min_paragraphs, terms],
    ).fetchall()
    for (term,) in frequent:
        query = term if term.isalnum() else f'"{term}"'
        _ranked_paragraph_ids(corpus, query, SearchFilters(), 1, always_cache=True)
    return len(frequent)


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


UNITS = ("GBP", "people", "count", "percent", "months", "years")


@dataclass
class ClaimFilters(SearchFilters):
    organisation: str | None = None  # canonical name or the text as written, any case
    scheme: str | None = None
    unit: str | None = None
    min_value: float | None = None

    def __post_init__(self) -> None:
        if self.unit is not None and self.unit not in UNITS:
            raise QueryError(f"unit must be one of {', '.join(UNITS)}, not {self.unit!r}")


@dataclass
class ClaimHit:
    claim_id: int
    doc_id: str
    paragraph: int
    snippet: str  # the sentence, matched terms wrapped in <mark>…</mark>
    sentence: str
    attributed_to: str | None
    title: str | None
    published: str | None
    source: str
    kind: str
    url: str | None
    score: float
    figures: list[dict]
    organisations: list[str]
    schemes: list[str]

    def as_dict(self) -> dict:
        return asdict(self)


def search_claims(
    corpus: Corpus, query: str, filters: ClaimFilters | None = None, limit: int = 20
) -> list[ClaimHit]:
    """Claim sentences matching an FTS5 query and the filters, best bm25 first.

    A figure filter (unit, min_value) needs one figure of the claim to meet both.
    """
    if not query.strip():
        raise QueryError("the search query is empty")
    filters = filters or ClaimFilters()
    where, params = ["claims_fts MATCH :query"], {"query": query, "limit": limit}
    if filters.kind:
        where.append("d.kind = :kind")
        params["kind"] = filters.kind
    if filters.since:
        where.append("d.published >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append("d.published <= :until")
        params["until"] = filters.until
    for table, value in (("organisations", filters.organisation), ("schemes", filters.scheme)):
        if value:
            where.append(
                f"EXISTS (SELECT 1 FROM {table} m WHERE m.claim_id = c.id "
                f"AND (m.name = :{table} COLLATE NOCASE OR m.text = :{table} COLLATE NOCASE))"
            )
            params[table] = value
    if filters.unit or filters.min_value is not None:
        where.append(
            "EXISTS (SELECT 1 FROM figures f WHERE f.claim_id = c.id"
            + (" AND f.unit = :unit" if filters.unit else "")
            + (" AND f.value >= :min_value" if filters.min_value is not None else "")
            + ")"
        )
        params["unit"], params["min_value"] = filters.unit, filters.min_value
    try:
        rows = corpus.conn.execute(
            f"""
            WITH top AS (
                SELECT claims_fts.rowid AS cid, bm25(claims_fts) AS score
                FROM claims_fts
                JOIN claims c ON c.id = claims_fts.rowid
                JOIN documents d ON d.id = c.doc_id
                WHERE {" AND ".join(where)}
                ORDER BY score
                LIMIT :limit
            )
            SELECT c.id, c.doc_id, c.paragraph,
                   highlight(claims_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}'), c.sentence,
                   c.attributed_to, d.title, d.published, d.source, d.kind, d.url, top.score
            FROM top
            JOIN claims_fts ON claims_fts.rowid = top.cid
            JOIN claims c ON c.id = top.cid
            JOIN documents d ON d.id = c.doc_id
            WHERE claims_fts MATCH :query
            ORDER BY top.score
            """,
            params,
        ).fetchall()
    except sqlite3.OperationalError as error:
        raise _query_error(query, error) from None
    return [ClaimHit(*row, *_claim_details(corpus, row[0])) for row in rows]


def _claim_details(corpus: Corpus, claim_id: int) -> tuple[list[dict], list[str], list[str]]:
    conn = corpus.conn
    figures = [
        {
            "text": text,
            "value": int(value) if value.is_integer() else value,
            "unit": unit,
            "counts": counts,
        }  # fmt: skip
        for text, value, unit, counts in conn.execute(
            "SELECT text, value, unit, counts FROM figures WHERE claim_id = ? ORDER BY start",
            [claim_id],
        )
    ]

    def names(table: str) -> list[str]:
        rows = conn.execute(
            f"SELECT DISTINCT name FROM {table} WHERE claim_id = ? ORDER BY start", [claim_id]
        )
        return [name for (name,) in rows]

    return figures, names("organisations"), names("schemes")
