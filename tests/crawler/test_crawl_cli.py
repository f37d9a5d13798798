"""`nhscuts crawl` through Click's runner, against the loopback site; then the corpus is read."""

from click.testing import CliRunner

from nhscuts.cli import cli
from tests.crawler.conftest import TEST_SETTINGS, rows
from tests.crawler.server import SITE

FAST = [
    arg
    for name, value in TEST_SETTINGS.items()
    if name != "LOG_LEVEL"
    for arg in ("-s", f"{name}={value}")
]


def run(*args):
    return CliRunner().invoke(cli, ["crawl", *map(str, args)], catch_exceptions=False)


def test_list_shows_the_shipped_sources_and_a_users_own(sources_file):
    shipped = run("--list")
    assert shipped.exit_code == 0
    for name in ("bbc-health", "guardian-nhs", "unison", "rcn", "govuk"):
        assert name in shipped.output
    own = run("--list", "--sources", sources_file)
    assert "test-news" in own.output and "bbc-health" not in own.output


def test_crawl_prints_the_counts_and_stores_the_documents(sources_file, db_path, tmp_path):
    result = run(
        "test-news",
        "--sources",
        sources_file,
        "--db",
        db_path,
        "--jobdir",
        tmp_path / "jobs",
        *FAST,
    )

    assert result.exit_code == 0, result.output
    assert (
        "5 stored (1 near-duplicates), 0 duplicates, 1 off-topic, 0 unchanged, 0 skipped, 0 failed"
        in result.output
    )
    assert rows(db_path, "SELECT count(*) FROM documents WHERE source = 'test-news'") == [(5,)]


def test_failures_are_listed_at_the_end_and_set_the_exit_status(sources_file, db_path, site_server):
    feed = (SITE / "feeds" / "union.atom").read_text()
    missing = (
        '<entry><title>gone</title><link href="{{BASE}}/errors/missing.html"/></entry>\n</feed>'
    )
    site_server.add_page("/feeds/union.atom", feed.replace("</feed>", missing))

    result = run("test-union", "--sources", sources_file, "--db", db_path, *FAST)

    # The crawl goes on past the 404 and keeps what it stored; a script can tell it failed.
    assert result.exit_code == 1, result.output
    assert f"failed: {site_server.url('/errors/missing.html')}: HTTP 404" in result.output
    assert ", 1 skipped, 1 failed" in result.output  # the robots.txt-forbidden page, the 404
    assert rows(db_path, "SELECT count(*) FROM documents") == [(2,)]


def test_site_mode_and_an_interrupted_crawl(db_path, site_server):
    first = run(
        "--url", site_server.url("/"), "--kind", "union", "--max-pages", 3, "--db", db_path, *FAST
    )
    assert first.exit_code == 0, first.output
    assert "stopped early (closespider_pagecount): run the same command to resume" in first.output

    second = run("--url", site_server.url("/"), "--kind", "union", "--db", db_path, *FAST)
    assert second.exit_code == 0, second.output
    assert "stopped early" not in second.output
    assert rows(db_path, "SELECT DISTINCT kind FROM documents") == [("union",)]


def test_mistakes_are_usage_errors_with_a_hint(sources_file, db_path):
    neither = run("--db", db_path)
    assert neither.exit_code == 2 and "give source names or --url" in neither.output
    unknown = run("no-such-source", "--db", db_path)
    assert unknown.exit_code == 2 and "`nhscuts crawl --list` shows them" in unknown.output
    bad = run("test-news", "--sources", sources_file, "--base-url", "test-news", "--db", db_path)
    assert bad.exit_code == 2 and "--base-url takes SOURCE=URL" in bad.output
    since = run("test-news", "--sources", sources_file, "--since", "someday", "--db", db_path)
    assert since.exit_code == 2 and "cannot read the date" in since.output


def test_a_file_that_is_not_a_corpus_is_refused_untouched(sources_file, tmp_path):
    foreign = tmp_path / "notes.db"
    foreign.write_text("my notes")

    result = run("test-news", "--sources", sources_file, "--db", foreign, *FAST)

    assert result.exit_code == 1
    assert "is not an SQLite database" in result.output
    assert foreign.read_text() == "my notes"
