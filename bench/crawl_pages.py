"""Synthetic NHS workforce-cut articles for bench_crawl: realistic pages, made reproducibly.

Each page is a full news-site article (head metadata, navigation, a 600-1,000-word body in
paragraphs, a related-stories sidebar, a footer), filled from templates with the domain's
own words and figures, so extraction costs what it costs on a real page. A seed makes the
same pages on every run.
"""

import html
import random
from datetime import date, timedelta
from pathlib import Path

PLACES = [
    "Kingsmere", "Wessex Valley", "East Shires", "Northfold", "Harbourside", "Midvale",
    "Ashcombe", "Riverton", "Brackley Moor", "Saltmarsh", "Oldcastle", "Fenwick",
    "Greywater", "Thornbury Vale", "Eastwick", "Highcross",
]  # fmt: skip
BODIES = [
    "Hospitals NHS Trust", "NHS Foundation Trust", "Integrated Care Board",
    "Community Health Services", "Mental Health NHS Trust", "Primary Care Trust",
]  # fmt: skip
UNIONS = ["UNISON", "Unite", "the GMB", "the RCN", "the BMA"]
SCHEMES = [
    "mutually agreed resignation scheme", "voluntary redundancy scheme",
    "vacancy freeze", "recruitment pause", "corporate cost reduction programme",
]  # fmt: skip
ROLES = [
    "administrative", "clinical support", "management", "back-office", "nursing",
    "commissioning", "finance", "estates", "human resources",
]  # fmt: skip
HEADLINES = [
    "{place} {body} to cut {n} {role} posts",
    "{union} warns of {n} job losses at {place}",
    "{place} staff offered {scheme} as savings target rises",
    "{place} {body} opens {scheme} to close £{m}m gap",
    "Nurses protest as {place} confirms {scheme}",
    "{n} posts at risk in {place} running-cost cuts",
]
OPENERS = [
    "NHS managers in {place} have confirmed that up to {n} {role} posts will go as the {body} "
    "tries to close a £{m}m gap.",
    "Staff at the {place} {body} have been told that the NHS organisation must cut its running "
    "costs by {pct}% this year.",
    "A {scheme} has been opened to NHS staff in {place}, according to documents seen by the Post.",
]
SENTENCES = [
    "The {body} in {place} said it needed to save £{m}m this year and that up to {n} {role} "
    "posts could go.",
    "Managers told staff the {scheme} would open on {day} and close four weeks later.",
    "{union} said members had not been consulted properly and that the cuts would hurt "
    "patient care.",
    "A spokesperson for the trust said it would work in partnership with trade unions to "
    "redeploy staff wherever possible.",
    "The board papers show a deficit of £{m}m against a planned surplus, with agency spending "
    "up by {pct}% on the previous year.",
    "Vacancies in {role} teams will be held open until the end of the financial year, the "
    "papers say.",
    "Staff side representatives said the {scheme} was redundancy on the cheap.",
    "About {n} staff have already asked for details of the terms, according to the branch.",
    "The payment is half a month's pay for each year of service, up to a maximum of twelve "
    "months' pay.",
    "NHS England has asked integrated care boards to cut their running costs by {pct}% by the "
    "end of the year.",
    "Campaigners plan to hand a petition with {n} signatures to the next board meeting in {place}.",
    "The chief executive wrote to staff to say that no compulsory redundancies were planned "
    "for frontline clinical roles.",
    "Local MPs from all parties have asked ministers to explain how the savings will be made "
    "without cutting services.",
    "The trust employs around {staff} people across three hospital sites and community services.",
    "An equality impact assessment of the {scheme} will be published next month, the board "
    "was told.",
    "{union} regional organiser said the {role} staff affected were mostly women on lower "
    "pay bands.",
    "The figures were released in response to a freedom of information request.",
    "Hospital leaders say they are caught between rising demand and a flat budget settlement.",
    "Waiting lists at the trust have grown by {pct}% since the start of the savings programme.",
    "The health secretary said the changes would put more money into frontline care.",
    "Unions have balloted members for industrial action over the {scheme}.",
    "A further round of savings worth £{m}m is planned for next year, the papers show.",
    "Staff said morale was at its lowest since the reorganisation of {year}.",
    "The consultation on the new structure will run for 45 days, in line with the law on "
    "collective redundancies.",
]
SIDEBAR = [
    "Weather warning for the weekend", "Council tax to rise by 5%", "Football: late goal "
    "settles derby", "Roadworks on the ring road", "New school opens in the town centre",
    "Library hours cut", "Bus route to be withdrawn", "Festival returns in June",
]  # fmt: skip


