"""The corpus: one SQLite file of documents and paragraphs with full-text search.

This package imports nothing else of nhscuts; every other stage reads and writes through it.
"""

from corpus.db import Corpus, CorpusError, Stored
from corpus.document import Document

__all__ = ["Corpus", "CorpusError", "Document", "Stored"]
