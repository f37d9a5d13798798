"""Cross-validate other framing scorers beside the one `nhscuts frames` uses (issue 5).

    python bench/frames_models.py                          # every candidate on MiniLM
    python bench/frames_models.py --model mpnet=/path/to/all-mpnet-base-v2
    python bench/frames_models.py --setfit                 # also fine-tune MiniLM per fold

Only training paragraphs are read (the train split of bench/frames/labelled.jsonl and
bench/frames/train_extra.jsonl, 580 in all), with the same 5 folds by whole document as
bench/train_frames.py; held-out paragraphs are never loaded. Each candidate prints
accuracy / macro-F1 over the sample paragraphs, the written ones and all of them, so it
can be set beside the current scorer (similarities + vector, C = 1). Candidates:

- the current features, and the same with sentence-level vectors (the element-wise max
  and min over the paragraph's sentences) beside the paragraph's vector;
- TF-IDF word (1–2) or character (2–5) n-grams, alone and stacked on the current features;
- the current features computed with another sentence-transformers model (`--model`);
- SetFit-style: MiniLM fine-tuned on each training fold with a supervised contrastive
  loss, then the current features and classifier on its vectors (`--setfit`, slow).

The figures, and which candidate went into bench/train_frames.py: docs/benchmarks.md,
"Stronger sentence models and other trained scorers".
"""

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from frames_labelled import (  # noqa: E402
    build_bench_corpus,
    load_labelled,
    load_train_extra,
    stance_inputs,
)

from analysis.embed import EmbedOptions, default_cache_dir, embed_texts  # noqa: E402
from analysis.frames.axis import LABELS, Codebook, stance_features  # noqa: E402

FOLDS = 5
C_GRID = (0.3, 1.0, 3.0)
SCALE = 5.0  # the similarities' multiplier, as LogisticScorer.fit uses


@dataclass
class Inputs:
    """Everything a candidate may use, for the 580 training paragraphs and the codebook."""

    texts: list[str]
    labels: np.ndarray
    groups: np.ndarray
    sources: np.ndarray
    codebook: Codebook
    features: np.ndarray  # (n, 11) similarities to the codebook
    vectors: np.ndarray  # (n, dim)
    sentence_max: np.ndarray  # (n, dim) element-wise max over the paragraph's sentences
    sentence_min: np.ndarray
    exemplar_features: np.ndarray  # the codebook statements as training rows
    exemplar_vectors: np.ndarray


def training_rows():
    rows, _ = load_labelled()
    return [row for row in rows if row.split == "train"] + load_train_extra()


def encode_inputs(rows, codebook: Codebook, encode) -> dict:
    """Features and vectors from `encode(texts) -> (n, dim)` L2-normalised vectors."""
    from analysis.embed import split_sentences

    texts = [row.text for row in rows]
    exemplars = encode(codebook.texts)
    paragraphs = encode(texts)
    split = [split_sentences(text) or [text] for text in texts]
    flat = encode([s for parts in split for s in parts])
    sentences, start = [], 0
    for parts in split:
        sentences.append(flat[start : start + len(parts)])
        start += len(parts)
    return _derived(paragraphs, sentences, exemplars, codebook)


def _derived(paragraphs, sentences, exemplars, codebook) -> dict:
    exemplar_features = stance_features(
        exemplars, [e[None, :] for e in exemplars], exemplars, codebook.labels,
        leave_out=list(range(len(exemplars))),
    )  # fmt: skip
    return {
        "features": stance_features(paragraphs, sentences, exemplars, codebook.labels),
        "vectors": paragraphs,
        "sentence_max": np.stack([s.max(0) for s in sentences]),
        "sentence_min": np.stack([s.min(0) for s in sentences]),
        "exemplar_features": exemplar_features,
        "exemplar_vectors": exemplars,
    }


def load_inputs(corpus, rows, options: EmbedOptions) -> Inputs:
    """The inputs through the bench corpus's vector cache (as train_frames.py reads them)."""
    codebook = Codebook.load()
    exemplars = embed_texts(corpus, codebook.texts, options)
    paragraphs, sentences = stance_inputs(corpus, [row.text for row in rows], options)
    return Inputs(
        [row.text for row in rows],
        np.array([row.label for row in rows]),
        np.array([row.document for row in rows]),
        np.array([row.source for row in rows]),
        codebook,
        **_derived(paragraphs, sentences, exemplars, codebook),
    )


# --- candidates: each builds (train matrix, test matrix) for one fold -----------------------


