"""The sitemap spider: sitemaps named in the source or found in robots.txt, lastmod-filtered."""

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.spiders.base import SourceSpider, iso_date

GZIP_MAGIC = b"\x1f\x8b"


def sitemap_entries(body: bytes, max_size: int) -> tuple[str, list[tuple[str, str | None]]]:
    """("sitemapindex" or "urlset", [(loc, lastmod as ISO date)]). Gzipped sitemaps too."""
    try:
        if body.startswith(GZIP_MAGIC):
            body = gunzip(body, max_size=max_size)
        sitemap = Sitemap(body)
        entries = [(entry["loc"], iso_date(entry.get("lastmod"))) for entry in sitemap]
    except (etree.LxmlError, StopIteration, OSError, EOFError, ValueError):
        raise ValueError("not a readable sitemap") from None
    if sitemap.type not in ("sitemapindex", "urlset"):
        raise ValueError("not a sitemap")
    return sitemap.type, entries


class SitemapSpider(SourceSpider):
    """Reads robots.txt (or the listed sitemaps), walks sitemap indexes, fetches the pages.

    A sitemap or page whose lastmod is before --since is not fetched: nothing in it is newer.
    Sitemaps list section fronts and tag pages too, so only articles are kept.
    """

    async def start(self):
        if self.source.sitemaps:
            for path in self.source.sitemaps:
                yield self.entry_request(self.source.url(path), self.parse_sitemap)
        else:
            yield self.entry_request(self.source.url("/robots.txt"), self.parse_robots)

    def parse_robots(self, response):
        for url in dict.fromkeys(sitemap_urls_from_robots(response.body, base_url=response.url)):
            yield self.entry_request(url, self.parse_sitemap)

    def parse_sitemap(self, response):
        try:
            kind, entries = sitemap_entries(response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
        except ValueError as problem:
            yield self.page(response, error=f"{problem} (check the source's sitemaps)")
            return
        for url, lastmod in entries:
            if self.is_too_old(lastmod):
                continue
            if kind == "sitemapindex":
                yield self.entry_request(response.urljoin(url), self.parse_sitemap)
            elif self.source.allows(url):
                yield self.document_request(response.urljoin(url), must_be_article=True)
