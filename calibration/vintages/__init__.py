"""Package data (installed as ``ffsim._calibration.vintages``): the calibration as of the
earlier articles' dates (docs/validation.md).
"""
