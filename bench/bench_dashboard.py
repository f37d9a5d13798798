"""Dashboard speed on a synthetic corpus, in headless Chromium, beside the same queries direct.

    python bench/bench_dashboard.py                      # 100,000 documents
    python bench/bench_dashboard.py --documents 10000    # a quicker look
    python bench/bench_dashboard.py --db /tmp/dash.db    # build once (~260 s), reuse after

A fresh corpus is made by `Corpus.open` (every migration) in a temporary folder and filled
with bulk SQL (the FTS tables through their triggers): documents of five paragraphs from a
Zipf vocabulary, one to three claim sentences each with their figures, organisations and
schemes, an extraction row per document, and framings for the paragraphs of the first
FRAMED_DOCUMENTS documents (random labels, 8 clusters, random 384-d embeddings placed on the
map by their principal components), so the framings page draws its map rather than its
"run nhscuts frames" message.

`nhscuts serve` then runs on it, and Debian's Chromium (never `playwright install`) opens
each page ROUNDS times, each time in a new browser context: round 1 is cold (Streamlit's
caches empty), later rounds warm (the dashboard keeps query results until the corpus
changes: its data version is part of every cache key). A page
counts as rendered when its last section's text and what follows it (a table, each chart
drawn by Vega) are shown and Streamlit's "running" widget is gone, checked in the page on
every animation frame. The time to the page's
title is printed beside it: Streamlit's start in a fresh browser context, a floor under
every page that no query or chart of ours adds to. A claim search is timed
from pressing Enter in the search box to "Page 1 of N" (the last line, drawn after every
result).

Two more passes, each on a server started afresh (round 1 cold, later rounds warm): a
returning reader, who opens each page from its URL in a new tab of a browser that has loaded
the dashboard before (Streamlit's scripts come from the browser's cache, but it still starts
in the tab); and a reader moving through the pages in one tab, the app loaded once, each
page's link clicked in the sidebar and timed until the page is drawn. A first visit pays for
Streamlit's scripts loaded, compiled and run in a browser that has never seen them, before
any page of ours; moving between pages pays only for the page.

The baseline is the same corpus.queries calls each page makes, on a direct connection,
without Streamlit or the browser; the whole CSV of each search, which the claims page builds
only when its download button is pressed, is timed apart. Targets (issue 6): a page under
2 s, a search under 1 s.
"""

import argparse
import hashlib
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.frames.clusters import map_positions  # noqa: E402
from corpus import Corpus, queries  # noqa: E402
from corpus.queries import ClaimFilters, SearchFilters  # noqa: E402
from tests.dashboard.serving import (  # noqa: E402
    CHROMIUM,
    ServerDidNotStart,
    chromium,
    serving,
    streamlit_serving,
)

SEED = 20250601
PARAGRAPHS_PER_DOCUMENT = 5
FILLER_SENTENCES = (1, 3)
FRAMED_DOCUMENTS = 1000  # 5,000 paragraphs, of which the framings map draws 2,500
EMBEDDING_DIM = 384
ROUNDS = 3
PAGE_TARGET_S = 2.0
SEARCH_TARGET_S = 1.0
WAIT_MS = 180_000
KINDS = ("news", "union", "government", "campaign", "other")
SOURCES = {
    "news": ["bbc.co.uk", "theguardian.com", "hsj.co.uk", "independent.co.uk"],
    "union": ["unison.org.uk", "unitetheunion.org", "rcn.org.uk", "bma.org.uk"],
    "government": ["gov.uk", "england.nhs.uk"],
    "campaign": ["keepournhspublic.com", "weownit.org.uk"],
    "other": ["nhsconfed.org", "nhsproviders.org", "kingsfund.org.uk"],
}

