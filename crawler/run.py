"""Run a crawl from Python: one options object in, a CrawlReport out.

>>> options = CrawlOptions(sources=("govuk",), db=Path("data/corpus.db"))
>>> report = run_crawl(options)  # doctest: +SKIP
>>> report.stored, report.failed  # doctest: +SKIP
(42, 1)

Each crawl runs in a child process (`python -m crawler.process`). Scrapy runs on a Twisted
reactor, which cannot be started twice in one process; a child per crawl lets a program (the
CLI, a test, a notebook) run as many crawls as it likes, and a crash or Ctrl-C in Scrapy
cannot take the caller down with it. The child reports progress as JSON lines on its stdout
and logs on its stderr.
"""

import json
import os
import re
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from corpus.migrations import DOCUMENT_KINDS
from crawler.distributed import RedisUnavailable, check_redis
from crawler.report import CrawlReport
from crawler.sources import Source, SourceError, load_sources
from crawler.spiders.site import DEFAULT_DEPTH, site_source

DEFAULT_DB = Path("data/corpus.db")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class CrawlError(Exception):
    """A crawl that could not run. The message says what to do."""


@dataclass
class CrawlOptions:
    """Everything one crawl needs; checked when built, so a bad value fails before Scrapy starts.

    Either `sources` (names in the sources file) or `url` (site mode) is given, not both.
    """

    db: Path = DEFAULT_DB
    sources: tuple[str, ...] = ()
    sources_file: Path | None = None  # None: crawler/sources.toml
    base_urls: dict[str, str] = field(default_factory=dict)  # source name → another base URL
    url: str | None = None  # site mode: crawl this site
    depth: int = DEFAULT_DEPTH  # site mode: links followed from the start page
    kind: str = "other"  # site mode: kind of every document stored
    since: str | None = None  # ISO date: skip documents published (or listed) before it
    max_pages: int | None = None  # stop each source after this many responses (resumable)
    keep_all: bool = False  # store off-topic pages too
    relevance_file: Path | None = None  # None: crawler/relevance.toml
    jobdir: Path | None = None  # None: jobs/ beside the corpus file; one folder per source
    resume: bool = True  # keep the crawl state in the jobdir, so an interrupted crawl resumes
    settings: dict = field(default_factory=dict)  # Scrapy settings over crawler/settings.py
    log_level: str = "WARNING"
    redis_url: str | None = None  # distributed mode: a shared frontier in Redis

    def __post_init__(self) -> None:
        self.db = Path(self.db)
        self.sources = tuple(self.sources)
        for name in ("sources_file", "relevance_file", "jobdir"):
            if getattr(self, name) is not None:
                setattr(self, name, Path(getattr(self, name)))
        if bool(self.sources) == bool(self.url):
            raise ValueError("give source names or --url (one site), not both and not neither")
        if self.url and not re.match(r"https?://[^/\s]+", self.url):
            raise ValueError(f"--url must be an http(s) URL, not {self.url!r}")
        if self.kind not in DOCUMENT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(DOCUMENT_KINDS)}")
        if not 0 <= self.depth <= 10:
            raise ValueError("depth must be between 0 and 10")
        if self.since is not None:
            try:
                self.since = date.fromisoformat(self.since).isoformat()
            except ValueError:
                raise ValueError(
                    f"since must be an ISO date (YYYY-MM-DD), not {self.since!r}"
                ) from None
        if self.max_pages is not None and self.max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        if self.log_level.upper() not in LOG_LEVELS:
            raise ValueError(f"log_level must be one of {', '.join(LOG_LEVELS)}")
        self.log_level = self.log_level.upper()
        self.targets()  # unknown source names and bad base URLs fail here

    def targets(self) -> list[Source]:
        """The sources to crawl, base URLs overridden; one made up from `url` in site mode."""
        if self.url:
            return [site_source(self.url, self.kind)]
        known = load_sources(self.sources_file)
        unknown = [name for name in self.sources if name not in known]
        if unknown:
            raise SourceError(
                f"no source named {', '.join(unknown)}; `nhscuts crawl --list` shows them"
            )
        extra = sorted(set(self.base_urls) - set(self.sources))
        if extra:
            raise SourceError(f"a base URL is given for {', '.join(extra)}, which is not crawled")
        return [
            known[name].with_base_url(self.base_urls[name])
            if name in self.base_urls
            else known[name]
            for name in dict.fromkeys(self.sources)
        ]

    def jobdir_for(self, source: Source) -> Path:
        return (self.jobdir or self.db.parent / "jobs") / source.name

    def to_json(self) -> str:
        values = asdict(self)
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in values.items()})

    @classmethod
    def from_json(cls, text: str) -> "CrawlOptions":
        return cls(**json.loads(text))


ProgressCallback = Callable[[CrawlReport], None]


def run_crawl(
    options: CrawlOptions,
    progress: ProgressCallback | None = None,
    on_log: Callable[[str], None] | None = None,
) -> CrawlReport:
    """Crawl the sources (or the site) of `options` into its corpus; return the counts.

    `progress(report)` is called with the running totals as pages come in; `on_log(line)`
    gets each log line of the crawl (default: written to stderr).
    """
    if options.redis_url:
        try:
            check_redis(options.redis_url)
        except RedisUnavailable as problem:
            raise CrawlError(str(problem)) from None
    child = subprocess.Popen(
        [sys.executable, "-m", "crawler.process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_child_environment(),
    )
    last_lines: deque[str] = deque(maxlen=20)
    log_thread = threading.Thread(
        target=_pump_log, args=(child.stderr, on_log or _to_stderr, last_lines), daemon=True
    )
    log_thread.start()
    child.stdin.write(options.to_json())
    child.stdin.close()
    running: dict[str, CrawlReport] = {}
    final: dict[str, CrawlReport] | None = None
    try:
        final = _read_events(child, running, progress)
    except CrawlError:
        child.wait()
        raise
    except KeyboardInterrupt:
        # The child got the same Ctrl-C and is stopping gracefully, saving its job state.
        final = _read_events(child, running, progress)
    finally:
        child.wait()
        log_thread.join(timeout=5)
    crashed = [
        name
        for name, report in (final or {}).items()
        if report.errors or name not in report.stop_reasons
    ]
    if final is None or crashed:
        detail = "\n".join(last_lines) or f"exit status {child.returncode}"
        which = f" of {', '.join(crashed)}" if crashed else ""
        raise CrawlError(f"the crawl{which} stopped unexpectedly:\n{detail}")
    return _total(final.values())


def _read_events(child, running: dict[str, CrawlReport], progress) -> dict | None:
    for line in child.stdout:
        event = json.loads(line)
        if event["event"] == "progress":
            running[event["source"]] = CrawlReport.from_dict(event["report"])
            if progress:
                progress(_total(running.values()))
        elif event["event"] == "error":
            raise CrawlError(event["message"])
        elif event["event"] == "done":
            return {name: CrawlReport.from_dict(data) for name, data in event["reports"].items()}
    return None


def _total(reports) -> CrawlReport:
    total = CrawlReport()
    for report in reports:
        total.merge(report)
    return total


def _pump_log(stream, on_log: Callable[[str], None], last_lines: deque) -> None:
    for line in stream:
        line = line.rstrip("\n")
        last_lines.append(line)
        on_log(line)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _child_environment() -> dict[str, str]:
    # The child must import this same checkout, installed or not.
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    return env
