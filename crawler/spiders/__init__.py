"""The spider types; a source's `spider` key names one."""

from crawler.spiders.feed import FeedSpider
from crawler.spiders.govuk import GovukSpider
from crawler.spiders.listing import ListingSpider
from crawler.spiders.site import SiteSpider
from crawler.spiders.sitemap import SitemapSpider

SPIDERS = {
    "feed": FeedSpider,
    "sitemap": SitemapSpider,
    "listing": ListingSpider,
    "govuk": GovukSpider,
    "site": SiteSpider,
}

__all__ = ["SPIDERS", "FeedSpider", "GovukSpider", "ListingSpider", "SiteSpider", "SitemapSpider"]