# (name, type): the canonical names extraction gives.
NATIONAL = [
    ("UNISON", "union"),
    ("Unite", "union"),
    ("GMB", "union"),
    ("Royal College of Nursing", "union"),
    ("British Medical Association", "union"),
    ("NHS England", "national"),
    ("Department of Health and Social Care", "government"),
    ("NHS Providers", "membership"),
    ("NHS Confederation", "membership"),
    ("University Hospitals Dorset NHS Foundation Trust", "trust"),
    ("Leeds Teaching Hospitals NHS Trust", "trust"),
    ("Manchester University NHS Foundation Trust", "trust"),
    ("Barts Health NHS Trust", "trust"),
    ("Norfolk and Norwich University Hospitals NHS Foundation Trust", "trust"),
    ("NHS Kent and Medway Integrated Care Board", "icb"),
    ("NHS Greater Manchester Integrated Care Board", "icb"),
]
PLACES = [
    "Northshire", "Eastmoor", "Kingsmere", "Westford", "Ashbury", "Brackley", "Calder",
    "Dunmore", "Elmstead", "Fenwick", "Greystone", "Hallam", "Ivybridge", "Kestrel",
    "Lowther", "Marlow", "Netherby", "Oakham", "Penrose", "Queensbury", "Ravensworth",
    "Selby", "Thornton", "Upton", "Valemount", "Whitcombe", "Yarrow", "Zennor",
]  # fmt: skip
SCHEMES = [
    ("mars", "Mutually Agreed Resignation Scheme", ["Mutually Agreed Resignation Scheme", "MARS"]),
    ("vrs", "Voluntary Redundancy Scheme", ["voluntary redundancy scheme"]),
    ("vss", "Voluntary Severance Scheme", ["voluntary severance scheme"]),
    ("freeze", "Recruitment freeze", ["recruitment freeze"]),
    ("cip", "Cost Improvement Programme", ["cost improvement programme"]),
]
COMMON_TEXT = (
    "the of and to a in that is for on it with as was at by be this are from or have an they "
    "which not but were had has their will been would more also there can said who about "
    "staff NHS trust jobs cuts posts unions partnership savings costs running deficit board "
    "hospital nurses patients care services budget plan review managers workforce health "
    "integrated local regional national government minister chief executive director "
    "finance pressure winter waiting lists agency spending recovery efficiency merger "
    "clinical support administrative roles vacancies recruitment freeze consultation ballot "
    "members branch steward meeting letter colleagues protect safe staffing levels pay "
    "offer agreement strike action negotiations redundancy compulsory voluntary scheme "
    "resignation severance package months years week today announced warned confirmed "
    "expected plans proposals reduce reduction headcount corporate back office functions"
)
COMMON = COMMON_TEXT.split()


def vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[float]]:
    letters = "abcdefghiklmnoprstuvwy"
    tail = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)}
    words = [*COMMON, *sorted(tail)]
    return words, [1 / (rank + 1) for rank in range(len(words))]


def organisations(rng: random.Random) -> list[tuple[str, str, str]]:
    """(org_id, name, type): the national bodies and a few hundred trusts and boards."""
    found = list(NATIONAL)
    for place in PLACES:
        for suffix, kind in (
            ("Hospitals NHS Foundation Trust", "trust"),
            ("Community Health NHS Trust", "trust"),
            ("and District Integrated Care Board", "icb"),
        ):
            found.append((f"{place} {suffix}", kind))
    return [(name.lower().replace(" ", "-"), name, kind) for name, kind in found]


class Sentence:
    """A sentence built in pieces, remembering where each figure and name falls in it."""

    def __init__(self):
        self.text = ""
        self.figures: list[tuple[int, int, str, float, str, str, str | None]] = []
        self.names: list[tuple[str, int, int, str, tuple]] = []

    def add(self, piece: str) -> "Sentence":
        self.text += piece
        return self

    def figure(self, text: str, value: float, unit: str, kind: str, counts=None) -> "Sentence":
        start = len(self.text)
        self.text += text
        self.figures.append((start, len(self.text), text, value, unit, kind, counts))
        return self

    def name(self, table: str, text: str, entity: tuple) -> "Sentence":
        start = len(self.text)
        self.text += text
        self.names.append((table, start, len(self.text), text, entity))
        return self


def random_figure(rng: random.Random, sentence: Sentence) -> None:
    kind = rng.random()
    if kind < 0.35:
        millions = round(rng.uniform(0.5, 90), 1)
        sentence.figure(f"£{millions:g}m", millions * 1_000_000, "GBP", "money")
    elif kind < 0.7:
        count = rng.choice([40, 75, 120, 250, 300, 450, 600, 1200, 2500, 9000])
        what = rng.choice(["posts", "jobs", "staff", "roles"])
        sentence.figure(f"{count:,} {what}", count, "people", "count", what)
    elif kind < 0.9:
        share = rng.choice([5, 8, 10, 12, 15, 20, 25, 30, 50])
        sentence.figure(f"{share}%", share, "percent", "percent")
    else:
        months = rng.choice([3, 6, 12, 18, 24])
        sentence.figure(f"{months} months", months, "months", "duration")


