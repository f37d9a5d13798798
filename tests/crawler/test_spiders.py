"""Each spider type crawls the loopback test site for real; the tests then read the corpus."""

import json
import zlib

import pytest

from tests.conftest import shared_path
from tests.crawler.conftest import rows, run_test_crawl
from tests.crawler.server import SITE, install_govuk_api


def by_path(db) -> dict[str, dict]:
    names = [
        "url",
        "canonical_url",
        "source",
        "kind",
        "title",
        "author",
        "published",
        "content_type",
        "duplicate_of",
        "id",
        "fetched_at",
    ]
    found = {}
    for row in rows(db, f"SELECT {', '.join(names)} FROM documents"):
        record = dict(zip(names, row, strict=True))
        path = "/" + record["canonical_url"].split("/", 3)[3]
        found[path] = record
    return found


def test_feed_spider_stores_articles_with_provenance(crawl, db_path, site_server):
    report = crawl("test-news")

    stored = by_path(db_path)
    assert set(stored) == {
        "/news/trust-to-cut-300-admin-posts.html",
        "/syndicated/trust-to-cut-300-admin-posts.html",
        "/news/icb-running-costs-to-halve.html",
        "/news/resignation-scheme-opens.html",  # tracking parameters gone from the canonical URL
        "/news/vacancy-freeze-for-nurses.html",
    }
    article = stored["/news/icb-running-costs-to-halve.html"]
    assert article["title"] == "Care board told to halve its running costs"
    assert article["published"] == "2025-03-18"
    assert article["author"] == "Tom Sample"
    assert (article["source"], article["kind"], article["content_type"]) == (
        "test-news",
        "news",
        "text/html",
    )
    assert article["url"] == site_server.url("/news/icb-running-costs-to-halve.html")
    assert article["fetched_at"].startswith("20")
    # The page's bytes are kept as served, compressed (read in a worker, sent back once).
    [(raw,)] = rows(db_path, "SELECT raw FROM documents WHERE id = ?", article["id"])
    served = site_server.fill((SITE / "news/icb-running-costs-to-halve.html").read_bytes())
    assert zlib.decompress(raw) == served
    resignation = stored["/news/resignation-scheme-opens.html"]
    assert "utm_source=rss" in resignation["url"] and "utm" not in resignation["canonical_url"]
    assert (report.stored, report.filtered, report.failed) == (5, 1, 0)
    assert report.finished
    user_agent = site_server.requests_for("/feeds/news.rss")[0].headers["User-Agent"]
    assert (
        user_agent.startswith("nhscuts/") and "(+https://github.com/nhscuts/nhscuts)" in user_agent
    )


def test_syndicated_copy_is_stored_as_a_near_duplicate(crawl, db_path):
    crawl("test-news")

    stored = by_path(db_path)
    original = stored["/news/trust-to-cut-300-admin-posts.html"]
    copy = stored["/syndicated/trust-to-cut-300-admin-posts.html"]
    # The copy published first is the original, whichever was fetched first.
    assert (original["duplicate_of"], copy["duplicate_of"]) == (None, original["id"])
    others = [doc for path, doc in stored.items() if "trust-to-cut" not in path]
    assert all(doc["duplicate_of"] is None for doc in others)
    assert rows(db_path, "SELECT url FROM crawl_pages WHERE outcome = 'near_duplicate'") == [
        (copy["url"],)
    ]


def test_off_topic_page_is_counted_not_stored_unless_keep_all(crawl, db_path):
    report = crawl("test-news")
    assert report.filtered == 1
    assert "/news/bus-timetable-changes.html" not in by_path(db_path)
    assert rows(
        db_path, "SELECT outcome, reason FROM crawl_pages WHERE url LIKE '%bus-timetable%'"
    ) == [("filtered", "off-topic: no nhs and no workforce cuts term")]

    report = crawl("test-news", keep_all=True)
    assert report.filtered == 0
    assert "/news/bus-timetable-changes.html" in by_path(db_path)


def test_atom_feed_brings_a_pdf_and_robots_txt_is_obeyed(crawl, db_path, site_server):
    report = crawl("test-union")

    stored = by_path(db_path)
    letter = stored["/letters/workforce-letter-2025.pdf"]
    assert letter["content_type"] == "application/pdf"
    assert letter["title"] == "Workforce plans for 2025/26"
    assert letter["published"] == "2025-03-21"
    assert (letter["source"], letter["kind"]) == ("test-union", "union")
    assert stored["/union/branch-says-no-to-cuts.html"]["published"] == "2025-03-20"
    assert site_server.requests_for("/private/draft-plan.html") == []
    assert report.skipped == 1  # the forbidden page, counted
    assert site_server.requests_for("/admin/edit/42") == []  # an Atom "edit" link is not the entry


