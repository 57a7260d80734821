"""Package data (installed as ``ffsim._docs``): the documentation the explorer shows."""
