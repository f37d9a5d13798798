"""The demo site: the project's sample documents published as a small website, and a server.

`build_site` renders corpus/samples/**/*.md the way real publishers do: an HTML article page
per sample (with <title>, og:title, article:published_time, author and section metadata), a
paginated listing, an RSS feed, a sitemap with lastmod, robots.txt, and the government letters
as PDFs. `serve_site` serves a folder on loopback. `crawl_demo_site` (`nhscuts demo`, run by
`make demo`) crawls the one with the other through crawler/demo_sources.toml, so the demo
corpus comes in through the real spiders and pipelines, each kind by its own source.

>>> report = crawl_demo_site(Path("data/demo.db"), Path("data/demo-site"))  # doctest: +SKIP
>>> report.stored  # doctest: +SKIP
44
"""

import html
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as day_time
from email.message import Message
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import frontmatter
from markdown_it import MarkdownIt

from crawler.report import CrawlReport
from crawler.run import CrawlOptions, ProgressCallback, run_crawl
from crawler.sources import load_sources

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
DEMO_SOURCES_FILE = Path(__file__).with_name("demo_sources.toml")
# The server is our own, on loopback: no need to wait between requests.
LOOPBACK_SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
PAGE_SIZE = 10
# Sources whose documents are published as PDF letters, as government departments do.
LETTER_SOURCES = ("(sample letter)",)
KIND_SECTIONS = {
    "news": "News",
    "union": "Union",
    "government": "Government",
    "campaign": "Campaign",
}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SitePage:
    """One sample as published: where it lives on the site and what it declares."""

    path: str  # site path, e.g. "/union/2010-10-27-why-the-branch-says-no.html"
    title: str
    published: date
    kind: str
    source: str
    author: str | None
    body: str  # Markdown, as written in the sample
    is_pdf: bool


def read_samples(samples: Path = SAMPLES) -> list[SitePage]:
    """Every sample document, newest first, with the site path its front-matter URL gives."""
    pages = []
    for path in sorted(samples.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        post = frontmatter.load(path)
        is_pdf = any(marker in post["source"] for marker in LETTER_SOURCES)
        site_path = urlsplit(post["url"]).path
        if is_pdf:
            site_path = site_path.removesuffix(".html") + ".pdf"
        pages.append(
            SitePage(
                path=site_path,
                title=post["title"],
                published=post["published"],
                kind=post["kind"],
                source=post["source"],
                author=post.get("author"),
                body=post.content,
                is_pdf=is_pdf,
            )
        )
    return sorted(pages, key=lambda page: (page.published, page.path), reverse=True)


def build_site(samples: Path, directory: Path, base_url: str) -> list[SitePage]:
    """Write the site for `samples` into `directory`; links in the feed and sitemap start with
    `base_url` (absolute, as the protocols require). Returns the pages written."""
    base_url = base_url.rstrip("/") + "/"
    pages = read_samples(samples)
    directory.mkdir(parents=True, exist_ok=True)
    for page in pages:
        target = directory / page.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, render_letter_pdf(page) if page.is_pdf else render_article(page))
    listing_pages = [pages[i : i + PAGE_SIZE] for i in range(0, len(pages), PAGE_SIZE)]
    for number, entries in enumerate(listing_pages, start=1):
        target = directory / listing_path(number).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, render_listing(entries, number, len(listing_pages)))
    _write(directory / "feed.xml", render_feed(pages, base_url))
    _write(directory / "sitemap.xml", render_sitemap(pages, base_url))
    _write(
        directory / "robots.txt",
        f"User-agent: *\nDisallow: /drafts/\n\nSitemap: {base_url}sitemap.xml\n",
    )
    return pages


