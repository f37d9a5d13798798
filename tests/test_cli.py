"""The command line, run through Click's runner; each test then checks the corpus itself."""

import csv
import json
import os
import sqlite3

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from nhscuts.cli import cli
from tests.conftest import ARTICLE, write

LEAFLET = """---
title: "Break with partnership to defend jobs"
published: 2010-09-20
kind: union
source: "Wessex branch (sample)"
url: "https://samples.nhscuts.invalid/union/break-with-partnership.html"
---

The Mutually Agreed Resignation Scheme lets trusts get rid of staff on the cheap.

We call on every member to oppose the £20 billion of cuts and to refuse partnership with management.
"""

LETTER = """Managing workforce change in partnership

31 October 2006

Dear Colleague,

Trusts should ring-fence vacancies for staff at risk and work in partnership with trade
unions to keep compulsory redundancies to a minimum.
"""


def run(*args, env=None):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    return result


@pytest.fixture
def filled_db(tmp_path):
    folder = tmp_path / "docs"
    write(folder / "news" / "article.txt", ARTICLE)
    write(folder / "union" / "leaflet.md", LEAFLET)
    write(folder / "letter.txt", LETTER)
    db = tmp_path / "c.db"
    result = run("add", folder, "--db", db)
    assert result.exit_code == 0, result.output
    return db


