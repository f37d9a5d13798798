"""Claim search: sentences carrying a figure, found with FTS5, highlighted, paged, downloadable."""

import contextlib

import streamlit as st

from dashboard import data, ui

PAGE_SIZE = 10
# URL parameter → widget key; the search is kept in the page's URL so it can be shared.
URL_KEYS = {"q": "claim_q", "org": "claim_org", "scheme": "claim_scheme", "unit": "claim_unit"}

source, filters = ui.start_page("Claim search")

ui.restore_from_url(URL_KEYS)
if "claim_min" not in st.session_state and "min" in st.query_params:
    with contextlib.suppress(ValueError):
        st.session_state["claim_min"] = float(st.query_params["min"])

query = st.text_input(
    "Search claims",
    key="claim_q",
    placeholder='e.g. staff, "resignation scheme", cuts OR redundan*',
    help='FTS5 syntax: words (all must match), "exact phrases", OR, NOT, prefix*.',
)
organisations = ["", *data.entity_names(source, "organisations")]
schemes = ["", *data.entity_names(source, "schemes")]
for key, options in (("claim_org", organisations), ("claim_scheme", schemes)):
    if st.session_state.get(key) not in options:  # a name from a URL that is not in the corpus
        st.session_state[key] = ""
if st.session_state.get("claim_unit") not in ("", *data.UNITS):
    st.session_state["claim_unit"] = ""

columns = st.columns([3, 2, 1, 1])
organisation = columns[0].selectbox(
    "Organisation", organisations, key="claim_org", format_func=lambda v: v or "any"
)
scheme = columns[1].selectbox(
    "Scheme", schemes, key="claim_scheme", format_func=lambda v: v or "any"
)
unit = columns[2].selectbox(
    "Unit", ["", *data.UNITS], key="claim_unit", format_func=lambda v: v or "any"
)
min_value = columns[3].number_input(
    "Minimum value", min_value=0.0, value=None, key="claim_min", format="%.0f"
)

# The URL always says what is shown.
shown = {"q": query, "org": organisation, "scheme": scheme, "unit": unit}
shown["min"] = "" if min_value is None else f"{min_value:g}"
ui.keep_in_url(shown)

if not query.strip():
    st.caption(
        "Type words to find the sentences that carry a figure. The kind and date range "
        "in the sidebar apply too."
    )
    st.stop()

search = data.ClaimQuery(query.strip(), *filters.args(), organisation, scheme, unit, min_value)
try:
    total = data.count_claims(source, search)
except data.QueryError as error:
    st.error(str(error))
    st.stop()

pages = max(1, -(-total // PAGE_SIZE))
head = st.columns([3, 1, 1])
head[0].markdown(f"**{total:,} matching claims**")
page = head[1].number_input("Page", min_value=1, max_value=pages, value=1, key="claim_page")
if total:
    # Built when the button is pressed, not with every search: at 24,000 matches the whole
    # CSV costs several times the page of results.
    head[2].download_button(
        "Download all as CSV",
        data=lambda: data.claims_csv(source, search),
        file_name="claims.csv",
        mime="text/csv",
        on_click="ignore",
        help=f"Every one of the {total:,} matches, not only this page.",
    )
    st.markdown(ui.LEGEND, unsafe_allow_html=True)
else:
    st.info("No claim matches. Try fewer words, a prefix such as `redundan*`, or fewer filters.")

for hit in data.claim_page(source, search, int(page) - 1, PAGE_SIZE):
    text, marks = ui.marks_from_highlight(hit["snippet"])
    with st.container(border=True):
        st.markdown(
            f'<div class="nc-text">{ui.render_spans(text, hit["spans"], marks)}</div>',
            unsafe_allow_html=True,
        )
        said = f"said by {hit['attributed_to']} · " if hit["attributed_to"] else ""
        names = ", ".join(hit["organisations"]) or "no organisation named"
        scheme_names = f" · scheme: {', '.join(hit['schemes'])}" if hit["schemes"] else ""
        st.caption(
            f"{said}{names}{scheme_names} · {hit['published'] or 'undated'} · "
            f"{hit['source']} ({hit['kind']}) · {hit['title'] or hit['doc_id']}"
        )
        links = f"[Open the document](/documents?doc={hit['doc_id']})"
        if hit["url"]:
            links += f" · [Original]({hit['url']})"
        st.markdown(links)
st.caption(f"Page {int(page)} of {pages}")