def _write(target: Path, content: str | bytes) -> None:
    """Write only what changed: an unchanged file keeps its Last-Modified date, so a second
    crawl of the site gets 304 Not Modified, as it would from a real publisher."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)


def crawl_demo_site(
    db: Path,
    directory: Path,
    *,
    samples: Path = SAMPLES,
    port: int = 0,
    progress: ProgressCallback | None = None,
    on_log=None,
) -> CrawlReport:
    """Build the sample site into `directory`, serve it on loopback (`port` 0: any free one),
    crawl it into `db` with the sources of crawler/demo_sources.toml, and stop serving."""
    directory.mkdir(parents=True, exist_ok=True)
    with serve_site(directory, port=port) as server:
        build_site(samples, directory, server.url)
        names = tuple(load_sources(DEMO_SOURCES_FILE))
        options = CrawlOptions(
            db=db,
            sources=names,
            sources_file=DEMO_SOURCES_FILE,
            base_urls=dict.fromkeys(names, server.url),
            keep_all=True,  # every sample is on topic, and the demo must show them all
            settings=LOOPBACK_SETTINGS,
        )
        return run_crawl(options, progress, on_log)


def listing_path(number: int) -> str:
    return "/index.html" if number == 1 else f"/page/{number}.html"


# --- HTML ----------------------------------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark", {"html": False})
SITE_NAME = "nhscuts sample site"


def _layout(title: str, head: str, main: str) -> str:
    nav = " ".join(
        f'<li><a href="/index.html#{kind}">{section}</a></li>'
        for kind, section in KIND_SECTIONS.items()
    )
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed.xml">
{head}
</head>
<body>
<header><p class="site-name"><a href="/index.html">{SITE_NAME}</a></p>
<nav aria-label="Sections"><ul>{nav}</ul></nav></header>
<main>
{main}
</main>
<footer><p>Sample documents written by the nhscuts project. Every outlet, branch, trust and
person marked "(sample)" is invented. <a href="/feed.xml">RSS</a> ·
<a href="/sitemap.xml">Sitemap</a></p></footer>
</body>
</html>
"""


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def render_article(page: SitePage) -> str:
    """An article page carrying its metadata the ways real publishers do."""
    published = f"{page.published.isoformat()}T09:00:00+00:00"
    author = f"By {html.escape(page.author)} · " if page.author else ""
    head = "\n".join(
        [
            f'<meta property="og:title" content="{html.escape(page.title)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:site_name" content="{html.escape(page.source)}">',
            f'<meta property="article:published_time" content="{published}">',
            f'<meta property="article:section" content="{KIND_SECTIONS[page.kind]}">',
            f'<meta name="author" content="{html.escape(page.author or page.source)}">',
            f'<link rel="canonical" href="{page.path}">',
        ]
    )
    main = f"""<article>
<h1>{html.escape(page.title)}</h1>
<p class="byline">{author}{html.escape(page.source)} ·
<time datetime="{published}">{_long_date(page.published)}</time></p>
{_MARKDOWN.render(page.body)}</article>"""
    return _layout(f"{page.title} | {page.source}", head, main)


def render_listing(entries: list[SitePage], number: int, last: int) -> str:
    """One page of the newest-first listing: links, dates and kinds, and pagination."""
    items = "\n".join(
        f'<li class="{page.kind}"><a href="{page.path}">{html.escape(page.title)}</a> '
        f'<span class="kind">{KIND_SECTIONS[page.kind]}</span> '
        f'<time datetime="{page.published.isoformat()}">{_long_date(page.published)}</time>'
        + (" (PDF)" if page.is_pdf else "")
        + "</li>"
        for page in entries
    )
    links = []
    if number > 1:
        links.append(f'<a rel="prev" href="{listing_path(number - 1)}">Newer</a>')
    if number < last:
        links.append(f'<a rel="next" href="{listing_path(number + 1)}">Older</a>')
    head = "\n".join(
        f'<link rel="{rel}" href="{listing_path(n)}">'
        for rel, n in (("prev", number - 1), ("next", number + 1))
        if 1 <= n <= last
    )
    main = f"""<h1>Latest documents</h1>
<ul class="listing">
{items}
</ul>
<nav class="pagination" aria-label="Pages"><p>Page {number} of {last} {" ".join(links)}</p></nav>"""
    return _layout(f"Latest documents, page {number} | {SITE_NAME}", head, main)


