"""Command-line layer: the ``ffsim`` commands and the generator of the docs' tables."""
