"""The Streamlit explorer's pieces: widgets, cached runner and pure chart builders."""