def _fill(template: str, rng: random.Random, facts: dict) -> str:
    return template.format(
        n=rng.choice([40, 65, 90, 120, 150, 180, 250, 300, 450, 600, 1200]),
        m=rng.choice(["4.5", "9", "12", "15.3", "21", "28", "40"]),
        pct=rng.choice([5, 8, 10, 12, 15, 20, 30, 50]),
        role=rng.choice(ROLES),
        union=rng.choice(UNIONS),
        day=f"{rng.randint(1, 28)} {rng.choice(['January', 'March', 'June', 'October'])}",
        staff=f"{rng.randint(3, 12)},{rng.randint(100, 999)}",
        year=rng.choice([2006, 2013, 2022]),
        **facts,
    )


def article_page(number: int, seed: int = 1) -> tuple[str, str, str]:
    """(path, title, html) for page `number`: the same page for the same seed."""
    rng = random.Random(seed * 100_003 + number)
    facts = {
        "place": rng.choice(PLACES),
        "body": rng.choice(BODIES),
        "scheme": rng.choice(SCHEMES),
    }
    title = _fill(rng.choice(HEADLINES), rng, facts)
    title = title[0].upper() + title[1:]
    published = date(2006, 1, 1) + timedelta(days=rng.randint(0, 7000))
    target_words = rng.randint(600, 1000)
    # Every story names the NHS up front, as the relevance filter expects of the real ones.
    opener = _fill(rng.choice(OPENERS), rng, facts)
    paragraphs, words = [opener], len(opener.split())
    while words < target_words:
        paragraph = " ".join(
            _fill(rng.choice(SENTENCES), rng, facts) for _ in range(rng.randint(2, 4))
        )
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    path = f"/news/{published:%Y/%m}/{number:05d}-{facts['place'].lower().replace(' ', '-')}.html"
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    nav = "".join(
        f'<li><a href="/{section.lower()}/">{section}</a></li>'
        for section in ["News", "Health", "Politics", "Business", "Sport", "Opinion", "Weather"]
    )
    sidebar = "".join(f'<li><a href="/other/{i}.html">{s}</a></li>' for i, s in enumerate(SIDEBAR))
    # Real news pages carry far more markup than text: mega-menus, teasers, inline scripts.
    menu = "".join(
        f'<li class="menu-item"><a class="menu-link" data-track="nav-{i}" '
        f'href="/{place.lower().replace(" ", "-")}/{topic}/">{place} {topic}</a></li>'
        for i, (place, topic) in enumerate(
            (place, topic) for place in PLACES for topic in ("news", "health", "sport", "jobs")
        )
    )
    teasers = "".join(
        f'<div class="teaser" data-id="{rng.randint(10**6, 10**7)}"><a href="/news/t{i}.html">'
        f'<img src="/img/t{i}.jpg" alt="" loading="lazy"><h3>{s}</h3></a>'
        f"<p>{html.escape(_fill(rng.choice(SENTENCES), rng, facts)[:90])}…</p></div>"
        for i, s in enumerate(SIDEBAR * 2)
    )
    slots = {f"slot{i}": {"size": [300, 250], "pos": i} for i in range(120)}
    tracking = f"var config = {slots!r};"
    esc_title = html.escape(title)
    page = f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{esc_title} | Shires Evening Post (sample)</title>
<meta property="og:title" content="{esc_title}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{published.isoformat()}T08:30:00+00:00">
<meta name="author" content="Health reporter">
<meta name="description" content="{html.escape(paragraphs[0][:150])}">
<link rel="stylesheet" href="/static/site.css"><script src="/static/site.js"></script>
<script>{tracking}</script>
</head><body>
<header><div class="masthead"><a href="/">Shires Evening Post (sample)</a></div>
<nav><ul>{nav}</ul><ul class="mega-menu">{menu}</ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button>
</div></header>
<main><article>
<h1>{esc_title}</h1>
<p class="byline">By Health reporter · <time datetime="{published.isoformat()}">
{published.day} {published:%B %Y}</time></p>
{body}
</article>
<aside><h2>Most read</h2><ul>{sidebar}</ul></aside>
<section class="related"><h2>More from the Post</h2>{teasers}</section></main>
<footer><p>Shires Evening Post (sample) · Contact us · Privacy · Terms · Cookie settings</p>
<p>© Shires Media (sample)</p></footer>
</body></html>
"""
    return path, title, page


def write_site(directory: Path, pages: int, seed: int = 1) -> list[str]:
    """Write `pages` articles and a front page; return the articles' paths."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "index.html").write_text(
        "<!doctype html><title>Shires Evening Post (sample)</title>"
        "<h1>Shires Evening Post (sample)</h1><p>News from the shires.</p>",
        encoding="utf-8",
    )
    paths = []
    for number in range(pages):
        path, _title, page = article_page(number, seed)
        target = directory / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


def write_sitemap(directory: Path, paths: list[str], base_url: str) -> None:
    """A sitemap of the articles and a robots.txt that names it (the site spider reads it)."""
    urls = "\n".join(f"<url><loc>{base_url.rstrip('/')}{path}</loc></url>" for path in paths)
    (directory / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n',
        encoding="utf-8",
    )
    (directory / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\nSitemap: {base_url.rstrip('/')}/sitemap.xml\n",
        encoding="utf-8",
    )
