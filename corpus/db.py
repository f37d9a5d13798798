"""The Corpus: one SQLite file via sqlite-utils, migrated on open, written in batches."""

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlite_utils import Database

from corpus.document import Document
from corpus.migrations import MIGRATION_SET, STEP_NAMES, migrations

BUSY_TIMEOUT_S = 10


class CorpusError(Exception):
    """A problem with the corpus file. The message names the file and what to do."""


@dataclass
class Stored:
    """What happened to one document handed to `Corpus.add`."""

    document: Document
    added: bool  # False: the same text was already stored


class Corpus:
    """A corpus file. Open with `Corpus.open(path)`; use as a context manager to close it.

    >>> with Corpus.open("data/corpus.db") as corpus:  # doctest: +SKIP
    ...     corpus.add([Document(text="...", source="local", ...)])
    """

    def __init__(self, path: Path, db: Database, busy_timeout: float = BUSY_TIMEOUT_S):
        self.path = path
        self.db = db
        self.busy_timeout = busy_timeout

    @classmethod
    def open(
        cls, path: str | Path, *, create: bool = True, busy_timeout: float = BUSY_TIMEOUT_S
    ) -> "Corpus":
        path = Path(path)
        if path.is_dir():
            raise CorpusError(
                f"{path} is a folder; pass --db with a file path such as {path}/corpus.db"
            )
        if path.exists():
            _refuse_foreign_or_newer(path, busy_timeout)
        elif not create:
            raise CorpusError(
                f"no corpus at {path}; build one with `nhscuts add FILES --db {path}` "
                "(or `make demo` for the sample corpus)"
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, timeout=busy_timeout, check_same_thread=False)
            db = Database(conn)
            # WAL lets a crawl write while the dashboard reads; NORMAL is durable enough in WAL.
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            migrations.apply(db)
        except sqlite3.OperationalError as error:
            raise _friendly(path, error) from None
        except sqlite3.DatabaseError as error:
            raise CorpusError(f"{path} cannot be opened as a corpus ({error})") from None
        return cls(path, db, busy_timeout)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator["Corpus"]:
        """A write transaction, committed at the end of the block (a savepoint when nested).

        It takes SQLite's write lock as it begins (BEGIN IMMEDIATE), so a writer in another
        process is waited for, up to the busy timeout. A deferred BEGIN (sqlite-utils'
        `atomic`) takes it at the first write instead, and in WAL mode SQLite refuses that at
        once ("database is locked") when another process has committed since the
        transaction began, as two crawls writing one corpus did.
        """
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:  # locked past the busy timeout, read-only
            raise _friendly(self.path, error) from None
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:  # an error may have rolled it back already
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def add(self, documents: Iterable[Document], *, batch_size: int = 200) -> Iterator[Stored]:
        """Store documents in transactions of `batch_size`; the same text twice is a no-op.

        Yields one `Stored` per document once its batch is committed, so a crash mid-batch
        loses only that batch and leaves the file consistent.
        """
        documents = iter(documents)
        while batch := list(islice(documents, batch_size)):
            try:
                with self.transaction():
                    results = [Stored(doc, self._insert(doc)) for doc in batch]
            except sqlite3.OperationalError as error:
                raise _friendly(self.path, error) from None
            yield from results

    def _insert(self, doc: Document) -> bool:
        row = doc.row()
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO documents ({}) VALUES ({})".format(
                ", ".join(row), ", ".join("?" * len(row))
            ),
            list(row.values()),
        )
        if cursor.rowcount == 0:
            return False
        self.conn.executemany(
            'INSERT INTO paragraphs (doc_id, "index", text) VALUES (?, ?, ?)',
            [(doc.id, index, text) for index, text in enumerate(doc.paragraphs, start=1)],
        )
        return True

    def replace_documents(self, replacements: list[tuple[str, str]]) -> None:
        """Remove each old document in favour of its new version (stored already): what
        pointed at the old one points at the new; its analysis rows go with it."""
        for new_id, old_id in replacements:
            self.conn.execute(
                "UPDATE documents SET duplicate_of = ? WHERE duplicate_of = ?", [new_id, old_id]
            )
            self.conn.execute(
                "UPDATE crawl_pages SET doc_id = ? WHERE doc_id = ?", [new_id, old_id]
            )
            self.conn.execute("DELETE FROM documents WHERE id = ?", [old_id])

    def make_originals(self, pairs: list[tuple[str, str]]) -> None:
        """For each (new id, old id): the new document came first, so the old one and its
        near-duplicates become near-duplicates of the new one, in crawl_pages too."""
        for new_id, old_id in pairs:
            self.conn.execute(
                "UPDATE documents SET duplicate_of = ? WHERE id = ? OR duplicate_of = ?",
                [new_id, old_id, old_id],
            )
            self.conn.execute(
                "UPDATE crawl_pages SET outcome = 'near_duplicate', reason = ? "
                "WHERE outcome IN ('stored', 'near_duplicate') "
                "AND doc_id IN (SELECT id FROM documents WHERE duplicate_of = ?)",
                [f"near-duplicate of {new_id}", new_id],
            )

    def has_document(self, doc_id: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone()
            is not None
        )


def _refuse_foreign_or_newer(path: Path, busy_timeout: float) -> None:
    """Check an existing file without writing to it: SQLite, and no schema step we don't know.

    The check goes through SQLite, never a plain open(): closing any other descriptor of the
    file would drop the locks this process's open connections hold on it (POSIX locks).
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
            rows = conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
            ).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return
            raise
        finally:
            conn.close()
    except sqlite3.OperationalError as error:
        raise _friendly(path, error) from None
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise CorpusError(
                f"{path} is not an SQLite database; pass --db with a corpus file or a new path"
            ) from None
        raise CorpusError(f"{path} cannot be opened as a corpus ({error})") from None
    unknown = sorted({name for (name,) in rows} - set(STEP_NAMES))
    if unknown:
        raise CorpusError(
            f"{path} was written by a newer nhscuts (schema step {unknown[-1]}); "
            "upgrade nhscuts to use it. The file was left untouched"
        )


def _friendly(path: Path, error: sqlite3.OperationalError) -> CorpusError:
    message = str(error)
    if "locked" in message or "busy" in message:
        return CorpusError(
            f"{path} is locked by another process (an import or crawl?); "
            "wait for it to finish and run again"
        )
    if "readonly" in message or "unable to open" in message:
        return CorpusError(f"{path} cannot be written ({message}); check the folder's permissions")
    return CorpusError(f"{path}: {message}")
