"""Distributed mode (`--redis URL`): crawler processes on any machines share one frontier.

The same spiders run on scrapy-redis's scheduler: the queue of requests and the set of
request fingerprints live in Redis, so a URL that one process has queued or fetched is never
fetched by another, and each process takes its next request from the shared queue. Start
`nhscuts crawl ... --redis redis://host:6379/0` on as many machines as you like, all writing
to one corpus (or each to its own, merged later).

Each process keeps a heartbeat and a state (busy or idle) in Redis. A process that runs out
of requests waits while another is still busy, since that one's pages may add requests to the
queue; the crawl ends when every live process is idle and the queue is empty. The last process
to finish clears the frontier, so the next crawl fetches feeds and pages afresh (with
conditional GETs). If every process is killed, the frontier stays and the next crawl resumes
it; a killed process's heartbeat goes stale and the others stop waiting for it.
"""

import logging
import uuid

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

logger = logging.getLogger(__name__)

KEY_PREFIX = "nhscuts"
QUEUE_KEY = KEY_PREFIX + ":%(spider)s:requests"
DUPEFILTER_KEY = KEY_PREFIX + ":%(spider)s:dupefilter"
WORKERS_KEY = KEY_PREFIX + ":%(spider)s:workers"  # worker id → last heartbeat (a sorted set)
STATES_KEY = KEY_PREFIX + ":%(spider)s:states"  # worker id → busy or idle (a hash)
HEARTBEAT_S = 10.0
# A process whose heartbeat is older than this has died; it no longer holds the frontier open.
STALE_AFTER_S = 3 * HEARTBEAT_S


class RedisUnavailable(Exception):
    """Redis cannot be used. The message says what to do."""


def redis_settings(redis_url: str) -> dict:
    """Scrapy settings that put a crawl's scheduler and duplicate filter in Redis."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
        "SCHEDULER_QUEUE_KEY": QUEUE_KEY,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER_KEY,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        # Kept when one process finishes: the others are still using it. RedisFrontier
        # clears it when the last one finishes.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        # The frontier is in Redis; a JOBDIR on one machine would only hold a stale copy.
        "JOBDIR": None,
        "EXTENSIONS": {"crawler.distributed.RedisFrontier": 500},
    }


def check_redis(redis_url: str) -> None:
    """Raise RedisUnavailable, with a hint, unless scrapy-redis is installed and Redis answers."""
    try:
        import redis
        import scrapy_redis  # noqa: F401  (the scheduler the crawl will load)
    except ImportError:
        raise RedisUnavailable(
            "--redis needs scrapy-redis: pip install 'nhscuts[crawl]' (or scrapy-redis)"
        ) from None
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
        client.ping()
    except ValueError as error:
        raise RedisUnavailable(
            f"--redis must be a redis:// URL such as redis://localhost:6379/0 ({error})"
        ) from None
    except redis.RedisError as error:
        raise RedisUnavailable(
            f"cannot reach Redis at {redis_url} ({error}); is redis-server running there?"
        ) from None


class RedisFrontier:
    """Extension: registers this process as a worker on the crawl's frontier, keeps it open
    while other workers are busy, and clears the frontier when the last worker finishes."""

    def __init__(self, crawler):
        from scrapy_redis.connection import from_settings

        self.server = from_settings(crawler.settings)
        self.worker = uuid.uuid4().hex
        self.heartbeat: task.LoopingCall | None = None
        self.keys: dict[str, str] = {}
        self.busy = False
        connect = crawler.signals.connect
        connect(self.spider_opened, signal=signals.spider_opened)
        connect(self.request_reached_downloader, signal=signals.request_reached_downloader)
        connect(self.spider_idle, signal=signals.spider_idle)
        connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        name = {"spider": spider.name}
        self.keys = {
            "workers": WORKERS_KEY % name,
            "states": STATES_KEY % name,
            "queue": QUEUE_KEY % name,
            "dupefilter": DUPEFILTER_KEY % name,
        }
        self.set_state(busy=True)
        self.beat()
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(HEARTBEAT_S, now=False)

    def beat(self) -> None:
        self.server.zadd(self.keys["workers"], {self.worker: self.server.time()[0]})

    def set_state(self, busy: bool) -> None:
        self.busy = busy
        self.server.hset(self.keys["states"], self.worker, "busy" if busy else "idle")

    def request_reached_downloader(self, request, spider) -> None:
        if not self.busy:
            self.set_state(busy=True)

    def spider_idle(self, spider) -> None:
        """Nothing queued and nothing in flight here: wait while another worker is busy.

        Scrapy asks again every few seconds, and takes what the busy worker has queued.
        """
        self.set_state(busy=False)
        if self.others_busy():
            raise DontCloseSpider("another worker is still busy on the shared frontier")

    def others_busy(self) -> bool:
        now = self.server.time()[0]
        live = self.server.zrangebyscore(self.keys["workers"], now - STALE_AFTER_S, "+inf")
        others = [worker for worker in live if _text(worker) != self.worker]
        if not others:
            return False
        states = self.server.hmget(self.keys["states"], others)
        return any(_text(state) == "busy" for state in states)

    def spider_closed(self, spider, reason: str) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        workers = self.keys["workers"]
        now = self.server.time()[0]
        pipe = self.server.pipeline()
        pipe.zrem(workers, self.worker)
        pipe.hdel(self.keys["states"], self.worker)
        pipe.zremrangebyscore(workers, "-inf", now - STALE_AFTER_S)
        pipe.zcard(workers)
        remaining = pipe.execute()[-1]
        # Only a finished crawl is cleared: one stopped by --max-pages or Ctrl-C resumes.
        if remaining == 0 and reason == "finished":
            self.server.delete(*self.keys.values())
            logger.info("last worker on %s finished: frontier cleared", spider.name)


def _text(value) -> str | None:
    return value.decode() if isinstance(value, bytes) else value
