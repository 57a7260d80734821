"""Scenario layer: scenario files, policy levers, comparison, attribution and sensitivity.
Depends on core and calibration.
"""
