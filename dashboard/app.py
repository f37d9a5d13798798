"""The dashboard's entry file: it only routes. Run it with `nhscuts serve`."""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="nhscuts", layout="wide")
st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", url_path="overview", default=True),
        st.Page(PAGES / "claims.py", title="Claim search", url_path="claims"),
        st.Page(PAGES / "documents.py", title="Documents", url_path="documents"),
        st.Page(PAGES / "figures.py", title="Figures", url_path="figures"),
        st.Page(PAGES / "framings.py", title="Framings", url_path="framings"),
    ]
).run()
