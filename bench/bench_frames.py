"""Framing accuracy on held-out paragraphs beside two baselines, and cluster quality.

    python bench/bench_frames.py

Paragraph labels (partnership, opposition, neutral) are scored against the hand labels of
bench/frames/labelled.jsonl whose split is "heldout": paragraphs never used to write the
codebook's statements, train the classifier or choose a setting. Beside the two scorers:
the majority class of the training paragraphs, and a keyword rule. Document labels are
scored against the `framing` in the sample documents' front matter. Clusters: `nhscuts
frames` on a corpus of the samples and seeds, with its outlier share, ARI over five seeds
and silhouette. Vectors are cached in the user cache, so only the first run encodes.
"""

import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from frames_labelled import (  # noqa: E402
    REPO,
    build_bench_corpus,
    file_paragraphs,
    load_labelled,
    stance_inputs,
)

from analysis.embed import EmbedOptions, default_cache_dir, embed_corpus, embed_texts  # noqa: E402
from analysis.frames import FrameOptions, frame_corpus  # noqa: E402
from analysis.frames.axis import (  # noqa: E402
    LABELS,
    Codebook,
    LogisticScorer,
    SimilarityScorer,
    choose_scorer,
    document_framing,
    framings_from_proba,
    stance_features,
)

# The keyword rule: more partnership words than opposition words (by word prefix) is
# partnership, fewer is opposition, a tie is neutral. Fixed before any measurement.
PARTNERSHIP_WORDS = ("partnership", "support", "joint", "together", "agreed", "redeploy")
OPPOSITION_WORDS = ("oppose", "opposition", "fight", "cuts", "campaign", "protest", "resist")
STANCE_SHARES = (0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5)


def keyword_label(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower())
    partnership = sum(1 for w in words if w.startswith(PARTNERSHIP_WORDS))
    opposition = sum(1 for w in words if w.startswith(OPPOSITION_WORDS))
    if partnership == opposition:
        return "neutral"
    return "partnership" if partnership > opposition else "opposition"


def scores(gold, predicted) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return accuracy_score(gold, predicted), f1_score(gold, predicted, average="macro")


def confusion(gold, predicted) -> str:
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(gold, predicted, labels=list(LABELS))
    lines = ["| gold \\ predicted | " + " | ".join(LABELS) + " |", "|---|---|---|---|"]
    lines += [f"| {label} | " + " | ".join(str(v) for v in row) + " |"
              for label, row in zip(LABELS, matrix, strict=True)]  # fmt: skip
    return "\n".join(lines)