def claim_sentence(rng: random.Random, orgs: list, trusts: list) -> tuple[Sentence, str | None]:
    speaker = rng.choice(orgs[:9])
    trust = rng.choice(trusts)
    scheme = rng.choice(SCHEMES)
    scheme_entity = (scheme[0], scheme[1])
    template = rng.randrange(5)
    s = Sentence()
    said = None
    if template == 0:
        s.name("organisations", speaker[1], speaker).add(" said ")
        random_figure(rng, s)
        s.add(" would go at ").name("organisations", trust[1], trust).add(".")
        said = speaker[1]
    elif template == 1:
        s.add("The ").name("schemes", rng.choice(scheme[2]), scheme_entity).add(" will save ")
        random_figure(rng, s)
        s.add(" a year, according to ").name("organisations", speaker[1], speaker).add(".")
        said = speaker[1]
    elif template == 2:
        s.add("Around ")
        random_figure(rng, s)
        s.add(" at ").name("organisations", trust[1], trust).add(" could leave under the ")
        s.name("schemes", rng.choice(scheme[2]), scheme_entity).add(".")
    elif template == 3:
        s.name("organisations", speaker[1], speaker).add(" warned that ")
        random_figure(rng, s)
        s.add(" were at risk as ").name("organisations", trust[1], trust)
        s.add(" sought ")
        random_figure(rng, s)
        s.add(" in savings.")
        said = speaker[1]
    else:
        s.add("Running costs at ").name("organisations", trust[1], trust).add(" must fall by ")
        random_figure(rng, s)
        s.add(" within ")
        random_figure(rng, s)
        s.add(", the ").name("schemes", rng.choice(scheme[2]), scheme_entity).add(" papers say.")
    return s, said


