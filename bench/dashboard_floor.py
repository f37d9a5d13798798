"""The floor under every dashboard page: Streamlit with one small Altair chart and a table.

bench/bench_dashboard.py serves this page with `streamlit run` and times it exactly as it
times the dashboard's pages. Nothing of ours is in it (no corpus, no query, no sidebar), so
its time is what Streamlit and Vega-Lite alone take to draw a chart and a table in a fresh
browser on this machine.
"""

import altair as alt
import pandas as pd
import streamlit as st

st.set_page_config(page_title="floor", layout="wide")
st.title("Streamlit's floor")
frame = pd.DataFrame({"year": range(2010, 2020), "documents": range(10)})
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="year:O", y="documents:Q"), width="stretch")
st.subheader("Last section")
st.dataframe(frame, hide_index=True)
