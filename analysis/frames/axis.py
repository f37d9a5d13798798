"""The partnership–opposition axis: a label and a score for each paragraph, from the codebook.

A paragraph is compared with the codebook's exemplar statements twice: as a whole, and
sentence by sentence, because a stance usually sits in one or two sentences of a paragraph
that is otherwise about the same cuts as every other. Eleven similarities come out (the
features below); a scorer turns them into probabilities of the three framings, and

    score = P(partnership) − P(opposition),   in [−1, +1].

Two scorers: plain similarity (no training) and a logistic regression on the same features
and the paragraph's own vector, averaged with a second one on the paragraph's words (TF-IDF
of words and word pairs), both trained on the codebook and the labelled training paragraphs
by `bench/train_frames.py`. The similarities say how close a paragraph comes to each
framing's statements; the vector lets the regression learn what the statements miss (an
opposition leaflet arguing through figures, a neutral report of the same cuts); the words
carry stance that MiniLM's vector, which holds a paragraph's topic more than its stance,
blurs. The logistic one is used when its file matches the codebook and the model;
otherwise plain similarity, and the run records which.
"""

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LABELS = ("partnership", "opposition", "neutral")
HERE = Path(__file__).parent
CODEBOOK = HERE / "codebook.toml"
CLASSIFIER = HERE / "classifier.toml"
TOP_K = 3  # a class's similarity: the mean of its k most similar exemplars
N_FEATURES = 11  # what stance_features gives per paragraph
EXEMPLARS_PER_LABEL = (15, 30)


class CodebookError(ValueError):
    """The codebook file is missing or malformed. The message names the problem."""


@dataclass
class Codebook:
    exemplars: dict[str, list[str]]

    @classmethod
    def load(cls, path: Path = CODEBOOK) -> "Codebook":
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CodebookError(f"cannot read the codebook {path}: {error}") from None
        exemplars = {}
        low, high = EXEMPLARS_PER_LABEL
        for label in LABELS:
            items = data.get(label, {}).get("exemplars", [])
            if not low <= len(items) <= high or not all(isinstance(i, str) for i in items):
                raise CodebookError(
                    f"{path}: [{label}] needs {low} to {high} exemplar statements, not {len(items)}"
                )
            exemplars[label] = [" ".join(item.split()) for item in items]
        return cls(exemplars)

    @property
    def texts(self) -> list[str]:
        return [text for label in LABELS for text in self.exemplars[label]]

    @property
    def labels(self) -> np.ndarray:
        return np.array([label for label in LABELS for _ in self.exemplars[label]])

    @property
    def digest(self) -> str:
        """A hash of the statements: a classifier trained on other statements is stale."""
        pairs = zip(self.labels, self.texts, strict=True)
        joined = "\n".join(f"{label}\t{text}" for label, text in pairs)
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


@dataclass
class Framing:
    label: str  # partnership | opposition | neutral
    score: float  # partnership +1 … opposition −1

    def as_dict(self) -> dict:
        return {"label": self.label, "score": round(self.score, 4)}


NO_STANCE = Framing("neutral", 0.0)  # for a paragraph with no words in it


def stance_features(
    paragraphs: np.ndarray,
    sentences: list[np.ndarray],
    exemplars: np.ndarray,
    exemplar_labels: np.ndarray,
    leave_out: list[int] | None = None,
) -> np.ndarray:
    """(n, 11) features: for partnership, opposition and neutral in turn,

    - the paragraph's similarity to the class (mean of its TOP_K nearest exemplars),
    - the best sentence's similarity, and the sentences' mean,
    - and twice, for the two stances, the largest lead of a sentence's stance over neutral.

    All vectors are L2-normalised, so a dot product is a cosine. `leave_out[i]` hides one
    exemplar from row i (when the rows are the exemplars themselves, in training).
    """
    rows = []
    for i, paragraph in enumerate(paragraphs):
        hidden = leave_out[i] if leave_out is not None else None
        whole = _class_similarity(paragraph[None, :], exemplars, exemplar_labels, hidden)[0]
        parts = _class_similarity(sentences[i], exemplars, exemplar_labels, hidden)
        lead = parts[:, :2] - parts[:, 2:3]
        rows.append(np.concatenate([whole, parts.max(0), parts.mean(0), lead.max(0)]))
    return np.array(rows, dtype=np.float64).reshape(len(paragraphs), N_FEATURES)


