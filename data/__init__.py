"""Package data (installed as ``ffsim._data``): reported figures with provenance."""
