"""Turn the raw bytes of a txt, md, html, pdf or docx document into text and metadata.

The corpus keeps the raw bytes, so every stage (file import, crawler, extraction CLI) goes
through this one module and a stored document can be re-extracted when it improves.
"""

import functools
import io
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import charset_normalizer
import dateparser
import frontmatter
import pypdf
import trafilatura
import yaml

from corpus.document import normalise_text

# 2: trafilatura without its fallback extractors (see _read_html); 3: PDF words hyphenated
# across a line break rejoined (see pdf_page_paragraphs)
FORMATS_VERSION = 3
EXTRACTOR_VERSION = (
    f"nhscuts-formats/{FORMATS_VERSION} trafilatura/{trafilatura.__version__} "
    f"pypdf/{pypdf.__version__}"
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": DOCX,
}
# pypdf logs each repair attempt on a damaged file; the caller reports one clear line instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")


class UnreadableDocument(Exception):
    """The bytes cannot be turned into text. The message says why, in a few words."""


@dataclass
class ExtractedText:
    text: str
    content_type: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    # Metadata the document declares about itself (Markdown front matter).
    kind: str | None = None
    source: str | None = None
    url: str | None = None


def content_type_for(path: Path) -> str | None:
    return CONTENT_TYPES.get(path.suffix.lower())


def extract(data: bytes, content_type: str, *, url: str | None = None) -> ExtractedText:
    """Text and metadata from a document's bytes.

    >>> extract(b"Job cuts at the trust\\n\\n9,000 staff were emailed.", "text/plain").title
    'Job cuts at the trust'
    """
    if not data.strip():
        raise UnreadableDocument("empty file")
    readers = {
        "text/plain": _read_plain_text,
        "text/markdown": _read_markdown,
        "text/html": _read_html,
        "application/pdf": _read_pdf,
        DOCX: _read_docx,
    }
    reader = readers.get(content_type.split(";")[0].strip().lower())
    if reader is None:
        raise UnreadableDocument(f"unsupported content type {content_type}")
    extracted = reader(data, url) if reader is _read_html else reader(data)
    extracted.text = normalise_text(extracted.text)
    if not extracted.text:
        raise UnreadableDocument("no text found")
    return extracted


