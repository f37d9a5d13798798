"""URL validation and the canonical form that duplicate detection compares.

>>> canonical_url("HTTP://Example.org:80/a/../news/story?utm_source=rss&b=2&a=1#top")
'http://example.org/news/story?a=1&b=2'
"""

import posixpath
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url, validate_url


def is_valid_url(url: str) -> bool:
    """An absolute http(s) URL with a host (courlan's check, which loopback passes too)."""
    valid, _ = validate_url(url)
    return valid


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no tracking parameters (utm_*, fbclid),
    sorted query, dot segments resolved, no fragment: one spelling per page."""
    normalised = urlsplit(normalize_url(url))
    path = normalised.path or "/"
    if "/." in path:
        resolved = posixpath.normpath(path)
        path = resolved + ("/" if path.endswith("/") and resolved != "/" else "")
    return urlunsplit((normalised.scheme, normalised.netloc, path, normalised.query, ""))