def build_corpus(path: Path, documents: int) -> dict:
    """Fill a fresh corpus at `path` with bulk SQL; return what was written."""
    Corpus.open(path).close()  # every migration, then our own connection for speed
    rng = random.Random(SEED)
    words, weights = vocabulary(rng)
    orgs = organisations(rng)
    trusts = [org for org in orgs if org[2] in ("trust", "icb")]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")
    counts = dict.fromkeys(("paragraphs", "claims", "figures", "organisations", "schemes"), 0)
    next_paragraph, next_claim = 1, 1
    started = time.perf_counter()
    chunk = 5000

    def filler() -> str:
        length = rng.randint(10, 22)
        sentence = " ".join(rng.choices(words, weights, k=length))
        return sentence[0].upper() + sentence[1:] + "."

    with conn:
        for first in range(0, documents, chunk):
            docs, paragraphs, claims, extractions = [], [], [], []
            located = {"figures": [], "organisations": [], "schemes": []}
            for number in range(first, min(first + chunk, documents)):
                kind = rng.choice(KINDS)
                source = rng.choice(SOURCES[kind])
                trust = rng.choice(trusts)[1]
                title = f"{trust}: {' '.join(rng.choices(words, weights, k=rng.randint(4, 9)))}"
                texts = [
                    " ".join(filler() for _ in range(rng.randint(*FILLER_SENTENCES)))
                    for _ in range(PARAGRAPHS_PER_DOCUMENT)
                ]
                sentences = []
                for _ in range(rng.randint(1, 3)):
                    paragraph = rng.randrange(PARAGRAPHS_PER_DOCUMENT)
                    sentence, said = claim_sentence(rng, orgs, trusts)
                    offset = len(texts[paragraph]) + 1
                    texts[paragraph] += " " + sentence.text
                    sentences.append((paragraph, offset, sentence, said))
                text = "\n\n".join(texts)
                doc_id = hashlib.sha256(f"{number}\n{text}".encode()).hexdigest()[:16]
                year = rng.randint(2015, 2026)
                published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                docs.append(
                    (
                        doc_id, f"https://{source}/news/{number}", None, source, kind, title,
                        None, published, "2026-01-01T00:00:00Z", "text/html", text,
                        len(text.split()), hashlib.sha256(text.encode()).hexdigest(), None,
                        "bench", None, None,
                    )
                )  # fmt: skip
                starts, position = [], 0
                for index, paragraph_text in enumerate(texts, start=1):
                    paragraphs.append((next_paragraph, doc_id, index, paragraph_text))
                    next_paragraph += 1
                    starts.append(position)
                    position += len(paragraph_text) + 2
                figures_here = 0
                for paragraph, offset, sentence, said in sentences:
                    base = starts[paragraph] + offset
                    claims.append(
                        (next_claim, doc_id, paragraph + 1, base, base + len(sentence.text),
                         sentence.text, said)
                    )  # fmt: skip
                    for start, end, ftext, value, unit, fkind, what in sentence.figures:
                        located["figures"].append(
                            (doc_id, next_claim, paragraph + 1, base + start, base + end, ftext,
                             value, unit, fkind, what)
                        )  # fmt: skip
                        figures_here += 1
                    for table, start, end, ntext, entity in sentence.names:
                        located[table].append(
                            (doc_id, next_claim, paragraph + 1, base + start, base + end, ntext,
                             *entity)
                        )  # fmt: skip
                    next_claim += 1
                extractions.append(
                    (doc_id, "bench", "2026-01-01T00:00:00Z", figures_here, len(sentences))
                )
            conn.executemany(f"INSERT INTO documents VALUES ({', '.join('?' * 17)})", docs)
            conn.executemany(
                'INSERT INTO paragraphs (id, doc_id, "index", text) VALUES (?, ?, ?, ?)',
                paragraphs,
            )
            conn.executemany(
                'INSERT INTO claims (id, doc_id, paragraph, start, "end", sentence, '
                "attributed_to) VALUES (?, ?, ?, ?, ?, ?, ?)",
                claims,
            )
            common = 'doc_id, claim_id, paragraph, start, "end", text'
            conn.executemany(
                f"INSERT INTO figures ({common}, value, unit, kind, counts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                located["figures"],
            )
            conn.executemany(
                f"INSERT INTO organisations ({common}, org_id, name, type) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                located["organisations"],
            )
            conn.executemany(
                f"INSERT INTO schemes ({common}, scheme_id, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                located["schemes"],
            )
            conn.executemany("INSERT INTO extractions VALUES (?, ?, ?, ?, ?)", extractions)
            counts["paragraphs"] += len(paragraphs)
            counts["claims"] += len(claims)
            for table, rows in located.items():
                counts[table] += len(rows)
            print(
                f"  {first + len(docs):,} documents in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        add_framings(conn, rng)
    conn.close()
    counts["documents"] = documents
    counts["framed paragraphs"] = min(documents, FRAMED_DOCUMENTS) * PARAGRAPHS_PER_DOCUMENT
    counts["build_s"] = time.perf_counter() - started
    return counts


def add_framings(conn: sqlite3.Connection, rng: random.Random) -> None:
    rows = conn.execute(
        "SELECT p.id, p.doc_id, p.text FROM paragraphs p "
        "WHERE p.doc_id IN (SELECT id FROM documents ORDER BY rowid LIMIT ?)",
        [FRAMED_DOCUMENTS],
    ).fetchall()
    labels = ("partnership", "opposition", "neutral")
    clusters = 8
    generator = np.random.default_rng(SEED)
    centres = generator.normal(size=(clusters, EMBEDDING_DIM))
    frames, embeddings, vectors, per_doc, sizes = [], [], [], {}, {}
    for paragraph_id, doc_id, text in rows:
        cluster = rng.randrange(clusters) + 1
        label = rng.choice(labels)
        score = {"partnership": 1, "opposition": -1, "neutral": 0}[label] * rng.uniform(0.2, 1)
        frames.append((paragraph_id, doc_id, label, score, cluster))
        per_doc.setdefault(doc_id, []).append((label, score))
        sizes.setdefault(cluster, []).append((paragraph_id, label, score))
        vector = centres[cluster - 1] + generator.normal(scale=0.8, size=EMBEDDING_DIM)
        vector = (vector / np.linalg.norm(vector)).astype("<f4")
        vectors.append(vector)
        key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
        embeddings.append(("bench", key, EMBEDDING_DIM, vector.tobytes(), 1, "2026-01-01"))
    conn.executemany(
        "INSERT OR IGNORE INTO embeddings (model, text_hash, dim, vector, chunks, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        embeddings,
    )
    terms = ["redundancy", "scheme", "unions", "savings", "posts", "board", "freeze", "pay"]
    for cluster, members in sorted(sizes.items()):
        tally = {label: sum(m[1] == label for m in members) for label in labels}
        conn.execute(
            "INSERT INTO frame_clusters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                cluster, len(members), ", ".join(rng.sample(terms, 3)),
                json.dumps(rng.sample(terms, 6)), json.dumps([m[0] for m in members[:3]]),
                statistics.fmean(m[2] for m in members), tally["partnership"],
                tally["opposition"], tally["neutral"],
            ],
        )  # fmt: skip
    places = map_positions(np.stack(vectors))  # as `nhscuts frames` places them
    conn.executemany(
        "INSERT INTO paragraph_frames VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*frame, float(x), float(y)) for frame, (x, y) in zip(frames, places, strict=True)],
    )
    documents = []
    for doc_id, items in per_doc.items():
        tally = {label: sum(i[0] == label for i in items) for label in labels}
        label = max(labels, key=lambda name: tally[name])
        documents.append((doc_id, label, statistics.fmean(i[1] for i in items), *tally.values()))
    conn.executemany("INSERT INTO document_frames VALUES (?, ?, ?, ?, ?, ?)", documents)


