"""The Streamlit dashboard, reading the corpus through corpus.queries."""