def _class_similarity(vectors, exemplars, labels, hidden=None) -> np.ndarray:
    similarity = vectors @ exemplars.T
    if hidden is not None:
        similarity[:, hidden] = -1.0
    return np.stack(
        [
            np.sort(similarity[:, labels == label], axis=1)[:, ::-1][:, :TOP_K].mean(axis=1)
            for label in LABELS
        ],
        axis=1,
    )


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@dataclass
class WordModel:
    """A logistic regression on the TF-IDF of a paragraph's words and word pairs.

    The TF-IDF is scikit-learn's `TfidfVectorizer` (lower case, words of two or more letters
    or digits, sublinear term frequency, L2-normalised rows), rebuilt from the terms and
    IDF weights it was fitted with, so nothing but these arrays is stored.
    """

    terms: list[str]
    idf: np.ndarray  # (terms,)
    coef: np.ndarray  # (3, terms), rows in LABELS order
    intercept: np.ndarray  # (3,)

    @classmethod
    def fit(cls, texts: list[str], labels, c: float, min_df: int = 2) -> "WordModel":
        """Fit the vocabulary (terms in at least `min_df` texts) and the weights."""
        from sklearn.linear_model import LogisticRegression

        vectoriser = _vectoriser(min_df=min_df)
        inputs = vectoriser.fit_transform(texts)
        fitted = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        fitted.fit(inputs, labels)
        order = [list(fitted.classes_).index(label) for label in LABELS]
        terms = vectoriser.get_feature_names_out().tolist()
        return cls(terms, vectoriser.idf_, fitted.coef_[order], fitted.intercept_[order])

    def transform(self, texts: list[str]):
        """A (n, len(terms)) sparse matrix."""
        vectoriser = _vectoriser(vocabulary=self.terms)
        vectoriser.idf_ = self.idf
        return vectoriser.transform(texts)

    def proba(self, texts: list[str]) -> np.ndarray:
        return _softmax(np.asarray(self.transform(texts) @ self.coef.T) + self.intercept)


def _vectoriser(**options):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True, **options)


class SimilarityScorer:
    """Plain similarity: each class scores 0.3 × the paragraph's similarity + 0.7 × its best
    sentence's; the highest wins, and a softmax at temperature 0.05 gives the probabilities."""

    name = "similarity"
    WHOLE, BEST_SENTENCE, TEMPERATURE = 0.3, 0.7, 0.05

    def proba(self, features: np.ndarray, vectors=None, texts=None) -> np.ndarray:
        scores = self.WHOLE * features[:, 0:3] + self.BEST_SENTENCE * features[:, 3:6]
        return _softmax(scores / self.TEMPERATURE)


@dataclass
class LogisticScorer:
    """A multinomial logistic regression on the 11 features and, when it was trained with
    them, the paragraph vectors (weights from classifier.toml); when it was trained with
    words, its probabilities are averaged with those of a regression on the paragraph's
    words (`WordModel`)."""

    coef: np.ndarray  # (3, 11) or (3, 11 + dim), rows in LABELS order
    intercept: np.ndarray  # (3,)
    scale: float  # the similarity features are multiplied by this before the weights apply
    codebook: str  # Codebook.digest it was trained with
    model: str  # embedding model name it was trained with
    vector_scale: float = 0.0  # the paragraph vectors are multiplied by this; 0: not used
    words: WordModel | None = None
    name = "logistic"

    @property
    def uses_vectors(self) -> bool:
        return self.coef.shape[1] > N_FEATURES

    def inputs(self, features: np.ndarray, vectors: np.ndarray | None) -> np.ndarray:
        if not self.uses_vectors:
            return features * self.scale
        if vectors is None or len(vectors) != len(features):
            raise ValueError("this classifier needs each paragraph's vector beside its features")
        return np.hstack([features * self.scale, np.asarray(vectors) * self.vector_scale])

    def proba(self, features: np.ndarray, vectors=None, texts=None) -> np.ndarray:
        proba = _softmax(self.inputs(features, vectors) @ self.coef.T + self.intercept)
        if self.words is None:
            return proba
        if texts is None or len(texts) != len(features):
            raise ValueError("this classifier needs each paragraph's text beside its features")
        return (proba + self.words.proba(list(texts))) / 2

    @classmethod
    def fit(cls, features, labels, codebook: str, model: str, c: float = 1.0, scale=5.0,
            vectors=None, vector_scale=1.0, texts=None):  # fmt: skip
        """Fit on the similarity features, and on the vectors too when they are given; with
        `texts`, fit a `WordModel` on their words as well (same C)."""
        from sklearn.linear_model import LogisticRegression

        inputs = features * scale
        if vectors is not None:
            inputs = np.hstack([inputs, np.asarray(vectors) * vector_scale])
        fitted = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        fitted.fit(inputs, labels)
        order = [list(fitted.classes_).index(label) for label in LABELS]
        return cls(
            fitted.coef_[order], fitted.intercept_[order], scale, codebook, model,
            vector_scale if vectors is not None else 0.0,
            WordModel.fit(list(texts), labels, c) if texts is not None else None,
        )  # fmt: skip

    def save(self, path: Path = CLASSIFIER, note: str = "") -> None:
        lines = [
            "# Logistic regression over analysis.frames.axis.stance_features (the first 11",
            "# weights of each row of `coef`) and the paragraph's vector (the rest), and,",
            "# when `terms` is given, a second one over the TF-IDF of the paragraph's words",
            "# (`word_coef`), whose probabilities are averaged with the first's. Written by",
            "# bench/train_frames.py. Retrain it whenever codebook.toml or the model changes.",
            *(f"# {line}" for line in note.splitlines()),
            f'codebook = "{self.codebook}"',
            f'model = "{self.model}"',
            f"scale = {self.scale!r}",
            f"vector_scale = {self.vector_scale!r}",
            f"labels = {list(LABELS)!r}".replace("'", '"'),
            f"intercept = {_rounded(self.intercept)!r}",
            *_toml_matrix("coef", self.coef),
        ]
        if self.words:
            lines += [
                f"word_intercept = {_rounded(self.words.intercept)!r}",
                *_toml_array("terms", [json.dumps(t) for t in self.words.terms], 8),
                *_toml_array("idf", [f"{float(v):.6f}" for v in self.words.idf], 10),
                *_toml_matrix("word_coef", self.words.coef),
            ]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = CLASSIFIER) -> "LogisticScorer | None":
        if not Path(path).exists():
            return None
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("labels") != list(LABELS):
            return None
        words = None
        if "terms" in data:
            words = WordModel(
                data["terms"], np.array(data["idf"]), np.array(data["word_coef"]),
                np.array(data["word_intercept"]),
            )  # fmt: skip
        return cls(
            np.array(data["coef"]), np.array(data["intercept"]), float(data["scale"]),
            data["codebook"], data["model"], float(data.get("vector_scale", 0.0)), words,
        )  # fmt: skip


