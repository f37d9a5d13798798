"""Import throughput and search latency on a synthetic corpus, beside sqlite-utils' search().

    python bench/bench_search.py                      # 100,000 documents, 1,000,000 paragraphs
    python bench/bench_search.py --documents 10000    # a quicker look

Documents are built from a Zipf-distributed vocabulary with the domain's own words placed at
realistic ranks ("NHS" and "staff" in about a third of paragraphs), stored through the real
`Corpus.add`, then 200 mixed queries run through `search_paragraphs` (top 20 with snippets)
and through sqlite-utils' `table.search()` (top 20, no snippets) on the same file.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import Corpus, Document  # noqa: E402
from corpus import queries as search_module  # noqa: E402
from corpus.queries import search_paragraphs, warm_search_cache  # noqa: E402

PARAGRAPHS_PER_DOCUMENT = 9  # plus the title line: 10 per document
WORDS_PER_PARAGRAPH = 40
VOCABULARY_SIZE = 50_000
SEED = 20250120

# Domain words and the Zipf rank each takes: common words high up, scheme names rarer.
DOMAIN_RANKS = {
    "the": 1,
    "of": 2,
    "and": 3,
    "to": 4,
    "staff": 8,
    "NHS": 9,
    "trust": 14,
    "jobs": 25,
    "cuts": 30,
    "posts": 45,
    "unions": 60,
    "partnership": 80,
    "redundancy": 120,
    "savings": 90,
    "vacancies": 150,
    "running": 200,
    "costs": 100,
    "resignation": 400,
    "scheme": 110,
    "voluntary": 300,
    "compulsory": 700,
    "MARS": 900,
    "deficit": 250,
    "UNISON": 600,
    "ICB": 500,
    "freeze": 1500,
    "recruitment": 350,
    "efficiency": 450,
    "severance": 2500,
    "Dorset": 5000,
    "Nottinghamshire": 9000,
    "phlebotomists": 30000,
}
KINDS = ["news", "union", "government", "campaign", "other"]


def vocabulary(rng: np.random.Generator) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words: list[str] = []
    seen = set(DOMAIN_RANKS)
    while len(words) < VOCABULARY_SIZE:
        word = "".join(rng.choice(letters, size=int(rng.integers(3, 11))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    for word, rank in DOMAIN_RANKS.items():
        words.insert(rank - 1, word)
    return words[:VOCABULARY_SIZE]


def documents(count: int, words: list[str], rng: np.random.Generator):
    ranks = np.arange(1, len(words) + 1)
    probabilities = 1.0 / ranks
    probabilities /= probabilities.sum()
    vocab = np.array(words, dtype=object)
    per_document = PARAGRAPHS_PER_DOCUMENT * WORDS_PER_PARAGRAPH
    for number in range(count):
        tokens = vocab[rng.choice(len(words), size=per_document, p=probabilities)]
        paragraphs = [
            " ".join(tokens[i : i + WORDS_PER_PARAGRAPH]) + "."
            for i in range(0, per_document, WORDS_PER_PARAGRAPH)
        ]
        year = 2006 + number % 20
        yield Document(
            text=f"Synthetic report {number}\n\n" + "\n\n".join(paragraphs),
            title=f"Synthetic report {number}",
            source=f"source-{number % 37}",
            kind=KINDS[number % len(KINDS)],
            published=f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d}",
            url=f"https://bench.invalid/{number}.html",
            content_type="text/plain",
            extractor_version="bench",
        )


def queries(words: list[str], rng: np.random.Generator) -> list[tuple[str, str]]:
    """200 (category, query) pairs: common terms, rare terms, phrases, OR, NOT and prefixes."""
    rare = [words[int(i)] for i in rng.integers(5_000, VOCABULARY_SIZE, size=50)]
    mid = [words[int(i)] for i in rng.integers(100, 2_000, size=40)]
    fixed = [
        ("common", "NHS"),
        ("common", "staff"),
        ("common", "trust"),
        ("common", "NHS staff"),
        ("common", "jobs"),
        ("common", "cuts"),
        ("common", "NHS OR staff"),
        ("common", "NHS cuts"),
        ("common", "partnership"),
        ("common", "staff NOT trust"),
        ("phrase", '"resignation scheme"'),
        ("phrase", '"running costs"'),
        ("phrase", '"voluntary redundancy"'),
        ("phrase", '"NHS staff"'),
        ("phrase", '"recruitment freeze"'),
        ("phrase", '"efficiency savings"'),
        ("phrase", '"compulsory redundancy"'),
        ("phrase", '"the NHS"'),
        ("prefix", "redund*"),
        ("prefix", "vacanc*"),
        ("prefix", "sever*"),
        ("prefix", "NH*"),
        ("mixed", "MARS OR severance"),
        ("mixed", "Dorset ICB"),
        ("mixed", "UNISON deficit"),
        ("mixed", "phlebotomists"),
        ("mixed", "Nottinghamshire OR Dorset"),
        ("mixed", "deficit NOT Dorset"),
        ("mixed", "freeze recruitment"),
        ("mixed", "MARS"),
    ]
    chosen = list(fixed)
    chosen += [("rare", word) for word in rare]
    chosen += [("mid", word) for word in mid]
    chosen += [("phrase", f'"{a} {b}"') for a, b in zip(mid[:20], rare[:20], strict=True)]
    chosen += [("mixed", f"{a} OR {b}") for a, b in zip(mid[20:40], rare[20:40], strict=True)]
    chosen += [("rare", f"{word[:4]}*") for word in rare[40:50]]
    chosen += [("mid", f"{a} {b}") for a, b in zip(mid[:20], mid[20:40], strict=True)]
    chosen += [("prefix", f"{word[:4]}*") for word in mid[:10]]
    assert len(chosen) == 200, len(chosen)
    return chosen


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def time_queries(run, chosen) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    for category, query in chosen:
        start = time.perf_counter()
        run(query)
        timings.setdefault(category, []).append((time.perf_counter() - start) * 1000)
    return timings


def report(name: str, timings: dict[str, list[float]]) -> dict[str, float]:
    every = [t for values in timings.values() for t in values]
    line = f"{name:<34} p50 {percentile(every, 50):7.1f} ms   p95 {percentile(every, 95):7.1f} ms"
    print(line)
    for category, values in sorted(timings.items()):
        print(
            f"    {category:<8} n={len(values):<3} p50 {percentile(values, 50):7.1f} ms"
            f"   p95 {percentile(values, 95):7.1f} ms   max {max(values):7.1f} ms"
        )
    return {"p50": percentile(every, 50), "p95": percentile(every, 95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse or keep the corpus file here")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    words = vocabulary(rng)
    db_path = args.db or Path(tempfile.mkdtemp(prefix="nhscuts-bench-")) / "bench.db"

    with Corpus.open(db_path) as corpus:
        existing = corpus.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        if existing < args.documents:
            start = time.perf_counter()
            added = sum(
                stored.added
                for stored in corpus.add(documents(args.documents, words, rng), batch_size=500)
            )
            elapsed = time.perf_counter() - start
            paragraphs = corpus.conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
            print(f"corpus: {db_path}")
            print(
                f"import: {added:,} documents, {paragraphs:,} paragraphs in {elapsed:.1f} s "
                f"= {added / elapsed:,.0f} documents/s ({paragraphs / elapsed:,.0f} paragraphs/s)"
            )
        else:
            print(f"corpus: {db_path} (reused, {existing:,} documents)")
        corpus.conn.execute("PRAGMA optimize")
        chosen = queries(words, np.random.default_rng(SEED + 1))
        table = corpus.db["paragraphs"]
        # Load the index into the page cache with other words, so no timed query is cached.
        for word in words[3000:3020]:
            search_paragraphs(corpus, word, limit=20)
            list(table.search(word, limit=20))
        corpus.conn.execute("DELETE FROM search_cache")
        corpus.conn.commit()

        start = time.perf_counter()
        warmed = warm_search_cache(corpus)
        print(
            f"warm: ranked {warmed} frequent words in {time.perf_counter() - start:.1f} s "
            "(as `nhscuts add` does after an import)"
        )
        ours = time_queries(lambda q: search_paragraphs(corpus, q, limit=20), chosen)
        baseline = time_queries(lambda q: list(table.search(q, limit=20)), chosen)
        corpus.conn.execute("DELETE FROM search_cache")
        corpus.conn.commit()
        search_module.SLOW_QUERY_MS = float("inf")  # no cache at all: every query ranked afresh
        uncached = time_queries(lambda q: search_paragraphs(corpus, q, limit=20), chosen)
        print()
        mine = report("nhscuts search (top 20 + snippets)", ours)
        report("  same, with no search cache", uncached)
        base = report("sqlite-utils table.search (top 20)", baseline)
        print()
        verdict = "met" if mine["p95"] < 50 else "NOT met"
        print(
            f"p95 {mine['p95']:.1f} ms vs baseline {base['p95']:.1f} ms (target < 50 ms): {verdict}"
        )
        ratios = [
            ours_ms / base_ms
            for category in ours
            for ours_ms, base_ms in zip(ours[category], baseline[category], strict=True)
        ]
        print(f"median per-query time, ours / baseline: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
