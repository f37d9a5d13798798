"""Framings: where each paragraph sits between partnership (+1) and opposition (−1), and
clusters of paragraphs with their terms, typical paragraphs and mean framing.

- `axis`: the codebook, the features and the scorers (plain similarity, logistic);
- `clusters`: KMeans on reduced vectors, c-TF-IDF terms, representatives, outliers;
- `store`: `frame_corpus`, which runs both over a corpus and stores the results;
- `TextFramer` (here): the same scoring for loose text, as `nhscuts extract` needs it.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analysis.embed import EmbedOptions, ParagraphEncoder, has_words, load_model, split_sentences
from analysis.frames.axis import (
    CLASSIFIER,
    CODEBOOK,
    LABELS,
    NO_STANCE,
    Codebook,
    Framing,
    choose_scorer,
    document_framing,
    framings_from_proba,
    stance_features,
)
from analysis.frames.clusters import ClusterOptions
from analysis.frames.store import FrameOptions, FrameReport, FramesError, frame_corpus

__all__ = [
    "LABELS",
    "ClusterOptions",
    "Codebook",
    "FrameOptions",
    "FrameReport",
    "FramesError",
    "Framing",
    "TextFramer",
    "document_framing",
    "frame_corpus",
]


@dataclass
class TextFramer:
    """Frames the paragraphs of a text that is in no corpus (the model is loaded once).

    >>> framer = TextFramer()  # doctest: +SKIP
    >>> document, paragraphs = framer.frame(["We oppose the cuts.", "Dear Colleague,"])
    """

    embed: EmbedOptions = field(default_factory=EmbedOptions)
    codebook_path: Path = CODEBOOK
    classifier: Path | None = CLASSIFIER
    min_stance_share: float = 0.0
    encoder: ParagraphEncoder | None = None

    def __post_init__(self) -> None:
        self.codebook = Codebook.load(self.codebook_path)
        self.scorer, self.note = choose_scorer(
            self.codebook, self.embed.stored_model_name, self.classifier
        )
        if self.encoder is None:
            self.encoder = ParagraphEncoder(load_model(self.embed), self.embed.batch_size)
        self.exemplars = self.encoder.encode(self.codebook.texts)

    def frame(self, paragraphs: list[str]) -> tuple[Framing, list[Framing]]:
        """(the document's framing, each paragraph's); wordless paragraphs are neutral, 0."""
        wanted = [i for i, text in enumerate(paragraphs) if has_words(text)]
        framings = [NO_STANCE] * len(paragraphs)
        if wanted:
            texts = [paragraphs[i] for i in wanted]
            split = [split_sentences(text) or [text] for text in texts]
            flat = [sentence for sentences in split for sentence in sentences]
            # One encode call for paragraphs and sentences: a one-sentence paragraph is
            # encoded once.
            unique = list(dict.fromkeys(texts + flat))
            vectors = dict(zip(unique, self.encoder.encode(unique), strict=True))
            paragraph_vectors = np.stack([vectors[t] for t in texts])
            features = stance_features(
                paragraph_vectors,
                [np.stack([vectors[s] for s in sentences]) for sentences in split],
                self.exemplars,
                self.codebook.labels,
            )
            proba = self.scorer.proba(features, paragraph_vectors, texts)
            for i, framing in zip(wanted, framings_from_proba(proba), strict=True):
                framings[i] = framing
        scored = [framings[i] for i in wanted]
        return document_framing(scored, self.min_stance_share), framings
