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
    _add_document_conditions(filters, where, params)
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
    corpus: Corpus,
    query: str,
    filters: ClaimFilters | None = None,
    limit: int | None = 20,
    offset: int = 0,
) -> list[ClaimHit]:
    """Claim sentences matching an FTS5 query and the filters, best bm25 first.

    A figure filter (unit, min_value) needs one figure of the claim to meet both.
    `limit=None` returns every match (a whole download); `offset` skips to a later page.
    """
    where, params = _claim_conditions(query, filters)
    params["limit"] = -1 if limit is None else limit
    params["offset"] = offset
    rows = _claim_search_rows(corpus, query, where, params)
    details = _claim_details(corpus, [row[0] for row in rows])
    return [ClaimHit(*row, *details[row[0]]) for row in rows]


def _add_document_conditions(filters: SearchFilters, where: list[str], params: dict) -> None:
    """The kind and date filters, on documents d."""
    if filters.kind:
        where.append("d.kind = :kind")
        params["kind"] = filters.kind
    if filters.since:
        where.append("d.published >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append("d.published <= :until")
        params["until"] = filters.until


def _claim_conditions(query: str, filters: ClaimFilters | None) -> tuple[list[str], dict]:
    """The WHERE terms and parameters of a claim search, on claims_fts and claims c."""
    if not query.strip():
        raise QueryError("the search query is empty")
    filters = filters or ClaimFilters()
    where, params = ["claims_fts MATCH :query"], {"query": query}
    in_documents, document_params = _in_documents("c.doc_id", filters)
    if document_params:
        where.append(in_documents)
        params.update(document_params)
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
    return where, params


def _claims_from(where: list[str]) -> str:
    """claims_fts, joined to claims c only when a filter reads it: a bare match reads the
    FTS index alone."""
    if len(where) == 1:
        return "claims_fts"
    return "claims_fts JOIN claims c ON c.id = claims_fts.rowid"


def count_claims(corpus: Corpus, query: str, filters: ClaimFilters | None = None) -> int:
    """How many claims `search_claims` would return with no limit."""
    where, params = _claim_conditions(query, filters)
    try:
        return corpus.conn.execute(
            f"SELECT count(*) FROM {_claims_from(where)} WHERE {' AND '.join(where)}", params
        ).fetchone()[0]
    except sqlite3.OperationalError as error:
        raise _query_error(query, error) from None


def _claim_search_rows(corpus: Corpus, query: str, where: list[str], params: dict) -> list:
    try:
        rows = corpus.conn.execute(
            f"""
            WITH top AS (
                SELECT claims_fts.rowid AS cid, bm25(claims_fts) AS score
                FROM {_claims_from(where)}
                WHERE {" AND ".join(where)}
                ORDER BY score, cid
                LIMIT :limit OFFSET :offset
            )
            SELECT c.id, c.doc_id, c.paragraph,
                   highlight(claims_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}'), c.sentence,
                   c.attributed_to, d.title, d.published, d.source, d.kind, d.url, top.score
            FROM top
            JOIN claims_fts ON claims_fts.rowid = top.cid
            JOIN claims c ON c.id = top.cid
            JOIN documents d ON d.id = c.doc_id
            WHERE claims_fts MATCH :query
            ORDER BY top.score, c.id
            """,
            params,
        ).fetchall()
    except sqlite3.OperationalError as error:
        raise _query_error(query, error) from None
    return rows


ID_CHUNK = 500  # ids per IN (...) list


def _claim_details(
    corpus: Corpus, claim_ids: list[int]
) -> dict[int, tuple[list[dict], list[str], list[str]]]:
    """The figures, organisation names and scheme names of each claim, in sentence order.

    Three queries per ID_CHUNK claims, not three per claim: a whole download of 24,000
    matches took 1.3 s one claim at a time.
    """
    details = {claim_id: ([], [], []) for claim_id in claim_ids}
    conn = corpus.conn
    for begin in range(0, len(claim_ids), ID_CHUNK):
        chunk = claim_ids[begin : begin + ID_CHUNK]
        marks = ",".join("?" * len(chunk))
        for claim_id, text, value, unit, counts in conn.execute(
            "SELECT claim_id, text, value, unit, counts FROM figures "
            f"WHERE claim_id IN ({marks}) ORDER BY claim_id, start",
            chunk,
        ):
            value = int(value) if value.is_integer() else value
            details[claim_id][0].append(
                {"text": text, "value": value, "unit": unit, "counts": counts}
            )
        for position, table in ((1, "organisations"), (2, "schemes")):
            for claim_id, name in conn.execute(
                f"SELECT claim_id, name FROM {table} "
                f"WHERE claim_id IN ({marks}) ORDER BY claim_id, start",
                chunk,
            ):
                names = details[claim_id][position]
                if name not in names:
                    names.append(name)
    return details


# Reads for the dashboard (dashboard/data.py): plain rows and dicts, every value a parameter.

SPAN_TABLES = ("figures", "organisations", "schemes")
# m006's covering index: a document's date by its id without reading its (wide) row, which
# SQLite's own unique index on id would.
DATES_BY_ID = "idx_documents_id_published_kind"


def _document_conditions(filters: SearchFilters | None) -> tuple[str, dict]:
    """A WHERE clause over documents `d` for a kind and a date range."""
    filters = filters or SearchFilters()
    where, params = ["1 = 1"], {}
    _add_document_conditions(filters, where, params)
    return " AND ".join(where), params


def _in_documents(column: str, filters: SearchFilters | None) -> tuple[str, dict]:
    """A condition that `column` (a doc_id) is a document within the kind and date filters.

    The list of ids is read once from a covering index on documents; a join would read each
    document's wide row (its text is inline) once per figure or name.
    """
    where, params = _document_conditions(filters)
    if not params:
        return "1 = 1", params
    return f"{column} IN (SELECT d.id FROM documents d WHERE {where})", params


def has_rows(corpus: Corpus, table: str) -> bool:
    """Whether a table exists and holds at least one row."""
    if table not in corpus.db.table_names():
        return False
    return corpus.conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None


def published_years(corpus: Corpus) -> tuple[int, int] | None:
    """The first and last year a document was published, or None when none is dated."""
    # min() and max() of the bare column read the two ends of its index; of substr(), every row.
    low, high = corpus.conn.execute(
        "SELECT (SELECT min(published) FROM documents), (SELECT max(published) FROM documents)"
    ).fetchone()
    return (int(low[:4]), int(high[:4])) if low else None


def overview_counts(corpus: Corpus, filters: SearchFilters | None = None, top: int = 15) -> dict:
    """Documents by year and kind, the most named organisations and schemes, and totals."""
    where, params = _document_conditions(filters)
    in_documents, _ = _in_documents("m.doc_id", filters)
    conn = corpus.conn
    by_year_kind = conn.execute(
        f"""SELECT coalesce(substr(d.published, 1, 4), 'undated') AS year, d.kind, count(*)
            FROM documents d WHERE {where} GROUP BY year, d.kind ORDER BY year, d.kind""",
        params,
    ).fetchall()

    def named(table: str) -> list[tuple[str, int, int]]:
        return conn.execute(
            f"""SELECT m.name, count(DISTINCT m.doc_id) AS documents, count(*) AS mentions
                FROM {table} m WHERE {in_documents}
                GROUP BY m.name ORDER BY documents DESC, mentions DESC, m.name LIMIT :top""",
            {**params, "top": top},
        ).fetchall()

    documents, first, last = conn.execute(
        f"SELECT count(*), min(d.published), max(d.published) FROM documents d WHERE {where}",
        params,
    ).fetchone()
    figures, claims = (
        conn.execute(f"SELECT count(*) FROM {table} m WHERE {in_documents}", params).fetchone()[0]
        for table in ("figures", "claims")
    )
    return {
        "documents": documents,
        "first": first,
        "last": last,
        "figures": figures,
        "claims": claims,
        "by_year_kind": by_year_kind,
        "organisations": named("organisations"),
        "schemes": named("schemes"),
    }


def entity_names(corpus: Corpus, table: str) -> list[str]:
    """Canonical names of the organisations or schemes found, most documents first."""
    if table not in ("organisations", "schemes"):
        raise QueryError(f"no names in {table!r}")
    # Read from the index on (name, doc_id) alone.
    rows = corpus.conn.execute(
        f"SELECT name FROM {table} GROUP BY name ORDER BY count(DISTINCT doc_id) DESC, name"
    )
    return [name for (name,) in rows]


def list_documents(
    corpus: Corpus,
    filters: SearchFilters | None = None,
    title: str | None = None,
    limit=1000,
    offset: int = 0,
    words: str | None = None,
) -> tuple[int, list[dict]]:
    """(how many match, the newest `limit` after `offset`) documents, with extraction counts.

    `title` is a substring of the title or source; `words` an FTS5 query over the title and
    the whole text (documents_fts), e.g. `MARS OR "resignation scheme"`. Undated documents
    come last (NULL sorts first, so last in descending order); the order is that of the
    index on (published, kind, id), read backwards, so no sort is needed.
    """
    where, params = _document_conditions(filters)
    if title and title.strip():
        where += " AND (d.title LIKE :title ESCAPE '\\' OR d.source LIKE :title ESCAPE '\\')"
        escaped = title.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["title"] = f"%{escaped}%"
    if words and words.strip():
        where += (
            " AND d.rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH :words)"
        )
        params["words"] = words.strip()
    try:
        total = corpus.conn.execute(
            f"SELECT count(*) FROM documents d WHERE {where}", params
        ).fetchone()[0]
        cursor = corpus.conn.execute(
            f"""SELECT d.id, d.title, d.published, d.kind, d.source, d.url, d.word_count,
                       e.figures, e.claims
                FROM documents d LEFT JOIN extractions e ON e.doc_id = d.id
                WHERE {where}
                ORDER BY d.published DESC, d.kind DESC, d.id DESC LIMIT :limit OFFSET :offset""",
            {**params, "limit": limit, "offset": offset},
        )
    except sqlite3.OperationalError as error:
        raise _query_error(words or "", error) from None
    columns = [column[0] for column in cursor.description]
    return total, [dict(zip(columns, row, strict=True)) for row in cursor]


def get_document(corpus: Corpus, doc_id: str) -> dict | None:
    """One document: metadata and provenance, paragraphs, located names and figures, frames.

    Span offsets (`start`, `end`) are into the document's whole text, whose paragraphs are
    joined by blank lines.
    """
    conn = corpus.conn
    cursor = conn.execute("SELECT * FROM documents WHERE id = ?", [doc_id])
    row = cursor.fetchone()
    if row is None:
        return None
    meta = {
        column[0]: value
        for column, value in zip(cursor.description, row, strict=True)
        if column[0] not in ("raw", "minhash")
    }
    spans = []
    for table in SPAN_TABLES:
        label = "unit" if table == "figures" else "name"
        for start, end, text, name in conn.execute(
            f'SELECT start, "end", text, {label} FROM {table} WHERE doc_id = ? ORDER BY start',
            [doc_id],
        ):
            spans.append({"kind": table, "start": start, "end": end, "text": text, "label": name})
    frames = {}
    if "paragraph_frames" in corpus.db.table_names():
        frames = {
            index: {"label": label, "score": score, "cluster": cluster}
            for index, label, score, cluster in conn.execute(
                """SELECT p."index", f.label, f.score, f.cluster FROM paragraph_frames f
                   JOIN paragraphs p ON p.id = f.paragraph_id WHERE f.doc_id = ?""",
                [doc_id],
            )
        }
    extraction = conn.execute(
        "SELECT extractor_version, extracted_at, figures, claims FROM extractions WHERE doc_id = ?",
        [doc_id],
    ).fetchone()
    return {
        "meta": meta,
        "spans": spans,
        "frames": frames,
        "extraction": dict(zip(("version", "at", "figures", "claims"), extraction, strict=True))
        if extraction
        else None,
    }


def claim_spans(corpus: Corpus, claim_ids: list[int]) -> dict[int, list[dict]]:
    """Figures, organisations and schemes inside each claim, with offsets into its sentence."""
    spans: dict[int, list[dict]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return spans
    marks = ",".join("?" * len(claim_ids))
    for table in SPAN_TABLES:
        label = "m.unit" if table == "figures" else "m.name"
        for claim_id, start, end, text, name in corpus.conn.execute(
            f"""SELECT m.claim_id, m.start - c.start, m."end" - c.start, m.text, {label}
                FROM {table} m JOIN claims c ON c.id = m.claim_id
                WHERE m.claim_id IN ({marks}) ORDER BY m.start""",
            claim_ids,
        ):
            spans[claim_id].append(
                {"kind": table, "start": start, "end": end, "text": text, "label": name}
            )
    return spans


def _figure_conditions(
    filters: SearchFilters | None, unit: str | None, organisation: str | None
) -> tuple[list[str], dict]:
    """WHERE terms on figures `f` alone, for counts and groups over every matching figure."""
    in_documents, params = _in_documents("f.doc_id", filters)
    where = [in_documents]
    if unit:
        if unit not in UNITS:
            raise QueryError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
        where.append("f.unit = :unit")
        params["unit"] = unit
    if organisation:
        # The organisation is named in the same paragraph as the figure. A list, built once;
        # a correlated EXISTS would look it up again for each figure.
        where.append(
            "(f.doc_id, f.paragraph) IN (SELECT o.doc_id, o.paragraph FROM organisations o"
            " WHERE o.name = :organisation COLLATE NOCASE"
            " OR o.text = :organisation COLLATE NOCASE)"
        )
        params["organisation"] = organisation
    return where, params


def count_figures(
    corpus: Corpus,
    filters: SearchFilters | None = None,
    unit: str | None = None,
    organisation: str | None = None,
) -> int:
    """How many figures `figure_rows` would return with no limit."""
    where, params = _figure_conditions(filters, unit, organisation)
    return corpus.conn.execute(
        f"SELECT count(*) FROM figures f WHERE {' AND '.join(where)}", params
    ).fetchone()[0]


def figure_rows(
    corpus: Corpus,
    filters: SearchFilters | None = None,
    unit: str | None = None,
    organisation: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict]:
    """Extracted figures matching the filters, oldest document first, undated ones last.

    The dated figures are read in the order of the index on documents' publication date, so
    a page costs its offset, not a sort of every figure; the undated follow.
    """
    dated = _figure_page(corpus, filters, unit, organisation, True, limit, offset)
    if limit is not None and len(dated) == limit:
        return dated
    if dated:
        dated_total = offset + len(dated)
    else:
        where, params = _figure_conditions(filters, unit, organisation)
        dated_total = corpus.conn.execute(
            f"""SELECT count(*) FROM figures f
                WHERE f.doc_id IN (SELECT id FROM documents WHERE published IS NOT NULL)
                AND {" AND ".join(where)}""",
            params,
        ).fetchone()[0]
    rest = None if limit is None else limit - len(dated)
    undated = _figure_page(
        corpus, filters, unit, organisation, False, rest, max(0, offset - dated_total)
    )
    return dated + undated


def _figure_page(corpus, filters, unit, organisation, dated: bool, limit, offset) -> list[dict]:
    where, params = _document_conditions(filters)
    where += " AND d.published IS NOT NULL" if dated else " AND d.published IS NULL"
    if unit:
        if unit not in UNITS:
            raise QueryError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
        # `+` keeps SQLite on the documents' date order, not the index on unit.
        where += " AND +f.unit = :unit"
        params["unit"] = unit
    if organisation:
        where += (
            " AND EXISTS (SELECT 1 FROM organisations o WHERE o.doc_id = f.doc_id"
            " AND o.paragraph = f.paragraph"
            " AND (o.name = :organisation COLLATE NOCASE OR o.text = :organisation COLLATE NOCASE))"
        )
        params["organisation"] = organisation
    cursor = corpus.conn.execute(
        f"""SELECT f.id, f.text, f.value, f.unit, f.kind, f.counts, f.doc_id, f.paragraph,
                   d.published, d.title, d.kind AS doc_kind, d.source, d.url,
                   c.sentence
            FROM documents d JOIN figures f ON f.doc_id = d.id
            LEFT JOIN claims c ON c.id = f.claim_id
            WHERE {where}
            ORDER BY d.published, d.kind, d.id, f.start
            LIMIT :limit OFFSET :offset""",
        {**params, "limit": -1 if limit is None else limit, "offset": offset},
    )
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def figures_by_year(
    corpus: Corpus,
    filters: SearchFilters | None = None,
    unit: str | None = None,
    organisation: str | None = None,
) -> list[tuple[str, str, int]]:
    """(year, unit, figures) of the dated figures matching the filters."""
    where, params = _figure_conditions(filters, unit, organisation)
    # Figures first, each document looked up in the index on (id, published, kind): the
    # range on published steers SQLite to it rather than to the wide rows.
    return corpus.conn.execute(
        f"""SELECT substr(d.published, 1, 4) AS year, f.unit, count(*)
            FROM figures f CROSS JOIN documents d ON d.id = f.doc_id
            WHERE d.published IS NOT NULL AND {" AND ".join(where)}
            GROUP BY year, f.unit ORDER BY year, f.unit""",
        params,
    ).fetchall()


def _spread(column: str) -> str:
    """An order of rows by a multiplicative hash of their integer id: the first N of it are
    spread evenly over the whole table, and the same N on every call."""
    return f"({column} * 2654435761) % 4294967296"


def figure_sample(
    corpus: Corpus,
    filters: SearchFilters | None = None,
    unit: str | None = None,
    organisation: str | None = None,
    size: int = 5000,
) -> tuple[int, list[dict]]:
    """(how many dated figures match, at most `size` of them: the same ones on every call).

    For a chart: a scatter of 100,000 points is too many for a browser to draw. The choice
    is by a hash of the figure's id, so it is spread evenly over the whole corpus.
    """
    where, params = _figure_conditions(filters, unit, organisation)
    where.append("f.doc_id IN (SELECT id FROM documents WHERE published IS NOT NULL)")
    conditions = " AND ".join(where)
    dated = corpus.conn.execute(
        f"SELECT count(*) FROM figures f WHERE {conditions}", params
    ).fetchone()[0]
    cursor = corpus.conn.execute(
        f"""WITH chosen AS (
                SELECT f.id FROM figures f WHERE {conditions}
                ORDER BY {_spread("f.id")} LIMIT :size
            )
            SELECT f.id, f.text, f.value, f.unit, d.published, d.title, d.kind AS doc_kind,
                   d.source
            FROM chosen JOIN figures f ON f.id = chosen.id JOIN documents d ON d.id = f.doc_id
            ORDER BY d.published, f.id""",
        {**params, "size": size},
    )
    columns = [column[0] for column in cursor.description]
    return dated, [dict(zip(columns, row, strict=True)) for row in cursor]


def repeated_figures(
    corpus: Corpus,
    filters: SearchFilters | None = None,
    unit: str | None = None,
    organisation: str | None = None,
    min_documents: int = 2,
    limit: int | None = 20,
    appearances: int | None = 100,
) -> tuple[int, list[dict]]:
    """(how many, the `limit` most repeated) figures found in at least `min_documents` documents.

    A figure is a value and unit. Each group has `documents` (how many repeat it), its
    `texts` as written, and its `appearances`: the first `appearances` documents in order of
    publication, one per document, the first of them being its first appearance (`first`).
    """
    where, params = _figure_conditions(filters, unit, organisation)
    conn = corpus.conn
    groups = conn.execute(
        f"""SELECT f.value, f.unit, count(DISTINCT f.doc_id) AS documents FROM figures f
            WHERE {" AND ".join(where)} GROUP BY f.unit, f.value
            HAVING documents >= :min_documents
            ORDER BY documents DESC, f.unit, f.value""",
        {**params, "min_documents": min_documents},
    ).fetchall()
    top = groups if limit is None else groups[:limit]
    if not top:
        return len(groups), []
    # The texts and first documents of every group shown, in two statements: per group, the
    # organisation filter's list would be built again each time.
    pairs = {}
    for number, (value, unit_, _) in enumerate(top):
        pairs[f"unit{number}"], pairs[f"value{number}"] = unit_, value
    values = ", ".join(f"(:unit{number}, :value{number})" for number in range(len(top)))
    in_top = " AND ".join([*where, f"(f.unit, f.value) IN (VALUES {values})"])
    params = {**params, **pairs}
    texts: dict[tuple, list[str]] = {}
    for unit_, value, text in conn.execute(
        f"""SELECT f.unit, f.value, f.text FROM figures f WHERE {in_top}
            GROUP BY f.unit, f.value, f.text ORDER BY min(f.id)""",
        params,
    ):
        texts.setdefault((value, unit_), []).append(text)
    listed = _first_appearances(corpus, filters, organisation, top, pairs, values, appearances)
    return len(groups), [
        {
            "value": value,
            "unit": unit_,
            "texts": texts[value, unit_],
            "documents": documents,
            "first": listed[value, unit_][0],
            "appearances": listed[value, unit_],
        }
        for value, unit_, documents in top
    ]


def _first_appearances(
    corpus, filters, organisation, top, pairs, values, limit
) -> dict[tuple, list[dict]]:
    """The first `limit` documents (one row each, its first figure) of each group, by date.

    Documents are read in the order of the index on their date, and the reading stops once
    every group has its `limit`: the most repeated figures fill up within the first few
    thousand documents, where sorting each group's documents by date read them all.
    """
    where, params = _document_conditions(filters)
    params.update(pairs)
    if organisation:
        where += (
            " AND (f.doc_id, f.paragraph) IN (SELECT o.doc_id, o.paragraph FROM organisations o"
            " WHERE o.name = :organisation COLLATE NOCASE"
            " OR o.text = :organisation COLLATE NOCASE)"
        )
        params["organisation"] = organisation
    limit = top[0][2] if limit is None else limit
    listed: dict[tuple, list[dict]] = {(value, unit): [] for value, unit, _ in top}
    open_groups = set(listed)
    columns = ("doc_id", "published", "title", "source", "url", "text")
    for dated in ("d.published IS NOT NULL", "d.published IS NULL"):
        # `+` keeps SQLite on the date order rather than the index on (unit, value).
        cursor = corpus.conn.execute(
            f"""SELECT f.value, f.unit, d.id, d.published, d.title, d.source, d.url, f.text
                FROM documents d JOIN figures f ON f.doc_id = d.id
                WHERE {where} AND {dated} AND (+f.unit, +f.value) IN (VALUES {values})
                ORDER BY d.published, d.kind, d.id, f.id""",
            params,
        )
        for value, unit, *row in cursor:
            found = listed[value, unit]
            if (value, unit) in open_groups and (not found or found[-1]["doc_id"] != row[0]):
                found.append(dict(zip(columns, row, strict=True)))
                if len(found) >= limit:
                    open_groups.discard((value, unit))
                    if not open_groups:
                        break
        cursor.close()
        if not open_groups:
            break
    return listed


def frame_paragraphs(
    corpus: Corpus, filters: SearchFilters | None = None, limit: int = 5000
) -> tuple[int, list[dict]]:
    """(how many framed paragraphs match, at most `limit` of them with their text, label,
    score, cluster and place on the map (x, y; None before `nhscuts frames` stored it): the
    same ones on every call).

    The choice is by `_spread`, so that a map of a large corpus covers all of it rather than
    showing its oldest paragraphs.
    """
    within, params = _in_documents("f.doc_id", filters)
    frames = f"paragraph_frames f WHERE {within}"
    total = corpus.conn.execute(f"SELECT count(*) FROM {frames}", params).fetchone()[0]
    cursor = corpus.conn.execute(
        f"""WITH chosen AS (
                SELECT f.paragraph_id FROM {frames}
                ORDER BY {_spread("f.paragraph_id")} LIMIT :limit
            )
            SELECT f.paragraph_id, f.doc_id, f.label, f.score, f.cluster, f.x, f.y, p.text,
                   d.published, d.kind, d.source, d.title
            FROM chosen
            JOIN paragraph_frames f ON f.paragraph_id = chosen.paragraph_id
            JOIN paragraphs p ON p.id = f.paragraph_id
            JOIN documents d ON d.id = f.doc_id
            ORDER BY f.paragraph_id""",
        {**params, "limit": limit},
    )
    columns = [column[0] for column in cursor.description]
    return total, [dict(zip(columns, row, strict=True)) for row in cursor]


def frame_clusters(corpus: Corpus) -> list[dict]:
    """The clusters of the last `nhscuts frames` run, largest first."""
    cursor = corpus.conn.execute("SELECT * FROM frame_clusters ORDER BY size DESC, id")
    columns = [column[0] for column in cursor.description]
    clusters = [dict(zip(columns, row, strict=True)) for row in cursor]
    for cluster in clusters:
        cluster["terms"] = json.loads(cluster["terms"])
        ids = json.loads(cluster["representatives"])[:3]
        marks = ",".join("?" * len(ids))
        texts = dict(
            corpus.conn.execute(f"SELECT id, text FROM paragraphs WHERE id IN ({marks})", ids)
        )
        cluster["representatives"] = [texts[pid] for pid in ids if pid in texts]
    return clusters


def frame_balance(corpus: Corpus, filters: SearchFilters | None = None, by: str = "kind"):
    """(year, group, partnership, opposition, neutral, mean score) of framed paragraphs.

    `by` is "kind" (of document) or "organisation" (named in the document).
    """
    where, params = _document_conditions(filters)
    if by == "kind":
        group, join = "d.kind", ""
    elif by == "organisation":
        group = "o.name"
        join = "JOIN (SELECT DISTINCT doc_id, name FROM organisations) o ON o.doc_id = d.id"
    else:
        raise QueryError(f"balance is by kind or organisation, not {by!r}")
    return corpus.conn.execute(
        f"""SELECT substr(d.published, 1, 4) AS year, {group} AS grp,
                   sum(f.label = 'partnership'), sum(f.label = 'opposition'),
                   sum(f.label = 'neutral'), avg(f.score)
            FROM paragraph_frames f JOIN documents d ON d.id = f.doc_id {join}
            WHERE {where} AND d.published IS NOT NULL
            GROUP BY year, grp ORDER BY year, grp""",
        params,
    ).fetchall()


FRAMING_GROUPS = ("kind", "source", "organisation")


@dataclass
class FramingYear:
    """Framed paragraphs of one year (and group): how many, with which label, mean score."""

    year: str  # YYYY, or "undated"
    group: str | None  # the kind, source or organisation; None when not grouped
    documents: int
    paragraphs: int
    partnership: int
    opposition: int
    neutral: int
    mean_score: float  # partnership +1 … opposition −1


def framing_over_time(corpus: Corpus, by: str | None = None) -> list[FramingYear]:
    """Mean framing and label counts of the framed paragraphs, per year and optional group.

    `by` is None, "kind", "source" or "organisation"; by organisation, a paragraph counts
    for each organisation named in it (found by `nhscuts extract`).
    """
    if by is not None and by not in FRAMING_GROUPS:
        raise QueryError(f"framing is grouped by {', '.join(FRAMING_GROUPS)}, not {by!r}")
    if not has_rows(corpus, "paragraph_frames"):
        raise QueryError(
            "no paragraph has a framing yet; run `nhscuts embed` and then `nhscuts frames`"
        )
    group, join = {
        None: ("NULL", ""),
        "kind": ("d.kind", ""),
        "source": ("d.source", ""),
        "organisation": (
            "o.name",
            "JOIN paragraphs p ON p.id = f.paragraph_id "
            "JOIN (SELECT DISTINCT doc_id, paragraph, name FROM organisations) o "
            'ON o.doc_id = f.doc_id AND o.paragraph = p."index"',
        ),
    }[by]
    if by == "organisation" and not has_rows(corpus, "organisations"):
        raise QueryError("no organisations found yet; run `nhscuts extract` first")
    rows = corpus.conn.execute(
        f"""SELECT coalesce(substr(d.published, 1, 4), 'undated') AS year, {group} AS grp,
                   count(DISTINCT f.doc_id), count(*), sum(f.label = 'partnership'),
                   sum(f.label = 'opposition'), sum(f.label = 'neutral'), avg(f.score)
            FROM paragraph_frames f JOIN documents d ON d.id = f.doc_id {join}
            GROUP BY year, grp ORDER BY year = 'undated', year, grp"""
    ).fetchall()
    return [FramingYear(*row) for row in rows]