# --- the pages: what each waits for, and the corpus.queries calls it makes ---------------


# What a page shows when it is drawn: its text, then elements as (CSS selector, how many,
# exact text or None). The browser checks them all on every animation frame (`shown`).
# Playwright's own waits re-check a selector after 0, 20, 50, 100 and 100 ms and then every
# 500 ms, so a page timed by a chain of them read up to half a second late, by chance.
CHART = (".vega-embed > canvas, .vega-embed > svg", 1, None)  # a chart Vega has drawn
GRID = ('[data-testid="stDataFrame"]', 1, None)
DOWNLOAD = ('[data-testid="stDownloadButton"]', 1, None)


def charts(n: int) -> tuple[str, int, None]:
    return (CHART[0], n, None)


PAGES = {
    # name: (URL path, the text of its last section, what it draws after that text). The
    # figures and framings pages show one view (tab) at a time, each timed as a page from its
    # own URL.
    "overview": ("/", "Most named schemes", (("th", 2, "Mentions"), charts(4))),
    "claims": ("/claims", "Type words to find the sentences", ()),
    "documents": ("/documents", "Open a document", (GRID,)),
    "figures: every figure": ("/figures", "oldest document first", (GRID,)),
    "figures: over time": ("/figures?view=Over+time", "Choose a unit to plot", (CHART,)),
    # the bench corpus has repeats: the chosen one's appearances are the view's grid
    "figures: repeated": ("/figures?view=Repeated+across+documents", "Repeated in:", (GRID,)),
    "framings: map": ("/framings", "click it to read the whole paragraph", (CHART,)),
    "framings: clusters": ("/framings?view=Clusters", "paragraphs · mean framing", ()),
    "framings: balance": (
        "/framings?view=Balance+over+time",
        "Mean framing by year",
        (DOWNLOAD, CHART),
    ),
}
# Streamlit alone: one small chart and a table, timed as a page is (see floor()).
FLOOR_PAGE = Path(__file__).with_name("dashboard_floor.py")
FLOOR_SHOWN = ("Last section", (GRID, CHART))
_SHOWN = """([text, elements]) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;  // still running
  if (!document.body.innerText.includes(text)) return false;
  return elements.every(([css, count, exact]) =>
    [...document.querySelectorAll(css)]
      .filter((element) => exact === null || element.textContent.trim() === exact)
      .length >= count);
}"""


def titled(page, title: str = "") -> None:
    """Wait, as `shown` does, for the page's title (one holding `title`)."""
    page.wait_for_function(
        "title => [...document.querySelectorAll('h1')].some(h => h.textContent.includes(title))",
        arg=title,
        polling="raf",
        timeout=60_000,
    )


def shown(page, text: str, elements: tuple = ()) -> None:
    """Wait, checking on every animation frame in the page, until it shows `text` and every
    one of `elements` and Streamlit has finished running the script."""
    page.wait_for_function(_SHOWN, arg=[text, list(elements)], polling="raf", timeout=60_000)