def _rounded(values) -> list[float]:
    return [round(float(v), 6) for v in values]


def _toml_matrix(name: str, matrix: np.ndarray) -> list[str]:
    lines = [f"{name} = ["]
    for row in matrix:
        values = [f"{float(v):.6f}" for v in row]
        lines.append("    [")
        lines += [f"        {', '.join(values[i : i + 10])}," for i in range(0, len(values), 10)]
        lines.append("    ],")
    return [*lines, "]"]


def _toml_array(name: str, values: list[str], per_line: int) -> list[str]:
    rows = [f"    {', '.join(values[i : i + per_line])}," for i in range(0, len(values), per_line)]
    return [f"{name} = [", *rows, "]"]


def choose_scorer(codebook: Codebook, model: str, classifier: Path | None = CLASSIFIER):
    """The logistic scorer if its file matches this codebook and model, else plain similarity.

    Returns (scorer, note): the note says why the classifier was not used, when it was not.
    """
    if classifier is None:
        return SimilarityScorer(), ""
    trained = LogisticScorer.load(classifier)
    if trained is None:
        return SimilarityScorer(), ""
    if trained.codebook != codebook.digest or trained.model != model:
        return SimilarityScorer(), (
            f"{classifier} was trained with another codebook or model; using plain "
            "similarity (retrain with `python bench/train_frames.py`)"
        )
    return trained, ""


def framings_from_proba(proba: np.ndarray) -> list[Framing]:
    return [
        Framing(LABELS[int(np.argmax(row))], float(row[0] - row[1])) for row in np.asarray(proba)
    ]


def document_framing(paragraphs: list[Framing], min_stance_share: float = 0.0) -> Framing:
    """The stance that dominates the document's stance-bearing paragraphs, and its mean score.

    More partnership than opposition paragraphs (or the reverse) decides; a tie goes to the
    sign of their summed scores. A document with no stance-bearing paragraph, or fewer than
    `min_stance_share` of its paragraphs, is neutral.

    >>> document_framing([Framing("neutral", 0.1), Framing("opposition", -0.8)]).label
    'opposition'
    """
    if not paragraphs:
        return NO_STANCE
    score = float(np.mean([p.score for p in paragraphs]))
    stance = [p for p in paragraphs if p.label != "neutral"]
    if not stance or len(stance) < min_stance_share * len(paragraphs):
        return Framing("neutral", score)
    partnership = sum(1 for p in stance if p.label == "partnership")
    opposition = len(stance) - partnership
    if partnership != opposition:
        return Framing("partnership" if partnership > opposition else "opposition", score)
    lean = sum(p.score for p in stance)
    if lean == 0:
        return Framing("neutral", score)
    return Framing("partnership" if lean > 0 else "opposition", score)
