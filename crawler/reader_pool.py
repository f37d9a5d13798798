"""Worker processes that read pages (crawler/page_reading.py) while Scrapy goes on fetching.

Extracting a page's text takes about twice as long as Scrapy takes to fetch it, so in one
process a crawl is bound to one core by extraction. `ReaderPool` runs `read_page` in worker
processes and hands the results back to the reactor as awaitables.

- The workers are forked from a forkserver, which imports the reading code once, and is
  started as early as the crawl process can (`start_forkserver`), while Scrapy is starting
  on the other core. None is forked from Scrapy's process, which may run threads.
- They run at a lower priority, so the reactor, the one process every page passes through,
  is never kept waiting for a core by extraction, and they leave Ctrl-C to the crawl
  process, which stops gracefully.
- This module imports none of the reading code: the crawl process itself never loads
  trafilatura, htmldate or pypdf.

>>> pool = ReaderPool(workers=0)  # read in this process, as on a non-asyncio reactor
"""

import asyncio
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.items import Page, PageRead

READING_MODULE = "crawler.page_reading"
WORKER_NICENESS = 5


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_forkserver() -> None:
    """Start the forkserver (importing the reading code) now, in the background."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([READING_MODULE])
    multiprocessing.forkserver.ensure_running()


class ReaderPool:
    """Runs `read_page` in `workers` processes (0: in this process), awaitable from Scrapy.

    Awaiting needs asyncio: Scrapy's asyncio reactor (its default), or no reactor at all;
    on another reactor pages are read in this process.
    """

    def __init__(
        self, workers: int, read_page: Callable[[Page, str | None], PageRead] | None = None
    ):
        self.workers = workers
        self.read_page = read_page or _read_page  # a test may give its own
        self.pool: ProcessPoolExecutor | None = None
        if workers > 0 and _asyncio_futures_awaitable():
            start_forkserver()
            self.pool = self._new_pool(workers)

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_start_worker,
        )

    async def read(self, item: Page, since: str | None) -> PageRead:
        if self.pool is None:
            return self.read_page(item, since)
        # A worker that dies (a page crashing lxml or pypdf) breaks the pool and fails every
        # page in it. The pool is replaced, and each of those pages is read again in a
        # worker of its own, so that only the page that kills that one too has failed.
        pool = self.pool
        try:
            return await asyncio.wrap_future(pool.submit(self.read_page, item, since))
        except BrokenProcessPool:
            if self.pool is pool:
                self.pool = self._new_pool(self.workers)
        solo = self._new_pool(1)
        try:
            return await asyncio.wrap_future(solo.submit(self.read_page, item, since))
        except BrokenProcessPool:
            return PageRead(outcome="failed", reason="the page crashed the text extractor")
        finally:
            solo.shutdown(wait=False)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _start_worker() -> None:
    os.nice(WORKER_NICENESS)
    # Ctrl-C reaches the whole process group. The crawl process stops gracefully and shuts
    # the pool down; a worker interrupted mid-page broke the pool as it did, and the crawl
    # hung (tests/crawler/test_incremental.py).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_page(item: Page, since: str | None) -> PageRead:
    # Imported here, in the worker, so that the crawl process never loads the reading code.
    from crawler.page_reading import read_page

    return read_page(item, since)


def _asyncio_futures_awaitable() -> bool:
    """Outside Twisted, or on its asyncio reactor (Scrapy's default)."""
    if "twisted.internet.reactor" not in sys.modules:
        return True
    from scrapy.utils.reactor import is_asyncio_reactor_installed

    return is_asyncio_reactor_installed()
