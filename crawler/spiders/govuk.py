"""The GOV.UK spider: Search API pages → Content API items → their attached PDFs.

Search: /api/search.json?q=…&filter_organisations=…&order=-public_timestamp, paged by
`start` and `count`. Each result's `link` is a path whose content item is at
/api/content<path>. A content item's title, description, body and dates are taken from its
JSON (the pipelines read `Page.api_fields`), and the PDFs in its `attachments` and
`documents` are fetched as documents of their own. A document collection's members are
followed.
"""

import json
from urllib.parse import urlencode, urlsplit

from parsel import Selector

from crawler.spiders.base import SourceSpider

SEARCH_PATH = "/api/search.json"
CONTENT_PATH = "/api/content"
SEARCH_FIELDS = ("title", "link", "description", "public_timestamp", "format", "organisations")


class GovukSpider(SourceSpider):
    async def start(self):
        for query in self.source.search.queries:
            yield self.entry_request(
                self.search_url(query, 0), self.parse_search, query=query, start=0, search_page=1
            )

    def search_url(self, query: str, start: int) -> str:
        search = self.source.search
        params = [
            ("q", query),
            ("count", search.page_size),
            ("start", start),
            ("order", "-public_timestamp"),
            *(("filter_organisations", slug) for slug in search.organisations),
            *(("filter_content_store_document_type", kind) for kind in search.document_types),
            *(("fields", name) for name in SEARCH_FIELDS),
        ]
        if self.since:
            params.append(("filter_public_timestamp", f"from:{self.since}"))
        return self.source.url(SEARCH_PATH) + "?" + urlencode(params)

    def parse_search(self, response):
        try:
            data = json.loads(response.body)
            results, total = data["results"], int(data.get("total", 0))
        except (ValueError, KeyError, TypeError):
            yield self.page(response, error="not a GOV.UK Search API response")
            return
        for result in results:
            path = self.content_path(result.get("link") or result.get("_id") or "")
            if path:
                yield self.document_request(
                    self.source.url(CONTENT_PATH + path), self.parse_content
                )
        next_start = response.meta["start"] + len(results)
        if results and next_start < total and response.meta["search_page"] < self.source.max_pages:
            yield self.entry_request(
                self.search_url(response.meta["query"], next_start),
                self.parse_search,
                query=response.meta["query"],
                start=next_start,
                search_page=response.meta["search_page"] + 1,
            )

    def content_path(self, link: str) -> str | None:
        """The GOV.UK path of a search result: a path, or a URL on the source's own host."""
        parts = urlsplit(link)
        if parts.netloc and parts.netloc.lower() not in self.source.hosts:
            return None  # a result on another site: it has no content item here
        return parts.path if parts.path.startswith("/") else None

    def parse_content(self, response):
        if response.status != 200:
            yield self.page(response)  # a 304: unchanged since the last crawl
            return
        try:
            item = json.loads(response.body)
            details = item.get("details") or {}
            links = item.get("links") or {}
        except (ValueError, AttributeError):
            yield self.page(response, error="not a GOV.UK Content API item")
            return
        # A collection or a bare landing page has no body: it is followed, not stored.
        if _html_body(details.get("body")).strip():
            yield self.page(
                response, api_fields=api_fields(item, self.source.url(item.get("base_path", "")))
            )
        for url in self.attachment_urls(details, response):
            yield self.document_request(url)
        if item.get("schema_name") == "document_collection":
            for member in links.get("documents", []):
                if member.get("base_path"):
                    yield self.document_request(
                        self.source.url(CONTENT_PATH + member["base_path"]), self.parse_content
                    )

    def attachment_urls(self, details: dict, response) -> list[str]:
        urls = [
            attachment.get("url", "")
            for attachment in details.get("attachments", [])
            if isinstance(attachment, dict)
            and (
                attachment.get("content_type") == "application/pdf"
                or attachment.get("url", "").lower().endswith(".pdf")
            )
        ]
        # Older items list attachments as HTML snippets in `documents`.
        for snippet in details.get("documents", []):
            if isinstance(snippet, str):
                urls.extend(Selector(text=snippet).css("a::attr(href)").getall())
        absolute = (response.urljoin(url.strip()) for url in urls if url.strip())
        return [
            url for url in dict.fromkeys(absolute) if urlsplit(url).path.lower().endswith(".pdf")
        ]


def api_fields(item: dict, web_url: str) -> dict:
    """The fields of a content item the pipelines need, under the names they read."""
    details = item.get("details") or {}
    organisations = (item.get("links") or {}).get("organisations", [])
    return {
        "title": item.get("title"),
        "description": item.get("description"),
        "body_html": _html_body(details.get("body")),
        "published": details.get("first_public_at")
        or item.get("first_published_at")
        or item.get("public_updated_at"),
        "author": ", ".join(org["title"] for org in organisations if org.get("title")) or None,
        "web_url": web_url,
    }


def _html_body(body) -> str:
    # A body is HTML, or in some schemas a list of {content_type, content} renderings.
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        for rendering in body:
            if isinstance(rendering, dict) and rendering.get("content_type") == "text/html":
                return rendering.get("content", "")
    return ""
