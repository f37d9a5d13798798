"""The crawl itself, in its own process: `python -m crawler.process < options.json`.

`crawler.run.run_crawl` starts this module and reads its stdout: one JSON object a line,
{"event": "progress", "source": …, "report": {…}} while it runs, then
{"event": "done", "reports": {source: {…}}}, or {"event": "error", "message": …} when the
corpus cannot be used. Logs go to stderr.
"""

import json
import os
import shutil
import sys
import time

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from corpus import Corpus, CorpusError
from crawler.distributed import redis_settings
from crawler.reader_pool import start_forkserver
from crawler.report import CrawlReport, CrawlTally
from crawler.run import CrawlOptions
from crawler.sources import Source
from crawler.spiders import SPIDERS

PROGRESS_EVERY_S = 0.2


def crawl_settings(options: CrawlOptions, source: Source | None = None) -> Settings:
    """crawler/settings.py, then what the options say, then the options' own overrides."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(
        {
            "NHSCUTS_DB": str(options.db),
            "NHSCUTS_KEEP_ALL": options.keep_all,
            "NHSCUTS_RELEVANCE_FILE": str(options.relevance_file)
            if options.relevance_file
            else None,
            "NHSCUTS_SINCE": options.since,
            "LOG_LEVEL": options.log_level,
        },
        priority="cmdline",
    )
    if options.max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", options.max_pages, priority="cmdline")
    if options.resume and source is not None:
        settings.set("JOBDIR", str(options.jobdir_for(source)), priority="cmdline")
    if options.redis_url:
        settings.setdict(redis_settings(options.redis_url), priority="cmdline")
    settings.setdict(options.settings, priority="cmdline")
    return settings


def spider_arguments(options: CrawlOptions, source: Source) -> dict:
    arguments = {"source": source, "since": options.since}
    if source.spider == "site":
        arguments.update(start_url=options.url, depth=options.depth)
    return arguments


class EventStream:
    """Writes progress (at most every PROGRESS_EVERY_S per source) and the final reports."""

    def __init__(self, stream):
        self.stream = stream
        self.last_sent: dict[str, float] = {}

    def progress(self, source: str, report: CrawlReport) -> None:
        now = time.monotonic()
        if now - self.last_sent.get(source, 0.0) >= PROGRESS_EVERY_S:
            self.last_sent[source] = now
            self._send({"event": "progress", "source": source, "report": report.as_dict()})

    def error(self, message: str) -> None:
        self._send({"event": "error", "message": message})

    def done(self, reports: dict[str, CrawlReport]) -> None:
        self._send({"event": "done", "reports": {k: r.as_dict() for k, r in reports.items()}})

    def _send(self, event: dict) -> None:
        self.stream.write(json.dumps(event) + "\n")
        self.stream.flush()


def crawl(options: CrawlOptions, events: EventStream) -> dict[str, CrawlReport]:
    """Run every source of `options` at once in this process's reactor; one report each."""
    targets = options.targets()
    process = CrawlerProcess(crawl_settings(options))
    tallies: dict[str, CrawlTally] = {}
    for number, source in enumerate(targets):
        crawler = Crawler(
            SPIDERS[source.spider], crawl_settings(options, source), init_reactor=number == 0
        )
        tally = CrawlTally(
            source.name, lambda report, name=source.name: events.progress(name, report)
        )
        tallies[source.name] = tally.attach(crawler)
        running = process.crawl(crawler, **spider_arguments(options, source))
        running.addErrback(tally.crashed)
    process.start()
    for source in targets:
        jobdir = options.jobdir_for(source)
        # A finished crawl's state would make the next one skip every URL it has seen.
        if tallies[source.name].report.finished and jobdir.exists():
            shutil.rmtree(jobdir, ignore_errors=True)
    return {name: tally.report for name, tally in tallies.items()}


def main() -> None:
    options = CrawlOptions.from_json(sys.stdin.read())
    if str(options.settings.get("NHSCUTS_EXTRACT_WORKERS")) != "0":  # -s gives a string
        start_forkserver()  # its imports run on another core while Scrapy starts here
    events = EventStream(os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8"))
    # Anything else printed to stdout goes to the log, never into the event stream.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    # The corpus's own message for a file that is locked, foreign or newer, before Scrapy
    # starts; checked here, so that the caller's process never opens the file twice.
    try:
        Corpus.open(options.db).close()
    except CorpusError as error:
        events.error(str(error))
        return
    events.done(crawl(options, events))


if __name__ == "__main__":
    main()
