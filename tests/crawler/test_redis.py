"""Distributed mode: two crawler processes share one frontier in a real redis-server."""

import shutil
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from corpus import Corpus
from crawler.demo_site import SAMPLES, build_site, read_samples, serve_site
from crawler.run import CrawlError, CrawlOptions, run_crawl
from tests.conftest import free_port

REDIS_SERVER = shutil.which("redis-server")
WORKERS = ("nhscuts-test-worker-1", "nhscuts-test-worker-2")
# Two requests at a time each, so that neither worker takes the whole queue into its own
# downloader: what is queued stays in Redis for either to take.
WORKER_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 2,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
}


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of our own on a free loopback port, with nothing saved to disk."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (Debian package redis-server; .ci/run adds it)")
    import redis

    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("redis-server did not start")
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_two_processes_share_one_frontier_and_fetch_each_url_once(tmp_path, redis_url):
    import redis

    fetches: list[tuple[str, str]] = []  # (path, worker)
    both_started = threading.Event()

    def on_request(path, headers):
        fetches.append((path, headers.get("User-Agent")))
        # A page taken from the shared queue waits until each worker has taken one, so that
        # neither drains the queue before the other's first look at it (an idle worker looks
        # every few seconds). Not robots.txt, which each worker reads for itself, nor the
        # start page, whose links fill the queue: waiting on those released the barrier before
        # the second worker had anything, and it sometimes fetched nothing (about 1 run in 30).
        if path in ("/robots.txt", "/"):
            return
        if {agent for p, agent in fetches if p not in ("/robots.txt", "/")} >= set(WORKERS):
            both_started.set()
        both_started.wait(timeout=20)

    db = tmp_path / "shared.db"
    Corpus.open(db).close()  # the corpus the workers share exists before they start
    with serve_site(tmp_path / "site", on_request=on_request) as server:
        build_site(SAMPLES, tmp_path / "site", server.url)
        options = [
            CrawlOptions(
                url=server.url,
                keep_all=True,
                db=db,
                redis_url=redis_url,
                settings={**WORKER_SETTINGS, "USER_AGENT": agent},
            )
            for agent in WORKERS
        ]
        with ThreadPoolExecutor(len(WORKERS)) as pool:
            reports = list(pool.map(run_crawl, options))

    # Each process's robots.txt middleware reads robots.txt for itself, outside the frontier.
    crawled = [(path, agent) for path, agent in fetches if path != "/robots.txt"]
    paths = Counter(path for path, _ in crawled)
    assert [path for path, count in paths.items() if count > 1] == []
    by_worker = Counter(agent for _, agent in crawled)
    assert all(by_worker[agent] > 0 for agent in WORKERS), by_worker

    samples = {page.path for page in read_samples()}
    with sqlite3.connect(db) as connection:
        stored = [url for (url,) in connection.execute("SELECT url FROM documents")]
    assert sorted(url.removeprefix(server.url.rstrip("/")) for url in stored) == sorted(samples)
    assert sum(report.stored for report in reports) == len(samples)
    assert all(report.failed == 0 and report.finished for report in reports)
    # The last worker cleared the frontier: the next crawl starts afresh.
    assert redis.Redis.from_url(redis_url).keys("nhscuts:*") == []


def test_an_unreachable_redis_fails_before_crawling_with_a_hint(tmp_path):
    options = CrawlOptions(url="http://127.0.0.1:9/", db=tmp_path / "c.db",
                           redis_url=f"redis://127.0.0.1:{free_port()}/0")  # fmt: skip
    with pytest.raises(CrawlError, match="is redis-server running"):
        run_crawl(options)
