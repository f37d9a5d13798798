"""Reading a fetched page into a Document: the CPU-heavy half of the pipelines.

A page's text, title, author and date come from corpus.formats (trafilatura and htmldate for
HTML, pypdf for PDF) or from an API's own fields; then the site-mode article check, the
--since check, the Document record (normalised text, content hash, compressed raw bytes) and
its MinHash signature for the duplicates stage. Each step needs only the page itself, so
`read_page` is a plain function of a Page, run in worker processes by
crawler/reader_pool.py.
"""

import lxml.html

from corpus.document import Document, normalise_text
from corpus.formats import EXTRACTOR_VERSION, ExtractedText, UnreadableDocument, extract
from crawler.articles import not_an_article
from crawler.decoding import HTML, JSON, PDF, decode_html
from crawler.items import Page, PageRead
from crawler.near_duplicates import MIN_NEAR_DUPLICATE_WORDS, signature, to_bytes
from crawler.urls import canonical_url


def read_page(item: Page, since: str | None = None) -> PageRead:
    """Extract and check one validated page (media_type set). Never raises for bad input."""
    url = item.response_url or item.url
    html = None
    try:
        if item.api_fields is not None:
            extracted = extracted_from_api_fields(item.api_fields)
        elif item.media_type == HTML:
            html = decode_html(item.body, item.content_type)
            # Re-encoded as UTF-8, which trafilatura tries first, whatever the page declared.
            extracted = extract(html.encode("utf-8"), HTML, url=url)
        else:
            extracted = extract(item.body, PDF)
    except UnreadableDocument as problem:
        if item.must_be_article and item.media_type == HTML:
            return PageRead(outcome="skipped", reason=f"not an article: {problem}")
        return PageRead(outcome="failed", reason=str(problem))
    if item.must_be_article and html is not None:
        words = len(extracted.text.split())
        if reason := not_an_article(html, url, words, extracted.published):
            return PageRead(outcome="skipped", reason=f"not an article: {reason}")
    if since and extracted.published and extracted.published < since:
        return PageRead(
            outcome="skipped", reason=f"published {extracted.published}, before --since"
        )
    public_url = (item.api_fields or {}).get("web_url") or url
    document = Document(
        text=extracted.text,
        source=item.source,
        kind=item.kind,
        content_type=item.media_type,
        extractor_version=EXTRACTOR_VERSION,
        title=extracted.title,
        author=extracted.author,
        published=extracted.published,
        url=public_url,
        canonical_url=canonical_url(public_url),
        raw=item.body,
        fetched_at=item.fetched_at,
        text_is_normalised=True,  # by corpus.formats.extract, or below for API fields
    )
    document.stored_raw  # noqa: B018 (cached: compressed here, not in the writing process)
    # Only the compressed copy goes back to the crawl process: the raw bytes as well would
    # more than double what each page costs to send back.
    document.raw = None
    minhash = None
    if len(document.text.split()) >= MIN_NEAR_DUPLICATE_WORDS:
        minhash = to_bytes(signature(document.text))
    return PageRead(document=document, minhash=minhash)


def extracted_from_api_fields(fields: dict) -> ExtractedText:
    """A GOV.UK Content API item: the description, then the body's paragraphs."""
    parts = [fields.get("description") or "", html_fragment_text(fields.get("body_html") or "")]
    text = normalise_text("\n\n".join(part for part in parts if part.strip()))
    if not text:
        raise UnreadableDocument("the API item has no description or body")
    published = fields.get("published")
    return ExtractedText(
        text=text,
        content_type=JSON,
        title=fields.get("title"),
        author=fields.get("author"),
        published=published[:10] if published else None,
    )


_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "div", "address")


def html_fragment_text(fragment: str) -> str:
    """Text of an HTML fragment with a blank line after each block (paragraph, heading, item)."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()