def dense(parts):
    """A candidate made of dense blocks: 'sims', 'vec', 'smax', 'smin'."""

    def build(data: Inputs, train, test):
        def block(name, rows, exemplar):
            if name == "sims":
                return (data.exemplar_features if exemplar else data.features[rows]) * SCALE
            if name == "vec":
                return data.exemplar_vectors if exemplar else data.vectors[rows]
            if name == "smax":  # an exemplar is one sentence: its max and min are itself
                return data.exemplar_vectors if exemplar else data.sentence_max[rows]
            if name == "smin":
                return data.exemplar_vectors if exemplar else data.sentence_min[rows]
            raise ValueError(name)

        fit_x = np.vstack(
            [np.hstack([block(p, train, False) for p in parts]),
             np.hstack([block(p, None, True) for p in parts])]
        )  # fmt: skip
        test_x = np.hstack([block(p, test, False) for p in parts])
        return fit_x, test_x

    return build


def tfidf(analyzer: str, ngrams: tuple[int, int], with_dense: bool, weight: float = 1.0):
    """TF-IDF n-grams fitted on the fold's training texts and the codebook only."""

    def build(data: Inputs, train, test):
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        fit_texts = [data.texts[i] for i in train] + data.codebook.texts
        vectoriser = TfidfVectorizer(
            analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True, min_df=2,
            lowercase=True,
        )  # fmt: skip
        fit_x = vectoriser.fit_transform(fit_texts) * weight
        test_x = vectoriser.transform([data.texts[i] for i in test]) * weight
        if not with_dense:
            return fit_x, test_x
        fit_d, test_d = dense(("sims", "vec"))(data, train, test)
        return (hstack([csr_matrix(fit_d), fit_x]).tocsr(),
                hstack([csr_matrix(test_d), test_x]).tocsr())  # fmt: skip

    return build


def cross_validate(data: Inputs, build, c: float) -> np.ndarray:
    """Each paragraph's label from a model that never saw its document.

    `build` is one candidate, or a tuple of them: then a logistic regression is fitted on
    each and their probabilities are averaged.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    builds = build if isinstance(build, tuple) else (build,)
    predicted = np.empty(len(data.labels), dtype=object)
    for train, test in GroupKFold(n_splits=FOLDS).split(data.texts, data.labels, data.groups):
        fit_y = np.concatenate([data.labels[train], data.codebook.labels])
        proba = 0.0
        for one in builds:
            fit_x, test_x = one(data, train, test)
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
            model.fit(fit_x, fit_y)
            proba = proba + model.predict_proba(test_x)
        predicted[test] = model.classes_[np.argmax(proba, axis=1)]
    return predicted.astype(str)


def scores(gold, predicted) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return accuracy_score(gold, predicted), f1_score(gold, predicted, average="macro")


def row(name: str, data: Inputs, predicted) -> tuple[float, float]:
    cells = []
    for source in ("samples", "extra", None):
        mask = data.sources == source if source else np.ones(len(data.labels), dtype=bool)
        cells.append("{:.3f} / {:.3f}".format(*scores(data.labels[mask], predicted[mask])))
    print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    return scores(data.labels, predicted)


def run_candidates(data: Inputs, candidates: dict, prefix: str = "") -> None:
    for name, build in candidates.items():
        for c in C_GRID:
            row(f"{prefix}{name}, C = {c}", data, cross_validate(data, build, c))


# --- SetFit-style fine-tuning ---------------------------------------------------------------


def finetune(model_path: Path, texts: list[str], labels: np.ndarray, epochs: int, seed: int):
    """MiniLM tuned so paragraphs of one framing lie together (supervised contrastive loss).

    A plain torch loop (no trainer): batches of 32 texts, temperature 0.1, learning rate
    2e-5, `epochs` passes. Returns the tuned SentenceTransformer.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-5)
    ids = np.array([LABELS.index(label) for label in labels])
    for _ in range(epochs):
        order = rng.permutation(len(texts))
        for begin in range(0, len(order), 32):
            batch = order[begin : begin + 32]
            features = model.tokenize([texts[i] for i in batch])
            embedded = model(features)["sentence_embedding"]
            embedded = torch.nn.functional.normalize(embedded, dim=1)
            loss = _supervised_contrastive(embedded, torch.tensor(ids[batch]), 0.1)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    return model


