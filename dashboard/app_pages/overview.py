"""Overview: documents by year and kind, the most named organisations and schemes, totals."""

import altair as alt
import streamlit as st

from dashboard import data, ui

source, filters = ui.start_page("NHS workforce cuts: the corpus")
counts = data.overview(source, *filters.args())

columns = st.columns([1, 1, 1, 3])  # the date range needs room: "2010-07-12 → 2025-05-20"
columns[0].metric("Documents", f"{counts['documents']:,}")
columns[1].metric("Figures extracted", f"{counts['figures']:,}")
columns[2].metric("Claims", f"{counts['claims']:,}")
dates = f"{counts['first']} → {counts['last']}" if counts["first"] else "undated"
columns[3].metric("Published", dates)

if not counts["documents"]:
    st.info("No documents match the filters in the sidebar.")
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader("Documents by year")
    st.altair_chart(
        alt.Chart(counts["by_year_kind"])
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year published"),
            y=alt.Y("sum(documents):Q", title="Documents", axis=ui.COUNT_AXIS),
            color=alt.Color("kind:N", title="Kind"),
            tooltip=["year", "kind", alt.Tooltip("documents:Q", format=",")],
        ),
        width="stretch",
    )
with right:
    st.subheader("Documents by kind")
    by_kind = counts["by_year_kind"].groupby("kind", as_index=False)["documents"].sum()
    st.altair_chart(
        alt.Chart(by_kind)
        .mark_bar()
        .encode(
            x=alt.X("documents:Q", title="Documents", axis=ui.COUNT_AXIS),
            y=alt.Y("kind:N", title=None, sort="-x"),
            color=alt.Color("kind:N", legend=None),
            tooltip=["kind", alt.Tooltip("documents:Q", format=",")],
        ),
        width="stretch",
    )


def top_chart(frame, what: str) -> None:
    st.subheader(f"Most named {what}")
    if frame.empty:
        st.caption(f"No {what} found yet: run `nhscuts extract`.")
        return
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("documents:Q", title="Documents naming it", axis=ui.COUNT_AXIS),
            y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            tooltip=["name", alt.Tooltip("documents:Q", format=","), "mentions"],
        ),
        width="stretch",
    )
    rows = [[row.name, f"{row.documents:,}", f"{row.mentions:,}"] for row in frame.itertuples()]
    st.markdown(ui.markdown_table(["Name", "Documents", "Mentions"], rows, numeric=2))


left, right = st.columns(2)
with left:
    top_chart(counts["organisations"], "organisations")
with right:
    top_chart(counts["schemes"], "schemes")
