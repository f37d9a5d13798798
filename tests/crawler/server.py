"""A loopback HTTP server for crawler tests: a folder of files, error routes, a request log.

    with SiteServer(SITE).start() as server:
        server.url("/feeds/news.rss")          # http://127.0.0.1:PORT/feeds/news.rss
        server.paths_requested()               # every path asked for, in order

Text files have `{{BASE}}` replaced by the server's base URL. Every file is served with an
ETag and a Last-Modified date, and a conditional GET that matches gets a 304. Pages can be
added or replaced while it runs (`add_page`), and any path can be given a handler (`route`).
The error cases the crawler must survive are built in, under /errors/ (see ERROR_ROUTES).
"""

import hashlib
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SITE = Path(__file__).resolve().parents[1] / "data" / "site"
BASE_PLACEHOLDER = b"{{BASE}}"
# Every file has the same Last-Modified: what changes a page in these tests is its ETag.
LAST_MODIFIED = formatdate(1741766400, usegmt=True)  # 12 March 2025

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".md": "text/markdown; charset=utf-8",
}
TEXT_SUFFIXES = {".html", ".xml", ".rss", ".atom", ".txt", ".json", ".md"}


@dataclass
class RecordedRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    status: int = 0


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # A Content-Length larger than the body: the body is sent, then the connection is closed.
    promised_length: int | None = None


Handler = Callable[["SiteServer", RecordedRequest], Reply | None]


