"""The explorer's pages: each file is one page script, run by Streamlit's navigation."""
