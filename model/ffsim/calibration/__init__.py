"""Calibration layer: reported figures, measures, likelihood, estimation, artifacts and their
check, the calibrated baseline and its posterior, vintages and forecast skill. Depends on core.
"""
