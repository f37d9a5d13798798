"""Figures: every extracted figure, filterable by unit and organisation, plotted over time,
and the figures repeated across documents with their first appearance: each in its own tab."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui

UNIT_TITLES = {
    "GBP": "Amount (£)",
    "people": "People",
    "count": "Count",
    "percent": "Percent",
    "months": "Months",
    "years": "Years",
}

PAGE_SIZE = data.FIGURE_PAGE_SIZE
SAMPLE_SIZE = 5000  # points of the scatter: 100,000 are too many for a browser to draw
REPEATED_SHOWN = 20

source, filters = ui.start_page("Figures")

columns = st.columns([1, 3])
unit = columns[0].selectbox(
    "Unit", ["", *data.UNITS], key="figure_unit", format_func=lambda v: v or "any"
)
organisation = columns[1].selectbox(
    "Organisation named in the same paragraph",
    ["", *data.entity_names(source, "organisations")],
    key="figure_org",
    format_func=lambda v: v or "any",
)
chosen = (*filters.args(), unit, organisation)
total = data.count_figures(source, *chosen)
st.markdown(f"**{total:,} figures**")
if not total:
    st.info("No figures match. Run `nhscuts extract` if none were extracted yet.")
    st.stop()


def with_amounts(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(
        amount=[ui.format_value(v, u) for v, u in zip(table["value"], table["unit"], strict=True)]
    )


def draw_table() -> None:
    """Every figure that matches, a page at a time, oldest document first."""
    pages = -(-total // PAGE_SIZE)
    page = 1
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages:,})", 1, pages, 1, key="figure_page"))
    table = with_amounts(data.figure_page(source, *chosen, page - 1, PAGE_SIZE))
    first = (page - 1) * PAGE_SIZE + 1
    st.caption(f"Figures {first:,}–{first + len(table) - 1:,} of {total:,}, oldest document first.")
    st.dataframe(
        table[
            ["amount", "text", "unit", "counts", "published", "title", "source", "sentence", "url"]
        ],
        hide_index=True,
        width="stretch",
        column_config={"url": st.column_config.LinkColumn("url")},
    )


def draw_over_time() -> None:
    """One unit's values as points by date, or every unit's figures counted per year."""
    if unit:
        dated, sample = data.figure_sample(source, *chosen, size=SAMPLE_SIZE)
        sample = with_amounts(sample).assign(date=lambda t: pd.to_datetime(t["published"]))
        label = "£" if unit == "GBP" else ""
        axis = alt.Axis(
            title=UNIT_TITLES[unit],
            labelExpr=f"'{label}' + format(datum.value, ',')"
            + (" + '%'" if unit == "percent" else ""),
        )
        chart = (
            alt.Chart(sample)
            .mark_circle(size=90 if len(sample) < 500 else 30, opacity=0.7)
            .encode(
                x=alt.X("date:T", title="Published"),
                y=alt.Y("value:Q", axis=axis, scale=alt.Scale(type="symlog")),
                color=alt.Color("doc_kind:N", title="Kind"),
                tooltip=["amount", "text", "published", "title", "source"],
            )
        )
        if dated > len(sample):
            st.caption(
                f"{len(sample):,} of the {dated:,} dated figures are plotted, chosen evenly at "
                "random and the same each time; the table lists every figure."
            )
    else:
        st.caption("Choose a unit to plot the values; all units together are counted per year.")
        chart = (
            alt.Chart(data.figures_by_year(source, *chosen))
            .mark_bar()
            .encode(
                x=alt.X("year:O", title="Year published"),
                y=alt.Y("sum(figures):Q", title="Figures", axis=ui.COUNT_AXIS),
                color=alt.Color("unit:N", title="Unit"),
                tooltip=["year:O", "unit", alt.Tooltip("figures:Q", title="figures", format=",")],
            )
        )
    st.altair_chart(chart, width="stretch")


def amount(group: dict) -> str:
    return ui.format_value(group["value"], group["unit"])


def draw_repeated() -> None:
    """The figures found in the most documents, and where the chosen one was repeated."""
    repeated_total, repeated = data.repeated_figures(source, *chosen, limit=REPEATED_SHOWN)
    if not repeated:
        st.caption("No figure (the same value and unit) appears in more than one document.")
        return
    if repeated_total > len(repeated):
        st.caption(
            f"{repeated_total:,} figures (a value and unit) appear in more than one document; "
            f"the {len(repeated)} found in the most documents are shown."
        )
    # One table of the repeated figures and one of the chosen figure's appearances: a table
    # of appearances in each of 20 expanders drew 20 data grids, and took 0.3 s longer.
    rows = [
        [
            amount(group),
            " / ".join(group["texts"]),
            f"{group['documents']:,}",
            group["first"]["published"] or "undated",
            group["first"]["source"],
            group["first"]["title"] or group["first"]["doc_id"],
        ]
        for group in repeated
    ]
    header = ["Figure", "As written", "Documents", "First", "Source", "First title"]
    st.markdown(ui.markdown_table(header, rows))
    group = st.selectbox(
        "Where was it repeated?",
        repeated,
        format_func=lambda g: f"{amount(g)} ({' / '.join(g['texts'])})",
        key="figure_repeated",
    )
    first = group["first"]
    st.markdown(
        f"**First appearance:** {first['published'] or 'undated'} · {first['source']} · "
        f"{first['title'] or first['doc_id']}"
        + (f" · [original]({first['url']})" if first["url"] else "")
    )
    listed = group["appearances"][1:]
    more = group["documents"] - 1 - len(listed)
    st.markdown(
        "**Repeated in:**"
        + (f" the first {len(listed):,} of {group['documents'] - 1:,}" if more else "")
    )
    st.dataframe(
        pd.DataFrame(listed)[["published", "source", "title", "text", "url"]],
        hide_index=True,
        width="stretch",
        column_config={"url": st.column_config.LinkColumn("url")},
    )


VIEWS = {
    "Every figure": draw_table,
    "Over time": draw_over_time,
    "Repeated across documents": draw_repeated,
}
# The chart and two data grids drawn together took a first visit 2.0 s, 2.6 cold.
ui.show_views(VIEWS)