# --- feed and sitemap ----------------------------------------------------------------------


def _url(base_url: str, page: SitePage) -> str:
    return base_url + page.path.lstrip("/")


def render_feed(pages: list[SitePage], base_url: str) -> str:
    """RSS 2.0 with every document, newest first."""
    items = []
    for page in pages:
        moment = datetime.combine(page.published, day_time(9), tzinfo=UTC)
        summary = page.body.strip().split("\n\n")[0]
        items.append(
            f"""  <item>
    <title>{xml_escape(page.title)}</title>
    <link>{xml_escape(_url(base_url, page))}</link>
    <guid isPermaLink="true">{xml_escape(_url(base_url, page))}</guid>
    <pubDate>{format_datetime(moment)}</pubDate>
    <category>{KIND_SECTIONS[page.kind]}</category>
    <description>{xml_escape(summary)}</description>
  </item>"""
        )
    newest = datetime.combine(pages[0].published, day_time(9), tzinfo=UTC) if pages else None
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>{SITE_NAME}</title>
  <link>{xml_escape(base_url)}</link>
  <description>Sample news, union, government and campaign documents about NHS workforce
  cuts, written by the nhscuts project.</description>
  <language>en-gb</language>
  {f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>" if newest else ""}
{chr(10).join(items)}
</channel>
</rss>
"""


def render_sitemap(pages: list[SitePage], base_url: str) -> str:
    """A urlset of every document with its publication day as lastmod."""
    urls = "\n".join(
        f"  <url><loc>{xml_escape(_url(base_url, page))}</loc>"
        f"<lastmod>{page.published.isoformat()}</lastmod></url>"
        for page in pages
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""


# --- PDF letters ---------------------------------------------------------------------------


def render_letter_pdf(page: SitePage) -> bytes:
    """A letter as a PDF: title and dates in its metadata, the letter's date on the page."""
    from fpdf import FPDF  # imported here: only the demo site draws PDFs

    pdf = FPDF(format="A4")
    pdf.set_title(page.title)
    pdf.set_author(page.source)
    pdf.set_creation_date(datetime.combine(page.published, day_time(9), tzinfo=UTC))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, page.source, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _long_date(page.published), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", style="B", size=13)
    pdf.multi_cell(0, 7, page.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for paragraph in page.body.strip().split("\n\n"):
        # Core PDF fonts are Latin-1; the samples use no character outside it.
        text = " ".join(paragraph.split("\n")).encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


# --- serving -------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request; records each request's path."""

    def log_message(self, format, *args):  # noqa: A002 (the base class names it so)
        logger.debug("%s %s", self.address_string(), format % args)

    def send_head(self):
        self.server.requests.append(self.path)
        if self.server.on_request is not None:
            self.server.on_request(self.path, self.headers)
        return super().send_head()


class SiteServer:
    """A loopback HTTP server for a folder, running in a thread. Use as a context manager.

    `url` is its base URL ("http://127.0.0.1:PORT/"); `requests` lists the paths asked for.
    `on_request(path, headers)`, if given, is called in the request's thread before the
    answer (a test can record who asked, or hold requests back).
    """

    def __init__(
        self,
        directory: Path,
        port: int = 0,
        host: str = "127.0.0.1",
        on_request: Callable[[str, Message], None] | None = None,
    ):
        handler = partial(_QuietHandler, directory=str(directory))
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.httpd.on_request = on_request
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def start(self) -> "SiteServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def __enter__(self) -> "SiteServer":
        return self if self.thread.is_alive() else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_site(
    directory: Path,
    port: int = 0,
    host: str = "127.0.0.1",
    on_request: Callable[[str, Message], None] | None = None,
) -> SiteServer:
    """Serve `directory` on loopback (port 0: any free port), until `stop()` or `with` ends.

    Raises OSError when the port is taken.
    """
    return SiteServer(directory, port, host, on_request).start()
