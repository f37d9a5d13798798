"""The dashboard's reads: paged figures, repeated figures, claim details, on real SQLite files.

Figures, names and claims are written with SQL, as `nhscuts extract` stores them, so these
tests need no spaCy pipeline.
"""

import pytest

from corpus import queries
from corpus.queries import ClaimFilters, SearchFilters
from tests.corpus.test_db import make_doc

# (published, kind, figures as (text, value, unit), organisation named beside them)
DOCUMENTS = [
    ("2012-03-01", "news", [("£20 billion", 20e9, "GBP"), ("9,000 posts", 9000, "people")], "UNISON"),
    ("2010-07-12", "news", [("£20bn", 20e9, "GBP")], "NHS England"),
    ("2011-02-03", "union", [("£20 billion", 20e9, "GBP"), ("£20 billion", 20e9, "GBP")], "UNISON"),
    (None, "campaign", [("£20 billion", 20e9, "GBP"), ("50%", 50, "percent")], "UNISON"),
    ("2015-05-05", "government", [("50%", 50, "percent"), ("300 jobs", 300, "people")], "Unite"),
]  # fmt: skip


@pytest.fixture
def extracted(corpus):
    """A corpus of DOCUMENTS, each figure in a claim sentence with an organisation."""
    docs = [
        make_doc(
            f"Document {number}\n\nSavings of money and staff.", published=published, kind=kind
        )
        for number, (published, kind, _, _) in enumerate(DOCUMENTS)
    ]
    list(corpus.add(docs))
    conn = corpus.conn
    with conn:
        for doc, (_, _, figures, organisation) in zip(docs, DOCUMENTS, strict=True):
            for start, (text, value, unit) in enumerate(figures):
                sentence = f"{organisation} said {text} of savings would go."
                claim = conn.execute(
                    'INSERT INTO claims (doc_id, paragraph, start, "end", sentence) '
                    "VALUES (?, 2, ?, ?, ?)",
                    [doc.id, start * 100, start * 100 + len(sentence), sentence],
                ).lastrowid
                located = 'doc_id, claim_id, paragraph, start, "end", text'
                conn.execute(
                    f"INSERT INTO figures ({located}, value, unit, kind) "
                    "VALUES (?, ?, 2, ?, ?, ?, ?, ?, 'money')",
                    [doc.id, claim, start * 100 + 20, start * 100 + 30, text, value, unit],
                )
                conn.execute(
                    f"INSERT INTO organisations ({located}, org_id, name, type) "
                    "VALUES (?, ?, 2, ?, ?, ?, ?, ?, 'union')",
                    [doc.id, claim, start * 100, start * 100 + 5, organisation.lower(),
                     organisation, organisation],
                )  # fmt: skip
    return corpus


def test_figure_pages_together_are_every_figure_oldest_first_undated_last(extracted):
    everything = queries.figure_rows(extracted)
    assert len(everything) == queries.count_figures(extracted) == 9
    dates = [row["published"] for row in everything]
    assert dates == sorted(dates[:-2]) + [None, None]
    for size in (1, 2, 4):
        paged = []
        for offset in range(0, 10, size):
            paged += queries.figure_rows(extracted, limit=size, offset=offset)
        assert [row["id"] for row in paged] == [row["id"] for row in everything]


@pytest.mark.parametrize(
    ("filters", "unit", "organisation", "expected"),
    [
        (None, "GBP", None, 5),
        (None, None, "unison", 6),  # the name in any case
        (None, "percent", "UNISON", 1),
        (SearchFilters(kind="news"), None, None, 3),
        (SearchFilters(since="2011-01-01", until="2014-12-31"), "GBP", None, 3),
    ],
)
def test_figures_filtered_count_and_pages_agree(extracted, filters, unit, organisation, expected):
    assert queries.count_figures(extracted, filters, unit, organisation) == expected
    rows = queries.figure_rows(extracted, filters, unit, organisation, limit=2, offset=0)
    rows += queries.figure_rows(extracted, filters, unit, organisation, limit=None, offset=2)
    assert len(rows) == expected
    if unit:
        assert {row["unit"] for row in rows} == {unit}


def test_figures_by_year_counts_the_dated_figures(extracted):
    by_year = queries.figures_by_year(extracted)
    assert ("2011", "GBP", 2) in by_year
    assert sum(count for _, _, count in by_year) == 7  # two of the nine are undated


def test_figure_sample_is_small_stable_and_says_how_many_were_dated(extracted):
    dated, sample = queries.figure_sample(extracted, unit="GBP", size=2)
    assert dated == 4
    assert len(sample) == 2
    assert queries.figure_sample(extracted, unit="GBP", size=2) == (dated, sample)


