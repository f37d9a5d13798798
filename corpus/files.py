"""Import local files and folders into a corpus: each file read, converted and stored once."""

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus.db import Corpus
from corpus.document import Document
from corpus.formats import (
    CONTENT_TYPES,
    EXTRACTOR_VERSION,
    UnreadableDocument,
    content_type_for,
    extract,
)
from corpus.migrations import DOCUMENT_KINDS
from corpus.queries import warm_search_cache

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class ImportOptions:
    """How `nhscuts add` labels what it imports.

    kind and source default to what a Markdown file's front matter says, then to
    "other" and "local".
    """

    kind: str | None = None
    source: str | None = None
    batch_size: int = 200

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in DOCUMENT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(DOCUMENT_KINDS)}")
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")


@dataclass
class FileOutcome:
    path: Path
    status: str  # added | duplicate | failed | ignored
    message: str = ""
    doc_id: str | None = None
    title: str | None = None


@dataclass
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0


def find_files(paths: Iterable[str | Path]) -> Iterator[FileOutcome | Path]:
    """Files to import, folders walked recursively in name order.

    Yields a `FileOutcome` for a path that cannot be used (missing, or of an unsupported type
    when named directly; in a folder such files are "ignored"), else the `Path`.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.is_dir():
                    continue
                if content_type_for(child) is None or child.name.lower() == "readme.md":
                    yield FileOutcome(child, "ignored", "not a document type nhscuts reads")
                else:
                    yield child
        elif path.exists() or path.is_symlink():
            if content_type_for(path) is None:
                supported = ", ".join(sorted(CONTENT_TYPES))
                yield FileOutcome(
                    path,
                    "failed",
                    f"unsupported file type {path.suffix or '(none)'}; nhscuts reads {supported}",
                )
            else:
                yield path
        else:
            yield FileOutcome(path, "failed", "no such file or folder; check the path")


def read_file(path: Path, options: ImportOptions) -> Document:
    """One file as a Document, or UnreadableDocument saying why not."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnreadableDocument(f"larger than {MAX_FILE_BYTES // 2**20} MB; split it first")
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"cannot be read ({error.strerror or error})") from None
    extracted = extract(data, content_type_for(path) or "text/plain")
    kind = options.kind or extracted.kind or "other"
    if kind not in DOCUMENT_KINDS:
        raise UnreadableDocument(
            f"front matter kind {kind!r} is not one of {', '.join(DOCUMENT_KINDS)}"
        )
    file_url = path.resolve().as_uri()
    return Document(
        text=extracted.text,
        title=extracted.title,
        author=extracted.author,
        published=extracted.published,
        url=extracted.url or file_url,
        source=options.source or extracted.source or "local",
        kind=kind,
        content_type=extracted.content_type,
        raw=data,
        extractor_version=EXTRACTOR_VERSION,
    )


def import_files(
    corpus: Corpus,
    paths: Iterable[str | Path],
    options: ImportOptions | None = None,
    on_outcome: Callable[[FileOutcome], None] | None = None,
) -> ImportReport:
    """Read every file under `paths` and store what is new; one bad file never stops the batch."""
    options = options or ImportOptions()
    report = ImportReport()

    def record(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)

    def readable_documents() -> Iterator[tuple[Path, Document]]:
        for found in find_files(paths):
            if isinstance(found, FileOutcome):
                record(found)
                continue
            try:
                yield found, read_file(found, options)
            except UnreadableDocument as problem:
                record(FileOutcome(found, "failed", str(problem)))

    # corpus.add yields in input order, so the paths queue up beside their documents.
    paths_in_flight: deque[Path] = deque()

    def documents() -> Iterator[Document]:
        for path, document in readable_documents():
            paths_in_flight.append(path)
            yield document

    for stored in corpus.add(documents(), batch_size=options.batch_size):
        path = paths_in_flight.popleft()
        doc = stored.document
        if stored.added:
            record(FileOutcome(path, "added", doc_id=doc.id, title=doc.title))
        else:
            record(FileOutcome(path, "duplicate", "same text is already stored", doc.id, doc.title))
    if report.count("added"):
        warm_search_cache(corpus)
    return report
