"""Site mode (`nhscuts crawl --url URL`): any site, with no entry in sources.toml.

It reads robots.txt for sitemaps, the start page (and every page whose links it follows) for
feeds (<link rel="alternate">), and follows links on the same host to `depth` clicks from the
start page. A sitemap or feed that a page links to is read as one, not stored as a page.
Every HTML page it reaches is handed to the pipelines as "must be an article" (see
crawler/articles.py for the rule), so listing, tag and navigation pages are followed but not
stored; PDFs are stored.
"""

from urllib.parse import urlsplit

from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.sources import Source
from crawler.spiders.base import SourceSpider
from crawler.spiders.feed import feed_entries
from crawler.spiders.sitemap import GZIP_MAGIC, sitemap_entries

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
DEFAULT_DEPTH = 2


def site_source(url: str, kind: str = "other") -> Source:
    """A Source for one site: named after its host, documents of the given kind."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    name = host.removeprefix("www.").replace(":", "-")
    return Source(
        name=name, title=host, kind=kind, spider="site", base_url=f"{parts.scheme}://{host}/"
    )


class SiteSpider(SourceSpider):
    def __init__(
        self, source: Source, start_url: str, depth: int = DEFAULT_DEPTH, since=None, **kwargs
    ):
        super().__init__(source, since=since, **kwargs)
        self.start_url = start_url
        self.depth = depth
        # PDFs are documents here, so they are not among the extensions to ignore.
        self.links = LinkExtractor(
            deny_extensions=[ext for ext in IGNORED_EXTENSIONS if ext != "pdf"]
        )

    async def start(self):
        yield self.entry_request(self.source.url("/robots.txt"), self.parse_robots, optional=True)
        yield self.page_request(self.start_url, depth=0)

    def page_request(self, url: str, depth: int):
        return self.document_request(url, self.parse_page, must_be_article=True, link_depth=depth)

    def parse_robots(self, response):
        for url in dict.fromkeys(sitemap_urls_from_robots(response.body, base_url=response.url)):
            if self.is_own(url):
                yield self.entry_request(url, self.parse_sitemap, optional=True)

    def parse_sitemap(self, response):
        try:
            kind, entries = sitemap_entries(response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
        except ValueError as problem:
            yield self.page(response, error=str(problem))
            return
        for url, lastmod in entries:
            url = response.urljoin(url)
            if self.is_too_old(lastmod) or not self.is_own(url):
                continue
            if kind == "sitemapindex":
                yield self.entry_request(url, self.parse_sitemap)
            else:
                yield self.page_request(url, depth=1)

    def parse_feed(self, response):
        try:
            entries = feed_entries(response.body)
        except ValueError as problem:
            yield self.page(response, error=str(problem))
            return
        for entry in entries:
            url = response.urljoin(entry.url)
            if self.is_own(url) and not self.is_too_old(entry.published):
                yield self.page_request(url, depth=1)

    def parse_page(self, response):
        if response.status == 200 and (entry := entry_kind(response)):
            # A sitemap or feed reached by a link (a footer's "Sitemap"): read for its links,
            # not stored; robots.txt's request for the same URL is then a duplicate.
            parse = self.parse_sitemap if entry == "sitemap" else self.parse_feed
            yield from parse(response)
            return
        yield self.page(response)
        if response.status != 200 or not hasattr(response, "text"):
            return  # a PDF, or a 304 for a page unchanged since the last crawl
        depth = response.meta.get("link_depth", 0)
        if depth >= self.depth and depth > 0:
            return  # the pipelines parse the page; parsing it here too is only for links
        for link in response.xpath("//link[@rel='alternate'][@type][@href]"):
            url = response.urljoin(link.attrib["href"])
            if link.attrib["type"].lower() in FEED_TYPES and self.is_own(url):
                # A hint, like robots.txt's sitemaps: a stale feed link is no failure.
                yield self.entry_request(url, self.parse_feed, optional=True)
        if depth >= self.depth:
            return
        for link in self.links.extract_links(response):
            if self.is_own(link.url):
                yield self.page_request(link.url, depth=depth + 1)


def entry_kind(response) -> str | None:
    """Whether a response to a page request is a "sitemap" or a "feed" (XML), else None."""
    head = response.body[:2048].lstrip()
    if head.startswith(GZIP_MAGIC):
        return "sitemap" if urlsplit(response.url).path.lower().endswith(".xml.gz") else None
    content_type = (response.headers.get(b"Content-Type") or b"").lower()
    if not head.startswith(b"<?xml") and b"xml" not in content_type.split(b";")[0]:
        return None
    head = head.lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return None
