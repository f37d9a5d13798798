"""Extraction accuracy on the gold set, and speed, each beside the plain spaCy pipeline.

    python bench/bench_extract.py                 # accuracy, then speed on 200,000 words
    python bench/bench_extract.py --words 50000   # a quicker speed run
    python bench/bench_extract.py --dev-only --errors   # tuning: the test set is not read

Accuracy: figures scored on (value, unit), organisations on canonical name, schemes on name;
precision, recall and F1 summed over documents. The baseline is en_core_web_sm's own MONEY,
PERCENT, CARDINAL and ORG entities turned into values and names in the simplest way.
Documents written for the gold set (never used to tune the extractor) and the seed
documents (read while it was built) are reported apart.
"""

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.extract.document import TextToExtract, extract_texts  # noqa: E402
from analysis.extract.figures import FigureWords  # noqa: E402
from analysis.extract.pipeline import MODEL_PACKAGE, build_pipeline  # noqa: E402
from corpus.document import normalise_text  # noqa: E402
from corpus.formats import extract as read_text  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "bench" / "gold"
SEEDS = REPO.parent / "shared" / "seeds"
TEST_GROUP = "test: written for the gold set, never tuned on"
DEV_GROUP = "dev: written for the gold set, tuned on"
SEED_GROUP = "seed documents (read while building)"
SCALES = {"m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9, "k": 1e3,
          "thousand": 1e3}  # fmt: skip


