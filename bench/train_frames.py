"""Train the logistic framing scorer on the codebook and the *training* labelled paragraphs.

    python bench/train_frames.py            # cross-validate, choose, fit, write the classifier
    python bench/train_frames.py --dry-run  # cross-validate only

Training paragraphs: the train split of bench/frames/labelled.jsonl (sample documents) and
every paragraph of bench/frames/train_extra.jsonl (the project's own text, written for
training). Held-out paragraphs (split = heldout) are never read here. The features (the
similarities, with or without the paragraph's vector, with or without a second regression
on the TF-IDF of its words whose probabilities are averaged in) and C are chosen by 5-fold
cross-validation whose folds are whole documents, so no document's paragraphs are both
fitted and scored; the words' vocabulary is fitted inside each fold.
Writes
analysis/frames/classifier.toml, which `nhscuts frames` uses only while it matches the
codebook and the model. Vectors are cached in the user cache.
"""

import argparse
import sys
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
from analysis.frames.axis import (  # noqa: E402
    CLASSIFIER,
    LABELS,
    Codebook,
    LogisticScorer,
    SimilarityScorer,
    framings_from_proba,
    stance_features,
)

C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
FEATURE_SETS = ("similarities", "similarities + vector", "similarities + vector, and words")
FOLDS = 5


@dataclass
class TrainingSet:
    features: np.ndarray  # (n, 11) similarities to the codebook
    vectors: np.ndarray  # (n, dim) the paragraphs' own vectors
    texts: list[str]  # the paragraphs' text, for their words
    labels: np.ndarray
    groups: np.ndarray  # document of each paragraph: the unit of a fold
    sources: np.ndarray  # samples | extra
    codebook: Codebook
    exemplar_features: np.ndarray  # each codebook statement as a training row
    exemplar_vectors: np.ndarray


def scores(gold, predicted) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return accuracy_score(gold, predicted), f1_score(gold, predicted, average="macro")


def training_data(corpus, options) -> tuple[TrainingSet, list[str]]:
    rows, notes = load_labelled()
    rows = [row for row in rows if row.split == "train"] + load_train_extra()
    codebook = Codebook.load()
    exemplars = embed_texts(corpus, codebook.texts, options)
    paragraphs, sentences = stance_inputs(corpus, [row.text for row in rows], options)
    # Each exemplar as a training row, its own vector hidden from its features.
    exemplar_features = stance_features(
        exemplars, [e[None, :] for e in exemplars], exemplars, codebook.labels,
        leave_out=list(range(len(exemplars))),
    )  # fmt: skip
    data = TrainingSet(
        stance_features(paragraphs, sentences, exemplars, codebook.labels),
        paragraphs,
        [row.text for row in rows],
        np.array([row.label for row in rows]),
        np.array([row.document for row in rows]),
        np.array([row.source for row in rows]),
        codebook,
        exemplar_features,
        exemplars,
    )
    return data, notes


def fit(data: TrainingSet, rows, feature_set: str, c: float, model: str = ""):
    """The logistic scorer fitted on `rows` of the training set plus the codebook."""
    with_vectors = "vector" in feature_set
    texts = [data.texts[i] for i in rows] + data.codebook.texts
    return LogisticScorer.fit(
        np.vstack([data.features[rows], data.exemplar_features]),
        np.concatenate([data.labels[rows], data.codebook.labels]),
        data.codebook.digest, model, c=c,
        vectors=np.vstack([data.vectors[rows], data.exemplar_vectors]) if with_vectors else None,
        texts=texts if feature_set.endswith("words") else None,
    )  # fmt: skip


def out_of_fold(data: TrainingSet, rows: np.ndarray, feature_set: str, c: float) -> np.ndarray:
    """Probabilities for `rows` (zeros elsewhere), each from a model fitted on the other
    folds of `rows`, split by document, so never on the paragraph's own document."""
    from sklearn.model_selection import GroupKFold

    proba = np.zeros((len(data.labels), len(LABELS)))
    for fitted, scored in GroupKFold(n_splits=FOLDS).split(rows, groups=data.groups[rows]):
        model = fit(data, rows[fitted], feature_set, c)
        test = rows[scored]
        proba[test] = model.proba(
            data.features[test], data.vectors[test], [data.texts[i] for i in test]
        )
    return proba


def cross_validate(data: TrainingSet, feature_set: str, c: float) -> np.ndarray:
    """Each training paragraph's label, predicted by a model that never saw its document."""
    proba = out_of_fold(data, np.arange(len(data.labels)), feature_set, c)
    return np.array([framing.label for framing in framings_from_proba(proba)])


def report(name: str, data: TrainingSet, predicted) -> tuple[float, float]:
    cells = []
    for source in ("samples", "extra", None):
        rows = data.sources == source if source else np.ones(len(data.labels), dtype=bool)
        cells.append("{:.3f} / {:.3f}".format(*scores(data.labels[rows], predicted[rows])))
    print(f"| {name} | " + " | ".join(cells) + " |")
    return scores(data.labels, predicted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="Cross-validate only.")
    args = parser.parse_args()
    options = EmbedOptions()
    with build_bench_corpus(default_cache_dir() / "bench" / "frames.db") as corpus:
        data, notes = training_data(corpus, options)
    for note in notes:
        print(f"note: {note}")
    counts = ", ".join(f"{label} {int((data.labels == label).sum())}" for label in LABELS)
    print(f"training: {len(data.labels)} paragraphs ({counts}) of {len(set(data.groups))} "
          f"documents, {int((data.sources == 'samples').sum())} of them from samples, "
          f"+ {len(data.codebook.texts)} codebook statements\n")  # fmt: skip
    print(f"{FOLDS}-fold cross-validation by document, accuracy / macro-F1:\n")
    print("| scorer | samples | extra | all |")
    print("|---|---|---|---|")
    similarity = framings_from_proba(SimilarityScorer().proba(data.features))
    report("plain similarity", data, np.array([f.label for f in similarity]))
    results = {}
    for feature_set in FEATURE_SETS:
        for c in C_GRID:
            predicted = cross_validate(data, feature_set, c)
            results[feature_set, c] = report(f"logistic, {feature_set}, C={c}", data, predicted)
    # The best macro-F1 over all training paragraphs; a tie goes to the simpler, smaller C.
    feature_set, c = max(results, key=lambda key: (round(results[key][1], 3), -key[1]))
    print(f"\nchosen: {feature_set}, C = {c}")
    if args.dry_run:
        return
    every = np.arange(len(data.labels))
    model = fit(data, every, feature_set, c, options.stored_model_name)
    model.save(
        CLASSIFIER,
        note=f"Trained on {len(data.labels)} labelled training paragraphs ({counts}) and the\n"
        f"{len(data.codebook.texts)} codebook statements; features: {feature_set}; C = {c},\n"
        f"chosen by {FOLDS}-fold cross-validation by document on the training paragraphs.",
    )
    print(f"wrote {CLASSIFIER}")


if __name__ == "__main__":
    main()
