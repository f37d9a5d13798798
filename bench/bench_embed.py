"""Embedding speed: `embed_corpus` beside a bare SentenceTransformer.encode, same texts, same run.

    python bench/bench_embed.py                        # 5,000 paragraphs, torch and ONNX
    python bench/bench_embed.py --paragraphs 1000 --backends torch

The paragraphs are made from the sample documents' sentences, one to six at a time, so
they read like the corpus and no two are the same (the stage's cache cannot help it). For
each backend the model is loaded once. The texts go in slices of 500: each slice is
encoded bare (normalised, batch 32) and through the stage (its documents added to a corpus,
then `embed_corpus`, which finds the new paragraphs by hash, splits long ones and writes
float32 BLOBs in transactions), alternating which goes first. Interleaving matters on a
machine shared with other work, whose speed changes from minute to minute. Then the stage
runs again over the whole corpus: it must encode nothing.
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.embed import (  # noqa: E402
    EmbedOptions,
    ParagraphEncoder,
    embed_corpus,
    load_model,
    split_sentences,
)
from corpus import Corpus, Document  # noqa: E402
from corpus.document import normalise_text, split_paragraphs  # noqa: E402
from corpus.formats import content_type_for, extract  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PER_DOCUMENT = 10
SLICE = 500


def make_paragraphs(count: int, seed: int = 0) -> list[str]:
    sentences = []
    for path in sorted((REPO / "corpus" / "samples").glob("*/*.md")):
        text = normalise_text(extract(path.read_bytes(), content_type_for(path)).text)
        for paragraph in split_paragraphs(text):
            sentences.extend(split_sentences(paragraph))
    rng = random.Random(seed)
    made: set[str] = set()
    paragraphs = []
    while len(paragraphs) < count:
        paragraph = " ".join(rng.sample(sentences, rng.randint(1, 6)))
        if paragraph not in made:
            made.add(paragraph)
            paragraphs.append(paragraph)
    return paragraphs


def documents_of(paragraphs: list[str]) -> list[Document]:
    return [
        Document(text="\n\n".join(paragraphs[i : i + PER_DOCUMENT]), source="bench",
                 content_type="text/plain", extractor_version="bench")
        for i in range(0, len(paragraphs), PER_DOCUMENT)
    ]  # fmt: skip


def bare(model, texts: list[str], batch_size: int) -> float:
    started = time.perf_counter()
    model.encode(texts, batch_size=batch_size, normalize_embeddings=True)
    return time.perf_counter() - started


def stage(corpus: Corpus, texts: list[str], options: EmbedOptions, encoder) -> float:
    list(corpus.add(documents_of(texts)))
    started = time.perf_counter()
    report = embed_corpus(corpus, options, encoder)
    seconds = time.perf_counter() - started
    assert report.encoded == len(texts), report
    return seconds


def measure(backend: str, texts: list[str]) -> str:
    options = EmbedOptions(backend=backend)
    model = load_model(options)
    encoder = ParagraphEncoder(model, options.batch_size)
    model.encode(texts[:64], batch_size=options.batch_size)  # warm up
    bare_seconds = stage_seconds = 0.0
    with tempfile.TemporaryDirectory() as folder, Corpus.open(Path(folder) / "b.db") as corpus:
        for number, begin in enumerate(range(0, len(texts), SLICE)):
            part = texts[begin : begin + SLICE]
            if number % 2:
                stage_seconds += stage(corpus, part, options, encoder)
                bare_seconds += bare(model, part, options.batch_size)
            else:
                bare_seconds += bare(model, part, options.batch_size)
                stage_seconds += stage(corpus, part, options, encoder)
        started = time.perf_counter()
        second = embed_corpus(corpus, options, encoder)
        again = time.perf_counter() - started
    n = len(texts)
    return (
        f"| {model.nhscuts_backend} | {n / bare_seconds:.1f} | {n / stage_seconds:.1f} | "
        f"{bare_seconds / stage_seconds:.2f}× | {second.encoded} of {second.paragraphs}, "
        f"{again:.2f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=5000)
    parser.add_argument("--backends", default="torch,onnx", help="Comma-separated: torch, "
                        "onnx, onnx-int8.")  # fmt: skip
    args = parser.parse_args()
    texts = make_paragraphs(args.paragraphs)
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} distinct paragraphs, {words:.0f} words each on average\n")
    print("| backend | bare encode, paragraphs/s | `embed_corpus`, paragraphs/s | ratio | "
          "second run: encoded, time |")  # fmt: skip
    print("|---|---|---|---|---|")
    for backend in args.backends.split(","):
        print(measure(backend, texts), flush=True)


if __name__ == "__main__":
    main()