# name: (its link in the sidebar's navigation, its title, the tab of the view or None), for
# moving between pages in the app: a view other than a page's first is its tab clicked there.
NAVIGATION = {
    "overview": ("Overview", "NHS workforce cuts: the corpus", None),
    "claims": ("Claim search", "Claim search", None),
    "documents": ("Documents", "Documents", None),
    "figures: every figure": ("Figures", "Figures", None),
    "figures: over time": ("Figures", "Figures", "Over time"),
    "figures: repeated": ("Figures", "Figures", "Repeated across documents"),
    "framings: map": ("Framings", "Framings", None),
    "framings: clusters": ("Framings", "Framings", "Clusters"),
    "framings: balance": ("Framings", "Framings", "Balance over time"),
}
SEARCHES = [
    "staff",
    "redundan*",
    '"resignation scheme"',
    "UNISON OR Unite",
    "Kingsmere savings",
    "MARS",
]
PAGE_SIZE = 10  # claims per page, as dashboard/app_pages/claims.py
FIGURE_PAGE_SIZE = 100  # as dashboard/data.py
REPEATED_SHOWN = 20  # as dashboard/app_pages/figures.py
FRAME_MAP_SIZE = 2500  # as dashboard/data.py


def direct_page(corpus: Corpus, name: str) -> None:
    """The page's corpus.queries calls, as dashboard/data.py makes them on an unfiltered page."""
    none = SearchFilters()
    queries.has_rows(corpus, "documents")  # every page: data.corpus_status
    corpus.conn.execute("PRAGMA data_version").fetchone()  # every page: data.source
    queries.published_years(corpus)  # every page: the sidebar's date range
    if name == "overview":
        queries.overview_counts(corpus, none)
    elif name == "claims":
        queries.entity_names(corpus, "organisations")
        queries.entity_names(corpus, "schemes")
    elif name == "documents":
        queries.list_documents(corpus, none, None)
    elif name.startswith("figures"):
        queries.entity_names(corpus, "organisations")
        queries.count_figures(corpus, none)
        if name == "figures: every figure":
            queries.figure_rows(corpus, none, limit=FIGURE_PAGE_SIZE, offset=0)
        elif name == "figures: over time":
            queries.figures_by_year(corpus, none)
        else:
            queries.repeated_figures(corpus, none, limit=REPEATED_SHOWN)
    elif name.startswith("framings"):
        queries.has_rows(corpus, "paragraph_frames")
        if name == "framings: map":
            queries.frame_paragraphs(corpus, none, FRAME_MAP_SIZE)
        elif name == "framings: clusters":
            queries.frame_clusters(corpus)
        else:
            queries.frame_balance(corpus, none, "kind")


def direct_search(corpus: Corpus, query: str) -> int:
    """What the claims page runs for a search: the count, and the first page with its spans."""
    filters = ClaimFilters()
    total = queries.count_claims(corpus, query, filters)
    hits = queries.search_claims(corpus, query, filters, limit=PAGE_SIZE, offset=0)
    queries.claim_spans(corpus, [hit.claim_id for hit in hits])
    return total


def direct_csv(corpus: Corpus, query: str) -> None:
    """What the download button runs when pressed: every match (data.claims_csv's query)."""
    queries.search_claims(corpus, query, ClaimFilters(), None)


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def baseline(path: Path, rounds: int) -> tuple[dict, dict, dict, dict]:
    pages, searches, totals, downloads = {}, {}, {}, {}
    with Corpus.open(path, create=False) as corpus:
        for name in PAGES:
            pages[name] = [timed(direct_page, corpus, name)[0] for _ in range(rounds)]
        for query in SEARCHES:
            runs = [timed(direct_search, corpus, query) for _ in range(rounds)]
            searches[query] = [seconds for seconds, _ in runs]
            totals[query] = runs[0][1]
            downloads[query] = timed(direct_csv, corpus, query)[0]
    return pages, searches, totals, downloads


# --- the browser -------------------------------------------------------------------------


