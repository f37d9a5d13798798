"""The hand-labelled paragraphs of bench/frames/labelled.jsonl, with their text looked up,
and the training-only paragraphs of bench/frames/train_extra.jsonl.

Each line of labelled.jsonl names a paragraph by file and position, never by its text: the
sample documents are in corpus/samples/, the seed documents (third-party text) in
../shared/seeds/. A short hash of the paragraph's text catches a file that has changed
since it was labelled. train_extra.jsonl holds text the project wrote for training, so it
keeps the text itself; none of it is ever held out.
"""

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from corpus.document import normalise_text, split_paragraphs
from corpus.formats import content_type_for, extract

REPO = Path(__file__).resolve().parents[1]
LABELLED = REPO / "bench" / "frames" / "labelled.jsonl"
TRAIN_EXTRA = REPO / "bench" / "frames" / "train_extra.jsonl"
SEEDS = Path(os.environ.get("NHSCUTS_SHARED", REPO.parent / "shared")) / "seeds"


@dataclass
class LabelledParagraph:
    source: str  # samples | seeds | extra (train_extra.jsonl: `file` is its document id)
    file: str
    paragraph: int  # from 1, as in the corpus
    label: str
    split: str  # train | heldout
    text: str

    @property
    def document(self) -> str:
        return f"{self.source}:{self.file}"


class LabelDrift(RuntimeError):
    """A labelled paragraph no longer has the text it was labelled with."""


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def file_paragraphs(path: Path) -> list[str]:
    """A file's paragraphs exactly as `nhscuts add` would store them."""
    text = extract(path.read_bytes(), content_type_for(path)).text
    return split_paragraphs(normalise_text(text))


def load_labelled(path: Path = LABELLED, seeds: Path = SEEDS) -> tuple[list, list[str]]:
    """(paragraphs, notes): every labelled paragraph whose file is here.

    Seeds are skipped, with a note, when ../shared/seeds is absent. A paragraph whose text
    changed raises LabelDrift: relabel it rather than measure against a stale label.
    """
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    notes, found, cache = [], [], {}
    for row in rows:
        where = REPO / row["file"] if row["source"] == "samples" else seeds / row["file"]
        if not where.exists():
            note = f"{where} is absent: its labelled paragraphs are left out"
            if note not in notes:
                notes.append(note)
            continue
        if where not in cache:
            cache[where] = file_paragraphs(where)
        paragraphs = cache[where]
        index = row["paragraph"]
        text = paragraphs[index - 1] if index <= len(paragraphs) else ""
        if short_hash(text) != row["sha256"]:
            raise LabelDrift(f"{row['file']} paragraph {index} has changed since it was labelled")
        found.append(
            LabelledParagraph(row["source"], row["file"], index, row["label"], row["split"], text)
        )
    return found, notes


def load_train_extra(path: Path = TRAIN_EXTRA) -> list[LabelledParagraph]:
    """The project's own training paragraphs, numbered from 1 within each pseudo-document."""
    found, seen = [], {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line:
            continue
        row = json.loads(line)
        seen[row["document"]] = seen.get(row["document"], 0) + 1
        found.append(
            LabelledParagraph(
                "extra", row["document"], seen[row["document"]], row["label"], "train",
                row["text"],
            )
        )  # fmt: skip
    return found


def build_bench_corpus(path: Path, seeds: Path = SEEDS):
    """A corpus of the sample documents and the seeds (where present), for the benches.

    Kept between runs (under the user cache), so vectors are encoded once.
    """
    from corpus import Corpus
    from corpus.files import ImportOptions, import_files

    corpus = Corpus.open(path)
    folders = [REPO / "corpus" / "samples"] + ([seeds] if seeds.exists() else [])
    import_files(corpus, folders, ImportOptions())
    return corpus


def stance_inputs(corpus, texts: list[str], options) -> tuple:
    """(paragraph vectors, sentence vectors per paragraph) for `texts`, through the cache."""
    from analysis.embed import embed_texts, split_sentences

    paragraphs = embed_texts(corpus, texts, options)
    split = [split_sentences(text) or [text] for text in texts]
    flat = embed_texts(corpus, [s for sentences in split for s in sentences], options)
    sentences, start = [], 0
    for parts in split:
        sentences.append(flat[start : start + len(parts)])
        start += len(parts)
    return paragraphs, sentences
