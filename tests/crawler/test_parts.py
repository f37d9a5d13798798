"""The crawler's parts on their own: URLs, charsets, feeds, sitemaps, articles, relevance,
near-duplicates. The real feeds and sitemaps come from ../shared/fixtures/feeds."""

import gzip

import pytest
from scrapy.http import Request
from scrapy.settings import Settings

import crawler.settings as polite
from crawler.articles import not_an_article
from crawler.decoding import HTML, PDF, decode_html, media_type
from crawler.middlewares import BackoffRetryMiddleware
from crawler.near_duplicates import NearDuplicateIndex, from_bytes, signature, to_bytes
from crawler.relevance import RelevanceError, RelevanceQuery
from crawler.spiders.base import iso_date
from crawler.spiders.feed import feed_entries
from crawler.spiders.sitemap import sitemap_entries
from crawler.urls import canonical_url, is_valid_url
from tests.conftest import shared_path
from tests.crawler.server import CHARSET_ARTICLE, SITE


def test_canonical_url_drops_what_does_not_name_the_page():
    assert canonical_url(
        "HTTPS://News.Example.org:443/a/./b/../story?utm_source=rss&id=7&fbclid=x#c"
    ) == ("https://news.example.org/a/story?id=7")
    assert canonical_url("http://127.0.0.1:8080/news/") == "http://127.0.0.1:8080/news/"
    assert is_valid_url("http://127.0.0.1:8080/x") and not is_valid_url("mailto:a@b.org")


@pytest.mark.parametrize("declared", ["utf-8", None])
def test_windows_1252_bytes_decode_right_however_declared(declared):
    body = CHARSET_ARTICLE.format(meta="").encode("cp1252")
    text = decode_html(body, f"text/html; charset={declared}" if declared else "text/html")
    assert "The NHS trust’s savings plan — worth £3m this year" in text


def test_utf8_wins_over_a_wrong_latin1_declaration_and_a_bom_over_both():
    assert decode_html("naïve £5".encode(), "text/html; charset=iso-8859-1") == "naïve £5"
    assert decode_html(b"\xef\xbb\xbf<p>\xc2\xa3</p>", "text/html; charset=cp1252") == "<p>£</p>"
    assert decode_html("£".encode("iso-8859-1"), "text/html; charset=iso-8859-1") == "£"


def test_media_type_trusts_the_header_then_sniffs():
    assert media_type("text/html; charset=utf-8", b"", "x") == HTML
    assert media_type("application/octet-stream", b"%PDF-1.4 ...", "x") == PDF
    assert media_type("", b"<!DOCTYPE html><html>", "x") == HTML
    assert media_type("image/png", b"\x89PNG", "x") == "image/png"


def test_rss_and_atom_entries_with_dates():
    rss = feed_entries((SITE / "feeds" / "news.rss").read_bytes())
    assert rss[0].url.endswith("/news/resignation-scheme-opens.html?utm_source=rss&utm_medium=feed")
    assert rss[0].published == "2025-04-01"
    atom = feed_entries((SITE / "feeds" / "union.atom").read_bytes())
    # The entry's alternate link, not its "edit" link.
    assert [entry.url.split("}}")[1] for entry in atom] == [
        "/letters/workforce-letter-2025.pdf",
        "/union/branch-says-no-to-cuts.html",
        "/private/draft-plan.html",
    ]
    with pytest.raises(ValueError, match="not an RSS or Atom feed"):
        feed_entries(b"<html><body>not a feed</body></html>")


@pytest.mark.parametrize(
    ("name", "count", "first_url"),
    [
        ("guardian-us-2018-01-31.rss.xml", None, "https://www.theguardian.com/"),
        ("reuters-world-news-2018-01-30.rss.xml", None, "http"),
        ("news-gov-scot-2017-06-27.rss.xml", 2, "https://news.gov.scot/"),
    ],
)
def test_real_feeds_are_read(name, count, first_url):
    entries = feed_entries(shared_path("fixtures", "feeds", name).read_bytes())
    assert entries and entries[0].url.startswith(first_url)
    assert count is None or len(entries) == count
    assert all(entry.published and entry.published[:2] in ("20", "19") for entry in entries)


def test_real_sitemaps_are_read_plain_and_gzipped():
    plain = shared_path("fixtures", "feeds", "sitemaps-org-urlset.sitemap.xml").read_bytes()
    kind, entries = sitemap_entries(plain, max_size=10_000_000)
    assert kind == "urlset" and entries[0][0].startswith("http")
    zipped = shared_path("fixtures", "feeds", "sitemaps-org-urlset.sitemap.xml.gz").read_bytes()
    assert (
        sitemap_entries(zipped, max_size=10_000_000)[1]
        == sitemap_entries(gzip.decompress(zipped), 10_000_000)[1]
    )
    index = shared_path("fixtures", "feeds", "example-sitemapindex.sitemap.xml").read_bytes()
    assert sitemap_entries(index, max_size=10_000_000)[0] == "sitemapindex"
    with pytest.raises(ValueError):
        sitemap_entries(b"<html>no</html>", max_size=1000)


