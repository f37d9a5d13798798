"""Train the logistic framing scorer on the codebook and the *training* labelled paragraphs.

    python bench/train_frames.py            # cross-validate, fit, write the classifier
    python bench/train_frames.py --dry-run  # cross-validate only

Held-out paragraphs (split = heldout in bench/frames/labelled.jsonl) are never read here.
Writes analysis/frames/classifier.toml, which `nhscuts frames` uses only while it matches
the codebook and the model. Cross-validation folds are whole documents, so no document's
paragraphs are both fitted and scored. Vectors are cached in the user cache.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from frames_labelled import build_bench_corpus, load_labelled, stance_inputs  # noqa: E402

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

C = 1.0  # chosen by this script's cross-validation among 0.3, 1, 3 (all within 1 point)


def scores(gold, predicted) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return accuracy_score(gold, predicted), f1_score(gold, predicted, average="macro")


def training_data(corpus, options):
    rows, notes = load_labelled()
    rows = [row for row in rows if row.split == "train"]
    codebook = Codebook.load()
    exemplars = embed_texts(corpus, codebook.texts, options)
    paragraphs, sentences = stance_inputs(corpus, [row.text for row in rows], options)
    features = stance_features(paragraphs, sentences, exemplars, codebook.labels)
    # Each exemplar as a training row, its own vector hidden from its features.
    exemplar_features = stance_features(
        exemplars, [e[None, :] for e in exemplars], exemplars, codebook.labels,
        leave_out=list(range(len(exemplars))),
    )  # fmt: skip
    labels = np.array([row.label for row in rows])
    groups = np.array([row.document for row in rows])
    return codebook, features, labels, groups, exemplar_features, notes


def cross_validate(codebook, features, labels, groups, exemplar_features, c=C) -> dict:
    from sklearn.model_selection import GroupKFold

    predicted = {"similarity": np.empty(len(labels), dtype=object)}
    predicted["logistic"] = np.empty(len(labels), dtype=object)
    for fit, test in GroupKFold(n_splits=5).split(features, labels, groups):
        model = LogisticScorer.fit(
            np.vstack([features[fit], exemplar_features]),
            np.concatenate([labels[fit], codebook.labels]),
            codebook.digest, "", c=c,
        )  # fmt: skip
        for name, scorer in (("logistic", model), ("similarity", SimilarityScorer())):
            framings = framings_from_proba(scorer.proba(features[test]))
            predicted[name][test] = [f.label for f in framings]
    return {name: scores(labels, p.astype(str)) for name, p in predicted.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="Cross-validate only.")
    args = parser.parse_args()
    options = EmbedOptions()
    with build_bench_corpus(default_cache_dir() / "bench" / "frames.db") as corpus:
        codebook, features, labels, groups, exemplar_features, notes = training_data(
            corpus, options
        )
    for note in notes:
        print(f"note: {note}")
    print(f"training: {len(labels)} paragraphs of {len(set(groups))} documents "
          f"+ {len(codebook.texts)} codebook statements")  # fmt: skip
    for c in (0.3, 1.0, 3.0):
        result = cross_validate(codebook, features, labels, groups, exemplar_features, c)
        print(f"C={c}: 5-fold by document, accuracy / macro-F1: " + ", ".join(
            f"{name} {acc:.3f} / {f1:.3f}" for name, (acc, f1) in result.items()))  # fmt: skip
    if args.dry_run:
        return
    model = LogisticScorer.fit(
        np.vstack([features, exemplar_features]),
        np.concatenate([labels, codebook.labels]),
        codebook.digest, options.stored_model_name, c=C,
    )  # fmt: skip
    counts = ", ".join(f"{label} {int((labels == label).sum())}" for label in LABELS)
    model.save(
        CLASSIFIER,
        note=f"Trained on {len(labels)} labelled paragraphs ({counts}) and the "
        f"{len(codebook.texts)} codebook statements; C = {C}.",
    )
    print(f"wrote {CLASSIFIER}")


if __name__ == "__main__":
    main()
