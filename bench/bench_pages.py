"""Extraction accuracy on real UK news pages with ground truth, beside trafilatura and htmldate.

    python bench/bench_pages.py            # every page under ../shared/fixtures/extraction
    python bench/bench_pages.py --pages    # and one line per page

Each page goes through `corpus.formats.extract`, the call the crawler's extract pipeline
makes, and is scored against its upstream project's ground truth (tests/crawler/
ground_truth.py): title equal after whitespace and site-name normalisation, date equal to
the day, body by token precision/recall/F1, "with" snippets found and "without" snippets
leaked. The baselines, run on the same bytes in the same run:

- trafilatura: `bare_extraction(html, url=url, with_metadata=True)` with default settings;
- htmldate alone: `find_date(html, url=url)` with its defaults, for dates.
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import trafilatura
from htmldate import find_date

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.formats import UnreadableDocument, extract  # noqa: E402
from tests.conftest import SHARED  # noqa: E402
from tests.crawler.ground_truth import PageScore, load_pages, score  # noqa: E402

FIXTURES = SHARED / "fixtures"


def ours(data: bytes, url: str | None) -> tuple[str | None, str | None, str | None]:
    try:
        extracted = extract(data, "text/html", url=url)
    except UnreadableDocument:
        return None, None, None
    return extracted.title, extracted.published, extracted.text


def trafilatura_default(data: bytes, url: str | None) -> tuple[str | None, str | None, str | None]:
    result = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    if result is None:
        return None, None, None
    return result.title, result.date, result.text


def htmldate_alone(data: bytes, url: str | None) -> tuple[str | None, str | None, str | None]:
    return None, find_date(data, url=url), None


EXTRACTORS = {
    "nhscuts (corpus.formats)": ours,
    "trafilatura defaults": trafilatura_default,
    "htmldate alone": htmldate_alone,
}


def percent(flags: list[bool | None]) -> str:
    known = [flag for flag in flags if flag is not None]
    return f"{100 * sum(known) / len(known):5.1f}% of {len(known):2}" if known else "     -     "


def mean(values: list[float | None]) -> str:
    known = [value for value in values if value is not None]
    return f"{statistics.fmean(known):.3f}" if known else "  -  "


def summary(scores: list[PageScore], with_body: bool = True) -> str:
    snippets_found = sum(s.present_found for s in scores)
    snippets = sum(s.present_total for s in scores)
    leaked = sum(len(s.absent_found) for s in scores)
    parts = [f"date {percent([s.date_ok for s in scores])}"]
    if with_body:
        parts.insert(0, f"title {percent([s.title_ok for s in scores])}")
        parts.append(
            f"body P/R/F1 {mean([s.precision for s in scores])}/"
            f"{mean([s.recall for s in scores])}/{mean([s.f1 for s in scores])}"
        )
        parts.append(f"with {snippets_found}/{snippets}, without leaked {leaked}")
    return " · ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", action="store_true", help="print one line per page too")
    args = parser.parse_args()
    if not FIXTURES.exists():
        raise SystemExit(f"{FIXTURES} is absent: the real pages live in ../shared/fixtures")
    pages = load_pages(FIXTURES)
    raw = {page.path: (FIXTURES / page.path).read_bytes() for page in pages}
    print(f"{len(pages)} real pages with ground truth from {FIXTURES}\n")
    for name, extractor in EXTRACTORS.items():
        started = time.perf_counter()
        scores = [score(page, *extractor(raw[page.path], page.url)) for page in pages]
        elapsed = time.perf_counter() - started
        with_body = extractor is not htmldate_alone
        by_source = defaultdict(list)
        for page_score in scores:
            by_source[page_score.source].append(page_score)
        print(f"{name}  ({1000 * elapsed / len(pages):.1f} ms a page)")
        for source, source_scores in sorted(by_source.items()):
            line = summary(source_scores, with_body)
            print(f"  {source:24} {len(source_scores):2} pages  {line}")
        print(f"  {'all':24} {len(scores):2} pages  {summary(scores, with_body)}\n")
        if args.pages and extractor is ours:
            for s in scores:
                wrong = []
                if s.title_ok is False:
                    wrong.append(f"title {s.got_title!r}")
                if s.date_ok is False:
                    wrong.append(f"date {s.got_date}")
                if s.f1 is not None:
                    wrong.append(f"F1 {s.f1:.2f}")
                if s.present_found < s.present_total or s.absent_found:
                    wrong.append(
                        f"with {s.present_found}/{s.present_total}, leaked {len(s.absent_found)}"
                    )
                print(f"    {s.path}: {'; '.join(wrong) or 'all right'}")
            print()


if __name__ == "__main__":
    main()