class SiteServer:
    def __init__(self, root: Path = SITE):
        self.root = Path(root)
        self.requests: list[RecordedRequest] = []
        self.pages: dict[str, tuple[bytes, str]] = {}  # path → (body, content type)
        self.routes: dict[str, Handler] = dict(ERROR_ROUTES)
        self.hits: dict[str, int] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # --- running ---------------------------------------------------------------------------

    def start(self) -> "SiteServer":
        server = self

        class RequestHandler(_RequestHandler):
            site = server

        self._httpd = _QuietServer(("127.0.0.1", 0), RequestHandler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes the slow route
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> "SiteServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def netloc(self) -> str:
        return urlsplit(self.base_url).netloc

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- programming it -------------------------------------------------------------------

    def add_page(self, path: str, body: str | bytes, content_type: str | None = None) -> None:
        """Serve `body` at `path` (replacing a file there), with `{{BASE}}` filled in."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        suffix = Path(urlsplit(path).path).suffix
        self.pages[path] = (data, content_type or CONTENT_TYPES.get(suffix, "text/html"))

    def route(self, path: str, handler: Handler) -> None:
        """Answer `path` (without its query) with `handler(server, request) -> Reply`."""
        self.routes[path] = handler

    # --- what happened --------------------------------------------------------------------

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [request.path for request in self.requests]

    def requests_for(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path or urlsplit(r.path).path == path]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- answering ------------------------------------------------------------------------

    def answer(self, request: RecordedRequest) -> Reply:
        path = urlsplit(request.path).path
        with self._lock:
            self.requests.append(request)
            self.hits[path] = self.hits.get(path, 0) + 1
        if path in self.routes:
            return self.routes[path](self, request)
        if request.path in self.pages or path in self.pages:
            body, content_type = self.pages.get(request.path) or self.pages[path]
            return self.static(self.fill(body), content_type, request)
        file = self._file_for(path)
        if file is None:
            return Reply(404, b"<html><body><h1>Not found</h1></body></html>", _html_type())
        body = file.read_bytes()
        if file.suffix in TEXT_SUFFIXES:
            body = self.fill(body)
        return self.static(
            body, CONTENT_TYPES.get(file.suffix, "application/octet-stream"), request
        )

    def fill(self, body: bytes) -> bytes:
        return body.replace(BASE_PLACEHOLDER, self.base_url.encode("ascii"))

    def static(self, body: bytes, content_type: str, request: RecordedRequest) -> Reply:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"Content-Type": content_type, "ETag": etag, "Last-Modified": LAST_MODIFIED}
        if request.headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag, "Last-Modified": LAST_MODIFIED})
        return Reply(200, body, headers)

    def _file_for(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        candidate = (self.root / relative).resolve()
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if not candidate.is_file() or self.root.resolve() not in candidate.parents:
            return None
        return candidate


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client that hangs up mid-reply (the crawler cancelling a 10 MB page) is expected.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    site: SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        headers = {name: value for name, value in self.headers.items()}
        request = RecordedRequest("GET", self.path, headers)
        reply = self.site.answer(request)
        request.status = reply.status
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(reply.promised_length or len(reply.body)))
        self.end_headers()
        if reply.body:
            self.wfile.write(reply.body)
        if reply.promised_length:
            self.close_connection = True

    def log_message(self, format, *args) -> None:  # quiet: the log is `site.requests`
        pass


def _html_type() -> dict[str, str]:
    return {"Content-Type": "text/html; charset=utf-8"}


# --- the error cases ------------------------------------------------------------------------

SLOW_SECONDS = 30  # far beyond the tests' DOWNLOAD_TIMEOUT; ends early when the server stops
HUGE_BYTES = 11 * 1024 * 1024  # over the crawler's 10 MB DOWNLOAD_MAXSIZE

CHARSET_ARTICLE = """<!DOCTYPE html>
<html lang="en"><head>{meta}<title>Trust’s £3m savings plan puts 40 posts at risk</title>
<meta property="og:type" content="article"></head>
<body><article><h1>Trust’s £3m savings plan puts 40 posts at risk</h1>
<p>The NHS trust’s savings plan — worth £3m this year — puts 40 posts at risk, staff were told.</p>
<p>Managers said the “difficult” decisions would fall mostly on administrative jobs, and that
vacancies would be held open where they could be. Staff representatives said the plan had
been drawn up without consultation and asked for it to be withdrawn.</p>
<p>The trust’s board will discuss the plan again next month, when a full equality impact
assessment is due. A public meeting is planned for the week after.</p>
</article></body></html>
"""


def _slow(site: SiteServer, request: RecordedRequest) -> Reply:
    site.stopping.wait(SLOW_SECONDS)
    return Reply(200, b"<html><body><p>Too late.</p></body></html>", _html_type())


def _missing(site, request) -> Reply:
    return Reply(404, b"<html><body><h1>Not found</h1></body></html>", _html_type())


def _redirect_to(location: str) -> Handler:
    return lambda site, request: Reply(302, b"", {"Location": location})


def _redirect_chain(site, request) -> Reply:
    step = int(parse_qs(urlsplit(request.path).query).get("n", ["1"])[0])
    return Reply(302, b"", {"Location": f"/errors/redirect-chain?n={step + 1}"})


def _truncated(site, request) -> Reply:
    # Promises 20,000 bytes, sends 300, hangs up: the client sees a truncated body.
    body = b"<html><body><p>" + b"The trust will cut " * 15
    return Reply(200, body, _html_type(), promised_length=20_000)


def _cp1252(declared: str | None) -> Handler:
    meta = f'<meta charset="{declared}">' if declared else ""
    content_type = f"text/html; charset={declared}" if declared else "text/html"
    body = CHARSET_ARTICLE.format(meta=meta).encode("cp1252")
    return lambda site, request: Reply(200, body, {"Content-Type": content_type})


_HUGE: list[bytes] = []


def _huge(site, request) -> Reply:
    if not _HUGE:
        paragraph = b"<p>The NHS trust will cut jobs and posts to save running costs.</p>\n"
        _HUGE.append(
            b"<html><body>" + paragraph * (HUGE_BYTES // len(paragraph)) + b"</body></html>"
        )
    return Reply(200, _HUGE[0], _html_type())


def _flaky(site: SiteServer, request: RecordedRequest) -> Reply:
    # Busy the first time, fine after: a retry (with backoff) gets the page.
    if site.hits.get("/errors/flaky.html", 0) == 1:
        return Reply(503, b"busy", {"Content-Type": "text/plain", "Retry-After": "0"})
    body = (SITE / "union" / "branch-says-no-to-cuts.html").read_bytes()
    return Reply(200, body, _html_type())


ERROR_ROUTES: dict[str, Handler] = {
    "/errors/slow.html": _slow,
    "/errors/missing.html": _missing,
    "/errors/loop-a.html": _redirect_to("/errors/loop-b.html"),
    "/errors/loop-b.html": _redirect_to("/errors/loop-a.html"),
    "/errors/redirect-chain": _redirect_chain,
    "/errors/truncated.html": _truncated,
    "/errors/cp1252-declared-utf8.html": _cp1252("utf-8"),
    "/errors/cp1252-undeclared.html": _cp1252(None),
    "/errors/huge.html": _huge,
    "/errors/flaky.html": _flaky,
    "/errors/logo.png": lambda site, request: Reply(
        200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, {"Content-Type": "image/png"}
    ),
}


# --- GOV.UK APIs ----------------------------------------------------------------------------

GOVUK_HOSTS = (b"https://www.gov.uk", b"https://assets.publishing.service.gov.uk")


def install_govuk_api(site: SiteServer, content_items: list[dict], search_template: dict) -> None:
    """Serve /api/search.json (paged over `content_items`) and /api/content/<base_path>.

    The search results take the real response's shape from `search_template`: its first
    result is the model for each item's. GOV.UK URLs in the items point at this server.
    """
    by_path = {item["base_path"]: item for item in content_items}
    model = search_template["results"][0]

    def search(site, request) -> Reply:
        query = parse_qs(urlsplit(request.path).query)
        start, count = int(query.get("start", ["0"])[0]), int(query.get("count", ["10"])[0])
        results = [
            {
                **model,
                "title": item["title"],
                "description": item.get("description", ""),
                "link": item["base_path"],
                "_id": item["base_path"],
                "public_timestamp": item.get("public_updated_at"),
                "format": item.get("document_type"),
            }
            for item in content_items[start : start + count]
        ]
        body = {**search_template, "results": results, "total": len(content_items), "start": start}
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def content(site, request) -> Reply:
        path = urlsplit(request.path).path.removeprefix("/api/content")
        if path not in by_path:
            return _missing(site, request)
        body = json.dumps(by_path[path]).encode()
        for host in GOVUK_HOSTS:
            body = body.replace(host, site.base_url.encode())
        return site.static(site.fill(body), "application/json", request)

    site.route("/api/search.json", search)
    for path in by_path:
        site.route("/api/content" + path, content)
    for name in ("workforce-letter-2025.pdf", "mars-guidance-2024.pdf"):
        pdf = (SITE / "letters" / name).read_bytes()
        site.route(
            f"/media/sample/{name}",
            lambda site, request, pdf=pdf: site.static(pdf, "application/pdf", request),
        )
