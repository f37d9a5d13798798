"""Clusters of paragraph vectors, labelled with c-TF-IDF terms and representative paragraphs.

MiniLM vectors of one topic's paragraphs have weak cluster structure (a silhouette near 0.1
in 384 dimensions), and KMeans there lands in a different local optimum for each seed. So
the vectors are first reduced to PCA_DIMS principal components, where KMeans with many
restarts gives the same partition whatever the seed. k is the most separated (highest
silhouette) of the stable choices: those whose partitions under five seeds agree with an
adjusted Rand index of at least STABLE_ARI.

A paragraph is an outlier when it shares little with its cluster (cosine similarity to the
cluster's centroid, in the full space, below `outlier_similarity`) or when its cluster is
smaller than `min_cluster_size`; an outlier has no cluster.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

PCA_DIMS = 10
STABLE_ARI = 0.8
SEEDS = (0, 1, 2, 3, 4)
SILHOUETTE_SAMPLE = 5000  # silhouette is O(n²): measured on a sample of this many
MIN_PARAGRAPHS = 20  # fewer cannot be clustered usefully
# "sample" marks the invented names of the demo corpus; "said" is in every news paragraph.
EXTRA_STOP_WORDS = {"sample", "said", "says", "year", "years"}
MAX_PARAGRAPH_SHARE = 0.25


@dataclass
class ClusterOptions:
    k: int | None = None  # None: chosen by silhouette among stable k
    k_range: tuple[int, int] = (3, 12)
    seed: int = 0
    n_init: int = 20
    outlier_similarity: float = 0.35
    min_cluster_size: int = 3
    terms: int = 8
    representatives: int = 5  # 3 to 10 are shown

    def __post_init__(self) -> None:
        if self.k is not None and self.k < 2:
            raise ValueError("k must be at least 2")
        if not 3 <= self.representatives <= 10:
            raise ValueError("representatives must be between 3 and 10")


@dataclass
class Cluster:
    id: int  # from 1
    members: list[int]  # row numbers into the clustered vectors
    terms: list[str]
    representatives: list[int]  # row numbers, most typical first

    @property
    def label(self) -> str:
        return " · ".join(self.terms[:3])


@dataclass
class Clustering:
    assignment: list[int | None]  # cluster id per row; None: an outlier
    clusters: list[Cluster] = field(default_factory=list)
    k: int | None = None
    silhouette: float | None = None
    ari: float | None = None  # mean ARI of seeds 1-4 against seed 0
    note: str = ""

    @property
    def outlier_share(self) -> float | None:
        if not self.clusters:
            return None
        return sum(1 for a in self.assignment if a is None) / len(self.assignment)


def cluster_paragraphs(
    vectors: np.ndarray, texts: list[str], options: ClusterOptions | None = None
) -> Clustering:
    """Cluster L2-normalised paragraph vectors and label each cluster from `texts`."""
    from threadpoolctl import threadpool_limits

    # One thread for BLAS and OpenMP: as fast on 10 dimensions, and threads that spin on a
    # busy machine made each KMeans fit a hundred times slower.
    with threadpool_limits(1):
        return _cluster(vectors, texts, options or ClusterOptions())


def _cluster(vectors: np.ndarray, texts: list[str], options: ClusterOptions) -> Clustering:
    n = len(vectors)
    if n < MIN_PARAGRAPHS:
        return Clustering(
            [None] * n, note=f"{n} paragraphs are too few to cluster (at least {MIN_PARAGRAPHS})"
        )
    reduced = reduce(vectors, options.seed)
    candidates = [options.k] if options.k else _k_candidates(n, options.k_range)
    k, partitions, silhouette, ari = _choose_k(reduced, candidates, options)
    labels = partitions[0]
    assignment, clusters = _with_outliers(vectors, labels, k, options)
    for cluster in clusters:
        cluster.representatives = _representatives(vectors, cluster, options.representatives)
    _label_with_terms(clusters, texts, options.terms)
    return Clustering(assignment, clusters, k, silhouette, ari)


def reduce(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    from sklearn.decomposition import PCA

    dims = min(PCA_DIMS, vectors.shape[0] - 1, vectors.shape[1])
    reduced = PCA(dims, random_state=seed).fit_transform(vectors.astype(np.float64))
    norms = np.linalg.norm(reduced, axis=1, keepdims=True)
    return reduced / np.where(norms == 0, 1, norms)


def map_positions(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    """(n, 2): each paragraph on the first two principal components of them all.

    The dashboard's map. Stored with the framings, so that the map is drawn without reading
    the embeddings, and a point keeps its place whatever the dashboard's filters.
    """
    from sklearn.decomposition import PCA

    positions = np.zeros((len(vectors), 2))
    if len(vectors) >= 2:
        dims = min(2, len(vectors) - 1, vectors.shape[1])
        pca = PCA(dims, random_state=seed)
        positions[:, :dims] = pca.fit_transform(vectors.astype(np.float64))
    return positions


def _k_candidates(n: int, k_range: tuple[int, int]) -> list[int]:
    low, high = k_range
    high = max(low, min(high, n // 5))  # at least about five paragraphs a cluster
    return list(range(low, high + 1))


def _choose_k(reduced: np.ndarray, candidates: list[int], options: ClusterOptions):
    """(k, partitions by seed, silhouette, ARI): the highest-silhouette stable k.

    Each k is fitted with the chosen seed first; the other seeds are fitted only for the
    best k so far, in order of silhouette, until one proves stable (or none does: then the
    most stable of those tried).
    """
    from sklearn.metrics import silhouette_score

    sample = min(SILHOUETTE_SAMPLE, len(reduced))
    first = {k: _kmeans(reduced, k, options.seed, options.n_init) for k in candidates}
    silhouettes = {
        k: float(
            silhouette_score(reduced, labels, metric="cosine", sample_size=sample, random_state=0)
        )
        for k, labels in first.items()
    }
    tried = []
    for k in sorted(candidates, key=lambda k: (-silhouettes[k], k)):
        partitions, ari = _stability(reduced, k, first[k], options)
        tried.append((k, partitions, silhouettes[k], ari))
        if ari >= STABLE_ARI:
            return tried[-1]
    return max(tried, key=lambda trial: trial[3])


def _kmeans(reduced: np.ndarray, k: int, seed: int, n_init: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=n_init, random_state=seed).fit_predict(reduced)


def _stability(reduced, k, labels, options: ClusterOptions):
    """The partitions under the other four seeds, and their mean ARI against `labels`."""
    from sklearn.metrics import adjusted_rand_score

    seeds = [s for s in SEEDS if s != options.seed][: len(SEEDS) - 1]
    partitions = [labels, *[_kmeans(reduced, k, seed, options.n_init) for seed in seeds]]
    ari = float(np.mean([adjusted_rand_score(labels, p) for p in partitions[1:]]))
    return partitions, ari


def _with_outliers(vectors, labels, k, options: ClusterOptions):
    centroids = np.stack([vectors[labels == c].mean(axis=0) for c in range(k)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    similarity = np.einsum("ij,ij->i", vectors, centroids[labels])
    sizes = Counter(labels.tolist())
    # Clusters are numbered from 1 by size, largest first, so ids read the same every run.
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    number = {c: i for i, c in enumerate(order, start=1)}
    assignment: list[int | None] = []
    members: dict[int, list[int]] = {number[c]: [] for c in range(k)}
    for row, (c, sim) in enumerate(zip(labels.tolist(), similarity, strict=True)):
        if sim < options.outlier_similarity or sizes[c] < options.min_cluster_size:
            assignment.append(None)
        else:
            assignment.append(number[c])
            members[number[c]].append(row)
    clusters = [Cluster(cid, rows, [], []) for cid, rows in sorted(members.items()) if rows]
    return assignment, clusters


def _representatives(vectors: np.ndarray, cluster: Cluster, how_many: int) -> list[int]:
    rows = np.array(cluster.members)
    centroid = vectors[rows].mean(axis=0)
    closeness = vectors[rows] @ (centroid / np.linalg.norm(centroid))
    return [int(rows[i]) for i in np.argsort(-closeness, kind="stable")[:how_many]]


def _label_with_terms(clusters: list[Cluster], texts: list[str], how_many: int) -> None:
    """c-TF-IDF (as in BERTopic): each cluster's paragraphs are one class document;
    weight = term frequency in the class × log(1 + mean words per class / term's total)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    if not clusters:
        return
    rows = [row for cluster in clusters for row in cluster.members]
    vectoriser = CountVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | EXTRA_STOP_WORDS),
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_'’-]{2,}\b",
        ngram_range=(1, 2),
        # A word in more than a quarter of all paragraphs ("staff", "NHS") labels nothing.
        max_df=MAX_PARAGRAPH_SHARE if len(rows) >= MIN_PARAGRAPHS else 1.0,
    )
    try:
        by_paragraph = vectoriser.fit_transform([texts[row] for row in rows])
    except ValueError:  # nothing but stop words and numbers
        return
    position = {row: i for i, row in enumerate(rows)}
    counts = np.stack(
        [
            np.asarray(by_paragraph[[position[row] for row in cluster.members]].sum(axis=0))[0]
            for cluster in clusters
        ]
    ).astype(float)
    words_per_class = counts.sum(axis=1, keepdims=True)
    tf = counts / np.where(words_per_class == 0, 1, words_per_class)
    idf = np.log(1 + words_per_class.mean() / np.maximum(counts.sum(axis=0), 1))
    weights = tf * idf
    vocabulary = vectoriser.get_feature_names_out()
    for cluster, row in zip(clusters, weights, strict=True):
        best = np.argsort(-row, kind="stable")
        cluster.terms = [str(vocabulary[i]) for i in best[:how_many] if row[i] > 0]
