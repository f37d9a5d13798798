"""Cross-validate document context for the framing classifier (issue 5): training paragraphs only.

    python bench/frames_context.py          # the shipped settings: words and vector, C = 10
    python bench/frames_context.py --c 3

`nhscuts frames` sees every paragraph of a document, and a document's paragraphs tend to
share a stance, so a paragraph's probabilities p could be mixed with the mean q of the other
paragraphs of its document. Three ways are scored beside the classifier alone:

- linear mix, p' = (1 − λ)·p + λ·q;
- stance split: p's own P(neutral) is kept, and the stance mass is shared between
  partnership and opposition by (1 − μ)·p's ratio + μ·q's, so a notice or a salutation in
  a union leaflet stays neutral;
- a second-stage logistic regression over log p, log q, whether there is context, the
  paragraph's relative position and log length, fitted on inner out-of-fold probabilities
  (nested, so its figures are honest too).

Every probability comes from a model that never saw the paragraph's document: the same
five folds by whole document as bench/train_frames.py, and the context of a paragraph is
scored by the same fold's model. Only the 30 sample documents have context; each paragraph
of bench/frames/train_extra.jsonl is its own document. Held-out paragraphs are never read.
Also printed: λ chosen inside each fold (by macro-F1 over the other folds) and a bootstrap
over the sample documents of the accuracy gain. The figures and the decision:
docs/benchmarks.md, "Framings".
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_frames  # noqa: E402
from frames_labelled import build_bench_corpus, load_labelled, load_train_extra  # noqa: E402
from train_frames import FOLDS, scores, training_data  # noqa: E402

from analysis.embed import EmbedOptions, default_cache_dir  # noqa: E402
from analysis.frames.axis import LABELS  # noqa: E402

FEATURE_SET = "similarities + vector, and words"
LAMBDAS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
MUS = (0.25, 0.5, 0.75)
STAGE2_C = (0.1, 1.0)
BOOTSTRAP = 5000


def others_mean(proba: np.ndarray, documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the mean probabilities of each paragraph's document-mates, whether it has any)."""
    mean, has = np.zeros_like(proba), np.zeros(len(proba), dtype=bool)
    for document in np.unique(documents):
        rows = np.flatnonzero(documents == document)
        if len(rows) > 1:
            mean[rows] = (proba[rows].sum(0) - proba[rows]) / (len(rows) - 1)
            has[rows] = True
    return mean, has


def linear_mix(proba, documents, weight: float) -> np.ndarray:
    mean, has = others_mean(proba, documents)
    mixed = proba.copy()
    mixed[has] = (1 - weight) * proba[has] + weight * mean[has]
    return mixed


def stance_split(proba, documents, weight: float) -> np.ndarray:
    mean, has = others_mean(proba, documents)
    own = proba[:, :2] / proba[:, :2].sum(1, keepdims=True)
    theirs = mean[:, :2] / np.maximum(mean[:, :2].sum(1, keepdims=True), 1e-12)
    mixed = proba.copy()
    shared = ((1 - weight) * own + weight * theirs) * (1 - proba[:, 2:3])
    mixed[has, :2] = shared[has]
    return mixed


def stage2_inputs(proba, documents, positions, lengths) -> np.ndarray:
    mean, has = others_mean(proba, documents)
    relative = np.zeros(len(proba))
    for document in np.unique(documents):
        rows = np.flatnonzero(documents == document)
        if len(rows) > 1:
            relative[rows[np.argsort(positions[rows])]] = np.arange(len(rows)) / (len(rows) - 1)
    logs = np.log(np.clip(proba, 1e-6, 1)), np.log(np.clip(mean, 1e-6, 1)) * has[:, None]
    return np.column_stack([*logs, has, relative, np.log(lengths)])


def stage2(data, documents, positions, lengths, outer, c: float, c2: float) -> np.ndarray:
    """Stage two fitted, per outer fold, on inner out-of-fold probabilities of its rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    every, result = np.arange(len(data.labels)), np.zeros_like(outer)
    for fitted, scored in GroupKFold(n_splits=FOLDS).split(every, groups=data.groups):
        inner = train_frames.out_of_fold(data, fitted, FEATURE_SET, c)
        model = LogisticRegression(C=c2, max_iter=5000, class_weight="balanced")
        model.fit(stage2_inputs(inner, documents, positions, lengths)[fitted], data.labels[fitted])
        order = [list(model.classes_).index(label) for label in LABELS]
        inputs = stage2_inputs(outer, documents, positions, lengths)[scored]
        result[scored] = model.predict_proba(inputs)[:, order]
    return result


def predicted(proba) -> np.ndarray:
    return np.array(LABELS)[proba.argmax(1)]


def report(name: str, data, proba) -> None:
    train_frames.report(name, data, predicted(proba))


def best_weight(labels, mixes: dict, rows: np.ndarray) -> float:
    """The λ with the best macro-F1 over `rows` (to 3 places), a tie to the smaller."""
    return max(
        mixes, key=lambda w: (round(scores(labels[rows], predicted(mixes[w])[rows])[1], 3), -w)
    )


def nested_choice(data, documents, outer) -> tuple[list[float], np.ndarray]:
    """λ chosen on the other folds' paragraphs (macro-F1, ties to the smaller), applied."""
    from sklearn.model_selection import GroupKFold

    chosen, result = [], outer.copy()
    mixes = {weight: linear_mix(outer, documents, weight) for weight in LAMBDAS}
    every = np.arange(len(data.labels))
    for fitted, scored in GroupKFold(n_splits=FOLDS).split(every, groups=data.groups):
        best = best_weight(data.labels, mixes, fitted)
        chosen.append(best)
        result[scored] = mixes[best][scored]
    return chosen, result


