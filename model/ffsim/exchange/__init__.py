"""Layer 5: the model exchanged with other tools: its equations as one symbolic description, and
the XMILE export generated from it, the parameter schema and the diagram.
"""
