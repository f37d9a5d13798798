"""The demo corpus the project writes: its spread, that it imports cleanly, that it copies no seed."""

import re

import frontmatter
import pytest

from corpus import Corpus
from corpus.files import import_files
from tests.conftest import REPO, SHARED

SAMPLES = REPO / "corpus" / "samples"


def sample_files():
    return sorted(path for path in SAMPLES.rglob("*.md") if path.name != "README.md")


def test_samples_cover_kinds_years_and_both_framings():
    posts = [frontmatter.load(path) for path in sample_files()]
    assert 30 <= len(posts) <= 60
    assert {post["kind"] for post in posts} == {"news", "union", "government", "campaign"}
    years = {post["published"].year for post in posts}
    assert min(years) == 2006 and max(years) == 2025
    assert {"partnership", "opposition", "neutral"} <= {post["framing"] for post in posts}
    assert all("(sample" in post["source"] for post in posts)


def test_every_sample_imports_with_its_declared_metadata(tmp_path):
    with Corpus.open(tmp_path / "demo.db") as corpus:
        report = import_files(corpus, [SAMPLES])
        stored = corpus.conn.execute(
            "SELECT url, kind, published, source FROM documents ORDER BY url"
        ).fetchall()
    assert report.count("failed") == 0
    assert report.count("added") == len(sample_files())
    expected = sorted(
        (post["url"], post["kind"], post["published"].isoformat(), post["source"])
        for post in map(frontmatter.load, sample_files())
    )
    assert stored == expected


def shingles(text: str, size: int = 10) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9£%]+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_samples_do_not_copy_the_seed_documents():
    seeds = SHARED / "seeds"
    if not seeds.exists():
        pytest.skip(f"{seeds} is absent: the seed documents live in ../shared (CI has it)")
    seed_shingles = set().union(*(shingles(p.read_text()) for p in seeds.glob("*.txt")))
    copied = {
        path.name: len(shingles(path.read_text()) & seed_shingles)
        for path in sample_files()
        if shingles(path.read_text()) & seed_shingles
    }
    assert copied == {}, "sample text repeats ten-word runs of a seed document"