def test_repeated_figures_are_grouped_with_their_first_appearance(extracted):
    total, groups = queries.repeated_figures(extracted)
    assert total == 2  # £20 billion and 50%; 9,000 and 300 appear once
    assert [(group["value"], group["documents"]) for group in groups] == [(20e9, 4), (50, 2)]
    money = groups[0]
    assert money["first"]["published"] == "2010-07-12"
    # One row per document, by date, the undated one last; every spelling found.
    assert [a["published"] for a in money["appearances"]] == [
        "2010-07-12", "2011-02-03", "2012-03-01", None,
    ]  # fmt: skip
    assert sorted(money["texts"]) == ["£20 billion", "£20bn"]


def test_repeated_figures_limit_the_groups_and_documents_listed_not_the_counts(extracted):
    total, groups = queries.repeated_figures(extracted, limit=1, appearances=2)
    assert total == 2
    assert len(groups) == 1
    assert groups[0]["documents"] == 4
    assert len(groups[0]["appearances"]) == 2


def test_repeated_figures_follow_the_filters(extracted):
    def found(*args):
        total, groups = queries.repeated_figures(extracted, *args)
        return total, [(group["value"], group["documents"]) for group in groups]

    assert found(None, None, "unison") == (1, [(20e9, 3)])  # 50% is beside Unite once
    assert found(SearchFilters(kind="news")) == (1, [(20e9, 2)])
    assert found(SearchFilters(since="2011-01-01")) == (1, [(20e9, 2)])  # undated left out
    assert found(None, "percent") == (1, [(50, 2)])


def test_claim_hits_carry_their_figures_and_names_and_every_match_downloads(extracted):
    total = queries.count_claims(extracted, "savings")
    assert total == 9
    hits = queries.search_claims(extracted, "savings", limit=None)
    assert len(hits) == total
    for hit in hits:
        assert len(hit.figures) == 1 and hit.figures[0]["text"] in hit.sentence
        assert hit.organisations and hit.organisations[0] in hit.sentence
    page = queries.search_claims(extracted, "savings", limit=4, offset=4)
    assert [hit.claim_id for hit in page] == [hit.claim_id for hit in hits[4:8]]


def test_claim_filters_on_documents_count_what_they_return(extracted):
    for filters in (
        ClaimFilters(kind="union"),
        ClaimFilters(since="2011-01-01", until="2012-12-31"),
        ClaimFilters(organisation="unison", unit="GBP"),
    ):
        hits = queries.search_claims(extracted, "savings", filters, limit=None)
        assert len(hits) == queries.count_claims(extracted, "savings", filters) > 0
    union = queries.search_claims(extracted, "savings", ClaimFilters(kind="union"))
    assert {hit.kind for hit in union} == {"union"}


def test_documents_newest_first_undated_last(extracted):
    total, rows = queries.list_documents(extracted)
    assert total == 5
    assert [row["published"] for row in rows] == [
        "2015-05-05", "2012-03-01", "2011-02-03", "2010-07-12", None,
    ]  # fmt: skip
    total, rows = queries.list_documents(extracted, limit=2, offset=3)
    assert total == 5 and [row["published"] for row in rows] == ["2010-07-12", None]
    assert queries.published_years(extracted) == (2010, 2015)


def test_overview_counts_follow_the_filters(extracted):
    everything = queries.overview_counts(extracted)
    assert (everything["documents"], everything["figures"], everything["claims"]) == (5, 9, 9)
    assert everything["organisations"][0] == ("UNISON", 3, 6)
    news = queries.overview_counts(extracted, SearchFilters(kind="news"))
    assert (news["documents"], news["figures"], news["claims"]) == (2, 3, 3)
    assert {name for name, _, _ in news["organisations"]} == {"UNISON", "NHS England"}


def test_frame_paragraphs_count_every_match_and_map_the_same_spread_sample(extracted):
    conn = extracted.conn
    with conn:
        conn.execute(
            "INSERT INTO paragraph_frames (paragraph_id, doc_id, label, score) "
            "SELECT id, doc_id, 'neutral', 0.0 FROM paragraphs"
        )
    ids = [row[0] for row in conn.execute("SELECT id FROM paragraphs ORDER BY id")]
    total, sample = queries.frame_paragraphs(extracted, limit=3)
    assert (total, len(sample)) == (len(ids), 3)
    assert queries.frame_paragraphs(extracted, limit=3) == (total, sample)
    chosen = [row["paragraph_id"] for row in sample]
    assert chosen != ids[:3]  # spread over the corpus, not its oldest paragraphs
    assert queries.frame_paragraphs(extracted, SearchFilters(kind="news"), limit=3)[0] == 4