def gold_documents(with_test: bool = True) -> list[tuple[str, str, str, dict]]:
    """(group, name, text, gold) for every annotated document that can be read; without
    `with_test` the held-out test documents are not opened at all."""
    found = []
    folders = (("docs", TEST_GROUP), ("dev", DEV_GROUP)) if with_test else (("dev", DEV_GROUP),)
    for folder, group in folders:
        for gold_path in sorted((GOLD / folder).glob("*.gold.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            text = (gold_path.parent / gold["document"]).read_text(encoding="utf-8")
            found.append((group, gold["document"], text, gold))
    for gold_path in sorted((GOLD / "seeds").glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        seed = SEEDS / gold["document"]
        if seed.exists():
            found.append((SEED_GROUP, gold["document"], seed.read_text(encoding="utf-8"), gold))
    return found


def rounded(value) -> float:
    return round(float(value), 2)


def baseline(nlp, text: str, people: frozenset[str]) -> dict:
    """The plain pipeline's entities as figures and organisations, the simplest way."""
    figures, organisations = [], set()
    for paragraph in normalise_text(text).split("\n\n"):
        doc = nlp(paragraph)
        for ent in doc.ents:
            if ent.label_ == "ORG":
                organisations.add(ent.text.removeprefix("the ").strip())
                continue
            if ent.label_ not in ("MONEY", "PERCENT", "CARDINAL"):
                continue
            match = re.search(r"\d[\d,]*(?:\.\d+)?", ent.text)
            if not match:
                continue
            value = float(match.group(0).replace(",", ""))
            scale = re.search(r"(bn|billion|mn|million|m|k|thousand)\b", ent.text[match.end() :])
            value *= SCALES[scale.group(1)] if scale else 1
            if ent.label_ == "MONEY":
                unit = "GBP"
            elif ent.label_ == "PERCENT":
                unit = "percent"
            else:
                after = doc[ent.end].lower_ if ent.end < len(doc) else ""
                unit = "people" if after in people else "count"
            figures.append((rounded(value), unit))
    return {"figures": figures, "organisations": organisations, "schemes": set()}


def ours(result: dict) -> dict:
    return {
        "figures": [(rounded(f["value"]), f["unit"]) for f in result["figures"]],
        "organisations": {o["name"] for o in result["organisations"]},
        "schemes": {s["name"] for s in result["schemes"]},
    }


def expected(gold: dict) -> dict:
    return {
        "figures": [(rounded(f["value"]), f["unit"]) for f in gold["figures"]],
        "organisations": {o["name"] for o in gold["organisations"]},
        "schemes": {s["name"] for s in gold["schemes"]},
    }


def tally(counts: dict, predicted: dict, truth: dict) -> None:
    for field in ("figures", "organisations", "schemes"):
        got, want = Counter(predicted[field]), Counter(truth[field])
        counts[field]["tp"] += sum((got & want).values())
        counts[field]["fp"] += sum((got - want).values())
        counts[field]["fn"] += sum((want - got).values())


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def accuracy(full, plain, show_errors: bool = False, with_test: bool = True) -> None:
    documents = gold_documents(with_test)
    if not documents:
        print("no gold documents under bench/gold/")
        return
    people = FigureWords.load().people
    results = dict(
        extract_texts(full, [TextToExtract(name, text) for _, name, text, _ in documents])
    )
    if show_errors:
        print_errors(documents, results)
    groups = [TEST_GROUP, DEV_GROUP, SEED_GROUP, "all"]
    for group in groups:
        chosen = [d for d in documents if group in ("all", d[0])]
        if not chosen:
            continue
        scores = {
            system: {f: Counter() for f in ("figures", "organisations", "schemes")}
            for system in ("nhscuts", "baseline")
        }
        for _, name, text, gold in chosen:
            tally(scores["nhscuts"], ours(results[name]), expected(gold))
            tally(scores["baseline"], baseline(plain, text, people), expected(gold))
        print(f"\n{group}: {len(chosen)} documents")
        print(f"  {'':14} {'nhscuts P / R / F1':>24}   {'baseline P / R / F1':>24}")
        for field in ("figures", "organisations", "schemes"):
            row = []
            for system in ("nhscuts", "baseline"):
                p, r, f = prf(**scores[system][field])
                row.append(f"{p:.2f} / {r:.2f} / {f:.2f}")
            gold_count = scores["nhscuts"][field]["tp"] + scores["nhscuts"][field]["fn"]
            print(f"  {field:14} {row[0]:>24}   {row[1]:>24}   (gold {gold_count})")
        print_figures_by_unit([(ours(results[d[1]]), expected(d[3])) for d in chosen])


def print_figures_by_unit(pairs: list[tuple[dict, dict]]) -> None:
    """Figures scored per gold unit, and how many errors are a right value in the wrong
    unit: where the extractor goes wrong, in aggregate, without listing any item."""
    by_unit = defaultdict(Counter)
    confused = 0
    for predicted, truth in pairs:
        got, want = Counter(predicted["figures"]), Counter(truth["figures"])
        for (_, unit), count in (got & want).items():
            by_unit[unit]["tp"] += count
        for (_, unit), count in (got - want).items():
            by_unit[unit]["fp"] += count
        for (_, unit), count in (want - got).items():
            by_unit[unit]["fn"] += count
        extra = Counter(value for value, _ in (got - want).elements())
        missed = Counter(value for value, _ in (want - got).elements())
        confused += sum((extra & missed).values())
    cells = []
    for unit in sorted(by_unit, key=lambda u: -(by_unit[u]["tp"] + by_unit[u]["fn"])):
        precision, recall, f1 = prf(*(by_unit[unit][key] for key in ("tp", "fp", "fn")))
        gold = by_unit[unit]["tp"] + by_unit[unit]["fn"]
        cells.append(f"{unit} {precision:.2f}/{recall:.2f}/{f1:.2f} ({gold})")
    print(f"  {'figures by unit':14} P/R/F1 (gold): " + ", ".join(cells))
    print(f"  {'':14} right value, wrong unit: {confused} of the errors")


def print_errors(documents, results) -> None:
    """What the extractor missed or added, for tuning: never for the test documents."""
    for group, name, _, gold in documents:
        if group == TEST_GROUP:
            continue
        predicted, truth = ours(results[name]), expected(gold)
        for field in ("figures", "organisations", "schemes"):
            got, want = Counter(predicted[field]), Counter(truth[field])
            extra, missed = sorted((got - want).elements()), sorted((want - got).elements())
            if extra or missed:
                print(f"{name} {field}: extra {extra} missed {missed}")


def speed(full, plain, words: int, n_process: int) -> None:
    samples = sorted((REPO / "corpus" / "samples").rglob("*-*.md"))
    sources = [read_text(p.read_bytes(), "text/markdown").text for p in samples]
    sources += [p.read_text(encoding="utf-8") for p in sorted((GOLD / "docs").glob("*.txt"))]
    texts, total = [], 0
    while total < words:
        for text in sources:
            texts.append(text)
            total += len(text.split())
            if total >= words:
                break
    paragraphs = [p for t in texts for p in normalise_text(t).split("\n\n")]
    start = time.perf_counter()
    for _ in plain.pipe(paragraphs, batch_size=64, n_process=n_process):
        pass
    bare = total / (time.perf_counter() - start)
    items = [TextToExtract(i, t) for i, t in enumerate(texts)]
    start = time.perf_counter()
    for _ in extract_texts(full, items, batch_size=64, n_process=n_process):
        pass
    mine = total / (time.perf_counter() - start)
    print(
        f"\nspeed, {total:,} words, n_process={n_process}: bare nlp.pipe {bare:,.0f} words/s, "
        f"full extraction {mine:,.0f} words/s = {mine / bare:.2f}x (target >= 0.6x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--errors", action="store_true", help="list mistakes on the dev and seed documents"
    )
    parser.add_argument(
        "--dev-only",
        action="store_true",
        help="score dev and seed documents only, without reading the test set (for tuning); "
        "implies --skip-speed, whose sample includes the test documents",
    )
    args = parser.parse_args()
    full = build_pipeline()
    plain = spacy.load(MODEL_PACKAGE)
    accuracy(full, plain, show_errors=args.errors, with_test=not args.dev_only)
    if not (args.skip_speed or args.dev_only):
        for n_process in (1, 2):
            speed(full, plain, args.words, n_process)


if __name__ == "__main__":
    main()
