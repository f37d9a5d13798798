"""Ground truth for the real pages in ../shared/fixtures, in one shape, and how to score it.

Each upstream project tests extraction its own way (MANIFEST.md lists them). `load_pages`
turns all of them into `PageTruth`: an optional title, publication day, full body, and
snippets that must or must not be in the body. `score` compares one extraction to it with
tolerances fit for each: titles after whitespace and site-suffix normalisation, dates to
the day, bodies by token precision/recall/F1 (as the Zyte article benchmark does) and
snippets as substrings after whitespace normalisation (as trafilatura's evaluation does).
"""

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser
from lxml import html as lxml_html

LONDON = ZoneInfo("Europe/London")
# A paragraph check shorter than this is a sub-heading or a lone "." in the upstream parser's
# own paragraph list; whether a heading survives is not what these checks are about.
MIN_SNIPPET_WORDS = 4


@dataclass
class PageTruth:
    """What a real page holds, as its upstream test says. `path` is relative to fixtures/."""

    path: str
    source: str  # the upstream project the ground truth comes from
    url: str | None = None
    title: str | None = None
    days: frozenset[str] = frozenset()  # acceptable ISO publication days; empty: not known
    body: str | None = None  # the whole main text, for token P/R/F1
    present: list[str] = field(default_factory=list)  # snippets the main text must contain
    absent: list[str] = field(default_factory=list)  # boilerplate it must not contain


@dataclass
class PageScore:
    path: str
    source: str
    title_ok: bool | None  # None: the ground truth has no title
    date_ok: bool | None
    precision: float | None  # None: no full body in the ground truth
    recall: float | None
    f1: float | None
    present_found: int
    present_total: int
    absent_found: list[str]
    got_title: str | None
    got_date: str | None


# --- loading -------------------------------------------------------------------------------


def load_pages(fixtures: Path) -> list[PageTruth]:
    """Every article page under fixtures/extraction with some ground truth, in path order."""
    readers = {
        "zyte-article-benchmark": _zyte,
        "mozilla-readability": _readability,
        "goose-go": _goose_go,
        "goose3": _goose3,
        "postlight-parser": _postlight,
        "trafilatura-eval": _trafilatura_eval,
        "web-page-parser": _web_page_parser,
        "govuk-html-2016": _govuk_html,
    }
    # The fixture index knows the URL of pages whose ground truth does not give it.
    index = {entry["path"]: entry.get("url") for entry in _read_json(fixtures / "index.json")}
    pages = []
    for expected in sorted((fixtures / "extraction").rglob("*.json")):
        source = expected.relative_to(fixtures / "extraction").parts[0]
        truth = readers[source](fixtures, expected, _read_json(expected))
        if truth is not None:
            truth.url = truth.url or index.get(truth.path)
            pages.append(truth)
    return pages


@dataclass
class LetterTruth:
    """A real letter PDF: snippets its text must contain, and the date the letter bears."""

    path: str
    present: list[str]
    days: frozenset[str]


