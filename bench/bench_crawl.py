"""Crawl throughput through the full pipeline, beside Scrapy alone and extraction alone.

    python bench/bench_crawl.py                 # 2,000 pages
    python bench/bench_crawl.py --pages 300     # a quicker look

Writes synthetic NHS articles (bench/crawl_pages.py: 600-1,000 words each, with a real news
site's markup around them) and a sitemap into a temporary folder, serves them from a
loopback server in its own process, and measures in the same run:

1. the full crawl: `nhscuts crawl --url` through every pipeline (validate, extract,
   relevance, duplicates, SQLite), via `crawler.run.run_crawl`, its reading in worker
   processes as by default (one per core);
2. Scrapy with no pipelines: the same pages fetched through a bare sitemap spider with the
   same settings, the framework's own ceiling;
3. trafilatura extraction of the same pages in a plain loop, the extraction cost, twice:
   with trafilatura's defaults (`bare_extraction(page, with_metadata=True)`), and with the
   options corpus.formats passes (no comments, and `fast`: no fallback extractors).

Politeness is turned off for all runs (no AutoThrottle, no delay, many requests per domain):
the server is ours. Each crawl runs in its own process, as Twisted's reactor runs once.
Target: the full crawl takes no more than 1.3x the plain extraction loop; the ratio to
each loop is printed. CPU seconds count every process of a run (the crawl's workers too).
"""

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl_pages import write_site, write_sitemap  # noqa: E402

from crawler.demo_site import serve_site  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.3
# The server is ours and on loopback: fetch as fast as the crawler can take pages.
FAST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "LOG_LEVEL": "WARNING",
}


def _serve(directory: str, ready) -> None:
    server = serve_site(Path(directory))
    ready.put(server.url)
    server.thread.join()


def start_server(directory: Path) -> tuple[multiprocessing.Process, str]:
    """The site's server in its own process, so it does not share the crawler's CPU time."""
    ready = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve, args=(str(directory), ready), daemon=True)
    process.start()
    return process, ready.get(timeout=30)


# trafilatura's own defaults, and the options corpus.formats._read_html passes.
LOOP_OPTIONS = {
    "defaults": {"with_metadata": True},
    "nhscuts": {
        "with_metadata": True,
        "include_comments": False,
        "include_tables": True,
        "fast": True,
    },
}


