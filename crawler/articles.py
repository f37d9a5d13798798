"""Whether an HTML page is an article (kept in site mode) or a listing, tag or navigation page.

The rule, in order; the first that applies decides:

1. A navigation URL (/tag/, /category/, /page/2, /author/, /search, a login page, by courlan's
   `is_navigation_page` and `is_not_crawlable`) is not an article.
2. A page marked as an article by itself (`og:type` article, or a schema.org Article,
   NewsArticle, Report or BlogPosting in JSON-LD) with MIN_MARKED_WORDS of main text is one.
3. Fewer than MIN_ARTICLE_WORDS words of main text (trafilatura's) is not an article.
4. Mostly links: more than LINK_DENSITY_LIMIT of the words in the page's body (outside
   <nav>, <header>, <footer> and <aside>) are link text.
5. Otherwise it is an article if it has a publication date (trafilatura's or htmldate's).

The rule leans towards keeping. On the 80 real pages of ../shared/fixtures it keeps every
article of 100 words or more but one (a 2006 BBC page that is two-thirds links) and skips the
short GOV.UK landing pages whose content is in their attachments; but it also keeps GOV.UK
collection, organisation and search-result pages, which carry as much dated prose as an
article and are not marked as anything. A PDF is always a document; this rule is for HTML.
"""

import json
import re

import lxml.html
from courlan import is_navigation_page, is_not_crawlable

MIN_MARKED_WORDS = 30
MIN_ARTICLE_WORDS = 100
LINK_DENSITY_LIMIT = 0.5
ARTICLE_TYPES = {"article", "newsarticle", "report", "blogposting", "scholarlyarticle"}
_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")
_BOILERPLATE = ("nav", "header", "footer", "aside", "script", "style", "noscript", "template")


def not_an_article(html: str, url: str, main_words: int, published: str | None) -> str | None:
    """Why the page is not an article, or None when it is one."""
    if is_navigation_page(url) or is_not_crawlable(url):
        return "a navigation URL (tag, category, page or author list)"
    try:
        # From bytes: lxml refuses a str that carries an XML encoding declaration.
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=_UTF8_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return "unparseable HTML"
    if _marked_as_article(tree) and main_words >= MIN_MARKED_WORDS:
        return None
    if main_words < MIN_ARTICLE_WORDS:
        return f"only {main_words} words of main text"
    density = link_density(tree)
    if density > LINK_DENSITY_LIMIT:
        return f"mostly links ({density:.0%} of its words), a listing"
    if not published:
        return "no publication date and not marked as an article"
    return None


def link_density(tree) -> float:
    """The share of the body's words that are link text, page furniture left out.

    Changes `tree`: the furniture is dropped from it.
    """
    body = tree.find(".//body")
    body = body if body is not None else tree
    for element in body.xpath(" | ".join(f".//{tag}" for tag in _BOILERPLATE)):
        element.drop_tree()
    words = len(body.text_content().split())
    linked = sum(len(anchor.text_content().split()) for anchor in body.iter("a"))
    return linked / words if words else 1.0


def _marked_as_article(tree) -> bool:
    og_type = tree.xpath("string(//meta[@property='og:type']/@content)").strip().lower()
    if og_type == "article":
        return True
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        if ARTICLE_TYPES & {kind.lower() for kind in _json_ld_types(data)}:
            return True
    return False


def _json_ld_types(data) -> list[str]:
    if isinstance(data, list):
        return [kind for entry in data for kind in _json_ld_types(entry)]
    if not isinstance(data, dict):
        return []
    kinds = data.get("@type", [])
    kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds if isinstance(k, str)]
    for entry in data.get("@graph", []):
        kinds.extend(_json_ld_types(entry))
    return [re.sub(r"^.*[/#]", "", kind) for kind in kinds]
