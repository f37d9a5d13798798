"""The sources file: the shipped sources, and the mistakes a user's own file is checked for."""

import re

import pytest

from crawler.sources import SPIDER_TYPES, SourceError, load_sources

MINIMAL = """
[[source]]
name = "mine"
title = "My branch"
kind = "union"
spider = "feed"
base_url = "https://branch.example.org"
feeds = ["/feed.xml"]
"""


def test_the_shipped_sources_cover_the_issue_and_every_spider_type():
    sources = load_sources()

    assert {source.spider for source in sources.values()} == set(SPIDER_TYPES)
    titles = " ".join(source.title for source in sources.values())
    for publisher in ("BBC", "Guardian", "World Socialist", "UNISON", "Unite", "Royal College of Nursing",
                      "GMB", "British Medical Association", "Workers' Liberty", "NHS Employers",
                      "NHS England", "GOV.UK"):  # fmt: skip
        assert publisher in titles
    govuk = sources["govuk"]
    assert "department-of-health-and-social-care" in govuk.search.organisations
    assert all(source.base_url.startswith("https://") for source in sources.values())


def test_url_rules_see_the_path_so_they_hold_on_a_mirror():
    bbc = load_sources()["bbc-health"]
    assert bbc.allows("https://www.bbc.co.uk/news/articles/c1234")
    assert not bbc.allows("https://www.bbc.co.uk/news/live/uk-123")
    assert not bbc.allows("https://www.bbc.co.uk/sport/football/1")
    mirror = bbc.with_base_url("http://127.0.0.1:8000")
    assert mirror.allows("http://127.0.0.1:8000/news/articles/c1234")
    assert mirror.url("/news/health/rss.xml") == "http://127.0.0.1:8000/news/health/rss.xml"
    assert "127.0.0.1:8000" in mirror.hosts


def write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_users_file_is_read(tmp_path):
    [source] = load_sources(write(tmp_path, MINIMAL)).values()
    assert (source.name, source.kind, source.feeds) == ("mine", "union", ("/feed.xml",))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('kind = "union"', 'kind = "blog"'), "kind must be one of"),
        (('spider = "feed"', 'spider = "crawl"'), "spider must be one of"),
        (('feeds = ["/feed.xml"]', 'feeds = ["/feed.xml"]\nfeedz = []'), "unknown key 'feedz'"),
        (('feeds = ["/feed.xml"]', ""), "a feed source needs feeds"),
        (
            ('base_url = "https://branch.example.org"', 'base_url = "branch.example.org"'),
            "must be an http(s) URL",
        ),
        (
            ('feeds = ["/feed.xml"]', 'feeds = ["/feed.xml"]\nallow = ["(unclosed"]'),
            "bad regular expression",
        ),
        (('name = "mine"', 'name = "My Source"'), "name must be lower-case"),
        (('spider = "feed"', 'spider = "listing"'), "needs listings"),
        (('spider = "feed"', 'spider = "govuk"'), "needs a [source.search] table"),
    ],
)
def test_mistakes_are_reported_with_the_fix(tmp_path, change, message):
    with pytest.raises(SourceError, match=re.escape(message)):
        load_sources(write(tmp_path, MINIMAL.replace(*change)))


def test_duplicate_names_and_bad_toml_are_reported(tmp_path):
    with pytest.raises(SourceError, match="two sources are named 'mine'"):
        load_sources(write(tmp_path, MINIMAL + MINIMAL))
    with pytest.raises(SourceError, match="not valid TOML"):
        load_sources(write(tmp_path, "[[source]\nname ="))
    with pytest.raises(SourceError, match="cannot read"):
        load_sources(tmp_path / "absent.toml")
