"""Framings: the codebook, the labelled set, the axis, clusters and `nhscuts frames`."""

import importlib.util
import json
import shutil
import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner

from analysis.embed import EmbedOptions, ParagraphEncoder, embed_corpus, load_model
from analysis.frames import (
    LABELS,
    Codebook,
    FrameOptions,
    FramesError,
    Framing,
    TextFramer,
    document_framing,
    frame_corpus,
)
from analysis.frames.axis import CLASSIFIER, LogisticScorer, choose_scorer
from corpus import Corpus, Document
from corpus.files import ImportOptions, import_files
from corpus.queries import QueryError, framing_over_time
from nhscuts.cli import cli
from tests.conftest import REPO, SHARED

TORCH = EmbedOptions(backend="torch")
SAMPLES = REPO / "corpus" / "samples"
# A small corpus: four documents of each kind, ~100 paragraphs, enough to cluster.
SAMPLE_FILES = sorted(
    path for kind in ("campaign", "government", "news", "union")
    for path in sorted((SAMPLES / kind).glob("*.md"))[:4]
)  # fmt: skip


def load_bench_module(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def document(text: str, **fields) -> Document:
    return Document(text=text, source="test", content_type="text/plain",
                    extractor_version="test", **fields)  # fmt: skip


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def encoder():
    return ParagraphEncoder(load_model(TORCH))


@pytest.fixture(scope="module")
def framed_db(tmp_path_factory, encoder):
    """The small sample corpus, embedded and framed once for the module."""
    path = tmp_path_factory.mktemp("framed") / "corpus.db"
    with Corpus.open(path) as corpus:
        import_files(corpus, SAMPLE_FILES, ImportOptions())
        embed_corpus(corpus, TORCH, encoder)
        report = frame_corpus(corpus, FrameOptions(embed=TORCH), encoder=encoder)
    return path, report


@pytest.fixture
def framed_copy(framed_db, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(framed_db[0], copy)
    return copy


# --- the codebook and the labelled paragraphs --------------------------------------------


def test_the_codebook_has_15_to_30_statements_for_each_framing():
    codebook = Codebook.load()
    for label in LABELS:
        assert 15 <= len(codebook.exemplars[label]) <= 30
    assert len(set(codebook.texts)) == len(codebook.texts)


def test_a_malformed_codebook_is_refused_with_its_problem(tmp_path):
    path = tmp_path / "codebook.toml"
    path.write_text('[partnership]\nexemplars = ["Only one."]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[partnership\] needs 15 to 30"):
        Codebook.load(path)


def test_labelled_paragraphs_are_apart_from_the_codebook_and_point_at_unchanged_text():
    labelled = load_bench_module("frames_labelled")
    rows = [json.loads(line) for line in labelled.LABELLED.read_text().splitlines()]
    assert len(rows) >= 200
    assert all("text" not in row for row in rows)  # third-party text is never copied
    assert {row["label"] for row in rows} == set(LABELS)
    train = {row["file"] for row in rows if row["split"] == "train"}
    heldout = {row["file"] for row in rows if row["split"] == "heldout"}
    assert not train & heldout  # whole documents are held out
    found, notes = labelled.load_labelled(seeds=SHARED / "seeds")  # raises on drift
    assert len(found) == len(rows) or notes
    codebook = set(Codebook.load().texts)
    assert not any(row.text in codebook for row in found)


def test_the_shipped_classifier_was_trained_on_this_codebook():
    trained = LogisticScorer.load(CLASSIFIER)
    if trained is None:
        pytest.skip("no classifier is shipped: frames uses plain similarity")
    scorer, note = choose_scorer(Codebook.load(), TORCH.stored_model_name)
    assert scorer.name == "logistic", note


def test_training_only_paragraphs_are_our_own_and_apart_from_the_scored_ones():
    labelled = load_bench_module("frames_labelled")
    extra = labelled.load_train_extra()
    assert len(extra) >= 300
    assert {row.label for row in extra} == set(LABELS)
    assert all(row.split == "train" and row.source == "extra" for row in extra)
    found, _ = labelled.load_labelled(seeds=SHARED / "seeds")
    scored = {row.text for row in found} | set(Codebook.load().texts)
    assert not any(row.text in scored for row in extra)
    assert len({row.text for row in extra}) == len(extra)


def test_the_shipped_classifier_reads_each_paragraph_vector_and_text_and_says_when_missing():
    trained = LogisticScorer.load(CLASSIFIER)
    if trained is None:
        pytest.skip("no classifier is shipped: frames uses plain similarity")
    assert trained.uses_vectors and trained.coef.shape == (3, 11 + 384)
    assert CLASSIFIER.stat().st_size < 1_000_000
    with pytest.raises(ValueError, match="vector"):
        trained.proba(np.zeros((2, 11)))
    if trained.words:
        terms = len(trained.words.terms)
        assert trained.words.coef.shape == (3, terms) and trained.words.idf.shape == (terms,)
        with pytest.raises(ValueError, match="text"):
            trained.proba(np.zeros((2, 11)), np.zeros((2, 384)))


def test_a_saved_classifier_loads_back_with_the_same_probabilities(tmp_path):
    rng = np.random.default_rng(0)
    features, vectors = rng.random((30, 11)), rng.normal(size=(30, 8))
    labels = np.array(LABELS * 10)
    fitted = LogisticScorer.fit(features, labels, "digest", "model", vectors=vectors)
    fitted.save(tmp_path / "classifier.toml", note="a test")
    loaded = LogisticScorer.load(tmp_path / "classifier.toml")
    assert loaded.codebook == "digest" and loaded.vector_scale == fitted.vector_scale
    np.testing.assert_allclose(
        loaded.proba(features, vectors), fitted.proba(features, vectors), atol=1e-4
    )


def test_a_classifier_with_words_weighs_them_and_loads_back_with_its_vocabulary(tmp_path):
    # The same similarities and vector for every paragraph: only the words tell them apart.
    features, vectors = np.full((30, 11), 0.5), np.full((30, 8), 0.1)
    labels = np.array(LABELS * 10)
    words = {"partnership": "joint agreement", "opposition": "we demand", "neutral": "the figures"}
    texts = [f'{words[label]} "quoted" {i}' for i, label in enumerate(labels)]
    fitted = LogisticScorer.fit(features, labels, "digest", "model", c=10.0, vectors=vectors,
                                texts=texts)  # fmt: skip
    assert "joint agreement" in fitted.words.terms and "we demand" in fitted.words.terms
    assert fitted.coef.shape == (3, 11 + 8)
    assert fitted.words.coef.shape == (3, len(fitted.words.terms))
    fitted.save(tmp_path / "classifier.toml", note="a test")
    loaded = LogisticScorer.load(tmp_path / "classifier.toml")
    assert loaded.words.terms == fitted.words.terms
    new = ["We demand a ballot.", "A joint agreement was signed.", "The figures were published."]
    same, flat = features[:3], vectors[:3]
    np.testing.assert_allclose(
        loaded.proba(same, flat, new), fitted.proba(same, flat, new), atol=1e-4
    )
    assert [LABELS[i] for i in loaded.proba(same, flat, new).argmax(1)] == [
        "opposition", "partnership", "neutral"
    ]  # fmt: skip


# --- the axis ------------------------------------------------------------------------------


def test_clear_statements_fall_on_the_right_side_of_the_axis(encoder):
    framer = TextFramer(embed=TORCH, encoder=encoder)
    texts = [
        "Management and the trade unions signed a joint agreement guaranteeing redeployment "
        "for every member of staff affected, with no compulsory redundancies this year.",
        "Members will strike and picket the hospital to stop these job cuts, which are "
        "wrecking patient care.",
        "The board meeting was held on 14 May in the education centre.",
        "* * *",
    ]
    document_framing_, framings = framer.frame(texts)
    assert [f.label for f in framings] == ["partnership", "opposition", "neutral", "neutral"]
    assert framings[0].score > 0.3 and framings[1].score < -0.3
    assert framings[3] == Framing("neutral", 0.0)  # no words: no stance
    assert all(-1 <= f.score <= 1 for f in framings)
    assert document_framing_.label in ("partnership", "opposition")


def test_the_document_takes_the_stance_that_dominates_its_stance_bearing_paragraphs():
    p, o, n = Framing("partnership", 0.6), Framing("opposition", -0.7), Framing("neutral", 0)
    assert document_framing([n, o, n, o, p]).label == "opposition"
    assert document_framing([n, n, n]).label == "neutral"
    assert document_framing([p, Framing("opposition", -0.2)]).label == "partnership"  # tie
    assert document_framing([n, n, n, o], min_stance_share=0.5).label == "neutral"
    assert document_framing([]).label == "neutral"
    assert document_framing([p, n]).score == pytest.approx(0.3)


# --- a framed corpus -------------------------------------------------------------------------


def test_frames_stores_a_score_and_label_for_every_paragraph(framed_db):
    path, report = framed_db
    with Corpus.open(path) as corpus:
        paragraphs = corpus.conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
        rows = corpus.conn.execute("SELECT label, score FROM paragraph_frames").fetchall()
        documents = corpus.conn.execute("SELECT count(*) FROM document_frames").fetchone()[0]
    assert len(rows) == paragraphs == report.paragraphs
    assert {label for label, _ in rows} == set(LABELS)
    assert all(-1 <= score <= 1 for _, score in rows)
    assert documents == len(SAMPLE_FILES)


def test_frames_places_every_paragraph_on_the_map_by_its_principal_components(framed_db):
    import numpy as np

    from corpus.document import text_hash

    path, _ = framed_db
    with Corpus.open(path) as corpus:
        rows = corpus.conn.execute(
            "SELECT p.text, f.x, f.y FROM paragraph_frames f "
            "JOIN paragraphs p ON p.id = f.paragraph_id ORDER BY f.paragraph_id"
        ).fetchall()
        stored = {
            key: np.frombuffer(vector, dtype="<f4")
            for key, vector in corpus.conn.execute("SELECT text_hash, vector FROM embeddings")
        }
    places = np.array([(x, y) for _, x, y in rows])
    assert np.isfinite(places).all()
    # The first two principal components of the paragraphs' own embeddings: centred, the
    # first spread wider than the second, and each the projection on one direction.
    vectors = np.stack([stored[text_hash(text)] for text, _, _ in rows]).astype(np.float64)
    centred = vectors - vectors.mean(axis=0)
    assert np.allclose(places.mean(axis=0), 0, atol=1e-6)
    assert places[:, 0].var() >= places[:, 1].var() > 0
    for column in places.T:
        direction, *_ = np.linalg.lstsq(centred, column, rcond=None)
        assert np.allclose(centred @ direction, column, atol=1e-4)
    top = np.linalg.svd(centred, full_matrices=False)[2][0]
    assert abs(np.corrcoef(centred @ top, places[:, 0])[0, 1]) > 0.999


def test_campaign_documents_lean_to_opposition_and_government_letters_to_partnership(framed_db):
    with Corpus.open(framed_db[0]) as corpus:
        by_kind = dict(
            corpus.conn.execute(
                "SELECT d.kind, avg(f.score) FROM paragraph_frames f "
                "JOIN documents d ON d.id = f.doc_id GROUP BY d.kind"
            ).fetchall()
        )
    assert by_kind["campaign"] < 0 < by_kind["government"]


def test_clusters_have_terms_representatives_and_few_outliers(framed_db):
    path, report = framed_db
    result = report.clustering
    assert result.k is not None and 3 <= result.k <= 12
    assert result.outlier_share < 0.2
    assert 0 <= result.ari <= 1 and -1 <= result.silhouette <= 1
    with Corpus.open(path) as corpus:
        clusters = corpus.conn.execute(
            "SELECT id, size, terms, representatives, mean_score, partnership + opposition "
            "+ neutral FROM frame_clusters"
        ).fetchall()
        members = dict(
            corpus.conn.execute(
                "SELECT cluster, count(*) FROM paragraph_frames WHERE cluster IS NOT NULL "
                "GROUP BY cluster"
            ).fetchall()
        )
        run_row = corpus.conn.execute(
            "SELECT k, outlier_share, ari, scorer FROM frame_runs"
        ).fetchone()
    assert clusters
    for cid, size, terms, representatives, mean_score, labelled in clusters:
        assert size == members[cid] == labelled
        assert 3 <= len(json.loads(terms)) <= 8
        assert min(3, size) <= len(json.loads(representatives)) <= 10
        assert -1 <= mean_score <= 1
    assert run_row[:3] == (result.k, result.outlier_share, result.ari)


def test_the_same_seed_gives_the_same_clusters(framed_copy, encoder):
    with Corpus.open(framed_copy) as corpus:
        before = corpus.conn.execute(
            "SELECT paragraph_id, cluster FROM paragraph_frames ORDER BY 1"
        ).fetchall()
        again = frame_corpus(corpus, FrameOptions(embed=TORCH), encoder=encoder)
        after = corpus.conn.execute(
            "SELECT paragraph_id, cluster FROM paragraph_frames ORDER BY 1"
        ).fetchall()
    assert before == after
    assert again.sentences_encoded == 0  # every sentence vector came from the cache


def test_frames_before_embed_says_to_run_embed(db_path):
    with Corpus.open(db_path) as corpus:
        list(corpus.add([document("We oppose the cuts.")]))
        with pytest.raises(FramesError, match="run `nhscuts embed"):
            frame_corpus(corpus, FrameOptions(embed=TORCH))
    result = run("frames", "--db", db_path)
    assert result.exit_code == 1
    assert f"run `nhscuts embed --db {db_path}` first" in result.output


def test_a_one_document_corpus_is_framed_but_not_clustered(corpus, encoder):
    list(corpus.add([document(
        "Dear Colleague,\n\nWe will work with staff side to avoid compulsory redundancy.\n\n"
        "The branch will campaign against every cut.\n\n* * *"
    )]))  # fmt: skip
    embed_corpus(corpus, TORCH, encoder)
    report = frame_corpus(corpus, FrameOptions(embed=TORCH), encoder=encoder)
    assert (report.paragraphs, report.wordless, report.documents) == (3, 1, 1)
    assert report.clustering.clusters == [] and "too few to cluster" in report.clustering.note
    rows = corpus.conn.execute("SELECT cluster FROM paragraph_frames").fetchall()
    assert rows == [(None,)] * 3
    assert corpus.conn.execute("SELECT k FROM frame_runs").fetchone() == (None,)


def test_paragraphs_added_after_embed_are_left_out_and_counted(framed_copy, encoder):
    with Corpus.open(framed_copy) as corpus:
        list(corpus.add([document("A brand new paragraph nobody has embedded yet.")]))
        report = frame_corpus(corpus, FrameOptions(embed=TORCH), encoder=encoder)
    assert report.unembedded == 1


# --- the command line ------------------------------------------------------------------------


def test_nhscuts_frames_stores_and_prints_clusters(framed_copy):
    result = run("frames", "--db", framed_copy, "--backend", "torch", "--k", 4)
    assert result.exit_code == 0, result.output
    assert "framed" in result.output and "4 clusters" in result.output
    with sqlite3.connect(framed_copy) as conn:
        assert conn.execute("SELECT count(*) FROM frame_clusters").fetchone()[0] <= 4
        assert conn.execute("SELECT k FROM frame_runs ORDER BY id DESC").fetchone() == (4,)
        runs = conn.execute("SELECT count(*) FROM frame_runs").fetchone()[0]
    assert runs == 2  # the fixture's run and this one; frames rows were replaced, not added


def test_over_time_prints_mean_framing_and_counts_per_year(framed_copy):
    result = run("frames", "--over-time", "--by", "kind", "--db", framed_copy)
    assert result.exit_code == 0, result.output
    assert "campaign" in result.output and "2006" in result.output
    with Corpus.open(framed_copy) as corpus:
        rows = framing_over_time(corpus, "kind")
        total = framing_over_time(corpus)
        paragraphs = corpus.conn.execute("SELECT count(*) FROM paragraph_frames").fetchone()[0]
    assert sum(row.paragraphs for row in rows) == sum(row.paragraphs for row in total)
    assert sum(row.paragraphs for row in total) == paragraphs
    for row in rows:
        assert row.partnership + row.opposition + row.neutral == row.paragraphs
        assert -1 <= row.mean_score <= 1


def test_over_time_by_organisation_needs_extraction_and_counts_named_paragraphs(framed_copy):
    with Corpus.open(framed_copy) as corpus:
        with pytest.raises(QueryError, match="nhscuts extract"):
            framing_over_time(corpus, "organisation")
        doc_id, index = corpus.conn.execute(
            'SELECT doc_id, "index" FROM paragraphs ORDER BY id LIMIT 1'
        ).fetchone()
        with corpus.db.atomic():
            for start in (0, 10):  # named twice in one paragraph: counted once
                corpus.conn.execute(
                    'INSERT INTO organisations (doc_id, paragraph, start, "end", text, org_id, '
                    "name, type) VALUES (?, ?, ?, ?, 'UNISON', 'unison', 'UNISON', 'union')",
                    [doc_id, index, start, start + 6],
                )
        [row] = framing_over_time(corpus, "organisation")
    assert (row.group, row.paragraphs, row.documents) == ("UNISON", 1, 1)
    result = run("frames", "--over-time", "--by", "organisation", "--db", framed_copy)
    assert "UNISON" in result.output


def test_over_time_before_any_frames_run_says_what_to_run(db_path):
    with Corpus.open(db_path) as corpus:
        list(corpus.add([document("Text.")]))
    result = run("frames", "--over-time", "--db", db_path)
    assert result.exit_code == 1
    assert "nhscuts frames" in result.output


def test_by_without_over_time_is_a_usage_error(framed_copy):
    result = run("frames", "--by", "kind", "--db", framed_copy)
    assert result.exit_code == 2 and "--over-time" in result.output


def test_scores_are_finite_for_every_stored_paragraph(framed_db):
    with Corpus.open(framed_db[0]) as corpus:
        scores = [s for (s,) in corpus.conn.execute("SELECT score FROM paragraph_frames")]
    assert np.isfinite(scores).all()


def test_extract_json_fills_the_framing_fields(tmp_path, encoder, monkeypatch):
    import nhscuts.cli

    monkeypatch.setattr(nhscuts.cli, "_framer", lambda: TextFramer(embed=TORCH, encoder=encoder))
    path = tmp_path / "leaflet.txt"
    path.write_text(
        "Stop the cuts\n\nWe oppose the vacancy freeze and will campaign with patients to "
        "stop it.\n\nThe branch meets on Tuesday at 12.30pm.\n",
        encoding="utf-8",
    )
    result = run("extract", path, "--json")
    assert result.exit_code == 0, result.output
    [found] = json.loads(result.output)
    assert found["framing"]["label"] in LABELS
    assert -1 <= found["framing"]["score"] <= 1
    assert [p["framing"] for p in found["paragraphs"]][1] == "opposition"
    assert all(-1 <= p["score"] <= 1 for p in found["paragraphs"])
    assert found["framing"]["label"] == "opposition"  # the only stance-bearing paragraph
