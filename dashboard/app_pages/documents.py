"""Documents: a table, filtered by title and by words in the text; one opened shows its text
highlighted, its framings and its provenance."""

import streamlit as st

from dashboard import data, ui

source, filters = ui.start_page("Documents")

# URL parameter → widget key: the filters are kept in the page's URL, so a list can be shared.
URL_KEYS = {"title": "doc_title", "words": "doc_words"}
ui.restore_from_url(URL_KEYS)

title_column, words_column = st.columns(2)
title = title_column.text_input("Title or source contains", key="doc_title")
words = words_column.text_input(
    "Words in the text",
    key="doc_words",
    help="Full-text search of titles and texts, in FTS5 syntax: `MARS`, `redundan*`, "
    '`"resignation scheme"`, `UNISON OR Unite`, `cuts NOT pay`.',
)
ui.keep_in_url({"title": title, "words": words})
PAGE_SIZE = data.DOCUMENT_PAGE_SIZE
try:
    total, _ = data.documents(source, *filters.args(), title or None, 0, PAGE_SIZE, words or None)
except data.QueryError as error:
    st.error(str(error))
    st.stop()
st.markdown(f"**{total:,} documents**")
pages = max(1, -(-total // PAGE_SIZE))
page = 1
if pages > 1:
    page = int(st.number_input(f"Page (of {pages:,})", 1, pages, 1, key="doc_page"))
total, table = data.documents(
    source, *filters.args(), title or None, page - 1, PAGE_SIZE, words or None
)
if pages > 1:
    first = (page - 1) * PAGE_SIZE + 1
    st.caption(f"Documents {first:,}–{first + len(table) - 1:,} of {total:,}, newest first.")
st.dataframe(
    table.drop(columns=["id"]),
    hide_index=True,
    width="stretch",
    column_config={
        "url": st.column_config.LinkColumn("url"),
        "word_count": st.column_config.NumberColumn("words", format="%d"),
    },
)

wanted = st.query_params.get("doc")
ids = list(table["id"])
if wanted and wanted not in ids:
    ids.insert(0, wanted)  # a link from a claim may point outside the filters
labels = dict(
    zip(
        table["id"],
        table["title"].fillna("(untitled)") + " · " + table["published"].fillna("undated"),
        strict=True,
    )
)
if "doc_open" not in st.session_state:
    st.session_state["doc_open"] = wanted or None
if st.session_state["doc_open"] not in (None, *ids):
    st.session_state["doc_open"] = None
doc_id = st.selectbox(
    "Open a document",
    ids,
    key="doc_open",
    index=None,
    placeholder="Choose a document",
    format_func=lambda i: labels.get(i, i),
)
if not doc_id:
    if "doc" in st.query_params:
        del st.query_params["doc"]
    st.stop()
st.query_params["doc"] = doc_id

found = data.document(source, doc_id)
if found is None:
    st.warning(f"No document {doc_id} in this corpus.")
    st.stop()
meta = found["meta"]
st.header(meta["title"] or "(untitled)")
text_column, meta_column = st.columns([3, 1])
with meta_column:
    st.subheader("Metadata")
    rows = {
        "published": meta["published"] or "undated",
        "kind": meta["kind"],
        "source": meta["source"],
        "author": meta["author"] or "",
        "words": f"{meta['word_count']:,}",
    }
    st.table(rows)
    st.subheader("Provenance")
    if meta["url"]:
        st.markdown(f"[{meta['url']}]({meta['url']})")
    provenance = {
        "id": meta["id"],
        "fetched": meta["fetched_at"],
        "sha256": meta["sha256"],
        "content type": meta["content_type"],
        "text extractor": meta["extractor_version"],
    }
    if meta.get("canonical_url") and meta["canonical_url"] != meta["url"]:
        provenance["canonical url"] = meta["canonical_url"]
    if meta.get("duplicate_of"):
        provenance["copy of"] = meta["duplicate_of"]
    extraction = found["extraction"]
    if extraction:
        provenance["extracted"] = f"{extraction['at']} ({extraction['version']})"
    st.table(provenance)
with text_column:
    spans = found["spans"]
    counts = {kind: sum(s["kind"] == kind for s in spans) for kind in ui.SPAN_CLASS}
    st.caption(
        f"{counts['figures']} figures · {counts['organisations']} organisations · "
        f"{counts['schemes']} schemes"
        + ("" if extraction else " · not extracted yet: run `nhscuts extract`")
    )
    st.markdown(ui.LEGEND.rsplit(" · ", 1)[0], unsafe_allow_html=True)
    if not found["frames"]:
        st.caption("Framings per paragraph appear here after `nhscuts embed` and `nhscuts frames`.")
    position = 0
    for index, paragraph in enumerate(meta["text"].split("\n\n"), start=1):
        end = position + len(paragraph)
        inside = [
            {**s, "start": s["start"] - position, "end": s["end"] - position}
            for s in spans
            if s["start"] >= position and s["end"] <= end
        ]
        badge = ui.frame_badge(found["frames"].get(index))
        st.markdown(
            f'<p class="nc-text">{badge}{ui.render_spans(paragraph, inside)}</p>',
            unsafe_allow_html=True,
        )
        position = end + 2
