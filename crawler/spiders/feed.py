"""The feed spider: every entry of a source's RSS or Atom feeds is a document to fetch."""

from dataclasses import dataclass

from lxml import etree

from crawler.spiders.base import SourceSpider, iso_date


@dataclass
class FeedEntry:
    url: str
    published: str | None  # ISO date, when the feed gives one
    title: str | None


def feed_entries(body: bytes) -> list[FeedEntry]:
    """The entries of an RSS 0.9x/1.0/2.0 or Atom feed. Raises ValueError for anything else."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None or etree.QName(root).localname not in ("rss", "RDF", "feed"):
        raise ValueError("not an RSS or Atom feed")
    entries = []
    for element in root.iter("{*}item", "{*}entry"):
        url = _entry_link(element)
        if url:
            published = _first_text(element, "pubDate", "published", "updated", "date")
            title = _first_text(element, "title")
            entries.append(FeedEntry(url, iso_date(published), title))
    return entries


def _entry_link(element) -> str | None:
    for link in element.iterfind("{*}link"):
        href = link.get("href")
        if href is not None:  # Atom: the alternate (or unqualified) link
            if link.get("rel", "alternate") == "alternate":
                return href.strip()
        elif link.text and link.text.strip():  # RSS
            return link.text.strip()
    guid = element.find("{*}guid")
    if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
        return guid.text.strip() if guid.text.strip().startswith("http") else None
    return None


def _first_text(element, *names: str) -> str | None:
    for name in names:
        found = element.find(f"{{*}}{name}")
        if found is not None and found.text and found.text.strip():
            return found.text.strip()
    return None


class FeedSpider(SourceSpider):
    """Fetches each feed, then each entry that the source's URL rules allow and --since keeps."""

    async def start(self):
        for feed in self.source.feeds:
            yield self.entry_request(self.source.url(feed), self.parse_feed)

    def parse_feed(self, response):
        try:
            entries = feed_entries(response.body)
        except ValueError as problem:
            yield self.page(response, error=f"{problem} (check the source's feeds)")
            return
        for entry in entries:
            url = response.urljoin(entry.url)
            if self.source.allows(url) and not self.is_too_old(entry.published):
                yield self.document_request(url)
