"""The corpus file: schema, idempotent writes, transactions, WAL, and files it must refuse."""

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from corpus import Corpus, CorpusError, Document
from corpus.migrations import STEP_NAMES


def make_doc(text: str, **fields) -> Document:
    defaults = {"source": "test", "content_type": "text/plain", "extractor_version": "test"}
    return Document(text=text, **{**defaults, **fields})


def test_open_creates_folder_schema_and_wal(tmp_path):
    path = tmp_path / "missing" / "folder" / "c.db"
    with Corpus.open(path) as corpus:
        assert {"documents", "paragraphs", "documents_fts", "paragraphs_fts"} <= set(
            corpus.db.table_names()
        )
        assert corpus.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        applied = [r[0] for r in corpus.conn.execute("SELECT name FROM _sqlite_migrations")]
        assert applied == STEP_NAMES


def test_table_columns_survive_normalisation(corpus):
    text = "Workforce (WTE)\n\nStaff group      Plan\tActual\nNursing        2,412     2,376"
    [stored] = list(corpus.add([make_doc(text)]))
    assert stored.document.paragraphs[1] == "Staff group  Plan  Actual\nNursing  2,412  2,376"


def test_reopening_applies_nothing_twice(db_path):
    Corpus.open(db_path).close()
    with Corpus.open(db_path) as corpus:
        count = corpus.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert count == len(STEP_NAMES)


def test_same_text_is_stored_once_with_paragraphs(corpus):
    text = "Title line\n\nFirst paragraph about 9,000 staff.\n\n\n\nSecond  paragraph."
    first = list(corpus.add([make_doc(text), make_doc(text + "\n")]))
    again = list(corpus.add([make_doc(text, source="elsewhere")]))
    assert [s.added for s in first] == [True, False]
    assert [s.added for s in again] == [False]
    rows = corpus.conn.execute('SELECT "index", text FROM paragraphs ORDER BY "index"').fetchall()
    assert rows == [
        (1, "Title line"),
        (2, "First paragraph about 9,000 staff."),
        (3, "Second paragraph."),
    ]
    assert corpus.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_raw_bytes_are_kept_compressed_and_hashed(corpus):
    import hashlib
    import zlib

    raw = b"<html><body><p>Original bytes</p></body></html>"
    list(corpus.add([make_doc("Original bytes", raw=raw, content_type="text/html")]))
    stored, sha = corpus.conn.execute("SELECT raw, sha256 FROM documents").fetchone()
    assert zlib.decompress(stored) == raw
    assert sha == hashlib.sha256(raw).hexdigest()


def test_crash_mid_batch_keeps_committed_batches_only(db_path):
    def documents():
        for number in range(5):
            yield make_doc(f"Document number {number} about job cuts.")
        raise RuntimeError("crawler died")

    with Corpus.open(db_path) as corpus, pytest.raises(RuntimeError):
        for _ in corpus.add(documents(), batch_size=2):
            pass
    with Corpus.open(db_path) as corpus:
        docs = corpus.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        paragraphs = corpus.conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
        indexed = corpus.conn.execute(
            "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'cuts'"
        ).fetchone()[0]
        assert corpus.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Two full batches of two were committed; the fifth document's batch was rolled back.
    assert (docs, paragraphs, indexed) == (4, 4, 4)


def test_not_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n")
    before = path.read_bytes()
    with pytest.raises(CorpusError, match="not an SQLite database"):
        Corpus.open(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_newer_schema_is_refused_and_untouched(db_path):
    Corpus.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('nhscuts', 'm999_from_the_future', 'later')"
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(CorpusError, match="newer nhscuts"):
        Corpus.open(db_path)
    assert db_path.read_bytes() == before


def test_missing_corpus_is_not_created_for_reading(tmp_path):
    path = tmp_path / "absent.db"
    with pytest.raises(CorpusError, match="nhscuts add"):
        Corpus.open(path, create=False)
    assert not path.exists()


HOLD_WRITE_LOCK = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO paragraphs (doc_id, \\"index\\", text) VALUES ('x', 99, 'held')")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
    """
)


def test_reader_works_while_another_process_writes(db_path):
    with Corpus.open(db_path) as corpus:
        list(corpus.add([make_doc("Stored before the crawl started.")]))
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "locked"
        with Corpus.open(db_path, busy_timeout=0.2) as reader:
            titles = reader.conn.execute("SELECT text FROM documents").fetchall()
            assert titles == [("Stored before the crawl started.",)]
            # A second writer cannot get in: a clear error, and nothing stored is lost.
            with pytest.raises(CorpusError, match="locked by another process"):
                list(reader.add([make_doc("A competing write.")]))
    finally:
        writer.communicate("\n", timeout=10)
    with Corpus.open(db_path) as corpus:
        assert corpus.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_a_write_on_a_corpus_locked_past_the_busy_timeout_says_so_in_one_line(db_path):
    # The stages' stores (extract, embed, frames) write through Corpus.transaction; a lock
    # held elsewhere gave them sqlite3's bare "database is locked" and a traceback.
    Corpus.open(db_path).close()
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            Corpus.open(db_path, busy_timeout=0.2) as corpus,
            pytest.raises(CorpusError, match="locked by another process.*wait for it to finish"),
            corpus.transaction(),
        ):
            pass
    finally:
        holder.rollback()
        holder.close()


def test_kind_is_checked(corpus):
    with pytest.raises(ValueError, match="kind must be one of"):
        make_doc("text", kind="blog")


def test_opening_again_keeps_the_locks_of_open_connections(db_path):
    # Closing any descriptor of the file drops this process's POSIX locks on it; opening
    # must not, or a writer in the same process could lose its transaction to another.
    Corpus.open(db_path).close()
    writer = sqlite3.connect(db_path)
    writer.execute("BEGIN IMMEDIATE")
    with (
        Corpus.open(db_path, busy_timeout=0.2) as second,
        pytest.raises(sqlite3.OperationalError, match="locked"),
    ):
        second.conn.execute("BEGIN IMMEDIATE")
    writer.rollback()


def test_a_writer_that_read_first_is_not_refused_when_another_commits_meanwhile(db_path):
    # Two crawls writing one corpus: a transaction that reads before it writes, while the
    # other process commits. A deferred BEGIN is refused at its first write ("database is
    # locked", at once, whatever the busy timeout); Corpus.transaction waits its turn instead.
    Corpus.open(db_path).close()
    first, second = Corpus.open(db_path), Corpus.open(db_path)
    has_read = threading.Event()
    outcome: list = []

    def other_writer() -> None:
        has_read.wait(timeout=10)
        try:
            outcome.extend(stored.added for stored in second.add([make_doc("from the other")]))
        except CorpusError as error:
            outcome.append(error)

    other = threading.Thread(target=other_writer)
    other.start()
    with first.transaction():
        assert not first.has_document(make_doc("from the first").id)
        has_read.set()
        time.sleep(0.5)  # the other writer tries now
        assert list(first.add([make_doc("from the first")]))[0].added
    other.join(timeout=20)

    assert outcome == [True]
    texts = {text for (text,) in first.conn.execute("SELECT text FROM documents")}
    assert texts == {"from the first", "from the other"}
    first.close(), second.close()
