"""Frame a whole corpus: score every embedded paragraph, cluster them, store it all at once.

Paragraph vectors come from `nhscuts embed`; the sentences' vectors are made here, through
the same text-hash cache, so a second run encodes nothing. Each run replaces the last one's
rows in one transaction, so readers never see half a run.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analysis.embed import (
    EmbedOptions,
    ParagraphEncoder,
    cached_vectors,
    embed_texts,
    has_words,
    split_sentences,
    text_hash,
)
from analysis.frames.axis import (
    CLASSIFIER,
    CODEBOOK,
    Codebook,
    Framing,
    choose_scorer,
    document_framing,
    framings_from_proba,
    stance_features,
)
from analysis.frames.clusters import (
    Clustering,
    ClusterOptions,
    cluster_paragraphs,
    map_positions,
)
from corpus import Corpus
from corpus.document import now_utc

Progress = Callable[[str, int, int | None], None]  # (stage, done, total)


class FramesError(RuntimeError):
    """Framing cannot run on this corpus yet. The message says what to run first."""


@dataclass
class FrameOptions:
    clusters: ClusterOptions = field(default_factory=ClusterOptions)
    embed: EmbedOptions = field(default_factory=EmbedOptions)
    codebook: Path = CODEBOOK
    classifier: Path | None = CLASSIFIER  # None: plain similarity only
    min_stance_share: float = 0.0  # see axis.document_framing
    paragraphs_per_batch: int = 2000


@dataclass
class FrameReport:
    paragraphs: int = 0  # framed
    documents: int = 0
    unembedded: int = 0  # paragraphs with words but no vector yet: left out
    wordless: int = 0  # paragraphs with no letter or digit: never framed
    sentences_encoded: int = 0
    scorer: str = ""
    note: str = ""
    labels: Counter = field(default_factory=Counter)
    clustering: Clustering | None = None


@dataclass
class Exemplars:
    codebook: Codebook
    vectors: np.ndarray


def frame_corpus(
    corpus: Corpus,
    options: FrameOptions | None = None,
    on_progress: Progress | None = None,
    encoder: ParagraphEncoder | None = None,
) -> FrameReport:
    """Label and score every embedded paragraph and document, cluster, and store the lot."""
    options = options or FrameOptions()
    model = options.embed.stored_model_name
    report = FrameReport()
    if not _has_vectors(corpus, model):
        raise FramesError(
            f"no paragraph embeddings in {corpus.path} yet; run `nhscuts embed --db "
            f"{corpus.path}` first"
        )
    codebook = Codebook.load(options.codebook)
    scorer, report.note = choose_scorer(codebook, model, options.classifier)
    report.scorer = scorer.name
    exemplars = embed_texts(corpus, codebook.texts, options.embed, encoder)
    total = corpus.conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
    ids, doc_ids, texts, vectors, framings = [], [], [], [], []
    done = 0
    for batch in _paragraph_batches(corpus, options.paragraphs_per_batch):
        found = cached_vectors(corpus, [text for _, _, text in batch], model)
        kept = []
        for row in batch:
            if not has_words(row[2]):
                report.wordless += 1
            elif text_hash(row[2]) not in found:
                report.unembedded += 1
            else:
                kept.append(row)
        paragraph_vectors = np.stack([found[text_hash(t)] for _, _, t in kept]) if kept else None
        if kept:
            sentences = _sentence_vectors(corpus, [t for _, _, t in kept], options, encoder, report)
            features = stance_features(paragraph_vectors, sentences, exemplars, codebook.labels)
            proba = scorer.proba(features, paragraph_vectors, [t for _, _, t in kept])
            framings.extend(framings_from_proba(proba))
            for (pid, did, text), vector in zip(kept, paragraph_vectors, strict=True):
                ids.append(pid)
                doc_ids.append(did)
                texts.append(text)
                vectors.append(vector)
        done += len(batch)
        if on_progress:
            on_progress("framing paragraphs", done, total)
    if not ids:
        raise FramesError(
            f"no paragraph of {corpus.path} has an embedding for {model}; run `nhscuts embed "
            f"--db {corpus.path}` first"
        )
    if on_progress:
        on_progress("clustering", 0, None)
    stacked = np.stack(vectors)
    clustering = cluster_paragraphs(stacked, texts, options.clusters)
    positions = map_positions(stacked)
    report.clustering = clustering
    report.paragraphs = len(ids)
    report.labels = Counter(f.label for f in framings)
    report.documents = _store(
        corpus, model, ids, doc_ids, framings, clustering, positions, options, report
    )
    return report


def _has_vectors(corpus: Corpus, model: str) -> bool:
    return (
        corpus.conn.execute("SELECT 1 FROM embeddings WHERE model = ? LIMIT 1", [model]).fetchone()
        is not None
    )


def _paragraph_batches(corpus: Corpus, size: int) -> Iterator[list[tuple[int, str, str]]]:
    last = 0
    while rows := corpus.conn.execute(
        "SELECT id, doc_id, text FROM paragraphs WHERE id > ? ORDER BY id LIMIT ?", [last, size]
    ).fetchall():
        yield rows
        last = rows[-1][0]


def _sentence_vectors(corpus, texts, options, encoder, report) -> list[np.ndarray]:
    """Each paragraph's sentence vectors (a one-sentence paragraph reuses its own vector)."""
    split = [split_sentences(text) or [text] for text in texts]
    flat = [sentence for sentences in split for sentence in sentences]

    def count(encoded: int, to_encode: int) -> None:
        if encoded == to_encode:
            report.sentences_encoded += to_encode

    vectors = embed_texts(corpus, flat, options.embed, encoder, on_progress=count)
    bounds = np.cumsum([0, *[len(sentences) for sentences in split]])
    return [vectors[bounds[i] : bounds[i + 1]] for i in range(len(split))]