def test_sitemap_spider_finds_sitemaps_through_robots_txt_and_keeps_articles_only(
    crawl, db_path, site_server
):
    report = crawl("test-sitemap")

    stored = by_path(db_path)
    assert set(stored) == {
        "/news/resignation-scheme-opens.html",
        "/news/icb-running-costs-to-halve.html",
        "/news/trust-to-cut-300-admin-posts.html",
        "/union/branch-says-no-to-cuts.html",
        "/letters/workforce-letter-2025.pdf",
        "/news/vacancy-freeze-for-nurses.html",
        "/letters/mars-guidance-2024.pdf",
    }
    # The home page, the news listing and the tag page are in the sitemap but are not articles.
    skipped = rows(db_path, "SELECT url, reason FROM crawl_pages WHERE outcome = 'skipped'")
    assert {url.removeprefix(site_server.base_url) for url, _ in skipped} == {
        "/",
        "/news/",
        "/tag/nhs.html",
    }
    assert all(reason.startswith("not an article") for _, reason in skipped)
    assert site_server.requests_for("/private/draft-plan.html") == []
    assert report.failed == 0


def test_sitemap_lastmod_and_published_date_honour_since(crawl, db_path, site_server):
    report = crawl("test-sitemap", since="2025-01-01")

    stored = by_path(db_path)
    assert "/news/vacancy-freeze-for-nurses.html" not in stored
    assert "/letters/mars-guidance-2024.pdf" not in stored
    assert "/news/icb-running-costs-to-halve.html" in stored
    # The 2024 sitemap's lastmod is before --since: it is not even fetched.
    assert site_server.requests_for("/sitemaps/2024.xml") == []
    assert report.failed == 0


def test_listing_spider_follows_pagination_and_article_links(crawl, db_path, site_server):
    report = crawl("test-listing", keep_all=True)

    assert set(by_path(db_path)) == {
        "/news/resignation-scheme-opens.html",
        "/news/icb-running-costs-to-halve.html",
        "/news/trust-to-cut-300-admin-posts.html",
        "/news/bus-timetable-changes.html",
        "/news/vacancy-freeze-for-nurses.html",
        "/union/branch-says-no-to-cuts.html",
    }
    assert len(site_server.requests_for("/news/page-2.html")) == 1
    assert site_server.requests_for("/private/draft-plan.html") == []
    assert report.stored == 6


def test_listing_respects_max_pages_of_a_source(crawl, db_path, sources_file, site_server):
    sources_file.write_text(
        sources_file.read_text().replace(
            "next_page = \"a[rel='next']\"", "next_page = \"a[rel='next']\"\nmax_pages = 1"
        )
    )
    crawl("test-listing", keep_all=True)

    assert site_server.requests_for("/news/page-2.html") == []
    assert len(by_path(db_path)) == 3


def test_site_mode_stores_articles_and_pdfs_and_skips_listings(crawl, db_path, site_server):
    report = crawl(url=site_server.url("/"), depth=2, kind="news")

    stored = by_path(db_path)
    assert {
        "/news/trust-to-cut-300-admin-posts.html",
        "/news/icb-running-costs-to-halve.html",
        "/news/resignation-scheme-opens.html",
        "/union/branch-says-no-to-cuts.html",
        "/letters/workforce-letter-2025.pdf",
        "/news/vacancy-freeze-for-nurses.html",
        "/letters/mars-guidance-2024.pdf",  # found through the sitemap (robots.txt)
    } <= set(stored)
    for listing in ("/", "/news/", "/news/page-2.html", "/tag/nhs.html"):
        assert listing not in stored
    assert "/news/bus-timetable-changes.html" not in stored  # off-topic
    assert {doc["kind"] for doc in stored.values()} == {"news"}
    assert {doc["source"] for doc in stored.values()} == {site_server.netloc.replace(":", "-")}
    assert site_server.requests_for("/private/draft-plan.html") == []
    assert site_server.requests_for("/feeds/news.rss")  # discovered through <link rel="alternate">
    skipped = dict(rows(db_path, "SELECT url, reason FROM crawl_pages WHERE outcome = 'skipped'"))
    assert skipped[site_server.url("/tag/nhs.html")].startswith("not an article: a navigation URL")
    assert skipped[site_server.url("/news/")] == "not an article: only 92 words of main text"
    assert report.failed == 0


