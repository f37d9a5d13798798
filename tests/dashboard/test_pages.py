"""Each page under Streamlit's AppTest against the sample corpus: what it shows."""

import csv
import io
import json
import sqlite3

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.conftest import REPO  # noqa: E402

PAGES = REPO / "dashboard" / "app_pages"
TIMEOUT = 60


def run_page(name: str, **query_params) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=TIMEOUT)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


@pytest.fixture(autouse=True)
def sample(sample_db, use_db):
    use_db(sample_db)


def test_overview_counts_documents_figures_and_names():
    at = run_page("overview")
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Documents"] == "6"
    assert metrics["Figures extracted"] == "12"
    assert metrics["Published"] == "2010-07-12 → 2025-05-20"
    (_, organisations), (_, schemes) = markdown_tables(at, "Name")
    assert organisations[0][:2] == ["UNISON", "4"]
    assert "Mutually Agreed Resignation Scheme" in [row[0] for row in schemes]


def markdown_tables(at: AppTest, first_header: str) -> list[tuple[list[str], list[list[str]]]]:
    """(header, rows), cells as shown, of each markdown table whose first column is
    `first_header`."""

    def cells(line: str) -> list[str]:
        return [cell.strip() for cell in line.strip("|").split(" | ")]

    tables = []
    for element in at.markdown:
        lines = element.value.split("\n")
        start = next(
            (i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |")), None
        )
        if start is not None:
            tables.append((cells(lines[start]), [cells(row) for row in lines[start + 2 :]]))
    return tables


def test_markdown_tables_escape_pipes_and_align_numbers():
    from dashboard.ui import markdown_table

    table = markdown_table(["Name", "Documents"], [["A | B *c* $5", "1,204"]], numeric=1)
    assert table.split("\n") == [
        "| Name | Documents |",
        "|---|--:|",
        "| A \\| B \\*c\\* \\$5 | 1,204 |",
    ]


def count_axes(at: AppTest) -> list[dict]:
    """The axes of every chart on the page that count documents or figures."""
    axes = []
    for chart in at.get("vega_lite_chart"):
        for channel in json.loads(chart.proto.spec)["encoding"].values():
            title = (channel.get("title") if isinstance(channel, dict) else None) or ""
            if title.startswith(("Documents", "Figures")):
                axes.append(channel["axis"])
    return axes


@pytest.mark.parametrize(
    ("page", "view", "charts"), [("overview", None, 4), ("figures", "Over time", 1)]
)
def test_count_axes_have_whole_number_ticks_with_separators(page, view, charts):
    """Six documents must not read "0 0 0 1 1 1 2 2" along the axis."""
    axes = count_axes(run_page(page, **({"view": view} if view else {})))
    assert len(axes) == charts
    assert all(axis["format"] == ",d" and axis["tickMinStep"] == 1 for axis in axes)


def test_overview_filters_by_kind_and_keeps_the_choice():
    at = run_page("overview")
    at.sidebar.selectbox(key="kind").select("union").run()
    assert {metric.label: metric.value for metric in at.metric}["Documents"] == "2"
    # The choice is kept for the other pages (session state survives a page switch).
    assert at.session_state["_kept_kind"] == "union"


def test_claim_search_highlights_the_match_figures_and_names():
    at = run_page("claims")
    at.text_input(key="claim_q").input("staff").run()
    assert not at.exception
    text = markdown(at)
    assert "**5 matching claims**" in text
    assert "<mark>staff</mark>" in text
    assert '<span class="nc-figure" title="figure: people">9,000</span>' in text
    assert (
        '<span class="nc-organisation" title="organisation: University Hospitals Dorset NHS '
        'Foundation Trust">University Hospitals Dorset NHS Foundation Trust</span>'
    ) in text
    assert "(/documents?doc=" in text
    assert at.query_params["q"] in ("staff", ["staff"])


def test_claim_search_filters_and_reads_its_url():
    at = run_page("claims", q="MARS OR savings", unit="GBP")
    assert at.text_input(key="claim_q").value == "MARS OR savings"
    assert "**4 matching claims**" in markdown(at)  # £20 billion ×2 of 3, £2 million
    at.selectbox(key="claim_org").select("University Hospitals Dorset NHS Foundation Trust").run()
    assert "**1 matching claims**" in markdown(at)
    assert (
        '<span class="nc-organisation" title="organisation: University Hospitals Dorset NHS Foundation Trust">UHD</span>'
        in markdown(at)
    )
    assert (
        '<mark><span class="nc-scheme" title="scheme: Mutually Agreed Resignation Scheme">MARS'
        "</span></mark>"
    ) in markdown(at)


ALL_CLAIMS = "the OR said OR staff OR savings OR MARS OR costs"  # the 11 claims


def shown_claims(at: AppTest) -> int:
    return sum(1 for element in at.markdown if element.value.startswith('<div class="nc-text">'))


def test_claim_search_pages_its_results():
    at = run_page("claims", q=ALL_CLAIMS)
    assert "**11 matching claims**" in markdown(at)
    assert shown_claims(at) == 10
    at.number_input(key="claim_page").set_value(2).run()
    assert shown_claims(at) == 1
    assert "Page 2 of 2" in [caption.value for caption in at.caption]


def test_claims_csv_has_every_match(sample_db):
    from dashboard import data

    for query, expected in ((ALL_CLAIMS, 11), ("staff", 5)):
        text = data.claims_csv(data.Source(str(sample_db), 0), data.ClaimQuery(query))
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == expected
    assert rows[0]["sentence"] and rows[0]["url"].startswith("https://")
    assert {row["figures"] for row in rows} >= {"9,000", "1,200"}


def test_claim_search_explains_a_bad_query():
    at = run_page("claims", q='"unclosed')
    assert at.error and "close every" in at.error[0].value


def test_documents_page_opens_one_with_highlights_and_provenance():
    at = run_page("documents")
    assert "**6 documents**" in markdown(at)
    table = at.dataframe[0].value
    assert len(table) == 6
    box = at.selectbox(key="doc_open")
    index = next(i for i, label in enumerate(box.options) if label.startswith("Trust offers"))
    box.select_index(index).run()
    assert not at.exception
    text = markdown(at)
    assert '<span class="nc-figure" title="figure: GBP">£2 million</span>' in text
    assert (
        '<span class="nc-scheme" title="scheme: Mutually Agreed Resignation Scheme">MARS</span>'
        in text
    )
    assert (
        '<span class="nc-organisation" title="organisation: University Hospitals Dorset NHS Foundation Trust">UHD</span>'
        in text
    )
    assert at.header[0].value == "Trust offers resignation scheme to staff"
    provenance = at.table[1].value
    assert "sha256" in provenance.index
    assert at.query_params["doc"]


def test_documents_table_is_paged_newest_first(monkeypatch):
    from dashboard import data

    monkeypatch.setattr(data, "DOCUMENT_PAGE_SIZE", 4)
    at = run_page("documents")
    assert "**6 documents**" in markdown(at)
    assert "Documents 1–4 of 6, newest first." in [c.value for c in at.caption]
    newest = list(at.dataframe[0].value["published"])
    assert newest == sorted(newest, reverse=True)
    at.number_input(key="doc_page").set_value(2).run()
    older = list(at.dataframe[0].value["published"])
    assert len(older) == 2 and max(older) <= min(newest)
    assert "Documents 5–6 of 6, newest first." in [c.value for c in at.caption]
    assert len(at.selectbox(key="doc_open").options) == 2  # the documents of this page


def test_documents_are_found_by_words_anywhere_in_their_text():
    at = run_page("documents")
    at.text_input(key="doc_words").input('"running costs"').run()
    assert not at.exception
    assert "**2 documents**" in markdown(at)
    assert set(at.dataframe[0].value["title"]) == {
        "Integrated care boards asked to halve running costs",
        "Campaigners rally against job cuts",  # in its text only
    }
    assert at.query_params["words"] == '"running costs"'  # kept in the URL, to share
    at.text_input(key="doc_words").input("porters").run()
    assert list(at.dataframe[0].value["title"]) == ["Health service told to find savings"]
    at.text_input(key="doc_words").input('"unclosed').run()
    assert at.error and "close every" in at.error[0].value


def test_documents_page_reads_its_filters_from_its_url():
    at = run_page("documents", words="MARS", title="UNISON")
    assert at.text_input(key="doc_words").value == "MARS"
    assert list(at.dataframe[0].value["title"]) == ["UNISON responds to resignation schemes"]


def test_documents_page_opens_the_document_in_its_url(sample_db):
    import sqlite3

    with sqlite3.connect(sample_db) as conn:
        doc_id = conn.execute("SELECT id FROM documents WHERE kind = 'government'").fetchone()[0]
    at = run_page("documents", doc=doc_id)
    assert at.header[0].value == "Integrated care boards asked to halve running costs"
    assert (
        '<span class="nc-organisation" title="organisation: NHS England">NHS England</span>'
        in markdown(at)
    )


@pytest.mark.parametrize("state", ["missing", "empty"])
@pytest.mark.parametrize("page", ["overview", "claims", "documents", "figures", "framings"])
def test_a_missing_or_empty_corpus_shows_how_to_build_one(tmp_path, use_db, state, page):
    path = tmp_path / "corpus.db"
    if state == "empty":
        from corpus import Corpus

        Corpus.open(path).close()
    use_db(path)
    at = run_page(page)
    assert at.title[0].value == "No corpus to show yet"
    assert ("no corpus file" if state == "missing" else "holds no documents") in at.info[0].value
    assert "nhscuts add" in markdown(at) and "make demo" in markdown(at)


def test_the_app_routes_to_every_page():
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.title[0].value == "NHS workforce cuts: the corpus"
    at.switch_page("app_pages/claims.py").run()
    assert at.title[0].value == "Claim search"
    at.switch_page("app_pages/documents.py").run()
    assert at.title[0].value == "Documents"


def test_figures_page_lists_filters_and_groups_repeats():
    at = run_page("figures")
    assert "**12 figures**" in markdown(at)
    table = at.dataframe[0].value
    assert "£20,000,000,000" in list(table["amount"])
    assert "9,000 people" in list(table["amount"])
    at.selectbox(key="figure_unit").select("people").run()
    assert "**3 figures**" in markdown(at)
    at.selectbox(key="figure_org").select("University Hospitals Dorset NHS Foundation Trust").run()
    assert "**1 figures**" in markdown(at)
    assert list(at.dataframe[0].value["amount"]) == ["9,000 people"]


def test_figures_page_opens_one_view_at_a_time_named_in_the_url():
    at = run_page("figures")
    assert [tab.label for tab in at.tabs] == [
        "Every figure",
        "Over time",
        "Repeated across documents",
    ]
    # Only the open view is drawn: the table, without the chart or the repeats.
    assert len(at.dataframe) == 1 and not at.get("vega_lite_chart")
    assert not markdown_tables(at, "Figure")

    at = run_page("figures", view="Over time")
    assert len(at.get("vega_lite_chart")) == 1 and not at.dataframe

    # £20 billion: first in 2010, repeated in 2011 and 2025.
    at = run_page("figures", view="Repeated across documents")
    [(_, repeated)] = markdown_tables(at, "Figure")
    assert repeated[0][:4] == ["£20,000,000,000", "£20 billion", "3", "2010-07-12"]
    assert at.selectbox(key="figure_repeated").value["value"] == 20_000_000_000
    assert "Health service told to find savings" in markdown(at)
    repeats = at.dataframe[0].value
    assert list(repeats["published"]) == ["2011-02-03", "2025-04-02"]
    assert not at.get("vega_lite_chart")


def test_figures_table_is_paged_and_says_which_rows_it_shows(monkeypatch):
    from dashboard import data

    monkeypatch.setattr(data, "FIGURE_PAGE_SIZE", 5)
    at = run_page("figures")
    assert "**12 figures**" in markdown(at)
    assert len(at.dataframe[0].value) == 5
    assert "Figures 1–5 of 12, oldest document first." in [c.value for c in at.caption]
    first_page = list(at.dataframe[0].value["published"])
    at.number_input(key="figure_page").set_value(3).run()
    assert len(at.dataframe[0].value) == 2
    assert "Figures 11–12 of 12, oldest document first." in [c.value for c in at.caption]
    assert first_page == sorted(first_page)
    assert min(at.dataframe[0].value["published"]) >= max(first_page)


def test_claim_search_builds_the_csv_only_when_the_button_is_pressed(monkeypatch):
    from dashboard import data

    built = []
    monkeypatch.setattr(data, "claims_csv", lambda *args: built.append(args) or "")
    at = run_page("claims", q="staff")
    assert "**5 matching claims**" in markdown(at)
    assert at.get("download_button")
    assert built == []


def test_cached_reads_are_keyed_by_the_corpus_version(sample_db, tmp_path):
    import shutil
    import sqlite3

    from dashboard import data

    path = tmp_path / "copy.db"
    shutil.copy(sample_db, path)
    before = data.source(str(path))
    assert data.source(str(path)) == before  # nothing written: cached results stand
    with sqlite3.connect(path) as other:  # another process, say `nhscuts extract`
        other.execute("UPDATE documents SET title = title || '!'")
    assert data.source(str(path)).version != before.version


def test_framings_page_says_how_to_make_framings():
    at = run_page("framings")
    assert "run `nhscuts embed` and `nhscuts frames`" in at.info[0].value.replace("Run", "run")


@pytest.fixture
def framed_db(sample_db, tmp_path, use_db):
    """A copy of the sample corpus with framings as `nhscuts frames` would store them."""
    import json
    import shutil

    import numpy as np

    path = tmp_path / "framed.db"
    shutil.copy(sample_db, path)
    with sqlite3.connect(path) as conn:
        paragraphs = conn.execute('SELECT id, doc_id, "index", text FROM paragraphs').fetchall()
        conn.execute(
            "INSERT INTO frame_clusters VALUES (1, 6, 'cuts · staff · jobs', ?, ?, -0.4, 1, 4, 1)",
            [json.dumps(["cuts", "staff", "jobs"]), json.dumps([paragraphs[2][0]])],
        )
        rng = np.random.default_rng(0)
        for number, (pid, doc_id, _, _) in enumerate(paragraphs):
            label = ("opposition", "partnership", "neutral")[number % 3]
            score = {"opposition": -0.6, "partnership": 0.5, "neutral": 0.0}[label]
            x, y = rng.normal(size=2)
            conn.execute(
                "INSERT INTO paragraph_frames VALUES (?, ?, ?, ?, ?, ?, ?)",
                [pid, doc_id, label, score, 1 if number % 2 else None, x, y],
            )
    use_db(path)
    return path


def framed_total(at: AppTest) -> int:
    """The framings map's count, from its header "**N framed paragraphs**"."""
    return int(markdown(at).split("**")[1].split()[0])


def test_framings_page_maps_paragraphs_lists_clusters_and_balance(framed_db):
    at = run_page("framings")
    assert not at.info
    assert [tab.label for tab in at.tabs] == ["Map", "Clusters", "Balance over time"]
    total = framed_total(at)
    assert total > 10
    assert "mapped, chosen evenly" not in markdown(at)  # all of them fit on the map
    assert len(at.get("vega_lite_chart")) == 1 and not at.expander
    from dashboard import data

    mapped, placed = data.frame_map(data.Source(str(framed_db), 0))
    assert mapped == total == len(placed)
    assert placed[["x", "y"]].notna().all().all()  # every paragraph has its place

    at = run_page("framings", view="Clusters")
    assert at.expander[0].label.startswith(
        "cuts · staff · jobs · 6 paragraphs · mean framing -0.40"
    )
    assert "**Terms:** cuts, staff, jobs" in at.expander[0].markdown[0].value
    assert not at.get("vega_lite_chart")

    at = run_page("framings", view="Balance over time")
    [(header, balance)] = markdown_tables(at, "Year")
    assert set(header[1:]) == {"news", "union", "government", "campaign"}
    assert all(cell == "" or cell[0] in "+-" for row in balance for cell in row[1:])
    assert at.get("download_button")[0].proto.label == "Download the balance (CSV)"
    at.radio(key="frame_by").set_value("organisation").run()
    [(header, _)] = markdown_tables(at, "Year")
    assert "UNISON" in header


def test_framings_map_says_when_it_shows_a_sample(framed_db, monkeypatch):
    from dashboard import data

    total = framed_total(run_page("framings"))
    monkeypatch.setattr(data, "FRAME_MAP_SIZE", 4)
    at = run_page("framings")
    assert f"**{total:,} framed paragraphs** (4 of them mapped, chosen evenly)" in markdown(at)
    import pyarrow as pa

    [chart] = at.get("vega_lite_chart")
    [points] = [pa.ipc.open_stream(d.data.data).read_all() for d in chart.proto.datasets]
    assert points.num_rows == 4
    # Hovering a point shows the start of its paragraph, cut at a word.
    with sqlite3.connect(framed_db) as conn:
        texts = [" ".join(text.split()) for (text,) in conn.execute("SELECT text FROM paragraphs")]
    for excerpt in points.column("excerpt").to_pylist():
        assert len(excerpt) <= 120
        start = excerpt.removesuffix(" …")
        assert any(text.startswith(start) for text in texts), excerpt


def test_documents_page_shows_the_framing_of_each_paragraph(framed_db):
    import sqlite3

    with sqlite3.connect(framed_db) as conn:
        doc_id = conn.execute("SELECT id FROM documents WHERE kind = 'campaign'").fetchone()[0]
    at = run_page("documents", doc=doc_id)
    assert 'class="nc-frame nc-' in markdown(at)


def test_framings_map_says_how_to_place_paragraphs_framed_before_it_stored_places(framed_db):
    total = framed_total(run_page("framings"))
    with sqlite3.connect(framed_db) as conn:  # framed by a version before migration m007
        conn.execute(
            "UPDATE paragraph_frames SET x = NULL, y = NULL WHERE paragraph_id IN "
            "(SELECT paragraph_id FROM paragraph_frames LIMIT 2)"
        )
    at = run_page("framings")
    mapped = total - 2
    assert f"({mapped:,} of them mapped: the others have no place on the map yet)" in markdown(at)
    assert "run `nhscuts frames --db" in at.caption[0].value