def test_feed_and_sitemap_dates():
    assert iso_date("Tue, 01 Apr 2025 09:00:00 GMT") == "2025-04-01"
    assert iso_date("2025-03-04T08:00:00+00:00") == "2025-03-04"
    assert iso_date("2025-03-20") == "2025-03-20"
    assert iso_date("2024-11-12T08:00:00Z") == "2024-11-12"
    assert iso_date("soon") is None and iso_date(None) is None


ARTICLE_WORDS = " ".join(["The trust will cut posts and jobs this year."] * 20)


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><nav><a href='/'>Home</a></nav>{body}</body></html>"


def test_article_rule():
    article = page(f"<article><h1>Cuts</h1><p>{ARTICLE_WORDS}</p></article>")
    assert not_an_article(article, "http://x.org/news/cuts.html", 160, "2025-03-01") is None
    assert "no publication date" in not_an_article(
        article, "http://x.org/news/cuts.html", 160, None
    )
    marked = page(f"<p>{ARTICLE_WORDS}</p>", '<meta property="og:type" content="article">')
    assert not_an_article(marked, "http://x.org/cuts", 60, None) is None  # short, but marked
    ld_json = '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle"}]}</script>'
    assert (
        not_an_article(page(f"<p>{ARTICLE_WORDS}</p>", ld_json), "http://x.org/c", 160, None)
        is None
    )
    assert "navigation URL" in not_an_article(marked, "http://x.org/tag/nhs/", 160, "2025-03-01")
    assert "words of main text" in not_an_article(
        article, "http://x.org/news/cuts.html", 90, "2025-03-01"
    )
    links = " ".join(
        f"<a href='/s{n}'>a story about the trust cutting posts</a>" for n in range(30)
    )
    assert "mostly links" in not_an_article(
        page(f"<p>{links} and more</p>"), "http://x.org/n", 200, "2025-03-01"
    )
    # Links in the page furniture (navigation, footer) do not count.
    furnished = page(f"<article><p>{ARTICLE_WORDS}</p></article><footer>{links}</footer>")
    assert not_an_article(furnished, "http://x.org/news/cuts.html", 160, "2025-03-01") is None


def test_default_relevance_query():
    query = RelevanceQuery.load()
    assert query.matches("Trust cuts posts", "The NHS trust will lose 300 posts.")
    assert query.matches(None, "An integrated care board opens a voluntary redundancy scheme.")
    assert query.matches(None, "NHS staff offered MARS")
    assert not query.matches(None, "NHS staff ate Mars bars")  # acronyms match in capitals only
    assert not query.matches(None, "The NHS opens a new hospital wing.")
    assert query.missing(None, "Buses every twenty minutes") == ["nhs", "workforce cuts"]


def test_a_relevance_file_of_ones_own(tmp_path):
    path = tmp_path / "query.toml"
    path.write_text('[[group]]\nname = "pay"\nterms = ["pay award*", "strike"]\n')
    query = RelevanceQuery.load(path)
    assert query.matches(None, "Nurses vote to strike") and query.matches(None, "the pay awards")
    path.write_text('[[group]]\nname = "empty"\nterms = []\n')
    with pytest.raises(RelevanceError, match="needs terms"):
        RelevanceQuery.load(path)


def test_near_duplicates_by_minhash():
    original = (SITE / "news" / "trust-to-cut-300-admin-posts.html").read_text()
    index = NearDuplicateIndex(threshold=0.5)
    text = " ".join(original.split("<p>")[2:]).replace("</p>", " ")
    index.add("original", signature(text))
    copy = (
        "A new headline. "
        + text.replace("forty-five days", "six weeks")
        + " First published elsewhere."
    )
    assert index.most_similar(signature(copy))[0] == "original"
    other = (SITE / "news" / "icb-running-costs-to-halve.html").read_text()
    assert index.most_similar(signature(other)) is None
    restored = from_bytes(to_bytes(signature(text)))
    assert restored.jaccard(signature(text)) == 1.0


def test_polite_defaults():
    assert polite.ROBOTSTXT_OBEY and polite.AUTOTHROTTLE_ENABLED and not polite.HTTPCACHE_ENABLED
    assert polite.CONCURRENT_REQUESTS_PER_DOMAIN == 2
    assert polite.USER_AGENT.startswith("nhscuts/") and "(+https://" in polite.USER_AGENT
    assert {429, 500, 502, 503, 504} <= set(polite.RETRY_HTTP_CODES)
    assert polite.DOWNLOAD_MAXSIZE == 10 * 1024 * 1024 > polite.DOWNLOAD_WARNSIZE


def test_retries_back_off_and_honour_retry_after():
    settings = Settings()
    settings.setmodule(polite)
    middleware = BackoffRetryMiddleware(settings)
    first, third = Request("http://x.org/"), Request("http://x.org/", meta={"retry_times": 2})
    assert middleware.delay(first, None) == 2.0
    assert middleware.delay(third, None) == 8.0
    assert middleware.delay(Request("http://x.org/", meta={"retry_times": 9}), None) == 60.0
    assert middleware.delay(third, b"5") == 5.0
    assert middleware.delay(first, b"Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past
    assert middleware.delay(first, b"3600") == 60.0  # never longer than the maximum