# --- plain text and Markdown ---------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode text bytes: UTF-8, else Windows-1252, else charset-normalizer's best guess.

    cp1252 is tried before detection because it is by far the commonest non-UTF-8 encoding of
    English text, and detectors often mistake short cp1252 files for other code pages.
    """
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise UnreadableDocument("binary data, not text (is the file extension right?)")
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f")
    if controls > len(head) * 0.05:
        raise UnreadableDocument("binary data, not text (is the file extension right?)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableDocument("unknown text encoding; save the file as UTF-8")
    return str(best)


def _read_plain_text(data: bytes) -> ExtractedText:
    text = decode_text(data)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return ExtractedText(
        text=text,
        content_type="text/plain",
        title=_title_from_first_line(lines),
        author=_guess_author(lines[:8]),
        published=guess_date("\n".join(lines[:8])),
    )


def _read_markdown(data: bytes) -> ExtractedText:
    text = decode_text(data)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as error:
        raise UnreadableDocument(f"malformed front matter ({error.__class__.__name__})") from None
    meta = {key.lower(): value for key, value in post.metadata.items()}
    body = re.sub(r"^#{1,6}\s+", "", post.content, flags=re.MULTILINE)
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    published = meta.get("published") or meta.get("date")
    return ExtractedText(
        text=body,
        content_type="text/markdown",
        title=_str_or_none(meta.get("title")) or _title_from_first_line(lines),
        author=_str_or_none(meta.get("author")) or _guess_author(lines[:8]),
        published=_iso_date(published) or guess_date("\n".join(lines[:8])),
        kind=_str_or_none(meta.get("kind")),
        source=_str_or_none(meta.get("source")),
        url=_str_or_none(meta.get("url")),
    )


def _str_or_none(value) -> str | None:
    return str(value).strip() or None if value is not None else None


def _title_from_first_line(lines: list[str]) -> str | None:
    # A first line that reads like a paragraph is not a title.
    if lines and len(lines[0]) <= 150:
        return lines[0].lstrip("#").strip()
    return None


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE_PATTERNS = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{4}}\b"  # 20 January 2025
    rf"|\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"  # January 20, 2025
    r"|\b\d{4}-\d{2}-\d{2}\b"  # 2025-01-20
    r"|\b\d{1,2}/\d{1,2}/\d{4}\b",  # 20/01/2025 (UK order)
    re.IGNORECASE,
)
_AUTHOR_LINE = re.compile(r"^(?:By\s+)?((?:[A-Z][a-z'’-]+\s){1,3}[A-Z][a-z'’-]+)\b")


def guess_date(text: str) -> str | None:
    """The first plausible date written in `text`, as an ISO date.

    >>> guess_date("Rory Woods 20 January 2025")
    '2025-01-20'
    """
    for match in _DATE_PATTERNS.finditer(text):
        parsed = dateparser.parse(
            match.group(0),
            languages=["en"],
            settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"},
        )
        if parsed and 1990 <= parsed.year <= date.today().year + 1:
            return parsed.date().isoformat()
    return None


def _guess_author(lines: list[str]) -> str | None:
    """A byline: "By Jane Smith", or a name followed by a date ("Rory Woods 20 January 2025")."""
    for line in lines:
        match = _AUTHOR_LINE.match(line)
        if not match:
            continue
        rest = line[match.end() :].strip(" ,|-–")
        if line.startswith("By ") and len(line) < 60:
            return match.group(1).strip()
        if rest and _DATE_PATTERNS.fullmatch(rest):
            return match.group(1).strip()
    return None


def _iso_date(value) -> str | None:
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, str) and value.strip():
        return guess_date(value) or (value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None)
    return None


# --- HTML ----------------------------------------------------------------------------------


MIN_HTML_WORDS = 10


def _read_html(data: bytes, url: str | None) -> ExtractedText:
    # Parsed once here: the headline is read before trafilatura prunes the tree.
    tree = trafilatura.load_html(data)
    if tree is None:
        raise UnreadableDocument("not HTML that can be parsed")
    headline = page_headline(tree)
    # fast: without the readability and jusText fallbacks trafilatura compares its own
    # extraction with. On the 63 real pages of bench/bench_pages.py they changed no title,
    # date or body token, and they cost a quarter of the time a page takes.
    result = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=True, fast=True
    )
    # Below a sentence's worth of words trafilatura has only found navigation or a caption.
    if result is None or len((result.text or "").split()) < MIN_HTML_WORDS:
        raise UnreadableDocument("no main text found in the HTML (a listing or empty page?)")
    # trafilatura separates paragraphs with one newline; the corpus uses a blank line.
    text = result.text.replace("\n", "\n\n")
    return ExtractedText(
        text=text,
        content_type="text/html",
        title=headline or result.title or None,
        author=result.author or None,
        published=result.date or None,
    )


# Between a headline and the site or section names in a <title>: "Headline | UK news | Site".
_TITLE_SEPARATOR = re.compile(r"(\s+[|\-–—»·]\s+)")
_HEADLINE_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def page_headline(tree) -> str | None:
    """The headline a page shows its readers, or None to leave the choice to trafilatura.

    Publishers write it in <title> beside their site and section names, and again as the <h1>
    or in og:title. og:title alone is often a shorter social-media variant (BBC, Independent),
    so the headline is the candidate that is also a run of <title> segments (the longest such);
    failing that, the longest <title> segment. Real pages with ground truth drive this: see
    tests/crawler/test_real_pages.py.

    >>> from lxml import html
    >>> page_headline(html.fromstring(
    ...     "<title>BBC News - Trust cuts 200 posts</title><h1>Trust cuts 200 posts</h1>"
    ...     "<meta property='og:title' content='200 posts cut'>"))
    'Trust cuts 200 posts'
    """
    titles = tree.xpath("//head/title/text()") or tree.xpath("//title/text()")
    page_title = " ".join(titles[0].split()) if titles else ""
    if not page_title:
        return None
    parts = _TITLE_SEPARATOR.split(page_title)  # segments at even indices, separators between
    segments = parts[::2]
    runs = {
        _comparable("".join(parts[2 * first : 2 * last + 1]))
        for first in range(len(segments))
        for last in range(first, len(segments))
    }
    longest_segment = max(segments, key=len)
    candidates = [" ".join(h1.text_content().split()) for h1 in tree.xpath("//h1")[:3]]
    candidates += tree.xpath(
        "//meta[@property='og:title' or @name='twitter:title' or @name='headline']/@content"
    )
    matches = [
        " ".join(candidate.split())
        for candidate in candidates
        # Shorter than every segment's longest: a site name or section label in an <h1>.
        if len(candidate.strip()) >= len(longest_segment) and _comparable(candidate) in runs
    ]
    if matches:
        return max(matches, key=len)
    return longest_segment if len(longest_segment.split()) >= 3 else None


def _comparable(text: str) -> str:
    return " ".join(text.translate(_HEADLINE_QUOTES).split()).casefold()


# --- PDF -----------------------------------------------------------------------------------


def _read_pdf(data: bytes) -> ExtractedText:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("encrypted PDF; save an unencrypted copy first")
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = reader.metadata or {}
    except UnreadableDocument:
        raise
    except Exception as error:  # pypdf raises many types on damaged files
        raise UnreadableDocument(
            f"corrupt or unreadable PDF ({error.__class__.__name__})"
        ) from None
    if not any(page.strip() for page in pages):
        raise UnreadableDocument("the PDF has no text layer (a scan?); run OCR on it first")
    text = "\n\n".join(pdf_page_paragraphs(page) for page in pages)
    first_lines = [line.strip() for line in pages[0].splitlines() if line.strip()][:25]
    title = _str_or_none(metadata.get("/Title"))
    if not title or re.match(r"(?i)(microsoft word|untitled)|.*\.(docx?|pdf)$", title):
        title = _letter_subject(first_lines) or _title_from_first_line(
            [line for line in first_lines if not _DATE_PATTERNS.fullmatch(line)]
        )
    created = metadata.get("/CreationDate")
    return ExtractedText(
        text=text,
        content_type="application/pdf",
        title=title,
        author=_str_or_none(metadata.get("/Author")),
        published=guess_date("\n".join(first_lines)) or _pdf_date(created),
    )


def _letter_subject(lines: list[str]) -> str | None:
    """A letter's subject line ("Re: Notify letter testing"): its title, where it has one."""
    for line in lines:
        match = re.match(r"(?i)^(?:re|subject)\s*:\s*(\S.{2,})$", line)
        if match:
            return match[1].strip()
    return None