def paragraph_accuracy(corpus, options, codebook, exemplars):
    rows, notes = load_labelled()
    for note in notes:
        print(f"note: {note}")
    train = [row for row in rows if row.split == "train"]
    heldout = [row for row in rows if row.split == "heldout"]
    majority = Counter(row.label for row in train).most_common(1)[0][0]
    texts = [row.text for row in heldout]
    paragraphs, sentences = stance_inputs(corpus, texts, options)
    features = stance_features(paragraphs, sentences, exemplars, codebook.labels)
    predictors = {
        f"majority class ({majority})": lambda: [majority] * len(heldout),
        "keyword rule": lambda: [keyword_label(row.text) for row in heldout],
        "plain similarity": lambda: labels_of(SimilarityScorer(), features, paragraphs, texts),
    }
    trained = LogisticScorer.load()
    if trained and trained.codebook == codebook.digest:
        predictors["logistic regression"] = lambda: labels_of(trained, features, paragraphs, texts)
    gold = [row.label for row in heldout]
    groups = {
        "all held-out": list(range(len(heldout))),
        "samples": [i for i, r in enumerate(heldout) if r.source == "samples"],
        "seeds": [i for i, r in enumerate(heldout) if r.source == "seeds"],
    }
    print(f"\nHeld-out paragraphs: {len(heldout)} "
          f"({', '.join(f'{k} {v}' for k, v in Counter(gold).items())}); "
          f"samples {len(groups['samples'])}, seeds {len(groups['seeds'])}\n")  # fmt: skip
    print("| paragraph labels | " + " | ".join(f"{g}: acc / macro-F1" for g in groups) + " |")
    print("|---" * (len(groups) + 1) + "|")
    predictions = {}
    for name, predict in predictors.items():
        predicted = predictions[name] = predict()
        cells = []
        for indices in groups.values():
            if not indices:
                cells.append("–")
                continue
            acc, f1 = scores([gold[i] for i in indices], [predicted[i] for i in indices])
            cells.append(f"{acc:.3f} / {f1:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    scorer, _ = choose_scorer(codebook, options.stored_model_name)
    chosen = "logistic regression" if scorer.name == "logistic" else "plain similarity"
    print(f"\nConfusion of {chosen} (the scorer `nhscuts frames` uses):\n")
    print(confusion(gold, predictions[chosen]))
    return scorer


def labels_of(scorer, features, vectors, texts) -> list[str]:
    proba = scorer.proba(features, vectors, texts)
    return [framing.label for framing in framings_from_proba(proba)]


def document_accuracy(corpus, options, codebook, exemplars, scorer) -> None:
    """Front-matter framing of the sample documents against the dominant-stance rule."""
    import frontmatter

    rows, _ = load_labelled()
    split_of = {row.file: row.split for row in rows if row.source == "samples"}
    documents = {"train": [], "heldout": []}
    for path in sorted((REPO / "corpus" / "samples").glob("*/*.md")):
        relative = str(path.relative_to(REPO))
        if relative not in split_of:
            continue
        texts = file_paragraphs(path)
        paragraphs, sentences = stance_inputs(corpus, texts, options)
        features = stance_features(paragraphs, sentences, exemplars, codebook.labels)
        framings = framings_from_proba(scorer.proba(features, paragraphs, texts))
        gold = frontmatter.load(path)["framing"]
        documents[split_of[relative]].append((gold, framings))

    def accuracy(docs, share):
        predicted = [document_framing(framings, share).label for _, framings in docs]
        return scores([gold for gold, _ in docs], predicted)

    best = max(STANCE_SHARES, key=lambda share: (accuracy(documents["train"], share)[1], -share))
    print("\n| document labels (front matter) | train documents | held-out documents |")
    print("|---|---|---|")
    for share in sorted({0.0, best}):
        cells = [f"{a:.3f} / {f:.3f}" for a, f in
                 (accuracy(documents[s], share) for s in ("train", "heldout"))]  # fmt: skip
        rule = "any stance-bearing paragraph" if share == 0 else f"stance in ≥ {share:.0%}"
        print(f"| dominant stance, {rule} | {cells[0]} | {cells[1]} |")
    print(f"({len(documents['train'])} and {len(documents['heldout'])} documents; "
          f"the share was chosen on the training documents)")  # fmt: skip


def clustering(corpus, options) -> None:
    started = time.perf_counter()
    report = frame_corpus(corpus, FrameOptions(embed=options))
    seconds = time.perf_counter() - started
    result = report.clustering
    print(f"\nClusters of {report.paragraphs} paragraphs ({report.documents} documents), "
          f"`frame_corpus` in {seconds:.1f} s:\n")  # fmt: skip
    print("| k | silhouette (cosine, PCA space) | outlier share | ARI over five seeds |")
    print("|---|---|---|---|")
    print(f"| {result.k} | {result.silhouette:.3f} | {result.outlier_share:.1%} | "
          f"{result.ari:.3f} |")  # fmt: skip
    print()
    for cluster in result.clusters:
        members = [report_framing for report_framing in _cluster_scores(corpus, cluster.id)]
        print(f"- cluster {cluster.id} ({len(cluster.members)} paragraphs, mean framing "
              f"{np.mean(members):+.2f}): {', '.join(cluster.terms)}")  # fmt: skip


def _cluster_scores(corpus, cluster_id: int) -> list[float]:
    rows = corpus.conn.execute(
        "SELECT score FROM paragraph_frames WHERE cluster = ?", [cluster_id]
    ).fetchall()
    return [score for (score,) in rows]


def main() -> None:
    options = EmbedOptions()
    with build_bench_corpus(default_cache_dir() / "bench" / "frames.db") as corpus:
        embed_corpus(corpus, options)
        codebook = Codebook.load()
        exemplars = embed_texts(corpus, codebook.texts, options)
        scorer = paragraph_accuracy(corpus, options, codebook, exemplars)
        document_accuracy(corpus, options, codebook, exemplars, scorer)
        clustering(corpus, options)


if __name__ == "__main__":
    main()