def new_context(browser):
    """A new browser context (nothing cached) and a tab in it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    return context, context.new_page()


def warm_up(page, url: str) -> None:
    """One throwaway load, so that round 1 measures the corpus's cold caches, not
    Chromium's first start or Streamlit's first script compile."""
    page.goto(f"{url}/claims?q=zzzzwarmup")
    shown(page, "No claim matches")


def browse(url: str, rounds: int) -> tuple[dict, dict, dict]:
    """Seconds to render each page, to show its title (Streamlit's own start: the floor under
    any page on this machine), and for each claim search."""
    pages = {name: [] for name in PAGES}
    titles = {name: [] for name in PAGES}
    searches = {query: [] for query in SEARCHES}
    with chromium() as browser:
        context, page = new_context(browser)
        warm_up(page, url)
        context.close()
        for round_ in range(rounds):
            for name, (route, last, elements) in PAGES.items():
                context, page = new_context(browser)
                started = time.perf_counter()
                page.goto(url + route)
                titled(page)
                titles[name].append(time.perf_counter() - started)
                shown(page, last, elements)
                pages[name].append(time.perf_counter() - started)
                context.close()
            for query in SEARCHES:
                context, page = new_context(browser)
                page.goto(f"{url}/claims")
                shown(page, "Type words to find the sentences")
                box = page.get_by_label("Search claims", exact=True).and_(page.locator("input"))
                box.fill(query)
                started = time.perf_counter()
                box.press("Enter")
                shown(page, "Page 1 of")
                searches[query].append(time.perf_counter() - started)
                context.close()
            print(f"  browser round {round_ + 1} of {rounds} done", file=sys.stderr, flush=True)
    return pages, titles, searches


def drawn(page, url: str, text: str, elements: tuple = ()) -> float:
    """Seconds from opening `url` in `page` until it is drawn (see shown)."""
    started = time.perf_counter()
    page.goto(url)
    shown(page, text, elements)
    return time.perf_counter() - started


def returning(url: str, rounds: int) -> dict:
    """Seconds to render each page opened from its URL in a new tab of a browser that has
    loaded the dashboard before: a returning reader following a bookmark or a shared link.
    Streamlit still starts in the tab, but its scripts come from the browser's cache."""
    pages = {name: [] for name in PAGES}
    with chromium() as browser:
        context, tab = new_context(browser)
        warm_up(tab, url)  # also the first visit, which fills the cache
        tab.close()
        for _ in range(rounds):
            for name, (route, last, elements) in PAGES.items():
                tab = context.new_page()
                pages[name].append(drawn(tab, url + route, last, elements))
                tab.close()
    return pages


def navigate(url: str, rounds: int) -> dict:
    """Seconds from clicking a page's link in the sidebar to the page drawn, in one browser
    tab, as a reader moves through the dashboard: the app is loaded once, so this is the
    page's own time, without Streamlit's start in a fresh browser."""
    pages = {name: [] for name in PAGES}
    with chromium() as browser:
        _context, page = new_context(browser)
        warm_up(page, url)
        for _ in range(rounds):
            for name, (_route, last, elements) in PAGES.items():
                link, title, tab = NAVIGATION[name]
                started = time.perf_counter()
                if tab is None:
                    page.locator('[data-testid="stSidebarNav"] a').filter(
                        has_text=link
                    ).first.click()
                    titled(page, title)
                else:  # the page's first view was the one timed before this
                    page.get_by_role("tab", name=tab).click()
                shown(page, last, elements)
                pages[name].append(time.perf_counter() - started)
    return pages