def _store(corpus, model, ids, doc_ids, framings, clustering, positions, options, report) -> int:
    by_document: dict[str, list[Framing]] = {}
    for doc_id, framing in zip(doc_ids, framings, strict=True):
        by_document.setdefault(doc_id, []).append(framing)
    conn = corpus.conn
    with corpus.transaction():
        conn.execute("DELETE FROM paragraph_frames")
        conn.execute("DELETE FROM document_frames")
        conn.execute("DELETE FROM frame_clusters")
        for cluster in clustering.clusters:
            members = [framings[row] for row in cluster.members]
            counts = Counter(f.label for f in members)
            conn.execute(
                "INSERT INTO frame_clusters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [cluster.id, len(cluster.members), cluster.label, json.dumps(cluster.terms),
                 json.dumps([ids[row] for row in cluster.representatives]),
                 float(np.mean([f.score for f in members])),
                 counts["partnership"], counts["opposition"], counts["neutral"]],
            )  # fmt: skip
        conn.executemany(
            "INSERT INTO paragraph_frames (paragraph_id, doc_id, label, score, cluster, x, y) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(pid, did, f.label, f.score, cid, float(x), float(y)) for pid, did, f, cid, (x, y)
             in zip(ids, doc_ids, framings, clustering.assignment, positions, strict=True)],
        )  # fmt: skip
        rows = []
        for doc_id, paragraphs in by_document.items():
            overall = document_framing(paragraphs, options.min_stance_share)
            counts = Counter(p.label for p in paragraphs)
            rows.append((doc_id, overall.label, overall.score, counts["partnership"],
                         counts["opposition"], counts["neutral"]))  # fmt: skip
        conn.executemany("INSERT INTO document_frames VALUES (?, ?, ?, ?, ?, ?)", rows)
        conn.execute(
            "INSERT INTO frame_runs (created_at, model, scorer, paragraphs, k, silhouette, "
            "outlier_share, ari) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [now_utc(), model, report.scorer, len(ids), clustering.k, clustering.silhouette,
             clustering.outlier_share, clustering.ari],
        )  # fmt: skip
    return len(by_document)
