"""Paragraph embeddings: offline loading, long texts, the text-hash cache and `nhscuts embed`."""

import os
import socket

import numpy as np
import pytest
from click.testing import CliRunner

from analysis.embed import (
    MODEL_NAME,
    EmbedError,
    EmbedOptions,
    ParagraphEncoder,
    chunk_text,
    embed_corpus,
    embed_texts,
    from_blob,
    load_model,
    text_hash,
)
from corpus import Corpus, Document
from nhscuts.cli import cli

TORCH = EmbedOptions(backend="torch")


@pytest.fixture(scope="module")
def encoder():
    return ParagraphEncoder(load_model(TORCH))


def document(text: str, **fields) -> Document:
    return Document(text=text, source="test", content_type="text/plain",
                    extractor_version="test", **fields)  # fmt: skip


def stored(corpus) -> list[tuple]:
    return corpus.conn.execute(
        "SELECT model, text_hash, dim, vector, chunks FROM embeddings ORDER BY id"
    ).fetchall()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a network connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_model_loads_and_encodes_with_the_network_blocked(no_network):
    model = load_model(TORCH)
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
    [vector] = ParagraphEncoder(model).encode(["Staff side were consulted."])
    assert vector.shape == (384,)
    assert model.nhscuts_backend == "torch"


def test_a_short_paragraph_gets_the_models_own_normalised_vector(encoder):
    text = "The trust will remove 95 posts through turnover and redeployment."
    [ours] = encoder.encode([text])
    bare = encoder.model.encode([text], normalize_embeddings=True)[0]
    assert ours.dtype == np.float32
    assert np.allclose(ours, bare, atol=1e-5)
    assert np.isclose(np.linalg.norm(ours), 1.0, atol=1e-5)


def test_a_long_paragraph_is_split_at_sentence_ends_and_the_pieces_averaged(encoder):
    sentences = [
        f"In year {i} the trust removed {i * 7} posts from its corporate services, and the "
        f"branch said the work had moved to the wards and to the staff who remained."
        for i in range(1, 30)
    ]
    text = " ".join(sentences)
    pieces = chunk_text(text, encoder.tokenizer, encoder.max_tokens)
    assert len(pieces) > 1
    assert all(tokens <= encoder.max_tokens for _, tokens in pieces)
    # Whole sentences, none lost: nothing is cut at the model's window.
    assert " ".join(piece for piece, _ in pieces) == text
    assert all(piece.endswith("remained.") for piece, _ in pieces)
    vectors, chunks = encoder.encode_with_chunks([text])
    assert chunks == [len(pieces)]
    parts = encoder.model.encode([p for p, _ in pieces], normalize_embeddings=True)
    weights = np.array([tokens for _, tokens in pieces], dtype=float)[:, None]
    expected = (parts * weights).sum(axis=0)
    assert np.allclose(vectors[0], expected / np.linalg.norm(expected), atol=1e-5)


def test_a_sentence_longer_than_the_window_is_cut_between_words(encoder):
    text = " ".join(["consultation"] * 700)  # no sentence end at all
    pieces = chunk_text(text, encoder.tokenizer, encoder.max_tokens)
    assert len(pieces) >= 3
    assert all(tokens <= encoder.max_tokens for _, tokens in pieces)
    assert " ".join(piece for piece, _ in pieces).split() == text.split()


def test_embed_stores_float32_blobs_with_model_and_dimension(corpus, encoder):
    list(corpus.add([document("Dear Colleague,\n\nWe oppose the cuts.\n\n* * *")]))
    report = embed_corpus(corpus, TORCH, encoder)
    assert (report.paragraphs, report.encoded, report.skipped) == (3, 2, 1)
    rows = stored(corpus)
    assert [(model, dim, len(vector), chunks) for model, _, dim, vector, chunks in rows] == [
        (MODEL_NAME, 384, 384 * 4, 1)
    ] * 2
    assert {key for _, key, *_ in rows} == {text_hash("Dear Colleague,"),
                                             text_hash("We oppose the cuts.")}  # fmt: skip
    vector = from_blob(rows[0][3], 384)
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)


