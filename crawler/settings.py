"""Scrapy settings for every nhscuts crawl: polite by default, as Scrapy's project template is.

`crawler.run` loads this module and lays `CrawlOptions.settings` over it, so a user (or a
test) can change any of these for one crawl.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    NHSCUTS_VERSION = version("nhscuts")
except PackageNotFoundError:  # running from a checkout that was never installed
    NHSCUTS_VERSION = "0"

BOT_NAME = "nhscuts"
USER_AGENT = f"nhscuts/{NHSCUTS_VERSION} (+https://github.com/nhscuts/nhscuts)"

# Politeness: robots.txt, two requests at a time per site, AutoThrottle on top.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Outputs of one response handled at once. A page yields one item and a few links, and
# Scrapy starts this many asyncio tasks for every response: its 100 cost a fifth of a
# crawl's CPU time on loopback, 16 still 15% more of the crawl process's CPU than 4.
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Retries on throttling and server errors, each after a longer wait (see BackoffRetryMiddleware).
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE_DELAY = 2.0  # seconds before the first retry; doubled for each next one
RETRY_BACKOFF_MAX_DELAY = 60.0  # and never more, nor more than a Retry-After header asks
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # the failure is logged once, with its reason, by the pipeline

# Limits: one page never holds the crawl up for long nor fills the memory.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Off by default: a cached copy would hide changes from the conditional GETs.
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
COOKIES_ENABLED = False
# No listening ports: a crawl is driven through CrawlOptions, not a console.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.LoopAwareRedirectMiddleware": 600,
    "crawler.middlewares.ConditionalGetMiddleware": 650,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.ExtractPipeline": 200,
    "crawler.pipelines.RelevancePipeline": 300,
    "crawler.pipelines.DuplicatesPipeline": 400,
    "crawler.pipelines.SQLitePipeline": 500,
}
LOG_FORMATTER = "crawler.report.PageLogFormatter"
LOG_LEVEL = "WARNING"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_DATEFORMAT = "%H:%M:%S"

# Our own settings, read by the pipelines (CrawlOptions sets them).
NHSCUTS_DB = "data/corpus.db"
NHSCUTS_KEEP_ALL = False  # True: store off-topic pages too
NHSCUTS_RELEVANCE_FILE = None  # None: crawler/relevance.toml
NHSCUTS_SINCE = None  # ISO date: drop documents published before it
NHSCUTS_EXTRACT_WORKERS = None  # processes reading pages; None: one per core, 0: none
NHSCUTS_BATCH_SIZE = 20  # documents per transaction; small, so an interrupt loses little
NHSCUTS_BUSY_TIMEOUT_S = 10  # seconds a write waits while another process writes the corpus
NHSCUTS_NEAR_DUPLICATE_SIMILARITY = 0.5  # Jaccard of word 4-shingles from which a text is a copy