def bootstrap_gain(data, before, after) -> tuple[float, float, float, float]:
    """Accuracy gain on the sample paragraphs, documents resampled: mean, 95% range, P(≤ 0)."""
    rng = np.random.default_rng(0)
    right = [(predicted(p) == data.labels).astype(float) for p in (before, after)]
    documents = np.unique(data.groups[data.sources == "samples"])
    rows_of = {d: np.flatnonzero(data.groups == d) for d in documents}
    gains = []
    for _ in range(BOOTSTRAP):
        rows = np.concatenate([rows_of[d] for d in rng.choice(documents, len(documents))])
        gains.append(right[1][rows].mean() - right[0][rows].mean())
    gains = np.array(gains)
    low, high = np.quantile(gains, [0.025, 0.975])
    return gains.mean(), low, high, float(np.mean(gains <= 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=10.0, help="C of the classifier (10).")
    args = parser.parse_args()
    with build_bench_corpus(default_cache_dir() / "bench" / "frames.db") as corpus:
        data, _ = training_data(corpus, EmbedOptions())
    labelled, _ = load_labelled()
    rows = [row for row in labelled if row.split == "train"] + load_train_extra()
    assert [row.label for row in rows] == data.labels.tolist()
    # Context: the sample documents only; a written paragraph is a document of its own.
    documents = np.array([row.document if row.source == "samples" else f"{row.document}#"
                          f"{row.paragraph}" for row in rows])  # fmt: skip
    positions = np.array([row.paragraph for row in rows])
    lengths = np.array([len(text) for text in data.texts])
    outer = train_frames.out_of_fold(data, np.arange(len(rows)), FEATURE_SET, args.c)
    print(f"{FOLDS}-fold cross-validation by document, {FEATURE_SET}, C = {args.c}, "
          "accuracy / macro-F1:\n")  # fmt: skip
    print("| document context | samples (214) | extra (366) | all (580) |\n|---|---|---|---|")
    report("none (the classifier alone)", data, outer)
    for weight in LAMBDAS[1:]:
        report(f"linear mix, λ = {weight}", data, linear_mix(outer, documents, weight))
    for weight in MUS:
        report(f"stance split, μ = {weight}", data, stance_split(outer, documents, weight))
    for c2 in STAGE2_C:
        mixed = stage2(data, documents, positions, lengths, outer, args.c, c2)
        report(f"second-stage logistic, C = {c2} (nested)", data, mixed)
    chosen, mixed = nested_choice(data, documents, outer)
    report(f"linear mix, λ chosen inside each fold ({', '.join(map(str, chosen))})", data, mixed)
    mixes = {weight: linear_mix(outer, documents, weight) for weight in LAMBDAS}
    best = best_weight(data.labels, mixes, np.arange(len(rows)))
    after = mixes[best]
    fixed = (predicted(after) == data.labels) & (predicted(outer) != data.labels)
    broken = (predicted(after) != data.labels) & (predicted(outer) == data.labels)
    mean, low, high, none = bootstrap_gain(data, outer, after)
    print(f"\nλ = {best} (best over all 580): {int(fixed.sum())} paragraphs fixed, "
          f"{int(broken.sum())} broken; accuracy gain on the sample paragraphs {mean:+.3f}, "
          f"95% of {BOOTSTRAP} document resamples in [{low:+.3f}, {high:+.3f}], "
          f"P(gain ≤ 0) = {none:.2f}")  # fmt: skip
    for i in np.flatnonzero(fixed | broken):
        print(
            f"  {'fixed ' if fixed[i] else 'broken'} {data.labels[i]:<11} read as "
            f"{predicted(outer)[i]} → {predicted(after)[i]}: {rows[i].file} ¶{rows[i].paragraph}"
        )


if __name__ == "__main__":
    main()
