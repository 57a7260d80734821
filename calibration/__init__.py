"""Package data (installed as ``ffsim._calibration``): calibration configs and artifacts."""
