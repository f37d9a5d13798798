"""Ranked search and its cache of slow queries, on real SQLite files."""

import pytest

from corpus import queries
from corpus.queries import SearchFilters, date_bound, search_paragraphs, warm_search_cache
from tests.corpus.test_db import make_doc


@pytest.fixture
def filled(corpus):
    texts = [
        "Trust cuts 200 posts\n\nThe trust will cut 200 posts. Staff were told on Monday.",
        "Union fights cuts\n\nStaff and the union will fight the cuts and the MARS scheme.",
        "Letter on partnership\n\nWork in partnership with staff side to avoid redundancies.",
    ]
    list(
        corpus.add(
            [make_doc(t, kind="news", published=f"201{i}-05-01") for i, t in enumerate(texts)]
        )
    )
    return corpus


def test_results_are_ranked_best_first_with_marked_snippets(corpus):
    once = "Ward clerks face cuts to jobs this year, managers told the union."
    thrice = "Ward clerks face cuts, cuts to jobs and more cuts, managers said."
    list(corpus.add([make_doc(once), make_doc(thrice)]))
    hits = search_paragraphs(corpus, "cuts")
    assert [hit.snippet.count("<mark>cuts</mark>") for hit in hits] == [3, 1]
    assert hits[0].score < hits[1].score  # bm25: lower is better


def test_slow_queries_are_cached_until_the_corpus_changes(filled, monkeypatch):
    monkeypatch.setattr(queries, "SLOW_QUERY_MS", -1)  # treat every query as slow
    first = search_paragraphs(filled, "staff")
    cached = filled.conn.execute("SELECT key, complete FROM search_cache").fetchall()
    assert cached == [("staff", 1)]
    # Served from the cache: same answer, even if the index were to be asked again.
    assert search_paragraphs(filled, "STAFF") == first
    list(filled.add([make_doc("New report\n\nStaff staff staff: agency staff cut.")]))
    after = search_paragraphs(filled, "staff")
    assert len(after) == len(first) + 1
    assert after[0].title is None and "agency" in after[0].snippet


def test_cache_keeps_filters_apart(filled, monkeypatch):
    monkeypatch.setattr(queries, "SLOW_QUERY_MS", -1)
    everything = search_paragraphs(filled, "staff")
    only_2012 = search_paragraphs(filled, "staff", SearchFilters(since="2012-01-01"))
    assert len(everything) == 3 and len(only_2012) == 1
    assert filled.conn.execute("SELECT count(*) FROM search_cache").fetchone()[0] == 2


def test_warming_ranks_the_most_frequent_words(filled):
    assert warm_search_cache(filled) == 0  # a small corpus needs nothing
    assert warm_search_cache(filled, min_paragraphs=1, terms=3) == 3
    keys = {row[0] for row in filled.conn.execute("SELECT key FROM search_cache")}
    assert "staff" in keys


def test_date_bounds():
    assert (date_bound("2010"), date_bound("2010", end=True)) == ("2010-01-01", "2010-12-31")
    assert date_bound("2024-02", end=True) == "2024-02-29"
    assert date_bound("31 October 2006") == "2006-10-31"
    with pytest.raises(queries.QueryError):
        date_bound("not a date at all")