def floor(url: str, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds to draw bench/dashboard_floor.py on a first visit (a new browser context) and
    again in a new tab of that context: the same two measures as the dashboard's pages, for a
    page with nothing of ours in it."""
    first, again = [], []
    with chromium() as browser:
        context, page = new_context(browser)
        page.goto(url)
        shown(page, *FLOOR_SHOWN)
        context.close()
        for _ in range(rounds):
            context, page = new_context(browser)
            first.append(drawn(page, url, *FLOOR_SHOWN))
            again.append(drawn(context.new_page(), url, *FLOOR_SHOWN))
            context.close()
    return first, again


def cold_warm(runs: list[float]) -> tuple[float, float]:
    """The first run, and the median of the rest (the first again when there is one run)."""
    return runs[0], statistics.median(runs[1:]) if len(runs) > 1 else runs[0]


def load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--db", type=Path, help="reuse (or build once at) this corpus file")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is absent: install Debian's chromium (.ci/run does)")

    with tempfile.TemporaryDirectory(prefix="nhscuts-bench-dashboard-") as folder:
        db = args.db or Path(folder) / "corpus.db"
        print(f"cores: {os.cpu_count()}, load average (1/5/15 min) at start: {load()}")
        if not db.exists():
            print(f"building {args.documents:,} documents at {db} ...", file=sys.stderr)
            built = build_corpus(db, args.documents)
            print(
                "corpus: "
                + ", ".join(f"{v:,} {k}" for k, v in built.items() if k != "build_s")
                + f"; built in {built['build_s']:.0f} s, {db.stat().st_size / 2**20:,.0f} MiB"
            )

        started = time.perf_counter()
        Corpus.open(db).close()  # any migration this code has and the file lacks
        migrate_s = time.perf_counter() - started
        direct_pages, direct_searches, totals, downloads = baseline(db, args.rounds)
        load_before = load()
        # Each browser pass on a server of its own, so that round 1 of each finds the
        # dashboard's caches empty.
        try:
            with serving(db, Path(folder) / "serve.log") as url:
                browser_pages, browser_titles, browser_searches = browse(url, args.rounds)
            with serving(db, Path(folder) / "serve-returning.log") as url:
                returning_pages = returning(url, args.rounds)
            with serving(db, Path(folder) / "serve-navigation.log") as url:
                navigation = navigate(url, args.rounds)
            with streamlit_serving(FLOOR_PAGE, Path(folder) / "serve-floor.log") as url:
                floor_first, floor_again = floor(url, args.rounds + 2)
        except ServerDidNotStart as problem:
            sys.exit(str(problem))
        load_after = load()

    print(f"\nload average before the browser: {load_before}, after: {load_after}")
    print(f"rounds: {args.rounds} (cold: round 1; warm: median of the rest)\n")
    print("First visit: each page opened in a new browser context (nothing cached). Returning: "
          "each page opened from its URL in a new tab of a browser that has loaded the "
          "dashboard before. In the app: the page's link clicked in the sidebar, in one "
          "tab.\n")  # fmt: skip
    print("| page | first visit cold / warm (s) | title shown cold / warm (s) "
          "| returning cold / warm (s) | in the app cold / warm (s) "
          "| direct queries cold / warm (s) "
          f"| under {PAGE_TARGET_S:g} s: first visit / returning / in the app |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name in PAGES:
        runs = [browser_pages[name], returning_pages[name], navigation[name]]
        timings = [cold_warm(run) for run in runs]
        tcold, twarm = cold_warm(browser_titles[name])
        dcold, dwarm = cold_warm(direct_pages[name])
        verdicts = ["yes" if max(pair) < PAGE_TARGET_S else "no" for pair in timings]
        cells = " | ".join(f"{cold:.2f} / {warm:.2f}" for cold, warm in timings[1:])
        print(
            f"| {name} | {timings[0][0]:.2f} / {timings[0][1]:.2f} | {tcold:.2f} / {twarm:.2f} "
            f"| {cells} | {dcold:.3f} / {dwarm:.3f} | {' / '.join(verdicts)} |"
        )

    def listed(runs: list[float]) -> str:
        return f"{' / '.join(f'{x:.2f}' for x in runs)} (median {statistics.median(runs):.2f})"

    print(
        "\nStreamlit's floor (bench/dashboard_floor.py: a title, a 10-row Altair chart and a "
        f"10-row table, nothing of ours), {args.rounds + 2} rounds, in seconds: first visit "
        f"{listed(floor_first)}; returning {listed(floor_again)}"
    )
    print()
    print("| claim search | matches | browser cold (s) | browser warm (s) "
          f"| direct queries cold / warm (s) | under {SEARCH_TARGET_S:g} s "
          "| whole CSV, direct (s) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for query in SEARCHES:
        cold, warm = cold_warm(browser_searches[query])
        dcold, dwarm = cold_warm(direct_searches[query])
        met = "yes" if max(cold, warm) < SEARCH_TARGET_S else "no"
        print(
            f"| `{query}` | {totals[query]:,} | {cold:.2f} | {warm:.2f} "
            f"| {dcold:.3f} / {dwarm:.3f} | {met} | {downloads[query]:.2f} |"
        )
    print(f"\nopening the corpus (migrations it lacked): {migrate_s:.1f} s")


if __name__ == "__main__":
    main()
