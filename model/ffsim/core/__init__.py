"""Core layer: parameters, drivers, regions, the state layout, the right-hand side, the
integrator, simulation and results. Depends on nothing else in ffsim.
"""
