"""Framings: a 2-D map of paragraph embeddings, the clusters, and the partnership–opposition
balance over time, each in its own tab. Filled by `nhscuts embed` and `nhscuts frames`."""

import textwrap

import altair as alt
import streamlit as st

from dashboard import data, ui

EXCERPT_CHARACTERS = 120  # of each paragraph, in the map's tooltip
FRAME_COLOURS = alt.Scale(
    domain=["partnership", "neutral", "opposition"], range=["#0f766e", "#9ca3af", "#b91c1c"]
)


def balance_table(balance) -> str:
    """Mean framing and paragraphs per year (rows) and group (columns), as a markdown table."""
    counted = balance.assign(
        paragraphs=balance["partnership"] + balance["opposition"] + balance["neutral"]
    )
    groups = list(dict.fromkeys(counted["group"]))
    cells = {(row.year, row.group): f"{row.mean_score:+.2f} ({row.paragraphs:,})"
             for row in counted.itertuples()}  # fmt: skip
    rows = [[year, *(cells.get((year, group), "") for group in groups)]
            for year in dict.fromkeys(counted["year"])]  # fmt: skip
    table = ui.markdown_table(["Year", *groups], rows, numeric=len(groups))
    return "Mean framing by year (paragraphs in brackets):\n\n" + table


source, filters = ui.start_page("Framings")

if not data.has_frames(source):
    st.info(
        "No framings in this corpus yet. Run `nhscuts embed` and `nhscuts frames` "
        "(with the same --db), then reload this page."
    )
    st.code(f"nhscuts embed --db {source.path}\nnhscuts frames --db {source.path}", language="bash")
    st.stop()


def draw_map() -> None:
    """The paragraphs on the first two principal components of their embeddings, as
    `nhscuts frames` placed them; a click reads one."""
    total, paragraphs = data.frame_map(source, *filters.args(), limit=data.FRAME_MAP_SIZE)
    if paragraphs.empty:
        st.info("No framed paragraph matches the filters in the sidebar.")
        return
    placed = paragraphs.dropna(subset=["x", "y"])
    unplaced = len(paragraphs) - len(placed)
    note = ""
    if len(paragraphs) < total:
        note = f" ({len(placed):,} of them mapped, chosen evenly)"
    elif unplaced:
        note = f" ({len(placed):,} of them mapped: the others have no place on the map yet)"
    st.markdown(f"**{total:,} framed paragraphs**{note}")
    if unplaced:
        st.caption(
            "Paragraphs framed before the map's places were stored have none: run "
            f"`nhscuts frames --db {source.path}` again to place them."
        )
    if placed.empty:
        return
    colour_by = st.radio("Colour by", ["framing", "cluster"], horizontal=True, key="frame_colour")
    colour = (
        alt.Color("label:N", title="Framing", scale=FRAME_COLOURS)
        if colour_by == "framing"
        else alt.Color("cluster:N", title="Cluster")
    )
    clicked = alt.selection_point(name="paragraph", fields=["row"], on="click")
    # Only what the chart draws and its tooltip shows, for the chart carries its data to the
    # browser: each paragraph's start, not its whole text, which a click shows below.
    mapped = placed[["x", "y", "label", "score", "cluster", "published"]].assign(
        row=placed.index,
        excerpt=[
            textwrap.shorten(text, EXCERPT_CHARACTERS, placeholder=" …") for text in placed["text"]
        ],
    )
    event = st.altair_chart(
        alt.Chart(mapped)
        .mark_circle(size=60, opacity=0.75)
        .encode(
            x=alt.X("x:Q", title="First principal component", axis=alt.Axis(labels=False)),
            y=alt.Y("y:Q", title="Second principal component", axis=alt.Axis(labels=False)),
            color=colour,
            tooltip=[
                alt.Tooltip("excerpt", title="paragraph"),
                "label",
                alt.Tooltip("score:Q", format="+.2f"),
                "cluster",
                "published",
            ],
        )
        .add_params(clicked)
        .interactive(),
        width="stretch",
        on_select="rerun",
        selection_mode="paragraph",
        key="frame_map",
    )
    chosen = [point["row"] for point in event.selection.get("paragraph", []) if "row" in point]
    if chosen and chosen[0] in placed.index:
        point = placed.loc[chosen[0]]
        st.markdown(f"> {point['text']}")
        st.caption(
            f"{point['label'].capitalize()} ({point['score']:+.2f}) · {point['cluster']}"
            f" · {point['title'] or 'Untitled'} · {point['published'] or 'undated'} · "
            f"[Open the document](/documents?doc={point['doc_id']})"
        )
    else:
        st.caption(
            "Principal components of the stored embeddings (PCA). Hover a point for the start "
            "of its paragraph, its framing and date; click it to read the whole paragraph."
        )


def draw_clusters() -> None:
    """Each cluster: its terms, labels and representative paragraphs."""
    clusters = data.frame_clusters(source)
    if not clusters:
        st.caption("No clusters: too few paragraphs to cluster in the last `nhscuts frames` run.")
    for cluster in clusters:
        with st.expander(
            f"{cluster['label']} · {cluster['size']:,} paragraphs · mean framing "
            f"{cluster['mean_score']:+.2f}"
        ):
            st.markdown("**Terms:** " + ", ".join(cluster["terms"]))
            st.markdown(
                f"partnership {cluster['partnership']:,} · opposition {cluster['opposition']:,} · "
                f"neutral {cluster['neutral']:,}"
            )
            for text in cluster["representatives"]:
                st.markdown(f"> {text}")


def draw_balance() -> None:
    """Mean framing per year, split by kind or organisation: a chart, a table, a CSV."""
    by = st.radio("Split by", ["kind", "organisation"], horizontal=True, key="frame_by")
    balance = data.frame_balance(source, *filters.args(), by)
    if balance.empty:
        st.caption("No dated framed paragraphs.")
    else:
        if by == "organisation":
            top = balance.groupby("group")["partnership"].count().nlargest(8).index
            balance = balance[balance["group"].isin(top)]
        st.altair_chart(
            alt.Chart(balance)
            .mark_line(point=True)
            .encode(
                x=alt.X("year:O", title="Year published"),
                y=alt.Y(
                    "mean_score:Q",
                    title="Mean framing (+1 partnership, −1 opposition)",
                    scale=alt.Scale(domain=[-1, 1]),
                ),
                color=alt.Color("group:N", title=by.capitalize()),
                tooltip=[
                    "year",
                    "group",
                    "partnership",
                    "opposition",
                    "neutral",
                    alt.Tooltip("mean_score:Q", format="+.2f"),
                ],
            ),
            width="stretch",
        )
        st.markdown(balance_table(balance))
        st.download_button(
            "Download the balance (CSV)",
            balance.to_csv(index=False),
            file_name=f"framing-balance-by-{by}.csv",
            mime="text/csv",
        )


VIEWS = {"Map": draw_map, "Clusters": draw_clusters, "Balance over time": draw_balance}
# The map and the balance chart drawn together took a first visit 2.2-2.5 s.
ui.show_views(VIEWS)
