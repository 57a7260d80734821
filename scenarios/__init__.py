"""Package data (installed as ``ffsim._scenarios``): the shipped scenario files."""
