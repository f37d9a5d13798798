"""`nhscuts extract` on files and on a corpus, and claim search over what it stored."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from nhscuts.cli import cli
from tests.conftest import write

NEWS = """Dorset trusts open resignation scheme

NHS Dorset Integrated Care Board has a deficit of £21.3m, and around 9,000 staff at UHD were emailed about the Mutually Agreed Resignation Scheme (MARS).

Payments are capped at £80,000, said UNISON.

The scheme closes on 24 January 2025. Call 0808 100 2210 with questions.
"""

LEAFLET = """Stop the cuts

We oppose the vacancy freeze. Between 200 and 300 posts will go under the cost improvement plan, the branch said.
"""


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_json_contract_for_a_text_file(tmp_path):
    path = write(tmp_path / "news.txt", NEWS)
    result = run("extract", path, "--json")
    assert result.exit_code == 0, result.output
    [found] = json.loads(result.output)
    assert set(found) == {
        "path",
        "title",
        "figures",
        "organisations",
        "schemes",
        "claims",
        "framing",
        "paragraphs",
    }
    assert found["title"] == "Dorset trusts open resignation scheme"
    values = [(f["text"], f["value"], f["unit"], f["kind"]) for f in found["figures"]]
    assert values == [
        ("£21.3m", 21300000, "GBP", "money"),
        ("9,000", 9000, "people", "count"),
        ("£80,000", 80000, "GBP", "money"),
    ]
    text = path.read_text()
    for figure in found["figures"]:
        assert text[figure["start"] : figure["end"]] == figure["text"]
        assert figure["text"] in figure["sentence"]
    assert {o["name"] for o in found["organisations"]} >= {
        "NHS Dorset Integrated Care Board",
        "University Hospitals Dorset NHS Foundation Trust",
        "UNISON",
    }
    assert {s["name"] for s in found["schemes"]} == {"Mutually Agreed Resignation Scheme"}
    assert [c["attributed_to"] for c in found["claims"]] == [None, "UNISON"]
    assert found["claims"][0]["figures"] == [0, 1]
    assert [p["index"] for p in found["paragraphs"]] == [1, 2, 3, 4]
    assert found["paragraphs"][0]["text"] == "Dorset trusts open resignation scheme"


def test_readable_table_without_json(tmp_path):
    result = run("extract", write(tmp_path / "leaflet.txt", LEAFLET))
    assert result.exit_code == 0
    assert "cost improvement" in result.output.lower()
    assert "300" in result.output and "people" in result.output


def test_bad_files_give_per_file_errors_and_valid_json(tmp_path):
    files = [
        write(tmp_path / "empty.txt", ""),
        write(tmp_path / "nofigures.txt", "A short note about partnership working.\n"),
        write(tmp_path / "garbage.txt", bytes(range(256)) * 40),
        write(tmp_path / "french.txt", "Les hôpitaux publics suppriment des postes cette année.\n"),
        write(tmp_path / "odd.txt", "Odd forms: £1,2,3 and 1.2.3% and £ alone.\n"),
        write(tmp_path / "big.txt", ("The trust will cut 120 posts. " * 12 + "\n\n") * 5600),
    ]
    result = run("extract", *files, "--json")
    assert result.exit_code == 1
    report = {item["path"].rsplit("/", 1)[-1]: item for item in json.loads(result.stdout)}
    assert report["empty.txt"] == {"path": str(files[0]), "error": "empty file"}
    assert report["garbage.txt"]["error"].startswith("binary data")
    assert report["nofigures.txt"]["figures"] == [] and report["nofigures.txt"]["claims"] == []
    assert report["french.txt"]["figures"] == []
    assert report["odd.txt"]["figures"] == []
    assert len(report["big.txt"]["figures"]) == 12 * 5600
    assert files[-1].stat().st_size > 2_000_000
    assert "error: " in result.stderr and "empty.txt: empty file" in result.stderr


@pytest.fixture
def extracted_db(tmp_path):
    folder = tmp_path / "docs"
    write(folder / "news.txt", NEWS)
    write(folder / "leaflet.txt", LEAFLET)
    db = tmp_path / "c.db"
    assert run("add", folder, "--db", db).exit_code == 0
    result = run("extract", "--db", db)
    assert result.exit_code == 0, result.output
    assert "extracted 2 documents" in result.output
    return db


def count(db, table):
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_corpus_mode_stores_results_and_skips_done_work(extracted_db):
    stored = {t: count(extracted_db, t) for t in ("figures", "organisations", "schemes", "claims")}
    assert stored["figures"] == 5 and stored["claims"] == 3
    assert "extracted 0 documents" in run("extract", "--db", extracted_db).output
    assert "extracted 2 documents" in run("extract", "--db", extracted_db, "--redo").output
    assert {t: count(extracted_db, t) for t in stored} == stored


def test_claim_search_with_filters(extracted_db):
    def claims(*options):
        result = run("search", "--db", extracted_db, "--claims", "--json", *options)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    hits = claims("staff OR posts")
    assert len(hits) == 2
    assert claims("staff OR posts", "--unit", "people", "--min-value", "1000")[0][
        "sentence"
    ].startswith("NHS Dorset Integrated Care Board has a deficit")
    assert len(claims("staff OR posts", "--unit", "people", "--min-value", "1000")) == 1
    assert len(claims("staff OR posts OR capped", "--org", "UNISON")) == 1
    assert len(claims("staff OR posts OR capped", "--org", "uhd")) == 1
    assert len(claims("posts", "--scheme", "cost improvement programme")) == 1
    hit = claims("capped")[0]
    assert hit["attributed_to"] == "UNISON"
    assert hit["figures"] == [
        {"text": "£80,000", "value": 80000, "unit": "GBP", "counts": "payments"}
    ]
    assert "<mark>capped</mark>" in hit["snippet"]


def test_claim_filters_need_claims(extracted_db):
    result = run("search", "staff", "--db", extracted_db, "--unit", "GBP")
    assert result.exit_code == 2
    assert "add --claims" in result.output