def extraction_loop(directory: Path, paths: list[str], options: dict) -> dict:
    """trafilatura on every page in a loop."""
    pages = [(directory / path.lstrip("/")).read_bytes() for path in paths]
    started, cpu_started = time.perf_counter(), time.process_time()
    extracted = 0
    for page in pages:
        result = trafilatura.bare_extraction(page, **options)
        extracted += result is not None and bool(result.text)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu_started,
        "pages": extracted,
    }


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class ProcessTreeCPU:
    """CPU seconds of this process's descendants, read from /proc while they run: the
    crawl's worker processes belong to a forkserver, whose children no one waits for,
    so getrusage(RUSAGE_CHILDREN) never counts them. None where there is no /proc."""

    def __init__(self):
        self.seen: dict[int, float] = {}
        self.running = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> "ProcessTreeCPU":
        self.running.set()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running.clear()
        self.thread.join()

    def total(self) -> float | None:
        return sum(self.seen.values()) if Path("/proc/self/stat").exists() else None

    def _poll(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while self.running.is_set():
            stack = [os.getpid()]
            while stack:
                pid = stack.pop()
                try:
                    for task in os.listdir(f"/proc/{pid}/task"):
                        stack += map(
                            int, Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                        )
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if pid != os.getpid():
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
            time.sleep(0.05)


def run_in_process(mode: str, url: str, workdir: Path) -> dict:
    """Run one crawl (`mode`: full or scrapy) in a fresh Python; its figures as a dict."""
    completed = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--url", url, "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if completed.returncode != 0:
        raise SystemExit(f"{mode} crawl failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def stage_costs(directory: Path, paths: list[str]) -> dict[str, float]:
    """Milliseconds a page for each pipeline stage, timed one by one outside Scrapy, in one
    process (in a crawl, the stages before "relevance" run in the worker processes)."""
    from corpus import Corpus
    from corpus.document import Document
    from corpus.formats import EXTRACTOR_VERSION, extract
    from crawler.articles import not_an_article
    from crawler.decoding import HTML, decode_html
    from crawler.near_duplicates import NearDuplicateIndex, signature
    from crawler.relevance import RelevanceQuery

    costs: dict[str, float] = {}

    def timed(stage: str, call, *args, **kwargs):
        started = time.perf_counter()
        result = call(*args, **kwargs)
        costs[stage] = costs.get(stage, 0.0) + time.perf_counter() - started
        return result

    query, index, batch = RelevanceQuery.load(None), NearDuplicateIndex(0.9), []
    with tempfile.TemporaryDirectory() as tmp, Corpus.open(Path(tmp) / "stages.db") as corpus:
        for path in paths:
            body, url = (directory / path.lstrip("/")).read_bytes(), "http://127.0.0.1" + path
            html = timed("decode", decode_html, body, "text/html")
            text = timed("extract (corpus.formats)", extract, html.encode("utf-8"), HTML, url=url)
            words = len(text.text.split())
            timed("article check", not_an_article, html, url, words, text.published)
            document = timed(
                "Document (hashes, compressed raw)",
                Document,
                text=text.text,
                source="bench",
                content_type=HTML,
                extractor_version=EXTRACTOR_VERSION,
                title=text.title,
                published=text.published,
                url=url,
                raw=body,
                text_is_normalised=True,
            )
            timed("Document (hashes, compressed raw)", _hash_and_compress, document)
            minhash = timed("MinHash signature", signature, document.text)
            timed("relevance", query.missing, document.title, document.text)
            timed("near-duplicates (LSH lookup)", index.most_similar, minhash)
            index.add(document.id, minhash)
            batch.append(document)
            if len(batch) == 20 or path == paths[-1]:
                timed("store (SQLite, FTS5)", lambda done: list(corpus.add(done)), batch)
                batch = []
    return {stage: 1000 * seconds / len(paths) for stage, seconds in costs.items()}


def _hash_and_compress(document) -> None:
    document.id, document.stored_raw  # noqa: B018 (cached properties: computing them is the cost)


# --- the crawls, each run in a child process ------------------------------------------------


class NoOpPipeline:
    """Passes the item on: what Scrapy's item machinery costs by itself."""

    def process_item(self, item):
        return item


# Five distinct classes: Scrapy runs each pipeline class once.
NoOpPipeline0, NoOpPipeline1, NoOpPipeline2, NoOpPipeline3, NoOpPipeline4 = (
    type(f"NoOpPipeline{n}", (NoOpPipeline,), {}) for n in range(5)
)


def scrapy_only(url: str, with_items: bool = False) -> dict:
    """A bare sitemap spider: fetch every page, nothing else. With `with_items`, each page
    is also yielded as an item through five pipelines that do nothing, as many as ours."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    fetched = []

    class BareSitemapSpider(SitemapSpider):
        name = "bare"
        sitemap_urls = [url.rstrip("/") + "/robots.txt"]

        def parse(self, response):
            fetched.append(len(response.body))
            if with_items:
                yield {"url": response.url, "body": response.body}

    import crawler.settings as nhscuts_settings

    settings = {
        key: getattr(nhscuts_settings, key)
        for key in dir(nhscuts_settings)
        if key.isupper() and key not in ("ITEM_PIPELINES", "LOG_FORMATTER")
    }
    # Scrapy's own middlewares only: the framework's ceiling, not ours.
    settings.pop("DOWNLOADER_MIDDLEWARES", None)
    settings.update(FAST_SETTINGS)
    if with_items:
        settings["ITEM_PIPELINES"] = {f"bench_crawl.NoOpPipeline{n}": n for n in range(5)}
    process = CrawlerProcess(settings)
    process.crawl(BareSitemapSpider)
    started, cpu_started = time.perf_counter(), cpu_seconds(resource.RUSAGE_SELF)
    process.start()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds(resource.RUSAGE_SELF) - cpu_started,
        "pages": len(fetched),
    }


def full_crawl(url: str, workdir: Path) -> dict:
    """`nhscuts crawl --url URL` through every pipeline into a new corpus file."""
    from crawler.run import CrawlOptions, run_crawl

    db = workdir / "bench-crawl.db"
    db.unlink(missing_ok=True)
    # Depth 1: the front page and the sitemap's articles, as `nhscuts crawl --url URL --depth 1`.
    options = CrawlOptions(url=url, db=db, depth=1, settings=FAST_SETTINGS)
    with ProcessTreeCPU() as tree:
        started = time.perf_counter()
        report = run_crawl(options)
        seconds = time.perf_counter() - started
    counts = report.counts()
    # The crawl runs in run_crawl's child process and its workers: their CPU time, startup
    # included (without /proc, the child's alone).
    cpu = tree.total() or cpu_seconds(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu": cpu, "pages": counts["fetched"], "counts": counts}


# --- report --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument(
        "--stages", action="store_true", help="also time each pipeline stage on its own"
    )
    parser.add_argument("--child", choices=["full", "scrapy", "items"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child in ("scrapy", "items"):
        print(json.dumps(scrapy_only(args.url, with_items=args.child == "items")))
        return
    if args.child == "full":
        print(json.dumps(full_crawl(args.url, args.workdir)))
        return

    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        site = Path(tmp) / "site"
        paths = write_site(site, args.pages)
        server, url = start_server(site)
        write_sitemap(site, paths, url)
        size = sum((site / p.lstrip("/")).stat().st_size for p in paths) / len(paths)
        print(f"{len(paths):,} pages, {size / 1024:.0f} KiB of HTML each on average, at {url}")
        try:
            loops = {
                name: extraction_loop(site, paths, options)
                for name, options in LOOP_OPTIONS.items()
            }
            for name, loop in loops.items():
                print(f"  extraction loop ({name}): {loop['seconds']:.1f} s", flush=True)
            bare = run_in_process("scrapy", url, Path(tmp))
            print(f"  Scrapy alone:    {bare['pages']:,} pages in {bare['seconds']:.1f} s")
            items = run_in_process("items", url, Path(tmp)) if args.stages else None
            full = run_in_process("full", url, Path(tmp))
            print(f"  full crawl:      {full['pages']:,} pages in {full['seconds']:.1f} s")
        finally:
            server.terminate()
        stages = stage_costs(site, paths) if args.stages else {}
    rows = [
        ("full crawl (all pipelines, SQLite)", full),
        ("baseline: Scrapy, no pipelines", bare),
        ("baseline: trafilatura loop, defaults", loops["defaults"]),
        ("baseline: trafilatura loop, our options", loops["nhscuts"]),
    ]
    # CPU seconds too: on a shared machine they move less than wall time does.
    print(f"\n{'':38} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'CPU s':>7}")
    for label, run in rows:
        rate = run["pages"] / run["seconds"]
        print(f"{label:38} {run['pages']:6,} {run['seconds']:8.1f} {rate:8.1f} {run['cpu']:7.1f}")
    comparable = full["counts"]["stored"] == len(paths)
    outcomes = ", ".join(f"{count:,} {name}" for name, count in full["counts"].items() if count)
    for name, loop in loops.items():
        ratio = full["seconds"] / loop["seconds"]
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        if not comparable:
            verdict = f"not comparable: the crawl stored {full['counts']['stored']} of {len(paths)}"
        print(
            f"full crawl / extraction loop ({name}) = {ratio:.2f}x wall, "
            f"{full['cpu'] / loop['cpu']:.2f}x CPU (target <= {TARGET_RATIO}x: {verdict})"
        )
    print(f"full crawl outcomes: {outcomes}")
    if stages:
        print("\nwhere a page's time goes, each stage timed alone (ms a page):")
        scrapy_ms = 1000 * bare["cpu"] / bare["pages"]
        items_ms = 1000 * items["cpu"] / items["pages"] - scrapy_ms
        framework = [
            ("Scrapy: fetching (no-pipeline run, CPU)", scrapy_ms),
            ("Scrapy: items through 5 no-op pipelines", items_ms),
        ]
        for stage, ms in [*stages.items(), *framework]:
            print(f"  {stage:40} {ms:6.2f}")
        print(f"  {'sum':40} {sum(stages.values()) + scrapy_ms + items_ms:6.2f}")
        print(f"  {'full crawl, CPU a page':40} {1000 * full['cpu'] / full['pages']:6.2f}")
        for name, loop in loops.items():
            loop_ms = 1000 * loop["seconds"] / len(paths)
            print(f"  {f'trafilatura loop ({name})':40} {loop_ms:6.2f}")


if __name__ == "__main__":
    main()
