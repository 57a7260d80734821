"""Exploratory modelling: designs of experiments over policy levers and uncertainties, their
outcomes as tables, scenario discovery (PRIM, CART) and the robustness of policies.
"""