def test_a_sitemap_linked_from_a_page_is_read_as_a_sitemap(crawl, db_path, site_server):
    # Only the home page's footer names the sitemap index; robots.txt does not.
    site_server.add_page("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    home = (SITE / "index.html").read_text()
    footer = '<footer><a href="/sitemap-index.xml">Sitemap</a></footer></body>'
    site_server.add_page("/", home.replace("</body>", footer), "text/html; charset=utf-8")

    report = crawl(url=site_server.url("/"), depth=1, kind="news")

    assert len(site_server.requests_for("/sitemap-index.xml")) == 1
    assert site_server.requests_for("/sitemaps/2025.xml")  # the index was read as one
    assert "/letters/mars-guidance-2024.pdf" in by_path(db_path)  # listed in the sitemap only
    pages = dict(rows(db_path, "SELECT url, outcome FROM crawl_pages"))
    assert site_server.url("/sitemap-index.xml") not in pages  # not judged as a page
    assert report.failed == 0


def test_pages_read_in_worker_processes_or_in_the_crawl_process_are_stored_alike(
    crawl, db_path, sources_file, tmp_path
):
    in_workers = crawl("test-news", settings={"NHSCUTS_EXTRACT_WORKERS": 2})
    alone = tmp_path / "alone" / "corpus.db"
    alone.parent.mkdir()
    in_process = run_test_crawl(
        alone, sources_file, "test-news", settings={"NHSCUTS_EXTRACT_WORKERS": 0}
    )

    assert in_workers.counts() == in_process.counts()
    documents = "SELECT id, title, published, text FROM documents ORDER BY id"
    assert rows(db_path, documents) == rows(alone, documents)
    assert len(rows(alone, documents)) == 5
    # The syndicated copy points at the original, whichever was read first.
    duplicates = "SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL"
    assert len(rows(db_path, duplicates)) == 1
    assert rows(db_path, duplicates) == rows(alone, duplicates)


def test_site_mode_depth_limits_how_far_links_are_followed(crawl, db_path, site_server):
    site_server.add_page("/robots.txt", "User-agent: *\nDisallow: /private/\n")  # no sitemap

    crawl(url=site_server.url("/"), depth=1)

    # Depth 1: the home page's links are fetched, the links on those pages are not.
    assert site_server.requests_for("/news/")
    assert site_server.requests_for("/news/page-2.html") == []


@pytest.fixture
def govuk_items():
    folder = shared_path("fixtures", "govuk")
    real = [
        json.loads(path.read_text()) for path in sorted((folder / "content-api").glob("*.json"))
    ]
    ours = json.loads((SITE / "govuk" / "nhs-workforce-letter.json").read_text())
    template = json.loads((folder / "search-api" / "new_policies_for_dwp.json").read_text())
    return [ours, *real], template


def test_govuk_spider_pages_search_then_content_then_pdfs(crawl, db_path, site_server, govuk_items):
    items, template = govuk_items
    install_govuk_api(site_server, items, template)

    report = crawl("test-govuk", keep_all=True)

    searches = site_server.requests_for("/api/search.json")
    assert len(searches) == -(-len(items) // 4)  # every page of 4 results
    assert "filter_organisations=department-of-health-and-social-care" in searches[0].path
    assert "filter_organisations=nhs-england" in searches[0].path
    assert "q=NHS+workforce" in searches[0].path and "order=-public_timestamp" in searches[0].path
    stored = by_path(db_path)
    letter = stored["/government/publications/nhs-workforce-plans-2025-to-2026-sample"]
    assert letter["title"] == "NHS workforce plans for 2025 to 2026 (sample)"
    assert letter["published"] == "2025-03-21"
    assert letter["author"] == "Department of Health and Social Care, NHS England"
    assert letter["content_type"] == "application/json"
    text = rows(db_path, "SELECT text FROM documents WHERE id = ?", letter["id"])[0][0]
    assert text.startswith("A letter to NHS trusts")
    assert "Keep compulsory redundancies to a minimum." in text.split("\n\n")
    # Attachments: the PDF in `attachments` and the one linked from `documents`.
    assert stored["/media/sample/workforce-letter-2025.pdf"]["content_type"] == "application/pdf"
    assert "/media/sample/mars-guidance-2024.pdf" in stored
    # The real content items: stored with their own JSON fields.
    care_act = stored["/government/news/final-care-act-guidance-published"]
    assert care_act["title"] == "Final Care Act guidance published"
    assert care_act["published"] == "2016-02-29"
    assert "Department of Health" in care_act["author"]
    # A document collection is followed to its members (not served here: 404s, counted).
    collection = next(item for item in items if item["schema_name"] == "document_collection")
    assert collection["base_path"] not in stored
    failed = {
        failure.url.removeprefix(site_server.url("/api/content")) for failure in report.failures
    }
    assert failed == {member["base_path"] for member in collection["links"]["documents"]}
    assert {failure.reason for failure in report.failures} == {"HTTP 404"}


def test_govuk_relevance_filter_keeps_the_nhs_workforce_items(
    crawl, db_path, site_server, govuk_items
):
    items, template = govuk_items
    install_govuk_api(site_server, items, template)

    report = crawl("test-govuk", since="2025-01-01")

    assert (
        "filter_public_timestamp=from%3A2025-01-01"
        in site_server.requests_for("/api/search.json")[0].path
    )
    stored = by_path(db_path)
    assert "/government/publications/nhs-workforce-plans-2025-to-2026-sample" in stored
    assert "/government/news/final-care-act-guidance-published" not in stored
    assert report.filtered + report.skipped > 0