def load_letters(fixtures: Path) -> list[LetterTruth]:
    letters = []
    for expected in sorted((fixtures / "pdf").glob("*.expected.json")):
        snippets = _read_json(expected)["text_must_contain"]
        # The letter's date is one of its snippets ("23 April 2018").
        dated = [s for s in snippets if re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", s)]
        letters.append(
            LetterTruth(
                str(
                    expected.with_name(expected.name.replace(".expected.json", ".pdf")).relative_to(
                        fixtures
                    )
                ),
                snippets,
                publication_days(dated[0]) if dated else frozenset(),
            )
        )
    return letters


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _page_for(fixtures: Path, expected: Path) -> str:
    if expected.name == "expected-metadata.json":
        return str((expected.parent / "source.html").relative_to(fixtures))
    return str(
        expected.with_name(expected.name.replace(".expected.json", ".html")).relative_to(fixtures)
    )


def _zyte(fixtures, expected, data) -> PageTruth:
    return PageTruth(
        _page_for(fixtures, expected),
        "zyte-article-benchmark",
        data["url"],
        body=data["articleBody"],
    )


def _readability(fixtures, expected, data) -> PageTruth:
    article = lxml_html.fromstring((expected.parent / "expected.html").read_bytes())
    blocks = article.xpath("//p|//h1|//h2|//h3|//h4|//li|//blockquote")
    body = "\n\n".join(block.text_content() for block in blocks)
    return PageTruth(
        _page_for(fixtures, expected),
        "mozilla-readability",
        title=data.get("title"),
        days=publication_days(data.get("publishedTime")),
        body=body,
    )


def _goose_go(fixtures, expected, data) -> PageTruth:
    truth = data["expected"]
    return PageTruth(
        _page_for(fixtures, expected),
        "goose-go",
        truth.get("CanonicalLink"),
        title=truth.get("Title"),
        body=truth.get("CleanedText"),
    )


def _goose3(fixtures, expected, data) -> PageTruth:
    truth = data["expected"]
    return PageTruth(
        _page_for(fixtures, expected), "goose3", data.get("url"), body=truth["cleaned_text"]
    )


def _postlight(fixtures, expected, data) -> PageTruth:
    truth = data["expected"]
    first_words = [value for key, value in truth.items() if key.startswith("content_first")]
    return PageTruth(
        _page_for(fixtures, expected),
        "postlight-parser",
        data.get("url"),
        title=truth.get("title"),
        days=publication_days(truth.get("date_published")),
        present=first_words,
    )


def _trafilatura_eval(fixtures, expected, data) -> PageTruth:
    return PageTruth(
        _page_for(fixtures, expected),
        "trafilatura-eval",
        data.get("url"),
        title=data.get("title") or None,
        days=publication_days(data.get("date")),
        present=list(data.get("with", [])),
        absent=list(data.get("without", [])),
    )


def _web_page_parser(fixtures, expected, data) -> PageTruth:
    truth = data["expected"]
    present, absent = [], []
    # The first parser version listed is the newest, the one written for this capture.
    for check in data["parser_versions"][0]["checks"]:
        attr, value = check["attr"], check["value"]
        if attr.startswith("content[") or attr in ("content.first", "content.last"):
            if isinstance(value, str):
                text = lxml_html.fromstring(f"<p>{value}</p>").text_content()
                if len(text.split()) >= MIN_SNIPPET_WORDS:
                    present.append(text)
        elif attr.startswith("content") and isinstance(value, dict) and "regex" in value:
            (absent if check["negated"] else present).append(value["regex"])
    return PageTruth(
        _page_for(fixtures, expected),
        "web-page-parser",
        data.get("url"),
        title=truth.get("title"),
        days=publication_days(truth.get("date")),
        present=present,
        absent=absent,
    )


def _govuk_html(fixtures, expected, data) -> PageTruth | None:
    # Organisation, collection and finder pages are navigation, not documents to store.
    if not data["page_type"].startswith("publication (") and data["page_type"] != "publication":
        return None
    truth = data["expected"]
    if "title" not in truth:
        return None
    published = (truth.get("published") or "").split(" (")[0]  # "2014-02-25T13:50:00 (UTC…)"
    prefix = [line for line in truth.get("detail_prefix", "").splitlines() if line.strip()]
    return PageTruth(
        _page_for(fixtures, expected),
        "govuk-html-2016",
        data.get("url"),
        title=truth["title"],
        days=publication_days(published + "Z" if published else None),
        # The last line of the prefix is cut mid-word upstream; the whole lines must be there.
        present=[line for line in prefix[:-1] if len(line.split()) >= 2],
    )


def publication_days(value: str | None) -> frozenset[str]:
    """The days a timestamp can fairly be said to fall on: as written, in UTC and in London.

    A BBC story stamped 23:44 UTC on 13 October was published on 14 October in Britain; the
    page may carry either day, and both are right.

    >>> sorted(publication_days("October 13 23:44:11 +0000 2020"))
    ['2020-10-13', '2020-10-14']
    """
    if not value:
        return frozenset()
    try:
        parsed = date_parser.parse(value.replace("BST", "+0100"), fuzzy=True)
    except (ValueError, OverflowError):
        return frozenset()
    days = {parsed.date().isoformat()}
    if parsed.tzinfo is not None:
        days.add(parsed.astimezone(ZoneInfo("UTC")).date().isoformat())
        days.add(parsed.astimezone(LONDON).date().isoformat())
    return frozenset(days)


# --- scoring -------------------------------------------------------------------------------


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
# Site names publishers append to <title>; the ground truth is the headline alone.
_SITE_SUFFIX = re.compile(
    r"\s+[-|–—:]\s+(?:[^-|–—]{0,40}\s+[-|–—]\s+)?"
    r"(?:BBC News|BBC|GOV\.UK|Publications - GOV\.UK|The Guardian|Guardian|"
    r"The Independent|Independent|Reuters|The Telegraph|Telegraph|Daily Mail Online|"
    r"Mail Online|HuffPost UK|Express\.co\.uk|The Sun|Medical News Today|The Economist)\s*$",
    re.IGNORECASE,
)


def comparable_text(text: str) -> str:
    """NFC, straight quotes and one space between words, for substring checks."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split())


def comparable_title(title: str | None) -> str:
    """A title without the site name publishers append or prepend, and without any byline
    after a bar ("Headline | Eleanor Ainge Roy"), case-folded."""
    title = comparable_text(title or "")
    title = re.sub(r"^BBC News\s*-\s*", "", title)
    title = _SITE_SUFFIX.sub("", title)
    title = re.sub(r"\s+\|\s+[^|]{1,60}$", "", title)
    return title.strip(" -|").casefold()


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", comparable_text(text).casefold())


def token_scores(got: str, truth: str) -> tuple[float, float, float]:
    """Token-level precision, recall and F1 (bags of words, as the Zyte benchmark scores)."""
    got_bag, truth_bag = Counter(tokens(got)), Counter(tokens(truth))
    overlap = sum((got_bag & truth_bag).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(got_bag.values())
    recall = overlap / sum(truth_bag.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def score(
    truth: PageTruth, title: str | None, published: str | None, text: str | None
) -> PageScore:
    """How an extraction (title, ISO date, main text) compares with a page's ground truth."""
    text = text or ""
    body = comparable_text(text)
    precision = recall = f1 = None
    if truth.body:
        precision, recall, f1 = token_scores(text, truth.body)
    return PageScore(
        path=truth.path,
        source=truth.source,
        title_ok=None
        if not truth.title
        else comparable_title(title) == comparable_title(truth.title),
        date_ok=None if not truth.days else (published or "")[:10] in truth.days,
        precision=precision,
        recall=recall,
        f1=f1,
        present_found=sum(1 for snippet in truth.present if comparable_text(snippet) in body),
        present_total=len(truth.present),
        absent_found=[snippet for snippet in truth.absent if comparable_text(snippet) in body],
        got_title=title,
        got_date=published,
    )
