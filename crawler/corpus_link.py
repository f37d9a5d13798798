"""One corpus connection per crawl process, shared by the pipelines and the middleware.

SQLite locks its file with POSIX locks, which belong to the process: when a process opens
the file a second time and closes it (Corpus.open reads the header with a plain open()),
the locks of the connection it already holds are dropped. Another process (the dashboard
reading while the crawl writes) could then take itself for the last connection and
checkpoint the WAL under the crawler, losing commits. So a crawl opens the corpus once.
"""

from pathlib import Path

from corpus import Corpus

_borrowed: dict[Path, list] = {}  # resolved path → [Corpus, number of borrowers]


def borrow_corpus(path: str | Path) -> Corpus:
    """The process's connection to the corpus at `path`, opened on first use."""
    key = Path(path).resolve()
    if key not in _borrowed:
        _borrowed[key] = [Corpus.open(key), 0]
    _borrowed[key][1] += 1
    return _borrowed[key][0]


def return_corpus(path: str | Path) -> None:
    """Give back a borrowed connection; the last borrower's return closes it."""
    key = Path(path).resolve()
    entry = _borrowed.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        del _borrowed[key]
        entry[0].close()
