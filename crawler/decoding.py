"""What a response is (HTML, PDF, API JSON) and its HTML as text, whatever its charset claims.

Servers often get the charset wrong: a Windows-1252 page declared UTF-8, or one that
declares nothing. The bytes decide before the declaration does:

1. a byte-order mark;
2. valid UTF-8 (a non-ASCII page in another charset is almost never valid UTF-8);
3. the declared charset (HTTP header, then <meta>), if the bytes decode with it;
4. Windows-1252, the commonest legacy charset of English pages (undefined bytes become �).
"""

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

HTML = "text/html"
PDF = "application/pdf"
JSON = "application/json"

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_UNSPECIFIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "text/plain"}


def media_type(content_type: str, body: bytes, url: str) -> str:
    """HTML, PDF or the header's own media type, sniffing when the header is missing or vague."""
    declared = content_type.split(";")[0].strip().lower()
    if declared in _HTML_TYPES:
        return HTML
    if declared == PDF or body.startswith(b"%PDF-"):
        return PDF
    if declared in _UNSPECIFIC_TYPES:
        head = _without_leading_comments(body[:2048].lstrip().lower())
        if head.startswith((b"<!doctype html", b"<html", b"<head")) or b"<body" in head:
            return HTML
        if url.lower().split("?")[0].endswith(".pdf"):
            return PDF
    return declared or "unknown"


def _without_leading_comments(head: bytes) -> bytes:
    """The start of a page after any <!-- comments --> before its doctype (a CMS banner)."""
    while head.startswith(b"<!--") and (end := head.find(b"-->")) != -1:
        head = head[end + 3 :].lstrip()
    return head


def decode_html(body: bytes, content_type: str = "") -> str:
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return body[len(bom) :].decode(bom_encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for declared in (http_content_type_encoding(content_type), html_body_declared_encoding(body)):
        encoding = resolve_encoding(declared) if declared else None
        if encoding and encoding not in ("utf-8", "utf8"):
            try:
                return body.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return body.decode("cp1252", errors="replace")