def _supervised_contrastive(embedded, labels, temperature):
    import torch

    similarity = embedded @ embedded.T / temperature
    eye = torch.eye(len(labels), dtype=torch.bool)
    similarity = similarity.masked_fill(eye, -1e9)
    log_prob = similarity - torch.logsumexp(similarity, dim=1, keepdim=True)
    positive = (labels[:, None] == labels[None, :]) & ~eye
    counts = positive.sum(1).clamp(min=1)
    return -((log_prob * positive).sum(1) / counts).mean()


def setfit_cv(data: Inputs, rows, model_path: Path, epochs: int) -> dict:
    """Per fold: tune on the fold's training paragraphs and the codebook, re-encode all."""
    from sklearn.model_selection import GroupKFold

    from analysis.embed import ParagraphEncoder

    out = {c: np.empty(len(data.labels), dtype=object) for c in C_GRID}
    folds = GroupKFold(n_splits=FOLDS).split(data.texts, data.labels, data.groups)
    for fold, (train, test) in enumerate(folds):
        started = time.perf_counter()
        texts = [data.texts[i] for i in train] + data.codebook.texts
        labels = np.concatenate([data.labels[train], data.codebook.labels])
        tuned = ParagraphEncoder(finetune(model_path, texts, labels, epochs, seed=fold))
        derived = encode_inputs(rows, data.codebook, tuned.encode)
        fold_data = Inputs(data.texts, data.labels, data.groups, data.sources,
                           data.codebook, **derived)  # fmt: skip
        for c in C_GRID:
            predicted = _fit_predict(fold_data, train, test, c)
            out[c][test] = predicted
        print(f"  fold {fold + 1}: {time.perf_counter() - started:.0f} s", flush=True)
    return {c: p.astype(str) for c, p in out.items()}


def _fit_predict(data: Inputs, train, test, c: float):
    from sklearn.linear_model import LogisticRegression

    fit_x, test_x = dense(("sims", "vec"))(data, train, test)
    fit_y = np.concatenate([data.labels[train], data.codebook.labels])
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    return model.fit(fit_x, fit_y).predict(test_x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], metavar="NAME=PATH",
                        help="Another sentence-transformers model folder to try.")  # fmt: skip
    parser.add_argument("--setfit", action="store_true", help="Fine-tune MiniLM per fold.")
    parser.add_argument("--epochs", type=int, default=1, help="Fine-tuning passes (--setfit).")
    parser.add_argument("--skip-minilm", action="store_true", help="Only --model / --setfit.")
    args = parser.parse_args()
    rows = training_rows()
    options = EmbedOptions()
    with build_bench_corpus(default_cache_dir() / "bench" / "frames.db") as corpus:
        data = load_inputs(corpus, rows, options)
        others = {}
        for spec in args.model:
            name, path = spec.split("=", 1)
            other = EmbedOptions(model_path=Path(path), model_name=f"bench:{name}",
                                 backend="torch")  # fmt: skip
            started = time.perf_counter()
            others[name] = load_inputs(corpus, rows, other)
            print(f"{name}: inputs in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"{len(rows)} training paragraphs, {len(set(data.groups))} documents, "
          f"{FOLDS}-fold cross-validation by document, accuracy / macro-F1\n")  # fmt: skip
    print("| candidate | samples | extra | all |")
    print("|---|---|---|---|")
    if not args.skip_minilm:
        run_candidates(data, {
            "similarities + vector (current)": dense(("sims", "vec")),
            "similarities + vector + sentence max/min": dense(("sims", "vec", "smax", "smin")),
            "similarities + sentence max/min": dense(("sims", "smax", "smin")),
            "TF-IDF words 1-2 alone": tfidf("word", (1, 2), False),
            "similarities + vector + TF-IDF words 1-2": tfidf("word", (1, 2), True),
            "similarities + vector + TF-IDF chars 2-5": tfidf("char_wb", (2, 5), True),
            "mean of (similarities + vector) and (TF-IDF words 1-2)": (
                dense(("sims", "vec")), tfidf("word", (1, 2), False)),
        })  # fmt: skip
    for name, inputs in others.items():
        run_candidates(inputs, {"similarities + vector": dense(("sims", "vec"))}, f"{name}: ")
    if args.setfit:
        from analysis.embed import packaged_model_path

        for c, predicted in setfit_cv(data, rows, packaged_model_path(), args.epochs).items():
            row(f"MiniLM fine-tuned ({args.epochs} epoch), similarities + vector, C = {c}",
                data, predicted)  # fmt: skip


if __name__ == "__main__":
    main()
