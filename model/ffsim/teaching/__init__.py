"""Teaching layer: the diagrams' single description and the lessons. Depends on the layers
below.
"""
