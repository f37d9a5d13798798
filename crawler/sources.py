"""The sources a crawl can visit, read from `crawler/sources.toml` (or a user's own file).

>>> sources = load_sources()
>>> sources["govuk"].spider
'govuk'
"""

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from corpus.migrations import DOCUMENT_KINDS

DEFAULT_SOURCES_FILE = Path(__file__).with_name("sources.toml")
SPIDER_TYPES = ("feed", "sitemap", "listing", "govuk")
SOURCE_KINDS = tuple(kind for kind in DOCUMENT_KINDS if kind != "other")
DEFAULT_MAX_PAGES = 10


class SourceError(ValueError):
    """A sources file that cannot be used. The message names the file, the source and the fix."""


@dataclass(frozen=True)
class GovukSearch:
    """What the GOV.UK spider asks the Search API: each query, within these organisations."""

    queries: tuple[str, ...]
    organisations: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()  # filter_content_store_document_type, e.g. "guidance"
    page_size: int = 50


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    kind: str
    spider: str
    base_url: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    article_links: str | None = None
    next_page: str | None = None
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    follow_pdfs: bool = False
    max_pages: int = DEFAULT_MAX_PAGES
    search: GovukSearch | None = None
    _allow: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)
    _deny: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_allow", tuple(re.compile(rule) for rule in self.allow))
        object.__setattr__(self, "_deny", tuple(re.compile(rule) for rule in self.deny))

    def url(self, path: str) -> str:
        """A path of this source made absolute against `base_url`."""
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/")) if path else self.base_url

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts (with their port) whose pages belong to this source."""
        return frozenset({urlsplit(self.base_url).netloc.lower(), *self.domains})

    def allows(self, url: str) -> bool:
        """Whether a URL is one of this source's documents, by its allow and deny rules.

        The rules see the path and query only, so they hold on a mirror or a test server.
        """
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if any(rule.search(target) for rule in self._deny):
            return False
        return not self._allow or any(rule.search(target) for rule in self._allow)

    def with_base_url(self, base_url: str) -> "Source":
        """The same source on another host (a mirror, or a test server on loopback)."""
        _check_base_url(base_url, self.name, "--base-url")
        return replace(self, base_url=base_url)


def load_sources(path: str | Path | None = None) -> dict[str, Source]:
    """Sources by name, validated. `path` defaults to the shipped `crawler/sources.toml`."""
    path = Path(path) if path else DEFAULT_SOURCES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SourceError(f"cannot read the sources file {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"{path} is not valid TOML ({error}); fix the line it names") from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourceError(f"{path} has no [[source]] tables; see crawler/sources.toml")
    sources: dict[str, Source] = {}
    for number, entry in enumerate(entries, start=1):
        source = _parse_source(entry, f"{path}, source {entry.get('name') or number}")
        if source.name in sources:
            raise SourceError(f"{path}: two sources are named {source.name!r}; rename one")
        sources[source.name] = source
    return sources


_LIST_FIELDS = ("feeds", "sitemaps", "listings", "allow", "deny", "domains")
_KNOWN_KEYS = {f.name for f in fields(Source) if not f.name.startswith("_")}


def _parse_source(entry: dict, where: str) -> Source:
    unknown = sorted(set(entry) - _KNOWN_KEYS)
    if unknown:
        raise SourceError(
            f"{where}: unknown key {unknown[0]!r}; the keys are {', '.join(sorted(_KNOWN_KEYS))}"
        )
    for key in ("name", "title", "kind", "spider", "base_url"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise SourceError(f"{where}: `{key}` is required (a string)")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", entry["name"]):
        raise SourceError(f"{where}: name must be lower-case letters, digits, '-', '.' or '_'")
    if entry["kind"] not in SOURCE_KINDS:
        raise SourceError(f"{where}: kind must be one of {', '.join(SOURCE_KINDS)}")
    if entry["spider"] not in SPIDER_TYPES:
        raise SourceError(f"{where}: spider must be one of {', '.join(SPIDER_TYPES)}")
    _check_base_url(entry["base_url"], entry["name"], where)
    values = dict(entry)
    for key in _LIST_FIELDS:
        items = values.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise SourceError(f"{where}: `{key}` must be a list of strings")
        values[key] = tuple(items)
    for key in ("allow", "deny"):
        for rule in values[key]:
            try:
                re.compile(rule)
            except re.error as error:
                raise SourceError(f"{where}: bad regular expression {rule!r} ({error})") from None
    if not isinstance(values.get("max_pages", 1), int) or values.get("max_pages", 1) < 1:
        raise SourceError(f"{where}: max_pages must be a whole number of at least 1")
    if "search" in values:
        values["search"] = _parse_search(values["search"], where)
    _check_spider_needs(values, where)
    return Source(**values)


def _parse_search(table, where: str) -> GovukSearch:
    known = {f.name for f in fields(GovukSearch)}
    if not isinstance(table, dict) or set(table) - known:
        raise SourceError(f"{where}: [source.search] takes only {', '.join(sorted(known))}")
    queries = table.get("queries")
    if not isinstance(queries, list) or not queries:
        raise SourceError(f"{where}: [source.search] needs queries = [...] (at least one)")
    page_size = table.get("page_size", 50)
    if not isinstance(page_size, int) or not 1 <= page_size <= 1000:
        raise SourceError(f"{where}: page_size must be between 1 and 1000")
    return GovukSearch(
        queries=tuple(queries),
        organisations=tuple(table.get("organisations", ())),
        document_types=tuple(table.get("document_types", ())),
        page_size=page_size,
    )


def _check_spider_needs(values: dict, where: str) -> None:
    spider = values["spider"]
    if spider == "feed" and not values["feeds"]:
        raise SourceError(f"{where}: a feed source needs feeds = [...]")
    if spider == "listing" and not (values["listings"] and values.get("article_links")):
        raise SourceError(f"{where}: a listing source needs listings = [...] and article_links")
    if spider == "govuk" and not values.get("search"):
        raise SourceError(f"{where}: a govuk source needs a [source.search] table")


def _check_base_url(base_url: str, name: str, where: str) -> None:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(f"{where}: base_url of {name} must be an http(s) URL, not {base_url!r}")
