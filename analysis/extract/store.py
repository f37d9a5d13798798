"""Extract every corpus document not yet done and store what was found, a batch at a time."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.language import Language

from analysis.extract.document import TextToExtract, extract_texts
from analysis.extract.pipeline import ExtractOptions
from corpus import Corpus
from corpus.document import now_utc

EXTRACTOR_VERSION = "nhscuts-extract/1"


@dataclass
class ExtractReport:
    documents: int = 0
    figures: int = 0
    claims: int = 0


def pending_count(corpus: Corpus, redo: bool = False) -> int:
    sql = "SELECT count(*) FROM documents"
    if not redo:
        sql += " WHERE id NOT IN (SELECT doc_id FROM extractions)"
    return corpus.conn.execute(sql).fetchone()[0]


def _pending(corpus: Corpus, redo: bool, chunk: int = 100) -> Iterator[TextToExtract]:
    sql = "SELECT id FROM documents"
    if not redo:
        sql += " WHERE id NOT IN (SELECT doc_id FROM extractions)"
    ids = [row[0] for row in corpus.conn.execute(sql + " ORDER BY rowid")]
    # Texts are read a chunk at a time, so no read cursor stays open across the writes.
    for begin in range(0, len(ids), chunk):
        wanted = ids[begin : begin + chunk]
        rows = corpus.conn.execute(
            f"SELECT id, text, title FROM documents WHERE id IN ({','.join('?' * len(wanted))})",
            wanted,
        ).fetchall()
        by_id = {row[0]: row for row in rows}
        for doc_id in wanted:
            if doc_id in by_id:
                yield TextToExtract(doc_id, by_id[doc_id][1], by_id[doc_id][2])


def extract_corpus(
    corpus: Corpus,
    nlp: Language,
    options: ExtractOptions,
    redo: bool = False,
    on_document: Callable[[str], None] | None = None,
    commit_every: int = 50,
) -> ExtractReport:
    """Store figures, organisations, schemes and claims of each pending document.

    Results are committed every `commit_every` documents; an interrupted run keeps what it
    committed and the next run carries on from there.
    """
    report = ExtractReport()
    batch: list[tuple[str, dict]] = []
    results = extract_texts(nlp, _pending(corpus, redo), options.batch_size, options.n_process)
    for doc_id, result in results:
        batch.append((doc_id, result))
        if len(batch) >= commit_every:
            _write(corpus, batch, report)
            batch = []
        if on_document:
            on_document(doc_id)
    _write(corpus, batch, report)
    return report


def _write(corpus: Corpus, batch: list[tuple[str, dict]], report: ExtractReport) -> None:
    if not batch:
        return
    with corpus.transaction():
        for doc_id, result in batch:
            store_result(corpus, doc_id, result)
            report.documents += 1
            report.figures += len(result["figures"])
            report.claims += len(result["claims"])


def store_result(corpus: Corpus, doc_id: str, result: dict) -> None:
    """Replace what is stored for `doc_id` with `result` (call inside a transaction)."""
    conn = corpus.conn
    for table in ("figures", "organisations", "schemes", "claims", "extractions"):
        conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
    claim_ids: list[tuple[int, int, int]] = []  # (start, end, id)
    for claim in result["claims"]:
        cursor = conn.execute(
            'INSERT INTO claims (doc_id, paragraph, start, "end", sentence, attributed_to) '
            "VALUES (?, ?, ?, ?, ?, ?)",
            [doc_id, claim["paragraph"], claim["start"], claim["end"], claim["sentence"],
             claim["attributed_to"]],
        )  # fmt: skip
        claim_ids.append((claim["start"], claim["end"], cursor.lastrowid))

    def claim_of(start: int) -> int | None:
        return next((cid for s, e, cid in claim_ids if s <= start < e), None)

    located = 'doc_id, claim_id, paragraph, start, "end", text'
    conn.executemany(
        f"INSERT INTO figures ({located}, value, unit, kind, counts) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(doc_id, claim_of(f["start"]), f["paragraph"], f["start"], f["end"], f["text"],
          f["value"], f["unit"], f["kind"], f["counts"]) for f in result["figures"]],
    )  # fmt: skip
    conn.executemany(
        f"INSERT INTO organisations ({located}, org_id, name, type) VALUES (?,?,?,?,?,?,?,?,?)",
        [(doc_id, claim_of(m["start"]), m["paragraph"], m["start"], m["end"], m["text"],
          m["id"], m["name"], m["type"]) for m in result["organisations_mentions"]],
    )  # fmt: skip
    conn.executemany(
        f"INSERT INTO schemes ({located}, scheme_id, name) VALUES (?,?,?,?,?,?,?,?)",
        [(doc_id, claim_of(m["start"]), m["paragraph"], m["start"], m["end"], m["text"],
          m["id"], m["name"]) for m in result["schemes_mentions"]],
    )  # fmt: skip
    conn.execute(
        "INSERT INTO extractions VALUES (?, ?, ?, ?, ?)",
        [doc_id, EXTRACTOR_VERSION, now_utc(), len(result["figures"]), len(result["claims"])],
    )