def rows(db, sql, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_add_stores_files_with_guessed_and_declared_metadata(filled_db):
    documents = rows(
        filled_db,
        "SELECT title, kind, source, published, author, url FROM documents ORDER BY title",
    )
    assert documents == [
        (
            "Break with partnership to defend jobs",
            "union",
            "Wessex branch (sample)",
            "2010-09-20",
            None,
            "https://samples.nhscuts.invalid/union/break-with-partnership.html",
        ),
        (
            "Managing workforce change in partnership",
            "other",
            "local",
            "2006-10-31",
            None,
            documents[1][5],
        ),
        (
            "Trust asks staff to consider resignation scheme",
            "other",
            "local",
            "2025-03-14",
            "Alex Example",
            documents[2][5],
        ),
    ]
    assert documents[1][5].startswith("file:///") and documents[1][5].endswith("letter.txt")


def test_add_twice_reports_duplicates_and_changes_nothing(filled_db, tmp_path):
    before = rows(filled_db, "SELECT count(*), (SELECT count(*) FROM paragraphs) FROM documents")
    result = run("add", tmp_path / "docs", "--db", filled_db)
    assert result.exit_code == 0
    assert "0 added, 3 duplicate, 0 failed" in result.output
    assert (
        rows(filled_db, "SELECT count(*), (SELECT count(*) FROM paragraphs) FROM documents")
        == before
    )


def test_kind_and_source_options_override_front_matter(tmp_path):
    write(tmp_path / "leaflet.md", LEAFLET)
    db = tmp_path / "c.db"
    assert (
        run(
            "add", tmp_path / "leaflet.md", "--db", db, "--kind", "campaign", "--source", "KONP"
        ).exit_code
        == 0
    )
    assert rows(db, "SELECT kind, source FROM documents") == [("campaign", "KONP")]


def test_bad_files_fail_one_line_each_and_the_rest_import(tmp_path):
    folder = tmp_path / "batch"
    write(folder / "good.txt", ARTICLE)
    write(folder / "empty.txt", "")
    write(folder / "garbage.txt", os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00")
    write(folder / "broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated")
    write(folder / "nav.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    write(
        folder / "cp1252.txt",
        "Trust cuts \u00a321.3m \u2013 staff \u201cat risk\u201d\n\nMore text.".encode("cp1252"),
    )
    write(folder / "photo.png", b"\x89PNG\r\n")
    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    write(tmp_path / "notes.xyz", "some notes")
    db = tmp_path / "c.db"
    result = run("add", folder, tmp_path / "missing.txt", tmp_path / "notes.xyz", "--db", db)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    reasons = {line.split(": ", 2)[1].rsplit("/", 1)[-1]: line.split(": ", 2)[2] for line in errors}
    assert reasons == {
        "empty.txt": "empty file",
        "garbage.txt": "binary data, not text (is the file extension right?)",
        "broken.pdf": reasons["broken.pdf"],
        "nav.html": "no main text found in the HTML (a listing or empty page?)",
        "loop-a.txt": reasons["loop-a.txt"],
        "loop-b.txt": reasons["loop-b.txt"],
        "missing.txt": "no such file or folder; check the path",
        "notes.xyz": reasons["notes.xyz"],
    }
    assert reasons["broken.pdf"].startswith("corrupt or unreadable PDF")
    assert reasons["loop-a.txt"].startswith("cannot be read")
    assert reasons["notes.xyz"].startswith("unsupported file type .xyz")
    assert "2 added, 0 duplicate, 8 failed, 1 ignored" in result.output
    assert rows(db, "SELECT title FROM documents ORDER BY title") == [
        ("Trust asks staff to consider resignation scheme",),
        ("Trust cuts £21.3m – staff “at risk”",),
    ]


def test_search_ranks_and_highlights(filled_db):
    result = run("search", "partnership", "--db", filled_db, "--json")
    hits = json.loads(result.output)
    assert {hit["title"] for hit in hits} == {
        "Break with partnership to defend jobs",
        "Managing workforce change in partnership",
    }
    assert all("<mark>partnership</mark>" in hit["snippet"].lower() for hit in hits)
    assert [hit["score"] for hit in hits] == sorted(hit["score"] for hit in hits)
    assert set(hits[0]) >= {"snippet", "title", "published", "source", "url", "kind", "paragraph"}


@pytest.mark.parametrize(
    ("query", "options", "titles"),
    [
        (
            '"resignation scheme"',
            [],
            {
                "Break with partnership to defend jobs",
                "Trust asks staff to consider resignation scheme",
            },
        ),
        ("partnership NOT oppose", [], {"Managing workforce change in partnership"}),
        ("redundanc*", [], {"Managing workforce change in partnership"}),
        ("partnership", ["--kind", "union"], {"Break with partnership to defend jobs"}),
        (
            "partnership OR staff",
            ["--since", "2007", "--until", "2024-12"],
            {"Break with partnership to defend jobs"},
        ),
        ("staff", ["--until", "2006"], {"Managing workforce change in partnership"}),
    ],
)
def test_search_syntax_and_filters(filled_db, query, options, titles):
    result = run("search", query, "--db", filled_db, "--json", *options)
    assert result.exit_code == 0, result.output
    assert {hit["title"] for hit in json.loads(result.output)} == titles


def test_search_prints_title_date_source_and_url(filled_db):
    result = run("search", "cheap", "--db", filled_db, "--limit", "1")
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert "2010-09-20" in lines[0] and "Wessex branch (sample)" in lines[0]
    assert "https://samples.nhscuts.invalid/union/break-with-partnership.html" in lines[2]


@pytest.mark.parametrize("query", ['"unbalanced', "non-clinical", "(cuts OR", "AND"])
def test_malformed_query_is_a_clear_error(filled_db, query):
    result = run("search", query, "--db", filled_db)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: cannot read the search query")


def test_search_on_missing_corpus_says_how_to_build_one(tmp_path):
    result = run("search", "cuts", "--db", tmp_path / "none.db")
    assert result.exit_code == 1
    assert "nhscuts add" in result.output
    assert not (tmp_path / "none.db").exists()


def test_db_defaults_to_the_environment_variable(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    db = tmp_path / "from-env.db"
    assert run("add", tmp_path / "a.txt", env={"NHSCUTS_DB": str(db)}).exit_code == 0
    assert rows(db, "SELECT count(*) FROM documents") == [(1,)]


@pytest.mark.parametrize("table", ["documents", "paragraphs"])
def test_export_writes_every_row_in_each_format(filled_db, tmp_path, table):
    expected = rows(filled_db, f"SELECT count(*) FROM {table}")[0][0]
    for export_format in ("csv", "jsonl", "parquet"):
        output = tmp_path / f"out.{export_format}"
        result = run(
            "export", "--db", filled_db, "--table", table, "--format", export_format, "-o", output
        )
        assert result.exit_code == 0, result.output
        assert f"wrote {expected} rows" in result.output
        if export_format == "csv":
            with output.open(newline="", encoding="utf-8") as handle:
                assert len(list(csv.DictReader(handle))) == expected
        elif export_format == "jsonl":
            records = [json.loads(line) for line in output.read_text().splitlines()]
            assert len(records) == expected and "text" in records[0]
        else:
            assert pq.read_table(output).num_rows == expected


def test_export_streams_more_rows_than_one_batch(tmp_path):
    folder = tmp_path / "many"
    for number in range(30):
        paragraphs = "\n\n".join(f"Paragraph {p} of document {number} on cuts." for p in range(400))
        write(folder / f"{number}.txt", paragraphs)
    db = tmp_path / "c.db"
    assert run("add", folder, "--db", db).exit_code == 0
    output = tmp_path / "p.jsonl"
    run("export", "--db", db, "--table", "paragraphs", "--format", "jsonl", "-o", output)
    assert len(output.read_text().splitlines()) == 12_000


def test_export_unknown_table_lists_the_real_ones(filled_db, tmp_path):
    result = run(
        "export",
        "--db",
        filled_db,
        "--table",
        "secrets",
        "--format",
        "csv",
        "-o",
        tmp_path / "x.csv",
    )
    assert result.exit_code == 1
    assert "no table 'secrets'" in result.output and "documents" in result.output


def test_stats_counts_by_kind_source_year_and_table(filled_db):
    output = run("stats", "--db", filled_db).output
    assert output.startswith("3 documents")
    for expected in ("union", "Wessex branch (sample)", "2006", "2010", "2025", "paragraphs"):
        assert expected in output


def test_not_sqlite_db_is_a_clear_error(tmp_path):
    db = write(tmp_path / "c.db", "not a database")
    write(tmp_path / "a.txt", ARTICLE)
    result = run("add", tmp_path / "a.txt", "--db", db)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {db} is not an SQLite database")
    assert db.read_text() == "not a database"


@pytest.mark.parametrize("command", [None, "add", "search", "export", "stats"])
def test_every_command_has_short_help_with_an_example(command):
    args = ["-h"] if command is None else [command, "-h"]
    result = run(*args)
    assert result.exit_code == 0
    assert "Example:" in result.output