def _pdf_date(value) -> str | None:
    # PDF dates look like D:20061031120000Z
    match = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(value or ""))
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None


def pdf_page_paragraphs(page_text: str) -> str:
    """Rejoin a PDF page's wrapped lines into paragraphs.

    PDF text has no paragraph marks, only line breaks. A wrapped line runs nearly to the
    page's usual width, so a line well short of it ends a paragraph (a heading, a salutation,
    a paragraph's last line), as do a blank line and the start of a list item.
    """
    lines = [line.rstrip() for line in page_text.splitlines()]
    widths = sorted(len(line) for line in lines if line.strip())
    if not widths:
        return ""
    full_width = widths[int(len(widths) * 0.8)]
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        stripped = line.strip()
        if not stripped:
            paragraphs.append([])
            continue
        if re.match(r"^([-•*–]|\d+[.)])\s", stripped) and paragraphs[-1]:
            paragraphs.append([])
        paragraphs[-1].append(stripped)
        short = len(line) < full_width * 0.75 and not _BROKEN_WORD.search(stripped)
        if short or (stripped[-1] in '.:!?”"' and len(line) < full_width * 0.85):
            paragraphs.append([])
    page_words = {word.lower() for word in re.findall(r"[A-Za-z]+", page_text)}
    return "\n\n".join(_join_lines(p, page_words) for p in paragraphs if p)


_BROKEN_WORD = re.compile(r"([A-Za-z]+)-$")  # "con-" at a line's end
_WORD_GOES_ON = re.compile(r"[a-z]+")  # "trol panel" at the next line's start
MIN_WORD_FREQUENCY = 100  # pyspellchecker's counts: "redeployment" 111; "nonclinical" 50


def _join_lines(lines: list[str], page_words: set[str]) -> str:
    """A paragraph's wrapped lines as one line. A word hyphenated across a line break is
    rejoined without the hyphen when the whole is a word ("vacancy con-/trol" → "control"),
    and with it when not: "www.gov.uk/check-/state-pension", "well-/known", "non-/clinical".
    """
    text = lines[0]
    for line in lines[1:]:
        broken, goes_on = _BROKEN_WORD.search(text), _WORD_GOES_ON.match(line)
        if broken is None or goes_on is None:
            text += " " + line
        elif _is_word(broken[1] + goes_on[0], page_words):
            text = text[:-1] + line
        else:
            text += line
    return text


def _is_word(word: str, page_words: set[str]) -> bool:
    """Whether `word` stands whole elsewhere on the page or is a common English word (British
    spellings are looked up in their American form, as the word list has only those)."""
    word = word.lower()
    if word in page_words:
        return True
    frequencies = _english_word_frequencies()
    return any(frequencies.get(form, 0) >= MIN_WORD_FREQUENCY for form in _spellings(word))


# British endings and their American forms: organisation, labour, centre, programme, catalogue.
_BRITISH = [
    (re.compile(r"is(e|es|ed|ing|ation|ations|ational)$"), r"iz\1"),
    (re.compile(r"our(s|ed|ing|ite|ites|able)?$"), r"or\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"mme(s)?$"), r"m\1"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
    (re.compile(r"ence$"), "ense"),
]


def _spellings(word: str) -> list[str]:
    return [word, *(pattern.sub(american, word) for pattern, american in _BRITISH)]


@functools.cache
def _english_word_frequencies() -> dict[str, int]:
    """160,000 English words with their counts, from pyspellchecker (MIT), loaded on the first
    hyphenated line break; a hand-made list could not say whether "con" + "trol" is a word."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en").word_frequency.dictionary


# --- Word ----------------------------------------------------------------------------------


def _read_docx(data: bytes) -> ExtractedText:
    import docx  # python-docx; imported here as only .docx files need it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # zipfile, lxml and python-docx errors alike
        raise UnreadableDocument(
            f"corrupt or unreadable .docx ({error.__class__.__name__})"
        ) from None
    text = "\n\n".join(p.text for p in document.paragraphs if p.text.strip())
    props = document.core_properties
    lines = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    return ExtractedText(
        text=text,
        content_type=DOCX,
        title=_str_or_none(props.title) or _title_from_first_line(lines),
        author=_str_or_none(props.author) or _guess_author(lines[:8]),
        published=guess_date("\n".join(lines[:8])) or _iso_date(props.created),
    )