def test_a_second_run_encodes_nothing_and_a_new_document_only_its_new_text(corpus, encoder):
    list(corpus.add([document("Dear Colleague,\n\nThe board met in March.")]))
    assert embed_corpus(corpus, TORCH, encoder).encoded == 2
    again = embed_corpus(corpus, TORCH)  # no encoder: it must not even load the model
    assert (again.encoded, again.cached, again.backend) == (0, 2, "")
    list(corpus.add([document("Dear Colleague,\n\nA new paragraph about vacancies.")]))
    third = embed_corpus(corpus, TORCH, encoder)
    assert (third.encoded, third.cached) == (1, 3)
    assert len(stored(corpus)) == 3


def test_the_same_text_in_two_documents_is_encoded_once(corpus, encoder):
    list(corpus.add([document("Yours sincerely,\n\nFirst letter."),
                     document("Yours sincerely,\n\nSecond letter.")]))  # fmt: skip
    report = embed_corpus(corpus, TORCH, encoder)
    assert (report.paragraphs, report.encoded, report.cached) == (4, 3, 1)


def test_a_20000_word_paragraph_is_embedded_whole(corpus, encoder):
    sentence = "Members voted to oppose the freeze because the work falls on nurses."
    sentences = [sentence] * (20_000 // len(sentence.split()) + 1)
    text = " ".join(sentences)
    assert len(text.split()) >= 20_000
    list(corpus.add([document(text)]))
    progress = []
    report = embed_corpus(corpus, TORCH, encoder, on_progress=lambda *a: progress.append(a))
    assert report.encoded == 1
    [(_, _, dim, vector, chunks)] = stored(corpus)
    assert chunks > 80  # about 27,000 word pieces in windows of 254
    assert np.isclose(np.linalg.norm(from_blob(vector, dim)), 1.0, atol=1e-5)
    assert progress[0] == (0, 1) and progress[-1] == (1, 1)


def test_embed_texts_reads_the_cache_and_stores_what_it_encodes(corpus, encoder):
    first = embed_texts(corpus, ["One.", "Two.", "One."], TORCH, encoder)
    assert first.shape == (3, 384) and np.allclose(first[0], first[2])
    again = embed_texts(corpus, ["Two.", "One."], TORCH)  # from the cache, no model
    assert np.allclose(again[0], first[1]) and len(stored(corpus)) == 2


def test_onnx_is_exported_once_offline_and_matches_torch(tmp_path, encoder, no_network):
    options = EmbedOptions(backend="onnx", cache_dir=tmp_path / "cache")
    model = load_model(options)
    assert model.nhscuts_backend == "onnx"
    exported = tmp_path / "cache" / "onnx" / "all-MiniLM-L6-v2" / "onnx" / "model.onnx"
    stamp = exported.stat().st_mtime_ns
    texts = ["The unions agreed the scheme.", "We will fight every cut."]
    onnx = ParagraphEncoder(model).encode(texts)
    assert np.allclose(onnx, encoder.encode(texts), atol=1e-4)
    assert load_model(options).nhscuts_backend == "onnx"
    assert exported.stat().st_mtime_ns == stamp  # loaded from the cache, not exported again


def test_auto_falls_back_to_torch_when_onnx_cannot_load(monkeypatch, caplog):
    import analysis.embed

    def broken(path, options):
        raise ImportError("optimum is not installed")

    monkeypatch.setattr(analysis.embed, "_load_onnx", broken)
    assert load_model(EmbedOptions(backend="auto")).nhscuts_backend == "torch"
    assert "using torch" in caplog.text
    with pytest.raises(EmbedError, match="use --backend torch"):
        load_model(EmbedOptions(backend="onnx"))


def test_nhscuts_embed_fills_the_corpus_and_a_rerun_encodes_nothing(db_path):
    with Corpus.open(db_path) as opened:
        list(opened.add([document("We oppose the cuts.\n\nDear Colleague,")]))
    runner = CliRunner()
    result = runner.invoke(cli, ["embed", "--db", str(db_path), "--backend", "torch"])
    assert result.exit_code == 0, result.output
    assert "encoded 2 new paragraph texts" in result.output
    with Corpus.open(db_path) as opened:
        assert opened.conn.execute("SELECT count(*), min(dim) FROM embeddings").fetchone() == (
            2,
            384,
        )
    again = runner.invoke(cli, ["embed", "--db", str(db_path), "--backend", "torch"])
    assert "encoded 0 new paragraph texts" in again.output
    assert "2 paragraphs already had a vector" in again.output


def test_nhscuts_embed_on_a_missing_corpus_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(cli, ["embed", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "nhscuts add" in result.output
