"""The listing spider: a source's listing pages, their article links and their next pages."""

from crawler.spiders.base import SourceSpider, select_links


class ListingSpider(SourceSpider):
    """Follows `next_page` up to `max_pages` pages per listing, and fetches every article
    link (by `article_links`) that is on the source's hosts and allowed by its URL rules."""

    async def start(self):
        for listing in self.source.listings:
            yield self.entry_request(self.source.url(listing), self.parse_listing, listing_page=1)

    def parse_listing(self, response):
        for url in select_links(response, self.source.article_links):
            if self.is_own(url) and self.source.allows(url):
                yield self.document_request(url)
        page_number = response.meta["listing_page"]
        if self.source.next_page and page_number < self.source.max_pages:
            for url in select_links(response, self.source.next_page)[:1]:
                yield self.entry_request(url, self.parse_listing, listing_page=page_number + 1)
