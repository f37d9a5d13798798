"""Figures: every extracted figure, filterable by unit and organisation, plotted over time,
and the figures repeated across documents with their first appearance."""

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

path, filters = ui.start_page("Figures")

columns = st.columns([1, 3])
unit = columns[0].selectbox(
    "Unit", ["", *data.UNITS], key="figure_unit", format_func=lambda v: v or "any"
)
organisation = columns[1].selectbox(
    "Organisation named in the same paragraph",
    ["", *data.entity_names(path, "organisations")],
    key="figure_org",
    format_func=lambda v: v or "any",
)
table = data.figures(path, *filters.args(), unit, organisation)
st.markdown(f"**{len(table):,} figures**")
if table.empty:
    st.info("No figures match. Run `nhscuts extract` if none were extracted yet.")
    st.stop()

table["amount"] = [
    ui.format_value(v, u) for v, u in zip(table["value"], table["unit"], strict=True)
]
table["date"] = pd.to_datetime(table["published"], errors="coerce")

st.subheader("Over time")
dated = table.dropna(subset=["date"])
if unit:
    label = "£" if unit == "GBP" else ""
    axis = alt.Axis(
        title=UNIT_TITLES[unit],
        labelExpr=f"'{label}' + format(datum.value, ',')" + (" + '%'" if unit == "percent" else ""),
    )
    chart = (
        alt.Chart(dated)
        .mark_circle(size=90, opacity=0.7)
        .encode(
            x=alt.X("date:T", title="Published"),
            y=alt.Y("value:Q", axis=axis, scale=alt.Scale(type="symlog")),
            color=alt.Color("doc_kind:N", title="Kind"),
            tooltip=["amount", "text", "published", "title", "source"],
        )
    )
else:
    st.caption("Choose a unit to plot the values; all units together are counted per year.")
    dated = dated.assign(year=dated["date"].dt.year)
    chart = (
        alt.Chart(dated)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year published"),
            y=alt.Y("count():Q", title="Figures", axis=alt.Axis(format=",d")),
            color=alt.Color("unit:N", title="Unit"),
            tooltip=["year:O", "unit", alt.Tooltip("count():Q", title="figures")],
        )
    )
st.altair_chart(chart, use_container_width=True)

st.subheader("Every figure")
st.dataframe(
    table[["amount", "text", "unit", "counts", "published", "title", "source", "sentence", "url"]],
    hide_index=True,
    use_container_width=True,
    column_config={"url": st.column_config.LinkColumn("url")},
)

st.subheader("Repeated across documents")
repeated = data.repeated_figures(path, *filters.args(), unit, organisation)
if not repeated:
    st.caption("No figure (the same value and unit) appears in more than one document.")
for group in repeated:
    first = group["first"]
    amount = ui.format_value(group["value"], group["unit"])
    with st.expander(
        f"{amount} ({' / '.join(group['texts'])}) in {group['documents']} documents, "
        f"first {first['published'] or 'undated'}",
        expanded=group is repeated[0],
    ):
        st.markdown(
            f"**First appearance:** {first['published'] or 'undated'} · {first['source']} · "
            f"{first['title'] or first['doc_id']}"
            + (f" · [original]({first['url']})" if first["url"] else "")
        )
        st.markdown("**Repeated in:**")
        st.dataframe(
            pd.DataFrame(group["appearances"][1:])[["published", "source", "title", "text", "url"]],
            hide_index=True,
            use_container_width=True,
            column_config={"url": st.column_config.LinkColumn("url")},
        )
